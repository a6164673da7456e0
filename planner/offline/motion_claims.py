"""The prompt's motions as claims: a fall, a roll, a slide, a throw, a hit, a pour, a drive, a
spin, a pass through something, a swing, a flutter, a drape, a flame blown out, a stop, or an
end inside something ('rolls into the cup').

A motion is `checked` when the script has a check that tests it (a hit by `contacts`, a pour
by `pours_into`, a pass through by `passes_through`) and carries that check's verdict; it is
`planned` when the script holds what makes it happen and no check can test it (a drop height,
a push, a slope, a motor), saying which; it is `dropped` when nothing in the script makes it
happen.
"""
from __future__ import annotations

import re

from bridge.check_schema import check_kind
from bridge.schema import Scene
from planner.offline.lexicon import LIQUID_VERBS, NEGATORS
from planner.offline.parse import GROUND_NOUNS, Intent, noun_after, verb_words
from planner.trace import Claim, describe_results, result_subjects

# a flame said to burn on (the candles' planner reads the same words)
STAYS_LIT = r"\bstays? lit\b|\bremains? lit\b|\bkeeps? burning\b"
# the parser's motions, and the checks that test each one
WITNESSES: dict[str, tuple[str, ...]] = {
    "fall": (), "roll": (), "slide": (), "throw": (), "push": (), "knock": (), "spin": (),
    "drive": (), "hit": ("contacts",), "collide": ("contacts",), "pour": ("pours_into",),
}
LAUNCHES = ("push", "force", "set_velocity", "release")
SLOPES = frozenset({"ramp"})
RESTING = 0.005  # m: a body's bottom this high or lower stands on the ground


# outcomes the parser has no action for: the words that say each, the checks that test it,
# and what the script must hold for the words to mean that (a door swings on its hinge, a
# flag flutters, a flame goes out): without it the words mean something else ('a ball rolls
# back and forth in a bowl'), and no claim is made
RESULTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "swing": (r"\bsw(?:ing|ings|inging|ung)\b|\bsway\w*|back and forth|\boscillat\w*",
              ("swings",)),
    "flutter": (r"\bflutter\w*|\bflap\w*|\bbillow\w*", ("flutters",)),
    # 'a sheet dropped over a chair': where the scene holds cloth, that is its drape
    "drape": ((r"\bdrap(?:e|es|ed|ing)\b|\bsettl(?:e|es|ed|ing) (?:around|over)\b|"
               r"(?:(?<=dropped )|(?<=thrown )|(?<=tossed ))over (?:a|an|the) \w+"),
              ("drapes_over",)),
    # 'blows it out', 'blows the flame out', 'blew all three candles out'
    "blow out": ((r"\b(?:blow\w*|blew) (?:\w+ )?out\b(?! of\b)|\b(?:blow\w*|blew) (?:\w+ ){1,2}"
                  r"(?:candles?|flames?|match(?:es)?) out\b(?! of\b)|\bextinguish\w*|\bput out\b|"
                  r"\bgo(?:es)? out\b|\bwent out\b"), ("goes_out",)),
    "stay lit": (STAYS_LIT, ("stays_lit",)),
    # 'slides across the ice and stops', not 'a stopped car'
    "stop": ((r"\bto a (?:stop|halt|rest)\b|\bcomes? to rest\b|\bstops? (?:dead|on)\b|"
              r"(?:(?<=\band )|(?<=\bthen )|(?<=\bit )|(?<=\bfinally )|(?<=\beventually ))"
              r"(?:stops|halts)\b"),
             ("comes_to_rest",)),
    # a dish that stays on its table as the cloth goes stays put
    "stay": (r"\bstays? (?:put|still|in place|where it is)\b|\bdoes(?: not|n't) move\b",
             ("moves_less_than", "comes_to_rest", "stays_on")),
    "slosh": (r"\bslosh\w*", ("sloshes",)),
    # what is hit is thrown about: something moves further than a check's limit
    "fly": (r"\b(?:go(?:es)?|went|gone|sen[dt]s?) (?:\w+ )?flying\b", ("moves_less_than",)),
    # things knocked everywhere (a liquid that goes everywhere is a spill)
    "scatter": (r"\b(?:go(?:es)?|went|gone) everywhere\b", ("moves_less_than",)),
    # a lid let go falls shut, a door swings shut: it ends at rest on what it closes against
    # ('a closed box', 'the shut door': only how it stands)
    "shut": (r"(?<!\ba )(?<!\ban )(?<!\bthe )(?<!\bits )\b(?:shut|clos(?:es|ed|ing)|closes shut)\b",
             ("comes_to_rest",)),
    # what is poured in overflows: not all of it stays in the container
    "overflow": (r"\boverflow\w*|\b(?:spill|run)s? over (?:the|its) (?:rim|brim|top|sides?)\b",
                 ("pours_into",)),
}
NEEDS = {"swing": lambda s: bool(s.joints or s.ropes), "flutter": lambda s: bool(s.cloth),
         "drape": lambda s: bool(s.cloth), "blow out": lambda s: bool(s.flames),
         "stay lit": lambda s: bool(s.flames),
         "stop": lambda s: True, "stay": lambda s: True, "slosh": lambda s: bool(s.liquids),
         "overflow": lambda s: bool(s.liquids), "fly": lambda s: True,
         "scatter": lambda s: not s.liquids,
         "shut": lambda s: bool(s.joints)}
