"""Dropped onto furniture: a table or shelf that takes the blow, and breaks when the prompt
makes it of something brittle ('a heavy ball dropped onto a glass table that shatters')."""
from __future__ import annotations

from bridge.materials import MATERIALS
from planner.offline import actors as ac
from planner.offline.layout import Plan
from planner.offline.motion import TABLE_TOP, expect_impact, spread
from planner.offline.parse import Intent, Mention

DROP_ABOVE = 1.0  # m above the top


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
