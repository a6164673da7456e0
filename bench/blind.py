"""Claim recall on the blind set: each hand-annotated claim of a prompt, matched to the
planner's own claims (planner.trace.Claim) and counted by the fate the planner gave it.

An annotated claim is *recalled* when a planner claim of its kind names it with any fate but
`dropped` (and, for a counted object, with the same count). It is *told* when the planner
names it as `dropped`: the user hears of it. It is *unaccounted* when no planner claim names
it; an unaccounted claim in a plan reported verified is a *silent drop*, the failure this set
exists to catch. A faithful verified plan is an in-scope prompt that verified with every
annotated claim recalled.

The matching words below are this bench's own, written from English, not the planner's
tables, so that the planner is not judged by its own vocabulary.
"""
from __future__ import annotations

import re

# the annotation's events and the word stems a planner claim may use for each
EVENT_STEMS: dict[str, tuple[str, ...]] = {
    "fall": ("fall", "fell", "drop", "tumbl", "plummet", "land"),
    "shatter": ("shatter", "break", "broke", "smash", "crack", "splinter", "burst"),
    "topple": ("topple", "tip", "knock", "fall over", "falls over", "collaps", "overturn"),
    "bounce": ("bounc", "rebound"),
    "roll": ("roll",),
    "slide": ("slid", "slide", "skid", "glid"),
    "float": ("float", "bob", "drift"),
    "sink": ("sink", "sank", "sunk"),
    "spill": ("spill", "leak", "splash", "pour out", "pours out"),
    "pour": ("pour", "fill"),
    "splash": ("splash",),
    "swing": ("swing", "swung", "oscillat", "sway"),
    "collide": ("collid", "hit", "strik", "struck", "crash", "slam", "smash", "knock"),
    "through": ("through",),
    "into": ("into", "in"),
    "stays": ("stay", "still", "rest", "remain", "put", "survive"),
    "blown_out": ("blow", "blown", "out", "extinguish"),
    "flutter": ("flutter", "wave", "flap", "ripple"),
    "drape": ("drap", "cover", "settl"),
    "stop": ("stop", "halt", "rest"),
    "other": (),
}
ARRANGEMENT_WORDS = {"stack": ("stack", "tower", "pile"), "tower": ("stack", "tower", "pile"),
                     "pile": ("stack", "tower", "pile"), "row": ("row", "line"),
                     "line": ("row", "line"), "pyramid": ("pyramid", "triangle"),
                     "circle": ("circle", "ring"), "on_tray": ("tray",)}
NEGATIONS = frozenset({"not", "never", "without", "no", "doesn't", "don't", "won't", "isn't",
                       "survives", "survive", "intact", "whole", "unbroken"})
# words that deny one event by saying its opposite: a flame that keeps burning or stays lit
# is not blown out, as a glass that survives is not broken
DENIALS = {"blown_out": frozenset({"burning", "burns", "lit"})}
COUNTED = re.compile(r"^(\d+) x ")
FILLER = frozenset({"a", "an", "the", "of", "and", "to", "on", "in", "it", "its", "is", "are",
                    "by", "with", "at", "from", "not", "no", "off", "out", "over", "down",
                    "up", "into", "onto", "through", "across", "then", "but", "floor",
                    "ground", "table", "edge", "side", "bottom", "top", "water", "air",
                    "one", "other", "all", "them", "they", "each"})


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?|\d+", text.lower())


# the air named by its adjective
AIR_ADJECTIVES = {"wind": "windy", "breeze": "breezy", "gust": "gusty", "storm": "stormy"}


def forms(noun: str) -> set[str]:
    """A noun's last word in the singular and the plural forms English gives it."""
    last = words(noun)[-1] if words(noun) else noun.lower()
    out = {last, last + "s", last + "es"}
    if last.endswith("y"):
        out.add(last[:-1] + "ies")
    if last.endswith("f"):
        out.add(last[:-1] + "ves")
    if last.endswith("s"):
        out.add(last[:-1])
    return out


def expected(annotation: dict) -> list[dict]:
    """The annotated claims, with each object's arrangement as a claim of its own."""
    out = []
    for claim in annotation.get("claims", []):
        out.append(claim)
        if claim.get("kind") == "object" and claim.get("arrangement"):
            out.append({"kind": "arrangement", "noun": claim["noun"],
                        "arrangement": claim["arrangement"]})
    return out


