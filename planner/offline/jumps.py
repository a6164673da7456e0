"""A vehicle that jumps a ramp: 'a monster truck launches off a wooden ramp and lands on a
row of 5 old cars'. It drives up a wooden ramp, flies off the lip and lands on the cars
parked side by side across its path beyond it, their roofs as high as the lip (parked nose
to tail, a car is narrower than the truck's wheels, which came down on either side of it);
its driven wheels carry it on across them. It leaves the lip at the projectile's speed that
comes down on the second car (on the first where there is only one), were its motors no
help up the ramp: they help some, and it lands a car or so farther (measured: on the third
of five), still on the row."""
from __future__ import annotations

import math
import re

from planner.offline import vehicles as vh
from planner.offline.layout import Plan
from planner.offline.parse import Intent
from planner.offline.quantities import count_word
from planner.trace import Claim

RAMP = {"length": 5.0, "width": 3.4, "angle_deg": 17.0}  # a stunt ramp: 1.5 m at its lip
RUN_UP = 6.0  # m of ground before the ramp's foot
LIP_GAP, PARKED_GAP = 0.6, 0.3  # m from the lip to the first car, and between the cars
MAX_PARKED = 6
JUMP_WORDS = re.compile(r"\b(launch\w*|jump\w*|leap\w*|fl(?:y|ies|ew|ying)|airborne|soar\w*)\b")
PARKED_WORDS = re.compile(r"\b(?:row of )?(?:(\w+) (?:(?:old|parked|junk|wrecked|scrap|rusty|"
                          r"used) )*)?(cars|sedans)\b")


def wanted(intent: Intent) -> bool:
    """A vehicle that comes first, a ramp, and a word for leaving it through the air."""
    return bool(vh.wanted(intent)) and any(m.asset == "ramp" for m in intent.mentions) and \
        JUMP_WORDS.search(intent.text.lower()) is not None


def build(plan: Plan, intent: Intent) -> None:
    mover = vh.wanted(intent)[0]
    spec = vh.VEHICLES[mover]
    length, angle = RAMP["length"], math.radians(RAMP["angle_deg"])
    lip = (length / 2, length * math.tan(angle))
    plan.body("a wooden stunt ramp, fixed, rising toward its lip", name="ramp", asset="ramp",
              material="wood", static=True, params=dict(RAMP), position=[0.0, 0.0, 0.0],
              rotation=[0.0, 0.0, 180.0])
    count, words = _parked(intent)
    car = vh.VEHICLES["car"]
    wide = car.hull[1] + 2 * (car.wheel_width + 0.02)  # its wheels stand out of its body
    pitch = wide + PARKED_GAP
    centres = [lip[0] + LIP_GAP + wide / 2 + k * pitch for k in range(count)]
    roof = car.clearance + car.hull[2] + car.top[2]
    target = centres[min(1, count - 1)] if count else lip[0] + 8.0
    off = _launch_speed(target - lip[0], (roof if count else 0.0) - lip[1], angle)
    # what it loses climbing the ramp, were its motors no help
    speed = round(math.sqrt(off ** 2 + 2 * vh.G * lip[1]), 1)
    vh.vehicle(plan, mover, mover, -length / 2 - RUN_UP, 1, speed)
    plan.lead = mover
    # parked cars after a jumping car are car_2, car_3...: its parts are named car_...
    first = 2 if mover == "car" else 1
    cars = []
    for k, centre in enumerate(centres, start=first):
        cars.append("car" if k == 1 else f"car_{k}")
        bodies, joints = len(plan.bodies), len(plan.joints)
        vh.vehicle(plan, "car", cars[-1], round(centre + car.hull[0] / 2, 3), 1, None)
        _crosswise(plan.bodies[bodies:], plan.joints[joints:], centre)
    flight = _flight(plan, mover, spec, (speed, off), length, lip, target, angle)
    plan.duration = round(flight[1] + 1.5, 1)
    if count:
        plan.check(f"the {mover} lands on the cars", contacts=_front_wheel(mover),
                   **{"with": "car*" if first == 1 else "car_[2-9]*"},
                   before=round(flight[1] + 0.6, 2))
        plan.claims.append(Claim(words, "arrangement", "planned",
                                 f"{count} cars parked side by side across its path beyond the "
                                 f"ramp: {', '.join(cars)}"))
    end = (centres[-1] + wide) if count else target + 4.0
    _camera(plan, -length / 2 - RUN_UP - spec.hull[0], end)


