"""Things in a drink: 'a coin sinks to the bottom of a glass of water', 'an ice cube floats
in a glass of lemonade'. The container stands with its liquid (the particle fluid), and each
thing is let go just above the liquid, over the middle of the mouth; it floats or sinks by
its mean density against the liquid's, which the check then tests against the liquid's level
around it.
"""
from __future__ import annotations

import math

from bridge.assets.openings import mouth_radius
from bridge.liquids import LIQUID_KINDS
from planner.offline import actors as ac
from planner.offline.layout import Plan, extent, params_of
from planner.offline.parse import Intent, Mention
from planner.trace import Claim

MAX_THINGS = 2  # a glass's mouth holds about two small things side by side
DROP = 0.01  # m above the rim each is let go from
GAP = 0.004  # m between two let go side by side
SETTLE_S = 2.0  # by then a thing has sunk or come up to float


def wanted(intent: Intent, actors: list[Mention]) -> bool:
    """Floating or sinking, in a container named with its liquid, of something else."""
    return bool(intent.actions & {"float", "sink"}) and any(
        ac.holds_liquid(m) for m in actors) and any(not ac.holds_liquid(m) for m in actors)


def _reach(m: Mention, intent: Intent) -> float:
    """How far the thing reaches from its axis: a round thing's radius, a box's half
    diagonal."""
    params = ac.params_for(m, intent)
    x, y, _ = extent(m.asset, params)
    return x / 2 if "radius" in params_of(m.asset, params) else math.hypot(x, y) / 2


def _fitting(plan: Plan, intent: Intent, container: Mention,
             things: list[Mention]) -> list[tuple[Mention, int]]:
    """The things let go into the container: one, or two side by side, as many as its mouth
    takes; each left out is claimed as dropped."""
    mouth = mouth_radius(ac.geometry_of(container, intent).visual.vertices)
    kept: list[tuple[Mention, int]] = []
    for m, k in ac.instances(things, MAX_THINGS):
        trial = [*kept, (m, k)]
        width = sum(2 * _reach(t, intent) for t, _ in trial) + GAP * (len(trial) - 1)
        if width < 2 * mouth:
            kept.append((m, k))
        else:
            plan.claims.append(Claim(m.word, "object", "dropped", f"the {container.word}'s "
                                     f"mouth ({mouth * 200:.1f} cm across) takes no more"))
    return kept


def build(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    container = next(m for m in actors if ac.holds_liquid(m))
    name = ac.add(plan, container, intent, (0.0, 0.0, 0.0), "standing still, its drink in it",
                  static=True)
    liquid = ac.liquid_item(plan, name).data
    rho_liquid = LIQUID_KINDS[liquid["liquid"]].density
    top = ac.height_of(container, intent) + DROP
    items = _fitting(plan, intent, container, [m for m in actors if m is not container])
    # side by side, just clear of each other, the pair centred on the mouth (not their gap:
    # an ice cube beside a coin would reach past the mouth and land on the rim)
    x = -(sum(2 * _reach(m, intent) for m, _ in items) + GAP * (len(items) - 1)) / 2
    for m, k in items:
        x += _reach(m, intent)
        thing = ac.add(plan, m, intent, (x, 0.0, round(top, 4)),
                       "let go just above the rim, over the middle of the mouth", k)
        rho = ac.mean_density(m, intent)
        if rho < rho_liquid:
            plan.check(f"mean density {rho:.0f} kg/m3 < the {liquid['name']}'s "
                       f"{rho_liquid:.0f}: it floats", floats=thing, after=SETTLE_S)
        else:
            plan.check(f"mean density {rho:.0f} kg/m3 > the {liquid['name']}'s "
                       f"{rho_liquid:.0f}: it sinks", sinks=thing, before=SETTLE_S)
        x += _reach(m, intent) + GAP
    plan.duration = SETTLE_S + 0.5
    plan.focus.append((0.0, 0.0, top))
    middle = round(top / 2, 3)
    reach = 3.5 * top  # the glass and what drops into it fill about half the frame's height
    plan.camera = ({"position": [round(0.3 * reach, 3), round(-reach, 3),
                                 round(middle + 0.5 * reach, 3)],
                    "look_at": [0.0, 0.0, middle], "fov": 35.0},
                   f"close on the {name}, a little above its rim, to see in")
