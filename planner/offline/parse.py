"""Prompt -> Intent: the objects, actions, relations and quantities a sentence mentions."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bridge.assets.registry import ASSETS
from planner.offline import lexicon as lx
from planner.offline.quantities import count_word, quantities

# Adjectives between a count and its noun ('three small glasses'). Counts, materials and
# colours are read before these; the ones that change the plan come from the lexicon.
ADJECTIVES = {"fragile", "delicate", "brittle", "small", "tiny", "little", "big", "large", "huge",
              "giant", "tall", "old", "new", "solid", "hollow", "thin", "thick", "shiny",
              "elastic", "bouncy", "vibrant", "flimsy", "weak", "frail", "sturdy", "standing",
              "upright", "clear", "transparent", "round", "smooth", "rough", "hardcover",
              "paperback",
              *lx.FULL_WORDS, lx.EMPTY_WORD, *lx.WEIGHT_WORDS}
COLORS = {"red": (0.85, 0.12, 0.1), "blue": (0.1, 0.25, 0.85), "green": (0.1, 0.6, 0.2),
          "yellow": (0.95, 0.8, 0.1), "white": (0.95, 0.95, 0.95), "black": (0.05, 0.05, 0.05),
          "orange": (0.95, 0.45, 0.1), "purple": (0.45, 0.15, 0.6), "pink": (0.95, 0.5, 0.7)}
SKIPPABLE = {"of", "and", "identical", "same", "more", "other"}
SUFFIXES = ("", "s", "es", "ed", "d", "ing", "e", "ped", "ping", "med", "ming", "led", "ling",
            "ted", "ting", "ged", "ging", "n", "en", "ion", "ions", "ning", "ned")
GROUND_NOUNS = {"floor", "ground", "surface", "pavement", "road", "sidewalk", "earth", "mat",
                "carpet", "rug", "tiles", "ice", "driveway"}
# racks that are furniture, not a triangle of balls: 'a drying rack', 'the wine rack'
FURNITURE_RACK = re.compile(r"\b(?:drying|clothes|towel|laundry|dish|wine|coat|spice|roof|"
                            r"bike|shoe|magazine|luggage) racks?\b")
# verbs that are nouns after 'a': 'a drop', 'a crack', 'a splash'
NOUN_SENSES = frozenset({"drop", "crack", "splash", "spill", "pile", "stack", "break",
                         "landing"})
TOPPED = re.compile(r"\b([a-z]+)[- ]topped\b")
# words before 'shot' that make it the camera's: 'a tracking shot', 'close-up shot'
SHOT_WORDS = frozenset({"tracking", "wide", "close", "closeup", "medium", "long", "aerial",
                        "overhead", "establishing", "static", "handheld", "dolly", "still",
                        "camera", "angle", "up", "motion", "full", "drone", "slow", "single"})
# where a camera shoots from ('shot from above', 'shot in slow motion'); not 'from behind'
# or 'from close range', which a puck or an arrow is shot from
SHOT_SIDES = frozenset({"above", "below", "overhead", "slow"})
# bodies of water that hold nothing but water, so that dropping a thing into one is enough
OPEN_WATERS = ("pool", "pond", "lake", "river", "sea", "ocean", "swimming pool", "aquarium",
               "fish tank", "bathtub")
# bodies of water that are containers the prompt may break ('the fish tank cracks')
TANKS = frozenset({"fish tank", "aquarium"})
AUXILIARIES = frozenset({"do", "does", "did", "will", "would", "should"})
COME = frozenset({"come", "comes", "came", "coming"})
RUNS = ("spread", "flow", "flood")  # what a liquid does: a spill only said of one
LIQUID_WORDS = frozenset({k.split()[-1] for k in lx.LIQUIDS} | {"water", "liquid"})
# what a ball is kicked over, not a thing kicked over
BARRIERS = frozenset({"wall", "fence", "net", "bar", "crossbar", "goal", "head", "hedge",
                      "gate", "roof", "house", "line", "bench", "keeper", "goalkeeper"})
TOPPLE = ("fall over", "falls over", "fell over", "tip over", "tips over", "tipped over",
          "knock over", "knocks over", "knocked over", "knock down", "knocks down",
          "knocked down", "topple", "falls down", "fall down", "come down", "comes down")


@dataclass
class Mention:
    """One object phrase: 'three full glass bottles of juice'."""

    noun: lx.Noun
    word: str
    index: int  # token position, for ordering and relations
    count: int = 1
    material: str | None = None
    adjectives: set[str] = field(default_factory=set)
    color: tuple[float, float, float] | None = None
    liquid: str | None = None

    @property
    def asset(self) -> str:
        return self.noun.asset


@dataclass
class Intent:
    """What a prompt asks for, in the planner's terms."""

    text: str
    tokens: list[str]
    mentions: list[Mention]
    actions: set[str]
    relations: set[str]
    camera: set[str]
    arrangement: str | None = None
    zero_g: bool = False
    airless: str | None = None  # the words that name a place with no air: 'on the moon'
    water: str | None = None  # the body of water named, e.g. 'pool'
    liquid: str | None = None  # a liquid named without a container
    ground_material: str | None = None
    ground_words: str = ""  # the words that named it: 'tiled floor', 'carpet'
    place_stand_in: bool = False  # a place with no surroundings of its own: one stands in
    place: str | None = None  # the world.environment of the place named, e.g. 'kitchen'
    place_words: tuple[str, ...] = ()  # the words that named it
    # places with no surroundings named beside it ('in a bar, ... off the counter'): it stands in
    also_named: tuple[str, ...] = ()
    height: float | None = None
    drop_place: str | None = None  # 'from a balcony': where it is let go (its height read)
    speed: float | None = None
    angle: float | None = None
    duration: float | None = None
    size: float | None = None
    times: int | None = None  # "bounces three times"
    negated: set[str] = field(default_factory=set)  # outcomes the prompt says do not happen

    @property
    def actors(self) -> list[Mention]:
        return [m for m in self.mentions if m.asset not in lx.SURFACES]

    @property
    def surfaces(self) -> list[Mention]:
        return [m for m in self.mentions if m.asset in lx.SURFACES]

    def has(self, *phrases: str) -> bool:
        """True when any phrase occurs as whole words."""
        padded = f" {' '.join(self.tokens)} "
        return any(f" {p} " in padded for p in phrases)


