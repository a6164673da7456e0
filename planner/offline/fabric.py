"""Cloth: a flag in the wind on its pole, a curtain in a breeze, a towel (a sheet, a blanket)
dropped over a table, a box, a ball, a bucket or a chair, or sliding off a drying rack onto
one, and the tablecloth pulled from under the dishes.

The tablecloth is pulled by its edge at the speed the prompt implies: snatched (5 m/s, the
trick: the dishes stay), slowly (0.3 m/s: the cloth carries them off), or yanked (2 m/s)
where the dishes are said to fly off: friction flings those near the pulled edge off the
table. The person pulling is not a body: the pull is the edge's motion. The checks follow
the speed, and what the prompt says happens to the dishes decides the speed where it names
none.
"""
from __future__ import annotations

import re

from bridge.assets.registry import default_material
from bridge.materials import MATERIALS
from planner.offline import actors as ac
from planner.offline import laundry
from planner.offline.layout import Item, Plan, extent
from planner.offline.lexicon import TABLEWARE
from planner.offline.parse import Intent, Mention
from planner.offline.refuse import AIR_WORDS, CURTAIN_WORDS, DROPPED_CLOTH_WORDS, PULL_WORDS
from planner.offline.windows import names_window, open_window, opened_claims
from planner.trace import Claim

FLAG = re.compile(r"\b(flags?|banners?|pennants?)\b")
FLAG_AIR = re.compile(rf"\b({AIR_WORDS}|flap\w*|flutter\w*|wav\w*|fl(?:y|ies|ying))\b")
TABLECLOTH = re.compile(r"\b(table ?cloths?)\b")
PULL = re.compile(rf"\b({PULL_WORDS})\b")
# the pull in the prompt's words: 'yanks the tablecloth out', 'a tablecloth is pulled off'
PULLED = re.compile(rf"\b(?:(?:{PULL_WORDS})\s+(?:\w+\s+){{0,2}}?table ?cloths?|table ?cloths? "
                    rf"(?:is|was|gets|got) (?:\w+ly )?(?:{PULL_WORDS}))(?:\s+(?:out|off|away))?")
SLOW = re.compile(r"\b(slow\w*|gentl\w*|careful\w*|gradual\w*)\b")
DISHES_FALL = re.compile(r"\b(fall\w*|fell|crash\w*|dragg?\w*|slid\w* off|tumbl\w*|"
                         r"come off|off the table)\b")
# dishes that fly off, said of them ('the bowls on it fly off'), not of the cloth ('the
# tablecloth flies off, leaving the plates')
DISHES_FLY = re.compile(r"\b(dish\w*|plates?|bowls?|cups?|mugs?|glass\w*|tumblers?|vases?|"
                        r"bottles?|cans?|crockery|tableware)\b(?:(?!cloth)[^,;.])*?"
                        r"\bfl(?:y|ies|ew|ying) off\b")
FLEW = re.compile(r"\bfl(?:y|ies|ew|ying) off\b")
DISHES_STAY = re.compile(r"\b(stay\w*|remain\w*|left (standing|behind|in place)|"
                         r"(do|does|did)(n't| not) (move|fall|budge))\b")
CURTAIN = re.compile(rf"\b({CURTAIN_WORDS})\b")
DRAPED = re.compile(rf"\b({DROPPED_CLOTH_WORDS}|cloths?|silk|fabric|tablecloths?)\b")
# the cloth is the subject: named, then falling or thrown, then over or onto what it covers
DROPPED = re.compile(rf"{DRAPED.pattern}.*?\b(drap\w*|fall\w*|fell|drop\w*|thrown|throw\w*|"
                     r"toss\w*|lands?|landing|settl\w*)\b.*?\b(over|onto|on|across|upon)\b")
