"""The LLM's own claims: what the model says the prompt asks for, held against its script.

The model lists each claim with the script names that carry it: an object, agent or
arrangement names its bodies (or liquids, water, cloth), an outcome names the indices of the
`expect` checks that test it, and anything the model could not plan says why in `left_out`.
The list is data, read and validated here, never executed; the checker then gives each
claim its fate against the script and the checks' results, the way the offline planner's
claims get theirs (planner.offline.claims), which also stand beside these as a floor: the
prompt's objects and outcomes as the offline parser reads them, so a claim the model forgets
to state is still held.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bridge import limits
from bridge.errors import Location, Problem, UserError
from bridge.schema import Camera, Scene
from planner.trace import VERDICT, Claim

KINDS = ("object", "agent", "arrangement", "outcome", "place", "camera")
MAX_CLAIMS = 64
MAX_TEXT = 200
MAX_REFS = 64  # names or check indices one claim may give
MAX_NAME = 64  # characters: script names are short slugs
LEFT_OUT = "the model left it out: "  # a claim the model says it cannot plan: asking is moot
WHERE = "<llm reply>"


@dataclass(frozen=True)
class Stated:
    """One claim as the model stated it."""

    text: str
    kind: str
    bodies: tuple[str, ...] = ()
    expect: tuple[int, ...] = ()
    left_out: str = ""


def claims_schema() -> dict:
    """The reply's `claims` field, for the response schema."""
    return {
        "type": "array", "maxItems": MAX_CLAIMS,
        "description": "every object (with its count and material), arrangement, outcome, "
                       "place and camera wish of the prompt, each tied to the script",
        "items": {"type": "object", "required": ["text", "kind"], "properties": {
            "text": {"type": "string", "maxLength": MAX_TEXT,
                     "description": "the prompt's own words, e.g. 'three glass bottles'"},
            "kind": {"type": "string", "enum": list(KINDS)},
            "bodies": {"type": "array", "maxItems": MAX_REFS,
                       "items": {"type": "string", "maxLength": MAX_NAME},
                       "description": "names of the bodies, liquids, water or cloth that "
                                      "play it (object, agent, arrangement)"},
            "expect": {"type": "array", "maxItems": MAX_REFS,
                       "items": {"type": "integer", "minimum": 0},
                       "description": "indices of the `expect` checks that test it (outcome)"},
            "left_out": {"type": "string", "maxLength": MAX_TEXT,
                         "description": "only when the script cannot hold it: why"}},
            "additionalProperties": False},
    }


def read_claims(data: Any) -> list[Stated]:
    """The reply's `claims` as Stated claims (none when absent); a malformed list is a
    UserError that goes back to the model."""
    if data is None:
        return []
    if not isinstance(data, list) or len(data) > MAX_CLAIMS:
        raise _error("claims", f"must be a list of at most {MAX_CLAIMS} objects")
    return [_read_one(item, f"claims[{i}]") for i, item in enumerate(data)]


def _read_one(item: Any, field: str) -> Stated:
    if not isinstance(item, dict):
        raise _error(field, "must be an object with `text` and `kind`")
    text, kind = item.get("text"), item.get("kind")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise _error(f"{field}.text", f"must be the prompt's words, 1 to {MAX_TEXT} characters")
    if kind not in KINDS:
        raise _error(f"{field}.kind", f"must be one of {', '.join(KINDS)}")
    bodies, expect = item.get("bodies", []), item.get("expect", [])
    if not isinstance(bodies, list) or len(bodies) > MAX_REFS or not all(
            isinstance(b, str) and len(b) <= MAX_NAME for b in bodies):
        raise _error(f"{field}.bodies", f"must be a list of at most {MAX_REFS} script names")
    if not isinstance(expect, list) or len(expect) > MAX_REFS or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i < limits.MAX_EXPECTATIONS
            for i in expect):
        raise _error(f"{field}.expect", "must be a list of indices into the script's `expect`")
    left_out = item.get("left_out") or ""
    if not isinstance(left_out, str) or len(left_out) > MAX_TEXT:
        raise _error(f"{field}.left_out", f"must be a reason of at most {MAX_TEXT} characters")
    return Stated(text.strip(), kind, tuple(bodies), tuple(expect), left_out.strip())


