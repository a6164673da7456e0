"""Words the offline planner understands: objects, materials, liquids, waters, verbs,
modifiers, denied outcomes, camera language and places.

Each fact is stated once here and the parser, the scenarios, the composer and the reviser read
it. Object nouns map to library assets (plus optional material and dimension overrides); the
asset registry's own names and synonyms are added automatically so the two never drift.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from bridge.assets.registry import ASSETS
from bridge.materials import MATERIALS


@dataclass(frozen=True)
class Noun:
    """What an object word denotes: an asset, and what differs from the asset's defaults."""

    asset: str
    material: str | None = None
    params: dict[str, float] = field(default_factory=dict)
    label: str = ""  # the body's base name in the script; default: the asset name
    stand_in: bool = False  # not in the library: a library shape of the same size and weight
    mass: float | None = None  # kg, where the thing is hollow and its material's density lies
    breaks_at: float | None = None  # N: a thin shell breaks far below its solid stand-in


def _n(asset: str, material: str | None = None, label: str = "", **params: float) -> Noun:
    return Noun(asset, material, params, label)


def _stand_in(asset: str, material: str, label: str, mass: float | None = None,
              breaks_at: float | None = None, **params: float) -> Noun:
    return Noun(asset, material, params, label, stand_in=True, mass=mass, breaks_at=breaks_at)


SHOEBOX = _n("tray", "cardboard", label="shoebox", width=0.33, depth=0.19, height=0.11,
             wall=0.002)
# a champagne glass, a flute: a wine glass narrower and taller
CHAMPAGNE_FLUTE = _n("wine_glass", label="champagne_glass", radius=0.035, height=0.22)
PAINT_CAN = _stand_in("tumbler", "steel", "paint_can", radius=0.054, height=0.12, wall=0.001)