# an outcome denied, and the check that tests the denial in the affirmative
OPPOSITES = {"blow out": ("stays_lit",), "stay lit": ("goes_out",)}
# outcomes a check tests in its negative form ('overflows': not all of it ends inside)
NEGATIVE = frozenset({"overflow", "fly", "scatter"})
TO_AND_FRO = re.compile(r"back and forth|to and fro|oscillat\w*")
# what lets a thing do it when no check tests it: a door on its hinge swings
FREE_TO = {"swing": "joint", "flutter": "cloth", "drape": "cloth"}
CONTAINED = ("pours_into", "stays_within")  # checks that show a thing ends inside another


def motion_claims(intent: Intent, scene: Scene | None, results: list[dict]) -> list[Claim]:
    """One claim per motion the prompt names, in the prompt's words."""
    text = intent.text.lower()
    # one claim per outcome, in every phrase that says it ('drapes over the crate, settling
    # around it': 'drapes, settling around'), denied where its first phrase is
    claims = [_result(", ".join(dict.fromkeys(m.group(0) for m in found)), kind, scene,
                      results, denied_before(text, found[0].start()))
              for kind, (pattern, _) in RESULTS.items() if scene is None or NEEDS[kind](scene)
              if (found := list(re.finditer(pattern, text)))]
    claims += _into(intent, scene, results) + _off_or_across(intent, scene)
    for action in sorted(intent.actions & set(WITNESSES)):
        text, _ = verb_words(intent, action, False)
        claims.append(_claim(text, action, scene, results))
    if "through" in intent.relations and _through_object(intent):
        claims.append(_through(intent, scene, results))
    return claims


def _claim(text: str, action: str, scene: Scene | None, results: list[dict]) -> Claim:
    if scene is None:
        return Claim(text, "outcome", "dropped", "no valid script holds it")
    witnessed = [r for r in results if r.get("check") in WITNESSES[action]
                 and not r.get("negated")]
    if witnessed and any(r.get("passed") is not None for r in witnessed):
        return Claim(text, "outcome", "checked", describe_results(witnessed))
    cause = CAUSES[action](scene)
    if cause:
        return Claim(text, "outcome", "planned", f"{cause}; no check tests the {action} itself")
    return Claim(text, "outcome", "dropped", f"nothing in the script makes anything {action}")


def _launch(scene: Scene) -> str:
    """What sets a body moving: an event's push, force, velocity or release, or a start speed."""
    for event in scene.events:
        kind = next((k for k in LAUNCHES if getattr(event, k, None) is not None), None)
        if kind:
            target = getattr(event, kind)
            return f"a {kind.replace('_', ' ')} event on {getattr(target, 'body', target)}"
    moving = next((b.name for b in scene.bodies if any(b.velocity)), None)
    if moving:
        return f"{moving} starts moving"
    tipped = next((j.a for j in scene.joints if j.motor is not None), None)
    if tipped:
        return f"a motor turns {tipped}"
    return "the script's wind blows on it" if scene.wind else ""


