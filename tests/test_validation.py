"""Broken scene scripts: each fails fast, in bounded memory, with a located, helpful message."""
from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import limits
from bridge.errors import Problem, UserError
from bridge.loader import load_scene, scene_from_document
from bridge.yamlio import load_string

VALID = """\
name: drop
duration: 1.0
bodies:
  - {name: ball, asset: tennis_ball, position: [0, 0, 1]}
expect:
  - {bounces: ball, at_least: 1}
"""
HEAD = "name: drop\nduration: 1.0\nbodies:\n"
BALL = "  - {name: ball, asset: tennis_ball, position: [0, 0, 1]}\n"


def _problems(tmp_path: Path, text: str | bytes) -> list[Problem]:
    """Load a script that must fail; check it names the file."""
    path = tmp_path / "scene.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    with pytest.raises(UserError) as info:
        load_scene(path)
    assert str(path) in str(info.value)
    assert all(str(p).startswith(str(path)) for p in info.value.problems)
    return info.value.problems


CASES = [
    pytest.param(HEAD + "  - name: ball\n    asset: tennis_ball\n    postion: [0, 0, 1]\n",
                 6, 5, "bodies[0].postion", "did you mean 'position'", id="misspelled-field"),
    pytest.param(HEAD + "  - name: glass\n    asset: tumblr\n",
                 5, 12, "bodies[0].asset", "did you mean 'tumbler'", id="misspelled-asset"),
    pytest.param(HEAD + "  - {name: glass, asset: tumbler, material: glas}\n",
                 4, 45, "bodies[0].material", "did you mean 'glass'", id="misspelled-material"),
    pytest.param("name: drop\nduration: soon\nbodies:\n" + BALL,
                 2, 11, "duration", "expected a number, found 'soon'", id="wrong-type"),
    pytest.param(HEAD + "  - {name: ball, asset: tennis_ball, static: maybe}\n",
                 4, 46, "bodies[0].static", "expected true or false", id="wrong-type-bool"),
    pytest.param(HEAD + "  - {name: ball, asset: tennis_ball, position: 5}\n",
                 4, 48, "bodies[0].position", "expected a list of 3 numbers [x, y, z], found 5",
                 id="wrong-type-vector"),
    pytest.param(HEAD + "  - {name: ball, asset: tennis_ball, position: [0, 1]}\n",
                 4, 48, "bodies[0].position", "expected a list of 3 numbers [x, y, z]",
                 id="vector-too-short"),
    pytest.param(HEAD + "  - asset: tennis_ball\n",
                 4, 5, "bodies[0].name", "required field 'name' is missing", id="missing-field"),
    pytest.param("name: drop\nduration: 1.0\n",
                 1, 1, "bodies", "required field 'bodies' is missing", id="missing-bodies"),
    pytest.param(HEAD + BALL + "events:\n  - {at: 0.5, push: {body: bal, impulse: [1, 0, 0]}}\n",
                 6, 28, "events[0].push.body", "unknown body 'bal'; did you mean 'ball'",
                 id="dangling-event-reference"),
    pytest.param(HEAD + BALL + "expect:\n  - {comes_to_rest: ball, on: grund}\n",
                 6, 31, "expect[0].on", "did you mean 'ground'", id="dangling-expect-on"),
    pytest.param(HEAD + BALL + "expect:\n  - {bounces: bal, at_least: 1}\n",
                 6, 15, "expect[0].bounces", "unknown body 'bal'; did you mean 'ball'",
                 id="dangling-expectation"),
    pytest.param(HEAD + BALL + "expect:\n  - {falls_over: domino_*}\n",
                 6, 18, "expect[0].falls_over", "matches no body", id="glob-matches-nothing"),
    pytest.param(HEAD + BALL + "expect:\n  - {bouncs: ball}\n",
                 6, 6, "expect[0].bouncs", "did you mean 'bounces'", id="misspelled-check"),
    pytest.param(HEAD + BALL + "expect:\n  - {bounces: ball, at_leest: 2}\n",
                 6, 21, "expect[0].at_leest", "did you mean 'at_least'",
                 id="misspelled-check-field"),
    pytest.param(HEAD + BALL + "  - {name: ball, asset: basketball}\n",
                 5, 12, "bodies[1].name", "duplicate body name 'ball'", id="duplicate-names"),
    pytest.param(HEAD + BALL + "events:\n  - {at: 0.5, spawn: {name: ball, asset: egg}}\n",
                 6, 29, "events[0].spawn.name", "duplicate body name 'ball'",
                 id="duplicate-spawned-name"),
    pytest.param(HEAD + "  - {name: ground, asset: tennis_ball}\n",
                 4, 12, "bodies[0].name", "reserved", id="reserved-ground"),
    pytest.param(HEAD + BALL + "events:\n  - {at: 2.5, remove: ball}\n",
                 6, 10, "events[0].at", "after the end of the shot", id="event-after-duration"),
    pytest.param(HEAD + BALL + "events:\n  - {at: 0.5, delay: 0.75, remove: ball}\n",
                 6, 22, "events[0].delay", "1.25 s", id="event-delay-after-duration"),
    pytest.param(HEAD + BALL
                 + "events:\n  - {at: 0.5, force: {body: ball, force: [1, 0, 0], duration: 1}}\n",
                 6, 63, "events[0].force.duration", "after the end of the shot",
                 id="force-after-duration"),
    pytest.param(HEAD + BALL + "events:\n  - {at: 0.5, release: ball}\n",
                 6, 24, "events[0].release", "not static", id="release-dynamic-body"),
    pytest.param(HEAD + "  - {name: ball, asset: tennis_ball, position: [0, .nan, 1]}\n",
                 4, 52, "bodies[0].position[1]", "NaN and infinity are not allowed", id="nan"),
    pytest.param("name: drop\nduration: .inf\nbodies:\n" + BALL,
                 2, 11, "duration", "NaN and infinity are not allowed", id="inf"),
    pytest.param(HEAD + "  - {name: ball, asset: tennis_ball, mass: -1}\n",
                 4, 44, "bodies[0].mass", "expected a number > 0, found -1", id="negative-mass"),
    pytest.param(HEAD + "  - {name: ball, asset: tennis_ball, scale: 0}\n",
                 4, 45, "bodies[0].scale", "expected a number > 0, found 0", id="zero-scale"),
    pytest.param(HEAD + "  - {name: ball, asset: tennis_ball, scale: [1, -2, 1]}\n",
                 4, 49, "bodies[0].scale[1]", "expected a number > 0, found -2",
                 id="negative-scale-component"),
    pytest.param(HEAD + "  - {name: ball, asset: tennis_ball, params: {radius: -0.1}}\n",
                 4, 47, "bodies[0].params.radius", "params.radius must be > 0",
                 id="negative-param"),
    pytest.param(HEAD + "  - {name: ball, asset: tennis_ball, params: {radis: 0.1}}\n",
                 4, 47, "bodies[0].params.radis", "did you mean 'radius'?",
                 id="misspelled-param"),
    pytest.param(HEAD + "  - {name: rock, mesh: /etc/rock.obj}\n",
                 4, 24, "bodies[0].mesh", "not absolute", id="absolute-mesh-path"),
    pytest.param(HEAD + "  - {name: rock, mesh: ../../rock.obj}\n",
                 4, 24, "bodies[0].mesh", "'..'", id="dotdot-mesh-path"),
    pytest.param("- name: drop\n- bodies: []\n",
                 1, 1, "", "top level must be a mapping", id="list-at-top-level"),
    pytest.param("", 0, 0, "", "empty", id="empty-file"),
    pytest.param("name: drop\nbodies: [{name: ball, asset: tennis_ball}\nduration: 1\n",
                 3, 1, "", "invalid YAML", id="unclosed-bracket"),
    pytest.param(HEAD + BALL + "duration: 2.0\n",
                 5, 1, "duration", "duplicate key 'duration' (first at line 2)",
                 id="duplicate-key"),
    pytest.param(HEAD + BALL + "style: !!python/object/apply:os.system ['echo pwned']\n",
                 5, 8, "", "tags such as '!!python/object/apply:os.system' are not allowed",
                 id="python-tag"),
    pytest.param(b"name: drop\nduration: 1.0\nstyle: {prompt: caf\xe9}\n",
                 3, 20, "", "not valid UTF-8", id="not-utf8"),
]


