"""Pouring: a liquid tipped out of one container into another, or onto the floor, or run
from a tap into a container.

The hand holds the source beside the target, its lip above the target's rim, and tips it
120 degrees about that lip over two seconds (the `pour` event); the stream leaves over the
lip sideways and falls to the target's rim, so the target stands where it comes down (no
nearer than against the source). With no second container the liquid lands on the floor as
a puddle. A tap is a `source` above the container's middle.
"""
from __future__ import annotations

import math
import re

import numpy as np

from bridge.assets.openings import lip
from bridge.assets.registry import ASSETS
from planner.offline import actors as ac
from planner.offline.layout import Item, Plan
from planner.offline.motion import TABLE_TOP
from planner.offline.motion_claims import RESULTS, denied_before
from planner.offline.parse import Intent, Mention

TILT_DEG, TILT_S, START_S = 120.0, 2.0, 0.3
LEAD = 0.01  # the target's near wall this far past the lip the stream leaves over
CLEAR = 0.02  # the lip at least this far above the target's rim
# m/s: how fast a poured stream leaves the lip sideways (measured: a bottle's, tipped 120
# degrees with its neck 0.2 m above a tumbler's rim, crosses the rim's height 0.1 to 0.15 m
# past its lip); with the fall it places the target where the stream comes down
STREAM_SPEED = 0.55
G = 9.81
TAP_WORDS = ("tap", "faucet", "spout")
# 'until it overflows', 'spills over the rim' (the words its claim reads): more is poured
# than the target holds
OVERFLOW = re.compile(RESULTS["overflow"][0])
OVERFLOW_SHARE = 1.5  # what is poured, over what the target holds
SOURCE_FILL = 0.8  # at most this share of the source's own room
TAP_RATE, TAP_SPEED, TAP_HEIGHT = 100.0, 0.5, 0.12  # ml/s, m/s, metres above the rim


def wants_pour(intent: Intent, actors: list[Mention]) -> bool:
    return "pour" in intent.actions and any(ASSETS[m.asset].hollow for m in actors)


def wants_tap(intent: Intent, actors: list[Mention]) -> bool:
    return any(w in intent.tokens for w in TAP_WORDS) and any(ASSETS[m.asset].hollow
                                                              for m in actors)


