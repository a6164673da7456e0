"""Everyday things on hinges: a door pushed open, a seesaw that catapults a ball, a
playground swing, and a chest's lid let go to slam shut.

Each hinges to the world (their frames are fixed), so each is one tree: exact. The claims are
what a viewer checks: the door turns open until its stop; the seesaw tips and throws the light
ball up; the swing keeps the period of its hangers and seat.
"""
from __future__ import annotations

import math
import re

from bridge.materials import MATERIALS
from planner.offline.layout import Plan
from planner.offline.parse import Intent
from planner.offline.swinging import G, Part, compound_period
from planner.trace import Claim

DOOR = (0.04, 0.88, 2.05)  # thickness, width, height: an interior door, metres
GATE = (0.04, 1.0, 1.1)  # a wooden garden gate
GATE_MOVES = re.compile(r"\b(swing\w*|swung|open\w*|shut\w*|slam\w*|push\w*|clos\w*|"
                        r"shove\w*|nudg\w*)\b")
DOOR_GAP = 0.03  # between the door's hinge edge and the post (its corners sweep past it)
DOOR_PUSH = 20.0  # N s at the handle: a firm shove


# what a lid closes, and its box: length (along the hinge), depth, height, metres
LIDDED = {"treasure chest": (0.8, 0.45, 0.45), "chest": (0.8, 0.45, 0.45),
          "trunk": (0.9, 0.5, 0.5), "toy box": (0.8, 0.45, 0.45), "toolbox": (0.5, 0.25, 0.25),
          "tool box": (0.5, 0.25, 0.25), "box": (0.5, 0.35, 0.3)}
LID_THICKNESS, LID_OPEN = 0.03, 75.0  # m; degrees it stands open when let go
# m: the hinge line stands this far over the chest's top, or the lid's back edge rests on the
# chest's and friction there held a toolbox's light lid open
HINGE_GAP = 0.002
SHUT = re.compile(r"\b(shut|slam\w*|clos(?:e|es|ed|ing))\b")  # not a lid that falls off


def wants_lid(intent: Intent) -> bool:
    """'the lid of a treasure chest is let go and slams shut'."""
    return intent.has("lid", "lids") and _lidded(intent) is not None and bool(
        SHUT.search(intent.text.lower()))


def _lidded(intent: Intent) -> str | None:
    """The lidded thing the prompt names ('the chest's lid' names the chest)."""
    words = [t.removesuffix("'s") for t in intent.tokens]
    padded = f" {' '.join(words)} "
    return next((word for word in LIDDED if f" {word} " in padded), None)


def lid(plan: Plan, intent: Intent) -> None:
    """A wooden chest (a closed box of its size) with its lid hinged along the back top edge,
    let go standing open: gravity swings it shut onto the chest."""
    word = _lidded(intent)
    length, depth, height = LIDDED[word]
    name = "chest" if word == "treasure chest" else word.replace(" ", "_")
    plan.body(f"the {word}: a closed wooden box of its size, fixed", name=name,
              asset="box", material="wood", static=True,
              params={"length": length, "width": depth, "height": height})
    plan.claims.append(Claim(word, "object", "stood_in", "a closed wooden box of its size "
                             "plays it; only its lid moves"))
    # open by LID_OPEN about the back edge (y = depth / 2): the lid's bottom centre swings up
    # and back from the top's middle
    tilt = math.radians(LID_OPEN)
    back, pin = depth / 2, height + HINGE_GAP
    plan.body(f"its lid, standing {LID_OPEN:g} degrees open and let go", name="lid",
              asset="box", material="wood",
              params={"length": length, "width": depth, "height": LID_THICKNESS},
              position=[0.0, round(back - back * math.cos(tilt), 4),
                        round(pin + back * math.sin(tilt), 4)],
              rotation=[-LID_OPEN, 0.0, 0.0])
    plan.joint("hinged along the chest's back top edge", name="hinge", type="hinge", a="lid",
               b=name, anchor=[0.0, back, round(pin, 4)], axis=[1, 0, 0])
    fall = _shut_time(depth, tilt)
    plan.check(f"it swings down and slams onto the {word}", contacts="lid",
               **{"with": name}, before=round(fall + 0.3, 2))
    plan.check("and ends shut, at rest on it", comes_to_rest="lid", on=name)
    plan.check("lying level", falls_over="lid", angle=10, **{"not": True})
    plan.duration = round(fall + 1.5, 1)
    plan.camera = ({"position": [1.1, -1.9, 1.2], "look_at": [0.0, 0.0, height],
                    "fov": 40.0}, "from the front quarter: the lid comes down toward us")


