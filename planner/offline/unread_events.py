"""Events a prompt names that the planner cannot read ('sloshes', 'overflows', 'crumbles'):
claimed as dropped, so that a plan is never verified past a verb it did not understand.

A word in a verb's place is one right after the head of a noun phrase or a pronoun ('the
coffee sloshes', 'it overflows'), in a verb's form (-s, -ed, -ing). It is unread when no
claim holds it and the planner knows it for nothing else: not one of its verbs, nouns,
adjectives, materials or counts, nor a word that says how a thing is rather than what
happens to it ('hanging', 'standing', 'filled').
"""
from __future__ import annotations

from planner.offline import lexicon as lx
from planner.offline.parse import ADJECTIVES, COLORS, Intent, singulars
from planner.offline.quantities import count_word
from planner.offline.unread import (
    ENDS,
    NOT_OBJECTS,
    STARTS,
    THINGS_SO_SPELT,
    held_words,
    phrases,
    verb,
)
from planner.trace import Claim

# words that may stand for the thing a verb tells of
SUBJECTS = frozenset({"it", "they", "which", "that", "who", "rest", "others", "one", "ones",
                      "both", "all", "each", "everything", "nothing", "none"})
# a thing's state, or how the shot shows it: nothing happens that a check could test
STATES = frozenset({
    "hanging", "hangs", "hung", "standing", "stands", "sitting", "sits", "lying", "lies",
    "resting", "rests", "waiting", "filled", "placed", "held", "holding", "holds", "made",
    "lined", "stacked", "balanced", "balancing", "perched", "mounted", "attached", "tied",
    "suspended", "parked", "seen", "shown", "showing", "shows", "captured", "capturing",
    "depicted", "depicting", "filmed", "viewed", "illustrating", "illustrates", "demonstrating",
    "demonstrates", "featuring", "features", "containing", "contains", "sized", "shaped",
    "colored", "coloured", "painted", "loaded", "packed", "covered", "arranged", "set",
    "positioned", "located", "situated", "stationed", "kept", "left", "used", "named",
    "called", "labelled", "labeled", "is", "was", "has", "does", "goes", "gets", "keeps",
    "stays", "remains", "remaining", "seems", "looks", "appears", "becomes", "begins",
    "starts", "starting", "continues", "continuing", "happens", "occurs", "takes", "makes",
    "moves", "moving", "moved", "comes", "coming", "going", "getting", "being", "weighing",
    "weighs", "measuring", "measures", "inclined", "angled", "tilted", "spaced", "leaning",
    "leans", "touching", "touches", "facing", "faces", "overhanging", "sealed", "wrapped",
    "closed", "opened", "fixed", "glued", "nailed", "screwed", "bolted", "clamped", "chained",
    "strung", "rigged", "propped", "wedged", "stuck", "lit", "burning", "glowing",
    "perhaps", "always", "afterwards", "sideways", "towards", "downwards", "upwards",
    "backwards", "forwards", "outwards", "inwards"})
# words that only colour a motion the planner reads ('the ball swishes through the hoop')
MANNER = frozenset({"swishes", "swished", "swishing", "whizzes", "whizzing", "zooms",
                    "zooming", "soars", "soaring", "sails", "sailing", "races", "racing",
                    "speeds", "speeding", "hurtles", "hurtling", "careens", "careening",
                    "whooshes", "zips", "zipping", "clatters", "clattering", "rattles",
                    "banks", "caroms", "ricochets"})
# words after a verb that begin the next clause or the camera's words
CLAUSE_ENDS = frozenset({"and", "but", "then", "while", "until", "as", "so", "wide", "close",
                         "closeup", "slow", "shot", "tracking", "aerial", "overhead"})
VERB_ENDINGS = ("s", "ed", "ing")
# what some of the things named come through ('the rest survive'): a claim per thing, which
# the planner's checks, one outcome for all alike, do not make
SPARED = frozenset({"survive", "survives", "survived", "endure", "endures"})


def unread_events(intent: Intent, claims: list[Claim]) -> list[Claim]:
    """A dropped outcome claim for each verb no claim in `claims` holds and the planner
    does not know."""
    held = held_words(intent, claims)
    tokens = intent.tokens
    # a liquid's name is a head too ('the coffee sloshes'): every one is a lexicon word
    heads = {p[-1] for p in phrases(tokens)} | {m.word.split()[-1] for m in intent.mentions} \
        | set(lx.LIQUIDS)
    if tokens and tokens[0] not in STARTS and not verb(tokens[0]):
        heads.add(tokens[0])  # 'golfer putts a ball': a noun with no article before it
    out = []
    for i in range(1, len(tokens)):
        word = tokens[i]
        if _subject_before(tokens, i, heads) and _unknown(word) and word not in held:
            out.append(Claim(_with_object(tokens, i), "outcome", "dropped",
                             f"not read: the planner knows no '{word}', so no check tests it"))
    return out


def _subject_before(tokens: list[str], i: int, heads: set[str]) -> bool:
    """A noun's head or a pronoun just before token i, or before one adverb ('the coffee
    gently sloshes')."""
    before = tokens[i - 1]
    if before.endswith("ly") and i >= 2:
        before = tokens[i - 2]
    return before in heads or before in SUBJECTS


def _unknown(word: str) -> bool:
    """A word in a verb's form that the planner reads as nothing else."""
    if word in SPARED:
        return True
    return word.endswith(VERB_ENDINGS) and not word.endswith(("ss", "ous", "us", "is")) and \
        word not in _KNOWN and \
        not any(form in lx.NOUNS or form in THINGS_SO_SPELT for form in singulars(word)) and \
        count_word(word) is None and not verb(word)


# words the planner reads as something other than an event, in one set
_KNOWN = frozenset().union(STATES, MANNER, ADJECTIVES, COLORS, lx.MATERIAL_WORDS, ENDS, STARTS,
                           NOT_OBJECTS)


def _with_object(tokens: list[str], i: int) -> str:
    """The verb and the few words after it up to the clause's end ('overflows onto the
    table')."""
    words = [tokens[i]]
    for word in tokens[i + 1:i + 5]:
        if word in CLAUSE_ENDS or word in SUBJECTS or count_word(word) is not None or \
                _unknown(word):
            break
        words.append(word)
    return " ".join(words)