# Multi-word nouns first: the parser tries the longest match at each position.
NOUNS: dict[str, Noun] = {
    "wine glass": _n("wine_glass"), "drinking glass": _n("tumbler", label="glass"),
    "champagne glass": CHAMPAGNE_FLUTE, "champagne flute": CHAMPAGNE_FLUTE,
    "tennis ball": _n("tennis_ball"), "bowling ball": _n("bowling_ball"),
    "billiard ball": _n("billiard_ball"), "pool ball": _n("billiard_ball"),
    "snooker ball": _n("billiard_ball"), "cue ball": _n("billiard_ball", label="cue"),
    "soccer ball": _n("soccer_ball"), "beach ball": _n("beach_ball"),
    "rubber ball": _n("ball", "rubber"), "bouncy ball": _n("ball", "rubber", radius=0.03),
    "golf ball": _n("ball", "rubber", label="golf_ball", radius=0.0214),
    # a hollow celluloid shell: 2.7 g (regulation), so it floats where solid plastic sinks
    "ping pong ball": Noun("ball", "plastic", {"radius": 0.02}, "ping_pong_ball", mass=0.0027),
    "steel ball": _n("ball_bearing"), "ball bearing": _n("ball_bearing"),
    "bowling pin": _n("bowling_pin", label="pin"), "soda can": _n("can"),
    "drink can": _n("can"), "pool table": _n("pool_table"), "billiard table": _n("pool_table"),
    "floor tile": _n("floor_tile"), "ice cube": _n("block", "ice", label="ice_cube",
                                                  length=0.03, width=0.03, height=0.03),
    "jenga block": _n("block", label="block", length=0.075, width=0.025, height=0.015),
    "wooden block": _n("block", "wood"), "toy block": _n("block"),
    "teacup": _n("cup"), "coffee cup": _n("mug"), "beer bottle": _n("bottle"),
    "glass": _n("tumbler", label="glass"), "tumbler": _n("tumbler"), "jar": _n("tumbler",
                                                                             label="jar"),
    "cup": _n("cup"), "mug": _n("mug"), "bottle": _n("bottle"), "vase": _n("vase"),
    "plate": _n("plate"), "dish": _n("plate"), "saucer": _n("plate", radius=0.08),
    "bowl": _n("bowl"), "egg": _n("egg"), "can": _n("can"), "tin": _n("can"), "tin can": _n("can"),
    "pane": _n("pane"), "window": _n("pane", label="window"), "windowpane": _n("pane"),
    "mirror": _n("pane", label="mirror"),
    "ball": _n("ball"), "basketball": _n("basketball"), "baseball": _n("baseball"),
    "football": _n("soccer_ball"), "marble": _n("marble"), "domino": _n("domino"),
    "pin": _n("bowling_pin", label="pin"), "skittle": _n("bowling_pin", label="pin"),
    "block": _n("block"), "cube": _n("block", label="cube"), "brick": _n("brick"),
    "crate": _n("crate"), "box": _n("box", length=0.3, width=0.3, height=0.3),
    "carton": _n("box", length=0.3, width=0.3, height=0.3), "book": _n("book"),
    "stone": _n("block", "stone", label="stone", length=0.08, width=0.07, height=0.06),
    "rock": _n("block", "stone", label="rock", length=0.12, width=0.1, height=0.08),
    "cylinder": _n("cylinder"), "tray": _n("tray"), "tile": _n("floor_tile"),
    # an open cardboard box (its lid off): the tray's open box at a shoebox's size
    "shoebox": SHOEBOX, "shoe box": SHOEBOX,
    "table": _n("table"), "desk": _n("table", label="table"),
    "nightstand": _n("table", label="table"), "bedside table": _n("table", label="table"),
    "counter": _n("table", label="counter"), "windowsill": _n("table", label="windowsill"),
    "pedestal": _stand_in("table", "wood", "pedestal"), "plinth": _stand_in("table", "wood", "plinth"),
    "shelf": _n("shelf"), "bookshelf": _n("shelf"), "chair": _n("chair"), "ramp": _n("ramp"),
    "slope": _n("ramp"), "incline": _n("ramp"), "wall": _n("wall"),
    "barrier": _n("wall", label="barrier"),
    "piece of iron": _n("block", "iron", label="iron"), "iron": _n("block", "iron",
                                                                   label="iron"),
    "piece of wood": _n("block", "wood", label="wood"),
}
# Everyday objects outside the asset library, as library shapes of their size and density
# (fruit is close to wood's density, so it floats as fruit does). The trace says so.
# "orange" is left out: it is far more often a colour or a juice than a fruit here.
STAND_INS: dict[str, Noun] = {
    "apple": _stand_in("ball", "wood", "apple", radius=0.04),
    "fruit": _stand_in("ball", "wood", "fruit", radius=0.04),  # an apple's size
    "pear": _stand_in("ball", "wood", "pear", radius=0.04),
    "plum": _stand_in("ball", "wood", "plum", radius=0.025),
    "lemon": _stand_in("ball", "wood", "lemon", radius=0.03),
    "peach": _stand_in("ball", "wood", "peach", radius=0.035),
    "tomato": _stand_in("ball", "wood", "tomato", radius=0.03),
    "melon": _stand_in("ball", "wood", "melon", radius=0.09),
    "watermelon": _stand_in("ball", "wood", "watermelon", radius=0.13),
    "pumpkin": _stand_in("ball", "wood", "pumpkin", radius=0.15),
    "coconut": _stand_in("ball", "wood", "coconut", radius=0.07),
    # a toddler's cup with a spouted lid: a plastic one sealed by its lid
    "sippy cup": _stand_in("tumbler", "plastic", "sippy_cup", radius=0.035, height=0.12,
                           wall=0.002, lid=0.004),
    "high chair": _stand_in("table", "wood", "table"),  # its tray, at a table's height
    # a glass dome of water on a base: a water-filled glass of its size plays it (open at
    # the top, so a little may slop out before it breaks; liquid_stays_in allows for that)
    "snow globe": _stand_in("tumbler", "glass", "snow_globe"),  # 8 cm across, a small one
    # a quart tin of paint, its lid off: a thin steel pot of its size
    "paint can": PAINT_CAN, "paint tin": PAINT_CAN,
    "phone": _stand_in("box", "plastic", "phone", length=0.15, width=0.075, height=0.008),
    "smartphone": _stand_in("box", "plastic", "phone", length=0.15, width=0.075, height=0.008),
    "laptop": _stand_in("box", "aluminium", "laptop", length=0.32, width=0.22, height=0.02),
    "remote": _stand_in("box", "plastic", "remote", length=0.18, width=0.05, height=0.02),
    "die": _stand_in("block", "plastic", "die", length=0.016, width=0.016, height=0.016),
    "dice": _stand_in("block", "plastic", "die", length=0.016, width=0.016, height=0.016),
    "barrel": _stand_in("cylinder", "wood", "barrel", radius=0.3, height=0.9),
    "log": _stand_in("cylinder", "wood", "log", radius=0.1, height=1.0),
    # things that write, as rods of their size: rolled, dropped or knocked, not writing
    "pencil": _stand_in("cylinder", "wood", "pencil", radius=0.0035, height=0.19),
    "pen": _stand_in("cylinder", "plastic", "pen", radius=0.005, height=0.14),
    "marker": _stand_in("cylinder", "plastic", "marker", radius=0.008, height=0.13),
    "crayon": _stand_in("cylinder", "wax", "crayon", radius=0.004, height=0.09),
    "coin": _stand_in("cylinder", "steel", "coin", radius=0.012, height=0.002),
    "puck": _stand_in("cylinder", "rubber", "puck", radius=0.038, height=0.025),
    "bolt": _stand_in("cylinder", "steel", "bolt", radius=0.005, height=0.05),
    "nail": _stand_in("cylinder", "steel", "nail", radius=0.002, height=0.06),
    "toy car": _stand_in("box", "plastic", "toy_car", length=0.1, width=0.05, height=0.04),
    # a feather: a thin strip of its size and weight (0.1 g: it drifts down at under 1 m/s;
    # physics.air slows it in still air)
    "feather": _stand_in("box", "felt", "feather", mass=0.0001, length=0.15, width=0.03,
                         height=0.003),
    # a toy hull floats high in the water: a wooden block of its size (draft about 60%)
    "toy boat": _stand_in("box", "wood", "toy_boat", length=0.3, width=0.12, height=0.08),
    "toy ship": _stand_in("box", "wood", "toy_ship", length=0.3, width=0.12, height=0.08),
    # a hollow toy that floats: a foam ball of its size stands in
    "rubber duck": _stand_in("ball", "foam", "rubber_duck", radius=0.045),
    "rc car": _stand_in("box", "plastic", "rc_car", length=0.3, width=0.15, height=0.1),
    "toy truck": _stand_in("box", "plastic", "toy_truck", length=0.2, width=0.09, height=0.09),
    "toy fire truck": _stand_in("box", "plastic", "toy_fire_truck", length=0.2, width=0.09,
                                height=0.09),
    "suitcase": _stand_in("box", "plastic", "suitcase", length=0.55, width=0.35, height=0.22),
    # a jug pours over a wide lip: a wide, tall tumbler, not a narrow-necked bottle
    "jug": _stand_in("tumbler", "glass", "jug", radius=0.06, height=0.2),
    "pitcher": _stand_in("tumbler", "glass", "pitcher", radius=0.06, height=0.2),
    # a 15 litre pail; 'a bucket of water' something floats in is a body of water instead
    "bucket": _stand_in("tumbler", "plastic", "bucket", radius=0.14, height=0.27),
    # a round glass tank of a few litres: the library has no glass box to hold a liquid
    "fish tank": _stand_in("tumbler", "glass", "fish_tank", radius=0.12, height=0.2,
                           wall=0.005),
    "aquarium": _stand_in("tumbler", "glass", "aquarium", radius=0.12, height=0.2,
                          wall=0.005),
    # a drink's carton (not a moving carton): poured from over its corner like a jug
    "juice carton": _stand_in("tumbler", "plastic", "carton", radius=0.045, height=0.2),
    "milk carton": _stand_in("tumbler", "plastic", "carton", radius=0.045, height=0.2),
    "carafe": _stand_in("bottle", "glass", "carafe", radius=0.055, height=0.25),
    "decanter": _stand_in("bottle", "glass", "decanter", radius=0.06, height=0.25),
    "flask": _stand_in("bottle", "glass", "flask", radius=0.04, height=0.2),
    "teapot": _stand_in("vase", "porcelain", "teapot"),
    "anchor": _stand_in("cylinder", "iron", "anchor", radius=0.08, height=0.5),
    # a supermarket trolley: a steel box of its size and weight on its base (rolled, it
    # barely rubs: planner.offline.arrangements.WHEELS)
    "shopping cart": _stand_in("box", "steel", "shopping_cart", mass=15.0, length=0.9,
                               width=0.55, height=1.0),
    "punching bag": _stand_in("cylinder", "felt", "punching_bag", mass=30.0, radius=0.17,
                              height=1.0),
    # a 60 mm bulb of glass half a millimetre thick: a glass egg of its size and 30 g that
    # breaks at 15 N (dropped from 25 cm onto something hard; a ball would bounce)
    "light bulb": _stand_in("egg", "glass", "light_bulb", mass=0.03, breaks_at=15.0,
                            radius=0.03, height=0.1),
    # granite, 29 cm across, 11 cm high, 18 kg (the World Curling rules allow up to 19.96)
    "curling stone": _stand_in("cylinder", "stone", "curling_stone", mass=18.0, radius=0.145,
                               height=0.11),
    "kettlebell": _stand_in("ball", "iron", "kettlebell", radius=0.08),
    "dumbbell": _stand_in("cylinder", "iron", "dumbbell", radius=0.05, height=0.3),
    "hammer": _stand_in("box", "steel", "hammer", length=0.3, width=0.03, height=0.03),
    # a carved figure: an upright block of its material (stone unless the prompt says ice,
    # glass, wood ...); what it depicts ('of a swan') is its look, not a body
    "sculpture": _stand_in("block", "stone", "sculpture", length=0.2, width=0.2, height=0.35),
    "statue": _stand_in("block", "stone", "statue", length=0.2, width=0.2, height=0.35),
}
STAND_INS["lightbulb"] = STAND_INS["light bulb"]
STAND_INS["shopping trolley"] = STAND_INS["shopping cart"]
for _word, _noun in STAND_INS.items():
    NOUNS.setdefault(_word, _noun)
