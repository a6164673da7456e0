"""Down a flight of stairs: a thing nudged off the top step bounces or tumbles down them to
the floor.

The library has no staircase: fixed wooden blocks of a home's stairs stand in (18 cm risers,
28 cm treads, a metre wide), each a block from the floor to its tread, so the flight is solid
like a real one. The thing starts on the landing at the top and is nudged toward the edge.
"""
from __future__ import annotations

import re

from planner.offline import actors as ac
from planner.offline.layout import Plan
from planner.offline.motion import breaks, spread
from planner.offline.parse import Intent, Mention
from planner.trace import Claim

STAIR_WORDS = ("flight of stairs", "stairs", "staircase", "stairway", "stairwell", "steps")
# down them: 'bounces down the wooden staircase', 'tumbles down a flight of stairs' (not 'a
# glass falls off the table at the foot of the stairs')
DOWN = re.compile(r"\bdown (?:the |a |some )?(?:\w+ )?(?:flight of stairs|stairs|staircase|"
                  r"stairway|stairwell|steps)\b")
TOPS = ("porch", "the landing", "top step", "top of the stairs")  # where it starts: the landing
MOVES = frozenset({"bounce", "roll", "fall", "knock", "push", "slide", "throw"})
MAX_DOWN = 3  # things side by side on the landing
RISER, TREAD, WIDTH = 0.18, 0.28, 1.0  # m: a home's stairs (riser 15-20 cm, tread 25-30)
STEPS = 6
LANDING = 0.5  # m of floor at the top, before the first step down
NUDGE = 2.2  # m/s toward the edge: at 1.2 a rubber ball lost its way along the treads and
# stopped on the fourth step
SHOT_S = 4.0


def _checks(plan: Plan, intent: Intent, m: Mention, name: str, top: float) -> None:
    """Down the steps to the floor, bouncing where the prompt says; a brittle thing breaks
    on the first step it hits."""
    if breaks(m):
        plan.check(f"the {m.word} ({ac.material_of(m)}) breaks on the steps", shatters=name)
        return
    plan.check("it comes down the steps, hitting them on the way", contacts=name,
               **{"with": "step_*"})
    plan.check(f"and reaches the floor at the foot, {top:.2f} m below the landing",
               contacts=name, **{"with": "ground"})
    if "bounce" in intent.actions:
        plan.check("it bounces on the way down", bounces=name, at_least=2)


def wanted(intent: Intent, actors: list[Mention]) -> bool:
    """Something moves down the stairs the prompt names."""
    return bool(actors) and bool(intent.actions & MOVES) and bool(
        DOWN.search(intent.text.lower()))


def build(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """The flight, the things named (up to MAX_DOWN) side by side on its landing, and the
    checks of their way down."""
    word = next(w for w in STAIR_WORDS if intent.has(w))
    top = STEPS * RISER
    plan.body(f"the landing at the top of the {word}", name="landing", asset="box",
              material="wood", static=True, position=[-LANDING / 2, 0.0, 0.0],
              params={"length": LANDING, "width": WIDTH, "height": top})
    for k in range(1, STEPS):  # each step a riser lower and a tread further on (+x)
        plan.body("" if k > 1 else f"{STEPS - 1} steps down, {RISER * 100:.0f} cm risers and "
                  f"{TREAD * 100:.0f} cm treads", name=f"step_{k}", asset="box",
                  material="wood", static=True, position=[round((k - 0.5) * TREAD, 4), 0.0, 0.0],
                  params={"length": TREAD, "width": WIDTH, "height": round(top - k * RISER, 4)})
    plan.claims.append(Claim(word, "object", "stood_in", f"not in the asset library; a fixed "
                             f"wooden landing and {STEPS - 1} steps of {RISER * 100:.0f} cm play "
                             "it"))
    top_word = next((w for w in TOPS if intent.has(w)), None)
    if top_word:  # where it starts: a place the landing plays, and its push off it
        plan.claims.append(Claim(top_word, "place", "stood_in", "the landing at the top of "
                                 "the stairs plays it"))
        off = f"off {top_word}" if top_word.startswith("the ") else f"off the {top_word}"
        if intent.has(off):
            plan.claims.append(Claim(off, "outcome", "planned", f"it starts at {NUDGE:g} m/s "
                                     "toward the landing's edge; the checks test its way "
                                     "down"))
    items = ac.instances(actors, MAX_DOWN)
    lanes = spread(len(items), WIDTH / (len(items) + 1))
    for (m, k), y in zip(items, lanes, strict=True):
        name = ac.add(plan, m, intent, (-0.15, round(y, 4), round(top + 0.001, 4)),
                      f"on the landing, pushed toward the edge at {NUDGE:g} m/s", k,
                      velocity=[NUDGE, 0.0, 0.0])
        plan.lead = plan.lead or name
        _checks(plan, intent, m, name, top)
    middle = round(STEPS * TREAD / 2, 3)
    plan.camera = ({"position": [middle, -4.2, 1.3], "look_at": [middle, 0.0, 0.55],
                    "fov": 40.0}, "side on: the flight in profile, its landing to the foot")
    plan.duration = SHOT_S