def _error(field: str, message: str) -> UserError:
    return UserError([Problem(Location(WHERE), field, message)])


def hold(stated: list[Stated], scene: Scene | None, results: list[dict]) -> list[Claim]:
    """Each stated claim with its fate in `scene` and the results of its checks."""
    return [_hold_one(claim, scene, results) for claim in stated]


def _hold_one(claim: Stated, scene: Scene | None, results: list[dict]) -> Claim:
    if claim.left_out:
        return Claim(claim.text, claim.kind, "dropped", f"{LEFT_OUT}{claim.left_out}")
    if scene is None:
        return Claim(claim.text, claim.kind, "dropped", "no valid script holds it")
    if claim.kind == "outcome":
        return _outcome(claim, scene, results)
    if claim.kind == "place":
        return Claim(claim.text, "place", "planned", f"world.environment: "
                     f"{scene.world.environment}; look alone, so nothing checks it")
    if claim.kind == "camera":
        return _camera(claim, scene)
    return _carried(claim, scene)


def _camera(claim: Stated, scene: Scene) -> Claim:
    """A camera wish the planner knows ('slow motion') must be in a shot; another, in any
    camera but the default."""
    from planner.offline import lexicon as lx
    from planner.offline.shot_claims import holds

    text = claim.text.lower()
    known = [c for c in lx.CAMERA.values() if any(w in text for w in c.words)]
    if known:
        held = all(any(holds(shot, c) for shot in scene.camera.shots) for c in known)
    else:
        held = scene.camera != Camera()
    if not held:
        return Claim(claim.text, "camera", "dropped", "the script's camera does not hold it")
    return Claim(claim.text, "camera", "planned", "in the script's camera; look alone")


def _carried(claim: Stated, scene: Scene) -> Claim:
    """An object, agent or arrangement: present when every name it gives is in the script."""
    if not claim.bodies:
        return Claim(claim.text, claim.kind, "dropped", "the claim names nothing in the script")
    names = script_names(scene)
    missing = [b for b in claim.bodies if b not in names]
    if missing:
        return Claim(claim.text, claim.kind, "dropped",
                     f"the script has nothing named {', '.join(missing[:6])[:300]}")
    count, named = _count(claim.text), len(set(claim.bodies))
    if claim.kind == "object" and count > named:
        return Claim(claim.text, claim.kind, "dropped", f"asked for {count}, the claim names "
                     f"{named}")
    fate = "stood_in" if claim.kind == "agent" else "planned"
    return Claim(claim.text, claim.kind, fate, f"in the script as {', '.join(claim.bodies[:6])}; "
                 "present, so nothing checks it" if fate == "planned" else
                 f"played by {', '.join(claim.bodies[:6])}")


def _outcome(claim: Stated, scene: Scene, results: list[dict]) -> Claim:
    if not claim.expect:
        return Claim(claim.text, "outcome", "dropped", "no check in the script states it")
    bad = [i for i in claim.expect if i >= len(scene.expect)]
    if bad:
        return Claim(claim.text, "outcome", "dropped", f"the script has no expect[{bad[0]}]")
    if len(results) != len(scene.expect):
        return Claim(claim.text, "outcome", "planned", "its checks did not run")
    own = [results[i] for i in claim.expect]
    if all(r.get("passed") is None for r in own):
        return Claim(claim.text, "outcome", "planned", "its checks could not be evaluated")
    return Claim(claim.text, "outcome", "checked", "; ".join(
        f"expect[{i}] {r.get('check')}: {VERDICT[r.get('passed')]}"
        for i, r in zip(claim.expect, own)))


def script_names(scene: Scene) -> set[str]:
    """Every name a claim may give: bodies, liquids, water, cloth, soft bodies, ropes."""
    groups = (scene.all_bodies(), scene.liquids, scene.water, scene.cloth, scene.soft,
              scene.ropes, scene.flames)
    return {item.name for group in groups for item in group}


def _count(text: str) -> int:
    """The count a claim's words give ('three glass bottles': 3), else 1."""
    from planner.offline.quantities import count_word

    return next((n for w in text.lower().split() if (n := count_word(w)) is not None), 1)
