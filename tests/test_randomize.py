"""Dataset scripts: distributions, repeat bodies, deterministic sampling and located errors."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from bridge.errors import SceneError, UserError
from bridge.randomize import (
    check_distributions,
    check_document,
    check_scene_file,
    has_randomness,
    sample,
    sample_rng,
    sample_scene,
)
from bridge.schema import Scene
from bridge.yamlio import load_document, load_string

EXAMPLE = Path(__file__).resolve().parents[1] / "scenes" / "datasets" / "dominoes_random.yaml"
SMALL = """\
name: small
duration: 1.0
resolution: [64, 64]
world: {ground: {material: {choice: [wood, stone]}}}
bodies:
  - {name: box, asset: crate, position: [{uniform: [-0.5, 0.5]}, 0, 0], color: {uniform: [[0, 0, 0], [1, 1, 1]]}}
  - repeat:
      count: {int: [1, 2]}
      template: {name: "ball_{n}", asset: basketball, position: {step: [[2, 0, 0], [0.5, 0, 0]]}}
"""


def draws(value, count: int = 2000, seed: int = 0) -> list:
    """`count` independent draws of one distribution, from one generator."""
    return sample({"v": [value] * count}, np.random.default_rng(seed))["v"]


def expanded(template: dict, count=3, seed: int = 0) -> list[dict]:
    doc = {"bodies": [{"repeat": {"count": count, "template": template}}]}
    return sample(doc, np.random.default_rng(seed))["bodies"]


def paths(doc) -> dict:
    return {path: message for path, message in check_distributions(doc)}


def test_same_seed_index_and_attempt_give_the_same_script():
    doc = load_string(SMALL)
    first = sample(doc, sample_rng(5, 3, 0))
    assert sample(doc, sample_rng(5, 3, 0)) == first
    assert sample(doc, sample_rng(5, 4, 0)) != first
    assert sample(doc, sample_rng(5, 3, 1)) != first
    assert sample(doc, sample_rng(6, 3, 0)) != first


def test_the_sampled_script_is_plain_data_and_the_input_is_unchanged():
    doc = load_string(SMALL)
    before = copy.deepcopy(doc)
    concrete = sample(doc, sample_rng(1, 0, 0))
    assert doc == before

    def kinds(node):
        if isinstance(node, dict):
            return {type(node)} | {k for v in node.values() for k in kinds(v)}
        if isinstance(node, list):
            return {list} | {k for v in node for k in kinds(v)}
        return {type(node)}

    assert kinds(concrete) <= {dict, list, str, float, int, bool, type(None)}


def test_uniform_draws_stay_in_range_with_the_right_mean_and_six_decimals():
    values = np.array(draws({"uniform": [2, 5]}))
    assert values.min() >= 2 and values.max() <= 5
    assert abs(values.mean() - 3.5) < 0.1
    assert all(round(v, 6) == v for v in values)


def test_normal_draws_have_the_right_mean_and_spread():
    values = np.array(draws({"normal": [1.5, 0.2]}))
    assert abs(values.mean() - 1.5) < 0.02
    assert abs(values.std() - 0.2) < 0.02


def test_int_draws_are_whole_and_reach_both_bounds():
    values = draws({"int": [3, 6]})
    assert all(isinstance(v, int) for v in values)
    assert set(values) == {3, 4, 5, 6}


def test_choice_covers_every_option_of_any_kind():
    options = ["wood", [1, 0, 0], 7, None]
    values = draws({"choice": options}, count=400)
    assert all(any(v == o for v in values) for o in options)


def test_nested_choice_of_distributions_is_sampled():
    values = draws({"choice": [{"uniform": [10, 11]}, {"int": [0, 1]}]}, count=400)
    assert any(10 <= v <= 11 for v in values)
    assert {v for v in values if v < 10} == {0, 1}


def test_vectors_per_component_and_vector_wide():
    per = draws([{"uniform": [-1, 1]}, 0, {"int": [4, 4]}], count=200)
    assert all(-1 <= x <= 1 and y == 0 and z == 4 for x, y, z in per)
    wide = np.array(draws({"uniform": [[0, 10, 20], [1, 11, 20]]}, count=200))
    assert wide.shape == (200, 3)
    assert (wide[:, 0] <= 1).all() and (wide[:, 1] >= 10).all() and (wide[:, 2] == 20).all()
    assert abs(np.array(draws({"normal": [[0, 5], [1, 0]]}))[:, 0].std() - 1) < 0.1


def test_repeat_names_copies_and_lays_out_steps_exactly():
    bodies = expanded({"name": "domino_{n:02d}", "tag": "{i}",
                       "position": {"step": [[0, 1, 0], [0.065, 0, 0]]}}, count=4)
    assert [b["name"] for b in bodies] == ["domino_01", "domino_02", "domino_03", "domino_04"]
    assert [b["tag"] for b in bodies] == ["0", "1", "2", "3"]
    assert [b["position"] for b in bodies] == [[0, 1, 0], [0.065, 1, 0], [0.13, 1, 0],
                                               [0.195, 1, 0]]


def test_repeat_count_may_be_drawn_and_copies_draw_independently():
    counts = set()
    for seed in range(40):
        bodies = expanded({"name": "d_{n}", "x": {"uniform": [0, 1]}}, {"int": [3, 6]}, seed)
        counts.add(len(bodies))
        assert len({b["name"] for b in bodies}) == len(bodies)
        assert len({b["x"] for b in bodies}) == len(bodies)
    assert counts == {3, 4, 5, 6}


def test_a_distribution_inside_step_is_drawn_once_per_repeat():
    bodies = expanded({"name": "d_{n}", "x": {"step": [0, {"uniform": [0.055, 0.07]}]}}, 5)
    xs = [b["x"] for b in bodies]
    gaps = np.diff(xs)
    assert 0.055 <= gaps[0] <= 0.07 and np.allclose(gaps, gaps[0], atol=2e-6)


def test_items_before_and_after_a_repeat_keep_their_order():
    doc = {"bodies": [{"name": "first"},
                      {"repeat": {"count": 2, "template": {"name": "c{i}"}}},
                      {"name": "last"}]}
    names = [b["name"] for b in sample(doc, np.random.default_rng(0))["bodies"]]
    assert names == ["first", "c0", "c1", "last"]


@pytest.mark.parametrize("name", ["d_{i.__class__}", "d_{0}", "d_{x}", "d_{}", "d_{i!r}",
                                  "d_{n:{i}}", "d_{i[0]}", "d_{i:999999d}", "d_{n"])
def test_hostile_index_formats_are_refused(name):
    doc = load_string(SMALL.replace('"ball_{n}"', f'"{name}"'))
    with pytest.raises(UserError) as err:
        sample_scene(doc, "x.yaml", 0, 0, 0)
    assert "bodies[1].repeat.template.name" in str(err.value)
    assert "{i}" in str(err.value) and "{n}" in str(err.value)


def test_a_template_name_without_an_index_is_refused():
    issues = paths({"bodies": [{"repeat": {"count": 3, "template": {"name": "same"}}}]})
    assert "add {n} or {i}" in issues[("bodies", 0, "repeat", "template", "name")]


@pytest.mark.parametrize("value, path, words", [
    ({"uniform": [2, 1]}, ("uniform",), "uniform needs [low, high] with low <= high"),
    ({"uniform": [[0, 0], [1]]}, ("uniform",), "two vectors of the same length"),
    ({"normal": [0, -1]}, ("normal",), "sigma >= 0"),
    ({"int": [1.5, 3]}, ("int",), "whole numbers"),
    ({"choice": []}, ("choice",), "non-empty list"),
    ({"uniform": [0, 1], "normal": [0, 1]}, (), "exactly one key"),
    ({"step": [0, 1]}, ("step",), "only allowed inside a repeat template"),
    ({"unifrom": [0, 1]}, ("unifrom",), "did you mean 'uniform'?"),
    ({"choice": [1, {"normal": [0, -2]}]}, ("choice", 1, "normal"), "sigma >= 0"),
])
def test_malformed_distributions_are_reported_at_their_path(value, path, words):
    issues = paths({"bodies": [{}, {}, {"position": [value, 0, 0]}]})
    assert list(issues) == [("bodies", 2, "position", 0, *path)]
    assert words in issues[("bodies", 2, "position", 0, *path)]


def test_schema_fields_are_not_taken_for_misspelled_distributions():
    assert check_distributions({"camera": {"shots": [{"preset": "medium"}]},
                                "style": {"prompt": "x"}, "bodies": [{"name": "a"}]}) == []


def test_repeat_is_only_a_bodies_item_with_a_bounded_count():
    issues = paths({"events": [{"repeat": {"count": 2, "template": {}}}],
                    "bodies": [{"repeat": {"count": 2000, "template": {"name": "a{i}"}}},
                               {"repeat": {"count": {"int": [-1, 3]}, "template": {"name": "b{i}"}}},
                               {"repeat": {"count": 2, "templat": {"name": "c{i}"}}}]})
    assert "only allowed as an item of bodies" in issues[("events", 0, "repeat")]
    assert "from 0 to 1024" in issues[("bodies", 0, "repeat", "count")]
    assert "from 0 to 1024" in issues[("bodies", 1, "repeat", "count", "int")]
    assert "repeat needs {count" in issues[("bodies", 2, "repeat")]
    typo = paths({"bodies": [{"repaet": {"count": 2, "template": {"name": "a{i}"}}}]})
    assert typo == {("bodies", 0, "repaet"): "unknown key 'repaet'; did you mean 'repeat'?"}


def test_errors_in_a_file_carry_file_line_and_column(tmp_path):
    path = tmp_path / "data.yaml"
    text = SMALL.replace("[-0.5, 0.5]", "[0.5, -0.5]").replace("step:", "stpe:")
    path.write_text(text)
    lines = text.splitlines()
    bad_range = f"{path}:6:{lines[5].index('[0.5, -0.5]') + 1}"
    typo = f"{path}:9:{lines[8].index('[[2, 0, 0]') + 1}"
    doc = load_document(path)
    with pytest.raises(UserError) as err:
        check_document(doc, str(path))
    message = str(err.value)
    assert f"{bad_range}: bodies[0].position[0].uniform: uniform needs" in message
    assert f"{typo}: bodies[1].repeat.template.position.stpe: " in message
    assert "did you mean 'step'?" in message
    with pytest.raises(UserError, match=bad_range):
        sample_scene(doc, str(path), 0, 0, 0)


def test_check_scene_file_locates_errors_of_random_and_fixed_scripts(tmp_path):
    check_scene_file(EXAMPLE)
    random = tmp_path / "random.yaml"
    random.write_text(SMALL.replace("{int: [1, 2]}", "{int: [2, 1]}"))
    with pytest.raises(UserError, match=rf"{random}:8:\d+: bodies\[1\].repeat.count.int: int needs"):
        check_scene_file(random)
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text("name: fixed\nbodies:\n  - {name: a, asset: crate, mass: -1}\n")
    with pytest.raises(UserError, match=rf"{fixed}:3:\d+: bodies\[0\].mass"):
        check_scene_file(fixed)


def test_a_sampled_script_validates_into_a_scene():
    doc = load_string(SMALL)
    scene = sample_scene(doc, "small.yaml", 3, 0, 0)
    assert isinstance(scene, Scene)
    assert scene.world.ground.material in ("wood", "stone")
    assert [b.name for b in scene.bodies][:2] == ["box", "ball_1"]
    assert scene.bodies[1].position == (2.0, 0.0, 0.0)


def test_a_bad_draw_names_the_sample_and_attempt():
    doc = load_string(SMALL.replace("duration: 1.0", "duration: {choice: [-1]}"))
    with pytest.raises(UserError, match=r"small.yaml: duration: sample 12 \(attempt 2\): "):
        sample_scene(doc, "small.yaml", 0, 12, 2)
    doc = load_string(SMALL.replace("count: {int: [1, 2]}", "count: {choice: [0.5]}"))
    with pytest.raises(UserError, match=r"small.yaml:\d+:\d+: bodies\[1\].repeat.count: "
                                        r"sample 1 \(attempt 0\): count needs"):
        sample_scene(doc, "small.yaml", 0, 1, 0)
    with pytest.raises(SceneError):
        sample(doc, sample_rng(0, 1, 0))


def test_has_randomness():
    assert has_randomness(load_string(SMALL))
    assert has_randomness({"bodies": [{"repeat": {"count": 2, "template": {}}}]})
    assert has_randomness({"a": [[0, {"int": [0, 1]}]]})
    assert not has_randomness({"name": "x", "bodies": [{"name": "a", "position": [0, 0, 0]}],
                               "world": {"ground": {"material": "wood"}}})


def test_the_dataset_example_samples_into_domino_rows():
    doc = load_document(EXAMPLE)
    assert check_distributions(doc) == []
    for index in range(5):
        scene = sample_scene(doc, str(EXAMPLE), 0, index, 0)
        names = [b.name for b in scene.bodies]
        assert 6 <= len(names) <= 10 and names[0] == "domino_01"
        assert scene.events[0].push.body == "domino_01"
        assert (scene.resolution, scene.num_frames) == ((256, 256), 24)
