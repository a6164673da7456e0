"""The planning graph with fake drafters and fake physics: loops, limits, trace, refusals."""
from __future__ import annotations

import copy
import json
import sys
import types

import pytest
from langgraph.types import RetryPolicy

from bridge.errors import RefusedError, SceneError, SimulationError, UserError
from bridge.loader import scene_from_document
from planner.agent import OfflineDrafter, plan
from planner.feedback import Feedback
from planner.llm import TransportError
from planner.trace import REDACTED, write_trace

FAST_RETRY = RetryPolicy(initial_interval=0.01, max_interval=0.02, max_attempts=3,
                         jitter=False, retry_on=TransportError)
BALL = {"name": "ball-drop", "duration": 2.0,
        "bodies": [{"name": "ball", "asset": "basketball", "position": [0, 0, 1.0]}],
        "expect": [{"bounces": "ball"}]}


def with_height(z: float) -> dict:
    doc = copy.deepcopy(BALL)
    doc["bodies"][0]["position"][2] = z
    return doc


class Scripted:
    """A drafter that returns (or raises) prepared answers and records the feedback."""

    name = "scripted"

    def __init__(self, *answers):
        self.answers = list(answers)
        self.feedback: list[Feedback] = []
        self.revised: list = []
        self.calls = 0

    def _next(self):
        self.calls += 1
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return copy.deepcopy(answer)

    def draft(self, prompt):
        return self._next()

    def revise(self, prompt, document, feedback):
        self.feedback.append(feedback)
        self.revised.append(document)
        return self._next()


def validate(doc):
    return scene_from_document(doc, "<plan>")


def simulate(scene):
    return {"height": scene.bodies[0].position[2]}


def verify_high(scene, outcome):
    """Passes when the ball starts at 2 m or higher."""
    high = outcome["height"] >= 2.0
    return [{"check": "bounces", "subject": "ball", "passed": high,
             "detail": f"dropped from {outcome['height']} m; needs 2 m"}]


def run(drafter, verify=verify_high, sim=simulate, rounds=4):
    return plan("a ball drops and bounces", drafter, validate, sim, verify, rounds=rounds,
                retry=FAST_RETRY)


def test_loops_until_verified_with_a_diff_per_round():
    drafter = Scripted(with_height(1.0), with_height(2.5))
    result = run(drafter)
    assert result.verified and result.scene.bodies[0].position[2] == 2.5
    assert [r["round"] for r in result.trace.rounds] == [1, 2] and len(result.trace) == 2
    first, second = result.trace.rounds
    assert first["action"] == "draft" and second["action"] == "revise"
    assert "+++ round-1.yaml" in first["diff"]
    assert "-      - 1.0\n+      - 2.5\n" in second["diff"]
    assert first["expectations"][0]["passed"] is False
    assert "needs 2 m" in drafter.feedback[0].text()
    assert "needs 2 m" in second["feedback"]
    assert result.trace.verified


def test_stops_after_the_rounds_unverified():
    drafter = Scripted(with_height(1.0), with_height(1.1), with_height(1.2), with_height(1.3))
    result = run(drafter, rounds=3)
    assert not result.verified
    assert result.scene is not None  # the last script was valid, only its checks failed
    assert len(result.trace.rounds) == 3 and drafter.calls == 3


def test_a_revision_that_changes_nothing_ends_the_rounds():
    # the same script gives the same results: another round would only repeat them
    drafter = Scripted(with_height(1.0))
    result = run(drafter, rounds=4)
    assert not result.verified and len(result.trace.rounds) == 2 and drafter.calls == 2
    assert result.trace.rounds[1]["diff"] == ""


def test_validation_errors_go_back_as_feedback():
    bad = copy.deepcopy(BALL)
    bad["bodies"][0]["asset"] = "basketbal"
    simulated = []
    drafter = Scripted(bad, with_height(2.0))
    result = run(drafter, sim=lambda s: simulated.append(s) or simulate(s))
    assert result.verified and len(simulated) == 1
    errors = result.trace.rounds[0]["errors"]
    assert errors and "basketball" in errors[0]  # the 'did you mean' hint
    assert result.trace.rounds[0]["expectations"] == []
    account = drafter.feedback[0].text()
    assert "fix every one" in account and "basketbal" in account


def test_an_unusable_reply_is_revised_from_nothing():
    drafter = Scripted(UserError("the reply is not valid JSON"), with_height(2.0))
    result = run(drafter)
    assert result.verified
    assert drafter.revised == [None]
    assert result.trace.rounds[0]["errors"] == ["the reply is not valid JSON"]


