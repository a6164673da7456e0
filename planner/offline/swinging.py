"""Things that swing on hinges: a pendulum, and Newton's cradle.

Each hung body is a thin rod hinged at its top, with a steel ball welded to its end, under a
static frame; the hinge leaves room between the rod and the frame so that nothing rubs. The
pendulum's period is predicted from the rod and ball as a compound pendulum, so the check
holds the engine to the textbook.
"""
from __future__ import annotations

import math

from bridge.assets.registry import ASSETS
from bridge.materials import MATERIALS
from planner.offline.arrangements import DOMINO, DOMINO_GAP, brick_wall
from planner.offline.layout import Plan
from planner.offline.parse import Intent, Mention
from planner.offline.quantities import quantities

G = 9.81
ROD = 0.012  # m: the square rod's side
CLEAR = 0.015  # m from the hinge up to the frame's underside
PENDULUM_DEG = 10.0  # released from here unless the prompt says (small: a clean period)
CRADLE_DEG = 30.0
CRADLE_BALLS, CRADLE_RADIUS, CRADLE_LENGTH, CRADLE_GAP = 5, 0.025, 0.25, 0.001
CRADLE_RESTITUTION = 0.97  # per ball: 0.94 between two, like chrome steel
INTO_DEG = 20.0  # released from here to knock a domino over (0.8 m/s at the bottom)
ROW_DOMINOES = 5  # dominoes a pendulum knocks down when the prompt gives no count


def wants_pendulum(intent: Intent) -> bool:
    return intent.has("pendulum", "pendulums")


def wants_cradle(intent: Intent) -> bool:
    """Newton's by name, or a cradle of balls (a baby's cradle is not one)."""
    return intent.has("newton's cradle", "newtons cradle", "newton cradle") or (
        intent.has("cradle") and intent.has("ball", "balls"))


def _length(intent: Intent, default: float) -> float:
    found = [q.value for q in quantities(intent.text) if q.kind == "length"]
    return min(max(found[0], 0.2), 5.0) if found else default


def _frame(plan: Plan, left: float, right: float, top: float, floor: float = 0.0) -> None:
    """A static gallows standing on `floor`: two posts and a beam whose underside is `top`."""
    beam = 0.05 if floor == 0.0 else 0.025
    plan.body("the frame's beam (static)", name="beam", asset="box",
              material="wood" if floor == 0.0 else "steel", static=True,
              params={"length": round(right - left, 4), "width": beam, "height": beam},
              position=[round((left + right) / 2, 4), 0.0, round(top, 4)])
    for side, x in (("left", left - beam / 2), ("right", right + beam / 2)):
        plan.body(f"the frame's {side} post", name=f"post_{side}", asset="box",
                  material="wood" if floor == 0.0 else "steel", static=True,
                  params={"length": beam, "width": beam, "height": round(top + beam - floor,
                                                                         4)},
                  position=[round(x, 4), 0.0, round(floor, 4)])


def _hung(plan: Plan, index: str, pivot: tuple[float, float, float], length: float,
          radius: float, degrees: float, why: str, asset: str = "ball",
          **ball) -> tuple[str, str]:
    """A rod hinged at `pivot` and a steel ball (`asset`) welded under it, `degrees` out to
    +x; returns the names of the rod and the ball."""
    theta = math.radians(degrees)
    down = (math.sin(theta), 0.0, -math.cos(theta))
    rod_length = length - radius
    end = [round(pivot[k] + rod_length * down[k], 4) for k in range(3)]
    centre = [pivot[k] + length * down[k] for k in range(3)]
    rod, bob = f"rod{index}", f"ball{index}"
    plan.body("a thin wooden rod from the hinge to the ball", name=rod, asset="box",
              material="wood", params={"length": ROD, "width": ROD,
                                       "height": round(rod_length, 4)},
              position=end, rotation=[0.0, round(-degrees, 4) + 0.0, 0.0])  # never -0.0
    plan.body(why, name=bob, asset=asset, material="steel", params={"radius": radius},
              position=[round(centre[0], 4), 0.0, round(centre[2] - radius, 4)], **ball)
    plan.joint("the rod turns on a hinge under the beam", name=f"hinge{index}", type="hinge",
               a=rod, b="world", anchor=list(pivot), axis=[0, 1, 0])
    plan.joint("the ball is fixed to the rod's end", name=f"weld{index}", type="fixed",
               a=bob, b=rod, anchor=end)
    return rod, bob


