"""Set pieces: dominoes, bowling, billiards, towers, ramps, water and zero gravity.

Placements and magnitudes follow the verified example scenes in `scenes/`.
"""
from __future__ import annotations

import math

from bridge.materials import MATERIALS
from planner.offline import actors as ac
from planner.offline.layout import SPHERES, Plan, density
from planner.offline.motion import spread
from planner.offline.parse import Intent, Mention

DOMINO = {"width": 0.05, "height": 0.1, "thickness": 0.015}
PIN_ROWS = [(0.0, [0.0]), (0.264, [-0.1524, 0.1524]), (0.528, [-0.3048, 0.0, 0.3048]),
            (0.792, [-0.4572, -0.1524, 0.1524, 0.4572])]
BALL_GAP = 0.0499  # billiard rack row spacing: touching balls of 28.6 mm radius


def dominoes(plan: Plan, intent: Intent, m: Mention) -> None:
    """A row, spaced 0.65 of their height, the first pushed near its top."""
    n = max(2, min(m.count if m.count > 1 else 10, 60))
    plan.ground = {"material": "wood"}
    for k in range(n):
        plan.body("" if k else "spaced 6.5 cm, 0.65 of their height, so each hits the next",
                  name=f"domino_{k + 1:02d}", asset="domino", params=dict(DOMINO),
                  position=[round(0.065 * k, 4), 0, 0])
    plan.event("a flick near the top of the first", at=0.2,
               push={"body": "domino_01", "impulse": [0.008, 0, 0], "point": [0, 0, 0.09]})
    plan.duration = round(max(2.5, 1.2 + 0.11 * n), 2)
    plan.check("every domino falls", falls_over="domino_*", angle=20)
    plan.check("the last is hit by the one before it", contacts=f"domino_{n - 1:02d}",
               **{"with": f"domino_{n:02d}"})
    if intent.arrangement not in (None, "row"):
        plan.notes.append(f"dominoes are set in a row (a {intent.arrangement} was asked for)")


def bowling(plan: Plan, intent: Intent) -> None:
    """Regulation triangle of pins and a hooking ball at 8 m/s with matching spin."""
    plan.ground = {"material": "wood", "size": 12}
    speed = intent.speed or 8.0
    plan.body(f"rolling at {speed:g} m/s, spin matching the roll", name="ball",
              asset="bowling_ball", position=[-2.5, 0.07, 0], velocity=[speed, 0, 0],
              angular_velocity=[0, round(math.degrees(speed / 0.108)), 0])
    k = 0
    for x, ys in PIN_ROWS:
        for y in ys:
            k += 1
            plan.body("regulation spacing, 30.48 cm" if k == 1 else "",
                      name=f"pin_{k:02d}", asset="bowling_pin", position=[x, y, 0])
    plan.check("the ball reaches the head pin", contacts="ball", **{"with": "pin_01"},
               before=0.6)
    plan.check("a strike: every pin goes down", falls_over="pin_*", angle=45)
    plan.lead = "ball"


def billiards(plan: Plan, intent: Intent) -> None:
    """A racked triangle broken by the cue ball."""
    plan.body("the table, fixed", name="table", asset="pool_table", static=True)
    speed = intent.speed or 7.0
    plan.body(f"struck to {speed:g} m/s", name="cue", asset="billiard_ball",
              position=[-0.635, 0, 0.8], velocity=[speed, 0, 0])
    k = 0
    for row in range(5):
        for j in range(row + 1):
            k += 1
            y = (j - row / 2) * 0.0576
            plan.body("racked touching" if k == 1 else "", name=f"ball_{k:02d}",
                      asset="billiard_ball", position=[round(0.635 + row * BALL_GAP, 4),
                                                       round(y, 4), 0.8])
    plan.check("the cue ball hits the rack", contacts="cue", **{"with": "ball_01"}, before=0.3)
    plan.check("the break reaches the back row", moves_less_than="ball_15", distance=0.05,
               **{"not": True})
    plan.check("everything stays on the table", stays_within="ball_*", min=[-1.3, -0.66, 0.75],
               max=[1.3, 0.66, 1.0])


def tower(plan: Plan, intent: Intent, m: Mention) -> None:
    """A stack of blocks, standing, or knocked down by a ball."""
    n = max(2, min(m.count if m.count > 1 else 6, 20))
    h = ac.height_of(m, intent)
    names, each = [], _single(m, n)
    for k in range(n):
        names.append(ac.add(plan, each, intent, (0.0, 0.0, round(k * h, 4)),
                            "stacked" if k == 0 else "", k))
    if intent.actions & {"topple", "hit", "knock", "throw", "shatter", "push"}:
        target = 0.4 * n * h
        plan.body("a steel ball thrown at the lower part of the tower", name=plan.unique("ball"),
                  asset="ball", params={"radius": 0.05}, material="steel",
                  position=[-1.2, 0, round(target - 0.05, 3)], velocity=[6, 0, 1.2])
        plan.check("the top comes down", moves_less_than=names[-1], distance=min(0.2, h * 2),
                   **{"not": True})
        plan.check("and lands", contacts=names[-1], **{"with": "ground"})
    else:
        plan.check("the stack stands", moves_less_than=names, distance=0.02)
    plan.duration = 3.0