def _shut_time(depth: float, tilt: float) -> float:
    """Seconds a uniform lid of `depth` takes to fall shut from `tilt` (radians) about its
    edge, a compound pendulum let go from rest (integrated in small steps)."""
    angle, speed, t, dt = tilt, 0.0, 0.0, 1e-3
    while angle > 0:  # its weight at depth / 2 turns it, its moment about the edge m d^2 / 3
        speed += 1.5 * G / depth * math.cos(angle) * dt
        angle -= speed * dt
        t += dt
    return t


def wants_door(intent: Intent) -> bool:
    """A door, or a gate that swings, opens or is pushed (not one a ball rolls through or
    bounces off, nor a starting gate)."""
    return intent.has("door", "doors") or (
        intent.has("gate", "gates") and not intent.has("starting gate")
        and "through" not in intent.relations
        and GATE_MOVES.search(intent.text.lower()) is not None)


def wants_seesaw(intent: Intent) -> bool:
    # the tokens split hyphens: "see-saw" is read as "see saw"
    return intent.has("seesaw", "see saw", "teeter totter", "catapult")


def door_posts(plan: Plan, wide: float, high: float) -> float:
    """The two fixed posts of a door's frame, DOOR_GAP clear of a door `wide` across that
    stands centred on y = 0; their width."""
    post = 0.1
    for side, sign in (("left", -1), ("right", 1)):
        plan.body(f"the frame's {side} post (fixed)", name=f"post_{side}", asset="box",
                  material="wood", static=True, params={"length": post, "width": post,
                                                        "height": high + 0.1},
                  position=[0.0, round(sign * (wide / 2 + DOOR_GAP + post / 2), 4), 0.0])
    return post