FROZEN = re.compile(r"\b(?:(?:a|an|the) )?frozen (?:lake|pond|river|sea|canal)\b")


def tokenize(text: str) -> list[str]:
    """Lowercase words and numbers; punctuation dropped, hyphens split."""
    text = TOPPED.sub(r"\1", text.lower())  # "a glass-topped table" is a glass table
    text = FROZEN.sub("the ice", text)  # "across a frozen lake": on its ice, not in its water
    return re.findall(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?", text)


# 'falls down the stairs', 'comes down the slope': down a way, not over where it stands
DOWN_A_WAY = re.compile(r"\b(?:falls?|fell|comes?|came) down (?:the|a|some) ")


def _toppled(intent: Intent) -> bool:
    padded = " ".join(intent.tokens)
    return any(f" {p} " in f" {DOWN_A_WAY.sub('', padded)} " for p in TOPPLE)


def parse(text: str) -> Intent:
    """Read a prompt into an Intent."""
    tokens = tokenize(text)
    intent = Intent(text=text, tokens=tokens, mentions=_mentions(tokens), actions=_actions(tokens),
                    relations=_relations(tokens), camera=_camera(text.lower()))
    if _toppled(intent):
        intent.actions.add("topple")
    intent.arrangement = next((v for k, v in lx.ARRANGEMENTS.items() if intent.has(k) and (
        v != "wall" or _built_wall(intent)) and (k != "rack" or _racked(intent))), None)
    intent.zero_g = intent.has(*lx.ZERO_G_WORDS)
    _net(intent)
    intent.airless = _airless(intent)
    _read_waters(intent)
    _read_liquid(intent)
    _read_ground(intent)
    _read_place(intent)
    _read_quantities(intent)
    _read_drop_place(intent)
    intent.times = _times(tokens)
    _drinks_carton(intent)
    intent.negated = _negated(tokens)
    intent.actions -= intent.negated
    if "topple" in intent.negated:  # "does not tip over": the tip is denied with it
        intent.actions = _actions([t for i, t in enumerate(tokens) if not _after_negator(
            tokens, i)]) - intent.negated
    return intent


def _drinks_carton(intent: Intent) -> None:
    """'poured from a carton' with a liquid named: a drink's carton, which pours, not a
    cardboard box."""
    if "pour" in intent.actions and (intent.liquid or any(m.liquid for m in intent.mentions)):
        for mention in intent.mentions:
            if mention.word == "carton":
                mention.noun = lx.NOUNS["juice carton"]


def _after_negator(tokens: list[str], i: int) -> bool:
    return any(t in lx.NEGATORS for t in tokens[max(0, i - 3):i])


def verb_words(intent: Intent, outcome: str, denied: bool) -> tuple[str, int | None]:
    """The prompt's own words for the outcome ("breaks", "without cracking"), else its name,
    and where its verb stands among the tokens."""
    at = next((i for i, t in enumerate(intent.tokens)  # "breaks", not "breakfast"
               if outcome in _verbs_of(t)), None)
    if at is None:
        return (f"not {outcome}" if denied else outcome), None
    before = [i for i in range(max(0, at - 3), at) if intent.tokens[i] in lx.NEGATORS]
    start = before[-1] if denied and before else at
    if denied and start > 0 and intent.tokens[start - 1] in AUXILIARIES:  # "does not break"
        start -= 1
    return " ".join(intent.tokens[start:at + 1]), at


def noun_after(intent: Intent, start: int, reach: int = 4) -> int | None:
    """Where the first named object's noun stands within `reach` tokens from `start`."""
    nouns = {m.word.split()[-1] for m in intent.mentions}
    return next((i for i in range(start, min(start + reach, len(intent.tokens)))
                 if intent.tokens[i] in nouns or intent.tokens[i].rstrip("s") in nouns), None)


def _noun_at(tokens: list[str], i: int) -> tuple[lx.Noun, str, int] | None:
    """The longest object noun starting at token i: (noun, words, length)."""
    for size in (3, 2, 1):
        words = tokens[i:i + size]
        if len(words) < size:
            continue
        for candidate in singulars(" ".join(words)):
            if candidate in lx.NOUNS:
                return lx.NOUNS[candidate], candidate, size
    return None


def singulars(phrase: str) -> list[str]:
    """The phrase with its last word in each singular form it may have ('peaches': peach)."""
    head, _, last = phrase.rpartition(" ")
    prefix = f"{head} " if head else ""
    forms = [last, lx.IRREGULAR_PLURALS.get(last, last)]
    if last.endswith("ies"):
        forms.append(last[:-3] + "y")
    if last.endswith("es"):
        forms.append(last[:-2])
    if last.endswith("s") and not last.endswith("ss"):
        forms.append(last[:-1])
    return [prefix + f for f in dict.fromkeys(forms)]


def _mentions(tokens: list[str]) -> list[Mention]:
    found, i = [], 0
    while i < len(tokens):
        hit = _noun_at(tokens, i)
        if hit is None or _is_modifier(tokens, i, hit[2]):
            i += 1
            continue
        noun, word, size = hit
        # a stand-in's material is a default the prompt's word overrides ('a glass statue');
        # a library noun's is part of it ('an ice cube')
        mention = Mention(noun, word, i, material=None if noun.stand_in else noun.material)
        _read_modifiers(tokens, i, mention)
        mention.material = mention.material or noun.material
        _read_contents(tokens, i + size, mention)
        if noun.asset == "can" and mention.liquid in lx.TINNED:  # an open tin, not a drink
            mention.noun = lx.NOUNS["paint can"]
            if mention.material == noun.material:  # the drinks can's, not the prompt's
                mention.material = mention.noun.material
        if not _said_before(tokens, i, mention, found):
            found.append(mention)
        i += size
    return _ones(tokens, found)


def _ones(tokens: list[str], found: list[Mention]) -> list[Mention]:
    """'an empty bottle floats while a full one sinks': 'a full one' is another of the thing
    named last before it, with that word ('the light one' is one already named light)."""
    ones = []
    for i in range(2, len(tokens)):
        word = tokens[i - 1]
        if tokens[i] != "one" or word not in ADJECTIVES or tokens[i - 2] not in ("a", "an", "the"):
            continue
        # what it points back to: a thing named before, not the floor or a ramp under it
        before = [m for m in found if m.index < i - 1 and m.asset not in lx.SURFACES]
        if not before:
            continue
        last = before[-1]
        # 'the light one' was named light; 'two balls, a big one and a small one' are the two
        if (tokens[i - 2] == "the" and any(word in m.adjectives for m in before)) or \
                last.count > 1:
            continue
        ones.append(Mention(last.noun, last.word, i, material=last.material,
                            adjectives={word}, color=last.color))
    return sorted(found + ones, key=lambda m: m.index)


def _said_before(tokens: list[str], i: int, mention: Mention, found: list[Mention]) -> bool:
    """'an apple ... the apple bobs', 'a wooden block ... the block floats': 'the' and words
    the earlier mention has, with no other material, colour or size, point back at it ('the
    bowling ball' after 'a tennis ball', 'the small ball' after 'a big ball' are others)."""
    said = set(mention.word.split())
    start = i - 1  # 'the blue ball': the article stands before the words that describe it
    while start >= 0 and (tokens[start] in ADJECTIVES or tokens[start] in COLORS
                          or tokens[start] in lx.MATERIAL_WORDS):
        start -= 1
    return start >= 0 and tokens[start] == "the" and any(
        said <= set(m.word.split()) and mention.adjectives <= m.adjectives
        and mention.material in (None, m.material) and mention.color in (None, m.color)
        for m in found)


def _is_modifier(tokens: list[str], i: int, size: int) -> bool:
    """'glass' in 'glass bottle', 'rock' in 'rock surface', 'the glass one': a material, not
    an object."""
    if tokens[i] not in lx.MATERIAL_WORDS and tokens[i] not in lx.GROUND_WORDS:
        return False
    after = i + size
    return after < len(tokens) and (_noun_at(tokens, after) is not None
                                    or tokens[after] in GROUND_NOUNS
                                    or tokens[after] in ("one", "ones"))


def _read_modifiers(tokens: list[str], i: int, mention: Mention) -> None:
    """Counts, materials, colours and adjectives just before the noun."""
    j = i - 1
    while j >= 0 and i - j <= 6:
        word = tokens[j]
        count = count_word(word)
        if count is not None:
            if mention.count == 1:
                mention.count = count
        elif word in lx.MATERIAL_WORDS:
            mention.material = mention.material or lx.MATERIAL_WORDS[word]
        elif word in COLORS:
            mention.color = COLORS[word]
        elif word in ADJECTIVES:
            mention.adjectives.add(word)
        elif word not in SKIPPABLE and word not in ("piece", "pieces", "row", "line", "set",
                                                    "stack", "pile", "tower", "group"):
            break
        j -= 1


def _read_contents(tokens: list[str], j: int, mention: Mention) -> None:
    """'of juice', 'full of milk', 'filled with water' right after a container."""
    window = tokens[j:j + 4]
    for k, word in enumerate(window):
        linked = k == 0 or (window[k - 1] in ("of", "with", "orange")
                            and window[0] in ("of", "with", "orange", *lx.FULL_WORDS))
        named = _liquid_at(window, k)
        if named and linked:
            mention.liquid = "orange juice" if named == "juice" and "orange" in window else named
            return


def _liquid_at(tokens: list[str], k: int) -> str | None:
    """The liquid named at tokens[k], in two words ('hot chocolate') or one."""
    pair = " ".join(tokens[k:k + 2])
    return pair if pair in lx.LIQUIDS else tokens[k] if tokens[k] in lx.LIQUIDS else None


def _actions(tokens: list[str]) -> set[str]:
    found = set()
    for i, token in enumerate(tokens):
        if i > 0 and tokens[i - 1] in ("a", "an", "single") and token in NOUN_SENSES:
            continue  # "without spilling a drop", "a crack in the glass": nouns here
        if token in ("shot", "shots") and _camera_shot(tokens, i):
            continue  # "a tracking shot", "wide shot of": the camera's, not a throw
        if _kicked_over(tokens, i):
            found |= {"knock", "topple"}  # "kicks over the can": it tips, it is not thrown
            continue
        # a liquid's own verbs: 'the paint spreads out', 'no juice comes out' (not 'the cards
        # spread out', 'the sun comes out', 'ripples spread across the pond')
        if (token in COME and tokens[i + 1:i + 2] == ["out"]) or token.startswith(RUNS):
            if i > 0 and tokens[i - 1] in LIQUID_WORDS:
                found.add("spill")
            continue
        found |= _verbs_of(token)
    return found


def _verbs_of(token: str) -> set[str]:
    """The actions a word is a form of ('breaks': shatter)."""
    return {action for stem, action in lx.VERBS.items()
            if token.startswith(stem) and token[len(stem):] in SUFFIXES}


def _kicked_over(tokens: list[str], i: int) -> bool:
    """'kicks over the paint can': a knock that tips it over ('a ball kicked over the wall'
    goes over one)."""
    return tokens[i].startswith("kick") and tokens[i + 1:i + 2] == ["over"] and \
        not BARRIERS & set(tokens[i + 2:i + 5])


def _camera_shot(tokens: list[str], i: int) -> bool:
    """'a tracking shot', 'a shot of', 'shot from above', 'shot in slow motion': a camera's
    shot ('a ball shot from a cannon' is a throw)."""
    after = [t for t in tokens[i + 1:i + 4] if t not in ("a", "the")]
    return ((i > 0 and tokens[i - 1] in SHOT_WORDS) or after[:1] == ["of"]
            or (after[:1] in (["from"], ["in"]) and len(after) > 1
                and after[1] in SHOT_SIDES))


def _negated(tokens: list[str]) -> set[str]:
    """Outcomes named within three words after a negation: 'does not break', 'without
    breaking', 'never bounces'."""
    found = set()
    for i, token in enumerate(tokens):
        if token in lx.NEGATORS:
            found |= _actions(tokens[i + 1:i + 4]).intersection(lx.NEGATABLE)
            after = f" {' '.join(tokens[i + 1:i + 5])} "
            if any(f" {phrase} " in after for phrase in TOPPLE):  # "does not tip over"
                found.add("topple")
    return found


def _relations(tokens: list[str]) -> set[str]:
    words = {"off", "onto", "into", "against", "toward", "towards", "down", "across", "from",
             "edge", "at", "over", "through", "apart", "each"}
    found = {("toward" if t == "towards" else t) for t in tokens if t in words}
    if "each" in found and "other" in tokens:
        found.add("each other")
    return found


def _camera(text: str) -> set[str]:
    return {key for key, concept in lx.CAMERA.items() if any(w in text for w in concept.words)}


def _read_waters(intent: Intent) -> None:
    """A body of water ('a pool', 'a bucket filled with water'); it is not an object then.
    Weightless water is no body of water: it is a liquid that leaves its cup; nor is water
    poured from a container ('from a glass into a bowl'), unless something floats or sinks
    in it ('a duck in a bathtub as water pours in' is a bathtub of water)."""
    if intent.zero_g or _poured(intent):
        return
    afloat = bool(intent.actions & {"float", "sink"})
    watery = intent.has("water", "waters") or afloat or any(
        intent.has(f"{into} {article} {w}") for into in ("into", "in")
        for article in ("a", "an", "the")
        for w in OPEN_WATERS)  # "dropped into a pool": nothing else is dropped into a pool
    name = next((w for w in sorted(lx.WATERS, key=len, reverse=True) if intent.has(w, w + "s")
                 and not _sinks(intent, w) and not _cooler(intent, w)), None)
    in_water = intent.has("into the water", "in the water", "on the water", "in water",
                          "on water", "into water", "of the water") or (
        intent.has("the water") and not _water_spills(intent))
    if not watery or (name is None and not in_water):
        return
    container_of_drink = [m for m in intent.mentions if m.liquid and m.asset not in ("bowl",)
                          and not _holds_the_scene(intent, m)]
    # 'the water spills out' of a glass of water that cracks is that glass's water, where
    # no pool or pond is named
    leaves = "shatter" in intent.actions and not any(intent.has(w) for w in OPEN_WATERS)
    if container_of_drink and (leaves or not in_water) and not afloat:
        return
    if name in TANKS and "shatter" in intent.actions and not afloat:
        return  # 'the fish tank cracks': a container that breaks, not a body of water
    intent.water = name or "pool"
    intent.mentions = [m for m in intent.mentions if m.word != intent.water]
    for m in intent.mentions:
        m.liquid = None


def _net(intent: Intent) -> None:
    """'kicks the ball into the top corner of the net': on a football pitch the net a ball
    goes into is the goal's (not a tennis, volleyball or fishing net)."""
    if "net" not in intent.tokens or not intent.has(*lx.INTO_THE_NET) or not intent.has(
            *lx.FOOTBALL_WORDS) or intent.has(*lx.OTHER_NETS) or any(
            m.asset == "soccer_goal" for m in intent.mentions):
        return
    intent.mentions.append(Mention(lx.NOUNS["goal"], "net", intent.tokens.index("net")))


def _racked(intent: Intent) -> bool:
    """'a rack of balls', 'racked': a triangle, unless every rack named is furniture."""
    return re.search(r"\brack(?:s|ed)?\b", FURNITURE_RACK.sub("", intent.text.lower())) is not None


def _built_wall(intent: Intent) -> bool:
    """A wall the prompt builds of pieces: of bricks, or 'a wall of (cardboard) boxes' (not
    'the wall of the garage')."""
    of = [i + 2 for i in range(len(intent.tokens) - 1) if intent.tokens[i:i + 2] == ["wall", "of"]]
    return any(m.asset == "brick" for m in intent.mentions) or any(
        m.asset in lx.WALL_PIECES and any(0 <= m.index - at <= 2 for at in of)
        for m in intent.mentions)


def _airless(intent: Intent) -> str | None:
    """The words that put the scene where there is no air ('on the moon', 'in a vacuum
    chamber'); not 'in a vacuum cleaner' or 'in a vacuum sealed bag'."""
    padded = f" {' '.join(intent.tokens)} "
    for words in sorted(lx.AIRLESS, key=len, reverse=True):
        at = padded.find(f" {words} ")
        after = padded[at + len(words) + 2:].split()[:1] if at >= 0 else []
        if at >= 0 and not set(after) & lx.NOT_AIRLESS:
            return words
    return None


def _water_spills(intent: Intent) -> bool:
    """'the water spills across the floor': the water a container held, running out of it,
    not a body of water."""
    return any(intent.tokens[k] == "water" and intent.tokens[k + 1] in lx.LIQUID_VERBS
               for k in range(len(intent.tokens) - 1))


def _holds_the_scene(intent: Intent, m: Mention) -> bool:
    """'a marble placed in a bucket filled with water': a vessel that is also a word for a
    body of water, which other things go into and nothing tips, spills or pours from."""
    return m.word in lx.WATERS and len(intent.actors) > 1 and not intent.actions & {
        "knock", "topple", "spill", "pour", "fall", "push", "slide"}


def _poured(intent: Intent) -> bool:
    """Water poured from a container the prompt names, with nothing to float or sink."""
    hollow = [m for m in intent.mentions if ASSETS[m.asset].hollow and m.word != "bowl"]
    return ("pour" in intent.actions and not intent.actions & {"float", "sink"}
            and bool(hollow))


def _cooler(intent: Intent, word: str) -> bool:
    """'cooler water': the adjective, not a cool box (which takes an article)."""
    return word == "cooler" and not intent.has("a cooler", "the cooler")


def _sinks(intent: Intent, word: str) -> bool:
    """'the stone sinks': the verb, not a kitchen sink (which takes an article or 'kitchen')."""
    return word == "sink" and "sink" in intent.actions and not intent.has(
        "the sink", "a sink", "kitchen sink", "bathroom sink")


def _read_liquid(intent: Intent) -> None:
    if intent.water or any(m.liquid for m in intent.mentions):
        return
    intent.liquid = next((named for k in range(len(intent.tokens))
                          if (named := _liquid_at(intent.tokens, k))), None)
    # 'coffee spills from a mug knocked off the table', 'a snow globe breaks and the water
    # leaks out': the one container named holds it (a bucket or a tank is a body of water)
    holders = [m for m in intent.mentions if ASSETS[m.asset].hollow and m.word not in lx.WATERS]
    if intent.liquid and "spill" in intent.actions and "pour" not in intent.actions \
            and len(holders) == 1 and lx.EMPTY_WORD not in intent.tokens:
        holders[0].liquid = intent.liquid


# words that end the run of words describing a floor, read back from it
FLOOR_RUN_ENDS = frozenset({"the", "a", "an", "on", "onto", "to", "into", "in", "at", "across",
                            "over", "off", "and", "of", "from", "its", "their", "his", "her"})


def _read_ground(intent: Intent) -> None:
    """The ground material: 'onto a concrete floor', 'a rock surface'; not 'an ice sculpture'
    (the word is the material of the thing named next)."""
    named = {m.index for m in intent.mentions}
    for i, token in enumerate(intent.tokens):
        # 'ice water', 'ice cold water' are water with ice in it, not an icy floor
        if token in GROUND_NOUNS and i + 1 not in named and "water" not in intent.tokens[
                i + 1:i + 3]:
            # the floor's own word ('the ice'), else one in the words just before it ('the
            # stone kitchen floor'; not 'a stone falls on the floor')
            run = i
            while run > max(0, i - 3) and intent.tokens[run - 1] not in FLOOR_RUN_ENDS:
                run -= 1
            at = next((j for j in range(i, run - 1, -1) if intent.tokens[j] in
                       lx.GROUND_WORDS), None)
            if at is not None:
                intent.ground_material = lx.GROUND_WORDS[intent.tokens[at]]
                intent.ground_words = " ".join(intent.tokens[at:i + 1])
                # 'shatters on the tiles': the tiles are the floor, not floor tiles to place
                intent.mentions = [m for m in intent.mentions
                                   if not (m.index == i and m.asset == "floor_tile")]
                return


def _read_place(intent: Intent) -> None:
    """The place the prompt names ('off the kitchen counter'): its environment and words;
    a place with surroundings of its own wins over those without ('in a bar ... off the
    counter': the kitchen), which are kept as also named."""
    stand_ins = [(environment, words) for environment, concept in lx.PLACE_STAND_INS.items()
                 if (words := _place_words(intent, concept))]
    for environment, concept in lx.PLACES.items():
        named = _place_words(intent, concept)
        if named:
            intent.place, intent.place_words = environment, named
            # a room ('a bar') beside a room the library has: that room stands in for it;
            # the outdoors ('the backyard') beside a kitchen is another place, left unread
            if environment in lx.INDOOR_PLACES:
                intent.also_named = tuple(w for kind, words in stand_ins if kind == "studio"
                                          for w in words)
            return
    if stand_ins:
        (intent.place, intent.place_words), intent.place_stand_in = stand_ins[0], True


def _place_words(intent: Intent, concept: lx.PlaceConcept) -> tuple[str, ...]:
    """The words of `concept` the prompt says, the longer phrase only where one holds
    another ('kitchen table' says what 'kitchen' does; 'park', 'picnic table')."""
    named = [w for w in concept.words if intent.has(w, w + "s") and not any(
        intent.has(u, u + "s") for u in concept.unless if f" {w} " in f" {u} ")]
    return tuple(w for w in named if not any(w != o and f" {w} " in f" {o} " for o in named))


_HEIGHT_CUES = re.compile(r"\b(from|height of|drop of|above|up)\s*(a\s+|about\s+|around\s+)?$")
_HEIGHT_AFTER = re.compile(r"^\s*(high|up|above|tall|drop|height|off the ground)")


def _read_quantities(intent: Intent) -> None:
    text = intent.text.lower()
    for q in quantities(intent.text):
        before, after = text[max(0, q.start - 20):q.start], text[q.end:q.end + 20]
        if q.kind == "speed":
            intent.speed = intent.speed or q.value
        elif q.kind == "angle":
            intent.angle = intent.angle or q.value
        elif q.kind == "time":
            intent.duration = intent.duration or q.value
        elif q.kind == "length":
            if _HEIGHT_CUES.search(before) or _HEIGHT_AFTER.match(after):
                intent.height = intent.height or q.value
            elif re.match(r"^\s*(wide|across|diameter|radius|long|ball|block|cube|box)", after):
                intent.size = intent.size or q.value
            elif "fall" in intent.actions:
                intent.height = intent.height or q.value


def _read_drop_place(intent: Intent) -> None:
    """'dropped from a balcony', 'off the roof': the height of the place it is let go from,
    where the prompt gives no number."""
    for place, height in lx.DROP_PLACES.items():
        words = [f"{lead} {article} {place}" for lead in ("from", "off")
                 for article in ("a", "the", "his", "her", "their", "my")]
        if intent.has(*words):
            intent.drop_place = place
            intent.height = intent.height or height
            return


def _times(tokens: list[str]) -> int | None:
    for i, token in enumerate(tokens):
        if token in ("twice", "thrice", "once"):
            return count_word(token)
        if token in ("times", "time") and i > 0 and count_word(tokens[i - 1]):
            return count_word(tokens[i - 1])
    return None
