"""Choosing the scenario a prompt describes and letting it fill the plan."""
from __future__ import annotations

import re

from bridge.assets.registry import ASSETS
from bridge.errors import UserError
from planner.offline import (
    aiming,
    bumping,
    candles,
    catching,
    cracking,
    dunking,
    fabric,
    gusts,
    hinged,
    jumps,
    onto,
    pouring,
    roping,
    spring_doors,
    squeezing,
    stairs,
    swinging,
    trays,
    vehicles,
)
from planner.offline import arrangements as ar
from planner.offline import motion as mo
from planner.offline.layout import SPHERES, Plan
from planner.offline.lexicon import Noun
from planner.offline.motion_claims import says_it_stops
from planner.offline.parse import Intent, Mention
from planner.offline.refuse import candles_act
from planner.trace import Claim

# Scenes named by the thing itself, whatever else the prompt holds; first match wins.
ON_HINGES = (("swing", hinged.wants_swing, hinged.swing),
             ("seesaw", hinged.wants_seesaw, hinged.seesaw),
             ("lid", hinged.wants_lid, hinged.lid),
             ("saloon_doors", spring_doors.wanted, spring_doors.build),
             ("door_shut", spring_doors.wants_shut, spring_doors.shut_door),
             ("door", hinged.wants_door, hinged.door),
             ("wrecking_ball", swinging.wants_wrecking_ball, swinging.wrecking_ball),
             ("newtons_cradle", swinging.wants_cradle, swinging.cradle),
             ("pendulum", swinging.wants_pendulum, swinging.pendulum))
# scenes about a container and what it holds or carries, first match wins
WITH_CONTAINERS = (("crack", cracking.wanted, cracking.build),
                   ("tap", pouring.wants_tap, pouring.tap),
                   ("pour", pouring.wants_pour, pouring.pour),
                   ("dunk", dunking.wanted, dunking.build),
                   ("bump", bumping.wanted, bumping.build),
                   ("roll_into", catching.wanted, catching.build),
                   ("tray", trays.wanted, trays.build))
EXAMPLES = ("a glass falls off a table and shatters", "20 dominoes in a row topple",
            "a rubber ball bounces on concrete", "a wooden block floats in a pool")


def fill(plan: Plan, intent: Intent) -> str:
    """Pick the scenario and build it; return its name."""
    none = next((m for m in intent.mentions if m.count < 1), None)
    if none is not None:  # "0 balls fall": nothing to simulate, and no scenario expects it
        raise UserError(f"'{none.count} {none.word}': ask for at least one {none.word}")
    if not candles_act(intent.text):  # "a room lit by candles": scenery, not bodies
        intent.mentions = [m for m in intent.mentions if m.asset != "candle"]
    actors = intent.actors
    kinds = {m.asset for m in actors}
    if intent.water:
        ar.water(plan, intent, actors or [_default("block", intent)])
        return "water"
    if intent.zero_g:
        return _zero_g(plan, intent, actors)
    if candles.wanted(intent):
        candles.build(plan, intent)
        return "candles"
    if fabric.wanted(intent):
        return fabric.build(plan, intent)
    if gusts.wanted(intent):
        return gusts.build(plan, intent)
    if squeezing.wanted(intent):
        return squeezing.build(plan, intent)
    if "domino" in kinds:
        row = next(m for m in actors if m.asset == "domino")
        if swinging.wants_pendulum(intent):  # the pendulum knocks them down
            swinging.pendulum_into_dominoes(plan, intent, row)
            return "pendulum"
        ar.dominoes(plan, intent, row)
        return "dominoes"
    if _bowling(intent, kinds):
        ar.bowling(plan, intent)
        return "bowling"
    if _billiards(intent, kinds):
        ar.billiards(plan, intent)
        return "billiards"
    if jumps.wanted(intent):
        jumps.build(plan, intent)
        return "jump"
    driven = vehicles.wanted(intent)
    if driven and intent.actions & {"drive", "hit", "collide", "push", "roll"}:
        vehicles.crash(plan, intent, driven)
        return "vehicles"
    for name, wanted, build in ON_HINGES:
        if wanted(intent):
            build(plan, intent)
            return name
    if rope_scene(intent):
        return roping.build(plan, intent)
    if intent.arrangement == "tower" and not actors:
        actors = [_default("block", intent)]
    if not actors:  # 'a ceramic tile falls off the roof': a loose tile is what falls
        actors = [m for m in intent.surfaces if m.asset == "floor_tile"]
    if not actors and not intent.surfaces:
        raise UserError("no object found in the prompt: name something the engine can move "
                        "(e.g. " + "; ".join(EXAMPLES) + ")")
    return _free(plan, intent, actors or [_default("ball", intent)])