def _crosswise(bodies: list, joints: list, centre: float) -> None:
    """Turn a vehicle built along x a quarter turn about the vertical through x = `centre`."""
    def turned(point: list[float]) -> list[float]:
        return [round(centre - point[1], 4), round(point[0] - centre, 4), point[2]]
    for item in bodies:
        data = item.data
        data["position"] = turned(data["position"])
        rotation = list(data.get("rotation", [0.0, 0.0, 0.0]))
        data["rotation"] = [rotation[0], rotation[1], round(rotation[2] + 90.0, 4)]
    for item in joints:
        data = item.data
        data["anchor"] = turned(data["anchor"])
        if "axis" in data:  # a weld has none
            x, y, z = data["axis"]
            data["axis"] = [-y, x, z]


def _front_wheel(mover: str) -> str:
    """Its front left wheel: the last of a side, counted from the back."""
    return f"{mover}_wheel_{vh.VEHICLES[mover].wheels_a_side}_left"


def _parked(intent: Intent) -> tuple[int, str]:
    """How many cars are parked beyond the ramp ('a row of 5 old cars', 'two cars'), and the
    prompt's words for them."""
    found = PARKED_WORDS.search(intent.text.lower())
    if found is None:
        return 0, ""
    return min(count_word(found.group(1) or "") or 3, MAX_PARKED), found.group(0)


def _launch_speed(reach: float, rise: float, angle: float) -> float:
    """m/s a projectile leaving at `angle` needs to come down `reach` ahead and `rise` above
    where it left."""
    drop = reach * math.tan(angle) - rise
    return math.sqrt(vh.G * reach ** 2 / (2 * math.cos(angle) ** 2 * drop))


def _flight(plan: Plan, mover: str, spec: vh.Spec, speeds: tuple[float, float],
            length: float, lip: tuple[float, float], target: float,
            angle: float) -> tuple[float, float]:
    """When the mover's front wheels leave the lip and come down (s), at `speeds` (m/s at
    the ramp's foot and off its lip), with the check that nothing touches them between (they
    fly)."""
    speed, off = speeds
    to_ramp = RUN_UP + spec.hull[0] / 2 - spec.axle_span  # its front axle to the foot
    left = to_ramp / speed + length / math.cos(angle) / ((speed + off) / 2)
    landed = left + (target - lip[0]) / (off * math.cos(angle))
    plan.check(f"the {mover} flies off the lip: its front wheels touch nothing in the air",
               contacts=_front_wheel(mover), **{"with": "*", "not": True},
               after=round(left + 0.15, 2), before=round(landed - 0.25, 2))
    plan.notes.append(f"{mover}: {speed:g} m/s ({speed * 3.6:.0f} km/h) at the ramp's foot, "
                      f"{off:.1f} off its lip at {math.degrees(angle):g} degrees, in the air "
                      f"from about {left:.2f} to {landed:.2f} s")
    return left, landed


def _camera(plan: Plan, start: float, end: float) -> None:
    middle, span = (start + end) / 2, end - start
    plan.camera = ({"position": [round(middle, 2), -round(0.85 * span, 1), round(0.15 * span, 1)],
                    "look_at": [round(middle, 2), 0.0, 1.5], "fov": 40.0},
                   "side-on and wide: the run-up, the ramp, the flight and the landing")