for _spec in ASSETS.values():
    NOUNS.setdefault(_spec.name.replace("_", " "), _n(_spec.name))
    for _syn in _spec.synonyms:
        NOUNS.setdefault(_syn.replace("_", " "), _n(_spec.name))

IRREGULAR_PLURALS = {"shelves": "shelf", "dominoes": "domino", "glasses": "glass",
                     "boxes": "box", "dishes": "dish", "bookshelves": "bookshelf"}

# Furniture and surfaces are scenery that other objects stand on, not the actors.
SURFACES = frozenset(spec.name for spec in ASSETS.values() if spec.category == "furniture")
# What a table is set with; with a table it makes a kitchen when the prompt names no place.
# A pane is filed with the glassware but is glazing; an egg is kitchen fare.
TABLEWARE = frozenset(spec.name for spec in ASSETS.values()
                      if spec.category == "tableware") - {"pane"} | {"egg"}

MATERIAL_WORDS: dict[str, str] = {
    # 'tile' is a loose tile (a floor_tile) or, of a floor, the ground (GROUND_WORDS): never
    # the material of what the prompt names
    **{m: m for m in MATERIALS if m != "tile"},
    "wooden": "wood", "metal": "steel", "metallic": "steel", "iron": "iron",
    "aluminum": "aluminium", "plastic": "plastic", "rubbery": "rubber", "china": "porcelain",
    "clay": "ceramic", "earthenware": "ceramic", "crystal": "glass", "stone": "stone",
    "cardboard": "cardboard", "paper": "cardboard", "icy": "ice", "leather": "leather",
    "chrome": "steel", "chromed": "steel", "brass": "steel", "copper": "steel",
}

