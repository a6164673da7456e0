"""The claim checker: every object and outcome a prompt names, held against the last script and
its checks' results, as claims with fates (planner.trace.Claim).

An object is `planned` when the script has as many bodies of its kind (and of its material,
when the prompt names one) as the prompt asks for, else `dropped` with what the script has
instead. An outcome with a check ("shatters", "does not bounce") is `checked` when the script
checks it the way the prompt says it (negated or not) and carries that check's result; else it
is `dropped`; a check that could not run leaves it `planned`. A break of nothing brittle is
`dropped` (the engine breaks glass and ceramics, not wood) unless the verb takes an object
("breaks the rack", "smashes into"): a hard hit, `planned`. A denied break of nothing brittle,
a denied spill and a weightless float are `planned`: true by the physics, and unchecked. The
scenarios' own claims (stand-ins, things left out) come first and are not repeated here.
"""
from __future__ import annotations

import re

from bridge.assets.registry import ASSETS, default_material
from bridge.materials import MATERIALS
from bridge.schema import Scene
from planner.offline import fabric, vehicles
from planner.offline import lexicon as lx
from planner.offline.air_claims import air_claims
from planner.offline.layout import SPHERES
from planner.offline.motion_claims import motion_claims
from planner.offline.parse import Intent, Mention, verb_words
from planner.offline.rig_claims import rig_claims
from planner.offline.shot_claims import arrangement_claim, camera_claims
from planner.offline.unread import unread_claims
from planner.offline.unread_events import unread_events
from planner.trace import Claim, describe_results

# parser outcome -> the check that tests it; a spill is a `liquid_stays_in` that fails
OUTCOME_CHECKS = {**{o: c for o, c in lx.NEGATABLE.items() if c}, "spill": "liquid_stays_in"}
# for a spill the check is negated when the outcome happens, for the others when it does not
INVERTED = frozenset({"spill"})
KEPT_IN = 0.95  # the share of a liquid a check must keep in for 'no juice comes out'
# a number with one of these before its noun measures it ("a 20° incline"): it counts nothing
UNITS = r"(°|deg\w*|cm|mm|m|metres?|meters?|%|kg|g|s|seconds?)"
# words after "break" or "smash" that make it a hit: "breaks the rack", "a break shot"
HIT_WORDS = frozenset({"the", "a", "an", "into", "through", "against", "on", "onto", "its",
                       "shot"})


def draft_claims(draft, scene: Scene | None, results: list[dict]) -> list[Claim]:
    """An offline draft's own claims, then the prompt's against `scene` and `results`."""
    own = list(getattr(draft, "claims", []))
    intent = getattr(draft, "intent", None)
    if intent is None:
        return own
    # a place's words name an object too ("a hoop": the court, and the hoop in it)
    claims = own + prompt_claims(intent, scene, results,
                                 {c.text for c in own if c.kind != "place"})
    claims += unread_claims(intent, claims)
    return claims + unread_events(intent, claims)


def prompt_claims(intent: Intent, scene: Scene | None, results: list[dict],
                  taken: set[str]) -> list[Claim]:
    """The objects and outcomes of `intent` against `scene` (None: no valid script) and the
    results of its checks; words in `taken` already have a claim."""
    return [*_object_claims(intent, scene, taken), *_liquid_claims(intent, scene, taken),
            *_ground_claim(intent, scene), *_vehicle_claims(intent, scene, taken),
            *air_claims(intent, scene, taken), *rig_claims(intent, scene, _words_of(taken)),
            *arrangement_claim(intent, scene, taken), *_outcome_claims(intent, scene, results),
            *_puddle_claims(intent, scene, results), *motion_claims(intent, scene, results),
            *camera_claims(intent, scene)]


