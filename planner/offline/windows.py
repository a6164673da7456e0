"""An open window: the frame that the air of a candle or a curtain scene comes through.

The frame stands on its own, without a wall, and its glass is a casement swung open a
quarter turn outward, edge-on to the air. So the window the prompt names is in the shot,
and nothing of it stands in the air's way (the air is a field, not stopped by bodies).
"""
from __future__ import annotations

import re

from planner.offline.layout import Plan
from planner.offline.parse import Intent
from planner.trace import Claim

WINDOW_WORDS = frozenset({"window", "windows", "windowpane", "windowpanes"})  # not a mirror
# who opens a window ('an open window' is only open)
OPENED = re.compile(r"\b(?:opens|opened|opening|throws? open|threw open)\s+"
                    r"(?:the |a |an |her |his |their )?(?:\w+ )?windows?\b")
FRAME = 0.05  # m: the frame's members, square in section
GLASS = 0.006  # m: the casement's pane
FRAME_COLOR = [0.9, 0.89, 0.85]  # white paint


def names_window(intent: Intent) -> bool:
    """The prompt names a window (a pane of glass or a mirror is no window)."""
    return any(m.asset == "pane" and m.word.split()[-1] in WINDOW_WORDS
               for m in intent.mentions)


def opened_claims(intent: Intent, wind_start: float) -> list[Claim]:
    """'someone opens the window': the opening is not simulated, the wind it lets in is."""
    said = OPENED.search(intent.text.lower())
    return [Claim(said.group(0), "outcome", "stood_in", "the window stands open from the "
                  f"start: the wind it lets in, from t = {wind_start:g} s, stands in for its "
                  "opening")] if said else []


def open_window(plan: Plan, sill: tuple[float, float, float], across: str, width: float,
                height: float, outward: float) -> None:
    """A window `width` x `height` whose sill's bottom middle is at `sill`. Its opening
    spans the axis `across` ('x' or 'y'); `outward` (+1 or -1) is the side, along the
    other axis, away from the room, where its casement swings."""
    x0, y0, z0 = sill
    spans_y = across == "y"

    def member(why: str, name: str, along: float, up: float, span: float, tall: float
               ) -> None:
        size = (FRAME, span) if spans_y else (span, FRAME)
        at = (x0, y0 + along) if spans_y else (x0 + along, y0)
        plan.body(why, name=name, asset="box", static=True, material="wood",
                  color=FRAME_COLOR, position=[round(at[0], 4), round(at[1], 4),
                                               round(z0 + up, 4)],
                  params={"length": size[0], "width": size[1], "height": tall})

    side = width / 2 + FRAME / 2
    member("the window's sill", "window_sill", 0.0, 0.0, width, FRAME)
    member("the window's head", "window_head", 0.0, FRAME + height, width, FRAME)
    # the jambs stand on the floor, the sill and head between them: nothing hangs in the air
    tall = z0 + 2 * FRAME + height
    member("the window's left jamb", "window_jamb_left", -side, -z0, FRAME, tall)
    member("the window's right jamb", "window_jamb_right", side, -z0, FRAME, tall)
    # hinged on the right jamb at the frame's outer face, swung out: its plane holds the
    # air's direction
    hinge, out = width / 2 - GLASS / 2, outward * (width / 2 + FRAME / 2)
    position = [x0 + out, y0 + hinge] if spans_y else [x0 + hinge, y0 + out]
    plan.body("the window's casement, swung open out of the air's way", name="window",
              asset="pane", static=True, rotation=[0.0, 0.0, 90.0] if spans_y else
              [0.0, 0.0, 0.0], position=[round(position[0], 4), round(position[1], 4),
                                         round(z0 + FRAME, 4)],
              params={"width": width, "height": height, "thickness": GLASS})