FOLDED = re.compile(r"\bfold\w*")  # a folded towel is layers the engine cannot fold
HARD_SHEET = re.compile(r"\b(paper|metal|steel|iron|glass|plastic|tin|alumini?um|wood\w*|"
                        r"plywood|card\w*|ice|rubber) sheets?\b|\bsheets? of\b")
# what a dropped cloth can drape over: static, on the ground, with known sizes (a tumbler is
# a bucket or a bin where the lexicon stands one in)
SUPPORTS = ("table", "box", "crate", "block", "ball", "beach_ball", "basketball",
            "soccer_ball", "bowling_ball", "tumbler", "chair")
# cloth over a chair: fine enough (vertices 3.8 cm apart), and as thick where it touches
# (1.2 cm), that its 2 cm back board catches it between vertices (at 2 mm a 1.6 m sheet slid
# off the back and lay on the seat: measured); a bed sheet or a blanket, like a ghost
# costume, big enough to reach the floor from its back
CHAIR_SPACING, CHAIR_CONTACT, BIG_SHEET = 0.038, 0.012, 1.8
BIG_CLOTH = re.compile(r"\b(?:bed ?)?sheets?\b|\bblankets?\b")
# what a dropped cloth falls off: a clothes airer, two posts and a top rail
RACK = re.compile(r"\b((?:drying|clothes|towel|laundry) racks?|clothes ?horses?|"
                  r"(?:clothes )?airers?)\b")
RACK_WOOD = (0.62, 0.5, 0.36)
RACK_PARTS = ("rack", "rack_post")  # its bodies' names
RACK_TOP = 0.9  # m: its rail, at least this high and 0.4 m above what the cloth falls over
RACK_SIDE = 0.14  # m of the cloth on the rack's side of the rail; the rest overhangs the
# other way, and its weight pulls the cloth off: with 0.14 of 0.88 m, a towel slid off the
# rail and fell over a bucket standing under the overhang (measured)
DRAPE_FABRICS = {"blanket": "denim", "silk": "silk", "scarf": "silk", "scarves": "silk"}
DRAPE_OVERHANG = 0.3  # m of cloth beyond the support on every side
# m/s through a window: indoor air moves at about 1 m/s; at 4 a cotton curtain streams out
# flat (its drag is eight times its weight)
CURTAIN_BREEZE, CURTAIN_WIND = 1.0, 2.5
FLAG_WINDS = {  # word -> wind speed, m/s (Beaufort)
    "breeze": 3.0, "gentle breeze": 4.0, "light breeze": 2.5, "wind": 8.0, "windy": 8.0,
    "gust": 10.0, "gusts": 10.0, "strong wind": 12.0, "gale": 17.0}
FLAG_FABRICS = ("silk", "cotton", "canvas", "denim")
# m/s: a magician's snatch (at 3 m/s a wine glass on cotton topples and rolls off; at 5 it
# stays: measured), and a slow pull
SNATCH, SLOW_PULL = 5.0, 0.3
# m/s: a hard yank that flings what stands near the pulled edge off the table with it. Three
# ceramic bowls there all flew off at 1.5 and 2 m/s; at 2 all three broke on a stone floor
# (at 1.5 one landed too slowly, slowed by the cloth; on wood one of three held: measured)
FLING = 2.0
# m the pulled edge travels: the whole cloth off the table; or far enough to carry a dish
# from the middle over the table's edge; or to fling the dishes and clear the table
TRAVEL = {"stay": 3.2, "carry": 1.3, "fling": 2.4}
TABLE_TOP = 0.76
CLOTH_LIFT = 0.0025  # m: the cloth lies on the table top, 4 mm thick
# where up to six dishes stand, at least 0.29 m apart (a dinner plate is 0.24 m across); the
# later ones to the right, away from the pull: the cloth slides under them for less time
SPOTS = ((0.15, -0.1), (-0.1, 0.12), (0.2, 0.2), (0.45, 0.05), (0.42, -0.25), (-0.15, -0.2))
# where flung dishes stand: near the pulled (-x) edge, where the cloth slides under them too
# briefly to leave them behind; at least 0.29 m apart (a plate at the second hangs 3 cm over
# the table's end: at -0.47, two of three bowls landed too softly to break, measured)
FLUNG_SPOTS = ((-0.45, -0.25), (-0.5, 0.2), (-0.2, 0.0), (-0.05, -0.27), (-0.05, 0.27),
               (0.1, 0.0))