# A few solid materials also name grounds and targets ("onto a rock surface").
GROUND_WORDS: dict[str, str] = {
    "concrete": "concrete", "pavement": "concrete", "sidewalk": "concrete", "road": "concrete",
    "rock": "stone", "rocky": "stone", "stone": "stone", "tiled": "tile", "tile": "tile",
    "wooden": "wood", "wood": "wood", "carpet": "felt", "rug": "felt", "metallic": "steel",
    "metal": "steel", "steel": "steel", "foam": "foam", "mat": "foam", "ice": "ice",
    "tiles": "tile", "hardwood": "wood", "parquet": "wood", "asphalt": "concrete",
    "tarmac": "concrete", "granite": "stone", "driveway": "concrete",
}

# Liquids by name: the library's liquid (bridge/liquids.py), and a colour where the word
# names one of another hue (lemonade is a pale soda).
LIQUIDS: dict[str, tuple[str, tuple[float, float, float] | None]] = {
    "water": ("water", None), "juice": ("juice", None), "orange juice": ("juice", None),
    "milk": ("milk", None), "oil": ("oil", None), "wine": ("wine", None),
    "soda": ("soda", None), "cola": ("soda", None), "coffee": ("coffee", None),
    "tea": ("tea", None), "beer": ("beer", None), "honey": ("honey", None),
    "lemonade": ("soda", (0.98, 0.95, 0.6)), "espresso": ("coffee", None),
    "hot chocolate": ("milk", (0.42, 0.26, 0.17)), "cocoa": ("milk", (0.42, 0.26, 0.17)),
    "chocolate milk": ("milk", (0.55, 0.38, 0.27)), "latte": ("milk", (0.78, 0.62, 0.45)),
    "syrup": ("honey", (0.55, 0.27, 0.07)), "paint": ("paint", None),
}
# what a can holds that makes it an open tin of that, not a drinks can ('a can of paint')
TINNED = frozenset({"paint"})

