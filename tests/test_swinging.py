"""Pendulums and Newton's cradle from a prompt, and the `swings` check that holds them to the
textbook."""
from __future__ import annotations

import math

import numpy as np
import pytest

from bridge.errors import RefusedError
from bridge.loader import scene_from_document
from physics.simulate import simulate
from planner.offline import plan_offline
from planner.offline.claims import draft_claims
from planner.offline.swinging import period
from simshot.expectations import check_simulation
from tests.helpers import make_scene


def _checks(scene) -> dict[str, dict]:
    return {c["check"]: c for c in check_simulation(scene, simulate(scene, None))}


def test_the_compound_period_tends_to_the_ball_alone_when_the_rod_is_light():
    ball_alone = 2 * math.pi * math.sqrt((1.0 + 0.4 * 0.1 ** 2) / 9.81)  # a 32 kg ball
    assert period(1.0, 0.1, 1e-6) == pytest.approx(ball_alone, rel=2e-3)
    assert period(1.0, 0.05, 10.0) > period(1.0, 0.05, 1.0)  # wider swings are slower


def test_a_planned_pendulum_swings_at_its_predicted_period_and_a_wrong_claim_fails():
    scene = scene_from_document(plan_offline("a 0.5 m pendulum swings").document)
    claim = next(c for c in scene.expect if getattr(c, "swings", None))
    assert claim.period == pytest.approx(period(0.5, 0.05, 10.0), abs=1e-4)
    checks = _checks(scene)
    assert checks["swings"]["passed"], checks
    wrong = make_scene(**{**scene.model_dump(by_alias=True, exclude_none=True),
                          "expect": [{"swings": "ball", "period": claim.period * 1.05}]})
    assert not _checks(wrong)["swings"]["passed"]  # 5% off is outside the 2% tolerance


@pytest.mark.parametrize("prompt", [
    "a heavy steel ball hanging from a string swings back and forth like a pendulum",
    "a steel ball on a 1 m rod swings like a pendulum"])
def test_a_pendulum_of_a_named_steel_ball_is_that_ball_and_no_claim_is_dropped(prompt):
    draft = plan_offline(prompt)
    scene = scene_from_document(draft.document)
    assert {b.asset for b in scene.bodies if b.name == "ball"} == {"ball_bearing"}
    assert not [c for c in draft_claims(draft, scene, []) if c.fate == "dropped"]


def test_a_body_that_never_swings_fails_the_check():
    scene = make_scene(duration=1.0, bodies=[{"name": "ball", "asset": "ball",
                                              "position": [0, 0, 0]}],
                       expect=[{"swings": "ball", "period": 1.0}])
    check = _checks(scene)["swings"]
    assert not check["passed"] and "does not swing" in check["detail"]


def test_newtons_cradle_plans_and_verifies_one_ball_in_one_ball_out():
    scene = scene_from_document(plan_offline("Newton's cradle on a desk").document)
    assert sum(j.type == "hinge" for j in scene.joints) == 5
    result = simulate(scene, None)
    checks = {c["check"]: c for c in check_simulation(scene, result)}
    assert all(c["passed"] for c in checks.values()), checks
    first = min(c["time"] for c in result.events["collisions"]
                if c["bodies"] == ["ball_1", "ball_2"])
    rec = result.recording
    k = np.searchsorted(rec.times, first + 0.03)
    speeds = [rec.linvel[f"ball_{i}"][k, 0] for i in range(1, 6)]
    assert speeds[4] > 10 * max(abs(s) for s in speeds[:4])  # welded balls collide


@pytest.mark.slow
def test_a_wrecking_ball_swings_through_a_brick_wall():
    scene = scene_from_document(plan_offline("a wrecking ball smashes a brick wall").document)
    result = simulate(scene, None)
    checks = {c["check"]: c for c in check_simulation(scene, result)}
    assert all(c["passed"] for c in checks.values()), checks
    hit = min(c["time"] for c in result.events["collisions"]
              if "ball" in c["bodies"] and any(b.startswith("brick") for b in c["bodies"]))
    quarter = period(3.0, 0.3, 40.0) / 4  # from let-go to the bottom of its swing
    assert hit == pytest.approx(quarter, abs=0.05)
    moved = [np.linalg.norm(result.recording.pos[b.name][-1] - result.recording.pos[b.name][0])
             for b in scene.bodies if b.name.startswith("brick")]
    assert sum(m > 0.3 for m in moved) > len(moved) / 3  # a breach, not a dent


def test_a_babys_cradle_is_not_newtons():
    assert plan_offline("A baby's cradle rocks gently").notes[0] != "scenario: newtons_cradle"


def test_a_ball_on_a_string_hangs_from_a_rope_and_keeps_its_period():
    scene = scene_from_document(plan_offline("A ball on a string swings like a pendulum")
                                .document)
    assert [rope.name for rope in scene.ropes] == ["rope"] and not scene.joints
    checks = _checks(scene)
    assert checks["swings"]["passed"], checks


def test_a_rope_that_does_not_hang_is_still_refused():
    with pytest.raises(RefusedError):
        plan_offline("A rope is tied into a knot")


@pytest.mark.parametrize("prompt, count", [("A pendulum swings into a domino", 1),
                                           ("A pendulum swings into a row of 3 dominoes", 3),
                                           ("A pendulum knocks over dominoes", 5)])
def test_a_pendulum_knocks_down_the_dominoes_in_its_path_and_no_more(prompt, count):
    plan = plan_offline(prompt)
    scene = scene_from_document(plan.document)
    dominoes = [b for b in scene.bodies if b.asset == "domino"]
    assert len(dominoes) == count  # as many as asked: not a row of ten flicked over
    assert not scene.events  # nothing but the swing sets them going
    checks = _checks(scene)
    assert all(c["passed"] for c in checks.values()), checks
    assert "touches domino_01" in checks["contacts"]["detail"]  # the bob hits the first
    assert checks["falls_over"]["subject"] == "domino_*"
    claims = draft_claims(plan, scene, list(checks.values()))
    assert {c.text: c.fate for c in claims}["pendulum"] == "planned"
