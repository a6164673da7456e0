"""Refinement options in the scene script: flags over the script's `refine` section over the
defaults; a bad section is a located error; a script naming a model refines on render."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bridge.errors import UserError
from bridge.refine_schema import BACKENDS
from neural import refine as rf
from tests.tiny_models import SHOT_SCRIPT


def _with_refine(shot: Path, section: str) -> None:
    script = shot / "scene.yaml"
    script.write_text(script.read_text() + section)


def test_the_registry_and_the_schema_name_the_same_backends():
    assert tuple(rf.REFINERS) == BACKENDS


def test_flags_win_over_the_script_which_wins_over_the_defaults(shot):
    _with_refine(shot, "refine: {backend: ltx, strength: 0.3, steps: 12, noise: warped}\n")
    options, backend = rf.options_for(shot, {"strength": 0.5, "seed": None})
    assert backend == "ltx"
    assert (options.strength, options.steps, options.noise) == (0.5, 12, "warped")
    assert (options.guidance, options.offload, options.seed) == (5.0, "none", None)
    options, backend = rf.options_for(shot, {"backend": "wan"})
    assert backend == "wan" and options.strength == 0.3


def test_without_a_section_the_defaults_hold(shot):
    options, backend = rf.options_for(shot, {})
    assert backend == "wan" and options == rf.RefineOptions()


def test_a_bad_section_is_reported_at_its_line(shot, capsys):
    from bridge.cli import main

    _with_refine(shot, "refine:\n  strength: 1.5\n")
    line = len((shot / "scene.yaml").read_text().splitlines())
    with pytest.raises(UserError, match=rf"scene\.yaml:{line}:\d+.*refine\.strength"):
        rf.options_for(shot, {})
    assert main(["refine", str(shot)]) == 2
    assert f"scene.yaml:{line}:" in capsys.readouterr().err
    assert not (shot / "refined.mp4").exists()


def test_a_misspelled_backend_gets_the_valid_names(shot):
    _with_refine(shot, "refine: {backend: wam}\n")
    with pytest.raises(UserError, match="wan_vace"):
        rf.options_for(shot, {})


def test_control_is_refused_by_a_backend_without_structure_control(shot):
    with pytest.raises(UserError, match="--control edges.*--backend wan_vace"):
        rf.refine_shot(shot, rf.RefineOptions(control="edges", steps=4, strength=0.5),
                       backend="wan")
    with pytest.raises(UserError, match="--control must be one of depth, edges"):
        rf.RefineOptions(control="normals").check()


def test_a_script_naming_a_model_refines_after_render(tmp_path, monkeypatch, capsys):
    from bridge.cli import main
    from tests.tiny_models import tiny_wan_pipeline

    folder = tmp_path / "tiny-wan"
    tiny_wan_pipeline().save_pretrained(folder)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    script = tmp_path / "scene.yaml"
    script.write_text(SHOT_SCRIPT + f"refine: {{model: '{folder}', strength: 0.5, steps: 4, "
                      "guidance: 2.0, device: cpu}\n")
    out = tmp_path / "shot"
    assert main(["render", str(script), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "refined:" in printed and "refine: not run" not in printed
    section = json.loads((out / "report.json").read_text())["refine"]
    assert (section["model"], section["strength"], section["steps"]) == (str(folder), 0.5, 4)
    assert (out / "refined.mp4").is_file()
