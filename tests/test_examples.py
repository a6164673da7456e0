"""Every bundled example simulates, renders and meets its own expectations (at low resolution)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bridge.loader import load_scene
from bridge.pipeline import run_shot

SCENES = sorted((Path(__file__).resolve().parents[1] / "scenes").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENES, ids=lambda p: p.stem)
def test_example_renders_and_its_expectations_pass(path, tmp_path):
    loaded = load_scene(path)
    small = loaded.scene.model_copy(update={"resolution": (96, 96)})
    result = run_shot(dataclasses.replace(loaded, scene=small), tmp_path / "shot")
    failed = [e for e in result.report["expectations"] if e["passed"] is not True]
    assert not failed, failed
    assert (tmp_path / "shot" / "rgb.mp4").stat().st_size > 0