@pytest.mark.parametrize(("text", "line", "col", "field", "fragment"), CASES)
def test_broken_script_is_located(tmp_path, text, line, col, field, fragment):
    problems = _problems(tmp_path, text)
    matching = [p for p in problems if fragment in p.message]
    assert matching, problems
    where = matching[0]
    assert (where.location.line, where.location.col, where.field) == (line, col, field), where


def test_every_problem_is_reported_at_once_in_file_order(tmp_path):
    text = HEAD + ("  - {name: a, asset: tumblr}\n"
                   "  - {name: b, asset: tennis_ball, material: glas}\n"
                   "  - {name: c, asset: tennis_ball, postion: [0, 0, 1]}\n")
    problems = _problems(tmp_path, text)
    assert [(p.location.line, p.field) for p in problems] == [
        (4, "bodies[0].asset"), (5, "bodies[1].material"), (6, "bodies[2].postion")]


def test_union_branches_give_one_clear_message(tmp_path):
    problems = _problems(tmp_path, HEAD + BALL + "expect:\n  - {bounces: 5}\n")
    assert [p.message for p in problems] == [
        "expected a body name, a glob such as 'domino_*', or a list of names, found 5"]


def test_message_format_is_file_line_col_field_message(tmp_path):
    problems = _problems(tmp_path, HEAD + "  - name: glass\n    asset: tumblr\n")
    assert str(problems[0]).startswith(f"{tmp_path / 'scene.yaml'}:5:12: bodies[0].asset: "
                                       "unknown asset 'tumblr'; did you mean 'tumbler'?")


