"""Vehicles at real sizes and masses, built from bodies and joints: a hull and a cabin or
turret welded together, and wheels on hinges whose motors drive them (or hold them braked).

A tank's tracks are modelled as six road wheels a side. Bodies get little restitution: a car's
crumple zone and a tank's armour do not bounce off each other like billiard balls. The
planner's claims carry the point of the example: causality by mass, so the tank shoves the
car aside and drives on, while a car driven into a tank stops and the tank barely moves.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from bridge.crushable import DENT_SHARE, Crushable, crush_force
from bridge.materials import MATERIALS
from planner.offline import vehicle_targets as targets
from planner.offline.layout import Plan
from planner.offline.parse import COLORS, Intent

G = 9.81
CRUMPLE = 0.1  # restitution of a vehicle's body against another's
MAX_VIEW = 26.0  # m of road the camera shows at most
TOPS = {"tank": "turret", "bus": "roof_unit", "cart": "handle"}  # the part on the hull
DRIVE_G, BRAKE_G = 0.5, 0.7  # the most a motor can accelerate, or brakes hold, in g
DENTED = 0.03  # m: a dent anyone sees
CUT_BEFORE = 0.25  # s before the impact the camera cuts closer
WHEEL_MARGIN = 0.05  # m of hull a crushed front keeps ahead of its wheels
KNUCKLE_MASS, KNUCKLE_SIZE = 5.0, 0.08  # kg and m: a steering knuckle, hidden in its wheel


@dataclass(frozen=True)
class Spec:
    """One kind of vehicle: overall sizes (m), masses (kg) and its wheels."""

    name: str
    hull: tuple[float, float, float]  # length, width, height of the lower body
    top: tuple[float, float, float]  # the cabin or turret on it
    clearance: float  # from the ground to the hull's underside
    hull_mass: float
    top_mass: float
    wheel_radius: float
    wheel_width: float
    wheels_a_side: int
    wheel_mass: float
    speed: float  # m/s when it drives into something
    color: tuple[float, float, float]
    top_back: float = 0.0  # how far the top sits back of the hull's middle
    shell: float = 0.003  # m of steel its body crushes like (a tank: its armour)

    @property
    def mass(self) -> float:
        return self.hull_mass + self.top_mass + 2 * self.wheels_a_side * self.wheel_mass

    @property
    def crumple_zone(self) -> float:
        """m of hull that may crumple: what is ahead of the front wheels, less a margin (the
        wheels stay on their axles, so a crushed front must keep clear of them)."""
        return self.hull[0] / 2 - (self.axle_span + self.wheel_radius) - WHEEL_MARGIN

    @property
    def axle_span(self) -> float:
        """m from the hull's middle to its end wheels' axles."""
        return self.hull[0] / 2 - self.wheel_radius - (0.05 if self.wheels_a_side > 2 else 0.45)

    @property
    def crush_force(self) -> float:
        """N its hull crushes at (bridge/crushable.py's model, as the engine applies it)."""
        return crush_force(Crushable(wall=self.shell), MATERIALS["steel"], "box", {},
                           self.hull)


VEHICLES = {
    "car": Spec("car", (4.4, 1.75, 0.72), (2.3, 1.6, 0.6), 0.18, 1150.0, 150.0, 0.32, 0.21,
                2, 25.0, 13.9, (0.7, 0.1, 0.1), top_back=0.3),  # 1.4 t, 50 km/h
    "tank": Spec("tank", (7.0, 3.4, 1.2), (3.6, 2.6, 0.8), 0.45, 45000.0, 12000.0, 0.45, 0.6,
                 6, 250.0, 5.0, (0.33, 0.37, 0.24), top_back=0.6, shell=0.04),  # 60 t, 18 km/h
    "truck": Spec("truck", (7.5, 2.4, 1.4), (2.0, 2.4, 1.4), 0.5, 8500.0, 1500.0, 0.5, 0.3,
                  3, 170.0, 13.9, (0.15, 0.3, 0.6), top_back=-2.7, shell=0.006),  # 11 t: its cab in front
    # 5.2 t (the sport says about 12,000 lb) on 1.7 m tyres, its body high over them
    "monster_truck": Spec("monster_truck", (4.6, 2.4, 0.7), (2.0, 2.0, 0.8), 1.1, 3600.0,
                          400.0, 0.83, 0.6, 2, 300.0, 13.0, (0.15, 0.55, 0.2), top_back=0.2,
                          shell=0.004),
    "bus": Spec("bus", (11.5, 2.5, 2.6), (3.0, 1.6, 0.3), 0.35, 11000.0, 300.0, 0.5, 0.3,
                2, 175.0, 11.1, (0.9, 0.75, 0.1), shell=0.006),  # 12 t, 40 km/h; the roof unit on top
    "cart": Spec("cart", (0.9, 0.55, 0.35), (0.05, 0.55, 0.6), 0.12, 20.0, 2.0, 0.1, 0.05,
                 2, 0.5, 1.5, (0.6, 0.6, 0.62), top_back=0.42, shell=0.001),  # 24 kg; a handle at the back
}


NOT_VEHICLES = ("toy car", "toy cars", "toy tank", "toy truck", "toy fire truck", "rc car", "model car", "car window", "car headlight",
                "car windshield", "fish tank", "water tank", "glass tank", "tank of",
                "think tank", "bus stop", "shopping cart")  # toys, parts and other things


WORDS = {"car": ("car", "cars", "sedan", "sedans", "suv", "jeep", "taxi", "hatchback",
                 "race car", "police car", "sports car"),
         "tank": ("tank", "tanks", "battle tank"),
         "truck": ("truck", "trucks", "lorry", "lorries", "pickup", "pickup truck",
                   "fire truck", "dump truck", "van"),
         "monster_truck": ("monster truck", "monster trucks"),
         "bus": ("bus", "buses"), "cart": ("cart", "carts", "trolley", "wagon")}


def wanted(intent: Intent) -> list[str]:
    """The vehicles a prompt names, in the order it names them, when the first is what the
    sentence is about (it comes before any other object): that one moves."""
    found = named(intent)
    text = intent.text.lower()
    others = [text.find(m.word) for m in intent.actors if m.word in text]
    if not found or any(0 <= at < text.find(found[0][0]) for at in others):
        return []
    kinds = list(dict.fromkeys(kind for _, kind in found))
    if len(kinds) == 1 and _two(intent, found[0][0]):  # "two cars collide": a pair of one kind
        kinds.append(kinds[0])
    return kinds


def plural(word: str) -> bool:
    """Whether a vehicle word names more than one ('cars'; not 'bus')."""
    return word.endswith("s") and word not in ("bus",)


def _two(intent: Intent, word: str) -> bool:
    """Whether a plural vehicle word ('cars') names two that meet."""
    return plural(word) and (intent.has(f"two {word}", f"2 {word}") or "each other" in intent.relations
                       or intent.has("head on", "collide", "collides", "crash into each other"))


def named(intent: Intent) -> list[tuple[str, str]]:
    """(word, kind) of each vehicle the prompt names, in the order it names them."""
    if intent.has(*NOT_VEHICLES):
        return []
    text = intent.text.lower()
    hits = sorted((text.find(w), w, kind) for kind, ws in WORDS.items() for w in ws
                  if intent.has(w))
    # "a pickup truck" is one truck: a word inside a longer one found at the same place
    kept = [h for h in hits if not any(o[1] != h[1] and h[1] in o[1] and
                                       o[0] <= h[0] <= o[0] + len(o[1]) for o in hits)]
    return [(word, kind) for _, word, kind in kept]


def vehicle(plan: Plan, kind: str, name: str, front: float, heading: int,
            speed: float | None, lane: float = 0.0, steerable: bool = False,
            color: tuple[float, float, float] | None = None) -> str:
    """Add `kind` with its front at x = `front`, facing +x (heading 1) or -x (-1), moving
    and driven at `speed` m/s (its wheels catch up within a fraction of a second) or, with
    None, parked with its brakes on, centred on y = `lane`. A steerable one holds its front
    wheels on knuckles that a `steer` event turns, and drives its other wheels; its body is
    `color` where the prompt names one ('a red pickup truck'), else its kind's. Returns the
    hull's name."""
    spec = VEHICLES[kind]
    paint = list(color or spec.color)
    length, width, height = spec.hull
    centre = front - heading * length / 2
    base = spec.clearance
    moving = f", already at {speed:g} m/s" if speed else ""
    facing = [0.0, 0.0, 90.0 - 90.0 * heading]  # its own +x is its front: a drive's forward
    plan.body(f"the {kind}'s hull: {spec.mass / 1000:g} t in all{moving}", name=name,
              asset="box", material="steel", restitution=CRUMPLE,
              mass=spec.hull_mass - (2 * KNUCKLE_MASS if steerable else 0.0),
              crushable={"wall": spec.shell,
                         "max_depth": round(max(spec.crumple_zone, 0.05) / length, 3)},
              color=paint, params={"length": length, "width": width, "height": height},
              position=[round(centre, 4), lane, base], rotation=facing,
              **({"velocity": [heading * speed, 0.0, 0.0]} if speed else {}))
    part = TOPS.get(kind, "cabin")
    top = f"{name}_{part}"
    plan.body(f"its {part}, welded on", name=top,
              asset="box", material="steel", mass=spec.top_mass, restitution=CRUMPLE,
              crushable={"wall": spec.shell}, color=paint,
              params=dict(zip(("length", "width", "height"), spec.top)),
              position=[round(centre - heading * spec.top_back, 4), lane,
                        round(base + height, 4)],
              rotation=facing)
    plan.joint(f"the {part} is part of the hull", name=f"{top}_weld",
               type="fixed", a=top, b=name,
               anchor=[round(centre, 4), lane, round(base + height, 4)])
    _wheels(plan, spec, name, (centre, lane), heading, speed, steerable)
    return name


def _wheels(plan: Plan, spec: Spec, name: str, spot: tuple[float, float], heading: int,
            speed: float | None, steerable: bool) -> None:
    """The wheels under a hull centred on `spot` (x, y); steerable: the front pair on
    knuckles, the others driven."""
    width = spec.hull[1]
    centre, lane = spot
    radius, tread = spec.wheel_radius, spec.wheel_width
    count = 2 * spec.wheels_a_side - (2 if steerable else 0)  # the driven ones
    span = spec.axle_span
    steered = (spec.wheels_a_side - 1 if heading == 1 else 0) if steerable else None
    if speed is None:
        motor = {"speed": 0.0, "max_force": round(BRAKE_G * spec.mass * G * radius / count)}
        why = "braked: parked"
    else:
        turn = heading * math.degrees(speed / radius)
        motor = {"speed": round(turn, 2),
                 "max_force": round(DRIVE_G * spec.mass * G * radius / count)}
        why = f"driven at {speed:g} m/s ({speed * 3.6:.0f} km/h)"
    for i in range(spec.wheels_a_side):
        x = centre + (-span + 2 * span * i / (spec.wheels_a_side - 1))
        for side, y in (("left", lane + width / 2 + tread / 2 + 0.02),
                        ("right", lane - width / 2 - tread / 2 - 0.02)):
            wheel = f"{name}_wheel_{i + 1}_{side}"
            # a cylinder stands on its end: turned 90 degrees about x its axis runs along
            # -y from its origin, which is one face's centre
            plan.body(f"a wheel, {why}" if i == 0 and side == "left" else "", name=wheel,
                      asset="cylinder", material="rubber", mass=spec.wheel_mass,
                      color=[0.08, 0.08, 0.08],
                      params={"radius": radius, "height": tread},
                      position=[round(x, 4), round(y + tread / 2, 4), radius],
                      rotation=[90.0, 0.0, 0.0])
            anchor = [round(x, 4), round(y, 4), radius]
            if i == steered:
                holder = _knuckle(plan, spec, wheel, name, anchor)
                plan.joint("", name=f"{wheel}_axle", type="hinge", a=wheel, b=holder,
                           anchor=anchor, axis=[0, 1, 0])
            else:
                plan.joint("", name=f"{wheel}_axle", type="hinge", a=wheel, b=name,
                           anchor=anchor, axis=[0, 1, 0], motor=motor)


def _knuckle(plan: Plan, spec: Spec, wheel: str, hull: str, centre: list[float]) -> str:
    """A steering knuckle inside `wheel`, on a hinge about the vertical through the wheel's
    centre (no scrub), its motor as strong as the grip the steered wheel has on the road."""
    knuckle = f"{wheel}_knuckle"
    side = KNUCKLE_SIZE
    plan.body("", name=knuckle, asset="box", material="steel", mass=KNUCKLE_MASS,
              params={"length": side, "width": side, "height": side},
              position=[centre[0], centre[1], round(centre[2] - side / 2, 4)])
    grip = spec.mass * G / (2 * spec.wheels_a_side) * spec.wheel_width  # N m of tyre scrub
    plan.joint("", name=f"{wheel}_steer", type="hinge", a=knuckle, b=hull, anchor=centre,
               axis=[0, 0, 1], motor={"speed": 0.0, "max_force": round(2 * grip)})
    return knuckle


def crash(plan: Plan, intent: Intent, kinds: list[str]) -> None:
    """The first vehicle named drives into the second, parked ahead of it, or, named alone,
    into a concrete wall."""
    mover = kinds[0]
    target = kinds[1] if len(kinds) > 1 else None
    speed = VEHICLES[mover].speed
    gap = min(max(2.0, 0.6 * speed), 8.0)  # metres of road between them: about 0.6 s
    plan.ground = {"material": "concrete", "size": 150}
    paints = [_paint(intent, word) for word, _ in named(intent)] + [None, None]
    vehicle(plan, mover, mover, 0.0, 1, speed, color=paints[0])
    plan.lead = mover
    if target is None and not _hits(intent):  # "a sedan driving down a road": no wall to hit
        plan.duration = 3.0
        plan.check(f"the {mover} drives on", moves_less_than=mover,
                   distance=round(speed * 2.0, 1), **{"not": True})
        return
    impact = gap / speed
    plan.duration = round(impact + 1.5, 1)  # the run-up, the impact, and what follows
    loose = targets.pieces(intent) if target is None else None
    if loose is not None:  # bricks or boxes, not a solid wall
        spec = VEHICLES[mover]
        glob, hit, top = targets.build(plan, intent, loose, spec.hull[1], spec.clearance,
                                       gap)
        _side_on(plan, mover, hit, None, gap, impact, loose=True)
        targets.check(plan, mover, glob, top, impact)
        return
    if target is not None:
        second = target if target != mover else f"{target}_2"
        # a pair of one kind meets head-on; another kind stands parked ahead
        oncoming = VEHICLES[target].speed if target == mover else None
        vehicle(plan, target, second, gap, -1, oncoming, color=paints[1])
    else:
        second = _wall(plan, VEHICLES[mover], gap)
    _side_on(plan, mover, second, target, gap, impact)
    _claims(plan, mover, target, second, gap, impact)


def _paint(intent: Intent, word: str) -> tuple[float, float, float] | None:
    """The colour said just before a vehicle's word ('a red pickup truck', 'a red old car')."""
    first = word.split()[0]
    at = next((i for i, t in enumerate(intent.tokens) if t == first), None)
    before = intent.tokens[max(0, (at or 0) - 2):at or 0]
    return next((COLORS[t] for t in reversed(before) if t in COLORS), None)


def _hits(intent: Intent) -> bool:
    """Whether the prompt has the vehicle hit something ('crashes', 'into a wall')."""
    return bool(intent.actions & {"hit", "collide", "shatter", "topple"}) or bool(
        intent.relations & {"into", "against", "through", "each other"})


def _wall(plan: Plan, spec: Spec, gap: float) -> str:
    """A concrete wall across the road `gap` ahead, sized to the vehicle."""
    plan.body("a concrete wall across its path, fixed", name="wall", asset="wall",
              material="concrete", static=True,
              params={"thickness": 0.4, "width": round(2.5 * spec.hull[1], 2),
                      "height": round(1.2 * (spec.clearance + spec.hull[2] + spec.top[2]), 2)},
              position=[gap + 0.2, 0.0, 0.0])
    return "wall"


def _side_on(plan: Plan, mover: str, second: str, target: str | None, gap: float,
             impact: float, loose: bool = False) -> None:
    """A fixed side-on camera over the run-up, then a closer one on the impact (from ahead of
    the mover where it breaks through `loose` pieces)."""
    start = -VEHICLES[mover].hull[0]
    end = gap + (VEHICLES[target].hull[0] if target else 1.0)  # the wall: 0.4 m and room
    if target and VEHICLES[mover].mass > VEHICLES[target].mass:
        end += VEHICLES[mover].speed * (plan.duration - impact)  # the heavier one pushes on
    middle, span = (start + end) / 2, end - start
    if span > MAX_VIEW:  # a long vehicle pushing on: keep the impact, let the ends go
        middle, span = gap + 2.0, MAX_VIEW
    wide = {"from": 0.0, "position": [round(middle, 2), -round(1.6 * span, 1),
                                      round(0.3 * span, 1)],
            "look_at": [round(middle, 2), 0.0, 1.0], "fov": 40.0}
    impact_event = {"event": "impact", "bodies": [mover, second]}
    # from the front quarter of the one that crumples: the mover comes from -x
    crumples = target is None or VEHICLES[mover].crush_force <= VEHICLES[target].crush_force
    pushes_on = target is not None and VEHICLES[mover].mass > VEHICLES[target].mass
    closer = {"from": round(max(impact - CUT_BEFORE, 0.0), 2), "preset": "medium",
              # one that pushes on is framed over its push, both bodies all the way
              "subject": [mover, second] if pushes_on else impact_event,
              # ahead of a mover breaking through loose pieces: their face, and it bursting out
              "angle": {"azimuth": -35.0 if loose else -110.0 if crumples else -70.0,
                        "elevation": 15.0},
              "slow_motion": 0.5}
    why = ("side-on and wide for the run-up, then cut closer, at half speed, to the impact: "
           "the crumpling and where both end up")
    plan.camera = ({"shots": [wide, closer]}, why)
    if not pushes_on:
        plan.camera_check("the crash is on screen: central, the two filling 2% of the frame "
                          "(checked on render)", on_screen=impact_event)


def _claims(plan: Plan, mover: str, target: str | None, second: str, gap: float,
            impact: float) -> None:
    """What mass decides: the heavier vehicle shoves the lighter aside and drives on; the
    lighter one stops against the heavier, which barely moves."""
    plan.check(f"the {mover} hits the {target or 'wall'}", contacts=mover,
               **{"with": second}, before=round(impact + 0.5, 2))
    if target is None:
        plan.check(f"and the {mover} stops against it", moves_less_than=mover,
                   distance=gap + 1.0)
        spec = VEHICLES[mover]
        if _crumple(spec, math.inf, spec) >= 2 * DENTED:
            plan.check(f"its front crumples against the {second}", crushes=mover,
                       depth=DENTED)
        return
    ratio = VEHICLES[mover].mass / VEHICLES[target].mass
    if ratio > 5:
        plan.check(f"the {mover}, {ratio:.0f} times heavier, shoves the {target} well aside",
                   moves_less_than=second, distance=1.0, **{"not": True})
        plan.check(f"and drives on through: it keeps going past where the {target} stood",
                   moves_less_than=mover, distance=gap + 4.0, **{"not": True})
    elif ratio < 1 / 5:
        plan.check(f"the {target}, {1 / ratio:.0f} times heavier, barely moves",
                   moves_less_than=second, distance=0.5)
        plan.check(f"and the {mover} stops dead against it", moves_less_than=mover,
                   distance=gap + 2.0)
    _dents(plan, (mover, VEHICLES[mover]), (second, VEHICLES[target]))


def _dents(plan: Plan, mover: tuple[str, Spec], struck: tuple[str, Spec]) -> None:
    """The weaker body crumples, by as much as the impact's lost energy crushes it (the
    engine's model); a much stronger one (a tank's armour, a bus's frame) comes out undented."""
    (weak, weak_spec), (strong, strong_spec) = sorted(
        (mover, struck), key=lambda vehicle: vehicle[1].crush_force)
    if _crumple(mover[1], struck[1].mass, weak_spec) >= 2 * DENTED:
        plan.check(f"the {weak}'s body crumples", crushes=weak, depth=DENTED)
    if strong_spec.crush_force > DENT_SHARE * weak_spec.crush_force:
        plan.check(f"the {strong} comes out undented", crushes=strong, depth=DENTED,
                   **{"not": True})


def _crumple(mover: Spec, struck_mass: float, crushed: Spec) -> float:
    """Metres `crushed` crumples when `mover` drives at its speed into a parked
    `struck_mass` (inf: a wall) and the impact's energy all goes into `crushed`."""
    reduced = mover.mass if math.isinf(struck_mass) else \
        mover.mass * struck_mass / (mover.mass + struck_mass)
    return 0.5 * reduced * mover.speed ** 2 / crushed.crush_force
