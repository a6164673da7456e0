"""A tray that tips: what stands on it (a stack of plates, glasses of water) slides off its low
edge and falls to the floor, where the brittle things break."""
from __future__ import annotations

import re

from planner.offline import actors as ac
from planner.offline.layout import Plan
from planner.offline.motion import spread
from planner.offline.parse import Intent, Mention
from planner.trace import Claim

TILT = r"(?:tilt(?:s|ed|ing)?|tip(?:s|ped|ping)?)"
TILTS = re.compile(rf"\b(?:the |a )?tray {TILT}\b|\b{TILT} (?:the |a |its )?tray\b")
HELD_AT = 1.0  # m: a tray held at a waiter's hand height
TIP_SPEED, TIP_LIMIT = 90.0, 75.0  # degrees per second, and how far it tips
TRAY = {"width": 0.45, "depth": 0.32, "height": 0.03}
MAX_ON_TRAY = 8
GAP = 0.004  # m between stacked or neighbouring things at t = 0
FLOOR = HELD_AT + 0.005  # the top of the tray's 4 mm base, and a millimetre


def wanted(intent: Intent, actors: list[Mention]) -> bool:
    """A tray named, something else on it, and a slide, fall or tip off it."""
    # a thing called a tray (a shoebox is the tray asset's open box, not a tray)
    return any((m.noun.label or m.asset) == "tray" for m in intent.mentions) and any(
        m.asset != "tray" for m in actors) and bool(
        intent.actions & {"slide", "fall", "knock", "topple", "spill", "shatter", "push"}
        or "off" in intent.relations)


def build(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """The tray, hinged to the world at its +x edge, tips by a motor; the load slides off."""
    half = TRAY["width"] / 2
    plan.body(f"held level {HELD_AT:g} m up, then tipped by its +x edge", name="tray",
              asset="tray", params=dict(TRAY), position=[0.0, 0.0, HELD_AT])
    plan.joint(f"a hand tips it: {TIP_SPEED:g} degrees per second, up to {TIP_LIMIT:g}",
               name="tray_hinge", type="hinge", a="tray", b="world",
               anchor=[half, 0.0, HELD_AT], axis=[0.0, 1.0, 0.0], limits=[0.0, TIP_LIMIT],
               motor={"speed": TIP_SPEED, "max_force": 200.0})
    load = [m for m in actors if m.asset != "tray"]
    stacked = intent.arrangement == "tower" or "stack" in intent.actions
    names = _stack(plan, intent, load[0]) if stacked else _row(plan, intent, load)
    for name in names[:1] + names[-1:] if stacked else names[:MAX_ON_TRAY]:
        m = load[0] if stacked else next(x for x in load if name.startswith(
            x.noun.label or x.asset))
        if ac.brittle(m) and "shatter" in intent.actions | intent.negated:
            plan.check(f"the {m.word} breaks on the floor", shatters=name)
        else:
            plan.check(f"the {m.word} slides off and lands", contacts=name,
                       **{"with": "ground"})
        liquid = ac.liquid_in(plan, name)
        if liquid and "spill" in intent.actions:
            drink = re.sub(r"_\d+$", "", liquid).replace("_", " ")  # water_2: water
            plan.check(f"its {drink} splashes out on the way down or on the floor",
                       liquid_stays_in=liquid, container=name, fraction=0.5,
                       **{"not": True})
    plan.duration = 3.0
    plan.lead = names[0]
    plan.claims.append(Claim("on the tray", "arrangement", "planned",
                             f"{len(names)} bodies standing on the tray at t = 0"))
    tilted = TILTS.search(intent.text.lower())
    if tilted:  # 'the tray tilts': what the motor does
        plan.claims.append(Claim(tilted.group(0), "outcome", "planned", f"a motor tips the "
                                 f"tray {TIP_SPEED:g} degrees a second, up to {TIP_LIMIT:g}"))
    # the tray stays up at hand height: a shot of it loses the load below the frame, so the
    # camera follows the first thing off it down to the floor, and frames its spill there
    liquid = ac.liquid_in(plan, names[0])
    subject = {"event": "spill", "liquid": liquid} if liquid else names[0]
    plan.camera = ({"shots": [{"preset": "wide", "subject": subject,
                               "move": {"track": {"body": names[0], "smoothing": 0.1}}}]},
                   f"follows the {names[0]} off the tray down to the floor")


def _stack(plan: Plan, intent: Intent, m: Mention) -> list[str]:
    n = max(2, min(m.count if m.count > 1 else 4, MAX_ON_TRAY))
    pitch = ac.stack_pitch(m, intent)
    if pitch >= ac.height_of(m, intent):  # not nested: a gap between them too
        pitch += GAP
    each = Mention(m.noun, m.word, m.index, n, m.material, m.adjectives, m.color, m.liquid)
    return [ac.add(plan, each, intent, (0.0, 0.0, round(FLOOR + k * pitch, 4)),
                   "stacked on the tray" if k == 0 else "", k) for k in range(n)]


def _row(plan: Plan, intent: Intent, load: list[Mention]) -> list[str]:
    """Up to four things in two rows across the tray."""
    items = ac.instances(load, 4)
    pitch = max(2 * ac.radius_of(m, intent) for m, _ in items) + GAP
    spots = [(x, y) for x in spread(2 if len(items) > 2 else 1, pitch)
             for y in spread(min(len(items), 2), pitch)]
    return [ac.add(plan, m, intent, (round(x, 4), round(y, 4), FLOOR),
                   "standing on the tray" if i == 0 else "", k)
            for i, ((m, k), (x, y)) in enumerate(zip(items, spots, strict=False))]
