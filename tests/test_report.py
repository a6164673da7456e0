"""report.html: plots, videos, tables and escaping, and the page in a real headless Chromium."""
from __future__ import annotations

import base64
import io
import json
import shutil
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bridge.loader import load_scene
from bridge.trajectory import Trajectory
from simshot.pipeline import run_shot
from simshot.report import flatten_timings, write_report
from simshot.report_plots import dynamic_instances, energies, make_plots

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

CHROMIUM = Path("/usr/bin/chromium")
# The machine may have no network: keep Chromium from reaching for one.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PLOT_IDS = ["plot-height", "plot-speed", "plot-energy", "plot-timeline"]
HOSTILE = "<script>alert('x')</script> & \"q\""

SCRIPT = """\
name: report
seed: 1
duration: 0.5
fps: 12
resolution: [64, 48]
bodies:
  - {name: ball, asset: tennis_ball, position: [0, 0, 0.4]}  # falls and bounces
camera: {position: [0, -1.2, 0.5], look_at: [0, 0, 0.1]}
events:
  - {at: 0.1, push: {body: ball, impulse: [0.01, 0, 0]}}
expect:
  - {contacts: ball, with: ground}
  - {bounces: ball, at_least: 5}  # fails: the table shows a failed row too
"""


@pytest.fixture(scope="module")
def shot_dir(tmp_path_factory) -> Path:
    """One small rendered shot with its report, shared by the tests (they copy to change it)."""
    base = tmp_path_factory.mktemp("report")
    script = base / "scene.yaml"
    script.write_text(SCRIPT)
    with pytest.MonkeyPatch.context() as patch:  # conftest's cache fixture is per test
        patch.setenv("SIMSHOT_CACHE_DIR", str(base / "cache"))
        run_shot(load_scene(script), base / "shot")  # writes report.html itself
    return base / "shot"


class _Page(HTMLParser):
    """The parts of report.html the tests look at: tags by id, table rows, text."""

    def __init__(self, text: str):
        super().__init__()
        self.by_id: dict[str, tuple[str, dict]] = {}
        self.tags: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.text: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.by_id[attrs["id"]] = (tag, attrs)
        if tag == "table":
            self._table = attrs.get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def rows(self, table_id: str) -> list[list[str]]:
        return [row for row in self.tables[table_id] if row]  # the header row has no td


def _parse(shot: Path) -> _Page:
    return _Page((shot / "report.html").read_text())


def _copy(shot_dir: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(shot_dir, tmp_path / "shot"))


def _embedded_png(src: str) -> Image.Image:
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix)
    return Image.open(io.BytesIO(base64.b64decode(src[len(prefix):])))


def test_report_has_page_contact_sheet_plots_and_videos(shot_dir):
    page = _parse(shot_dir)
    with Image.open(shot_dir / "contact_sheet.png") as sheet:
        assert sheet.format == "PNG" and sheet.width >= 64 and sheet.height >= 48
    for plot in PLOT_IDS:
        tag, attrs = page.by_id[plot]
        assert tag == "img" and attrs["alt"]
        assert _embedded_png(attrs["src"]).width > 100
    for video in ("rgb", "depth", "segmentation", "flow"):
        tag, attrs = page.by_id[f"video-{video}"]
        assert tag == "video" and attrs["src"].startswith("data:video/mp4;base64,")
    assert "video-refined" not in page.by_id


def test_expectation_rows_match_report_json(shot_dir):
    report = json.loads((shot_dir / "report.json").read_text())
    expected = [["pass" if e["passed"] else "fail", e["check"], e["subject"], e["detail"]]
                for e in report["expectations"]]
    assert _parse(shot_dir).rows("expectations-table") == expected
    assert [row[0] for row in expected] == ["pass", "fail"]


def test_stage_timings_come_from_report_and_stages_json(shot_dir):
    report = json.loads((shot_dir / "report.json").read_text())
    rows = {row[0]: row for row in _parse(shot_dir).rows("timings-table")}
    assert rows["simulate"][1] == "ran"
    assert float(rows["render"][2]) == pytest.approx(report["timings_s"]["render"], abs=1e-3)
    stages = json.loads((shot_dir / "stages.json").read_text())
    assert rows["render"][3] == stages["render"]
    assert flatten_timings({"render": {"gl": 1.0, "encode": 2.0}, "total": 3.0}) == {
        "render / gl": 1.0, "render / encode": 2.0, "total": 3.0}


def test_strings_from_the_folder_are_escaped(shot_dir, tmp_path):
    shot = _copy(shot_dir, tmp_path)
    meta = json.loads((shot / "metadata.json").read_text())
    meta["scene"]["name"] = HOSTILE
    meta["instances"][0]["name"] = HOSTILE  # also reaches the plots' legends
    (shot / "metadata.json").write_text(json.dumps(meta))
    traj = Trajectory.load(shot / "trajectory.npz")
    for group in ("pos", "quat", "linvel", "angvel"):
        getattr(traj, group)[HOSTILE] = getattr(traj, group).pop("ball")
    traj.save(shot / "trajectory.npz")
    report = json.loads((shot / "report.json").read_text())
    report["expectations"][0].update(subject=HOSTILE, detail=HOSTILE)
    (shot / "report.json").write_text(json.dumps(report))
    write_report(shot)
    page = _parse(shot)
    assert "script" not in page.tags
    assert page.rows("expectations-table")[0][2:] == [HOSTILE, HOSTILE]
    assert HOSTILE in page.text


