"""A container of liquid that cracks where it stands: 'the fish tank cracks and all the water
gushes out onto the floor', 'a vase full of water cracks and leaks onto the table'.

Nothing in the prompt breaks it (no fall, throw or blow), so the script does: a `break` event
splits it in place, and the liquid runs out between its pieces onto what it stood on. The
break is the script's; that the liquid then leaves is the physics', and what is checked.
"""
from __future__ import annotations

import re

from bridge.assets.registry import ASSETS
from planner.offline import actors as ac
from planner.offline import lexicon as lx
from planner.offline import trays
from planner.offline.layout import Plan
from planner.offline.motion import TABLE_TOP, spread
from planner.offline.parse import Intent, Mention

BREAK_AT = 0.5  # s: the liquid has settled in its container by then
RUN_OUT_S = 2.0  # s after the break: the liquid has run out and spread
PUDDLE_M = 0.6  # m: most of it lies within this of the puddle's middle
SPACING = 0.6  # m between containers side by side: their puddles meet little
# what breaks a container from outside: a scenario of its own, with its cause
# ('pours out' is the liquid's, not a hand's pour)
CAUSES = frozenset({"fall", "throw", "hit", "knock", "push", "collide", "roll", "slide",
                    "topple", "drive", "swing", "squeeze"})
# 'shatters on the floor', 'smashes against the wall': broken by landing or a blow, which
# the other scenarios give it
STRUCK = re.compile(r"\b(?:on|onto|against|into|to)\s+(?:the|a|an)\s+(?:\w+\s+)?"
                    r"(?:floor|ground|tiles?|pavement|sidewalk|concrete|wall|counter)\b")
BREAKS = ("crack", "break", "broke", "shatter", "smash", "splinter")  # word stems
MOST = 3  # containers at most ('two vases full of water crack')


def wanted(intent: Intent, actors: list[Mention]) -> bool:
    """A brittle container of liquid is what breaks, with no cause said, and not on a tray
    (whose scenario tips it)."""
    return "shatter" in intent.actions and not intent.actions & CAUSES and \
        not _struck(intent) and not trays.wanted(intent, actors) and \
        _container(intent, actors) is not None


def _struck(intent: Intent) -> bool:
    """It breaks on or against something ('shatters on the floor'; not 'a glass on the
    floor cracks', which names where it stands)."""
    return STRUCK.search(" ".join(intent.tokens[_breaking(intent) + 1:])) is not None


def _breaking(intent: Intent) -> int:
    """The first word of breaking's place among the tokens (their count if none)."""
    return next((i for i, token in enumerate(intent.tokens) if token.startswith(BREAKS)),
                len(intent.tokens))


def _container(intent: Intent, actors: list[Mention]) -> Mention | None:
    """The brittle hollow container the liquid is in, said to break: named with it ('a vase
    full of water'), or the one container where the prompt names a liquid on its own ('the
    fish tank cracks and the water gushes out'); not an empty one, nor one something else
    breaks in ('an ice cube cracks in a glass of water')."""
    hollow = [m for m in actors if ASSETS[m.asset].hollow and ac.brittle(m)
              and lx.EMPTY_WORD not in m.adjectives]
    held = [m for m in hollow if ac.holds_liquid(m)]
    found = held[0] if held else hollow[0] if intent.liquid and len(hollow) == 1 else None
    return found if found is not None and _breaker(intent) is found else None


def _breaker(intent: Intent) -> Mention | None:
    """The thing named last before the first word of breaking: what the prompt breaks."""
    before = [m for m in intent.mentions if m.index < _breaking(intent)]
    return max(before, key=lambda m: m.index) if before else None


def build(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """The containers on the floor (or on the table the prompt names), full, side by side;
    the break; the liquid leaving them."""
    container = _container(intent, actors)
    container.liquid = container.liquid or intent.liquid or "water"
    floor = 0.0
    if any(m.asset == "table" for m in intent.surfaces):
        floor = TABLE_TOP
        plan.body("the table it stands on", name="table", asset="table", static=True)
    items = ac.instances([container], MOST)
    for k, (m, index) in enumerate(items):
        name = ac.add(plan, m, intent, (spread(len(items), SPACING)[k], 0.0, floor),
                      "standing still, full", index)
        _crack(plan, name, ac.liquid_in(plan, name), on_floor=not floor)
    plan.duration = BREAK_AT + RUN_OUT_S
    plan.focus.append((0.0, 0.0, floor))


def _crack(plan: Plan, name: str, liquid: str, on_floor: bool) -> None:
    """The break, and the checks that it broke and that its liquid ran out."""
    plan.event(f"it cracks at {BREAK_AT:g} s: the prompt gives no cause, so the script "
               "breaks it", at=BREAK_AT, **{"break": name})
    plan.check("it cracks", shatters=name, before=BREAK_AT + 0.1)
    # not `liquid_stays_in`: a container broken into pieces holds nothing by that check's
    # reckoning, whether or not the liquid has moved; a puddle shows it ran out and spread.
    # On a table some of it runs over the edge to the floor, and no check tests where the
    # rest lies: the claim is left unchecked there
    if on_floor:
        plan.check(f"the {liquid} runs out between the pieces and lies in a puddle around "
                   "them", puddle=liquid, max_radius=PUDDLE_M)
