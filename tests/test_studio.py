"""simshot studio driven headless through Gradio's Python client, as the page drives it: open,
check, render, re-render after a camera edit (simulate cached), compare, and refuse what
would leave the workspace or is not a script."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import trimesh

pytest.importorskip("gradio")
from gradio_client import Client

from simshot.studio import serve
from simshot.studio_jobs import Studio
from simshot.studio_workspace import Workspace
from tests.helpers import free_port

# Gradio's queue calls pandas in ways pandas 3 deprecates: its concern, not ours.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")]

SCRIPT = """\
name: drop
duration: 0.5
fps: 12
resolution: [64, 48]
bodies:
  - {name: ball, asset: tennis_ball, position: [0, 0, 0.4]}
camera: {position: [0, -1.2, 0.5], look_at: [0, 0, 0.1]}
expect:
  - {contacts: ball, with: ground}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("studio")
    studio = Studio(Workspace(root / "ws"))
    port = free_port()
    page = serve(studio, port=port, block=False)
    yield studio, f"http://127.0.0.1:{port}/"
    page.close()


@pytest.fixture(scope="module")
def client(server):
    return Client(server[1], verbose=False)


def _render(client, name: str, text: str, size: str = "script's size") -> tuple:
    return client.predict(name, text, size, api_name="/render")


def test_a_typo_is_shown_at_its_line_and_column(client):
    problems = client.predict("drop", SCRIPT.replace("fps:", "fsp:"), api_name="/check")
    assert problems.startswith("3:1: fsp: unknown field 'fsp'; did you mean 'fps'?")
    # before the script has a name, its own problems still show
    assert client.predict("", SCRIPT.replace("fps:", "fsp:"), api_name="/check") == problems
    assert client.predict("drop", SCRIPT, api_name="/check") == "ok: the script validates"
    broken = client.predict("drop", "name: drop\nbodies: [\n", api_name="/check")
    assert broken.split(":")[0].isdigit()  # a YAML syntax error, located


def test_render_then_a_camera_edit_rerenders_without_simulating(server, client):
    studio, _ = server
    first = _render(client, "drop", SCRIPT)
    assert "simulate: ran, render: ran" in first[1] and "expectations passed" in first[1]
    assert Path(first[3]).name == "rgb.mp4" and Path(first[3]).stat().st_size > 0
    moved = SCRIPT.replace("position: [0, -1.2, 0.5]", "position: [0.4, -1.1, 0.5]")
    second = _render(client, "drop", moved)
    assert "simulate: cached, render: ran" in second[1]
    shot = studio.workspace.shot("drop")
    assert (shot / "scene.yaml").read_text() == moved
    assert "expectations-table" in second[7] and "timings-table" in second[8]
    assert [item["caption"] for item in second[9]] == ["energy", "height", "speed", "timeline"]
    # the server's copies of what it serves stay in the workspace
    assert any((studio.workspace.root / ".gradio").rglob("rgb.mp4"))


def test_a_bad_script_is_reported_and_nothing_is_rendered(server, client):
    studio, _ = server
    result = _render(client, "bad", SCRIPT.replace("tennis_ball", "tenis_ball"))
    assert "did you mean 'tennis_ball'" in result[0] and "has problems" in result[1]
    assert not studio.workspace.shot("bad").exists()


@pytest.mark.parametrize("name", ["../escape", "/tmp/escape", "sub/dir"])
def test_names_from_the_page_cannot_leave_the_workspace(server, client, name):
    studio, _ = server
    before = set(studio.workspace.root.parent.iterdir())
    result = _render(client, name, SCRIPT)
    assert "cannot name a script" in result[1]
    assert set(studio.workspace.root.parent.iterdir()) == before
    assert "cannot open" in client.predict(name, api_name="/open_script")[2]


def test_only_the_media_folders_are_served(server, client):
    studio, url = server
    secret = studio.workspace.root / ".env"
    secret.write_text("OPENAI_API_KEY=sk-not-for-the-page\n")
    _render(client, "drop", SCRIPT)
    video = studio.workspace.shot("drop") / "rgb.mp4"
    with urllib.request.urlopen(f"{url}gradio_api/file={video}", timeout=10) as answer:
        assert answer.status == 200
    for path in ("/etc/passwd", str(Path(__file__).resolve()), str(secret),
                 str(studio.workspace.script("drop"))):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"{url}gradio_api/file={path}", timeout=10)
        assert caught.value.code in (403, 404)


def test_two_renders_at_once_queue_and_compare_shows_their_difference(server, client,
                                                                     monkeypatch):
    studio, url = server
    spans, render = [], studio.render

    def timed(*args, **kwargs):
        started = time.monotonic()
        try:
            return render(*args, **kwargs)
        finally:
            if not kwargs.get("preview"):  # these scripts are too small for a preview
                spans.append((started, time.monotonic()))

    monkeypatch.setattr(studio, "render", timed)
    other = Client(url, verbose=False)
    texts = [SCRIPT.replace("name: drop", f"name: q{i}").replace("fps: 12", f"fps: {10 + i}")
             for i in range(2)]
    jobs = [c.submit(f"q{i}", t, "script's size", api_name="/render")
            for i, (c, t) in enumerate(zip([client, other], texts, strict=True))]
    results = [job.result(timeout=120) for job in jobs]
    assert all("render: ran" in r[1] for r in results)
    (_, first_end), (second_start, _) = sorted(spans)
    assert first_end <= second_start, "two renders ran at once"
    for i in range(2):
        assert (studio.workspace.shot(f"q{i}") / "scene.yaml").read_text() == texts[i]
    video_a, video_b, diff = client.predict("q0", "q1", api_name="/compare")
    assert Path(video_a).name == Path(video_b).name == "rgb.mp4"
    assert "-fps: 10\n+fps: 11" in diff
    history = client.predict(api_name="/history")[0]["data"]
    assert {"q0", "q1", "drop"} <= {row[0] for row in history}