def _height(scene: Scene) -> str:
    """A free body that starts above the ground falls."""
    raised = [b for b in scene.all_bodies() if not b.static and b.position[2] > RESTING]
    if not raised:
        return ""
    top = max(raised, key=lambda b: b.position[2])
    return f"{top.name} starts {top.position[2]:.2f} m up"


def _fall(scene: Scene) -> str:
    cloth = next((c.name for c in scene.cloth if c.pinned == "none"), None)  # a dropped sheet
    return _height(scene) or _launch(scene) or ("an event spawns a body" if any(
        e.spawn for e in scene.events) else "") or (f"the cloth {cloth} starts above what it "
                                                   "covers" if cloth else "")


def _along(scene: Scene) -> str:
    """A roll or a slide: down a slope, or launched (a push, or a motor that tips a tray)."""
    slope = next((b.name for b in scene.bodies if b.asset in SLOPES), None)
    return f"down {slope}" if slope else _launch(scene) or _height(scene)


def _spin(scene: Scene) -> str:
    spinning = next((b.name for b in scene.bodies if any(b.angular_velocity)), None)
    return f"{spinning} starts spinning" if spinning else _launch(scene)


def _drive(scene: Scene) -> str:
    driven = next((e for e in scene.events if getattr(e, "drive", None) is not None), None)
    return "a drive event turns the wheels" if driven else _launch(scene)


def _hit(scene: Scene) -> str:
    return _launch(scene) or _height(scene)


def _pour(scene: Scene) -> str:
    return f"the script's liquid {scene.liquids[0].name}" if scene.liquids else ""


CAUSES = {"fall": _fall, "roll": _along, "slide": _along, "throw": _launch, "push": _launch,
          "knock": _hit, "spin": _spin, "drive": _drive, "hit": _hit, "collide": _hit,
          "pour": _pour}


# a thing pushed 'off the edge of the desk' falls from it; one pushed 'across the table' slides
LEAVING = {"off": "fall", "across": "slide"}
MOVERS = frozenset({"push", "knock", "slide", "roll", "throw", "fall", "hit"})
# the words that may stand between 'off' and the thing left: 'off the very edge of the desk'
ON_THE_WAY = frozenset({"the", "a", "an", "its", "his", "her", "their", "my", "edge", "of",
                        "side", "top", "end", "very", "far", "wooden", "kitchen", "dining"})
SHOVES = frozenset({"push", "slide", "knock"})  # what sends a thing 'across the table'
NEAR_INTO = 3  # tokens from 'into' to the noun of a thing hit ('into a brick wall')


def _off_or_across(intent: Intent, scene: Scene | None) -> list[Claim]:
    """'knocked off the edge of the desk': a fall from it; 'pushed across the table': a
    slide along it (a liquid that spreads across the floor is a spill, claimed as one)."""
    if not intent.actions & MOVERS:
        return []
    claims = []
    tokens = intent.tokens
    for at, word in enumerate(tokens):
        end = _left(intent, at) if word in LEAVING else None
        if end is None or not set(tokens[at + 1:end]) <= ON_THE_WAY or \
                LIQUID_VERBS & set(tokens[max(0, at - 4):at]) or \
                (word == "across" and not intent.actions & SHOVES):
            continue
        action = "roll" if word == "across" and "roll" in intent.actions else LEAVING[word]
        claims.append(_claim(" ".join(tokens[at:end + 1]), action, scene, []))
    return claims


def _left(intent: Intent, at: int) -> int | None:
    """Where the object or floor after 'off' or 'across' at `at` stands, if one does."""
    end = noun_after(intent, at + 1, 6)
    floor = next((i for i in range(at + 1, min(at + 6, len(intent.tokens)))
                  if intent.tokens[i] in GROUND_NOUNS), None)
    return min((i for i in (end, floor) if i is not None), default=None)