Part = tuple[float, float, float]  # mass, depth of its centre under the hinge, own moment


def compound_period(parts: list[Part], amplitude: float) -> float:
    """2 pi sqrt(I / (m g d)) of rigid parts turning about one hinge, swung `amplitude`
    radians, with the finite-amplitude series to the fourth power."""
    inertia = sum(own + mass * depth ** 2 for mass, depth, own in parts)
    moment = sum(mass * depth for mass, depth, _ in parts)
    small = 2 * math.pi * math.sqrt(inertia / (G * moment))
    return small * (1 + amplitude ** 2 / 16 + 11 * amplitude ** 4 / 3072)


def period(length: float, radius: float, degrees: float) -> float:
    """A rod (wood, ROD square) and a steel ball at its end, swinging from the rod's top."""
    rod_length = length - radius
    rod_mass = MATERIALS["wood"].density * ROD * ROD * rod_length
    ball_mass = _steel_mass(radius)
    rod = (rod_mass, rod_length / 2, rod_mass * (rod_length ** 2 + ROD ** 2) / 12)
    ball = (ball_mass, length, ball_mass * 0.4 * radius ** 2)
    return compound_period([rod, ball], math.radians(degrees))


def pendulum(plan: Plan, intent: Intent) -> None:
    """One pendulum released from rest; verified against its textbook period."""
    length = _length(intent, 1.0)
    degrees = min(intent.angle or PENDULUM_DEG, 60.0)
    radius = 0.05
    pivot = (0.0, 0.0, round(length + radius + 0.3, 4))
    reach = length * math.sin(math.radians(degrees)) + radius + 0.15  # clear of its swing
    _frame(plan, -reach, reach, pivot[2] + CLEAR)
    # the bob is a steel ball either way: named as the prompt names it ('a steel ball')
    asset = "ball_bearing" if any(m.asset == "ball_bearing" for m in intent.mentions) else "ball"
    if intent.has("rope", "string", "cord", "chain", "thread"):
        expected = _on_a_rope(plan, pivot, length, radius, degrees, asset)
    else:
        _hung(plan, "", pivot, length, radius, degrees,
              f"a steel bob on a {length:g} m arm, released from rest {degrees:g} degrees out",
              asset)
        expected = period(length, radius, degrees)
    plan.duration = round(max(3.0, 2.5 * expected), 1)
    plan.camera = _side_on(0.0, pivot[2] - length / 2, 1.5 * (length + 0.6) + 0.5, 0.2,
                           "side-on to the plane of the swing, the whole arm in frame")
    plan.check(f"it swings with the period of a {length:g} m compound pendulum "
               f"(2 pi sqrt(L/g) = {2 * math.pi * math.sqrt(length / G):.3f} s for a point "
               "mass)", swings="ball", period=round(expected, 4), tolerance=0.02)