def _single(m: Mention, count: int = 1) -> Mention:
    """The same object without its liquid, `count` of it."""
    return Mention(m.noun, m.word, m.index, count, m.material, m.adjectives, m.color, None)


def ramp(plan: Plan, intent: Intent, m: Mention) -> None:
    """Down a fixed ramp: spheres roll, anything else slides if friction allows."""
    angle = intent.angle or 30.0
    if m.asset not in SPHERES:
        mu = MATERIALS[ac.material_of(m)].friction * MATERIALS["wood"].friction
        needed = math.degrees(math.atan(mu)) + 8
        if needed > angle:
            plan.notes.append(f"ramp steepened from {angle:g} to {needed:.0f} degrees: friction "
                              f"{mu:.2f} would hold the {m.word} still")
            angle = round(min(needed, 50.0), 1)
    length = 2.0
    plan.body(f"a {angle:g} degree ramp, falling toward +x", name="ramp", asset="ramp",
              params={"length": length, "width": 0.8, "angle_deg": angle}, static=True)
    a = math.radians(angle)
    x = -0.6
    surface = (length / 2 - x) * math.tan(a)
    if m.asset in SPHERES:
        r = ac.radius_of(m, intent)
        position = (x + r * math.sin(a), 0.0, surface + r * math.cos(a) - r + 0.002)
        rotation = [0.0, 0.0, 0.0]
    else:
        position, rotation = (x, 0.0, surface + 0.002), [0.0, angle, 0.0]
    name = ac.add(plan, _single(m), intent, position, "resting on the slope",
                  rotation=rotation)
    plan.check("it gets down to the floor", contacts=name, **{"with": "ground"}, before=2.5)
    plan.check("it travels down the slope", moves_less_than=name, distance=1.0,
               **{"not": True})
    plan.duration = 3.0
    plan.lead = name


def water(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """A body of water; each object floats or sinks by its mean density."""
    from planner.offline.lexicon import WATERS

    sx, sy, depth = WATERS.get(intent.water or "pool", WATERS["pool"])
    plan.water.append(_water_item(intent.water or "pool", sx, sy, depth))
    items = ac.instances(actors, 4)
    dropped = bool(intent.actions & {"fall", "throw"}) and "place" not in intent.actions
    xs = spread(len(items), min(sx / max(len(items), 1), 0.35))
    for i, (m, k) in enumerate(items):
        h = ac.height_of(m, intent)
        z = depth + 0.4 if dropped else depth - 0.3 * h
        name = ac.add(plan, m, intent, (xs[i], 0.0, round(z, 4)),
                      "dropped in from 40 cm" if dropped else "set gently on the surface", k)
        rho = density(m.asset, m.material, ac.params_for(m, intent))
        if rho < 1000:
            plan.check(f"mean density {rho:.0f} kg/m3 < water: it floats", floats=name,
                       after=3.0)
        else:
            plan.check(f"mean density {rho:.0f} kg/m3 > water: it sinks", sinks=name,
                       before=3.0)
    plan.duration = 4.0
    plan.focus.append((0.0, 0.0, depth))


def _water_item(name: str, sx: float, sy: float, depth: float):
    from planner.offline.layout import Item

    return Item({"name": name.replace(" ", "_"),
                 "region": {"min": [-sx / 2, -sy / 2, 0], "max": [sx / 2, sy / 2, depth]}},
                f"the {name}: {sx:g} x {sy:g} m, {depth:g} m deep")


def zero_gravity(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """Weightless drift: no gravity, no floor; objects keep moving and spinning."""
    plan.gravity, plan.ground = (0.0, 0.0, 0.0), None
    items = ac.instances(actors, 5)
    names = []
    for i, (m, k) in enumerate(items):
        x = spread(len(items), 0.5)[i]
        names.append(ac.add(plan, m, intent, (x, 0.0, 1.0), "drifting and tumbling", k,
                            velocity=[0.0, 0.0, 0.05 * (-1) ** i],
                            angular_velocity=[30.0, 60.0 * (-1) ** i, 15.0]))
        liquid = ac.liquid_in(plan, names[-1])
        if liquid:
            _pour(plan, names[-1], liquid)
    plan.check("nothing falls: they stay near where they started", stays_within=names,
               min=[-2, -2, -1], max=[2, 2, 3])
    plan.check("with no gravity or friction they never settle", comes_to_rest=names[0],
               **{"not": True})
    plan.duration = 3.0


def _pour(plan: Plan, container: str, liquid: str) -> None:
    """The container is pulled away; the weightless liquid stays and leaves it."""
    plan.event("the container is drawn back: the liquid keeps its place and floats out",
               at=0.3, set_velocity={"body": container, "linear": [0, 0, -0.25],
                                     "angular": [0, 0, 0]})
    plan.check("the liquid leaves the container and drifts",
               liquid_stays_in=liquid, container=container,
               **{"not": True})
    plan.check("weightless, surface tension gathers it into a few wobbling blobs",
               holds_together=liquid, max_blobs=6)