def _through_object(intent: Intent) -> str | None:
    """The words from 'through' to the object's noun ('through a brick wall'), or None when no
    object follows ('through the air')."""
    at = intent.tokens.index("through")
    end = noun_after(intent, at + 1)
    if end is None:
        return None
    if end + 1 < len(intent.tokens) and intent.tokens[end + 1] == "wall":  # "a brick wall"
        end += 1
    return " ".join(intent.tokens[at:end + 1])


def _through(intent: Intent, scene: Scene | None, results: list[dict]) -> Claim:
    text = _through_object(intent)
    passes = [r for r in results if r.get("check") == "passes_through" or (
        r.get("check") == "moves_less_than" and r.get("negated") and _knocked_out(r, intent))
        or (r.get("check") == "shatters" and not r.get("negated") and _broken_through(r, text))]
    if passes and any(r.get("passed") is not None for r in passes):
        return Claim(text, "outcome", "checked", describe_results(passes))
    return Claim(text, "outcome", "dropped", "no check that it passes through"
                 if scene is not None else "no valid script holds it")


def _broken_through(result: dict, text: str) -> bool:
    """'thrown through a window' that breaks: the window's own shatters check shows it."""
    return any(name.split("_")[0] in text.split() for name in result_subjects(result))


def _knocked_out(result: dict, intent: Intent) -> bool:
    """A check that a piece of the wall (or pile) gone through is knocked out of it."""
    names = result_subjects(result)
    pieces = {m.asset for m in intent.mentions} & {"brick", "block", "box", "can", "crate"}
    return any(n.startswith(p) for n in names for p in pieces)


def _result(text: str, kind: str, scene: Scene | None, results: list[dict],
            denied: bool) -> Claim:
    checks, negated = RESULTS[kind][1], denied != (kind in NEGATIVE)
    if denied and kind in OPPOSITES:  # 'does not go out' is what a stays_lit check tests
        checks, negated = OPPOSITES[kind], False
    own = [r for r in results if r.get("check") in checks and bool(r.get("negated")) == negated]
    if kind == "shut":  # a hinged body at rest against what it closes on, not any body at rest
        own = [r for r in own if set(result_subjects(r)) & _closers(scene)]
    if own and any(r.get("passed") is not None for r in own):
        return Claim(text, "outcome", "checked", describe_results(own))
    if scene is not None and not results and any(check_kind(e) in checks
                                                 for e in scene.expect) and \
            (kind != "shut" or _closers(scene)):
        return Claim(text, "outcome", "planned", "its check is in the script but did not run")
    if scene is not None and kind == "swing" and not denied and _stopped(text, scene):
        return Claim(text, "outcome", "dropped", "its hinges open to a stop and nothing turns "
                     "them back: nothing swings to and fro")
    if scene is not None and kind in FREE_TO and not denied:
        return Claim(text, "outcome", "planned", f"the script's {FREE_TO[kind]} is free to "
                     f"{kind}; no {checks[0]} check tests it")
    return Claim(text, "outcome", "dropped", f"no {'not ' if negated else ''}"
                 f"{' or '.join(checks)} check in the script"
                 if scene is not None else "no valid script holds it")


def _closers(scene: Scene | None) -> set[str]:
    """The hinged bodies the script checks to come to rest against something."""
    if scene is None:
        return set()
    hinged = {j.a for j in scene.joints if j.type == "hinge"}
    return {e.comes_to_rest for e in scene.expect if getattr(e, "comes_to_rest", None)
            and e.on is not None and e.comes_to_rest in hinged}


def _stopped(words: str, scene: Scene) -> bool:
    """A to-and-fro swing ('flapping back and forth') said of hinges that each open to a
    stop, with no rope or spring to bring them back: a door shoved open stays open."""
    hinges = [j for j in scene.joints if j.type == "hinge"]
    return bool(TO_AND_FRO.search(words) and hinges and not scene.ropes
                and all(j.limits is not None for j in hinges)
                and not any(j.type == "spring" for j in scene.joints))


