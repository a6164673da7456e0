"""What a vehicle drives into when the prompt names loose pieces, not another vehicle or a
solid wall: a dry-laid garden wall of bricks ('a tank drives through a brick wall'), a wall
or stack of cardboard boxes ('a pickup truck drives into a stack of 12 cardboard boxes'),
or a wooden fence (its planks as pickets standing free, not nailed to rails). The pieces
stand free across the road: bricks, pickets and an uncounted wall of boxes a little wider
than the vehicle, counted boxes in stacks of three; the checks are that it hits them and
that they come down.
"""
from __future__ import annotations

import math

from bridge.assets.registry import ASSETS
from planner.offline.arrangements import brick_wall
from planner.offline.layout import Plan
from planner.offline.parse import Intent, Mention
from planner.trace import Claim

WALL_ROWS = 8  # a garden wall's courses: 0.52 m of bricks (a real one is some 300 bricks a
# few metres long; fewer, lower courses keep the scene to seconds)
OVERHANG = 0.5  # m of wall beyond the vehicle's sides
BOX = 0.4  # m: a moving box's side
BOX_ROWS = 3
BOX_MASS = 2.0  # kg: a packed cardboard box
PILED = ("wall of", "stack of", "pile of", "tower of", "stacked")
FENCES = ("picket fence", "wooden fence", "fence", "fences")
PICKET = (0.02, 0.1, 1.0)  # m: a fence plank on end (thickness, width, height)
PICKET_GAP = 0.02  # m between pickets
COMES_DOWN = 0.3  # m a piece of the top row moves when the wall comes down


def pieces(intent: Intent) -> Mention | str | None:
    """The bricks or boxes the prompt has the vehicle drive into or through, or the fence's
    word ('a truck carrying 20 boxes crashes into a wall' keeps its cargo and the wall)."""
    into = next((i for i, t in enumerate(intent.tokens) if t in ("into", "through")), None)
    if into is None:
        return None
    piled = intent.arrangement is not None or intent.has(*PILED)
    found = next((m for m in intent.actors if m.index > into and (m.asset == "brick" or (
        m.asset == "box" and (m.count > 1 or piled)))), None)
    after = " ".join(intent.tokens[into:into + 4])
    return found or next((w for w in FENCES if f" {w}" in f" {after} "), None)


def build(plan: Plan, intent: Intent, m: Mention | str, width: float, clearance: float,
          face: float) -> tuple[str, str, str]:
    """The pieces across the road with their face at `face`, spanning a vehicle `width`
    wide whose hull rides `clearance` above the road; (the glob of their names, the piece
    in the middle its hull's front meets first, and one of the top row in the middle)."""
    span = width + 2 * OVERHANG
    if isinstance(m, str):
        return _fence(plan, intent, m, span, face)
    if m.asset == "brick":
        columns = math.ceil(span / ASSETS["brick"].params["length"])
        names = brick_wall(plan, face, columns, WALL_ROWS)
        row = min(int(clearance / ASSETS["brick"].params["height"]), WALL_ROWS - 1)
        return "brick_*", names[row * columns + columns // 2], names[-(columns // 2) - 1]
    return _boxes(plan, m, span, clearance, face)


def _boxes(plan: Plan, m: Mention, span: float, clearance: float, face: float
           ) -> tuple[str, str, str]:
    """Boxes stacked in columns across the road: as many as the prompt counts (in stacks of
    BOX_ROWS), else a wall as wide as `span`; the box its hull meets is in the row at its
    `clearance`."""
    columns = math.ceil(m.count / BOX_ROWS) if m.count > 1 else math.ceil(span / BOX)
    rows = math.ceil(m.count / columns) if m.count > 1 else BOX_ROWS
    material = m.material or "cardboard"
    names = []
    for row in range(rows):
        for column in range(columns):
            if m.count > 1 and len(names) == m.count:
                break
            names.append(f"box_{row + 1}_{column + 1}")
            plan.body(f"{material} boxes stacked across its path, {BOX:g} m a side"
                      if not row and not column else "", name=names[-1], asset="box",
                      material=material, mass=BOX_MASS,
                      params={"length": BOX, "width": BOX, "height": BOX},
                      position=[round(face + BOX / 2, 4),
                                round((column - (columns - 1) / 2) * (BOX + 0.002), 4),
                                round(row * BOX, 4)])
    row = min(int(clearance / BOX), rows - 1) + 1
    hit = [n for n in names if n.startswith(f"box_{row}_")]
    top = [n for n in names if n.startswith(f"box_{rows}_")]
    return "box_*", hit[len(hit) // 2], top[len(top) // 2]


def _fence(plan: Plan, intent: Intent, word: str, span: float, face: float
           ) -> tuple[str, str, str]:
    """Pickets standing free on end, edge to edge but for a gap, across the road."""
    count = math.ceil(span / (PICKET[1] + PICKET_GAP))
    names = []
    for k in range(count):
        names.append(f"plank_{k + 1}")
        plan.body(f"the {word}: {count} wooden pickets {PICKET[2]:g} m tall, standing free"
                  if not k else "", name=names[-1], asset="box", material="wood",
                  params=dict(zip(("length", "width", "height"), PICKET)),
                  position=[round(face + PICKET[0] / 2, 4),
                            round((k - (count - 1) / 2) * (PICKET[1] + PICKET_GAP), 4), 0.0])
    plan.claims.append(Claim(word, "object", "stood_in", f"{count} wooden pickets standing "
                             "free on end play it: its planks are not nailed to rails"))
    parts = next((w for w in ("planks", "plank", "boards", "pickets") if intent.has(w)), None)
    if parts:
        plan.claims.append(Claim(parts, "object", "stood_in", f"the {word}'s pickets"))
    middle = names[count // 2]
    return "plank_*", middle, middle


def check(plan: Plan, mover: str, glob: str, top: str, impact: float) -> None:
    """It hits them, and they come down."""
    plan.check(f"the {mover} hits them", contacts=mover, **{"with": glob},
               before=round(impact + 0.5, 2))
    plan.check("and knocks them down: the top ones are thrown off", moves_less_than=top,
               distance=COMES_DOWN, **{"not": True})
