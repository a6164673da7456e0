"""The command line: exit codes, messages without tracebacks, nothing left behind on failure."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simshot.cli import main

GOOD = """\
# yaml-language-server: $schema=scene.schema.json
name: drop
duration: 0.5
fps: 12
resolution: [64, 48]
bodies:
  - {name: ball, asset: tennis_ball, position: [0, 0, 0.3]}  # a comment
expect:
  - {contacts: ball, with: ground}
"""
HEAD = "name: bad\nduration: 0.5\nbodies:\n"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))

BAD_INPUTS = {
    "malformed": "name: bad\nbodies: [\n",
    "top-level-list": "- name: bad\n",
    "unknown-field": HEAD + "  - {name: b, asset: ball, postion: [0, 0, 1]}\n",
    "nan": HEAD + "  - {name: b, asset: ball, position: [.nan, 0, 1]}\n",
    "negative-mass": HEAD + "  - {name: b, asset: ball, mass: -1}\n",
    "negative-size": HEAD + "  - {name: b, asset: ball, params: {radius: -0.2}}\n",
    "dangling-reference": HEAD + "  - {name: b, asset: ball}\nevents:\n"
                          "  - {at: 0.1, push: {body: c, impulse: [1, 0, 0]}}\n",
    "absolute-mesh": HEAD + "  - {name: b, mesh: /etc/passwd.obj}\n",
    "dotdot-mesh": HEAD + "  - {name: b, mesh: ../../x.obj}\n",
    "alias-bomb": BOMB,
    "deep-nesting": "a: " + "[" * 200 + "]" * 200 + "\n",
}


def _run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_names_the_file_and_leaves_nothing(tmp_path, capsys, case):
    script = tmp_path / f"{case}.yaml"
    script.write_text(BAD_INPUTS[case])
    out = tmp_path / "shot"
    code, text = _run(capsys, "render", str(script), "-o", str(out))
    assert code == 2
    assert script.name in text
    assert "Traceback" not in text
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [script.name]


def test_ten_megabyte_script_is_refused_unread(tmp_path, capsys):
    script = tmp_path / "huge.yaml"
    with script.open("w") as f:
        f.write("# padding\n" * 1_000_000)
    code, text = _run(capsys, "validate", str(script))
    assert code == 2 and "huge.yaml" in text and "Traceback" not in text


def test_validate_reports_line_column_and_suggestion(tmp_path, capsys):
    script = tmp_path / "s.yaml"
    script.write_text(HEAD + "  - {name: b, asset: tumblr}\n")
    code, text = _run(capsys, "validate", str(script))
    assert code == 2
    assert f"{script}:4:" in text and "did you mean 'tumbler'?" in text


def test_validate_catches_overlaps_at_start(tmp_path, capsys):
    script = tmp_path / "s.yaml"
    script.write_text(HEAD + "  - {name: a, asset: block}\n  - {name: b, asset: block, "
                      "position: [0.05, 0, 0]}\n")
    code, text = _run(capsys, "validate", str(script))
    assert code == 2 and f"{script}:5:" in text and "overlaps 'a'" in text


def test_simulate_writes_the_physics_artifacts(tmp_path, capsys):
    script = tmp_path / "good.yaml"
    script.write_text(GOOD)
    out = tmp_path / "shot"
    code, text = _run(capsys, "simulate", str(script), "-o", str(out))
    assert code == 0, text
    names = {p.name for p in out.iterdir()}
    assert {"scene.yaml", "trajectory.npz", "events.json", "metadata.json",
            "report.json"} <= names
    assert (out / "scene.yaml").read_text() == GOOD  # the exact script, comments kept
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_unknown_pass_is_a_user_error(tmp_path, capsys):
    script = tmp_path / "good.yaml"
    script.write_text(GOOD)
    code, text = _run(capsys, "render", str(script), "-o", str(tmp_path / "o"),
                      "--passes", "rgb,detph")
    assert code == 2 and "did you mean 'depth'?" in text


def test_internal_error_exits_1_with_traceback_only_under_debug(tmp_path, capsys,
                                                                 monkeypatch):
    import physics.simulate

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(physics.simulate, "simulate", broken)
    script = tmp_path / "good.yaml"
    script.write_text(GOOD)
    out = tmp_path / "shot"
    code, text = _run(capsys, "simulate", str(script), "-o", str(out))
    assert code == 1 and "boom" in text and "Traceback" not in text and not out.exists()
    code, text = _run(capsys, "--debug", "simulate", str(script), "-o", str(out))
    assert code == 1 and "Traceback" in text


@pytest.mark.slow
def test_installed_command_exit_code_and_fast_start(tmp_path):
    script = tmp_path / "s.yaml"
    script.write_text(HEAD + "  - {name: b, asset: ball, material: glas}\n")
    exe = Path(sys.executable).with_name("simshot")
    proc = subprocess.run([str(exe), "validate", str(script)], capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 2
    assert "did you mean 'glass'?" in proc.stderr and "Traceback" not in proc.stderr