def pendulum_into_dominoes(plan: Plan, intent: Intent, dominoes: Mention) -> None:
    """A pendulum whose bob, at the bottom of its swing, hits the first of the dominoes
    standing in its path: as many as the prompt counts, one for 'a domino', a row of
    ROW_DOMINOES for 'dominoes'."""
    count = min(dominoes.count, 60) if dominoes.count > 1 else \
        ROW_DOMINOES if intent.has("dominoes") else 1
    length, radius = _length(intent, 0.5), 0.05  # short: the dominoes stay large in frame
    degrees = min(intent.angle or INTO_DEG, 60.0)
    height, thickness = DOMINO["height"], DOMINO["thickness"]
    pivot = (0.0, 0.0, round(0.7 * height + length, 4))  # the bob's centre meets 0.7 of it
    first = -(radius + 0.005 + thickness / 2)  # just past the bottom, the way it swings
    row = [round(first - DOMINO_GAP * k, 4) for k in range(count)]
    reach = max(length * math.sin(math.radians(degrees)) + radius, -row[-1]) + 0.15
    _frame(plan, -reach, reach, pivot[2] + CLEAR)
    _hung(plan, "", pivot, length, radius, degrees,
          f"a steel bob on a {length:g} m arm, released from rest {degrees:g} degrees out")
    plan.ground = {"material": "wood"}
    for k, x in enumerate(row):
        plan.body("" if k else "standing where the bob's swing bottoms out", name=f"domino_"
                  f"{k + 1:02d}", asset="domino", params=dict(DOMINO), position=[x, 0, 0])
    swing = period(length, radius, degrees) / 4
    plan.duration = round(max(3.0, swing + 1.2 + 0.11 * count), 1)
    plan.check("the bob swings into the first domino", contacts="ball",
               **{"with": "domino_01"}, before=round(swing + 0.3, 2))
    plan.check("and every domino falls", falls_over="domino_*", angle=20)
    plan.camera = _side_on(row[-1] / 2, pivot[2] / 2, 1.2 * (pivot[2] + 0.5), 0.1,
                           "side-on to the swing: the bob, and the dominoes it knocks down")


def _side_on(x: float, centre: float, distance: float, rise: float, why: str
             ) -> tuple[dict, str]:
    """A camera `distance` in front of the swing's plane (-y), `rise` above the height it
    looks at, `centre`, at `x`."""
    return ({"position": [round(x, 3), -round(distance, 2), round(centre + rise, 3)],
             "look_at": [round(x, 3), 0.0, round(centre, 3)], "fov": 40.0}, why)


def _on_a_rope(plan: Plan, pivot: tuple[float, float, float], length: float, radius: float,
               degrees: float, asset: str) -> float:
    """A steel bob (`asset`) tied by its top to a rope from `pivot`, released `degrees` out;
    returns the period to expect: a simple pendulum to the bob's centre (the rope is
    light)."""
    theta = math.radians(degrees)
    out = (math.sin(theta), 0.0, -math.cos(theta))
    tie = [round(pivot[k] + length * out[k], 4) for k in range(3)]
    centre = [tie[k] + radius * out[k] for k in range(3)]
    plan.body(f"a steel bob on a {length:g} m rope, released from rest {degrees:g} degrees "
              "out", name="ball", asset=asset, material="steel", params={"radius": radius},
              position=[round(centre[0], 4), 0.0, round(centre[2] - radius, 4)])
    plan.rope("tied to the beam and to the top of the bob", name="rope",
              start={"at": list(pivot)}, end={"body": "ball", "at": tie}, segments=12)
    reach = length + radius
    return 2 * math.pi * math.sqrt(reach / G) * (1 + theta ** 2 / 16)