# Bodies of water by name: the size of the water region (x, y, depth), metres.
WATERS: dict[str, tuple[float, float, float]] = {
    "pool": (3.0, 2.0, 1.0), "swimming pool": (4.0, 3.0, 1.2), "tank": (1.0, 0.6, 0.5),
    "aquarium": (0.8, 0.4, 0.4), "bucket": (0.35, 0.35, 0.3), "bathtub": (1.5, 0.7, 0.45),
    "bath": (1.5, 0.7, 0.45),
    "tub": (1.2, 0.7, 0.45), "basin": (0.5, 0.4, 0.2), "sink": (0.5, 0.4, 0.2),
    "pond": (4.0, 4.0, 1.0), "lake": (6.0, 6.0, 1.5), "river": (6.0, 3.0, 1.2),
    "sea": (6.0, 6.0, 1.5), "ocean": (6.0, 6.0, 1.5), "bowl": (0.4, 0.4, 0.2),
    "cooler": (0.6, 0.4, 0.35), "fish tank": (0.8, 0.4, 0.4),
}

# Verb stems and their normalised actions; the parser matches word prefixes against them.
VERBS: dict[str, str] = {
    "drop": "fall", "fall": "fall", "fell": "fall", "tumbl": "fall", "plummet": "fall",
    "plung": "fall", "releas": "fall", "let go": "fall", "slip": "fall",
    "knock": "knock", "tip": "knock", "nudg": "knock", "bump": "knock", "flick": "knock",
    "paw": "knock", "swat": "knock",
    "push": "push", "shov": "push", "slid": "slide", "slide": "slide", "glid": "slide",
    "skid": "slide", "roll": "roll", "bounc": "bounce", "rebound": "bounce",
    "throw": "throw", "threw": "throw", "hurl": "throw", "toss": "throw", "fling": "throw",
    "flung": "throw", "launch": "throw", "fire": "throw", "fired": "throw", "shoot": "throw",
    "shot": "throw", "propel": "throw", "lob": "throw", "pitch": "throw", "kick": "throw",
    "hit": "hit", "strik": "hit", "struck": "hit", "smash": "shatter", "crash": "hit",
    "slam": "hit", "collid": "collide", "collision": "collide", "impact": "hit", "ram": "hit",
    "shatter": "shatter", "break": "shatter", "broke": "shatter", "crack": "shatter",
    "splinter": "shatter", "topple": "topple", "toppling": "topple", "collaps": "topple",
    "crumbl": "topple", "lands": "fall", "landed": "fall", "landing": "fall",
    "stack": "stack", "pile": "stack", "pour": "pour", "spill": "spill", "splash": "spill",
    "gush": "spill", "leak": "spill",
    "spread": "spill", "flow": "spill", "flood": "spill",  # a liquid's only (see parse)
    "float": "float", "bob": "float", "sink": "sink", "sank": "sink", "sunk": "sink",
    "drift": "drift", "spin": "spin", "spun": "spin", "rotat": "spin", "twirl": "spin",
    "plac": "place", "put": "place", "set down": "place", "rest": "place", "lower": "place",
    "hover": "drift", "strike": "hit", "strikes": "hit", "scatter": "hit",
    "driv": "drive", "drove": "drive",
}

