"""Objects a prompt names that the planner cannot read ('a feather', 'a concrete barrier'):
claimed as dropped, so that no plan leaves a thing out without a word.

A noun phrase is the run of words after an article or a count, up to a verb, a preposition
or the end of the clause; its last word is its head. A phrase none of whose words any other
claim holds, and whose head is no word for a part, a place or a time ('the edge', 'the same
time'), is an object the planner did not read.
"""
from __future__ import annotations

from planner.offline import lexicon as lx
from planner.offline.parse import ADJECTIVES, COLORS, Intent, singulars
from planner.offline.quantities import count_word
from planner.trace import Claim

STARTS = frozenset({"a", "an", "the", "some", "several", "his", "her", "its", "their", "my",
                    "your", "our", "this", "that", "these", "those"})
ENDS = frozenset({
    "of", "and", "or", "but", "on", "onto", "in", "into", "at", "off", "from", "to", "with",
    "by", "over", "under", "across", "through", "toward", "towards", "against", "until",
    "while", "as", "when", "then", "so", "is", "are", "was", "were", "be", "been", "being",
    "gets", "get", "got", "goes", "go", "keeps", "keep", "stays", "stay", "sits", "sit",
    "stands", "stand", "hangs", "hang", "lies", "lie", "flies", "fly", "lands", "land",
    "opens", "open", "makes", "make", "has", "have", "does", "do", "did", "it", "they",
    "which", "that", "who", "where", "like", "before", "after", "down", "up", "out", "away",
    "around", "back", "apart", "together", "all", "both", "each", "first", "last", "only",
    "also", "just", "very", "slowly", "quickly", "gently", "straight", "still", "not",
    "never", "no", "without", "for", "about", "beside", "behind", "next", "near", "above",
    "below", "beneath", "inside", "outside", "upon", "via", "within"})
# heads that name a part, a place in the shot, a time or a manner, not a thing to simulate
NOT_OBJECTS = frozenset({
    "edge", "edges", "side", "sides", "top", "bottom", "middle", "centre", "center", "end",
    "ends", "corner", "front", "back", "surface", "air", "way", "time", "same", "other",
    "rest", "piece", "pieces", "shards", "fragments", "bits", "moment", "second", "seconds",
    "shot", "view", "angle", "motion", "camera", "scene", "background", "foreground", "room",
    "distance", "height", "speed", "direction", "path", "impact", "collision", "hit", "shove",
    "push", "kick", "throw", "drop", "splash", "crash", "bounce", "roll", "spill", "mess",
    "sound", "noise", "day", "night", "morning", "evening", "afternoon", "sunlight", "light",
    "lot", "bit", "pair", "couple", "set", "group", "bunch", "number", "dozen", "half",
    "ground", "floor", "one", "ones", "two", "three", "four", "five", "weight", "contents",
    "liquid", "water", "physics", "gravity", "force", "momentum", "energy", "trajectory",
    "lip", "rim", "handle", "base", "screen", "face", "nose", "paw", "hand", "foot", "feet",
    "closeup", "close", "wide", "slow", "tracking", "aerial", "overhead", "mo", "others",
    "thing", "things", "row", "rows", "line", "lines", "spiral", "circle", "reaction", "lit",
    "flame", "flames", "wick", "wicks",
    "stack", "pile", "heap", "tower", "pyramid", "times", "m", "cm", "mm", "meter", "meters", "metre",
    "metres", "ft", "km", "h", "s", "kg", "g", "lb", "lbs", "mph", "inch", "inches",
    "degree", "degrees", "deg", "percent", "left", "right", "thud", "bang", "clatter",
    "movement", "jolt", "tap", "nudge", "flick", "sudden", "area", "interaction", "effect",
    "result", "process", "manner", "shape", "form", "state", "phenomenon", "behaviour",
    "behavior", "dynamics", "detail", "details", "texture", "style", "scale", "level", "wave",
    "waves", "own", "part", "parts"})