def _alias_bomb(levels: int = 9, fan_out: int = 10) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * fan_out) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan_out) + "]")
    return HEAD + BALL + "\n".join(lines) + "\n"


def _alias_chain(length: int = 60) -> str:
    lines = ["c0: &c0 [x]"] + [f"c{i}: &c{i} [*c{i - 1}]" for i in range(1, length)]
    return HEAD + BALL + "\n".join(lines) + "\n"


BOMBS = [
    pytest.param(_alias_bomb(), "aliases are expanded", id="billion-laughs"),
    pytest.param(_alias_chain(), "nesting deeper", id="alias-chain-depth"),
    pytest.param("a: &x [*x]\n", "contains it", id="recursive-alias"),
    pytest.param("a: &x 1\nb: [" + "*x, " * 1200 + "]\n", "aliases", id="too-many-aliases"),
    pytest.param("a: " + "[" * 200 + "]" * 200 + "\n", "nesting deeper", id="deep-flow"),
    pytest.param("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)) + "  " * 200
                 + "leaf: 1\n", "nesting deeper", id="deep-block"),
    pytest.param("a: " + "{b: " * 5000 + "1" + "}" * 5000 + "\n", "nesting deeper",
                 id="very-deep-flow"),
]


@pytest.mark.parametrize(("text", "fragment"), BOMBS)
def test_hostile_yaml_fails_fast_in_bounded_memory(tmp_path, text, fragment):
    tracemalloc.start()
    try:
        problems = _problems(tmp_path, text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert any(fragment in p.message for p in problems), problems
    assert problems[0].location.line > 0
    assert peak < 40_000_000


def test_oversized_script_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "scene.yaml"
    with path.open("w") as out:
        out.write(VALID)
        out.write("# padding\n" * 1_000_000)  # 10 MB
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read the file"))
    with pytest.raises(UserError, match=f"limit is {limits.MAX_SCRIPT_BYTES} bytes") as info:
        load_scene(path)
    assert str(path) in str(info.value)


def test_valid_script_loads(tmp_path):
    path = tmp_path / "scene.yaml"
    path.write_text(VALID)
    loaded = load_scene(path)
    assert loaded.scene.bodies[0].name == "ball"
    assert loaded.folder == tmp_path.resolve()
    assert loaded.doc["bodies"][0]["asset"] == "tennis_ball"


def test_plain_dicts_validate_without_positions():
    with pytest.raises(UserError) as info:
        scene_from_document({"name": "drop", "bodies": [{"name": "b", "asset": "tumblr"}]},
                            "llm-output")
    assert str(info.value).startswith("llm-output: bodies[0].asset: unknown asset 'tumblr'")


# characters that matter to YAML, plus some that make names and numbers
MUTATION_CHARS = ":-[]{},#&*!|>'\"%@`?\n\t .0123456789abcnx~"


@st.composite
def _mutated(draw) -> str:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        insert = draw(st.text(MUTATION_CHARS, max_size=4))
        text = text[:at] + insert + text[at + cut:]
    return text


def _value_strategy():
    return st.one_of(st.none(), st.booleans(), st.integers(-10, 10),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5),
                     st.lists(st.integers(-2, 2), max_size=4),
                     st.dictionaries(st.sampled_from(["name", "asset", "at", "x"]),
                                     st.integers(0, 3), max_size=2))


