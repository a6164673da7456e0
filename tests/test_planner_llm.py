"""The LLM drafter against a real HTTP stub on loopback: replies, repairs, retries, secrets."""
from __future__ import annotations

import copy
import json
import logging

import pytest
from langgraph.types import RetryPolicy

from bridge.errors import RefusedError, UserError
from bridge.loader import scene_from_document
from planner.agent import plan
from planner.llm import (
    LLMConfig,
    LLMDrafter,
    LLMError,
    TransportError,
    configured,
    parse_reply,
)
from planner.llm_schema import ALLOWED_KEYWORDS, MAX_DEPTH, response_schema, schema_depth
from planner.trace import write_trace
from tests.llm_stub import StubLLM, error, hang, ok, refusal

SECRET = "sk-test-0123456789abcdef-secret"
FAST_RETRY = RetryPolicy(initial_interval=0.01, max_interval=0.02, max_attempts=3,
                         jitter=False, retry_on=TransportError)
SCENE = {"name": "ball-drop", "duration": 2.0,
         "bodies": [{"name": "ball", "asset": "basketball", "position": [0, 0, 2.0]}],
         "expect": [{"bounces": "ball"}]}


@pytest.fixture
def stub(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = StubLLM()
    yield server
    server.close()


def drafter_for(stub: StubLLM, timeout_s: float = 1.0) -> LLMDrafter:
    return LLMDrafter(LLMConfig(model="stub-model", base_url=stub.url, timeout_s=timeout_s,
                                api_key=SECRET))


def scene(z: float = 2.0, **changes) -> dict:
    doc = copy.deepcopy(SCENE)
    doc["bodies"][0]["position"][2] = z
    doc.update(changes)
    return {"scene": doc, "notes": "a ball"}


def verify_high(scene, outcome):
    z = scene.bodies[0].position[2]
    return [{"check": "bounces", "subject": "ball", "passed": z >= 2.0,
             "detail": f"dropped from {z} m; a visible bounce needs 2 m"}]


def run(drafter, verify=verify_high, rounds=4):
    return plan("a basketball drops and bounces", drafter,
                lambda doc: scene_from_document(doc, "<plan>"), lambda s: {}, verify,
                rounds=rounds, retry=FAST_RETRY)


def last_user(request) -> str:
    return [m for m in request.body["messages"] if m["role"] == "user"][-1]["content"]


def test_a_valid_reply_verifies_in_one_round(stub):
    stub.script(ok(scene()))
    result = run(drafter_for(stub))
    assert result.verified and result.scene.name == "ball-drop"
    [request] = stub.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "stub-model"
    fmt = request.body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "simshot_plan"
    assert fmt["json_schema"]["schema"] == response_schema()
    assert request.body["messages"][0]["role"] == "system"
    assert last_user(request) == "a basketball drops and bounces"
    assert result.trace.backend == "llm:stub-model"


def test_invalid_json_then_a_fix(stub):
    stub.script(ok('{"scene": {"name": "ball-drop",'), ok(scene()))
    result = run(drafter_for(stub))
    assert result.verified and len(stub.requests) == 2
    assert "not valid JSON" in result.trace.rounds[0]["errors"][0]
    second = stub.requests[1].body["messages"]
    assert second[-2] == {"role": "assistant", "content": '{"scene": {"name": "ball-drop",'}
    assert "not valid JSON" in second[-1]["content"]


def test_a_schema_violation_then_a_fix_carries_the_error(stub):
    wrong = scene()
    wrong["scene"]["bodies"][0]["postion"] = wrong["scene"]["bodies"][0].pop("position")
    stub.script(ok(wrong), ok(scene()))
    result = run(drafter_for(stub))
    assert result.verified
    feedback = last_user(stub.requests[1])
    assert "unknown field 'postion'" in feedback and "did you mean 'position'" in feedback
    assert "bodies[0]" in feedback


def test_failed_expectations_then_a_revision_that_passes(stub):
    stub.script(ok(scene(0.5)), ok(scene(2.5)))
    result = run(drafter_for(stub))
    assert result.verified and result.scene.bodies[0].position[2] == 2.5
    assert "a visible bounce needs 2 m" in last_user(stub.requests[1])
    assert "+      - 2.5" in result.trace.rounds[1]["diff"]


def test_a_structured_refusal_raises(stub):
    stub.script(refusal("I can't help with that."))
    with pytest.raises(RefusedError, match="can't help"):
        run(drafter_for(stub))


def test_a_refuse_reply_raises(stub):
    stub.script(ok({"refuse": "candle flames are out of scope"}))
    with pytest.raises(RefusedError, match="candle flames"):
        run(drafter_for(stub))
    assert len(stub.requests) == 1


def test_429_is_retried_then_succeeds(stub):
    stub.script(error(429, "rate limited"), error(503, "busy"), ok(scene()))
    result = run(drafter_for(stub))
    assert result.verified and len(stub.requests) == 3
    assert len(result.trace.rounds) == 1


def test_a_hang_hits_the_timeout_and_gives_up(stub):
    stub.script(hang(30), hang(30), hang(30))
    with pytest.raises(TransportError, match="Timeout"):
        run(drafter_for(stub, timeout_s=0.3))
    assert len(stub.requests) == FAST_RETRY.max_attempts


def test_a_rejected_schema_falls_back_to_json_mode(stub):
    stub.script(error(400, "Invalid schema for response_format 'simshot_plan': 'minimum' is "
                      "not permitted"), ok(scene(0.5)), ok(scene()))
    result = run(drafter_for(stub))
    assert result.verified and len(stub.requests) == 3
    first, second, third = (r.body for r in stub.requests)
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"] == {"type": "json_object"}
    assert third["response_format"] == {"type": "json_object"}  # the fallback sticks
    assert "JSON schema" in second["messages"][0]["content"]


def test_other_client_errors_are_not_retried(stub):
    stub.script(error(401, "invalid api key"))
    with pytest.raises(LLMError, match="401"):
        run(drafter_for(stub))
    assert len(stub.requests) == 1


def test_the_api_key_is_in_no_artifact(stub, tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    caplog.set_level(logging.DEBUG)
    stub.script(error(429, "slow down"), ok('{"scene": 1}'), ok(scene(0.5)), ok(scene()))
    drafter = drafter_for(stub)
    result = run(drafter)
    assert result.verified
    assert stub.requests[0].headers["authorization"] == f"Bearer {SECRET}"  # it was used
    path = tmp_path / "plan_trace.json"
    write_trace(result.trace, path)
    texts = [path.read_text(), caplog.text, repr(drafter.config), json.dumps(
        [r.body for r in stub.requests])]
    assert all(SECRET not in text for text in texts)


def test_the_schema_fits_what_servers_accept():
    schema = response_schema()
    seen: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            seen.update(node)  # keywords only: property names are never walked as nodes
            for key, value in node.items():
                children = value.values() if key == "properties" else [value]
                for child in children:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(schema)
    assert seen <= ALLOWED_KEYWORDS
    assert "$ref" not in json.dumps(schema) and "$defs" not in json.dumps(schema)
    assert schema_depth(schema) <= MAX_DEPTH
    body = schema["properties"]["scene"]
    assert {"name", "bodies"} <= set(body["required"])
    assert body["additionalProperties"] is False
    item = body["properties"]["bodies"]["items"]
    assert {"name"} <= set(item["required"])
    assert "basketball" in item["properties"]["asset"]["anyOf"][0]["enum"]
    position = item["properties"]["position"]
    assert position["items"] == {"type": "number"} and position["minItems"] == 3


def test_configured_needs_a_key_or_a_url(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("SIMSHOT_LLM_BASE_URL", raising=False)
    assert not configured()
    assert configured(base_url="http://127.0.0.1:8080/v1")
    monkeypatch.setenv("SIMSHOT_LLM_BASE_URL", "http://127.0.0.1:11434/v1")
    assert configured()
    monkeypatch.delenv("SIMSHOT_LLM_BASE_URL")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    assert configured()


def test_config_from_env(monkeypatch):
    monkeypatch.setenv("SIMSHOT_LLM_MODEL", "llama3.2")
    monkeypatch.setenv("SIMSHOT_LLM_TIMEOUT", "5")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    config = LLMConfig.from_env(base_url="http://127.0.0.1:8080/v1")
    assert (config.model, config.timeout_s, config.api_key) == ("llama3.2", 5.0, SECRET)
    assert config.base_url == "http://127.0.0.1:8080/v1"
    assert SECRET not in repr(config)
    drafter = LLMDrafter(model="qwen2.5", base_url="http://127.0.0.1:9/v1", timeout_s=2.0)
    assert (drafter.config.model, drafter.config.timeout_s) == ("qwen2.5", 2.0)


def test_parse_reply_accepts_a_fenced_object_and_refuses_the_rest():
    assert parse_reply('```json\n{"scene": {"name": "x"}}\n```') == {"name": "x"}
    with pytest.raises(UserError, match="no `scene` object"):
        parse_reply('{"notes": "forgot"}')
    with pytest.raises(UserError, match="JSON object"):
        parse_reply("[1, 2]")
    with pytest.raises(UserError, match="not valid JSON"):
        parse_reply("__import__('os').system('true')")
    with pytest.raises(UserError):
        parse_reply("[" * 100_000 + "]" * 100_000)


def test_the_instructions_and_the_schema_offer_every_environment():
    from bridge.schema import ENVIRONMENTS
    from planner.llm import system_prompt

    for json_mode in (False, True):
        text = system_prompt(json_mode)
        assert "world.environment" in text
        assert all(place in text for place in ENVIRONMENTS)
    world = response_schema()["properties"]["scene"]["properties"]["world"]
    assert world["properties"]["environment"]["enum"] == list(ENVIRONMENTS)
    example = system_prompt(False).split("Example: ", 1)[1]
    assert scene_from_document(parse_reply(example), "<example>").world.environment == "court"


def run_in_kitchen(stub, world: dict | None):
    stub.script(ok(scene(**({"world": world} if world is not None else {}))))
    return plan("a basketball drops in the kitchen and bounces", drafter_for(stub),
                lambda doc: scene_from_document(doc, "<plan>"), lambda s: {}, verify_high,
                rounds=1, retry=FAST_RETRY)


def test_an_llm_plan_sets_the_environment_and_the_named_place_is_planned(stub, tmp_path):
    result = run_in_kitchen(stub, {"environment": "kitchen"})
    assert result.verified and result.scene.world.environment == "kitchen"
    path = tmp_path / "plan_trace.json"
    write_trace(result.trace, path)
    claims = json.loads(path.read_text())["claims"]
    assert [(c["text"], c["kind"], c["fate"]) for c in claims] == [
        ("kitchen", "place", "planned"), ("basketball", "object", "planned"),
        ("bounces", "outcome", "checked"), ("drops", "outcome", "planned")]


def test_a_place_the_llm_leaves_out_is_dropped_not_lost(stub):
    claim = run_in_kitchen(stub, None).trace.claims[0]
    assert (claim.fate, claim.kind) == ("dropped", "place") and "none" in claim.detail


def test_an_environment_outside_the_contract_goes_back_as_feedback(stub):
    stub.script(ok(scene(world={"environment": "beach"})), ok(scene(world={"environment":
                                                                            "street"})))
    result = run(drafter_for(stub))
    assert result.verified and result.scene.world.environment == "street"
    assert "environment" in " ".join(result.trace.rounds[0]["errors"])
    assert "environment" in last_user(stub.requests[1])


CRATE = {"name": "crate", "asset": "crate", "material": "wood", "position": [1.5, 0, 0]}
BALL_CLAIM = {"text": "a basketball", "kind": "object", "bodies": ["ball"]}
BOUNCE_CLAIM = {"text": "bounces", "kind": "outcome", "expect": [0]}


def with_claims(reply: dict, *claims: dict, bodies: tuple[dict, ...] = ()) -> dict:
    reply = copy.deepcopy(reply)
    reply["scene"]["bodies"] += list(bodies)
    return {**reply, "claims": list(claims)}


def run_crate(drafter, rounds=3):
    return plan("a basketball drops beside a wooden crate and bounces", drafter,
                lambda doc: scene_from_document(doc, "<plan>"), lambda s: {}, verify_high,
                rounds=rounds, retry=FAST_RETRY)


def test_a_claim_the_model_drops_is_asked_for_again_until_planned(stub):
    stub.script(ok(with_claims(scene(), BALL_CLAIM, BOUNCE_CLAIM)),
                ok(with_claims(scene(), BALL_CLAIM, BOUNCE_CLAIM,
                               {"text": "a wooden crate", "kind": "object",
                                "bodies": ["crate"]}, bodies=(CRATE,))))
    result = run_crate(drafter_for(stub))
    # round 1 passed every check, but the crate the parser reads was missing: not verified
    assert result.verified and len(result.trace) == 2
    assert "'wood crate' (object): no crate in the script" in last_user(stub.requests[1])
    fates = {c.text: c.fate for c in result.trace.claims}
    assert fates == {"basketball": "planned", "wood crate": "planned", "bounces": "checked",
                     "a basketball": "planned", "a wooden crate": "planned", "drops": "planned"}


def test_a_stub_that_keeps_dropping_a_claim_never_verifies(stub):
    left_out = {"text": "a wooden crate", "kind": "object", "left_out": "no room for it"}
    stub.script(*[ok(with_claims(scene(), BALL_CLAIM, BOUNCE_CLAIM, left_out))] * 2)
    result = run_crate(drafter_for(stub), rounds=2)
    assert result.checks_passed and not result.verified
    assert {(c.text, c.detail) for c in result.dropped} == {
        ("wood crate", "no crate in the script"),
        ("a wooden crate", "the model left it out: no room for it")}


def test_stated_claims_are_held_to_the_names_and_checks_they_give(stub):
    stub.script(ok(with_claims(scene(), {"text": "a crate", "kind": "object",
                                         "bodies": ["box"]},
                               {"text": "rolls away", "kind": "outcome"},
                               {"text": "bounces twice", "kind": "outcome", "expect": [3]},
                               {"text": "in slow motion", "kind": "camera"})))
    result = run(drafter_for(stub), rounds=1)
    details = {c.text: (c.fate, c.detail) for c in result.trace.claims}
    assert details["a crate"] == ("dropped", "the script has nothing named box")
    assert details["rolls away"] == ("dropped", "no check in the script states it")
    assert details["bounces twice"] == ("dropped", "the script has no expect[3]")
    assert details["in slow motion"] == ("dropped", "the script's camera does not hold it")


def test_a_claim_the_model_says_it_cannot_plan_is_dropped_but_not_asked_again(stub):
    cannot = {"text": "in slow motion", "kind": "camera", "left_out": "no time for it"}
    stub.script(ok(with_claims(scene(), BALL_CLAIM, BOUNCE_CLAIM, cannot)))
    result = run(drafter_for(stub), rounds=4)
    assert result.checks_passed and not result.verified and len(result.trace) == 1
    assert [c.text for c in result.dropped] == ["in slow motion"]


def test_stated_counts_and_long_references_are_held_and_bounded(stub):
    three = {"text": "three basketballs", "kind": "object", "bodies": ["ball"]}
    stub.script(ok(with_claims(scene(), three)),
                ok({**scene(), "claims": [{"text": "a ball", "kind": "object",
                                           "bodies": ["x" * 5000]}]}),
                ok(with_claims(scene(), BALL_CLAIM)))
    first = run(drafter_for(stub), rounds=1)
    assert {c.text: c.detail for c in first.dropped}["three basketballs"] == (
        "asked for 3, the claim names 1")
    second = run(drafter_for(stub), rounds=2)  # the 5000-character name is refused as input
    assert "claims[0].bodies" in " ".join(second.trace.rounds[0]["errors"])


def test_a_stated_outcome_carries_its_checks_verdict(stub):
    stub.script(ok(with_claims(scene(z=1.0), BALL_CLAIM, BOUNCE_CLAIM)))
    result = run(drafter_for(stub), rounds=1)
    claim = next(c for c in result.trace.claims if c.text == "bounces")
    assert (claim.fate, claim.kind) == ("checked", "outcome") and "FAILED" in claim.detail


@pytest.mark.parametrize("claims, field", [
    ("not a list", "claims"),
    ([{"text": "a ball", "kind": "thing"}], "claims[0].kind"),
    ([{"text": "", "kind": "object"}], "claims[0].text"),
    ([{"text": "bounces", "kind": "outcome", "expect": [True]}], "claims[0].expect"),
    ([{"text": "a ball", "kind": "object", "bodies": "ball"}], "claims[0].bodies"),
])
def test_a_malformed_claim_list_goes_back_as_feedback(stub, claims, field):
    stub.script(ok({**scene(), "claims": claims}), ok(with_claims(scene(), BALL_CLAIM)))
    result = run(drafter_for(stub))
    assert result.verified and len(result.trace) == 2
    assert f"{field}:" in " ".join(result.trace.rounds[0]["errors"])
    assert field in last_user(stub.requests[1])
