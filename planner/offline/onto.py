"""Dropped onto furniture or onto another object: a table or shelf that takes the blow, and
breaks when the prompt makes it of something brittle ('a heavy ball dropped onto a glass table
that shatters'); or a thing standing on the floor that the dropped one lands on ('a hammer
drops onto an ice sculpture', 'a bowling ball is dropped onto an egg')."""
from __future__ import annotations

import math

from bridge.materials import MATERIALS
from planner.offline import actors as ac
from planner.offline import lexicon as lx
from planner.offline.layout import Plan
from planner.offline.motion import TABLE_TOP, G, breaks, expect_impact, frame_the_break, spread
from planner.offline.parse import ADJECTIVES, COLORS, Intent, Mention
from planner.offline.quantities import count_word

DROP_ABOVE = 1.0  # m above the top
AFTER_IMPACT = 1.5  # s of the shot after the blow: the pieces settle
MODIFIERS = {"a", "an", "the", "its", "his", "her", "their", *ADJECTIVES, *COLORS}


def wanted(intent: Intent, furniture: Mention | None) -> bool:
    """'dropped onto the table': the furniture comes after 'onto', and nothing falls off it."""
    if furniture is None or "onto" not in intent.tokens or "off" in intent.relations:
        return False
    return intent.tokens.index("onto") < furniture.index


def build(plan: Plan, intent: Intent, actors: list[Mention], furniture: Mention) -> None:
    """The furniture stands fixed; the objects fall on its middle from a metre above."""
    material = furniture.material
    brittle = material is not None and MATERIALS[material].brittle
    name = furniture.asset
    plan.body(f"the {furniture.word}, fixed" + (f", of {material}: it can break" if brittle
                                                else ""),
              name=name, asset=furniture.asset, static=True,
              **({"material": material} if material else {}),
              **({"breakable": True} if brittle else {}))
    top = 1.8 if furniture.asset == "shelf" else TABLE_TOP
    items = [(m, k) for m, k in ac.instances(actors, 3) if m is not furniture]
    height = intent.height or DROP_ABOVE
    for (m, k), x in zip(items, spread(len(items), 0.3), strict=True):
        body = ac.add(plan, m, intent, (x, 0.0, round(top + height, 3)),
                      f"released {height:g} m above the {furniture.word}", k)
        if not brittle:
            expect_impact(plan, m, body, name, 1.5)
    if brittle:
        plan.check(f"the {material} {furniture.word} breaks under the blow", shatters=name,
                   before=1.5)
    plan.duration = 2.0
    plan.lead = name


def struck_object(intent: Intent, actors: list[Mention]) -> tuple[Mention, Mention] | None:
    """'a hammer drops onto a glass vase': the one thing named before 'onto' and the one
    named right after it (only articles, counts, materials and adjectives between: not
    'onto grass near a bottle'), one of each, when nothing falls off anything and nothing
    is thrown or bounces (those scenes plan their own)."""
    if "onto" not in intent.tokens or "off" in intent.relations or \
            intent.actions & {"throw", "bounce"}:
        return None
    at = intent.tokens.index("onto")
    before = [m for m in actors if m.index < at]
    after = [m for m in actors if m.index > at]
    if len(before) != 1 or not after or before[0].count != 1 or after[0].count != 1:
        return None
    between = intent.tokens[at + 1:after[0].index]
    if not all(w in MODIFIERS or w in lx.MATERIAL_WORDS or count_word(w) is not None
               for w in between):
        return None
    return before[0], after[0]


def onto_object(plan: Plan, intent: Intent, falling: Mention, struck: Mention) -> None:
    """The struck thing stands on the floor; the falling one is let go above its middle, from
    the prompt's height or a metre over its top, and must land on it; what is brittle of the
    two breaks there (the struck one first: it takes the blow on its top)."""
    target = ac.add(plan, struck, intent, (0.0, 0.0, 0.0), "standing on the floor, where the "
                    f"{falling.word} lands on it")
    top = ac.height_of(struck, intent)
    height = intent.height or DROP_ABOVE
    name = ac.add(plan, falling, intent, (0.0, 0.0, round(top + height, 3)),
                  f"let go {height:g} m above the {struck.word}, over its middle")
    fall = math.sqrt(2 * height / G)
    plan.check(f"it lands on the {struck.word}", contacts=name, **{"with": target},
               before=round(fall + 0.3, 2))
    plan.lead = target
    if breaks(struck):
        plan.check(f"the {struck.word} ({ac.material_of(struck)}) breaks under the blow",
                   shatters=target, before=round(fall + 0.5, 2))
        frame_the_break(plan, target, f"frames the {struck.word} where the {falling.word} "
                        "breaks it", falls=False)
    elif breaks(falling):
        plan.check(f"the {falling.word} ({ac.material_of(falling)}) breaks on it",
                   shatters=name, before=round(fall + 0.5, 2))
        plan.lead = name  # a shot the prompt asks for frames the one that breaks
        frame_the_break(plan, name, f"follows the {falling.word} down and frames it where "
                        "it breaks")
    plan.duration = round(fall + AFTER_IMPACT, 1)