def _only_user_errors(text: str) -> None:
    try:
        scene_from_document(load_string(text, "fuzz.yaml"), "fuzz.yaml")
    except UserError as err:
        assert err.problems and all(str(p).startswith("fuzz.yaml") for p in err.problems)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_text_mutations_raise_only_user_errors(text):
    _only_user_errors(text)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.sampled_from([("name",), ("duration",), ("bodies", 0, "position"),
                        ("bodies", 0, "asset"), ("bodies", 0), ("expect", 0, "bounces"),
                        ("expect", 0), ("bodies",), ("expect", 0, "at_least")]),
       _value_strategy())
def test_value_mutations_raise_only_user_errors(path, value):
    doc = load_string(VALID)
    node = doc
    for entry in path[:-1]:
        node = node[entry]
    node[path[-1]] = value
    try:
        scene_from_document(doc, "fuzz.yaml")
    except UserError as err:
        assert err.problems


def test_a_missing_mesh_is_reported_where_the_script_names_it(tmp_path):
    path = tmp_path / "scene.yaml"
    path.write_text(HEAD + BALL + "  - {name: statue, mesh: meshes/statue.obj}\n"
                    "events:\n  - {at: 0.5, spawn: {name: cup, mesh: cup.obj}}\n")
    with pytest.raises(UserError) as info:
        load_scene(path)
    first, second = info.value.problems
    assert (first.location.line, first.location.col, first.field) == (5, 26, "bodies[1].mesh")
    assert "mesh 'meshes/statue.obj' does not exist" in first.message
    assert second.field == "events[0].spawn.mesh" and second.location.line == 7


@pytest.mark.parametrize("key", ["? {name: ball, asset: tennis_ball}", "?  - {name: ball}"])
def test_a_list_or_mapping_used_as_a_key_is_a_user_error(key):
    """Found by the fuzz above: ruamel cannot hash such a key and raised a TypeError."""
    text = f"name: drop\nduration: 1.0\nbodies:\n{key}\n"
    with pytest.raises(UserError, match=r"fuzz.yaml:4:\d+: a key must be a plain name"):
        load_string(text, "fuzz.yaml")
