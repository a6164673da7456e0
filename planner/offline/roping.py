"""Ropes and chains: strung slack between two posts (a thing may be dropped onto one), a
weight on a slack rope let fall until the rope snaps taut, or a weight hanging on a rope that
is cut, or struck by a thrown thing and swinging.

Each is verified by where the weight ends up: caught above the floor by the rope between the
posts, held within the rope's reach (plus 5% for the jerk's stretch) below its hook, or on the
floor once the rope is cut.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np

from bridge.catenary import lowest
from bridge.errors import RefusedError
from planner.offline import actors as ac
from planner.offline.layout import Plan
from planner.offline.lexicon import NOUNS
from planner.offline.motion_claims import RESULTS
from planner.offline.parse import Intent, Mention
from planner.offline.quantities import quantities
from planner.trace import Claim

ROPE = re.compile(r"\b(ropes?|chains?|cords?|strings?|cables?|clotheslines?|washing lines?)\b")
BETWEEN = re.compile(r"\bbetween (?:the |two )?(?:posts?|poles?|hooks?|trees?|pillars?|"
                     r"columns?|stands?)\b")
SNAP = re.compile(r"\b(slack|snaps? taut|goes taut|pulls? taut|jerks? taut|bungee)\b")
# the rope cut, or breaking on its own ('the rope snaps'; not 'snaps taut'), said of the rope:
# 'the rope is cut', 'cuts the rope', 'the chain holding it breaks'; and something hangs on it
ROPE_WORDS = r"(?:ropes?|chains?|cords?|strings?|cables?)"
CUT_VERB = (r"(?:cut|cuts|snipped|snips?|severed|severs?|sliced|slices?|snaps(?! taut)|"
            r"snapped(?! taut)|breaks|broke|gives way|gave way|(?:burns?|burnt|burned) through)")
CUT = re.compile(rf"\b{ROPE_WORDS}\b(?:\s+\w+){{0,5}}?\s+(?:is |was |gets |got )?"
                 rf"(?P<said>{CUT_VERB})\b|\b(?P<cuts>cuts?|snips?|severs?|slices?)\s+"
                 rf"(?:through\s+)?(?:the|a|its|his|her)\s+{ROPE_WORDS}\b")
HUNG = re.compile(r"\b(hang\w*|hung|suspended|holding|holds|dangl\w*)\b")
# what hangs is struck by a second thing: 'gets hit by a soccer ball', 'a ball is thrown at'
STRUCK = re.compile(r"\b(hit|hits|struck|strikes?|smack\w*|whack\w*|kick\w* (at|into)|"
                    r"thrown (at|into)|throws? \w+ (\w+ )?at|bump\w* into|knock\w* into)\b")
# ... said of what hangs: 'the bucket gets hit by a ball'
STRUCK_BY = re.compile(r"\b(is|are|was|were|gets|got|being) (hit|struck|smacked|whacked|"
                       r"kicked|knocked|bumped)( \w+)? by\b")
HANGING = re.compile(r"hang\w*|hung|suspended|dangl\w*")
# m off, m/s: what strikes the hung thing flies level, at least this fast and fast enough
# to swing it out (up to a hard throw)
THROW_FROM, THROW_SPEED, HARD_THROW = 1.5, 8.0, 20.0
CUT_AFTER = 0.5  # s the weight hangs still before the cut
FLOOR_CLEAR = 0.3  # m: at least this much drop under what hangs on a rope that is cut
POST_HEIGHT, SPAN, SAG = 1.5, 1.9, 1.2  # m, m between the ties, rope length over the span
HOOK = 2.6  # m: where the snapping rope is tied, under a beam
STRETCH = 1.05  # the jerk stretches a slack rope's constraints up to 4%; 5% allowed
DROP = 0.5  # m: from above the rope's lowest point to the dropped thing's bottom
KNOT = 0.01  # m: a tie's point stands off the weight's side by the rope's radius and this
G = 9.81


def wanted(intent: Intent) -> str | None:
    """'strung' for a rope between two supports, 'snap' for a weight on a slack rope."""
    text = intent.text.lower()
    if not ROPE.search(text):
        return None
    if BETWEEN.search(text):
        return "strung"
    if CUT.search(text) and HUNG.search(text) and not SNAP.search(text):
        return "cut"
    if struck_pair(intent) is not None and not SNAP.search(text):
        return "struck"
    return "snap" if SNAP.search(text) else None


def build(plan: Plan, intent: Intent) -> str:
    how = wanted(intent)
    chain = "chain" in intent.text.lower()
    rope = {"material": "steel", "radius": 0.008, "segments": 21} if chain else \
        {"material": "rope", "radius": 0.015, "segments": 17}
    word = "chain" if chain else "rope"
    if how == "strung":
        _strung(plan, intent, rope, word)
    elif how == "cut":
        _cut(plan, intent, rope, word)
    elif how == "struck":
        _struck(plan, intent, rope, word)
    else:
        _snap(plan, intent, rope, word)
    plan.notes.append(f"a taut {word} of {rope['segments']} links, one of them cut" if how == "cut"
                      else f"a slack {word}: {rope['segments']} links held by point constraints")
    said = ROPE.search(intent.text.lower()).group(0)  # 'a rope', 'the cord', 'a cable'
    plan.claims.append(Claim(said, "object", "planned", f"in the script as the {word} "
                             f"'{word}' of {rope['segments']} links"))
    return f"rope_{how}"


def _strung(plan: Plan, intent: Intent, rope: dict, word: str) -> None:
    """Two posts with a slack rope between their tops; the prompt's thing dropped on it."""
    for side, x in (("left", -SPAN / 2 - 0.05), ("right", SPAN / 2 + 0.05)):
        plan.body(f"the {side} post the {word} is tied to (static)", name=f"post_{side}",
                  asset="box", material="wood", static=True,
                  params={"length": 0.1, "width": 0.1, "height": POST_HEIGHT},
                  position=[x, 0.0, 0.0])
    tie = POST_HEIGHT - 0.05
    length = round(SPAN * SAG, 3)
    plan.rope(f"a {length:g} m {word} hung slack between the posts' inner faces", name=word,
              start={"body": "post_left", "at": [-SPAN / 2, 0.0, tie]},
              end={"body": "post_right", "at": [SPAN / 2, 0.0, tie]}, length=length, **rope)
    low = lowest(np.array([-SPAN / 2, 0, tie]), np.array([SPAN / 2, 0, tie]), length,
                 rope["segments"]) - rope["radius"]
    dropped = _thing(plan, intent)
    if dropped is None:
        plan.check(f"the {word} hangs still between the posts", moves_less_than=f"{word}_*",
                   distance=0.01)
    else:
        name = ac.add(plan, dropped, intent, (0.0, 0.0, round(low + DROP, 3)),
                      f"dropped from {DROP:g} m above the middle of the {word}")
        # a ball balanced on one rope rolls off it sideways in the end, as a real one does
        plan.check(f"it lands on the {word}", contacts=name, **{"with": f"{word}_*"},
                   before=round(math.sqrt(2 * DROP / G) + 0.3, 3))
    plan.duration = 3.0
    plan.camera = ({"position": [0.0, -3.6, 1.3], "look_at": [0.0, 0.0, 1.0], "fov": 40.0},
                   f"side-on: both posts and the {word}'s whole sag in frame")