def names(claim: dict, planned: dict, nouns: frozenset[str] = frozenset()) -> bool:
    """Whether the planner's claim `planned` ({text, kind, fate, detail}) is about `claim`;
    `nouns` are the prompt's annotated object nouns (no evidence of an event)."""
    kind, tokens = claim.get("kind"), words(planned["text"])
    if kind in ("object", "agent"):
        said = forms(claim["noun"])
        if kind == "agent":  # 'a windy day' names the wind
            said |= {AIR_ADJECTIVES[w] for w in said if w in AIR_ADJECTIVES}
        return planned["kind"] not in ("outcome", "camera") and bool(said & set(tokens))
    if kind == "arrangement":
        return planned["kind"] == "arrangement" and any(
            w in tokens for w in ARRANGEMENT_WORDS.get(claim["arrangement"], ()))
    if kind == "outcome":
        return planned["kind"] == "outcome" and _same_event(claim, planned["text"], nouns)
    if kind in ("setting", "camera"):
        wanted = "place" if kind == "setting" else "camera"
        return planned["kind"] == wanted and bool(set(words(claim["text"])) & set(tokens))
    return False


def _same_event(claim: dict, text: str, nouns: frozenset[str]) -> bool:
    planned, annotated = words(text), words(claim.get("text", ""))
    lowered = " ".join(planned)
    denials = DENIALS.get(claim.get("event"), frozenset())
    if bool((NEGATIONS | denials) & set(planned)) != bool(claim.get("negated")):
        return False
    if denials & set(planned):  # 'stays lit': the event, denied
        return True
    said = " ".join(annotated)
    if said and f" {said} " in f" {lowered} ":  # the annotator's very words ('off the edge of
        return True  # the desk'), though each is filler or a noun on its own
    stems = EVENT_STEMS.get(claim.get("event"), ())
    # the annotator's own verb for it ("knocked off the counter": "knocked"), not a noun
    shared = (set(annotated) & set(planned)) - FILLER - nouns
    # a short stem is a whole word ("in", "out"); a longer one a prefix ("bounc")
    return bool(shared) or any(re.search(rf"\b{re.escape(s)}" + (r"\b" if len(s) <= 3 else ""),
                                         lowered) for s in stems if s)


def score(annotation: dict, planned: list[dict], verified: bool) -> list[dict]:
    """Each expected claim of one prompt with its status: recalled, told or unaccounted."""
    rows = []
    nouns = frozenset(f for c in annotation.get("claims", []) if c.get("kind") == "object"
                      for w in words(c["noun"]) for f in forms(w))
    for claim in expected(annotation):
        hits = [p for p in planned if names(claim, p, nouns)]
        kept = [p for p in hits if p["fate"] != "dropped" and _count_ok(claim, p)]
        status = "recalled" if kept else "told" if hits else "unaccounted"
        rows.append({"claim": _label(claim), "status": status,
                     "silent": status == "unaccounted" and verified,
                     "fate": (kept or hits or [{"fate": None}])[0]["fate"]})
    return rows


def _count_ok(claim: dict, planned: dict) -> bool:
    if claim.get("kind") != "object":
        return True
    found = COUNTED.match(planned["text"])
    return int(found.group(1)) == claim.get("count", 1) if found else claim.get("count", 1) == 1


def _label(claim: dict) -> str:
    kind = claim.get("kind")
    if kind == "object":
        count = claim.get("count", 1)
        return f"object: {f'{count} x ' if count != 1 else ''}{claim.get('material') or ''} " \
               f"{claim['noun']}".replace("  ", " ")
    if kind == "arrangement":
        return f"arrangement: {claim['arrangement']} of {claim['noun']}"
    if kind == "outcome":
        return f"outcome: {claim.get('subject')} {'not ' if claim.get('negated') else ''}" \
               f"{claim.get('event')} ({claim.get('text', '')})"
    return f"{kind}: {claim.get('text') or claim.get('noun')}"


def summarise_claims(rows: list[dict]) -> dict:
    """Recall and silent drops over the in-scope prompts of a set whose rows carry `scored`."""
    inside = [r for r in rows if r.get("in_scope") is True]
    scored = [s for r in inside for s in r["scored"]]
    faithful = [r for r in inside if r["outcome"] == "verified"
                and all(s["status"] == "recalled" for s in r["scored"])]
    by_kind: dict[str, list[int]] = {}
    for s in scored:
        tally = by_kind.setdefault(s["claim"].split(":")[0], [0, 0])
        tally[0] += s["status"] == "recalled"
        tally[1] += 1
    return {
        "annotated_claims": len(scored),
        "claim_recall": round(sum(s["status"] == "recalled" for s in scored)
                              / max(len(scored), 1), 3),
        "claims_told_dropped": sum(s["status"] == "told" for s in scored),
        "claims_unaccounted": sum(s["status"] == "unaccounted" for s in scored),
        "silent_drops": sum(s["silent"] for s in scored),
        "faithful_verified": round(len(faithful) / max(len(inside), 1), 3),
        "recall_by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        "claim_misses": [{"prompt": r["prompt"][:90], "outcome": r["outcome"],
                          "missed": [f"{s['claim']} [{s['status']}]" for s in r["scored"]
                                     if s["status"] != "recalled"]}
                         for r in inside if any(s["status"] != "recalled" for s in r["scored"])],
    }
