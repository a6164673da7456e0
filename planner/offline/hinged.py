"""Everyday things on hinges: a door pushed open, and a seesaw that catapults a ball.

Both hinge to the world (their frames are fixed), so each is a tree of one link: exact. The
claims are what a viewer checks: the door turns open until its stop; the seesaw tips and throws
the light ball up.
"""
from __future__ import annotations

import math

from planner.offline.layout import Plan
from planner.offline.parse import Intent

DOOR = (0.04, 0.88, 2.05)  # thickness, width, height: an interior door, metres
DOOR_GAP = 0.03  # between the door's hinge edge and the post (its corners sweep past it)
DOOR_PUSH = 20.0  # N s at the handle: a firm shove


def wants_door(intent: Intent) -> bool:
    return intent.has("door", "doors")


def wants_seesaw(intent: Intent) -> bool:
    return intent.has("seesaw", "see-saw", "teeter-totter", "teeter totter", "catapult")


def door(plan: Plan, intent: Intent) -> None:
    """A wooden door in a fixed frame, hinged on its left edge, shoved open at the handle."""
    thick, wide, high = DOOR
    edge = -wide / 2  # the hinge edge, y
    post = 0.1
    for side, y in (("left", edge - DOOR_GAP - post / 2), ("right", -edge + DOOR_GAP + post / 2)):
        plan.body(f"the frame's {side} post (fixed)", name=f"post_{side}", asset="box",
                  material="wood", static=True, params={"length": post, "width": post,
                                                        "height": high + 0.1},
                  position=[0.0, round(y, 4), 0.0])
    plan.body("the lintel", name="lintel", asset="box", material="wood", static=True,
              params={"length": post, "width": round(wide + 2 * (DOOR_GAP + post), 4),
                      "height": 0.1}, position=[0.0, 0.0, high + 0.1])
    plan.body(f"a {wide * 100:.0f} x {high * 100:.0f} cm wooden door, closed, 2 cm clear "
              "of the floor", name="door", asset="box", material="wood",
              params={"length": thick, "width": wide, "height": high},
              position=[0.0, 0.0, 0.02])
    plan.joint("hinged on its left edge; the stop lets it open 100 degrees, one way",
               name="hinges", type="hinge", a="door", anchor=[0.0, edge, 0.02],
               axis=[0, 0, 1], limits=[-100, 0])
    handle = [0.0, round(wide / 2 - 0.08, 4), 1.0]  # in the door's frame: 8 cm in, 1 m up
    plan.event(f"a firm shove at the handle: {DOOR_PUSH:g} N s", at=0.5,
               push={"body": "door", "impulse": [DOOR_PUSH, 0.0, 0.0], "point": handle})
    plan.duration = 3.0
    plan.check("it swings open: the far edge travels most of a quarter circle",
               moves_less_than="door", distance=0.5, **{"not": True})
    plan.check("and stays on its hinges, in its doorway", stays_within="door",
               min=[-1.0, -1.0, 0.0], max=[1.0, 1.0, 0.1])
    plan.camera = ({"position": [3.2, -2.4, 1.7], "look_at": [0.3, 0.0, 1.0], "fov": 45.0},
                   "three-quarter view from the side it opens to")


def seesaw(plan: Plan, intent: Intent) -> None:
    """A plank on a fulcrum; a bowling ball dropped on one end throws a tennis ball off the
    other."""
    length, pivot = 3.0, 0.35
    # low and narrow enough that the plank's underside clears it when tipped to the ground
    plan.body("the fulcrum (fixed)", name="fulcrum", asset="box", material="wood",
              static=True, params={"length": 0.1, "width": 0.4, "height": pivot - 0.03},
              position=[0.0, 0.0, 0.0])
    plan.body("a 3 m plank, level", name="plank", asset="box", material="wood",
              params={"length": length, "width": 0.3, "height": 0.05},
              position=[0.0, 0.0, pivot])
    plan.joint("it pivots on the fulcrum", name="pivot", type="hinge", a="plank",
               anchor=[0.0, 0.0, pivot], axis=[0, 1, 0])
    end = length / 2 - 0.2
    plan.body("a tennis ball resting on the near end", name="tennis_ball", asset="tennis_ball",
              position=[-end, 0.0, pivot + 0.05])
    drop = 1.5
    plan.body(f"a bowling ball dropped {drop:g} m onto the far end", name="bowling_ball",
              asset="bowling_ball", position=[end, 0.0, pivot + 0.05 + drop])
    plan.duration = 2.5
    fall = math.sqrt(2 * drop / 9.81)
    plan.check("the bowling ball lands on the plank", contacts="bowling_ball",
               **{"with": "plank"}, before=round(fall + 0.2, 2))
    plan.check("which tips until its end strikes the ground", contacts="plank",
               **{"with": "ground"}, before=round(fall + 0.8, 2))
    plan.check("and throws the tennis ball up off the other end",
               moves_less_than="tennis_ball", distance=0.5, **{"not": True})
    plan.camera = ({"position": [0.0, -4.2, 1.3], "look_at": [0.0, 0.0, 0.7], "fov": 45.0},
                   "side-on: both ends and the throw")