def test_a_refused_prompt_is_shown_and_refine_says_what_to_set_up(client):
    status = client.predict("a bowl of soup is stirred and cools down", api_name="/plan")[4]
    assert status.startswith("**Refused:** refused: the prompt needs heat and phase changes")
    _render(client, "drop", SCRIPT)
    status, _ = client.predict("drop", api_name="/refine")
    assert "no refiner model is configured" in status


def test_a_plan_never_overwrites_a_script(server, client):
    studio, _ = server
    names = [client.predict("a rubber ball bounces on concrete", api_name="/plan")[2]
             for _ in range(2)]
    assert names[1] == f"{names[0]}-2"
    first = studio.workspace.script(names[0])
    assert first.read_text() == studio.workspace.script(names[1]).read_text()
    # the plan's claims go with a render of the planned script, not with a hand edit of it
    report = studio.workspace.shot(names[0]) / "report.json"
    _render(client, names[0], first.read_text(), "128x128")
    assert "claims" in json.loads(report.read_text())
    _render(client, names[0], first.read_text() + "# edited\n", "128x128")
    assert "claims" not in json.loads(report.read_text())


def test_empty_and_missing_values_are_answered_in_the_page(client):
    result = _render(client, "drop", None)
    assert result[1].startswith("**Error:**") or "has problems" in result[1]
    status = client.predict("drop", None, 0, 1, "128x128", api_name="/dataset")[0]
    assert status.startswith("**Error:** fill in")


def test_uploads_are_checked_like_script_paths(server, client, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    studio, _ = server
    shell = tmp_path / "evil.sh"
    shell.write_text("rm -rf /\n")
    with pytest.raises(AppError, match="Invalid file type"):
        client.predict(handle_file(str(shell)), api_name="/upload")
    spaced = tmp_path / "my teapot.obj"
    spaced.write_text("v 0 0 0\n")
    assert "Upload refused" in client.predict(handle_file(str(spaced)), api_name="/upload")
    mesh = tmp_path / "crate.obj"
    trimesh.creation.box(extents=(0.2, 0.2, 0.2)).export(mesh)
    assert "mesh: assets/crate.obj" in client.predict(handle_file(str(mesh)),
                                                        api_name="/upload")
    assert sorted(p.name for p in (studio.workspace.root / "assets").iterdir()) == ["crate.obj"]
    # a script names the upload; the shot renders, and refining it reads its script
    boxed = SCRIPT.replace("name: drop", "name: boxed").replace(
        "bodies:\n", "bodies:\n  - {name: crate, mesh: assets/crate.obj, static: true, "
        "position: [0.4, 0, 0]}\n")
    assert "render: ran" in _render(client, "boxed", boxed)[1]
    assert "no refiner model is configured" in client.predict("boxed", api_name="/refine")[0]


def test_a_large_script_gets_a_quick_preview_first(server):
    studio, _ = server
    text = SCRIPT.replace("name: drop", "name: wide").replace("[64, 48]", "[320, 240]")
    result = studio.render("wide", text, preview=True)
    assert result.stages == {"simulate": "ran", "render": "ran"}
    meta = studio.view("wide", preview=True)
    assert meta.video is not None and not (meta.folder / "report.html").exists()
    from bridge import shot

    scene = shot.read_json(meta.folder / "metadata.json")["scene"]
    assert scene["resolution"] == [256, 192] and scene["fps"] == 8
    assert not (meta.folder / "depth").exists()  # the video alone
    # the full shot takes the preview's simulation: the physics runs once
    assert studio.render("wide", text).stages["simulate"] == "planned"


def test_a_dataset_run_from_a_randomized_script_lists_its_samples(server, client):
    studio, _ = server
    name, text, problems = client.predict("dominoes_random", api_name="/open_example")
    assert name == "dominoes_random" and "{int: [6, 10]}" in text
    assert "validates" in problems  # a dataset script is checked by its first draw
    assert client.predict("dominoes", text, api_name="/save")[0] == "saved `dominoes.yaml`"
    status, manifest, _ = client.predict("dominoes", 2, 0, 1, "128x128", api_name="/dataset")
    assert "accepted 2" in status, status
    rows = manifest["data"]
    assert [r[0] for r in rows] == ["000000", "000001"] and {r[1] for r in rows} == {"accepted"}
    assert (studio.workspace.dataset("dominoes") / "manifest.jsonl").is_file()
    _, video = client.predict("dominoes", "000001", api_name="/sample")
    assert Path(video).name == "rgb.mp4"
    client.predict("drop", SCRIPT, api_name="/save")  # not left to an earlier test's render
    refused = client.predict("drop", 2, 0, 1, "128x128", api_name="/dataset")[0]
    assert "describes one scene" in refused
    assert "not a sample key" in client.predict("dominoes", "../x", api_name="/sample")[0]