def _cut(plan: Plan, intent: Intent, rope: dict, word: str) -> None:
    """A weight hanging still on a rope from a beam, the rope cut just above it: it falls to
    the floor, and the rope swings on from the beam."""
    thing = _weight(plan, intent)
    height = ac.height_of(thing, intent)
    length = _rope_length(plan, intent, most=max(HOOK - height - FLOOR_CLEAR, 0.3))
    _beam(plan, length)
    tie = round(HOOK - length, 4)
    masses = [q.value for q in quantities(intent.text) if q.kind == "mass"]
    name = ac.add(plan, thing, intent, (0.0, 0.0, round(tie - height, 4)),
                  f"hanging still on the {word}", **({"mass": masses[0]} if masses else {}))
    plan.rope(f"a {length:g} m {word} from the beam to the top of the {name}", name=word,
              start={"at": [0.0, 0.0, HOOK]}, end={"body": name, "at": [0.0, 0.0, tie]},
              **rope)
    # just above it: cut higher, the falling links landed in a bucket with it and the
    # simulation blew up
    plan.event(f"the {word} is cut just above the {name}", at=CUT_AFTER,
               cut={"rope": word, "at": 1.0})
    found = CUT.search(intent.text.lower())
    intent.actions.discard("shatter")  # 'the chain breaks': the cut, not a shattering
    plan.claims.append(Claim(found.group("said") or found.group("cuts"), "outcome", "planned",
                             f"a cut event at "
                             f"{CUT_AFTER:g} s; the check that it lands tests what follows"))
    fall = math.sqrt(2 * (tie - height) / G)
    plan.check(f"cut, the {word} lets it fall to the floor", contacts=name,
               **{"with": "ground"}, before=round(CUT_AFTER + fall + 0.3, 2))
    plan.duration = round(CUT_AFTER + fall + 1.0, 1)
    plan.camera = ({"position": [0.0, -round(1.6 * HOOK + 0.6, 2), round(HOOK / 2, 2)],
                    "look_at": [0.0, 0.0, round(HOOK / 2, 2)], "fov": 40.0},
                   f"side-on: the beam, the {word} and the floor it falls to")