def test_a_scene_error_from_simulation_is_feedback():
    def sim(scene):
        if scene.bodies[0].position[2] < 2:
            raise SceneError([(("bodies", 0, "position"), "overlaps the table at t = 0")])
        return simulate(scene)

    drafter = Scripted(with_height(1.0), with_height(2.0))
    result = run(drafter, sim=sim)
    assert result.verified
    assert "overlaps the table" in drafter.feedback[0].text()


def test_a_diverging_simulation_is_feedback():
    def sim(scene):
        if scene.bodies[0].position[2] < 2:
            raise SimulationError("ball reached 900 m/s; the simulation diverged")
        return simulate(scene)

    drafter = Scripted(with_height(1.0), with_height(2.0))
    assert run(drafter, sim=sim).verified
    assert "diverged" in drafter.feedback[0].text()


def test_wired_to_the_real_physics_stage():
    from physics.simulate import simulate as physics_simulate
    from simshot.expectations import check_simulation

    overlapping = copy.deepcopy(BALL)
    overlapping["bodies"].append({"name": "crate", "asset": "crate", "position": [0, 0, 0.9]})
    overlapping["fps"], overlapping["resolution"] = 12, [64, 64]
    fixed = copy.deepcopy(overlapping)
    fixed["bodies"][1]["position"] = [1.5, 0, 0]
    drafter = Scripted(overlapping, fixed)
    result = plan("a ball drops and bounces", drafter, validate,
                  lambda scene: physics_simulate(scene, None),
                  check_simulation,
                  retry=FAST_RETRY)
    assert result.verified, result.trace.rounds
    assert "overlap" in drafter.feedback[0].text()


def test_no_expectations_never_verifies():
    doc = copy.deepcopy(BALL)
    doc["expect"] = []
    drafter = Scripted(doc)
    result = run(drafter, verify=lambda s, o: [], rounds=2)
    assert not result.verified
    assert "no expectations" in drafter.feedback[0].text()


def test_a_check_that_could_not_run_is_not_a_failure():
    result = run(Scripted(with_height(1.0)),
                 verify=lambda s, o: [{"check": "visible", "passed": None, "detail": "no render"}])
    assert result.verified and len(result.trace.rounds) == 1


def test_refusal_ends_the_graph_and_propagates():
    drafter = Scripted(RefusedError("fire is out of scope"))
    with pytest.raises(RefusedError, match="fire"):
        run(drafter)
    assert drafter.calls == 1


def test_a_refusal_while_revising_propagates():
    drafter = Scripted(with_height(1.0), RefusedError("cannot"))
    with pytest.raises(RefusedError):
        run(drafter)


def test_transport_errors_are_retried_then_succeed():
    drafter = Scripted(TransportError("429"), with_height(2.0))
    result = run(drafter)
    assert result.verified and drafter.calls == 2
    assert len(result.trace.rounds) == 1


def test_transport_errors_give_up_after_the_attempts():
    drafter = Scripted(TransportError("down"))
    with pytest.raises(TransportError):
        run(drafter)
    assert drafter.calls == FAST_RETRY.max_attempts


def test_other_exceptions_are_not_retried():
    drafter = Scripted(ValueError("bug"))
    with pytest.raises(ValueError):
        run(drafter)
    assert drafter.calls == 1


def test_rounds_must_be_positive():
    with pytest.raises(ValueError):
        run(Scripted(BALL), rounds=0)


def test_write_trace_is_atomic_and_scrubbed(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-secret-123456")
    drafter = Scripted(with_height(1.0), with_height(2.0))
    result = run(drafter)
    result.trace.rounds[0]["errors"].append("echo sk-env-secret-123456 and sk-given-abcdefgh")
    path = tmp_path / "plan_trace.json"
    write_trace(result.trace, path, secrets=["sk-given-abcdefgh"])
    text = path.read_text()
    assert "sk-env-secret" not in text and "sk-given" not in text and REDACTED in text
    data = json.loads(text)
    assert data["verified"] and data["backend"] == "scripted" and len(data["rounds"]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["plan_trace.json"]


def test_offline_drafter_wraps_the_offline_planner(monkeypatch):
    seen = {}

    class Draft:
        def __init__(self, document):
            self.document, self.notes, self.omitted = document, "", []

    def plan_offline(prompt, seed):
        seen["seed"] = seed
        return Draft(with_height(1.0))

    def revise_offline(draft, failures, round):
        seen["revise"] = (draft.document["bodies"][0]["position"][2], failures, round)
        return Draft(with_height(2.0))

    fake = types.ModuleType("planner.offline")
    fake.plan_offline, fake.revise_offline = plan_offline, revise_offline
    monkeypatch.setitem(sys.modules, "planner.offline", fake)
    result = run(OfflineDrafter(seed=5))
    assert result.verified and seen["seed"] == 5
    height, failures, number = seen["revise"]
    assert height == 1.0 and number == 1 and failures[0]["passed"] is False
    assert result.trace.backend == "offline"