def says_it_stops(text: str) -> bool:
    """The prompt has it come to a stop ('slides and stops', 'rolls to a halt'), undenied."""
    said = re.search(RESULTS["stop"][0], text)
    return said is not None and not denied_before(text, said.start())


def denied_before(text: str, at: int) -> bool:
    """A negator among the three words before position `at` ('never comes to rest')."""
    return bool(NEGATORS & set(text[:at].split()[-3:]))


def _into(intent: Intent, scene: Scene | None, results: list[dict]) -> list[Claim]:
    """'rolls into the cup', 'poured into a mug', 'tossed into a pond': it ends inside."""
    claims = []
    tokens = intent.tokens
    waters = set((intent.water or "").split())
    for at in (i for i, t in enumerate(tokens) if t == "into"):
        for end in range(at + 1, min(at + 7, len(tokens))):  # "into the top corner of the net"
            word = tokens[end]
            mention = next((m for m in intent.mentions if word in (
                m.word.split()[-1], m.word.split()[-1] + "s")), None)
            if word in waters or mention is not None:
                break
        else:
            continue
        if end + 1 < len(tokens) and tokens[end + 1] == "wall":  # "into a brick wall"
            end += 1
        text = " ".join(tokens[at:end + 1])
        if word in waters:
            claims.append(_into_water(text, scene))
        elif mention.asset in INSIDE:
            claims.append(_into_container(text, mention.asset, scene, results))
        # 'rolls into a box' (nothing ends inside a solid one); 'swings into a wall' (a hit
        # unsaid)
        elif mention.asset in SOLID_TARGETS or (
                end - at <= NEAR_INTO and "of" not in tokens[at:end]
                and not intent.actions & {"hit", "collide"}):
            claims.append(_claim(text, "hit", scene, results))
    return claims


# what a thing can end up inside: containers and goals
INSIDE = frozenset({"cup", "mug", "tumbler", "wine_glass", "bowl", "bottle", "vase",
                    "basketball_hoop", "soccer_goal", "tray"})
# boxes, crates and cans are solid in the library: a thing that goes into one runs into it
SOLID_TARGETS = frozenset({"box", "crate", "can"})


def _into_water(text: str, scene: Scene | None) -> Claim:
    water = scene.water[0] if scene is not None and scene.water else None
    if water is None:
        return Claim(text, "outcome", "dropped", "no water in the script")
    top = water.region.max[2]
    dropped = [b.name for b in scene.bodies if b.position[2] >= top - 0.05 and not b.static]
    if dropped:
        return Claim(text, "outcome", "planned", f"{', '.join(dropped[:4])} start over the "
                     f"{water.name}; floats and sinks are checked on their own")
    return Claim(text, "outcome", "dropped", f"nothing starts over the {water.name}")


def _into_container(text: str, asset: str, scene: Scene | None, results: list[dict]) -> Claim:
    if scene is None:
        return Claim(text, "outcome", "dropped", "no valid script holds it")
    names = {b.name for b in scene.bodies if b.asset == asset}
    own = [r for r in results if not r.get("negated") and names & set(_mentioned(r))]
    # in through its opening (a goal's mouth, a cup's rim) is into it, whether or not it stays
    inside = [r for r in own if r.get("check") in CONTAINED + ("passes_through",)]
    if inside and any(r.get("passed") is not None for r in inside):
        return Claim(text, "outcome", "checked", describe_results(inside))
    reached = [r for r in own if r.get("check") == "contacts"]
    if reached:  # a bounce off the rim passes too: said, not claimed as checked
        return Claim(text, "outcome", "planned", f"{describe_results(reached)}; it reaches the {asset}, "
                     "and nothing checks that it stays inside")
    if names:
        return Claim(text, "outcome", "planned", f"the {asset} is in the script; nothing checks "
                     "that it ends inside")
    return Claim(text, "outcome", "dropped", f"no {asset} in the script to end in")


def _mentioned(result: dict) -> list[str]:
    """The body names a check result speaks of: its subject and its detail's words."""
    return result_subjects(result) + re.findall(r"[a-z0-9_]+", str(result.get("detail", "")))