def test_a_folder_with_only_some_artifacts_still_gets_a_report(shot_dir, tmp_path):
    shot = _copy(shot_dir, tmp_path)
    for name in ("depth", "flow"):
        shutil.rmtree(shot / name)
    (shot / "events.json").unlink()
    shutil.copyfile(shot / "rgb.mp4", shot / "refined.mp4")
    write_report(shot)
    page = _parse(shot)
    assert {"video-rgb", "video-refined", "video-segmentation"} <= set(page.by_id)
    assert not {"video-depth", "video-flow"} & set(page.by_id)
    assert "Not in this folder: depth, flow." in page.text

    (shot / "rgb.mp4").unlink()
    shutil.rmtree(shot / "segmentation")
    write_report(shot)
    page = _parse(shot)
    assert not (shot / "contact_sheet.png").exists()
    assert all(plot in page.by_id for plot in PLOT_IDS)


def test_fragments_and_liquids_plot_without_warnings():
    frames = 4
    nan = np.full((frames, 3), np.nan)
    before = np.array([[0, 0, 1.0], [0, 0, 0.8], nan[0], nan[0]])
    after = np.array([nan[0], nan[0], [0, 0, 0.3], [0, 0, 0.1]])
    traj = Trajectory(times=np.arange(frames) / 4.0)
    for name, pos in (("vase", before), ("vase/frag_0", after), ("shelf", np.zeros((4, 3)))):
        traj.pos[name], traj.linvel[name] = pos, np.where(np.isnan(pos), np.nan, 1.0)
    traj.particles["water"] = np.zeros((frames, 5, 3))
    meta = {"scene": {"gravity": [0, 0, -10]}, "instances": [
        {"name": "vase", "kind": "rigid", "static": False, "mass": 1.0, "parent": None},
        {"name": "vase/frag_0", "kind": "fragment", "static": False, "mass": 1.0,
         "parent": "vase"},
        {"name": "shelf", "kind": "rigid", "static": True, "mass": 5.0, "parent": None},
        {"name": "water", "kind": "liquid", "static": False, "mass": 0.2, "parent": None}]}
    assert [i["name"] for i in dynamic_instances(traj, meta)] == ["vase", "vase/frag_0"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plots = make_plots(traj, meta, {"collisions": [], "fractures": [], "events": []})
    assert sorted(plots) == ["energy", "height", "speed", "timeline"]
    kinetic, potential = energies(traj, dynamic_instances(traj, meta), np.array([0, 0, -10.0]))
    assert np.allclose(kinetic, 1.5) and np.allclose(potential, [10, 8, 3, 1])


def test_energy_of_a_free_fall_is_conserved():
    g, mass = 9.81, 2.0
    t = np.linspace(0, 0.5, 13)
    traj = Trajectory(times=t, pos={"rock": np.stack([0 * t, 0 * t, 3 - g * t**2 / 2], 1)},
                      linvel={"rock": np.stack([0 * t + 1, 0 * t, -g * t], 1)})
    rock = [{"name": "rock", "kind": "rigid", "static": False, "mass": mass}]
    kinetic, potential = energies(traj, rock, np.array([0, 0, -g]))
    assert np.allclose(kinetic + potential, mass * (0.5 + 3 * g))


def test_page_loads_in_headless_chromium(shot_dir, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    problems, requests = [], []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto((shot_dir / "report.html").resolve().as_uri(), wait_until="load")
        # the states are read in the same evaluation that sees them all loaded: read after
        # it, a looping video that has just wrapped to its start can be back at readyState 1
        # while it fetches that frame, which made this test fail now and then
        videos = page.wait_for_function(
            "() => { const vs = [...document.querySelectorAll('video')];"
            " return vs.every(v => v.readyState >= 2 || v.error)"
            " && vs.map(v => [v.id, v.readyState, v.error && v.error.code]); }",
            timeout=15_000).json_value()
        widths = page.eval_on_selector_all("img", "is => is.map(i => [i.id, i.naturalWidth])")
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert problems == []
    assert [u for u in requests if not u.startswith(("data:", "file:"))] == []
    assert len(videos) == 4 and all(state >= 2 and error is None for _, state, error in videos)
    assert {i for i, _ in widths} >= set(PLOT_IDS) and all(w > 0 for _, w in widths)
    with Image.open(tmp_path / "report.png") as shot:
        pixels = np.asarray(shot.convert("RGB")).astype(np.uint32)
    colours = np.unique(pixels[..., 0] << 16 | pixels[..., 1] << 8 | pixels[..., 2])
    assert pixels.shape[0] > 900 and len(colours) > 100  # a whole page, not a blank one


def test_every_shot_gets_a_page_and_the_cli_rebuilds_it(shot_dir, tmp_path):
    from simshot.cli import main

    assert (shot_dir / "report.html").stat().st_size > 0  # written by run_shot
    copy = tmp_path / "shot"
    shutil.copytree(shot_dir, copy)
    (copy / "report.html").unlink()
    assert main(["report", str(copy)]) == 0
    assert _Page((copy / "report.html").read_text()).by_id.keys() >= set(PLOT_IDS)
    assert main(["report", str(tmp_path / "nothing")]) == 2


def test_contact_sheet_labels_show_simulated_time_under_slow_motion(tmp_path, monkeypatch):
    import numpy as np

    from bridge.video import VideoWriter
    from simshot import report_media

    video = tmp_path / "rgb.mp4"
    with VideoWriter(video, 32, 32, 24) as writer:
        for _ in range(40):
            writer.write(np.zeros((32, 32, 3), np.uint8))
    sim_times = [k / 96 for k in range(40)]  # a quarter-speed shot: 40 frames, 0.41 s
    labels = []
    tile = report_media._tile
    monkeypatch.setattr(report_media, "_tile", lambda rgb, t: labels.append(t) or tile(rgb, t))
    report_media.contact_sheet(video, sim_times)
    assert len(labels) == report_media.SHEET_FRAMES
    assert labels[0] == 0.0 and labels[-1] == sim_times[-1]