DEFAULT_DISHES = ("plate", "bowl", "cup")
# dishes taller than wide: they take the spots farthest from the pulled edge (the least cloth
# slides under them there), and a snatch that leaves them on the table must leave them
# standing too
TALL = ("wine_glass", "tumbler", "bottle", "vase", "mug", "cup", "can")
SCENERY = {"table", "pole", "pane"}  # a curtain before a window: the window is its setting
# a window named behind a curtain: the middle of its sill's bottom, and its width x height
CURTAIN_WINDOW, WINDOW_SIZE = (0.0, -0.3, 0.8), (1.0, 1.3)  # its head under the rail


def wanted(intent: Intent) -> str | None:
    """'flag', 'curtain', 'laundry', 'drape' or 'tablecloth' when cloth is the prompt's
    subject, else None."""
    text = intent.text.lower()
    others = {m.asset for m in intent.mentions} - SCENERY
    if TABLECLOTH.search(text) and PULL.search(text) and others <= TABLEWARE:
        return "tablecloth"
    if FLAG.search(text) and FLAG_AIR.search(text) and not others:
        return "flag"
    if CURTAIN.search(text) and FLAG_AIR.search(text) and not others:
        return "curtain"
    if laundry.wanted(intent) and FLAG_AIR.search(text):
        return "laundry"
    supports = {m.asset for m in intent.mentions}
    if DROPPED.search(text) and not HARD_SHEET.search(text) and not PULL.search(text) \
            and not FOLDED.search(text) \
            and supports and supports <= set(SUPPORTS) and len(intent.mentions) == 1:
        return "drape"
    return None


def build(plan: Plan, intent: Intent) -> str:
    """Build the cloth scene the prompt asks for; its scenario's name."""
    kind = wanted(intent)
    if kind == "laundry":
        laundry.build(plan, intent, _flag_wind(intent))
        return kind
    {"tablecloth": _tablecloth, "flag": _flag, "curtain": _curtain,
     "drape": _drape}[kind](plan, intent)
    return kind


