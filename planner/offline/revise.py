"""Retry after failed expectations: stronger pushes, higher drops, longer shots.

Only magnitudes and timing windows change; the claims themselves (what must shatter, fall,
float) are never weakened, so a revised plan that verifies still shows what was asked.
"""
from __future__ import annotations

import copy

from bridge.assets.registry import ASSETS
from planner.offline import lexicon as lx
from planner.offline.compose import Draft

BOOST = 1.35  # per round: speeds, impulses and forces
RAISE = 1.3  # per round: heights of dropped bodies
MAX_DURATION = 8.0
MAX_FURNITURE = 1.2  # m: a table raised for a harder fall stays a counter's or a bar's height
ENERGY_CHECKS = {"shatters", "falls_over", "bounces", "contacts", "moves_less_than",
                 "liquid_stays_in", "comes_to_rest", "sloshes"}


def revise_offline(draft: Draft, failures: list[dict], round: int) -> Draft:
    """A new draft adjusted for the failed checks of the given round (1-based)."""
    doc = copy.deepcopy(draft.document)
    kinds = {f.get("check") for f in failures if f.get("passed") is False}
    changes = []
    if _negated_failures(doc, failures, draft.intent):
        changes.append(f"drop heights and pushes /{RAISE} so the denied outcome stays away")
        _gentler(doc)
    else:
        # a full glass pushed off a table that survives its fall: a harder push would spill
        # it before the fall, a higher table breaks it with what it holds
        raised = "shatters" in kinds and _has_liquid(doc) and _raise_furniture(doc)
        if raised:
            changes.append(f"the furniture under it x{RAISE} higher (up to {MAX_FURNITURE:g} m)")
        elif kinds & ENERGY_CHECKS - {"comes_to_rest"}:
            changes.append(f"velocities, pushes and forces x{BOOST}")
            _boost(doc)
        if kinds & {"shatters", "bounces"}:
            changes.append(f"drop heights x{RAISE}")
            _raise(doc)
    changes.append("one more second and later deadlines")
    _lengthen(doc)
    notes = [*draft.notes, (f"revision {round}: {', '.join(changes)} after failed "
             f"{', '.join(sorted(k for k in kinds if k))}")]
    return Draft(doc, notes, list(draft.omitted), list(draft.claims), draft.intent)


def _negated_failures(doc, failures: list[dict], intent) -> bool:
    """True when a failed check is one the prompt negated ('does not break').

    Only the prompt's negation turns those checks around; the planner's own `not` checks
    ("moves more than", "spills", a snatched tablecloth's glass left standing) need more
    energy or none, not less. A draft with no parsed prompt counts every deniable one.
    """
    kinds = lx.DENIABLE_CHECKS if intent is None else lx.denied_checks(intent.negated)
    denied = {(k, str(c[k])) for c in doc.get("expect", []) if c.get("not")
              for k in c if k in kinds}
    return any((f.get("check"), str(f.get("subject"))) in denied for f in failures
               if f.get("passed") is False)


def _gentler(doc) -> None:
    """Lower drops and softer shoves: the energy that made the denied outcome happen."""
    for body in doc.get("bodies", []):
        position = body.get("position")
        if position and not body.get("static") and position[2] > 0.05 \
                and not _on_a_table(doc, position):
            position[2] = round(max(position[2] / RAISE, 0.05), 4)
        if "velocity" in body and not body.get("static"):
            _scale(body["velocity"], 1 / BOOST)
    for event in doc.get("events", []):
        for key, field in (("push", "impulse"), ("force", "force"), ("set_velocity", "linear")):
            if key in event and event[key].get(field) is not None:
                _scale(event[key][field], 1 / BOOST)


def _scale(vector, factor: float) -> None:
    for i, v in enumerate(vector):
        vector[i] = round(v * factor, 4)


def _boost(doc) -> None:
    for body in doc.get("bodies", []):
        if "velocity" in body and not body.get("static"):
            _scale(body["velocity"], BOOST)
    for event in doc.get("events", []):
        for key, field in (("push", "impulse"), ("force", "force"), ("set_velocity", "linear"),
                           ("set_velocity", "angular")):
            if key in event and field in event[key] and event[key][field] is not None:
                _scale(event[key][field], BOOST)


def _raise(doc) -> None:
    """Free bodies above the floor and not thrown start higher."""
    for body in doc.get("bodies", []):
        position = body.get("position")
        free = position and not body.get("static") and "velocity" not in body
        if free and position[2] > 0.3 and not _on_furniture(doc, position):
            position[2] = round(position[2] * RAISE, 4)


def _has_liquid(doc) -> bool:
    return any(liquid.get("inside") for liquid in doc.get("liquids", []))


def _raise_furniture(doc) -> bool:
    """Fixed tables x RAISE higher (up to MAX_FURNITURE), with what stands on their tops;
    False when none could rise."""
    raised = False
    for table, base, height in _fixed_tables(doc):
        higher = round(min(height * RAISE, MAX_FURNITURE), 3)
        if higher <= height:
            continue
        table.setdefault("params", {})["height"] = higher
        for body in doc.get("bodies", []):
            position = body.get("position")
            if body is not table and position and abs(position[2] - base - height) < 0.01:
                position[2] = round(base + higher, 4)
        raised = True
    return raised


def _on_a_table(doc, position) -> bool:
    """A body standing on a fixed table's top: lowered, it would sink into it."""
    return any(abs(position[2] - base - height) < 0.01 for _, base, height in _fixed_tables(doc))


def _fixed_tables(doc) -> list[tuple[dict, float, float]]:
    """Each fixed table of the script, the height of its base and its own height."""
    return [(t, (t.get("position") or [0.0, 0.0, 0.0])[2],
             t.get("params", {}).get("height", ASSETS["table"].params["height"]))
            for t in doc.get("bodies", []) if t.get("static") and t.get("asset") == "table"]


def _on_furniture(doc, position) -> bool:
    """Bodies standing on a fixed table or shelf keep their place on it."""
    return any(b.get("static") for b in doc.get("bodies", [])) and position[2] < 2.0


def _lengthen(doc) -> None:
    doc["duration"] = min(round(doc["duration"] + 1.0, 3), MAX_DURATION)
    for check in doc.get("expect", []):
        for key in ("before", "by"):
            if key in check:
                check[key] = round(min(check[key] + 0.75, doc["duration"]), 3)
        if "after" in check and "floats" in check:
            check["after"] = round(min(check["after"] + 1.0, doc["duration"] - 0.5), 3)