ZERO_G_WORDS = ("space station", "zero gravity", "zero-gravity", "zero g", "zero-g",
                "weightless", "microgravity", "outer space", "in space", "in orbit",
                "no gravity", "without gravity", "spacecraft", "spaceship", "space shuttle",
                "earth orbit", "iss")

# Places with no air, each with its gravity (m/s^2; None: Earth's): there a feather falls
# like a hammer (Apollo 15, 1971; a vacuum chamber on Earth)
AIRLESS: dict[str, float | None] = {
    "on the moon": 1.62, "on the lunar surface": 1.62, "on the moon's surface": 1.62,
    "in a vacuum": None, "in vacuum": None, "in a vacuum chamber": None,
    "inside a vacuum chamber": None, "in the vacuum chamber": None}

# where the net a ball goes into is a goal's (a hoop's net is not modelled: no net slows it)
FOOTBALL_WORDS = ("soccer", "football", "kicks", "kicked", "kick", "penalty", "goalkeeper",
                  "striker")
OTHER_NETS = ("tennis", "volleyball", "badminton", "fishing", "ping pong", "table tennis",
              "safety net", "basketball", "hockey", "butterfly")
INTO_THE_NET = ("into the net", "in the net", "of the net", "into a net", "into the back of")
# Places things are let go from, with their height (m): the place is not drawn, its height is
# the drop's
DROP_PLACES = {"balcony": 4.0, "roof": 6.0, "rooftop": 6.0, "window sill": 4.0,
               "second floor": 4.0, "bridge": 8.0, "cliff": 12.0, "ladder": 2.0,
               "tree": 3.0}  # an apple tree's lower branches
WALL_PIECES = frozenset({"brick", "box", "crate", "block"})  # what a 'wall of' is built of
NOT_AIRLESS = frozenset({"cleaner", "cleaners", "sealed", "packed", "tube", "tubes", "pump",
                         "bag", "bags", "hose", "flask"})  # 'in a vacuum cleaner'