def _tablecloth(plan: Plan, intent: Intent) -> None:
    text = intent.text.lower()
    plan.body("the table", name="table", asset="table", static=True, position=[0, 0, 0])
    named = [m for m in intent.mentions if m.asset in TABLEWARE
             for _ in range(m.count)][:len(SPOTS)]
    generic = not named or intent.has("dishes", "crockery", "tableware")
    dishes = list(DEFAULT_DISHES) if generic else [m.asset for m in named]
    # each dish its own ('2 plastic plates and a porcelain plate')
    materials = [None] * len(dishes) if generic else [m.material for m in named]
    speed, mode = _pull_of(intent, text)
    spots = FLUNG_SPOTS if mode == "fling" else _spots(dishes)
    names = []
    for k, (asset, material, (x, y)) in enumerate(zip(dishes, materials, spots)):
        names.append(plan.unique(asset))
        # each dish the planner chose says why it is there: the claims count it as added
        why = (f"one of the dishes on the tablecloth: a {asset}" if generic
               else "on the tablecloth" if k == 0 else "")
        plan.body(why, name=names[-1], asset=asset,
                  position=[x, y, round(TABLE_TOP + 2 * CLOTH_LIFT, 4)],
                  **({"material": material} if material else {}))
    plan.cloth.append(Item({"name": "tablecloth", "size": [1.6, 1.1],
                            "at": [0.0, 0.0, TABLE_TOP + CLOTH_LIFT], "material": "cotton",
                            "resolution": [32, 24]}, "a cotton cloth over the table top"))
    _pull(plan, text, speed, mode)
    flown = FLEW.search(text) if mode == "fling" else None
    if flown:
        plan.claims.append(Claim(flown.group(0), "outcome", "planned", f"a {speed:g} m/s yank "
                                 "flings them over the table's edge; each is checked to leave "
                                 "the table"))
    breaks = "shatter" in intent.actions and mode != "stay"
    for name, asset, material in zip(names, dishes, materials):
        _dish_checks(plan, name, asset, mode, breaks and _brittle(asset, material))
    plan.duration = 2.5 if mode == "stay" else round(0.3 + TRAVEL[mode] / speed + 0.7, 1)
    # dishes that must break fall on a hard floor: stone tiles
    plan.ground = {"material": "stone" if breaks else "wood"}
    if mode == "stay":
        plan.camera = ({"position": [0.6, -2.2, 1.5], "look_at": [-0.2, 0.0, 0.7]},
                       "across the table, the cloth pulled away to the left")
    elif mode == "carry":  # the dishes go over the left edge with the cloth: keep the floor
        plan.camera = ({"position": [-0.2, -3.0, 1.6], "look_at": [-0.8, 0.0, 0.45]},
                       "across the table and the floor to its left, where the dishes fall")
    else:  # flung a metre past the edge
        plan.camera = ({"position": [-0.7, -3.4, 1.7], "look_at": [-1.3, 0.0, 0.35]},
                       "across the table's left end and the floor beyond, where the dishes land")


def _pull(plan: Plan, text: str, speed: float, mode: str) -> None:
    """The pull on the cloth's left edge, as an event, and the prompt's words for it."""
    pulled = PULLED.search(text)
    if pulled:
        plan.claims.append(Claim(pulled.group(0), "outcome", "planned", f"the cloth's edge is "
                                 f"pulled at {speed:g} m/s, an event; the dishes' checks test "
                                 "what it does to them"))
    why = {"stay": "too fast for friction to drag the dishes along",
           "carry": "slowly enough that friction carries the dishes with it",
           "fling": "a hard yank: friction flings the dishes near its edge off the table"}
    plan.event(f"its edge pulled at {speed:g} m/s: {why[mode]}",
               at=0.3, pull={"cloth": "tablecloth", "edge": "left",
                             "velocity": [-speed, 0.0, 0.0],
                             "duration": round(TRAVEL[mode] / speed, 2)})


def _dish_checks(plan: Plan, name: str, asset: str, mode: str, breaks: bool) -> None:
    if mode == "stay":
        plan.check("it stays on the table", stays_on=name, on="table")
        if asset in TALL:
            plan.check("and stays standing", falls_over=name, **{"not": True})
        return
    plan.check("the cloth drags it off the table" if mode == "carry"
               else "the yank flings it off the table", stays_on=name, on="table",
               **{"not": True})
    if breaks:
        plan.check("it breaks on the floor", shatters=name)


def _brittle(asset: str, material: str | None) -> bool:
    return MATERIALS[material or default_material(asset)].brittle


def _spots(dishes: list[str]) -> list[tuple[float, float]]:
    """Where each dish stands: the tall ones at the free spots farthest from the pulled (-x)
    edge, the others at the rest in order."""
    free = list(SPOTS)
    spots = {}
    for k, asset in enumerate(dishes):
        if asset in TALL:
            spots[k] = max(free, key=lambda spot: spot[0])
            free.remove(spots[k])
    for k in range(len(dishes)):
        if k not in spots:
            spots[k] = free.pop(0)
    return [spots[k] for k in range(len(dishes))]


