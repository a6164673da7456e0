"""Scenarios of one or a few free objects: drop, fall off furniture, throw, bounce, roll,
slide, topple, collide and rest."""
from __future__ import annotations

import math
import re

from bridge.assets.registry import ASSETS
from bridge.liquids import LIQUID_KINDS
from bridge.materials import MATERIALS
from planner.offline import actors as ac
from planner.offline import race
from planner.offline.camera import fixed_view, fracture
from planner.offline.layout import SPHERES, Plan, params_of
from planner.offline.motion_claims import says_it_stops
from planner.offline.parse import Intent, Mention
from planner.trace import Claim

G = 9.81
DROP_HEIGHT = {"egg": 0.6, "bottle": 1.5, "vase": 1.5, "plate": 1.2, "wine_glass": 1.2}
THROW_SPEED = 8.0  # m/s: a hard overarm throw
TABLE_TOP = 0.76
# a container this tall keeps most of its liquid while it tips off an edge; a cup does not
TALL_ENOUGH = 0.09
# A full glass stands this far (metres) from the table's edge and is shoved for 0.6 s with
# this force per kilogram of glass and liquid: it leaves the edge at about 1 m/s. A harder,
# longer shove from further back threw it 1.6 m and its juice over 3 m of floor.
FULL_FROM_EDGE, FULL_SHOVE = 0.25, 6.0
BRANCH_THICK, BRANCH_REACH, BRANCH_CLEAR = 0.04, 0.8, 0.003  # m: a rod, its length past the
# outermost things hanging from it, and the gap above them
MAX_SHOT_S = 20.0  # a drop's shot is no longer: a feather from a tower lands later than that
MAX_DROPPED = 6  # per kind: each breakable body is pre-fractured, which takes time
# Several things dropped to break: the still view spans where they land, up to this height,
# and this much beyond (the whole fall in view left 3 eggs' breaks at 0.02% of the frame)
LANDING_VIEW_HEIGHT, LANDING_VIEW_MARGIN = 0.25, 0.15
# round in section: rolled, they lie on their side (a pencil, a log, a can); upright they
# would slide and topple
ROD_ROLLERS = frozenset({"cylinder", "can"})
# a cup's or a mug's handle sticks out along +x: tipped toward +x, it lands on its handle at
# about 28 degrees and rocks back (a full cup of coffee failed five rounds of harder nudges).
# Turned a quarter round, the handle is clear of both edges: turned half round, its weight
# lay on the far side and a full mug of coffee needed a second, harder nudge
HANDLED = frozenset({"cup", "mug"})
# a knock or a kick that tips a thing over: a push at its top for a tenth of a second, this
# many times the force that just tips it with what it holds. Set as a velocity, the knock
# moved the container alone: a full paint can somersaulted out from under its paint and
# landed upright, and a wine glass broke on the table at the jolt
PUSH, PUSH_S = 2.25, 0.1
# 'spills across the garage floor', 'tips over onto the rug': it stands on that floor
ON_THE_FLOOR = re.compile(r"\b(?:on|onto|across|over|to) (?:the |a |an )?(?:\w+ )?"
                          r"(?:floor|ground|pavement|sidewalk|carpet|rug|tiles|driveway)\b")
CHAIR_SHOVE = 4.0  # N s at the top of a 6.5 kg chair's back: enough to carry it over its legs


def spread(count: int, spacing: float) -> list[float]:
    """Positions along a line, centred on 0."""
    return [(k - (count - 1) / 2) * spacing for k in range(count)]


def lying(m: Mention) -> list[float]:
    """Eggs and bottles fly and land on their side, as thrown ones do."""
    return [90.0, 0.0, 0.0] if m.asset in ("egg", "bottle") else [0.0, 0.0, 0.0]


def breaks(m: Mention) -> bool:
    """Brittle things (but not balls, which bounce) shatter on impact."""
    return ac.brittle(m) and m.asset not in SPHERES


def expect_impact(plan: Plan, m: Mention, name: str, on: str, by: float) -> None:
    """Brittle things shatter on impact; others just land."""
    if breaks(m):
        plan.check(f"the {m.word} ({ac.material_of(m)}) breaks on that impact",
                   shatters=name, before=round(by, 2))
    else:
        plan.check(f"it reaches the {on}", contacts=name, **{"with": on}, before=round(by, 2))