def _puddle_claims(intent: Intent, scene: Scene | None, results: list[dict]) -> list[Claim]:
    """'spreads into a puddle': the puddle a script checks for is the spill's outcome, its
    check the puddle check; one the script does not check ('a car drives through a puddle')
    is left an object the planner cannot read."""
    word = next((w for w in intent.tokens if w in ("puddle", "puddles")), None)
    if word is None or scene is None or not any(getattr(e, "puddle", None)
                                                for e in scene.expect):
        return []
    matching = [r for r in results if r.get("check") == "puddle"]
    if not matching:
        return [Claim(word, "outcome", "planned", "no check ran (the simulation failed)")]
    return [_judged(word, matching)]


def _object_claims(intent: Intent, scene: Scene | None, taken: set[str]) -> list[Claim]:
    claims = []
    # a clothes airer's rail and posts are boxes, not the boxes a prompt names
    bodies = [b for b in (scene.bodies if scene else [])
              if b.asset and re.sub(r"_\d+$", "", b.name) not in fabric.RACK_PARTS]
    for mention in _distinct(intent.mentions):
        if mention.noun.stand_in or mention.word in taken or _built_wall(intent, mention):
            continue
        # "a bowling ball" is a bowling_ball: an asset named for its kind counts as one
        found = [b for b in bodies
                 if b.asset == mention.asset or b.asset.endswith(f"_{mention.asset}")
                 or (mention.asset == "ball" and b.asset in SPHERES)]  # "the ball": any kind
        wanted = mention.material
        if mention.word in lx.MATERIAL_WORDS:  # "the glass shatters": the pane of glass
            wanted = lx.MATERIAL_WORDS[mention.word]
            found = found or [b for b in bodies if _material(b) == wanted]
        kept = [b for b in found if _material(b) == wanted] if wanted else found
        noun = re.escape(mention.word.split()[0])
        measured = re.search(rf"\b{mention.count}\s*{UNITS}\s*{noun}", intent.text.lower())
        count = 1 if measured else mention.count
        claims.append(_object_claim(_words(mention, count), mention, found, kept, wanted, count))
    return claims


def _object_claim(text: str, mention: Mention, found: list, kept: list, wanted: str | None,
                  count: int) -> Claim:
    if wanted and found and not kept:
        return Claim(text, "object", "dropped", f"the script's {found[0].name} is "
                     f"{_material(found[0])}, not {wanted}")
    if len(kept) >= count:
        names = ", ".join(b.name for b in kept[:4])
        return Claim(text, "object", "planned", f"in the script as {names} ({kept[0].asset}); "
                     "present, so nothing checks it")
    return Claim(text, "object", "dropped", f"asked for {count}, the script has {len(kept)}"
                 if kept else f"no {mention.asset} in the script")


def _vehicle_claims(intent: Intent, scene: Scene | None, taken: set[str]) -> list[Claim]:
    """Each vehicle the prompt names ('a sedan'), held against the script's hulls."""
    claims = []
    hulls = {b.name for b in (scene.bodies if scene else [])}
    named = vehicles.named(intent)
    for word, kind in named:
        if word in taken or word == intent.water:  # "water in a tank": the water's tank
            continue
        held = sorted(n for n in hulls if n == kind or re.fullmatch(rf"{kind}_\d+", n))
        # 'a row of 5 cars': as many as the script parks, where the word is plural; less
        # those of its kind named alone ('a car jumps onto 3 parked cars')
        alone = sum(1 for w, k in named if k == kind and not vehicles.plural(w))
        count = len(held) - alone if vehicles.plural(word) else 1
        text = f"{count} x {word}" if count > 1 else word
        claims.append(Claim(text, "object", "planned", f"in the script as the {kind} "
                            f"{', '.join(held[:6])} on its wheels") if held else
                      Claim(word, "object", "dropped", f"no {kind} in the script"))
    return claims


def _words_of(texts: set[str]) -> set[str]:
    """The single words of claim texts, and the texts themselves."""
    return texts | {w for t in texts for w in t.split()}


def _ground_claim(intent: Intent, scene: Scene | None) -> list[Claim]:
    """The floor the prompt names by its material ('onto a tiled floor')."""
    if not intent.ground_material:
        return []
    ground = scene.world.ground if scene is not None else None
    if ground is not None and ground.material == intent.ground_material:
        return [Claim(intent.ground_words, "object", "planned",
                      f"the ground is {ground.material}")]
    return [Claim(intent.ground_words, "object", "dropped", "the ground is " + (
        ground.material if ground is not None else "missing") + f", not {intent.ground_material}")]