def door(plan: Plan, intent: Intent) -> None:
    """A wooden door (or garden gate) in a fixed frame, hinged on its left edge, shoved open
    at the handle."""
    gate = not intent.has("door", "doors")
    thick, wide, high = GATE if gate else DOOR
    word = "gate" if gate else "door"
    edge = -wide / 2  # the hinge edge, y
    post = door_posts(plan, wide, high)
    if not gate:  # a garden gate hangs between its posts alone
        plan.body("the lintel", name="lintel", asset="box", material="wood", static=True,
                  params={"length": post, "width": round(wide + 2 * (DOOR_GAP + post), 4),
                          "height": 0.1}, position=[0.0, 0.0, high + 0.1])
    plan.body(f"a {wide * 100:.0f} x {high * 100:.0f} cm wooden {word}, closed, 2 cm clear "
              "of the floor", name=word, asset="box", material="wood",
              params={"length": thick, "width": wide, "height": high},
              position=[0.0, 0.0, 0.02])
    plan.joint("hinged on its left edge; the stop lets it open 100 degrees, one way",
               name="hinges", type="hinge", a=word, anchor=[0.0, edge, 0.02],
               axis=[0, 0, 1], limits=[-100, 0])
    # in its own frame: 8 cm in from its free edge, at a hand's height (the gate's latch
    # near its top); the push in proportion to its area, so it swings as the door does
    handle = [0.0, round(wide / 2 - 0.08, 4), min(1.0, round(high - 0.15, 2))]
    push = round(DOOR_PUSH * wide * high / (DOOR[1] * DOOR[2]), 1)
    plan.event(f"a firm shove at the {'latch' if gate else 'handle'}: {push:g} N s", at=0.5,
               push={"body": word, "impulse": [push, 0.0, 0.0], "point": handle})
    plan.duration = 3.0
    plan.check("it swings open: the far edge travels most of a quarter circle",
               moves_less_than=word, distance=0.5, **{"not": True})
    plan.check(f"and stays on its hinges, in its {'gateway' if gate else 'doorway'}",
               stays_within=word, min=[-1.0, -1.0, 0.0], max=[1.0, 1.0, 0.1])
    middle = round(min(1.0, high / 2 + 0.1), 2)
    away = 0.7 if gate else 1.0  # a gate half a door's height is seen from nearer
    plan.camera = ({"position": [round(3.2 * away, 2), round(-2.4 * away, 2),
                                 round(middle + 0.7 * away, 2)],
                    "look_at": [0.3, 0.0, middle], "fov": 45.0},
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


SWING_ROPE, SWING_PUSH = 1.8, 1.5  # m from the top bar to the seat; m/s a push gives it
SEAT = (0.2, 0.45, 0.03)  # depth (x), width (y), thickness: a board seat
SWING_ROD = 0.015  # m: its two hangers, stiff bars rather than ropes


def wants_swing(intent: Intent) -> bool:
    return intent.has("a swing", "the swing", "playground swing", "swing set", "swingset",
                      "swings on a swing")


def swing(plan: Plan, intent: Intent) -> None:
    """A playground swing pushed from rest: a board seat on two hangers from a top bar, the
    one hinge at the top (the hangers and seat are welded, so they turn as one)."""
    top = SWING_ROPE + 0.5  # the hinge line, with the seat half a metre up
    half = SEAT[1] / 2
    plan.body("the top bar (fixed)", name="top_bar", asset="box", material="steel",
              static=True, params={"length": 0.06, "width": 1.6, "height": 0.06},
              position=[0.0, 0.0, top + 0.02])
    for side, y in (("left", 0.83), ("right", -0.83)):
        plan.body(f"the {side} post", name=f"post_{side}", asset="box", material="steel",
                  static=True, params={"length": 0.06, "width": 0.06, "height": top + 0.08},
                  position=[0.0, y, 0.0])
    for side, y in (("left", half), ("right", -half)):
        plan.body(f"the {side} hanger", name=f"hanger_{side}", asset="box", material="steel",
                  params={"length": SWING_ROD, "width": SWING_ROD, "height": SWING_ROPE},
                  position=[0.0, y, top - SWING_ROPE])
    plan.body("the seat, a board", name="seat", asset="box", material="wood",
              params=dict(zip(("length", "width", "height"), SEAT)),
              position=[0.0, 0.0, round(top - SWING_ROPE - SEAT[2], 4)])
    plan.joint("the swing turns on the top bar", name="pivot", type="hinge",
               a="hanger_left", anchor=[0.0, half, top], axis=[0, 1, 0])
    for side in ("left", "right"):
        plan.joint("", name=f"{side}_to_seat", type="fixed", a=f"hanger_{side}", b="seat",
                   anchor=[0.0, half if side == "left" else -half, top - SWING_ROPE])
    plan.event(f"a push from behind sets the seat going at {SWING_PUSH:g} m/s", at=0.3,
               push={"body": "seat", "impulse": [round(SWING_PUSH * _swing_mass(), 3), 0, 0]})
    expected = _swing_period()
    plan.duration = round(0.3 + 2.2 * expected, 1)
    plan.check(f"it swings with the period of its {SWING_ROPE:g} m hangers and seat",
               swings="seat", period=round(expected, 4), tolerance=0.02)
    plan.camera = ({"position": [1.0, -5.2, 1.6], "look_at": [0.0, 0.0, 1.2], "fov": 45.0},
                   "side-on to the swing's plane")


def _swing_parts() -> list[Part]:
    """(mass, depth of its centre under the hinge, its own moment about its centre) of the
    two hangers and the seat, for a turn about the top bar."""
    steel, wood = MATERIALS["steel"].density, MATERIALS["wood"].density
    hanger = steel * SWING_ROD ** 2 * SWING_ROPE
    seat = wood * SEAT[0] * SEAT[1] * SEAT[2]
    return [(hanger, SWING_ROPE / 2, hanger * (SWING_ROPE ** 2 + SWING_ROD ** 2) / 12)] * 2 + [
        (seat, SWING_ROPE + SEAT[2] / 2, seat * (SEAT[0] ** 2 + SEAT[2] ** 2) / 12)]


def _swing_mass() -> float:
    return sum(mass for mass, _, _ in _swing_parts())


def _swing_period() -> float:
    """The whole swing's period about its hinge, at the amplitude the push sends it to: the
    impulse's angular momentum, then energy, give that amplitude."""
    parts = _swing_parts()
    inertia = sum(own + mass * depth ** 2 for mass, depth, own in parts)
    moment = sum(mass * depth for mass, depth, _ in parts)
    spin = SWING_PUSH * _swing_mass() * (SWING_ROPE + SEAT[2] / 2) / inertia
    return compound_period(parts, math.acos(1 - inertia * spin ** 2 / (2 * G * moment)))
