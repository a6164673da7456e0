"""Set pieces: dominoes, bowling, billiards, towers, ramps, water and zero gravity.

Placements and magnitudes follow the verified example scenes in `scenes/`.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace
from itertools import pairwise

from bridge.assets.registry import ASSETS
from bridge.materials import MATERIALS
from planner.offline import actors as ac
from planner.offline.camera import fixed_view
from planner.offline.capped import capped
from planner.offline.layout import SPHERES, Plan, extent
from planner.offline.motion import TABLE_TOP, expect_impact, spread
from planner.offline.motion_claims import RESULTS
from planner.offline.parse import Intent, Mention

DOMINO = {"width": 0.05, "height": 0.1, "thickness": 0.015}
WATER_GAP = 0.05  # m at least between things afloat side by side
DOMINO_GAP = 0.065  # m between dominoes in a row: 0.65 of their height, so each hits the next
PIN_ROWS = [(0.0, [0.0]), (0.264, [-0.1524, 0.1524]), (0.528, [-0.3048, 0.0, 0.3048]),
            (0.792, [-0.4572, -0.1524, 0.1524, 0.4572])]
# a pyramid's layers start this far (m) apart and settle at once: a tapered cup's rim is a
# little above its nominal height
LAYER_GAP = 0.003
# a stack shoved off furniture starts this far (m) from the edge; the shove would carry it
# this much farther than the edge before friction stopped it
STACK_FROM_EDGE, STACK_OVERSHOOT = 0.1, 0.2
# what knocks a pile down: a 4 kg steel ball at 6 m/s; a lighter ball is thrown faster, up to
# a hard throw
KNOCK_MOMENTUM, MAX_THROW, MAX_ROLL = 25.0, 20.0, 8.0
WHEELS = 0.05  # the friction of a box that stands in for a thing rolling on wheels
THROW_FROM, G = 1.2, 9.81  # m in front of the pile; m/s2
BALL_GAP = 0.0499
# a tower at the foot of a ramp that something lighter than TOY_MASS (kg) runs into is of
# toy blocks (4 cm of wood: 38 g)
TOY_MASS, TOY_BLOCK = 0.5, {"length": 0.04, "width": 0.04, "height": 0.04}
PILE_WORDS = frozenset({"tower", "stack", "pile", "stacked", "heap"})
# a wall at the foot of a ramp: this far past its low end (m), and its bricks (columns, rows)
WALL_GAP, FOOT_WALL = 0.1, (5, 6)
# what a ball rolling off a ramp can end inside; the tall ones lie on their side to catch it
RAMP_WIDTH, MAX_ON_RAMP = 0.8, 6
CATCHERS = frozenset({"cup", "mug", "tumbler", "wine_glass", "bowl", "box", "crate"})
# standing things a ball rolling off a ramp knocks over ('knocks over a can at the bottom'),
# where they do not break: a bowling ball shatters a glass vase it hits, and a check that it
# falls over then fails
UPRIGHT_TARGETS = frozenset({"can", "bottle", "vase", "candle"})
LIE_DOWN = frozenset({"cup", "mug", "tumbler", "wine_glass"})  # billiard rack row spacing: touching balls of 28.6 mm radius


def dominoes(plan: Plan, intent: Intent, m: Mention) -> None:
    """A row, spaced 0.65 of their height, the first pushed near its top."""
    n = max(2, min(m.count if m.count > 1 else 10, 60))
    plan.ground = {"material": "wood"}
    floor = 0.0
    if any(s.asset == "table" for s in intent.surfaces):  # "on a table": the row on its top
        floor, row = TABLE_TOP, DOMINO_GAP * (n - 1)
        plan.body("the table the row stands on, fixed, at least 15 cm longer than the row "
                  "at each end",
                  name="table", asset="table", static=True,
                  params={"width": round(max(1.2, row + 0.3), 3)},
                  position=[round(row / 2, 4), 0, 0])
    for k in range(n):
        plan.body("" if k else "spaced 6.5 cm, 0.65 of their height, so each hits the next",
                  name=f"domino_{k + 1:02d}", asset="domino", params=dict(DOMINO),
                  position=[round(DOMINO_GAP * k, 4), 0, floor])
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


def tower(plan: Plan, intent: Intent, m: Mention, thrower: Mention | None = None,
          on_table: bool = False) -> None:
    """A stack of blocks, standing (on a fixed table's top where one is named), or knocked
    down by a ball (`thrower`, or a steel one)."""
    n = max(2, min(m.count if m.count > 1 else 6, 20))
    h, pitch = ac.height_of(m, intent), ac.stack_pitch(m, intent)
    base = TABLE_TOP if on_table else 0.0
    if on_table:
        plan.body("the table, fixed", name="table", asset="table", static=True)
    names, each = [], _single(m, n)
    for k in range(n):
        names.append(ac.add(plan, each, intent, (0.0, 0.0, round(base + k * pitch, 4)),
                            "stacked" if k == 0 else "", k))
    _knock_down_or_stand(plan, intent, names,
                         (base + 0.4 * n * pitch, base + (n - 1) * pitch + h / 2), h,
                         thrower, h > 2 * ac.radius_of(m, intent), base)


def stack_off(plan: Plan, intent: Intent, m: Mention, furniture: str) -> None:
    """A stack at a table's or shelf's edge, shoved as one toward it: it slides off, falls
    and lands on the floor in a heap (brittle things break there)."""
    n = _pieces(m)
    h, r = ac.stack_pitch(m, intent), ac.radius_of(m, intent)
    shelf = furniture == "shelf"
    top = ASSETS[furniture].params["height"] if shelf else TABLE_TOP
    plan.body(f"the {furniture}, fixed", name=furniture, asset=furniture, static=True)
    # on a shelf's top board, open toward -y; on a table, near its +x end
    edge = 0.0 if shelf else ASSETS["table"].params["width"] / 2
    x, y = (0.0, 0.0) if shelf else (edge - r - STACK_FROM_EDGE, 0.0)
    direction = (0.0, -1.0) if shelf else (1.0, 0.0)
    # fast enough that friction stops the bottom piece only well past the edge:
    # v^2 = 2 mu g d, with d STACK_OVERSHOOT beyond where its middle crosses the edge
    mu = MATERIALS[ac.material_of(m)].friction * MATERIALS[ASSETS[furniture].material].friction
    reach = (ASSETS["shelf"].params["depth"] / 2 if shelf else edge - x) + STACK_OVERSHOOT
    speed = intent.speed or round(math.sqrt(2 * mu * G * reach), 2)
    names, each = [], _single(m, n)
    for k in range(n):
        name = ac.add(plan, each, intent, (round(x, 4), round(y, 4), round(top + k * h, 4)),
                      f"stacked at the {furniture}'s edge" if k == 0 else "", k)
        # the same speed for every piece: the stack slides as one, as if the shelf were jerked
        plan.event(f"a shove giving the stack {speed:g} m/s toward the edge" if k == 0 else "",
                   at=0.3, set_velocity={"body": name,
                                         "linear": [speed * direction[0], speed * direction[1],
                                                    0.0]})
        names.append(name)
    for name in (names[0], names[-1]):
        expect_impact(plan, each, name, "ground", 2.2)
    if not ac.brittle(m):
        plan.check("the stack lands in a heap and comes to rest", comes_to_rest=names)
    plan.duration = 3.0
    plan.focus.append((edge + 0.4, 0.0, 0.0) if not shelf else (0.0, -0.6, 0.0))
    plan.camera = ({"shots": [{"preset": "medium", "subject": names}]},
                   f"frames the stack from the {furniture}'s edge to where it lands")


def pyramid(plan: Plan, intent: Intent, m: Mention, thrower: Mention | None = None) -> None:
    """Rows stacked as a pyramid (3, 2, 1 for six cans), facing the ball that knocks it down."""
    n = max(3, min(m.count if m.count > 1 else 6, 36))
    rows = max(r for r in range(2, 9) if r * (r + 1) // 2 <= n)
    if rows * (rows + 1) // 2 != n:
        plan.notes.append(f"{n} {m.word}: a pyramid of {rows} rows holds "
                          f"{rows * (rows + 1) // 2}; the rest stand in front of it")
    h, width = ac.height_of(m, intent), 2 * ac.radius_of(m, intent) + 0.004
    each, names = _single(m, n), []
    for layer in range(rows):
        for y in spread(rows - layer, width):
            z = round(layer * (h + LAYER_GAP), 4)
            names.append(ac.add(plan, each, intent, (0.0, round(y, 4), z),
                                f"a pyramid of {rows} rows" if not names else "", len(names)))
    for y in spread(n - len(names), width):
        names.append(ac.add(plan, each, intent, (-0.3, round(y, 4), 0.0), "", len(names)))
    _knock_down_or_stand(plan, intent, names[:rows * (rows + 1) // 2],
                         (0.35 * rows * h, (rows - 0.5) * h), h, thrower, h > width)


def _knock_down_or_stand(plan: Plan, intent: Intent, names: list[str],
                         targets: tuple[float, float], h: float, thrower: Mention | None,
                         upright: bool, base: float = 0.0) -> None:
    """A ball thrown at the pile when the prompt knocks it down, else it stands. `targets`:
    the height to hit its lower part, and its top piece (for a ball too light to topple it)."""
    target = targets[0]
    # on the floor; on a table the throw arrives (a roll would start off the table's end)
    rolled = thrower is not None and intent.actions & {"roll", "slide"} and \
        "into" in intent.relations and base == 0.0
    if rolled:  # 'a ball rolls into a pyramid of cans'
        _roll_into(plan, intent, names, thrower)
        return
    if intent.actions & {"topple", "hit", "knock", "throw", "shatter", "push"}:
        if thrower is not None:
            r = ac.radius_of(thrower, intent)
            # the steel ball's momentum, up to a hard throw: a light ball is thrown faster
            mass = ac.mass_estimate(thrower, intent)
            speed = round(min(MAX_THROW, max(6.0, KNOCK_MOMENTUM / mass)), 1)
            if mass * speed < KNOCK_MOMENTUM:  # a marble cannot topple it: it knocks off the top
                target = targets[1]
            # a big ball at a low pile: on the floor, or on the table top it stands on
            bottom = round(max(target - r, base + 0.005), 3)
            flight = THROW_FROM / speed  # aimed so that gravity brings it to `target` there
            rise = round(max(target, r) - (bottom + r), 3) / flight + 0.5 * G * flight
            ball = ac.add(plan, _single(thrower), intent, (-THROW_FROM, 0.0, bottom),
                          f"thrown at {speed:g} m/s at the pile's "
                          f"{'lower part' if target == targets[0] else 'top'}",
                          velocity=[speed, 0, round(rise, 2)])
        else:
            ball = plan.unique("ball")
            plan.body("nothing named to knock it down: a steel ball thrown at its lower part",
                      name=ball, asset="ball", params={"radius": 0.05}, material="steel",
                      position=[-THROW_FROM, 0, round(max(target - 0.05, base + 0.005), 3)],
                      velocity=[6, 0, 1.2])
        pile = names[0].rsplit("_", 1)[0] + "_*" if len(names) > 1 else names[0]
        plan.check("the ball reaches the pile", contacts=ball, **{"with": pile}, before=1.0)
        plan.check("the top comes down", moves_less_than=names[-1], distance=min(0.2, h * 2),
                   **{"not": True})
        if base == 0.0:  # on a table it may land on the top or go over the edge
            plan.check("and lands", contacts=names[-1], **{"with": "ground"})
        if "topple" in intent.actions and upright:  # a can tips over; a book lands flat
            plan.check("the top one falls over", falls_over=names[-1], angle=45)
        plan.lead = ball
    else:
        plan.check("the pile stands", moves_less_than=names, distance=0.02)
    plan.duration = 3.0


def _roll_into(plan: Plan, intent: Intent, names: list[str], thrower: Mention) -> None:
    """The ball (or a cart, a crate) rolls along the floor into the pile's bottom row, as
    fast as a throw would be, up to a hard bowl; checked to knock pieces away where the
    prompt says so."""
    speed = min(MAX_ROLL, max(3.0, KNOCK_MOMENTUM / ac.mass_estimate(thrower, intent)))
    sphere = thrower.asset in SPHERES
    # a ball rolls without slipping; a cart rolls on wheels (a box that barely rubs stands
    # in); a thing slid rubs all the way, so it starts fast enough to arrive at 1 m/s
    wheeled = not sphere and "roll" in intent.actions
    friction = 0.0 if sphere else WHEELS if wheeled else \
        MATERIALS[ac.material_of(thrower)].friction
    speed = round(max(speed, math.sqrt(1.0 + 2 * friction * G * THROW_FROM)), 1)
    spin = {"angular_velocity": [0, round(math.degrees(speed / ac.radius_of(thrower, intent))),
                                 0]} if sphere else {"friction": WHEELS} if wheeled else {}
    depth = 0.0 if sphere else extent(thrower.asset, ac.params_for(thrower, intent))[0] / 2
    ball = ac.add(plan, _single(thrower), intent, (round(-THROW_FROM - depth, 3), 0.0, 0.0),
                  f"rolling at {speed:g} m/s toward the pile", velocity=[speed, 0, 0], **spin)
    pile = names[0].rsplit("_", 1)[0] + "_*" if len(names) > 1 else names[0]
    plan.check("the ball rolls into the pile", contacts=ball, **{"with": pile},
               before=round(THROW_FROM / speed + 0.5, 2))
    if intent.actions & {"topple", "knock", "hit", "shatter", "push"} or any(
            re.search(RESULTS[k][0], intent.text.lower()) for k in ("fly", "scatter")):
        plan.check("it knocks pieces of it away", moves_less_than=_struck_piece(plan, names),
                   distance=0.05, **{"not": True})
    plan.duration = 3.0
    plan.lead = ball
    # still, over its way in and the pile, from behind the mover and to the side: the pile's
    # face, spread across y, seen at an angle (from the side it is edge-on; from in front, a
    # cart rolling on through fills the frame; a camera following it lost the cans)
    top = max(plan.bodies[-1 - k].data["position"][2] for k in range(len(names) + 1))
    plan.camera = (fixed_view([(-THROW_FROM - 2 * depth, 0.0, 0.0), (0.3, 0.0, 0.0),
                               (0.0, 0.0, top + ac.height_of(thrower, intent))],
                              toward=(-0.8, -0.7, 0.5)),
                   "a still view from behind the mover and to the side: its way in and "
                   + "the pile's face")


def _struck_piece(plan: Plan, names: list[str]) -> str:
    """The piece of a pile a thing moving along x meets first: of its bottom row, the one
    nearest the middle."""
    where = {item.data["name"]: item.data["position"] for item in plan.bodies
             if item.data["name"] in names}
    return min(names, key=lambda n: (round(where[n][2], 3), abs(where[n][1])))


def _single(m: Mention, count: int = 1) -> Mention:
    """The same object without its liquid, `count` of it."""
    return Mention(m.noun, m.word, m.index, count, m.material, m.adjectives, m.color, None)


def brick_wall(plan: Plan, face: float, columns: int, rows: int) -> list[str]:
    """A dry-laid wall of bricks in running bond, its face across +x at `face`; its names."""
    brick = ASSETS["brick"].params
    names = []
    for row in range(rows):
        shift = brick["length"] / 2 if row % 2 else 0.0  # running bond
        for column in range(columns):
            y = (column - (columns - 1) / 2) * brick["length"] + shift
            names.append(f"brick_{row + 1}_{column + 1}")
            plan.body("a brick wall in running bond, dry-laid" if row == column == 0 else "",
                      name=names[-1], asset="brick", rotation=[0.0, 0.0, 90.0],
                      position=[round(face + brick["width"] / 2, 4), round(y, 4),
                                round(row * brick["height"], 4)])
    return names


def _wall_at_foot(plan: Plan, intent: Intent, face: float) -> str | None:
    """The wall the prompt names at the foot of a slope: of bricks when it says so."""
    kinds = {m.asset for m in intent.mentions}
    if "brick" in kinds:
        return brick_wall(plan, face, FOOT_WALL[0], FOOT_WALL[1])[0].rsplit("_", 2)[0] + "_*"
    if "wall" in kinds:
        plan.body("the wall it runs into, fixed", name="wall", asset="wall", static=True,
                  position=[round(face + 0.05, 4), 0.0, 0.0])  # 0.1 m thick along x
        return "wall"
    return None


def _tower_at_foot(plan: Plan, intent: Intent, m: Mention, pile: Mention,
                   face: float) -> list[str]:
    """'rolls down a ramp into a tower of 8 blocks': the stack stands at the foot, in the
    middle of the slope's path; its names, bottom first."""
    n = _pieces(pile)
    if pile.asset == "block" and not pile.noun.params and ac.mass_estimate(m, intent) < TOY_MASS:
        # a toy car cannot move a tower of 0.6 kg wooden blocks: a toy's are toy blocks
        pile = replace(pile, noun=replace(pile.noun, params=dict(TOY_BLOCK)))
    h, r = ac.stack_pitch(pile, intent), ac.radius_of(pile, intent)
    each = _single(pile, n)
    return [ac.add(plan, each, intent, (round(face + r, 4), 0.0, round(k * h, 4)),
                   "stacked at the foot of the ramp" if k == 0 else "", k) for k in range(n)]


def _pieces(m: Mention) -> int:
    """How many pieces a stack of `m` has: its count, or six where none is said."""
    return max(2, min(m.count if m.count > 1 else 6, 12))


def stacked_mention(intent: Intent, exclude: Mention | None = None) -> Mention | None:
    """What a prompt's stack or tower is made of: the most numerous thing named that is no
    ball (a ball knocks a pile down), None where it names no stack."""
    if intent.arrangement != "tower" and "stack" not in intent.actions:
        return None
    return _piece(intent, exclude, PILE_WORDS)


def pyramid_mention(intent: Intent) -> Mention | None:
    """What a prompt's pyramid is made of ('a pyramid of cans'), as `stacked_mention`."""
    return _piece(intent, None, {"pyramid", "pyramids"}) \
        if intent.arrangement == "triangle" else None


def _piece(intent: Intent, exclude: Mention | None, words: set[str] | frozenset[str]
           ) -> Mention | None:
    pieces = [c for c in intent.actors if c is not exclude and c.asset not in SPHERES]
    said = next((i for i, t in enumerate(intent.tokens) if t in words), None)
    after = [c for c in pieces if said is not None and c.index > said]
    # 'a tower of blocks', else 'a block tower', else the most numerous
    named = [c for c in pieces if said is not None and c.index == said - 1]
    return (after or named or [max(pieces, key=lambda c: c.count, default=None)])[0]


def _catcher_at_foot(plan: Plan, intent: Intent, m: Mention, face: float) -> str | None:
    """'rolls down a ramp into a cup': a cup, mug or glass lying on its side at the foot, its
    mouth to the slope; a bowl or box stands open there. 'knocks over a cup at the bottom':
    the cup stands upright there, free to fall."""
    knocked = _knocks_over(intent)
    inside = _foot_target(intent, m)
    if inside is None:
        return None
    h, r = ac.height_of(inside, intent), ac.radius_of(inside, intent)
    if knocked:
        return ac.add(plan, _single(inside), intent, (face + r, 0.0, 0.0),
                      "standing at the foot of the ramp")
    if inside.asset in LIE_DOWN:  # its bottom toward +x: the mouth faces the ramp
        position, rotation = (face + h, 0.0, r), [0.0, -90.0, 0.0]
    else:
        position, rotation = (face + r, 0.0, 0.0), [0.0, 0.0, 0.0]
    return ac.add(plan, _single(inside), intent, position,
                  "at the foot of the ramp, open toward it", rotation=rotation, static=True)


def _knocks_over(intent: Intent) -> bool:
    return bool(intent.actions & {"topple", "knock"})


def _foot_target(intent: Intent, m: Mention) -> Mention | None:
    """What stands at the ramp's foot for `m` to roll into or knock over."""
    knocked = _knocks_over(intent)
    return next((c for c in intent.mentions if c is not m and (c.asset in CATCHERS or (
        knocked and c.asset in UPRIGHT_TARGETS and not ac.brittle(c)))), None)


def _lanes(intent: Intent, m: Mention, count: int) -> float:
    """The pitch across the ramp of `count` things rolling side by side: apart, unless they
    are to knock over what stands at the foot, which they all reach when it is wider than
    they are (five marbles side by side at 5 cm missed a cup but the middle one, and one
    marble does not tip a cup)."""
    r = ac.radius_of(m, intent)
    pitch = min(RAMP_WIDTH / count, max(2.5 * r, 0.05))
    target = _foot_target(intent, m) if _knocks_over(intent) else None
    if target is None or m.asset not in SPHERES:
        return pitch
    return min(max(min(pitch, 1.6 * ac.radius_of(target, intent) / count), 2.05 * r),
               RAMP_WIDTH / count)  # on the ramp, whatever their size


def ramp(plan: Plan, intent: Intent, m: Mention) -> None:
    """Down a fixed ramp: spheres roll, anything else slides if friction allows; several
    side by side across it."""
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
              params={"length": length, "width": RAMP_WIDTH, "angle_deg": angle}, static=True)
    a = math.radians(angle)
    x = -0.6
    surface = (length / 2 - x) * math.tan(a)
    count = max(1, min(m.count, MAX_ON_RAMP))
    pitch = _lanes(intent, m, count)
    names = []
    for k, y in enumerate(spread(count, pitch)):
        if m.asset in SPHERES:
            r = ac.radius_of(m, intent)
            position = (x + r * math.sin(a), y, surface + r * math.cos(a) - r + 0.002)
            rotation = [0.0, 0.0, 0.0]
        else:
            position, rotation = (x, y, surface + 0.002), [0.0, angle, 0.0]
        names.append(ac.add(plan, _single(m, count), intent, position,
                            "resting on the slope" if k == 0 else "", k, rotation=rotation))
    _at_the_foot(plan, intent, m, names, length / 2 + WALL_GAP)
    plan.check("it travels down the slope", moves_less_than=names[0], distance=1.0,
               **{"not": True})
    plan.duration = 3.0
    plan.lead = names[0]


