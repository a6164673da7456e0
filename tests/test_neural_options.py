"""Refinement options in the scene script: flags over the script's `refine` section over the
defaults; a bad section is a located error; a script naming a model refines on render."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from pydantic import ValidationError

from bridge import shot as shotfiles
from bridge.errors import UserError
from bridge.refine_options import BACKENDS, DEFAULTS, OPTIONS, option_help
from bridge.refine_schema import RefineSettings, problems
from neural import refine as rf
from tests.tiny_models import SHOT_SCRIPT

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

ROOT = Path(__file__).resolve().parents[1]


def _with_refine(shot: Path, section: str) -> None:
    script = shot / shotfiles.SCENE
    script.write_text(script.read_text() + section)


def test_each_backend_is_its_module_imported_only_when_asked_for(monkeypatch):
    probe = ("import sys, neural.refine; print(sorted(m for m in sys.modules "
             "if m.removeprefix('neural.') in neural.refine.BACKENDS))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[]"
    refiners = [rf.get_refiner(name) for name in BACKENDS]
    assert [type(r).__module__ for r in refiners] == [f"neural.{name}" for name in BACKENDS]
    assert [r.name for r in refiners] == list(BACKENDS)
    # a name in BACKENDS is all a new backend needs: its module's REFINER is found
    fake = ModuleType("neural.fake")
    fake.REFINER = lambda pipeline=None: SimpleNamespace(name="fake", pipeline=pipeline)
    monkeypatch.setitem(sys.modules, "neural.fake", fake)
    monkeypatch.setattr(rf, "BACKENDS", (*BACKENDS, "fake"))
    assert rf.get_refiner("fake", pipeline="tiny").pipeline == "tiny"


def test_the_options_defaults_and_bounds_are_the_schemas():
    defaults = {name: value for name, value in DEFAULTS.items() if name != "backend"}
    assert asdict(rf.RefineOptions()) == defaults and rf.DEFAULT_BACKEND == "wan"
    # the script's bounds hold for flags too, named by flag
    for values, message in (({"guidance": 60.0}, "--guidance must be in [0, 50], got 60.0"),
                            ({"steps": 1001}, "--steps must be in [1, 1000], got 1001"),
                            ({"strength": 1.5}, "--strength must be in [0, 1], got 1.5"),
                            ({"window": -1}, "--window must be in [0, 1000], got -1"),
                            ({"device": "gpu"}, "--device must be auto, cpu, mps, cuda or cuda:N")):
        with pytest.raises(UserError, match=re.escape(message)):
            rf.RefineOptions(**values).check()
        assert problems(values)[0].startswith(message)
        with pytest.raises(ValidationError):
            RefineSettings(**values)
    rf.RefineOptions(guidance=50.0, steps=1000, device="cuda:1").check()


def test_each_option_has_one_line_of_help_with_its_values_and_default():
    assert set(RefineSettings.model_fields) == set(OPTIONS)
    assert option_help("strength").endswith("(in [0, 1]; default 0.6)")
    assert option_help("backend").endswith("(one of wan, cogvideox, ltx, wan_vace; default wan)")
    assert option_help("device").endswith(
        "(auto, cpu, mps, cuda or cuda:N; default auto: cuda when available, else cpu)")
    assert option_help("seed").endswith("default: the scene's seed)")
    assert option_help("vae_tiling").endswith("(default off)")
    for name in OPTIONS:
        assert "\n" not in option_help(name)
        assert RefineSettings.model_fields[name].description == option_help(name)


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
    from simshot.cli import main

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
    from neural.testing import tiny_wan_pipeline
    from simshot.cli import main

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
