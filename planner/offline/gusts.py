"""Wind on light things: a gust that tips an empty cup over, rolls a soda can down the street,
or a leaf blower that pushes a beach ball. The air is the script's wind field; the physics
drags the bodies light enough for it to move (physics/air.py), so a brick stays put."""
from __future__ import annotations

import re

from planner.offline import actors as ac
from planner.offline import lexicon as lx
from planner.offline.layout import Item, Plan
from planner.offline.motion import TABLE_TOP, spread
from planner.offline.parse import Intent

# what blows, and how hard (m/s): the flag's Beaufort words, and the machines
AIR = re.compile(r"\b(leaf blower|desk fan|electric fan|fan|gale|strong wind|wind|windy|"
                 r"gusts?|gusty|breeze)\b")
SPEEDS = {"leaf blower": 15.0, "desk fan": 5.0, "electric fan": 5.0, "fan": 5.0, "gale": 17.0,
          "strong wind": 12.0, "wind": 8.0, "windy": 8.0, "gust": 10.0, "gusts": 10.0,
          "gusty": 10.0, "breeze": 3.0}
MAX_ITEMS = 3
ROLLERS = frozenset({"can", "bottle", "cylinder", "cup", "tumbler"})


def wanted(intent: Intent) -> str | None:
    """The air word, when something the wind can move is named and it does something."""
    found = AIR.search(intent.text.lower())
    movable = [m for m in intent.actors if m.asset not in lx.SURFACES]
    acts = intent.actions | intent.negated
    if found is None or not movable or not acts & {"topple", "knock", "roll", "push",
                                                   "slide", "fall", "drift"}:
        return None
    return found.group(1)


def build(plan: Plan, intent: Intent) -> str:
    """The things standing in the wind's path (on the table the prompt names), and the wind."""
    word = wanted(intent) or "wind"
    speed = intent.speed or SPEEDS[word]
    on_table = any(m.asset == "table" for m in intent.mentions)
    if on_table:
        plan.body("the table, fixed", name="table", asset="table", static=True)
    base = TABLE_TOP if on_table else 0.0
    items = ac.instances([m for m in intent.actors if m.asset not in lx.SURFACES], MAX_ITEMS)
    # a can or a bottle that rolls lies on its side, its axis across the wind
    lying = {"rotation": [90.0, 0.0, 0.0]} if "roll" in intent.actions else {}
    names = [ac.add(plan, m, intent, (0.0, y, base + (ac.radius_of(m, intent) if lying and
                                                      m.asset in ROLLERS else 0.0)),
                    "in the wind's path" if i == 0 else "", k,
                    **(lying if m.asset in ROLLERS else {}))
             for i, ((m, k), y) in enumerate(zip(items, spread(len(items), 0.3), strict=True))]
    plan.wind.append(Item({"velocity": [speed, 0.0, 0.0], "gusts": 0.3, "gust_period": 2.0,
                           "start": 0.3},
                          f"the {word}: {speed:g} m/s along +x, gusting; it drags what is "
                          "light enough to feel it"))
    if "topple" in intent.negated:  # "the cup does not tip over in the wind"
        plan.check("the wind does not tip it over", falls_over=names[0], **{"not": True})
    elif "topple" in intent.actions:
        plan.check("the wind tips it over", falls_over=names[0])
    else:
        plan.check("the wind carries it along", moves_less_than=names[0], distance=0.3,
                   **{"not": True})
    plan.duration = 3.0
    plan.lead = names[0]
    return "wind"