def frame_the_break(plan: Plan, body: str, why: str, preset: str = "medium",
                    smoothing: float = 0.02, falls: bool = True) -> None:
    """A camera that frames `body` at the size of its break, and a check that the break is
    on screen (the plan's own camera's promise: camera words in the prompt replace both).

    One that falls is followed, so its shards are big and central when it breaks: a fixed
    view of the whole fall left a dropped wine glass's break at 0.2% of the frame, a followed
    medium shot at 5.9%. A free fall needs no smoothing, and smoothing rounds the sudden stop
    at the floor: an egg dropped 2 m, followed with 0.1 s, broke below the frame. One that
    stands where it breaks gets a still shot (an egg under a dropped bowling ball: 0.06% of
    the fixed view, 2.5% of a medium shot)."""
    event = fracture(body)
    move = {"move": {"track": {"body": body, "smoothing": smoothing}}} if falls else {}
    plan.camera = ({"shots": [{"preset": preset, **move, "subject": event}]}, why)
    plan.camera_check("the break is on screen: central, its shards and liquid cover 2% of "
                      "the frame (checked on render)", on_screen=event)


def drop(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """Objects released side by side from a height onto the ground."""
    for m in actors:
        if m.count > MAX_DROPPED:
            plan.notes.append(f"{m.count} {m.word} asked for; {MAX_DROPPED} are dropped to keep "
                              "the shot (and its fracture precomputation) small")
    items = [(m, k) for m in actors for k in range(min(m.count, MAX_DROPPED))]
    breaking: list[tuple[str, float]] = []  # name, where it is let go along x
    landed: list[tuple[str, float, float]] = []  # name, landing time, terminal speed
    gap = max(0.3, *(2.5 * ac.radius_of(m, intent) for m, _ in items))
    places = spread(len(items), gap)
    heights = [intent.height or DROP_HEIGHT.get(m.asset, 1.0) for m, _ in items]
    together = race.wanted(intent, len(items))
    if together:  # let go side by side from one height
        heights = [max(heights)] * len(items)
    branch = "branch" in intent.tokens or "branches" in intent.tokens
    if branch:  # all hang upright under one rod, as high as the highest would be let go
        rod = max(h + ac.height_of(m, intent) for (m, _), h in zip(items, heights)) + \
            BRANCH_CLEAR
        heights = [rod - BRANCH_CLEAR - ac.height_of(m, intent) for m, _ in items]
        _branch(plan, intent, rod, max(places) - min(places))
    speeds = {id(m): race.terminal(m, intent, plan) for m in actors}  # one hull per kind
    landings = [race.landing(plan, h, speeds[id(m)]) for (m, _), h in zip(items, heights)]
    # a feather let go from 2 m lands after 2.5 s, an egg dropped 8 m on the Moon after 3.1:
    # the shot runs a second past the last landing
    plan.duration = min(max(plan.duration, math.ceil(10 * (max(landings) + 1.0)) / 10),
                        MAX_SHOT_S)
    for (m, k), x, height, lands in zip(items, places, heights, landings, strict=True):
        name = ac.add(plan, m, intent, (x, 0.0, round(height, 4)),
                      f"hanging under the branch, {height:.2f} m up" if branch else
                      f"released from {height:g} m", k,
                      rotation=[0.0, 0.0, 0.0] if branch else lying(m))
        expect_impact(plan, m, name, "ground", min(lands + 1.0, plan.duration))
        if breaks(m):
            breaking.append((name, x))
        else:
            landed.append((name, lands, speeds[id(m)]))
    if together and len(landed) >= 2:
        race.check_order(plan, landed)
    plan.focus.append((0.0, 0.0, 0.0))
    if len(breaking) == 1:
        name = breaking[0][0]
        if len(items) == 1:  # camera words ('in slow motion') frame it too
            plan.lead = name
        frame_the_break(plan, name, f"follows the {name} down and frames it where it breaks")
    elif breaking:  # a shot close enough for one break leaves the others out
        spots = [(x, 0.0, z) for _, x in breaking for z in (0.0, LANDING_VIEW_HEIGHT)]
        view = fixed_view(spots, margin=LANDING_VIEW_MARGIN, least=LANDING_VIEW_MARGIN,
                          lift=0.0)
        plan.camera = (view, "a still view of the floor where they land and break")


def _branch(plan: Plan, intent: Intent, bottom: float, span: float) -> None:
    """What falls 'from a (tree) branch' hangs under one: a fixed wooden rod whose underside
    is at `bottom`, just clear of what hangs from it, so that it drops as it is let go."""
    plan.body("a fixed wooden rod stands in for the branch, just above what hangs from it",
              name="branch", asset="box", material="wood", static=True,
              params={"length": round(span + BRANCH_REACH, 3), "width": BRANCH_THICK,
                      "height": BRANCH_THICK},
              position=[0.0, 0.0, round(bottom, 4)])
    word = "tree branch" if "tree" in intent.tokens else "branch"
    plan.claims.append(Claim(word, "object", "stood_in", "not in the asset library; a fixed "
                             "wooden rod just above what falls plays it"))


def fall_off(plan: Plan, intent: Intent, actors: list[Mention], furniture: str) -> None:
    """Knocked or pushed off a table or shelf edge: a short shove toward the edge."""
    shelf = furniture == "shelf"
    top = 1.8 if shelf else TABLE_TOP
    full = any(ac.holds_liquid(m) for m in actors)
    width = 2.0 if full else 1.2
    # a pedestal is a table that the trace names for it
    stood = next((m.noun.label for m in intent.surfaces
                  if m.asset == furniture and m.noun.stand_in), None)
    plan.body(f"the {stood or furniture}, fixed", name=stood or furniture, asset=furniture,
              static=True,
              **({"params": {"width": width}} if full and not shelf else {}))
    items = ac.instances(actors, 4)
    breaking: list[str] = []
    for i, (m, k) in enumerate(items):
        offset = spread(len(items), 0.2)[i]
        position = (offset, 0.0, top) if shelf else (
            (width / 2 - FULL_FROM_EDGE, offset, top) if full else (width / 2 - 0.12, offset, top))
        name = ac.add(plan, m, intent, position, f"standing on the {furniture}", k)
        direction = (0.0, -1.0, 0.0) if shelf else (1.0, 0.0, 0.0)
        liquid = ac.liquid_in(plan, name)
        if liquid:  # toward the edge: a shelf's is at -y (pushed along +x, it never fell)
            # per kilogram of it and its drink (a glass's is about 0.2 kg; a bucket's 0.4)
            drink = max(_drink_mass(plan, name), 0.2)
            force = round(FULL_SHOVE * (ac.mass_estimate(m, intent) + drink), 2)
            plan.event("a gentle, steady shove: the liquid rides along instead of sloshing "
                       "out, and the glass tips off the edge slowly, as a knock sends it",
                       at=0.3, force={"body": name, "force": [force * d for d in direction],
                                      "duration": 0.6})
            if not breaks(m):  # a plastic bucket tumbles and lands whole: where its water
                # goes is the prompt's to say
                if "spill" in intent.actions:
                    plan.check("it spills as it tumbles and lands", liquid_stays_in=liquid,
                               container=name, **{"not": True})
                elif "spill" in intent.negated:  # 'no juice comes out' of a sippy cup
                    plan.check("none of it comes out as it tumbles and lands",
                               liquid_stays_in=liquid, container=name, fraction=1.0)
            elif ac.height_of(m, intent) < TALL_ENOUGH:
                plan.check("a short cup tumbling off the edge throws its liquid out on the "
                           "way down", liquid_stays_in=liquid, container=name,
                           fraction=0.7, **{"not": True})
            else:
                plan.check("most of the liquid rides the fall and spills when the glass "
                           "breaks (a tumbling glass loses a little on the way)",
                           liquid_stays_in=liquid, container=name, until_fracture=True,
                           fraction=0.7)
            if intent.has("puddle", "pool of", "spreads"):
                plan.check("spilled on the floor, it spreads into a puddle (a spatter of "
                           "drops lands around it)", puddle=liquid, max_radius=0.8)
        else:
            speed = intent.speed or 1.5
            plan.event(f"a shove giving it {speed:g} m/s toward the edge", at=0.3,
                       set_velocity={"body": name, "linear": [speed * d for d in direction]})
        expect_impact(plan, m, name, "ground", 2.2 if full else 1.8)
        if breaks(m):
            breaking.append(name)
        if "topple" in intent.actions:  # 'topples off its plinth': lands on its side, or
            # strikes the floor so if it breaks there
            plan.check("it goes over as it falls off", falls_over=name, angle=60)
        if "bounce" in intent.actions and not breaks(m):
            _bounces_after(plan, intent, m, name, top, 3.0 if full else 2.5)
    plan.duration = 3.0 if full else 2.5
    plan.focus.append((1.2, 0.0, 0.0) if not shelf else (0.0, -0.6, 0.0))
    # Where it lands is known only once simulated, so the camera follows the object there;
    # one that breaks is framed by its break (its shards and liquid fill the frame there).
    plan.lead = plan.followed()
    if breaking:
        # wide: the liquid spreads past the shards; a 0.1 s spring rides out the tumble off
        # the edge
        frame_the_break(plan, breaking[0], f"follows the {breaking[0]} off the {furniture} "
                        "and frames it where it breaks", preset="wide", smoothing=0.1)
    else:
        move = {"track": {"body": plan.lead, "smoothing": 0.3}}
        plan.camera = ({"shots": [{"preset": "wide", "subject": plan.lead, "move": move}]},
                       f"follows the {plan.lead} off the {furniture} to where it lands")


def throw(plan: Plan, intent: Intent, actors: list[Mention], target: str) -> None:
    """Thrown hard at a wall, a table or the ground."""
    speed = intent.speed or (THROW_SPEED * 1.25 if intent.has("great", "significant", "hard",
                                                              "forcefully") else THROW_SPEED)
    aim, angle = _target(plan, intent, target)
    items = ac.instances(actors, 3)
    for i, (m, k) in enumerate(items):
        lateral = spread(len(items), 0.4)[i]
        start_distance = 1.6
        a = math.radians(angle)
        start = (aim[0] - start_distance * math.cos(a), lateral,
                 aim[2] + start_distance * math.sin(a) - ac.height_of(m, intent) / 2)
        velocity = [round(speed * math.cos(a), 3), 0.0, round(-speed * math.sin(a), 3)]
        name = ac.add(plan, m, intent, start, f"thrown at {speed:g} m/s toward the {target}", k,
                      rotation=lying(m), velocity=velocity)
        expect_impact(plan, m, name, target, 1.0)
        if "bounce" in intent.actions and not breaks(m):  # 'and bounces back'
            plan.check(f"it bounces off the {target}", bounces=name, at_least=1, on=target)
        plan.lead = plan.lead or name
    plan.focus.append(aim)
    plan.duration = 2.0
    breaking = [m for m, _ in items if breaks(m)]
    # one thrown at a wall or a table is followed to where it breaks; not one thrown at the
    # ground, whose pieces race on along it (a thrown egg's left its break outside the
    # central 80% of a followed shot)
    if len(items) == 1 and breaking and target != "ground":
        frame_the_break(plan, plan.lead, f"follows the {breaking[0].word} and frames it where "
                        f"it breaks on the {target}")


def _target(plan: Plan, intent: Intent, target: str) -> tuple[tuple[float, float, float], float]:
    """Place the target; return the aim point and the descent angle in degrees."""
    material = intent.ground_material
    if target == "wall":
        plan.body("the wall, fixed", name="wall", asset="wall", position=[0.8, 0, 0],
                  static=True, **({"material": material} if material else {}),
                  params={"height": 1.5})
        return (0.75, 0.0, 1.0), 10.0
    if target == "table":
        plan.body("the table, fixed", name="table", asset="table", static=True)
        return (0.0, 0.0, TABLE_TOP), 50.0
    if material:
        plan.ground = {"material": material}
    return (0.0, 0.0, 0.0), 60.0


def bounce(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """Balls dropped or thrown down bounce, each rebound lower by the restitution: on the
    ground, or on a table the prompt names ('bounces on a table')."""
    ground = intent.ground_material or "stone"
    plan.ground = {"material": ground}
    height = intent.height or 1.2
    down = (intent.speed or 5.0) if "throw" in intent.actions else 0.0
    plan.duration = intent.duration or 3.0
    on, floor, surface = "ground", 0.0, ground
    if any(s.asset == "table" for s in intent.surfaces):
        plan.body("the table it bounces on, fixed", name="table", asset="table", static=True)
        on, floor, surface = "table", TABLE_TOP, ASSETS["table"].material
    plan.focus.append((0.0, 0.0, floor))
    breaking = [m for m in actors if "shatter" in intent.actions and breaks(m)]
    balls = [m for m in actors if m.asset in SPHERES] or actors
    balls += [m for m in breaking if m not in balls]
    xs = spread(sum(min(m.count, 6) for m in balls), 0.45 if on == "ground" else 0.18)
    k = 0
    for m in balls:
        for j in range(min(m.count, 6)):
            name = ac.add(plan, m, intent, (xs[k], 0.0, floor + height),
                          f"{f'thrown down at {down:g} m/s' if down else 'dropped'} from "
                          f"{height:g} m above the {on}", j,
                          **({"velocity": [0.0, 0.0, -down]} if down else {}))
            k += 1
            if m in breaking:  # 'the glass shatters and the ball bounces'
                plan.check(f"the {m.word} ({ac.material_of(m)}) breaks where the others bounce",
                           shatters=name, before=round(math.sqrt(2 * height / G) + 0.5, 2))
                continue
            e = ac.restitution(m, surface)
            expected = predicted_bounces(height, down, e, plan.duration, -plan.gravity[2])
            # a ball shows a few clear bounces; a cup or a glass that tumbles, one
            wanted = min(intent.times or (3 if m.asset in SPHERES else 1), expected)
            if expected < 1:
                plan.check("it lands", contacts=name, **{"with": on})
                continue
            _expect_bounces(plan, intent, name, e, expected, wanted, on,
                            f"restitution {e:.2f} on {surface}: about {expected} visible "
                            "bounces", plan.duration)


def predicted_bounces(height: float, down: float, e: float, duration: float,
                      g: float = G) -> int:
    """Bounces that change the speed clearly and happen within the shot, in gravity `g`."""
    v = math.sqrt(down ** 2 + 2 * g * height)
    t = (v - down) / g
    count = 0
    while t < duration - 0.1 and v * e > 0.5:
        v *= e
        t += 2 * v / g
        count += 1
    return count


def roll(plan: Plan, intent: Intent, actors: list[Mention], on_table: bool) -> None:
    """Rolled along the floor or a table top (and off its edge)."""
    base = 0.0
    if on_table:
        plan.body("the table, fixed", name="table", asset="table", static=True)
        base = TABLE_TOP
    speed = intent.speed or (1.5 if on_table else 2.0)
    items = ac.instances(actors, 4)
    for i, (m, k) in enumerate(items):
        r = ac.radius_of(m, intent)
        y = spread(len(items), 0.3)[i]
        rolls = m.asset in SPHERES or m.asset in ROD_ROLLERS
        spin = [0.0, round(math.degrees(speed / r), 1), 0.0] if rolls else [0, 0, 0]
        start = (-0.3 if on_table else -1.0, y, base)
        lain = {}
        if m.asset in ROD_ROLLERS:  # its axis across the way it rolls, centred on its lane
            start = (start[0], y + ac.height_of(m, intent) / 2, base + r)
            lain = {"rotation": [90.0, 0.0, 0.0]}
        name = ac.add(plan, m, intent, start, f"rolling at {speed:g} m/s"
                      + (" on its side" if lain else ""), k, velocity=[speed, 0, 0],
                      angular_velocity=spin, **lain)
        if on_table:
            expect_impact(plan, m, name, "ground", 2.0)
        else:
            plan.check("it rolls away from where it started", moves_less_than=name,
                       distance=0.5, **{"not": True})
        plan.lead = plan.lead or name
    plan.duration = 2.5


def slide(plan: Plan, intent: Intent, actors: list[Mention], on_table: bool) -> None:
    """Shoved across the floor or a table; checked to stop where friction stops it within
    the shot, or where the prompt says it stops (shoved gently enough to)."""
    base = TABLE_TOP if on_table else 0.0
    if on_table:
        plan.body("the table, fixed", name="table", asset="table", params={"width": 2.0},
                  static=True)
    surface = "wood" if on_table else intent.ground_material or plan.ground["material"]
    stops = says_it_stops(intent.text.lower())
    items = ac.instances(actors, 4)
    still_by = 0.0  # s after the shove the last body checked at rest is still
    reach = 0.3  # m the farthest slides, as friction has it
    for i, (m, k) in enumerate(items):
        y = spread(len(items), 0.35)[i]
        # Bullet's friction between two bodies is the product of theirs
        decel = G * MATERIALS[ac.material_of(m)].friction * MATERIALS[surface].friction
        speed = intent.speed or (min(SLIDE_SPEED, decel * SLIDE_STOP) if stops
                                 else SLIDE_SPEED)
        full = ac.holds_liquid(m)
        if full:  # it must carry its drink: a steady push, as in fall_off
            speed = min(speed, FULL_SLIDE)
        name = ac.add(plan, m, intent, (-0.7, y, base), f"{'pushed' if full else 'shoved'} "
                      f"to {speed:g} m/s", k)
        if full:
            carried = ac.mass_estimate(m, intent) + _drink_mass(plan, name)
            push = round(carried * (speed / SHOVE_TIME + decel), 2)
            plan.event(f"a steady push: {speed:g} m/s in {SHOVE_TIME:g} s, the drink carried "
                       "along", at=0.2, force={"body": name, "force": [push, 0.0, 0.0],
                                               "duration": SHOVE_TIME})
        else:
            plan.event("the shove", at=0.2, set_velocity={"body": name,
                                                          "linear": [speed, 0, 0]})
        plan.check("it slides", moves_less_than=name, distance=0.15, **{"not": True})
        slid = speed ** 2 / (2 * decel) if stops or speed / decel <= SLIDE_STOP else \
            speed * (MAX_SLIDE_SHOT - 0.2)
        reach = max(reach, min(slid, MAX_SLIDE_VIEW))
        if stops or speed / decel <= SLIDE_STOP:  # on ice it would slide on out of the shot
            plan.check("friction stops it", comes_to_rest=name)
            # its slide, and a full one's push and its drink rocking it after
            still_by = max(still_by, speed / decel + (SHOVE_TIME + SETTLE if full else 0.0))
    plan.duration = round(min(max(3.0, 0.2 + still_by + 1.0), MAX_SLIDE_SHOT), 1)
    # the whole way it slides: a view of its start alone was empty after a second (a curling
    # stone), and a view that follows it on bare ice shows no motion
    plan.camera = (fixed_view([(-0.7, 0.0, base), (-0.7 + reach, 0.0, base)]),
                   f"a still view over the {reach:.1f} m it slides")


SLIDE_SPEED, SLIDE_STOP = 1.5, 2.5  # m/s a shove gives; s within which friction stops it
# a full cup set moving at once left its drink behind, which held it to 7 cm: it is pushed
# to this many m/s over SHOVE_TIME seconds instead
FULL_SLIDE, SHOVE_TIME = 0.8, 0.6
SETTLE = 2.0  # s a drink takes to stop rocking its cup once the cup has stopped
MAX_SLIDE_SHOT, MAX_SLIDE_VIEW = 7.0, 4.0  # s; m of its way a still view holds


def topple(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """Upright objects tipped over by a nudge near the top (spilling what they hold)."""
    if any(m.asset == "chair" for m in actors):
        _chair_tips(plan, intent, next(m for m in actors if m.asset == "chair"))
        return
    # on the floor the prompt names ('tips over and spills across the garage floor'), else
    # on a table
    floor = ON_THE_FLOOR.search(intent.text.lower()) is not None and not intent.surfaces
    if not floor:
        plan.body("the table, fixed", name="table", asset="table", static=True)
    items = ac.instances(actors, 4)
    for i, (m, k) in enumerate(items):
        x = spread(len(items), 0.3)[i]
        turned = {"rotation": [0.0, 0.0, 90.0]} if m.asset in HANDLED else {}
        name = ac.add(plan, m, intent, (x, 0.0, 0.0 if floor else TABLE_TOP),
                      f"standing upright on the {'floor' if floor else 'table'}"
                      + (", its handle to the side, clear of the nudge" if turned else ""), k, **turned)
        liquid = ac.liquid_in(plan, name)
        _push_over(plan, intent, m, name, _drink_mass(plan, name))
        plan.check("it tips over", falls_over=name, angle=60)
        if liquid and "spill" in intent.actions:
            plan.check("the liquid spills out", liquid_stays_in=liquid, container=name,
                       **{"not": True})
    plan.duration = 2.5


def _push_over(plan: Plan, intent: Intent, m: Mention, name: str, held: float) -> None:
    """A hand's (or a foot's) push at the top toward +x, held a moment: PUSH times the force
    whose turn about the far bottom edge lifts the thing and the drink it holds."""
    h, r = ac.height_of(m, intent), ac.radius_of(m, intent)
    body = next(item.data for item in plan.bodies if item.data["name"] == name)
    tips = (ac.body_mass(body) + held) * G * r / h
    who = "kick" if any(t.startswith("kick") for t in intent.tokens) else "push"
    plan.event(f"the {who}: {PUSH * tips:.2f} N at the top toward +x for {PUSH_S:g} s, {PUSH:g} "
               "times what would tip it" + (" with its drink" if held else "") + " about its "
               "widest radius", at=0.3,
               force={"body": name, "force": [round(PUSH * tips, 3), 0, 0], "duration": PUSH_S,
                      "point": [0.0, 0.0, round(h, 4)]})


def _bounces_after(plan: Plan, intent: Intent, m: Mention, name: str, height: float,
                   duration: float) -> None:
    """The bounces on the floor a thing that falls from `height` is checked for: those
    asked for, no more than its restitution gives in the shot."""
    e = ac.restitution(m, intent.ground_material or "stone")
    expected = predicted_bounces(height, 0.0, e, duration)
    wanted = min(intent.times or 1, expected)
    _expect_bounces(plan, intent, name, e, expected, wanted, "ground",
                    f"it bounces on the floor it lands on (restitution {e:.2f}: about "
                    f"{expected})", duration)


def _expect_bounces(plan: Plan, intent: Intent, name: str, e: float, expected: int,
                    wanted: int, on: str, why: str, duration: float) -> None:
    """Says where more bounces were asked for than restitution `e` gives (`expected` in the
    shot), and checks `wanted` of them on `on` (none where `wanted` is 0)."""
    if intent.times and intent.times > expected:
        plan.notes.append(f"{name}: asked for {intent.times} bounces, restitution {e:.2f} "
                          f"gives about {expected} in {duration:g} s")
    if wanted >= 1:
        plan.check(why, bounces=name, at_least=wanted, on=on)


def _drink_mass(plan: Plan, container: str) -> float:
    """kg of the liquid in `container` (0 for none)."""
    item = ac.liquid_item(plan, container)
    if item is None:
        return 0.0
    return LIQUID_KINDS[item.data["liquid"]].density * item.data["volume_ml"] * 1e-6


def _chair_tips(plan: Plan, intent: Intent, m: Mention) -> None:
    """A chair on the floor, shoved backward at the top of its back: it tips over its back
    legs."""
    name = ac.add(plan, m, intent, (0.0, 0.0, 0.0), "standing on the floor, facing -x")
    top = params_of("chair", {})["height"] - 0.03
    plan.event("a shove at the top of its back, backward", at=0.3,
               push={"body": name, "impulse": [CHAIR_SHOVE, 0.0, 0.0],
                     "point": [0.2, 0.0, round(top, 3)]})
    plan.check("it tips over backward and stays down", falls_over=name, angle=60)
    plan.focus.extend([(0.0, 0.0, top), (top + 0.2, 0.0, 0.0)])  # standing, and fallen
    plan.duration = 2.5


def collide(plan: Plan, intent: Intent, actors: list[Mention], zero_g: bool) -> None:
    """Two objects sent at each other."""
    pair = _two(actors)
    speed = intent.speed or 2.0
    z = 1.0 if zero_g else 0.0
    names = []
    for sign, m in zip((-1, 1), pair, strict=True):
        names.append(ac.add(plan, m, intent, (sign * 0.8, 0.0, z), f"moving at {speed:g} m/s",
                            velocity=[-sign * speed, 0, 0]))
    plan.check("they meet", contacts=names[0], **{"with": names[1]}, before=1.0)
    plan.duration = 2.5


def _two(actors: list[Mention]) -> list[Mention]:
    """The first two objects, or two of the first when only one kind is named."""
    if len(actors) >= 2:
        return actors[:2]
    one = actors[0]
    one.count = 1
    return [one, one]


def rest(plan: Plan, intent: Intent, actors: list[Mention], on_table: bool) -> None:
    """Nothing happens: the objects stand still where they are put."""
    base = TABLE_TOP if on_table else 0.0
    if on_table:
        plan.body("the table, fixed", name="table", asset="table", static=True)
    items = ac.instances(actors, 6)
    for i, (m, k) in enumerate(items):
        x = spread(len(items), 0.25)[i]
        name = ac.add(plan, m, intent, (x, 0.0, base), "at rest", k)
        plan.check("it stays put", moves_less_than=name, distance=0.02)
    plan.notes.append("no motion was asked for: the objects stand still")
    plan.duration = 2.0
