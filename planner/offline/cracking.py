"""A container of liquid that cracks where it stands: 'the fish tank cracks and all the water
gushes out onto the floor', 'a vase full of water cracks and leaks onto the table'.

Nothing in the prompt breaks it (no fall, throw or blow), so the script does: a `break` event
splits it in place, and the liquid runs out between its pieces onto what it stood on. The
break is the script's; that the liquid then leaves is the physics', and what is checked.
"""
from __future__ import annotations

from bridge.assets.registry import ASSETS
from planner.offline import actors as ac
from planner.offline.layout import Plan
from planner.offline.motion import TABLE_TOP
from planner.offline.parse import Intent, Mention

BREAK_AT = 0.5  # s: the liquid has settled in its container by then
RUN_OUT_S = 2.0  # s after the break: the liquid has run out and spread
PUDDLE_M = 0.6  # m: most of it lies within this of the puddle's middle
# what breaks a container from outside: a scenario of its own, with its cause
# ('pours out' is the liquid's, not a hand's pour)
CAUSES = frozenset({"fall", "throw", "hit", "knock", "push", "collide", "roll", "slide",
                    "topple", "drive", "swing", "squeeze"})
# surfaces a container can stand on besides the floor ('onto the table', 'on the counter')
TABLES = frozenset({"table", "shelf"})


def wanted(intent: Intent, actors: list[Mention]) -> bool:
    """It breaks with no cause said, and a brittle container holds a liquid."""
    return "shatter" in intent.actions and not intent.actions & CAUSES and \
        _container(intent, actors) is not None


def _container(intent: Intent, actors: list[Mention]) -> Mention | None:
    """The brittle hollow container the liquid is in: named with it ('a vase full of
    water'), or the one container where the prompt names a liquid on its own ('the fish tank
    cracks and the water gushes out')."""
    hollow = [m for m in actors if ASSETS[m.asset].hollow and ac.brittle(m)]
    held = [m for m in hollow if ac.holds_liquid(m)]
    if held:
        return held[0]
    return hollow[0] if intent.liquid and len(hollow) == 1 else None


def build(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """The container on the floor (or on the table the prompt names), full; the break; the
    liquid leaving it."""
    container = _container(intent, actors)
    container.liquid = container.liquid or intent.liquid or "water"
    floor = 0.0
    if any(m.asset in TABLES for m in intent.surfaces):
        floor = TABLE_TOP
        plan.body("the table it stands on", name="table", asset="table", static=True)
    name = ac.add(plan, container, intent, (0.0, 0.0, floor), "standing still, full")
    liquid = ac.liquid_in(plan, name)
    plan.event(f"it cracks at {BREAK_AT:g} s: the prompt gives no cause, so the script "
               "breaks it", at=BREAK_AT, **{"break": name})
    plan.check("it cracks", shatters=name, before=BREAK_AT + 0.1)
    # not `liquid_stays_in`: a container broken into pieces holds nothing by that check's
    # reckoning, whether or not the liquid has moved; a puddle shows it ran out and spread.
    # On a table some of it runs over the edge to the floor, and no check tests where the
    # rest lies: the claim is left unchecked there
    if not floor:
        plan.check(f"the {liquid} runs out between the pieces and lies in a puddle around "
                   "them", puddle=liquid, max_radius=PUDDLE_M)
    plan.duration = BREAK_AT + RUN_OUT_S
    plan.focus.append((0.0, 0.0, floor))