def struck_pair(intent: Intent) -> tuple[Mention, Mention] | None:
    """(what hangs, what strikes it) where the prompt has a hanging thing struck ('a bucket
    hanging on a chain gets hit by a ball', 'a ball hits a can hanging from a string'), not
    where what hangs does the striking ('a ball hanging on a string hits a block')."""
    tokens, actors = intent.tokens, intent.actors
    hung_at = next((i for i, t in enumerate(tokens) if HANGING.fullmatch(t)), None)
    if hung_at is None or len(actors) < 2:
        return None
    # 'a hanging vase': named just after; 'a vase hanging from a rope': just before
    after = [m for m in actors if hung_at < m.index <= hung_at + 3]
    before = [m for m in actors if m.index < hung_at]
    hung = after[0] if after and not before or after and after[0].index <= hung_at + 2 \
        else before[-1] if before else None
    joined = " ".join(tokens)
    passive = STRUCK_BY.search(joined)
    active = STRUCK.search(joined)
    if hung is None or not (passive or active):
        return None
    if passive:  # what strikes is named after 'by'; what hangs before
        at = joined[:passive.end()].count(" ")
        thrown = next((m for m in actors if m.index > at and m is not hung), None)
        return (hung, thrown) if thrown and hung.index < at else None
    at = joined[:active.start()].count(" ")  # what strikes is named before the verb
    thrown = next((m for m in reversed(actors) if m.index < at and m is not hung), None)
    return (hung, thrown) if thrown and hung.index > at else None


def _struck(plan: Plan, intent: Intent, rope: dict, word: str) -> None:
    """A thing hanging still on a rope from a beam, struck at its middle by a second thing
    thrown level at it from THROW_FROM m away: it swings out on the rope."""
    hung, thrown = struck_pair(intent)
    _refuse_brittle(hung)
    hung, thrown = replace(hung, count=1), replace(thrown, count=1)
    height = ac.height_of(hung, intent)
    length = _rope_length(plan, intent, most=max(HOOK - height - FLOOR_CLEAR, 0.3))
    _beam(plan, length)
    tie = round(HOOK - length, 4)
    name = ac.add(plan, hung, intent, (0.0, 0.0, round(tie - height, 4)),
                  f"hanging still on the {word}")
    plan.rope(f"a {length:g} m {word} from the beam to the top of the {name}", name=word,
              start={"at": [0.0, 0.0, HOOK]}, end={"body": name, "at": [0.0, 0.0, tie]},
              **rope)
    middle = tie - height / 2
    # enough to set it swinging at 0.6 m/s, with the blow half elastic
    heavy, light = ac.mass_estimate(hung, intent), ac.mass_estimate(thrown, intent)
    speed = round(min(HARD_THROW, max(THROW_SPEED, 0.4 * (heavy + light) / light)), 1)
    flight = THROW_FROM / speed
    # thrown from the height it must arrive at, rising as much as it then falls
    lift = round(G * flight / 2, 3)
    size = ac.height_of(thrown, intent)
    other = ac.add(plan, thrown, intent, (-THROW_FROM, 0.0, round(middle - size / 2, 4)),
                   f"thrown level at the {name} at {speed:g} m/s",
                   velocity=[speed, 0.0, lift])
    plan.check(f"the {other} strikes the {name}", contacts=other, **{"with": name},
               before=round(flight + 0.3, 2))
    if re.search(RESULTS["swing"][0], intent.text.lower()) or \
            intent.actions & {"knock", "push", "topple"}:  # as the prompt says of it
        plan.check(f"struck, it swings out on the {word}", moves_less_than=name,
                   distance=0.1, **{"not": True})
    plan.duration = 3.0
    aim = [round(-THROW_FROM / 3, 2), 0.0, round((HOOK + middle) / 2, 2)]
    plan.camera = ({"position": [aim[0], -3.0, aim[2]], "look_at": aim, "fov": 45.0},
                   f"side-on and near: the beam, the {word}, the {name} and the throw")


