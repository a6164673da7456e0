"""`simshot plan` and `simshot make` with the built-in planner: files, exit codes, traces."""
from __future__ import annotations

import json

import pytest

from bridge.loader import load_scene
from simshot.cli import main

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`


def _run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def offline(monkeypatch):
    """No LLM configured: the built-in planner drafts."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("SIMSHOT_LLM_BASE_URL", raising=False)


def test_plan_writes_a_commented_verified_script_and_its_trace(tmp_path, capsys, offline):
    script = tmp_path / "scene.yaml"
    code, text = _run(capsys, "plan", "a row of 12 dominoes topples", "-o", str(script))
    assert code == 0, text
    assert "verified" in text
    body = script.read_text()
    assert body.startswith("#") and body.count("#") > 5  # choices explained in comments
    scene = load_scene(script).scene
    assert sum(b.asset == "domino" for b in scene.bodies) == 12
    assert any(type(e).__name__ == "FallsOver" for e in scene.expect)
    trace = json.loads((tmp_path / "plan_trace.json").read_text())
    assert trace["verified"] and trace["rounds"][-1]["expectations"]
    assert trace["rounds"][0]["diff"]  # the first round shows the whole script


def test_out_of_scope_prompt_is_refused_with_exit_3(tmp_path, capsys):
    script = tmp_path / "scene.yaml"
    code, text = _run(capsys, "plan", "a candle flame flickers and melts the wax", "-o",
                      str(script))
    assert code == 3 and "cannot simulate" in text and not script.exists()


def test_empty_and_nonsense_prompts_exit_2(tmp_path, capsys):
    for prompt in ("", "   ", "purple dreams sing loudly"):
        code, text = _run(capsys, "plan", prompt, "-o", str(tmp_path / "s.yaml"))
        assert code == 2 and "Traceback" not in text


def test_make_renders_a_shot_with_its_trace(tmp_path, capsys, offline):
    out = tmp_path / "shot"
    code, text = _run(capsys, "make", "a rubber ball bounces on concrete", "-o", str(out),
                      "--resolution", "96x64")
    assert code == 0, text
    assert {"scene.yaml", "plan_trace.json", "rgb.mp4", "report.json"} <= {
        p.name for p in out.iterdir()}
    report = json.loads((out / "report.json").read_text())
    assert report["passed"] is True
    # the report carries the prompt's claims as the trace records them, and the CLI says them
    assert report["claims"] == json.loads((out / "plan_trace.json").read_text())["claims"]
    assert {(c["text"], c["fate"]) for c in report["claims"]} >= {("rubber ball", "planned"),
                                                                   ("bounces", "checked")}
    assert "checked  bounces: check bounces on ball: passed" in text
    assert json.loads((out / "metadata.json").read_text())["scene"]["resolution"] == [96, 64]
    assert "resolution: [96, 64]" in (out / "scene.yaml").read_text()
    assert "refine: not run" in text  # no refiner configured: it says how to enable one
    # the planner's last simulation is the shot's: not run twice, and bit for bit what a
    # fresh run of the saved script records
    assert json.loads((out / "report.json").read_text())["stages"]["simulate"] == "planned"
    again = tmp_path / "again"
    code, text = _run(capsys, "render", str(out / "scene.yaml"), "-o", str(again))
    assert code == 0, text
    assert json.loads((again / "report.json").read_text())["stages"]["simulate"] == "ran"
    for name in ("simulation.npz", "events.json"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_make_with_a_refiner_model_that_is_not_here_keeps_the_coarse_shot(tmp_path, capsys,
                                                                         offline, monkeypatch):
    out = tmp_path / "shot"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SIMSHOT_REFINE_MODEL", str(tmp_path / "no-weights"))
    code, text = _run(capsys, "make", "a rubber ball bounces on concrete", "-o", str(out))
    assert code == 2 and "download" in text
    assert (out / "rgb.mp4").is_file() and not (out / "refined.mp4").exists()