def _pull_of(intent: Intent, text: str) -> tuple[float, str]:
    """The pull's speed, and what it does to the dishes: 'stay', 'carry' or 'fling'."""
    if SLOW.search(text) or (intent.speed is not None and intent.speed < 1.0):
        return intent.speed or SLOW_PULL, "carry"
    off = (DISHES_FLY.search(text) or DISHES_FALL.search(text)) and not DISHES_STAY.search(text)
    if not off:
        return intent.speed or SNATCH, "stay"
    if intent.speed is not None:  # 'yanked at 2 m/s and the plates fly off'
        return intent.speed, "fling"
    return (FLING, "fling") if DISHES_FLY.search(text) else (SLOW_PULL, "carry")


def _flag(plan: Plan, intent: Intent) -> None:
    text = intent.text.lower()
    plan.body("the flagpole", name="pole", asset="box", static=True,
              position=[-0.02, 0.0, 0.0], params={"length": 0.04, "width": 0.04,
                                                  "height": 2.2},
              color=[0.85, 0.85, 0.82])
    fabric = next((f for f in FLAG_FABRICS if re.search(rf"\b{f}\b", text)), "canvas")
    plan.cloth.append(Item({"name": "flag", "size": [0.9, 0.6], "at": [0.45, 0.0, 1.88],
                            "rotation": [90.0, 0.0, 0.0], "pinned": "left", "material": fabric,
                            "resolution": [32, 32]},
                           f"a {fabric} flag held along its edge at the pole"))
    speed = _flag_wind(intent)
    plan.wind.append(Item({"velocity": [speed, 1.5, 0.0], "gusts": 0.3, "gust_period": 2.0,
                           "turbulence": 0.15},
                          f"a wind of {speed:g} m/s with gusts: it streams the flag out and "
                          "ripples it"))
    plan.check("it streams and ripples in the wind to the end", flutters="flag")
    plan.duration = 3.0
    plan.ground = {"material": "concrete"}
    plan.camera = ({"position": [0.9, -2.6, 1.6], "look_at": [0.4, 0.0, 1.7]},
                   "side on to the flag, the wind blowing across the view")


def _flag_wind(intent: Intent) -> float:
    if intent.speed is not None:
        return intent.speed
    found = [speed for word, speed in FLAG_WINDS.items() if intent.has(word)]
    return max(found) if found else FLAG_WINDS["wind"]


def _curtain(plan: Plan, intent: Intent) -> None:
    text = intent.text.lower()
    plan.body("the curtain rail", name="rail", asset="box", static=True,
              position=[0.0, -0.02, 2.2], params={"length": 1.4, "width": 0.03,
                                                  "height": 0.03},
              color=[0.3, 0.3, 0.32])
    fabric = next((f for f in FLAG_FABRICS if re.search(rf"\b{f}\b", text)), "cotton")
    plan.cloth.append(Item({"name": "curtain", "size": [1.2, 1.8], "at": [0.0, 0.0, 1.3],
                            "rotation": [90.0, 0.0, 0.0], "pinned": "top", "material": fabric,
                            "color": [0.62, 0.24, 0.28], "resolution": [24, 32]},
                           f"a {fabric} curtain hung by its top edge from the rail"))
    speed = intent.speed or (CURTAIN_WIND if intent.has("wind", "windy", "gust", "gusts",
                                                         "strong") else CURTAIN_BREEZE)
    plan.wind.append(Item({"velocity": [0.0, speed, 0.0], "gusts": 0.4, "gust_period": 1.5,
                           "turbulence": 0.2},
                          f"a breeze of {speed:g} m/s through an open window behind it"))
    if names_window(intent):
        open_window(plan, CURTAIN_WINDOW, "x", *WINDOW_SIZE, -1.0)
        plan.claims += opened_claims(intent, 0.0)
    plan.check("it billows and sways in the breeze to the end", flutters="curtain")
    plan.duration = 3.0
    plan.ground = {"material": "wood"}
    plan.camera = ({"position": [3.4, 1.2, 1.6], "look_at": [0.0, 0.3, 1.35]},
                   "in the room, side on: the breeze blows it out across the view")