ARRANGEMENTS = {"in a row": "row", "in a line": "row", "lined up": "row", "row of": "row",
                "line of": "row", "in a triangle": "triangle", "triangle": "triangle",
                "rack": "triangle", "in a tower": "tower", "tower": "tower", "stacked": "tower",
                "in a stack": "tower", "in a pile": "tower",
                "stack of": "tower", "pile of": "tower", "on top of each other": "tower",
                "jenga": "tower", "pyramid": "triangle", "in a circle": "circle",
                "wall of": "wall", "brick wall": "wall", "bricks wall": "wall"}  # of bricks only

# Adjectives that change the plan, not only the description; the parser keeps them on the
# mention. "heavy" and "light" change the mass, not the look: the material (and so the
# colour and the bounce) stays what the noun says.
WEIGHT_WORDS = {"heavy": 4.0, "light": 0.25, "lightweight": 0.25}  # factor on the mass
FULL_WORDS = frozenset({"full", "filled"})  # a hollow container holds liquid
EMPTY_WORD = "empty"  # it holds none, whatever else is said
# A sealed drinks can's mean density, kg/m^3, by the drink in it: the sugar in a regular soda
# makes the can denser than water and it sinks, a diet one floats (the cooler of ice water
# that shows it); a can the prompt says nothing of keeps its asset's 0.37 kg
CAN_DRINKS = {"diet": 980.0, "zero": 980.0, "regular": 1040.0, "sugary": 1040.0,
              "normal": 1040.0, "classic": 1040.0, "original": 1040.0}

# What a liquid does as it runs out of what held it ('spills across the floor', 'the water
# ran off the table'), in all the forms a prompt gives them
LIQUID_VERBS = frozenset(stem + end for stem in ("spill", "spread", "flow", "leak", "splash",
                                                  "pour", "gush", "drip", "run", "seep", "flood")
                         for end in ("", "s", "es", "ed", "ing", "ping", "ning", "ped")) | {"ran"}

# Denied outcomes: "does not break", "without breaking", "never bounces".
NEGATORS = frozenset({"not", "never", "without", "doesn't", "don't", "didn't", "won't", "isn't",
                      "aren't", "can't", "cannot", "wouldn't", "no"})
# The outcomes a prompt can deny, as parser actions, and the expectation check that tests each:
# the composer turns that check around and the reviser recognises it as denied. Spilling has
# no check to turn around: a spill is `liquid_stays_in` with `not`, which a scenario writes only
# when spilling is asked for, so denying it just leaves that check out.
NEGATABLE: dict[str, str | None] = {"shatter": "shatters", "topple": "falls_over",
                                    "bounce": "bounces", "float": "floats", "sink": "sinks",
                                    "spill": None}
DENIABLE_CHECKS = frozenset(check for check in NEGATABLE.values() if check)


def denied_checks(outcomes: set[str]) -> set[str]:
    """The expectation checks that test the denied outcomes."""
    return {NEGATABLE[o] for o in outcomes if NEGATABLE.get(o)}


@dataclass(frozen=True)
class CameraConcept:
    """A camera idea: the prompt words that ask for it, what the shot becomes, its comment."""

    words: tuple[str, ...]  # matched anywhere in the lowercased prompt
    trace: str  # the camera comment; {lead} is the followed body, {speed} the playback speed
    preset: str | None = None  # a framing preset of bridge.camera_schema.PRESETS
    azimuth: float | None = None  # where the camera stands, seen from the subject
    on_lead: bool = False  # frames the body the action follows, not the whole scene
    move: str | None = None  # a camera move of bridge.camera_schema.Move
    degrees: float | None = None  # an orbit's sweep
    slow_motion: float | None = None  # playback speed

    def describe(self, lead: str | None = None) -> str:
        """The camera comment, with the followed body and the playback speed filled in."""
        return self.trace.format(lead=lead, speed=self.slow_motion)


