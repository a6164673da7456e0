"""Soft bodies: a rubber duck (a squeeze toy, a stress ball, a sponge) squeezed in two hands,
or pressed down on (a sponge, a jelly, a foam block), then let go to spring back.

The hands are palms: only the force they give is simulated. Each thing's force squashes it by
a sixth to a quarter (measured): plain to see, and short of where a rubber thing loses more
than a tenth of its volume (the duck at 20 N a side).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from planner.offline.layout import Item, Plan
from planner.offline.parse import Intent

SQUEEZE = re.compile(r"\b(squeez\w*|squish\w*|squash\w*|crush\w*)\b")
PRESS = re.compile(r"\b(press\w*|push\w* down|poke\w*|prod\w*)\b")
# a soaked sponge wrung out, a juicy jelly: liquid in a soft body is not simulated, and a
# squeeze planned without it would drop what the prompt says
WET = re.compile(r"\b(water|juice|liquid|milk|drip\w*|soak\w*|wet|absorb\w*|squirt\w*|"
                 r"leak\w*|wring\w*|wrung)\b")
TABLE_TOP = 0.76
HELD, LET_GO = 0.5, 1.0  # s: it rests, is held squeezed, then springs back to the end


@dataclass(frozen=True)
class Thing:
    words: str  # a pattern for what the prompt calls it
    shape: str
    size: tuple[float, float, float]
    material: str
    squeeze: float  # N each hand gives it
    press: float  # N a palm presses it down with


THINGS = {
    "duck": Thing(r"(rubber |toy |bath |squeaky )?ducks?|ducky|duckie", "duck",
                  (0.1, 0.08, 0.09), "rubber", 10.0, 4.0),
    "stress_ball": Thing(r"stress balls?|squeeze balls?|squishy balls?|rubber balls?", "ball",
                         (0.07, 0.07, 0.07), "rubber", 6.0, 5.0),
    "sponge": Thing(r"sponges?", "box", (0.11, 0.07, 0.035), "sponge", 15.0, 30.0),
    "jelly": Thing(r"jelly|jellies|jello|gelatin\w*", "cylinder", (0.1, 0.1, 0.07), "jelly",
                   4.0, 3.0),
    "foam": Thing(r"foam (blocks?|cubes?|bricks?)|blocks? of foam|foam", "box",
                  (0.12, 0.12, 0.12), "foam", 20.0, 25.0),
}
SOFT_WORDS = re.compile(r"\b(" + "|".join(t.words for t in THINGS.values()) + r")\b")


def thing_named(text: str) -> tuple[str, str] | None:
    """The soft thing the prompt names: its key in THINGS, and the words that named it."""
    for key, thing in THINGS.items():
        found = re.search(rf"\b({thing.words})\b", text)
        if found:
            return key, found.group(0)
    return None


def wanted(intent: Intent) -> str | None:
    """'squeeze' or 'press' when a soft thing being squeezed or pressed is the prompt's
    subject (nothing else but a table named), else None."""
    text = intent.text.lower()
    named = thing_named(text)
    if named is None or WET.search(text) or any(m.asset != "table" and m.word not in named[1]
                                                for m in intent.mentions):
        return None
    if SQUEEZE.search(text):
        return "squeeze"
    return "press" if PRESS.search(text) else None


def build(plan: Plan, intent: Intent) -> str:
    """A soft thing on a table, squeezed or pressed, let go; its scenario's name."""
    text, how = intent.text.lower(), wanted(intent)
    key = thing_named(text)[0]
    thing = THINGS[key]
    plan.body("the table it sits on", name="table", asset="table", static=True,
              position=[0, 0, 0])
    at = [0.0, 0.0, round(TABLE_TOP + thing.size[2] / 2 + 0.003, 4)]
    plan.soft.append(Item({"name": key, "shape": thing.shape, "size": list(thing.size),
                           "at": at, "material": thing.material},
                          f"a {thing.material} {key.replace('_', ' ')}, soft all through"))
    plan.focus.append(tuple(at))
    if how == "squeeze":
        plan.event(f"two hands squeeze it from its sides, {thing.squeeze:g} N each, then let "
                   "go", at=HELD, squeeze={"soft": key, "force": thing.squeeze,
                                           "axis": [0.0, 1.0, 0.0], "duration": LET_GO})
    else:
        plan.event(f"a palm presses down on it with {thing.press:g} N, then lets go", at=HELD,
                   press={"soft": key, "force": [0.0, 0.0, -thing.press],
                          "duration": LET_GO})
    plan.check("let go, it springs back to its shape", springs_back=key)
    if thing.material in ("rubber", "jelly"):
        plan.check("rubber and jelly keep their volume as they squash", keeps_volume=key)
    plan.duration = 3.0
    plan.ground = {"material": "wood"}
    plan.camera = ({"position": [0.42, -0.1, TABLE_TOP + 0.2],
                    "look_at": [0.0, 0.0, at[2]]},
                   "close, facing it: the squeeze narrows it across the view")
    return how