def _drape(plan: Plan, intent: Intent) -> None:
    text = intent.text.lower()
    mention = intent.mentions[0]
    width, depth, height = extent(mention.asset, ac.params_for(mention, intent))
    support = ac.add(plan, mention, intent, (0.0, 0.0, 0.0), f"the {mention.word} it falls over",
                     static=True)
    word = DRAPED.search(text).group(0)
    fabric = DRAPE_FABRICS.get(word, "cotton")
    sheet, how, eye = _drape_start(plan, text, mention, word, (width, depth, height))
    plan.cloth.append(Item({"name": "cloth", "material": fabric, **sheet},
                           f"a {fabric} {word} {sheet['size'][0]:g} x {sheet['size'][1]:g} m, "
                           f"{how}"))
    plan.check(f"it lies on the {mention.word} and hangs down around it",
               drapes_over="cloth", body=support)
    plan.duration = 2.5
    plan.ground = {"material": "wood"}
    plan.camera = ({"position": [width + 1.2, -(depth + 1.6), eye[0] + 0.9],
                    "look_at": [0.0, 0.0, eye[1]]},
                   "above and to the side: the cloth settling over it")


def _drape_start(plan: Plan, text: str, mention: Mention, word: str,
                 size3: tuple[float, float, float]) -> tuple[dict, str, tuple[float, float]]:
    """The dropped cloth's size, where it starts (and, over a chair, its grid and contact
    thickness), how that reads, and the camera's height and the height it looks at."""
    width, depth, height = size3
    size = [round(min(width + 2 * DRAPE_OVERHANG, 3.0), 2),
            round(min(depth + 2 * DRAPE_OVERHANG, 3.0), 2)]
    rack = RACK.search(text)
    if rack:
        top = max(RACK_TOP, height + 0.4)
        rail = _rack(plan, rack.group(1), top, size[1] / 2 + 0.06, width)
        at = [round(rail + size[0] / 2 - RACK_SIDE, 3), 0.0, round(top + 0.005, 3)]
        return ({"size": size, "at": at}, (f"lying across the {rack.group(1)}'s rail, most of "
                f"it over the {mention.word}"), (at[2], at[2] * 0.5))
    if mention.asset == "chair":
        size = [BIG_SHEET, BIG_SHEET] if BIG_CLOTH.search(word) else size
        sheet = {"size": size, "at": [round(width / 4, 3), 0.0, round(height + 0.1, 3)],
                 "resolution": [round(side / CHAIR_SPACING) + 1 for side in size],
                 "contact_radius": CHAIR_CONTACT}
        return (sheet, (f"dropped from 10 cm over its back, {2 * CHAIR_CONTACT * 100:g} cm "
                "thick where it touches, to catch on the back"), (height, height * 0.7))
    return ({"size": size, "at": [0.0, 0.0, round(height + 0.25, 3)]},
            "dropped flat from 25 cm above it", (height, height * 0.7))


def _rack(plan: Plan, word: str, top: float, half_width: float, below: float) -> float:
    """A clothes airer over the back of what the cloth falls over (`below` wide): two posts
    and a top rail along y, at x = -0.43 `below`; that x."""
    x = round(-0.43 * below, 3)
    plan.body(f"the {word}'s top rail", name=RACK_PARTS[0], asset="box", static=True,
              position=[x, 0.0, round(top - 0.03, 3)], color=list(RACK_WOOD),
              params={"length": 0.03, "width": round(2 * half_width, 3), "height": 0.03})
    for side in (-1, 1):
        plan.body("its posts" if side < 0 else "", name=plan.unique(RACK_PARTS[1]), asset="box",
                  static=True, position=[x, round(side * half_width, 3), 0.0],
                  color=list(RACK_WOOD), params={"length": 0.03, "width": 0.03,
                                                 "height": round(top - 0.03, 3)})
    return x