def rope_scene(intent: Intent) -> bool:
    """A slack rope is the prompt's subject: asked for, and no scenario before it in `fill`
    claims the prompt (a swing on chains, dominoes between pillars, a car and a rope)."""
    kinds = {m.asset for m in intent.actors}
    return roping.wanted(intent) is not None and not (
        intent.water or intent.zero_g or candles.wanted(intent) or fabric.wanted(intent)
        or squeezing.wanted(intent) or vehicles.wanted(intent) or "domino" in kinds
        or _bowling(intent, kinds) or _billiards(intent, kinds)
        or any(wanted(intent) for _, wanted, _ in ON_HINGES))


def _bowling(intent: Intent, kinds: set[str]) -> bool:
    # "bowling" alone is not enough: a bowling ball can simply be dropped.
    return "bowling_pin" in kinds or intent.has("strike", "bowling alley", "bowling lane",
                                                "spare", "ten pins", "ten-pin", "bowls a")


def _billiards(intent: Intent, kinds: set[str]) -> bool:
    return "billiard_ball" in kinds or intent.has("pool table", "billiard", "billiards",
                                                  "snooker")


def _free(plan: Plan, intent: Intent, actors: list[Mention]) -> str:
    acts, surfaces = intent.actions, {m.asset for m in intent.surfaces}
    if aiming.wants_hoop(actors):
        aiming.hoop_shot(plan, intent, actors)
        return "hoop_shot"
    if aiming.wants_goal(actors):
        aiming.goal_shot(plan, intent, actors)
        return "goal_shot"
    if stairs.wanted(intent, actors):
        stairs.build(plan, intent, actors)
        return "stairs"
    for name, wanted, build in WITH_CONTAINERS:
        if wanted(intent, actors):
            build(plan, intent, actors)
            return name
    stacked = intent.arrangement in ("tower", "triangle") or "stack" in acts
    furniture = next((s for s in ("shelf", "table") if s in surfaces), None)
    if stacked:
        pile = ar.stacked_mention(intent)
        movers = [m for m in actors if m is not pile]
        if "ramp" in surfaces and pile is not None and movers:  # rolls down into the tower
            ar.ramp(plan, intent, movers[0])
            return "ramp"
        stackable = [m for m in actors if m.asset not in SPHERES] or [_default("block", intent)]
        piled = pile or ar.pyramid_mention(intent)
        if piled is not None:  # 'a crate slides into a pyramid of cans': the cans are piled
            stackable.insert(0, piled)
        # what rolls or slides into the pile: a ball, else another thing named
        thrower = next((m for m in actors if m.asset in SPHERES), None) or next(
            (m for m in actors if m is not piled and acts & {"roll", "slide"}
             and "into" in intent.relations), None)
        # 'slides off the desk': shoved off; 'knocked over on the table' topples where it is
        if furniture and thrower is None and "off" in intent.relations:
            ar.stack_off(plan, intent, stackable[0], furniture)
            return "stack_off"
        if intent.arrangement == "triangle":
            ar.pyramid(plan, intent, stackable[0], thrower)
            return "pyramid"
        on_table = furniture == "table" and "off" not in intent.relations and \
            ON_TABLE.search(intent.text.lower()) is not None
        ar.tower(plan, intent, stackable[0], thrower, on_table=on_table)
        return "tower"
    if "ramp" in surfaces:
        ar.ramp(plan, intent, actors[0])
        return "ramp"
    if "pane" in {m.asset for m in actors} and len(actors) > 1 or _window_only(intent, actors):
        return _window(plan, intent, actors)
    struck = next((m for m in intent.surfaces if m.asset == furniture), None)
    if onto.wanted(intent, struck) and acts & {"fall", "throw", "shatter"}:
        onto.build(plan, intent, actors, struck)
        return "drop_onto"
    pair = onto.struck_object(intent, actors)
    if pair and acts & {"fall", "shatter"} and not furniture:
        onto.onto_object(plan, intent, *pair)
        return "drop_onto_object"
    target = _target(intent, surfaces)
    # "knocked off a table and shatters on the floor" falls off the table: the floor is
    # where it lands, not what something is thrown at
    falls_off = furniture is not None and "throw" not in acts and (
        "off" in intent.relations or bool(acts & {"knock", "fall", "push", "slide"}))
    # "dropped ... hits the ground", "falls to the floor and shatters": let go, not thrown
    dropped = target == "ground" and "fall" in acts and "throw" not in acts
    # 'thrown against the wall and bounces back': off the wall, not on the floor
    bounced_off = target == "wall" and "throw" in acts
    if acts & {"throw", "hit", "shatter"} and target and ("bounce" not in acts or bounced_off) \
            and not falls_off and not dropped:
        mo.throw(plan, intent, _thrown(plan, intent, actors), target)
        return "throw"
    # "falls off a shelf and bounces" falls off the shelf; "falls and bounces on the table"
    # bounces on it
    if "bounce" in acts and not (falls_off and intent.relations & {"off", "from"}):
        mo.bounce(plan, intent, actors)
        return "bounce"
    if furniture and "topple" in acts and "off" not in intent.relations and not acts & {
            "shatter", "slide", "fall"}:
        mo.topple(plan, intent, actors)  # "knocked over on the table": it tips where it stands
        return "topple"
    # "slides across the table and stops": it stays on the table
    if furniture == "table" and acts & {"slide", "push"} and "off" not in intent.relations \
            and not acts & {"fall", "shatter", "knock", "spill"} \
            and says_it_stops(intent.text.lower()):
        mo.slide(plan, intent, actors, on_table=True)
        return "slide"
    if furniture and ("off" in intent.relations or acts & {"knock", "fall", "push", "slide",
                                                           "shatter", "spill"}):
        if "spill" in acts and "fall" not in acts and "off" not in intent.relations:
            mo.topple(plan, intent, actors)
            return "spill"
        mo.fall_off(plan, intent, actors, furniture)
        return "fall_off"
    if "collide" in acts or "each other" in intent.relations or (
            len(actors) >= 2 and acts & {"hit", "throw"} and not dropped):
        mo.collide(plan, intent, actors, zero_g=False)
        return "collide"
    if "topple" in acts or "knock" in acts:
        mo.topple(plan, intent, actors)
        return "topple"
    if acts & {"fall", "shatter", "throw"}:
        mo.drop(plan, intent, actors)
        return "drop"
    if "roll" in acts:
        mo.roll(plan, intent, actors, on_table=furniture == "table")
        return "roll"
    if acts & {"slide", "push"}:
        mo.slide(plan, intent, actors, on_table=furniture == "table")
        return "slide"
    mo.rest(plan, intent, actors, on_table=furniture == "table")
    return "rest"


