"""Round-trip YAML I/O: comments, key order and quoting survive; saves are atomic."""
from __future__ import annotations

from pathlib import Path

import pytest

from bridge.errors import UserError
from bridge.yamlio import dump_document, load_document, load_string, save_document

SCRIPT = """\
# yaml-language-server: $schema=scene.schema.json
# A ball drops onto the table.
name: drop  # the shot's folder name
duration: 1.5
seed: 7
world: {gravity: [0, 0, -9.81], ground: {material: stone}}
bodies:
  # the table comes first
  - {name: table, asset: table, position: [0, 0, 0], static: true}
  # then the ball
  - name: ball
    asset: tennis_ball  # a fuzzy one
    position: [0, 0, 1.2]
    material: "rubber"
events:
  - {at: 0.4, push: {body: ball, impulse: [0.01, 0, 0]}}
expect:
  - {bounces: ball, at_least: 1}  # it must bounce
style: {prompt: 'photoreal, morning light'}
"""


def test_round_trip_is_byte_for_byte(tmp_path: Path):
    source = tmp_path / "scene.yaml"
    source.write_text(SCRIPT)
    doc = load_document(source)
    target = tmp_path / "copy.yaml"
    save_document(doc, target)
    assert target.read_text() == SCRIPT


def test_edits_keep_comments_and_key_order():
    doc = load_string(SCRIPT)
    doc["duration"] = 2.0
    doc["bodies"][1]["position"][2] = 2.5
    text = dump_document(doc)
    for comment in ("# A ball drops", "# the shot's folder name", "# the table comes first",
                    "# then the ball", "# a fuzzy one", "# it must bounce"):
        assert comment in text
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys == ["name", "duration", "seed", "world", "bodies", "events", "expect", "style"]
    assert "duration: 2.0" in text and "position: [0, 0, 2.5]" in text
    assert load_string(text)["bodies"][1]["position"][2] == 2.5


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path: Path):
    target = tmp_path / "scene.yaml"
    target.write_text("old: content\n")
    save_document(load_string(SCRIPT), target)
    assert target.read_text() == SCRIPT
    assert [p.name for p in tmp_path.iterdir()] == ["scene.yaml"]


def test_failed_save_keeps_the_old_file_and_no_temporary_files(tmp_path: Path):
    target = tmp_path / "scene.yaml"
    target.write_text("old: content\n")
    with pytest.raises(Exception):  # noqa: B017 - any failure of the dumper will do
        save_document({"bad": object()}, target)
    assert target.read_text() == "old: content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["scene.yaml"]


def test_load_string_names_the_source():
    with pytest.raises(UserError) as info:
        load_string("name: [", name="planner-round-2")
    assert str(info.value).startswith("planner-round-2:")


def test_missing_file_is_a_user_error(tmp_path: Path):
    with pytest.raises(UserError, match="cannot read"):
        load_document(tmp_path / "absent.yaml")