def _liquid_claims(intent: Intent, scene: Scene | None, taken: set[str]) -> list[Claim]:
    """Each liquid the prompt names (by its word), and the body of water it names."""
    # a word inside an object's name is no liquid or water: a wine glass, a pool table
    in_names = {t for m in intent.mentions for t in m.word.split()} | {
        t for i, t in enumerate(intent.tokens) if _names_object(intent, i + 1)}
    named = {m.liquid for m in intent.mentions if m.liquid} | (
        {intent.liquid} if intent.liquid and intent.liquid not in in_names else set())
    kinds = {liquid.liquid for liquid in (scene.liquids if scene else [])}
    claims = [Claim(word, "object", "planned", f"in the script as a liquid of {kind}")
              if (kind := lx.LIQUIDS.get(word, (word,))[0]) in kinds else
              Claim(word, "object", "dropped", f"no {kind} in the script")
              for word in sorted(named - taken)]
    bodies = {word for b in (scene.bodies if scene else []) for word in (b.name, b.asset)}
    unread = [t for t in intent.tokens if t in lx.WATERS and t not in taken | in_names | bodies]
    if intent.water is None and unread:  # "dropped into a pool" without water or floating
        claims.append(Claim(unread[0], "object", "dropped", "not read as a body of water: say "
                            f"'a {unread[0]} of water' or what floats or sinks in it"))
    if intent.water and intent.water not in taken:
        # 'a tank of water', 'a cooler full of ice water' name the water too, not only
        # where it stands
        said = next((phrase for joint in ("of", "full of", "filled with")
                     for w in ("ice water", "water")
                     if intent.has(phrase := f"{intent.water} {joint} {w}")), intent.water)
        claims.append(Claim(said, "object", "planned", "the script's water region")
                      if scene is not None and scene.water else
                      Claim(said, "object", "dropped", "no water region in the script"))
    return claims


def _outcome_claims(intent: Intent, scene: Scene | None, results: list[dict]) -> list[Claim]:
    claims = []
    for outcome in sorted((intent.actions | intent.negated) & set(OUTCOME_CHECKS)):
        denied = outcome in intent.negated
        text, at = verb_words(intent, outcome, denied)
        unchecked = _unchecked(intent, scene, outcome, denied, at)
        if unchecked is not None:
            claims.append(Claim(text, "outcome", *unchecked))
        else:
            claims.append(_outcome_claim(text, outcome, denied, scene, results))
    return claims


def _unchecked(intent: Intent, scene: Scene | None, outcome: str, denied: bool,
               at: int | None) -> tuple[str, str] | None:
    """(fate, detail) of an outcome no check can test here, or None when a check should."""
    if outcome == "spill" and denied and not _kept_in(scene):
        return "planned", "no check turns a spill around: the script asks for none"
    if outcome == "float" and intent.zero_g:
        return "planned", "floating weightless: there is no buoyancy to check"
    if outcome != "shatter" or _breakable(intent, scene):
        return None
    if denied:
        return "planned", "nothing named is brittle, so nothing can break; not checked"
    following = intent.tokens[at + 1] if at is not None and at + 1 < len(intent.tokens) else ""
    if following in HIT_WORDS:  # "breaks the rack", "smashes into a tower"
        return "planned", "read as a hard hit: nothing named is brittle (glass, ceramic)"
    return "dropped", ("nothing named is brittle: the engine breaks glass, ceramics and "
                       "other brittle materials, not these")


def _kept_in(scene: Scene | None) -> bool:
    """Whether the script checks a liquid to stay in its container for the whole shot."""
    return scene is not None and any(map(_keeps_in, scene.expect))


def _keeps_in(check) -> bool:
    """A check that nearly all of a liquid stays in for the whole shot (until a break, or
    70% of it, is no 'without spilling')."""
    return bool(getattr(check, "liquid_stays_in", None)) and not check.not_ and \
        not check.until_fracture and check.fraction >= KEPT_IN