def _beam(plan: Plan, length: float) -> None:
    plan.body("the beam the rope hangs from (static)", name="beam", asset="box",
              material="wood", static=True, params={"length": 1.2 * length + 0.4,
                                                    "width": 0.08, "height": 0.08},
              position=[0.0, 0.0, HOOK])


def _rope_length(plan: Plan, intent: Intent, most: float = 2.0) -> float:
    """The rope's length the prompt gives (0.5 m to `most`, at most 2 m; said if changed),
    else 1 m (or `most`, where shorter)."""
    found = [q.value for q in quantities(intent.text) if q.kind == "length"]
    most = round(min(most, 2.0), 2)
    length = min(max(found[0], 0.5), most) if found else min(1.0, most)
    if found and length != found[0]:
        plan.claims.append(Claim(f"{found[0]:g} m", "quantity", "stood_in",
                                 f"a {length:g} m rope is planned (0.5 to {most:g} m)"))
    return length


def _weight(plan: Plan, intent: Intent) -> Mention:
    """What hangs on the rope: the first thing named, else a kettlebell-sized iron ball; a
    thing that may shatter is refused."""
    thing = _thing(plan, intent)
    if thing is not None:
        _refuse_brittle(thing)
    if thing is None:
        stand_in = NOUNS["kettlebell"]
        thing = Mention(noun=stand_in, word="weight", index=0, material=stand_in.material)
        plan.claims.append(Claim("weight", "object", "stood_in", "no thing named to hang: an "
                                 "iron ball the size of a kettlebell plays it"))
    return thing


def _refuse_brittle(thing: Mention) -> None:
    if ac.brittle(thing):
        raise RefusedError(f"refused: a rope cannot yet be tied to a thing that may shatter "
                           f"('{thing.word}', {ac.material_of(thing)}); tie it to something "
                           "that does not break")


def _snap(plan: Plan, intent: Intent, rope: dict, word: str) -> None:
    """A weight tied to a slack rope from a beam, let go just under the hook's level a third
    of the rope's length away: it falls free until the rope goes taut, then swings."""
    length = _rope_length(plan, intent)
    _beam(plan, length)
    thing = _weight(plan, intent)
    height, radius = ac.height_of(thing, intent), ac.radius_of(thing, intent)
    # tied just off its side toward the hook: the slack loop hangs from there, clear of it
    tied = round(max(length / 3, 2.2 * length / rope["segments"]), 3)
    out = round(tied + radius + rope["radius"] + KNOT, 4)
    bottom = round(HOOK - 0.01 - height, 4)
    name = ac.add(plan, thing, intent, (out, 0.0, bottom),
                  f"held just under the hook's level, {out:g} m out, and let go")
    tie = [tied, 0.0, round(bottom + height / 2, 4)]
    plan.rope(f"a {length:g} m {word}, slack, from the beam to the {name}'s near side",
              name=word, start={"at": [0.0, 0.0, HOOK]}, end={"body": name, "at": tie},
              length=length, **rope)
    plan.check(f"it falls until the {word} goes taut", moves_less_than=name,
               distance=round(0.5 * length, 3), **{"not": True})
    floor_of_reach = HOOK - STRETCH * (length + radius) - height
    plan.check(f"the {word} holds it: it never drops past the {word}'s reach (+5%)",
               stays_within=name, min=[-5.0, -5.0, round(floor_of_reach, 3)],
               max=[5.0, 5.0, 10.0])
    plan.duration = 2.5
    middle = HOOK - 0.6 * length
    plan.camera = ({"position": [0.0, -round(2.2 * length + 1.2, 2), round(middle, 2)],
                    "look_at": [0.0, 0.0, round(middle, 2)], "fov": 40.0},
                   "side-on to the fall and the swing, the hook and the rope's reach in frame")


def _thing(plan: Plan, intent: Intent) -> Mention | None:
    """The first thing the prompt names (not a surface), counted once."""
    if not intent.actors:
        return None
    first, *others = intent.actors
    if first.count > 1:
        plan.claims.append(Claim(f"{first.count} x {first.word}", "object", "stood_in",
                                 f"one {first.word} is planned on the rope"))
    plan.claims += [Claim(m.word, "object", "dropped", "the rope scene holds one thing; "
                          f"'{first.word}' is planned") for m in others]
    return replace(first, count=1)
