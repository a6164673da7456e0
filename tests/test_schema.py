"""The committed JSON Schema and the example scenes stay in step with the code."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from bridge.loader import load_scene
from bridge.schema_file import MODELINE, schema_text
from bridge.yamlio import load_document
from simshot.cli import main

SCENES = Path(__file__).resolve().parents[1] / "scenes"
EXAMPLES = sorted(SCENES.glob("*.yaml"))


def test_committed_schema_is_current():
    committed = (SCENES / "scene.schema.json").read_text()
    assert committed == schema_text(), "stale schema: run `make schema` and commit it"


def test_schema_command_writes_the_schema(tmp_path):
    target = tmp_path / "sub" / "scene.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert target.read_text() == schema_text()


def test_there_are_at_least_ten_examples():
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_has_modeline_and_validates(path):
    assert path.read_text().splitlines()[0] == MODELINE
    load_scene(path)
    # what editors check through the modeline must accept it too
    data = json.loads(json.dumps(load_document(path)))
    jsonschema.validate(data, json.loads(schema_text()))