def tap(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """A container stands under a running tap until it is half full."""
    target = next(m for m in actors if ASSETS[m.asset].hollow)
    target.liquid = None  # what it holds comes from the tap
    floor = TABLE_TOP  # a tap runs over a counter
    plan.body("the counter under the tap", name="counter", asset="table", static=True)
    name = ac.add(plan, target, intent, (0.0, 0.0, floor), "standing under the tap")
    liquid = intent.liquid or "water"
    volume = round(min(ac.capacity_ml(target, intent) / 2, TAP_RATE * 2))
    nozzle = floor + ac.height_of(target, intent) + TAP_HEIGHT
    fields = ac.liquid_fields(liquid)
    plan.liquids.append(Item(
        {**fields, "volume_ml": volume,
         "source": {"position": [0.0, 0.0, round(nozzle, 4)], "direction": [0, 0, -1],
                    "speed": TAP_SPEED, "rate_ml_s": TAP_RATE, "start": START_S}},
        f"{liquid} from a tap {TAP_HEIGHT * 100:g} cm above the rim at {TAP_RATE:g} ml/s until "
        f"{volume} ml have run: half what the {name} holds"))
    plan.check("what runs from the tap ends in the container under it", pours_into=fields["name"],
               container=name, fraction=0.8)
    plan.duration = round(START_S + volume / TAP_RATE + 1.0, 2)  # the last of it settles
    plan.focus.append((0.0, 0.0, nozzle))
    middle = floor + (nozzle - floor) / 2
    plan.camera = ({"position": [0.3, -0.75, round(middle + 0.2, 3)],
                    "look_at": [0.0, 0.0, round(middle, 3)], "fov": 35.0},
                   "close on the glass and the stream above it")


def pour(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    source, target = _roles(intent, [m for m in actors if ASSETS[m.asset].hollow])
    source.liquid = source.liquid or intent.liquid or "water"
    floor = TABLE_TOP if any(m.asset == "table" for m in intent.surfaces) else 0.0
    if floor:
        plan.body("the table the pour happens on", name="table", asset="table", static=True)
    r_source = ac.radius_of(source, intent)
    under = ac.height_of(target, intent) if target is not None else 0.0
    # beside the target: raised only as far as its lip must clear the target's rim
    base = floor + max(0.0, under + CLEAR - ac.height_of(source, intent))
    if target is not None:
        r_target = ac.radius_of(target, intent)
        lip_x = -r_source + _lip_reach(source, intent)
        fall = base + ac.height_of(source, intent) - floor - under
        where = max(r_target + LEAD, lip_x + STREAM_SPEED * math.sqrt(2 * fall / G))
        name = ac.add(plan, target, intent, (round(where, 4), 0.0, floor),
                      "standing where the stream lands, past the lip it leaves over")
    held = ac.add(plan, source, intent, (-r_source, 0.0, round(base, 4)),
                  "held by a hand beside the target, its lip above the target's rim",
                  static=True)
    liquid = ac.liquid_in(plan, held)
    overflows = target is not None and _overflows(intent, source, target)
    if target is not None:
        _poured_volume(ac.liquid_item(plan, held), ac.capacity_ml(target, intent),
                       ac.capacity_ml(source, intent), name, overflows)
    plan.event(f"the hand tips it {TILT_DEG:g} degrees about its rim over {TILT_S:g} s and "
               "holds it there", at=START_S,
               pour={"body": held, "angle": TILT_DEG, "duration": TILT_S, "toward": [1, 0, 0]})
    if overflows:
        plan.check("it fills the container it is poured into", pours_into=liquid,
                   container=name, fraction=0.5)
        plan.check("and overflows: not all of it stays there", pours_into=liquid,
                   container=name, fraction=0.9, **{"not": True})
    elif target is not None:
        plan.check("most of the liquid ends in the container it is poured into",
                   pours_into=liquid, container=name, fraction=0.6)
    else:
        plan.check("poured onto the floor, it lies in a puddle", puddle=liquid, max_radius=0.6)
    plan.check("the liquid leaves the container it is poured from", liquid_stays_in=liquid,
               container=held, fraction=0.5, **{"not": True})
    plan.duration = START_S + TILT_S + 1.5  # the last of it runs out and settles
    plan.focus.append((0.0, 0.0, floor))


def _overflows(intent: Intent, source: Mention, target: Mention) -> bool:
    """The prompt has the target overflow ('until it overflows', not 'without letting it
    overflow'), and the source holds enough to make it."""
    text = intent.text.lower()
    said = OVERFLOW.search(text)
    return said is not None and not denied_before(text, said.start()) and \
        SOURCE_FILL * ac.capacity_ml(source, intent) > ac.capacity_ml(target, intent)


def _poured_volume(item: Item, room: float, own: float, target: str, overflows: bool) -> None:
    """No more than half what the target holds, so that it cannot overflow; or, when the
    prompt has it overflow, half as much again as it holds (as far as the source has room)."""
    liquid = item.data["name"]
    if overflows:
        volume = round(min(OVERFLOW_SHARE * room, SOURCE_FILL * own))
        item.data["volume_ml"] = volume
        item.why = (f"{liquid}, {volume} ml: more than the {target} holds ({round(room)} ml), "
                    "so it overflows")
    elif item.data["volume_ml"] > room / 2:
        item.data["volume_ml"] = round(room / 2)
        item.why = f"{liquid}, {round(room / 2)} ml: half what the {target} holds"


def _lip_reach(source: Mention, intent: Intent) -> float:
    """How far the lip the stream leaves over lies from the container's axis: its rim's
    edge for a glass or a jug, its neck's for a bottle (the top's farthest point, as the
    pour event finds it)."""
    return float(lip(ac.geometry_of(source, intent).visual.vertices,
                     np.array([1.0, 0.0, 0.0]), np.zeros(3))[0])


def _roles(intent: Intent, hollow: list[Mention]) -> tuple[Mention, Mention | None]:
    """The container poured from ('from a jug', else the first named) and the one poured
    into ('into a glass', else the other), which may be missing."""
    tokens = intent.tokens

    def after(word: str) -> Mention | None:
        at = [i for i, t in enumerate(tokens) if t == word]
        return next((m for m in sorted(hollow, key=lambda m: m.index)
                     for i in at if m.index > i), None) if at else None

    source = after("from") or hollow[0]
    target = after("into") or next((m for m in hollow if m is not source), None)
    return source, (target if target is not source else None)