def cradle(plan: Plan, intent: Intent) -> None:
    """Newton's cradle on a table: the first ball released, one ball out at the other end."""
    pitch = 2 * CRADLE_RADIUS + CRADLE_GAP
    desk = ASSETS["table"].params["height"]
    plan.body("the table it stands on, fixed", name="table", asset="table", static=True)
    top = desk + 0.08 + CRADLE_LENGTH + CRADLE_RADIUS
    degrees = min(intent.angle or CRADLE_DEG, 60.0)
    reach = CRADLE_LENGTH * math.sin(math.radians(degrees)) + CRADLE_RADIUS + 0.05
    middle = (CRADLE_BALLS - 1) * pitch / 2
    _frame(plan, -reach, (CRADLE_BALLS - 1) * pitch + reach, top + CLEAR, floor=desk)
    names = []
    for i in range(CRADLE_BALLS):
        out = -degrees if i == 0 else 0.0
        why = (f"the first ball, pulled {degrees:g} degrees out and let go" if i == 0 else
               "hanging at rest, just clear of its neighbour")
        names.append(_hung(plan, f"_{i + 1}", (round(i * pitch, 4), 0.0, top), CRADLE_LENGTH,
                           CRADLE_RADIUS, out, why, restitution=CRADLE_RESTITUTION,
                           friction=0.0)[1])
    plan.duration = 3.0
    plan.check("the released ball strikes the row", contacts=names[0], **{"with": names[1]},
               before=0.5)
    plan.check("and the last ball swings out", moves_less_than=names[-1], distance=0.05,
               **{"not": True})
    plan.check("while the middle ball stays nearly still", moves_less_than=names[2],
               distance=0.03)
    height = top - desk - CRADLE_LENGTH / 2
    plan.camera = _side_on(middle, desk + height, 1.0, 0.25,
                           "side-on and close: the row of balls fills the frame")


WRECK_RADIUS, WRECK_LENGTH, WRECK_DEG = 0.3, 3.0, 40.0  # an 890 kg steel ball on a 3 m cable
BRICK_COLUMNS, BRICK_ROWS = 6, 14


def wants_wrecking_ball(intent: Intent) -> bool:
    return intent.has("wrecking ball", "wrecking balls", "demolition ball")


def wrecking_ball(plan: Plan, intent: Intent) -> None:
    """A steel ball swung on a cable from a crane's jib into a brick wall."""
    brick = ASSETS["brick"].params
    lowest = (BRICK_ROWS // 2 - 0.5) * brick["height"]  # its centre meets the middle row
    pivot = (0.0, 0.0, round(lowest + WRECK_LENGTH, 4))
    degrees = min(intent.angle or WRECK_DEG, 70.0)
    mast = -(WRECK_LENGTH * math.sin(math.radians(degrees)) + WRECK_RADIUS + 0.8)
    plan.body("the crane's jib the cable hangs from (static)", name="jib", asset="box",
              material="steel", static=True,
              params={"length": round(0.3 - mast, 4), "width": 0.3, "height": 0.3},
              position=[round(mast / 2, 4), 0.0, pivot[2] + CLEAR])
    plan.body("its mast", name="mast", asset="box", material="steel", static=True,
              params={"length": 0.4, "width": 0.4, "height": round(pivot[2] + CLEAR, 4)},
              position=[round(mast, 4), 0.0, 0.0])
    _hung(plan, "", pivot, WRECK_LENGTH, WRECK_RADIUS, -degrees,
          f"the wrecking ball: {_steel_mass(WRECK_RADIUS):.0f} kg of steel, pulled back "
          f"{degrees:g} degrees and let go")
    brick_wall(plan, WRECK_RADIUS + 0.02, BRICK_COLUMNS, BRICK_ROWS)  # just clear of the ball
    target = f"brick_{BRICK_ROWS // 2}_{BRICK_COLUMNS // 2}"
    swing = period(WRECK_LENGTH, WRECK_RADIUS, degrees) / 4
    plan.duration = round(swing + 2.0, 1)
    plan.check("the ball swings into the wall", contacts="ball", **{"with": target},
               before=round(swing + 0.3, 2))
    plan.check("and knocks the bricks it hits out", moves_less_than=target, distance=0.5,
               **{"not": True})
    plan.camera = ({"position": [4.5, -5.5, 2.4], "look_at": [0.0, 0.0, 1.2], "fov": 40.0},
                   "three-quarter view: the swing, the wall and the bricks flying")


def _steel_mass(radius: float) -> float:
    return MATERIALS["steel"].density * 4 / 3 * math.pi * radius ** 3