# Presets and moves are listed by priority: the first one a prompt names wins.
CAMERA: dict[str, CameraConcept] = {
    "close": CameraConcept(("close up", "close-up", "closeup", "macro", "tight shot"),
                           "close-up", preset="close_up", on_lead=True),
    "wide": CameraConcept(("wide", "establishing", "long shot", "full shot"), "wide shot",
                          preset="wide"),
    "top": CameraConcept(("from above", "top-down", "top down", "overhead", "bird's-eye",
                          "birds eye", "bird's eye", "aerial"), "from above", preset="top_down"),
    "low": CameraConcept(("low angle", "low-angle", "from below", "ground level", "worm's-eye"),
                         "low angle", preset="low_angle"),
    "side": CameraConcept(("side view", "from the side", "profile view"), "side view",
                          preset="eye_level", azimuth=-90.0),
    "track": CameraConcept(("tracking", "follows", "following", "follow the", "pans with",
                            "dolly"), "tracking the {lead}", move="track"),
    "orbit": CameraConcept(("orbit", "circling", "360", "revolving camera", "around the scene"),
                           "orbiting once", move="orbit", degrees=360.0),
    # the whole shot plays at 0.4x: 2.5x longer on screen
    "slow": CameraConcept(("slow motion", "slow-motion", "slow-mo", "slowmo", "slo-mo"),
                          "slow motion at {speed:g}x", slow_motion=0.4),
}
# The framing when the prompt names camera language but no preset.
MEDIUM = CameraConcept((), "medium shot", preset="medium", on_lead=True)


@dataclass(frozen=True)
class PlaceConcept:
    """A place a prompt can name: the words that name it (each also in the plural)."""

    words: tuple[str, ...]  # whole words or phrases, matched on the prompt's words
    unless: tuple[str, ...] = ()  # phrases in which a word names something else: 'toy car'


# Places by the world.environment they become (bridge.schema.ENVIRONMENTS), by priority: when
# a prompt names two, the first one here wins. They are look alone: the physics never sees
# them. "orbit" alone is a camera move, so only "in orbit" names space; every space station word
# is also a zero-gravity word, so the shot that is drawn aboard one is weightless too.
PLACES: dict[str, PlaceConcept] = {
    "studio": PlaceConcept(("studio", "backdrop", "cyclorama", "white background",
                            "plain background", "seamless background")),
    "space_station": PlaceConcept(("space station", "spaceship", "spacecraft", "space shuttle",
                                   "iss", "in orbit", "earth orbit")),
    "kitchen": PlaceConcept(("kitchen", "kitchen table", "counter", "countertop", "worktop"),
                            unless=("counter clockwise",)),
    "living_room": PlaceConcept(("living room", "sofa", "couch", "coffee table", "lounge",
                                 "sitting room")),
    "court": PlaceConcept(("court", "basketball court", "gym", "gymnasium", "hoop")),
    "street": PlaceConcept(("street", "road", "sidewalk", "pavement", "car", "parked",
                            "driveway"),
                           unless=("toy car",)),
}


INDOOR_PLACES = frozenset({"kitchen", "living_room"})  # rooms another room may stand in for
# Places with no surroundings of their own in the library, by the environment that stands in:
# open ground under the sky outdoors, the plain studio indoors. The trace says so.
PLACE_STAND_INS: dict[str, PlaceConcept] = {
    "none": PlaceConcept(("park", "backyard", "back yard", "garden", "yard", "playground",
                          "soccer field", "football field", "field", "pitch", "putting green",
                          "golf course", "hill", "hillside", "lawn", "grass", "meadow", "patio",
                          "picnic table", "campsite", "beach", "outdoors", "country road",
                          "farm", "construction site", "parking lot"),
                         unless=("beach ball", "pitch black")),
    "studio": PlaceConcept(("garage", "warehouse", "supermarket", "aisle", "store", "shop",
                            "bar", "pub", "restaurant", "cafe", "classroom", "laboratory",
                            "lab", "office", "bedroom", "bathroom", "hallway", "attic",
                            "basement", "workshop", "factory", "museum", "library"),
                           unless=("crowbar", "bar of soap", "chocolate bar", "shop window")),
}
