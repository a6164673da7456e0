"""Washing on a line in the wind: 'three shirts hanging on a clothesline flap in the breeze'.
Each piece is a cotton sheet of its size pinned along its top edge to a line strung between
two posts, and the wind blows across the line; each is checked to keep moving."""
from __future__ import annotations

import re

from planner.offline.layout import Item, Plan
from planner.offline.motion import spread
from planner.offline.parse import Intent
from planner.offline.quantities import count_word

# what hangs on a washing line, and its size (width, height) in metres
PIECES = {"shirt": (0.5, 0.7), "t-shirt": (0.5, 0.7), "towel": (0.5, 0.9),
          "sheet": (1.4, 1.0), "pillowcase": (0.5, 0.7), "sock": (0.12, 0.3),
          "dress": (0.5, 1.0), "jeans": (0.45, 1.0), "trousers": (0.45, 1.0)}
_NAMES = "|".join(PIECES)
PIECE_WORDS = rf"(?:{_NAMES})(?:es|s)?"  # a piece named, singular or plural
LAUNDRY = re.compile(rf"\b({_NAMES})(?:es|s)?\b")
LINE = re.compile(r"\b(clothes ?lines?|washing ?lines?)\b")
LINE_HEIGHT = 1.8  # m: the line, strung between the posts' tops
GAP = 0.15  # m between pieces along the line
MAX_PIECES = 5
PLURAL = 3  # pieces where the prompt names no count
COLORS = ([0.92, 0.92, 0.9], [0.45, 0.62, 0.85], [0.8, 0.25, 0.22], [0.95, 0.8, 0.3],
          [0.4, 0.7, 0.45])


def wanted(intent: Intent) -> bool:
    """Washing named on a line, and nothing else to move."""
    text = intent.text.lower()
    return LAUNDRY.search(text) is not None and LINE.search(text) is not None and \
        not intent.mentions


def counted(text: str, at: int) -> int | None:
    """The count said in the few words before `at` ('three white shirts'), or None."""
    return next((n for word in reversed(text[:at].split()[-3:])
                 if (n := count_word(word)) is not None), None)


def sheet_kind(piece: str) -> str:
    """The script's name for a piece's sheets ('t-shirt': t_shirt_1, t_shirt_2)."""
    return piece.replace("-", "_")


SHEET_KINDS = frozenset(map(sheet_kind, PIECES))


def build(plan: Plan, intent: Intent, speed: float) -> None:
    """`speed`: the flag's wind for the prompt's words, halved: a cotton shirt streams out
    flat where a flag only ripples (a curtain does at 4 m/s)."""
    speed = intent.speed or speed / 2
    text = intent.text.lower()
    found = LAUNDRY.search(text)
    piece, size = found.group(1), PIECES[found.group(1)]
    plural = found.group(0) != piece  # 'towels on a line': a few of them
    count = min(counted(text, found.start()) or (PLURAL if plural else 1), MAX_PIECES)
    length = count * (size[0] + GAP) + GAP
    for side in (-1, 1):
        plan.body("a post the line is strung from", name=plan.unique("post"), asset="box",
                  static=True, position=[side * (length / 2 + 0.02), 0.0, 0.0],
                  params={"length": 0.04, "width": 0.04, "height": LINE_HEIGHT + 0.05},
                  color=[0.55, 0.45, 0.35])
    plan.body("the washing line between the posts", name="clothesline", asset="box",
              static=True, position=[0.0, 0.0, LINE_HEIGHT - 0.004],
              params={"length": length, "width": 0.008, "height": 0.008},
              color=[0.9, 0.9, 0.88])
    names = []
    for k, x in enumerate(spread(count, size[0] + GAP)):
        names.append(f"{sheet_kind(piece)}_{k + 1}")
        plan.cloth.append(Item({
            "name": names[-1], "size": list(size), "at": [round(x, 3), 0.0,
                                                          round(LINE_HEIGHT - size[1] / 2, 3)],
            "rotation": [90.0, 0.0, 0.0], "pinned": "top", "material": "cotton",
            "color": COLORS[k % len(COLORS)], "resolution": [10, 14]},
            f"a cotton {piece} {size[0]:g} x {size[1]:g} m pegged along its top "
            "edge to the line" if k == 0 else ""))
        plan.check("it flaps in the wind to the end", flutters=names[-1])
    plan.wind.append(Item({"velocity": [0.5, -speed, 0.0], "gusts": 0.4, "gust_period": 1.5,
                           "turbulence": 0.2},
                          f"a wind of {speed:g} m/s across the line toward the view, gusting"))
    plan.duration = 3.0
    plan.ground = {"material": "stone"}
    plan.camera = ({"position": [0.6 * length, -(1.2 * length + 1.5), 1.5],
                    "look_at": [0.0, 0.0, LINE_HEIGHT - 0.4]},
                   "in front of the line and to one side: the washing blows toward the view")