def _outcome_claim(text: str, outcome: str, denied: bool, scene: Scene | None,
                   results: list[dict]) -> Claim:
    check = OUTCOME_CHECKS[outcome]
    negated = denied != (outcome in INVERTED)
    matching = [r for r in results if r.get("check") == check
                and bool(r.get("negated")) == negated]
    if outcome == "topple" and not negated and _piled(scene):  # a pile whose top comes down
        matching += [r for r in results if r.get("check") == "moves_less_than"
                     and r.get("negated")]
    if outcome == "spill" and denied:  # only what keeps it in for the whole shot
        matching = [r for e, r in zip(scene.expect, results) if _keeps_in(e)] if scene else []
    elif outcome == "spill":  # a spill after the break, or the puddle, shows it too
        matching += [r for r in results if r.get("check") == "puddle" or (
            r.get("check") == check and not r.get("negated") and _until_fracture(scene))]
    if not matching:
        if scene is not None and scene.expect and not results:
            return Claim(text, "outcome", "planned", "no check ran (the simulation failed)")
        return Claim(text, "outcome", "dropped", f"no {'not ' if negated else ''}{check} check "
                     "in the script" if scene else "no valid script checked it")
    return _judged(text, matching)


def _judged(text: str, matching: list[dict]) -> Claim:
    """An outcome's claim from the results of the checks that test it (at least one)."""
    if all(r.get("passed") is None for r in matching):
        return Claim(text, "outcome", "planned", "its check could not be evaluated: " +
                     "; ".join(str(r.get("detail", "")) for r in matching))
    return Claim(text, "outcome", "checked", describe_results(matching))


def _material(body) -> str:
    return body.material or default_material(body.asset)


def _breakable(intent: Intent, scene: Scene | None) -> bool:
    """Whether anything named or in the script is of a brittle material."""
    named = {m.material or m.noun.material or ASSETS[m.asset].material
             for m in intent.mentions if m.asset in ASSETS}
    scripted = {_material(b) for b in (scene.bodies if scene else []) if b.asset}
    return any(MATERIALS[name].brittle for name in named | scripted if name in MATERIALS)


def _built_wall(intent: Intent, mention: Mention) -> bool:
    """'a wall of bricks', 'a wall of boxes': the wall is their arrangement, claimed as one
    (the parser names a 'wall' arrangement only for one built of pieces)."""
    return mention.asset == "wall" and intent.arrangement == "wall"


def _piled(scene: Scene | None) -> bool:
    """Whether the script stacks bodies: some body starts on top of another of its kind."""
    bodies = [b for b in (scene.bodies if scene else []) if b.asset and not b.static]
    return any(a.asset == b.asset and a.position[2] > b.position[2] + 0.005
               and abs(a.position[0] - b.position[0]) < 0.2 for a in bodies for b in bodies)


def _until_fracture(scene: Scene | None) -> bool:
    """The script checks a liquid stays in until its container breaks (and spills then)."""
    return scene is not None and any(getattr(e, "until_fracture", False) for e in scene.expect)


def _names_object(intent: Intent, index: int) -> bool:
    """Whether the token at `index` starts an object's name ("pool table", "water bottle")."""
    return index < len(intent.tokens) and any(
        m.word.split()[0] == intent.tokens[index] for m in intent.mentions)


def _distinct(mentions: list[Mention]) -> list[Mention]:
    """One mention per word and material, the largest count kept."""
    best: dict[tuple, Mention] = {}
    for m in mentions:
        key = (m.word, m.material)
        if key not in best or m.count > best[key].count:
            best[key] = m
    return list(best.values())


def _words(mention: Mention, count: int) -> str:
    said = {lx.MATERIAL_WORDS.get(w) for w in mention.word.split()}  # "wooden block"
    material = f"{mention.material} " if mention.material not in said | {None} else ""
    return f"{f'{count} x ' if count > 1 else ''}{material}{mention.word}"
