"""The planner's soft bodies: a rubber duck squeezed, a sponge or jelly pressed, let go to
spring back, planned, simulated and checked; the hand is left out as a squeeze; other soft
things are still refused."""
from __future__ import annotations

import pytest

from bridge.errors import RefusedError
from bridge.loader import scene_from_document
from planner.offline import plan_offline
from tests.helpers import planned

pytestmark = pytest.mark.slow  # each simulates a planned scene


def test_a_rubber_duck_squeezed_in_a_hand_keeps_its_volume_and_springs_back():
    draft, scene, results = planned("A hand squeezes a rubber duck and lets it go")
    (duck,) = scene.soft
    assert (duck.shape, duck.material) == ("duck", "rubber")
    (event,) = scene.events
    assert event.squeeze.soft == duck.name and event.squeeze.force > 0
    assert [(r["check"], r["passed"]) for r in results] == [("springs_back", True),
                                                            ("keeps_volume", True)], results
    (claim,) = [c for c in draft.claims if c.text == "hand"]
    assert claim.fate == "stood_in" and "squeeze" in claim.detail


@pytest.mark.parametrize("prompt, material", [("Someone presses down on a sponge", "sponge"),
                                              ("A jelly is pressed and wobbles back", "jelly")])
def test_a_pressed_sponge_or_jelly_springs_back(prompt, material):
    _, scene, results = planned(prompt)
    (soft,) = scene.soft
    (event,) = scene.events
    assert soft.material == material and event.press.force[2] < 0  # pressed from above
    assert results and all(r["passed"] for r in results), results


@pytest.mark.parametrize("prompt", ["A sponge soaks up water", "A balloon pops",
                                    "A sponge is squeezed and water drips out",
                                    "A hand squeezes a rubber duck and a glass"])
def test_other_soft_prompts_are_still_refused_or_planned_as_before(prompt):
    with pytest.raises(RefusedError):
        plan_offline(prompt)


def test_a_rubber_duck_is_a_floating_toy_not_an_animal():
    scene = scene_from_document(plan_offline("A rubber duck floats in a bath").document)
    assert scene.water and any(getattr(e, "floats", None) == "rubber_duck" for e in scene.expect)
