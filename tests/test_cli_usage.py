"""The command line as a new user meets it, through the installed console script: click's
usage conventions, exit codes for every outcome, and messages that name what the user typed."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simshot import __version__
from simshot.cli import main

EXE = Path(sys.executable).with_name("simshot")
SCRIPT = """\
name: drop
duration: 0.5
fps: 12
resolution: [64, 48]
bodies:
  - {name: ball, asset: tennis_ball, position: [0, 0, 0.3]}  # falls onto the ground
  - {name: block, asset: block, position: [0.3, 0, 0]}
expect:
  - {contacts: ball, with: ground}
  - {moves_less_than: ball, distance: 0.05, not: true}  # it falls further than 5 cm
"""


def simshot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "COLUMNS": "100"})


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "drop.yaml"
    path.write_text(SCRIPT)
    return path


@pytest.mark.slow
def test_usage_errors_exit_2_with_the_usage_line_and_a_suggestion():
    typo = simshot("rendr", "x.yaml")
    assert typo.returncode == 2
    assert "Usage: simshot" in typo.stderr and "Did you mean 'render'?" in typo.stderr
    missing = simshot("render")
    assert missing.returncode == 2
    assert "Usage: simshot render [OPTIONS] SCENE" in missing.stderr
    assert "Missing argument 'SCENE'" in missing.stderr
    assert "internal error" not in typo.stderr + missing.stderr


@pytest.mark.slow
def test_version_and_a_bare_command_exit_0():
    for flag in ("--version", "-V"):
        shown = simshot(flag)
        assert shown.returncode == 0 and shown.stdout.strip() == f"simshot {__version__}"
    bare = simshot()
    assert bare.returncode == 0
    assert "Usage: simshot [OPTIONS] COMMAND" in bare.stdout and bare.stderr == ""


def test_messages_name_the_option_not_the_parameter(tmp_path, capsys):
    assert main(["export", str(tmp_path)]) == 2
    text = capsys.readouterr().err
    assert "Missing option '--format'" in text and "fmt" not in text
    assert main(["dataset", "x.yaml", "-n", "abc", "-o", str(tmp_path / "d")]) == 2
    assert "Invalid value for '-n'" in capsys.readouterr().err


def test_help_has_no_type_placeholders_and_shows_defaults_whole(capsys):
    for command in ("render", "make", "dataset", "refine", "simulate", "plan", "export",
                    "studio"):
        assert main([command, "--help"]) == 0
        text = capsys.readouterr().out
        assert not re.search(r"<(bool|str|path|int|float)>|\{[A-Z]+\}", text), text
        assert "Example: simshot " + command in text
    main(["render", "--help"])
    assert "[default: depth,flow,rgb,segmentation]" in " ".join(capsys.readouterr().out.split())


def test_failed_expectations_exit_4_unless_allowed(script, tmp_path, capsys):
    failing = script.read_text().replace("{contacts: ball, with: ground}",
                                         "{contacts: ball, with: block}")
    script.write_text(failing)
    out = tmp_path / "shot"
    assert main(["simulate", str(script), "-o", str(out)]) == 4
    text = capsys.readouterr()
    assert "FAIL contacts: ball never touches block" in text.out
    assert "exit 4" in text.err and "--allow-failures" in text.err
    assert main(["simulate", str(script), "-o", str(out), "--allow-failures"]) == 0


def test_a_negated_check_that_holds_reads_as_its_claim(script, tmp_path, capsys):
    assert main(["simulate", str(script), "-o", str(tmp_path / "shot")]) == 0
    lines = capsys.readouterr().out.splitlines()
    negated = next(line for line in lines if "moves_less_than" in line)
    assert negated.strip().startswith("pass not moves_less_than: ball moves")


def test_render_takes_a_resolution_and_the_shot_records_it(script, tmp_path):
    out = tmp_path / "shot"
    assert main(["render", str(script), "-o", str(out), "--resolution", "32x24"]) == 0
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["scene"]["resolution"] == [32, 24]
    kept = (out / "scene.yaml").read_text()
    assert "resolution: [32, 24]" in kept and "# falls onto the ground" in kept
    assert script.read_text() == SCRIPT  # the user's own file is never touched


def test_bad_resolution_says_so_without_an_input_prefix(script, capsys):
    assert main(["render", str(script), "--resolution", "127x128"]) == 2
    text = capsys.readouterr().err
    assert text.startswith("error: --resolution: 127x128 must be even") and "<input>" not in text


def test_debug_shows_the_traceback_without_telling_to_rerun_with_debug(script, tmp_path,
                                                                        capsys, monkeypatch):
    import physics.simulate

    monkeypatch.setattr(physics.simulate, "simulate",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    assert main(["--debug", "simulate", str(script), "-o", str(tmp_path / "s")]) == 1
    text = capsys.readouterr().err
    assert "Traceback" in text and "boom" in text and "rerun with --debug" not in text


@pytest.mark.slow
def test_no_pybullet_banner(script):
    checked = simshot("validate", str(script))
    assert checked.returncode == 0, checked.stderr
    assert "pybullet build time" not in checked.stderr + checked.stdout


@pytest.mark.slow
def test_refine_without_the_neural_extra_says_which_extra(shot, capsys, monkeypatch):
    import importlib.util

    find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "torch" else find(name, *a))
    assert main(["refine", str(shot)]) == 2
    assert "pip install -e '.[neural]'" in capsys.readouterr().err


def test_studio_without_its_extra_says_which_extra(capsys, monkeypatch, tmp_path):
    import importlib.util

    find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "gradio" else find(name, *a))
    assert main(["studio", "--workspace", str(tmp_path / "ws")]) == 2
    assert "pip install -e '.[studio]'" in capsys.readouterr().err
    assert not (tmp_path / "ws").exists()


def test_the_command_line_starts_without_the_heavy_libraries():
    """`simshot --version` or a usage error answers at once: none of these is loaded yet."""
    heavy = ("numpy", "pydantic", "pybullet", "trimesh", "pyrender", "torch", "scipy", "gradio")
    probe = ("import sys, simshot.cli; "
             f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"
