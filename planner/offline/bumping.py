"""A bumped table: someone knocks into it, the table slides a few centimetres on the floor and
what stands on it is jolted where it stands, so a drink on it sloshes and stays in (a bump
said to spill a drink or knock something off is another scenario's)."""
from __future__ import annotations

import re

from bridge.assets.build import geometry_for, solid_volume
from bridge.assets.registry import ASSETS
from bridge.materials import MATERIALS
from bridge.schema import Body
from planner.offline import actors as ac
from planner.offline.layout import Plan
from planner.offline.motion import TABLE_TOP, spread
from planner.offline.parse import Intent, Mention

# 'bumps the table', 'knocks into the desk', 'jostles the counter': the furniture is what is hit
# ('a ball hits the table' is a throw at it, not a bump)
BUMPED = re.compile(r"\b(?:(?:bump\w*|jolt\w*|jostl\w*|jarr?(?:s|ed|ing)?|shak\w*)\s+"
                    r"(?:into\s+|against\s+)?|(?:knock\w*|bang\w*)\s+(?:into|against)\s+)"
                    r"(?:the|a)\s+(?:\w+\s+)?(?:table|desk|counter)\b")
# what a bump scene cannot show: its load stays on the table and upright
NOT_A_BUMP = frozenset({"spill", "fall", "shatter", "topple", "roll", "slide", "throw"})
# m/s the bump gives the table: it slides a few centimetres and a cup of coffee on it sloshes
# 3.5 mm across (0.4 m/s: 1.9 mm). Even 2 m/s spills none of a glass 40% full: the glass
# slides on the jerked top instead, so a bump that spills is left to the other scenarios.
BUMP_SPEED = 0.6
LOOK_DOWN = 55.0  # degrees above the horizontal
BUMP_AT = 0.5  # s: the drink has settled in its container by then
SLOSH = 0.002  # m the drink's middle moves across its container: a surface tilted ~10 degrees


def wanted(intent: Intent, actors: list[Mention]) -> bool:
    """The table itself is bumped, with something on it that is said to stay on it (to
    spill, fall or break is another scenario's)."""
    return BUMPED.search(intent.text.lower()) is not None and bool(actors) and \
        not intent.actions & NOT_A_BUMP


def build(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """A free table on the floor, its load on its top, and a push on the table."""
    plan.body("a free table on the floor: the bump slides it", name="table", asset="table")
    mass = solid_volume(geometry_for(Body(name="table", asset="table"), None)) * \
        MATERIALS[ASSETS["table"].material].density
    plan.event(f"the bump: {BUMP_SPEED:g} m/s into the table's {mass:.0f} kg", at=BUMP_AT,
               push={"body": "table", "impulse": [round(mass * BUMP_SPEED, 2), 0.0, 0.0]})
    items = ac.instances(actors, 3)
    names = []
    for i, (m, k) in enumerate(items):
        name = ac.add(plan, m, intent, (spread(len(items), 0.25)[i], 0.0, TABLE_TOP),
                      "standing on the table", k)
        names.append(name)
        plan.check("it stays on the table", stays_on=name, on="table")
        liquid = ac.liquid_in(plan, name)
        if liquid is None:
            continue
        if intent.has("slosh", "sloshes", "sloshing", "sloshed"):
            plan.check(f"the {liquid} sloshes: its middle swings {SLOSH * 1e3:g} mm or more "
                       "across the container", sloshes=liquid, container=name, distance=SLOSH)
        plan.check(f"the {liquid} stays in", liquid_stays_in=liquid, container=name,
                   fraction=0.95)
    plan.duration = 2.5
    plan.lead = names[0]
    # from above, into the open top: at the rim's height a cup hides its coffee
    plan.camera = ({"shots": [{"preset": "close_up", "subject": names,
                               "angle": {"elevation": LOOK_DOWN}}]},
                   "close on what stands on the table and down into it, to see it slosh")
