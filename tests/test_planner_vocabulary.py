"""The offline planner's vocabulary: each table in planner.offline.lexicon agrees with the
contract and with every module that reads it, so the tables cannot drift apart again."""
from __future__ import annotations

import pytest

from bridge.assets.registry import ASSETS
from bridge.camera_schema import PRESETS, Camera, Move
from bridge.schema import CHECKS
from planner.offline import lexicon as lx
from planner.offline import plan_offline, revise_offline
from planner.offline.camera import frame
from planner.offline.compose import Draft, _negate
from planner.offline.layout import Plan
from planner.offline.parse import parse, tokenize

DENIED = [(outcome, check) for outcome, check in lx.NEGATABLE.items() if check]


@pytest.mark.parametrize("outcome", lx.NEGATABLE)
def test_every_negatable_outcome_is_an_action_the_parser_reads(outcome):
    assert outcome in set(lx.VERBS.values())
    assert outcome in parse(f"the {outcome} happens").actions


@pytest.mark.parametrize("negator", sorted(lx.NEGATORS))
@pytest.mark.parametrize("outcome", lx.NEGATABLE)
def test_every_negator_denies_every_negatable_outcome(negator, outcome):
    assert tokenize(negator) == [negator]  # a negator the tokenizer splits never matches
    intent = parse(f"the ball {negator} {outcome}")
    assert intent.negated == {outcome} and outcome not in intent.actions


@pytest.mark.parametrize("outcome, check", DENIED)
def test_every_denied_outcome_maps_to_a_check_of_the_contract(outcome, check):
    assert check in CHECKS
    assert check in lx.DENIABLE_CHECKS


@pytest.mark.parametrize("outcome, check", DENIED)
def test_the_composer_turns_around_the_check_the_parser_denies(outcome, check):
    plan = Plan(name="shot")
    plan.check("the scenario's own check", **{check: "ball", "before": 1.0})
    plan.check("a check the prompt does not deny", contacts="ball", **{"with": "ground"})
    _negate(plan, parse(f"a ball does not {outcome}"))
    assert plan.expect[0].data == {check: "ball", "not": True}
    assert "not" not in plan.expect[1].data


def _falling(check: str) -> Draft:
    """A draft with one body dropped from 1 m and a `not` check of the given kind on it."""
    return Draft({"duration": 2.0, "bodies": [{"name": "ball", "position": [0.0, 0.0, 1.0]}],
                  "expect": [{check: "ball", "not": True}]})


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_the_reviser_calms_exactly_the_checks_a_prompt_can_deny(check):
    failed = [{"check": check, "subject": "ball", "passed": False}]
    revised = revise_offline(_falling(check), failed, 1)
    lowered = revised.document["bodies"][0]["position"][2] < 1.0
    assert lowered == (check in lx.DENIABLE_CHECKS)


def test_a_denied_shatter_is_turned_around_end_to_end():
    checks = plan_offline("A vase falls but does not shatter").document["expect"]
    assert any(c.get(lx.NEGATABLE["shatter"]) and c.get("not") for c in checks)


CONCEPTS = [*lx.CAMERA.items(), ("medium", lx.MEDIUM)]


@pytest.mark.parametrize("key, concept", CONCEPTS)
def test_every_camera_concept_becomes_a_valid_shot_setting(key, concept):
    assert concept.preset is None or concept.preset in PRESETS
    assert concept.move is None or concept.move in Move.model_fields
    assert concept.describe("ball") and "{" not in concept.describe("ball")


@pytest.mark.parametrize("key", lx.CAMERA)
@pytest.mark.parametrize("lead", ["ball", None])
def test_the_camera_writes_a_shot_the_schema_accepts_for_every_concept(key, lead):
    concept = lx.CAMERA[key]
    view, why = frame(Plan(name="shot", lead=lead), {key})
    (shot,) = Camera.model_validate(view).shots
    assert shot.preset == (concept.preset or lx.MEDIUM.preset)
    assert shot.slow_motion == concept.slow_motion
    if concept.move and (lead or concept.move != "track"):
        assert shot.move.kind == concept.move and concept.describe(lead) in why


@pytest.mark.parametrize("key, word", [(k, w) for k, c in lx.CAMERA.items() for w in c.words])
def test_the_parser_reads_every_camera_word_of_the_table(key, word):
    assert key in parse(f"A ball falls onto the floor, {word}").camera


@pytest.mark.parametrize("word", [*lx.WEIGHT_WORDS, *sorted(lx.FULL_WORDS), lx.EMPTY_WORD])
def test_plan_changing_adjectives_reach_the_mention(word):
    (mention,) = parse(f"three {word} glasses").mentions
    assert word in mention.adjectives and mention.count == 3


def test_weight_words_scale_the_mass_by_their_factor():
    masses = {w: plan_offline(f"a {w} wooden block falls").document["bodies"][0]["mass"]
              for w in lx.WEIGHT_WORDS}
    unscaled = [mass / lx.WEIGHT_WORDS[w] for w, mass in masses.items()]
    assert min(unscaled) == pytest.approx(max(unscaled), rel=1e-3)


def test_full_and_empty_words_decide_the_liquid():
    for word in lx.FULL_WORDS:
        assert plan_offline(f"a {word} glass falls off a table").document.get("liquids")
    assert not plan_offline(f"an {lx.EMPTY_WORD} glass of water falls off a table"
                            ).document.get("liquids")


def test_surfaces_are_the_library_furniture():
    assert {m.asset for m in parse("a ball rolls off a table down a ramp").surfaces} == {
        "table", "ramp"}
    assert all(m.asset not in lx.SURFACES for m in parse("a glass and a ball").mentions)


PLACE_WORDS = [(place, word) for place, concept in lx.PLACES.items() for word in concept.words]


def test_every_place_is_an_environment_of_the_contract():
    from bridge.schema import ENVIRONMENTS

    assert set(lx.PLACES) <= set(ENVIRONMENTS) - {"none"}
    assert lx.TABLEWARE <= set(ASSETS)


@pytest.mark.parametrize("place, word", PLACE_WORDS)
def test_the_parser_reads_every_place_word_of_the_table(place, word):
    for said in (word, f"{word}s"):
        intent = parse(f"A ball falls onto the floor of the {said}")
        assert (intent.place, intent.place_words) == (place, (word,))
    # a place is a floor material only where the ground table says so ('the pavement')
    assert parse(f"A ball falls onto the {word}").ground_material == lx.GROUND_WORDS.get(word)


@pytest.mark.parametrize("place, word", PLACE_WORDS)
def test_a_named_place_reaches_the_script_and_its_claim(place, word):
    draft = plan_offline(f"A ball falls onto the floor of the {word}")
    assert draft.document["world"]["environment"] == place
    assert [(c.text, c.fate) for c in draft.claims if c.kind == "place"] == [(word, "planned")]


@pytest.mark.parametrize("place, phrase", [(p, u) for p, c in lx.PLACES.items()
                                           for u in c.unless])
def test_every_exception_holds_a_word_of_its_place_and_cancels_it(place, phrase):
    assert any(f" {w} " in f" {phrase} " for w in lx.PLACES[place].words)
    assert parse(f"A ball hits the {phrase}").place is None


def test_every_space_station_word_is_weightless():
    for word in lx.PLACES["space_station"].words:
        assert parse(f"A ball drifts {word}").zero_g, word


def test_the_first_place_in_the_table_wins():
    first, second = list(lx.PLACES)[:2]
    words = f"{lx.PLACES[second].words[0]} and {lx.PLACES[first].words[0]}"
    assert parse(f"A ball falls in the {words}").place == first