# 'a tower of blocks on the table' (not 'next to the table', not knocked 'off the table')
ON_TABLE = re.compile(r"\bon (?:top of )?(?:a|the) (?:\w+ )?(?:table|desk)\b")


def _target(intent: Intent, surfaces: set[str]) -> str | None:
    """What a thrown object is aimed at."""
    if "wall" in surfaces:
        return "wall"
    if "table" in surfaces and intent.relations & {"at", "onto", "toward", "against"}:
        return "table"
    if intent.has("ground", "floor", "surface", "pavement", "road", "rock surface") or \
            intent.ground_material:
        return "ground"
    return None


def _thrown(plan: Plan, intent: Intent, actors: list[Mention]) -> list[Mention]:
    """What is thrown: not the bricks a 'brick wall' is built of (the wall plays them),
    unless nothing else is named."""
    builds = [m for m in actors if m.asset == "brick" and intent.has(f"{m.word} wall")]
    thrown = [m for m in actors if m not in builds]
    if not thrown:
        return actors
    for m in builds:
        plan.claims.append(Claim(m.word, "object", "stood_in", "what the wall is built of: "
                                 "one fixed wall plays the brick wall"))
    return thrown


def _window_only(intent: Intent, actors: list[Mention]) -> bool:
    return [m.asset for m in actors] == ["pane"] and bool(intent.actions & {"throw", "hit",
                                                                            "shatter"})


def _window(plan: Plan, intent: Intent, actors: list[Mention]) -> str:
    """A ball thrown through a fixed, breakable window pane."""
    pane = next(m for m in actors if m.asset == "pane")
    thrown = next((m for m in actors if m.asset != "pane"), _default("baseball", intent))
    plan.body("the window, held in its frame until hit", name=pane.noun.label or "pane",
              asset="pane", params={"width": 0.8, "height": 0.6}, position=[0, 0, 0.8],
              static=True, breakable={"pieces": 20})
    speed = intent.speed or 30.0
    name = plan.unique(thrown.noun.label or thrown.asset)
    plan.body(f"thrown at {speed:g} m/s", name=name, asset=thrown.asset,
              position=[-3, 0, 1.06], velocity=[speed, 0, 0.5],
              **({"params": dict(thrown.noun.params)} if thrown.noun.params else {}))
    plan.check("the window shatters", shatters=plan.bodies[0].data["name"], before=0.5)
    plan.check("the ball carries on and lands", contacts=name, **{"with": "ground"})
    plan.duration = 1.5
    return "window"


def _zero_g(plan: Plan, intent: Intent, actors: list[Mention]) -> str:
    if intent.liquid and not any(m.liquid for m in actors):
        cup = actors[0] if actors and ASSETS[actors[0].asset].hollow else _default("cup", intent)
        cup.liquid = intent.liquid
        actors = [cup] + [m for m in actors if m is not cup]
    if not actors:
        actors = [_default("book", intent), _default("ball", intent)]
    if "collide" in intent.actions or "each other" in intent.relations:
        mo.collide(plan, intent, actors, zero_g=True)
        plan.gravity, plan.ground = (0.0, 0.0, 0.0), None
        return "zero_g_collide"
    ar.zero_gravity(plan, intent, actors)
    return "zero_g"


def _default(asset: str, intent: Intent) -> Mention:
    """An object the prompt implies but does not name."""
    return Mention(Noun(asset), asset.replace("_", " "), len(intent.tokens))
