"""The claim checker: every object and outcome a prompt names, held against the last script and
its checks' results, as claims with fates (planner.trace.Claim).

An object is `planned` when the script has as many bodies of its kind (and of its material,
when the prompt names one) as the prompt asks for, else `dropped` with what the script has
instead. An outcome with a check ("shatters", "does not bounce") is `checked` when the script
checks it the way the prompt says it (negated or not) and carries that check's result; else it
is `dropped`. The scenarios' own claims (stand-ins, things left out) come first and are not
repeated here.
"""
from __future__ import annotations

from bridge.assets.registry import ASSETS
from bridge.schema import Scene
from planner.offline import lexicon as lx
from planner.offline.parse import Intent, Mention
from planner.trace import Claim

# parser outcome -> the check that tests it; a spill is a `liquid_stays_in` that fails
OUTCOME_CHECKS = {"shatter": "shatters", "topple": "falls_over", "bounce": "bounces",
                  "float": "floats", "sink": "sinks", "spill": "liquid_stays_in"}
# for a spill the check is negated when the outcome happens, for the others when it does not
INVERTED = frozenset({"spill"})
AUXILIARIES = frozenset({"do", "does", "did", "will", "would", "should"})


def prompt_claims(intent: Intent, scene: Scene | None, results: list[dict],
                  taken: set[str]) -> list[Claim]:
    """The objects and outcomes of `intent` against `scene` (None: no valid script) and the
    results of its checks; words in `taken` already have a claim."""
    return [*_object_claims(intent, scene, taken), *_liquid_claims(intent, scene, taken),
            *_outcome_claims(intent, scene, results)]


def _object_claims(intent: Intent, scene: Scene | None, taken: set[str]) -> list[Claim]:
    claims = []
    for mention in _distinct(intent.mentions):
        if mention.noun.stand_in or mention.word in taken:
            continue
        text = _words(mention)
        found = [b for b in (scene.bodies if scene else []) if b.asset == mention.asset]
        wanted = mention.material
        made_of = [b for b in found if (b.material or ASSETS[b.asset].material) == wanted]
        if wanted and found and not made_of:
            claims.append(Claim(text, "object", "dropped", f"the script's {found[0].name} is "
                                f"{found[0].material or ASSETS[found[0].asset].material}, "
                                f"not {wanted}"))
        elif len(made_of if wanted else found) >= mention.count:
            names = ", ".join(b.name for b in (made_of if wanted else found)[:4])
            claims.append(Claim(text, "object", "planned", f"in the script as {names} "
                                f"({mention.asset}); present, so nothing checks it"))
        else:
            have = len(made_of if wanted else found)
            claims.append(Claim(text, "object", "dropped", (
                f"asked for {mention.count}, the script has {have}") if have else
                f"no {mention.asset} in the script"))
    return claims


def _liquid_claims(intent: Intent, scene: Scene | None, taken: set[str]) -> list[Claim]:
    """Each liquid the prompt names (by its word), and the body of water it names."""
    named = {m.liquid for m in intent.mentions if m.liquid} | (
        {intent.liquid} if intent.liquid else set())
    kinds = {liquid.liquid for liquid in (scene.liquids if scene else [])}
    claims = [Claim(word, "object", "planned", f"in the script as a liquid of {kind}")
              if (kind := lx.LIQUIDS.get(word, (word,))[0]) in kinds else
              Claim(word, "object", "dropped", f"no {kind} in the script")
              for word in sorted(named - taken)]
    unread = [w for w in lx.WATERS if " " not in w and w in intent.tokens and w not in taken]
    if intent.water is None and unread:  # "dropped into a pool" without water or floating
        claims.append(Claim(unread[0], "object", "dropped", "not read as a body of water: say "
                            f"'a {unread[0]} of water' or what floats or sinks in it"))
    if intent.water and intent.water not in taken:
        claims.append(Claim(intent.water, "object", "planned", "the script's water region")
                      if scene is not None and scene.water else
                      Claim(intent.water, "object", "dropped", "no water region in the script"))
    return claims


def _outcome_claims(intent: Intent, scene: Scene | None, results: list[dict]) -> list[Claim]:
    claims = []
    for outcome in sorted((intent.actions | intent.negated) & set(OUTCOME_CHECKS)):
        denied = outcome in intent.negated
        check = OUTCOME_CHECKS[outcome]
        negated = denied != (outcome in INVERTED)
        text = _words_for(intent, outcome, denied)
        if outcome == "spill" and denied:
            claims.append(Claim(text, "outcome", "planned", "no check turns a spill around: "
                                "the script asks for none and nothing checks it"))
            continue
        matching = [r for r in results if r.get("check") == check
                    and bool(r.get("negated")) == negated]
        if not matching:
            claims.append(Claim(text, "outcome", "dropped", f"no {'not ' if negated else ''}"
                                f"{check} check in the script" if scene else
                                "no valid script checked it"))
            continue
        claims.append(Claim(text, "outcome", "checked", "; ".join(
            f"check {'not ' if negated else ''}{check} on {_subject(r)}: "
            f"{_verdict(r.get('passed'))} ({r.get('detail', '')})" for r in matching)))
    return claims


def _distinct(mentions: list[Mention]) -> list[Mention]:
    """One mention per word and material, the largest count kept."""
    best: dict[tuple, Mention] = {}
    for m in mentions:
        key = (m.word, m.material)
        if key not in best or m.count > best[key].count:
            best[key] = m
    return list(best.values())


def _words(mention: Mention) -> str:
    said = {lx.MATERIAL_WORDS.get(w) for w in mention.word.split()}  # "wooden block"
    material = f"{mention.material} " if mention.material not in said | {None} else ""
    count = f"{mention.count} x " if mention.count > 1 else ""
    return f"{count}{material}{mention.word}"


def _words_for(intent: Intent, outcome: str, denied: bool) -> str:
    """The prompt's own words for the outcome ("breaks", "without cracking"), else its name."""
    stems = [stem for stem, action in lx.VERBS.items() if action == outcome]
    at = next((i for i, t in enumerate(intent.tokens) if any(t.startswith(s) for s in stems)),
              None)
    if at is None:
        return f"not {outcome}" if denied else outcome
    before = [i for i in range(max(0, at - 3), at) if intent.tokens[i] in lx.NEGATORS]
    start = before[-1] if denied and before else at
    if denied and start > 0 and intent.tokens[start - 1] in AUXILIARIES:  # "does not break"
        start -= 1
    return " ".join(intent.tokens[start:at + 1])


def _subject(result: dict) -> str:
    subject = result.get("subject")
    return ", ".join(map(str, subject)) if isinstance(subject, list) else str(subject)


def _verdict(passed: bool | None) -> str:
    return {True: "passed", False: "FAILED", None: "could not be checked"}[passed]