def _at_the_foot(plan: Plan, intent: Intent, m: Mention, names: list[str], face: float) -> None:
    """What waits at the ramp's foot (a wall, a cup, a tower), and the check that it is
    reached."""
    pile = stacked_mention(intent, exclude=m)
    tower = _tower_at_foot(plan, intent, m, pile, face) if pile is not None else []
    # what stands there is the tower, when the prompt stacks it: not a wall or a cup as well
    wall = None if tower else _wall_at_foot(plan, intent, face)
    catcher = None if tower else _catcher_at_foot(plan, intent, m, face)
    if tower:
        top = tower[-1]
        pile = top.rsplit("_", 1)[0] + "_*"
        plan.check("it runs into the tower at the foot", contacts=names[len(names) // 2],
                   **{"with": pile})
        if intent.actions & {"topple", "knock", "hit", "collide", "push", "shatter"}:
            plan.check("the top comes down", moves_less_than=top, distance=0.1,
                       **{"not": True})
        # the ramp dwarfs a tower of toy blocks: the camera stands on the tower, and what
        # comes down the slope runs into the frame
        plan.camera = ({"shots": [{"preset": "medium", "subject": tower}]},
                       "frames the tower at the foot of the ramp")
    elif catcher and intent.actions & {"topple", "knock"}:
        plan.check("the middle one reaches it", contacts=names[len(names) // 2],
                   **{"with": catcher})
        plan.check("and knocks it over", falls_over=catcher)
        # the whole ramp left a cup and five marbles specks: the camera stands on the cup
        plan.camera = ({"shots": [{"preset": "medium", "subject": [catcher]}]},
                       f"frames the {catcher} at the foot of the ramp, where it all arrives")
    elif catcher:
        # only the arrival is checked: a hard ball often bounces back out of a rigid cup
        plan.check("it rolls into the mouth", contacts=names[0], **{"with": catcher})
    elif wall:
        plan.check("it runs into the wall at the foot", contacts=names[0], **{"with": wall})
    else:
        plan.check("it gets down to the floor", contacts=names[0], **{"with": "ground"},
                   before=2.5)


def water(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """A body of water; each object floats or sinks by its mean density."""
    from planner.offline.lexicon import WATERS

    sx, sy, depth = WATERS.get(intent.water or "pool", WATERS["pool"])
    plan.water.append(_water_item(intent.water or "pool", sx, sy, depth))
    items = ac.instances(actors, 4)
    dropped = bool(intent.actions & {"fall", "throw"}) and "place" not in intent.actions
    xs = _side_by_side([ac.radius_of(m, intent) for m, _ in items],
                       min(sx / max(len(items), 1), 0.35), sx)
    for i, (m, k) in enumerate(items):
        h = ac.height_of(m, intent)
        z = depth + 0.4 if dropped else depth - 0.3 * h
        tossed = {"velocity": [0.0, 0.6, 0.5]} if "throw" in intent.actions else {}
        y = -0.3 if tossed else 0.0
        bottle = capped(m, intent)
        if bottle is not None:  # lying along y, its axis at the surface, as a bottle floats
            tossed.update(params=bottle.params, mass=bottle.mass, rotation=[90.0, 0.0, 0.0])
            y, z = y + h / 2, (depth + 0.4 if dropped else depth)
        name = ac.add(plan, bottle.mention if bottle else m, intent, (xs[i], y, round(z, 4)),
                      ("tossed in from the side" if "velocity" in tossed else
                       "dropped in from 40 cm" if dropped else "set gently on the surface")
                      + (f"; capped, {bottle.mass * 1e3:.0f} g, lying" if bottle else ""), k,
                      **tossed)
        rho = bottle.density if bottle else ac.mean_density(m, intent)
        if rho < 1000:
            plan.check(f"mean density {rho:.0f} kg/m3 < water: it floats", floats=name,
                       after=3.0)
        else:
            plan.check(f"mean density {rho:.0f} kg/m3 > water: it sinks", sinks=name,
                       before=3.0)
    plan.duration = 4.0
    plan.focus.append((0.0, 0.0, depth))


def _side_by_side(reaches: list[float], spacing: float, room: float) -> list[float]:
    """Centres along a line centred on 0, `spacing` apart, or further where two neighbours
    reach further than that (a toy boat beside a beach ball), with up to WATER_GAP between
    them where the `room` (the water's length) leaves it."""
    gap = max(0.0, min(WATER_GAP, (room - 2 * sum(reaches)) / (len(reaches) + 1)))
    xs = [0.0]
    for near, far in pairwise(reaches):
        xs.append(xs[-1] + max(spacing, near + far + gap))
    return [x - (xs[0] + xs[-1]) / 2 for x in xs]


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