# a thing that depicts another: what follows 'of' is its look ('a statue of a swan')
LIKENESSES = frozenset({"sculpture", "sculptures", "statue", "statues", "figurine", "model",
                        "bust", "carving"})
# words the scenarios read themselves, not as objects: a door, a seesaw, a pendulum's bob
SCENARIO_WORDS = frozenset({
    "door", "doors", "gate", "gates", "seesaw", "see", "saw", "pendulum", "pendulums", "swing",
    "swings", "cradle", "newton's", "newton", "lid", "cushion", "cushions", "lane", "rack",
    "net", "bob", "string", "cable", "crane", "flagpole", "pole", "rail", "frame"})


def unread_claims(intent: Intent, claims: list[Claim]) -> list[Claim]:
    """A dropped claim for each noun phrase no claim in `claims` (or parse) holds."""
    held = held_words(intent, claims)
    out, seen = [], set()
    for phrase in phrases(intent.tokens):
        head = phrase[-1]
        # "the cat's paw": the cat's claim holds it
        if head in seen or _abstract(head) or any(
                f in held for w in phrase for f in singulars(w.removesuffix("'s"))):
            continue
        seen.add(head)
        out.append(Claim(" ".join(phrase), "object", "dropped", "not read: the planner knows "
                         f"no '{head}', so the script leaves it out"))
    return out


def held_words(intent: Intent, claims: list[Claim]) -> set[str]:
    """The words some claim, mention, place or scenario of the prompt already holds."""
    return {w for c in claims for w in lx_words(c.text)} | {
        w for m in intent.mentions for w in m.word.split()} | set(intent.place_words) | set(
        (intent.water or "").split()) | SCENARIO_WORDS


def phrases(tokens: list[str]) -> list[list[str]]:
    """The noun phrases after an article or a count, without their adjectives and counts."""
    found = []
    for i, token in enumerate(tokens):
        if token not in STARTS and count_word(token) is None:
            continue
        if i and tokens[i - 1] == "like":  # 'drops over a chair like a ghost costume': a likeness
            continue
        if i > 1 and tokens[i - 1] == "of" and tokens[i - 2] in LIKENESSES:  # 'a statue of a swan'
            continue
        run = []
        for word in tokens[i + 1:i + 5]:
            if word in ENDS or word in STARTS or verb(word):
                break
            run.append(word)
        words = [w for w in run if w not in ADJECTIVES and w not in COLORS
                 and w not in lx.MATERIAL_WORDS and count_word(w) is None]
        after = tokens[i + 1 + len(run)] if i + 1 + len(run) < len(tokens) else ""
        # "a chain of dominoes", "the top corner of the net": a shape or a part of what follows
        if words and run[-1] == words[-1] and after != "of":
            found.append(words)
    return found


def verb(word: str) -> bool:
    """A word the parser reads as one of its verbs ('drops', 'shattered')."""
    return any(word.startswith(stem) and len(word) - len(stem) <= 3 for stem in lx.VERBS) \
        and word not in lx.NOUNS


def lx_words(text: str) -> list[str]:
    return [w.strip(",.'") for w in text.lower().replace("-", " ").split()]


def _abstract(head: str) -> bool:
    """A part, a place in the shot, a unit, or a word built as an abstract noun ('the surrounding
    area', 'a dynamic interaction', 'capturing'): no thing to simulate."""
    if head in NOT_OBJECTS:
        return True
    return len(head) > 6 and head.endswith(ABSTRACT_ENDINGS) and head not in THINGS_SO_SPELT


# endings of abstract nouns and gerunds, and the everyday things spelt so all the same
ABSTRACT_ENDINGS = ("ing", "tion", "sion", "ment", "ity", "ness", "ance", "ence", "ism")
THINGS_SO_SPELT = frozenset({"ceiling", "building", "railing", "painting", "stuffing",
                             "clothing", "ornament", "instrument", "container", "bearing"})
