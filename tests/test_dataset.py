"""simshot dataset: N accepted samples, re-draws, the quality gate, resuming, kill -9, Ray."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import av
import pytest

from bridge.errors import UserError
from bridge.trajectory import Trajectory
from bridge.yamlio import load_document
from simshot.cli import main
from simshot.dataset import MANIFEST, DatasetSpec, generate, read_manifest
from tests.helpers import modes_under

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

SCENE = """\
name: drops
duration: 0.3
fps: 12
resolution: [48, 48]
bodies:
  - name: ball
    asset: tennis_ball
    position: [{uniform: [-0.1, 0.1]}, 0, {uniform: [0.05, 0.9]}]
camera: {position: [0, -1.2, 0.5], look_at: [0, 0, 0.4]}
expect:
  - {contacts: ball, with: ground, before: 0.3}   # drops under 0.44 m land in time
"""

OVERLAPS = """\
name: crowded
duration: 0.1
fps: 12
resolution: [32, 32]
bodies:
  - {name: a, asset: block, position: [{uniform: [-0.15, 0.15]}, 0, 0]}
  - {name: b, asset: block, position: [0, 0, 0]}
camera: {position: [0, -1.0, 0.3], look_at: [0, 0, 0.05]}
"""


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    path = tmp_path / "drops.yaml"
    path.write_text(SCENE)
    return path


def _spec(scene: Path, out: Path, **kw) -> DatasetSpec:
    return DatasetSpec((scene,), out, kw.pop("n", 3), kw.pop("seed", 5),
                       passes=("rgb", "segmentation"), **kw)


def _accepted(out: Path) -> list[dict]:
    lines = {line["index"]: line for line in read_manifest(out / MANIFEST)}
    return [line for line in lines.values() if line["status"] == "accepted"]


def _assert_complete(out: Path, n: int) -> None:
    """N accepted samples, each a whole shot folder, and nothing half-made left over."""
    accepted = _accepted(out)
    keys = [line["key"] for line in accepted]
    assert len(keys) == n == len(set(keys))
    folders = sorted(p.name for p in (out / "samples").iterdir())
    assert folders == sorted(keys)  # no staging folders, no rejected ones
    for key in keys:
        folder = out / "samples" / key
        meta = json.loads((folder / "metadata.json").read_text())
        assert Trajectory.load(folder / "trajectory.npz").num_frames == meta["scene"]["num_frames"]
        with av.open(str(folder / "rgb.mp4")) as video:
            assert sum(1 for _ in video.decode(video=0)) == meta["scene"]["num_frames"]
        assert "uniform" not in (folder / "scene.yaml").read_text()  # the concrete draw
    assert not (out / ".scratch").exists()


def test_the_quality_gate_rejects_and_carries_on_until_n_are_accepted(scene, tmp_path):
    out = tmp_path / "data"
    summary = generate(_spec(scene, out))
    assert summary.accepted == 3 and summary.rejected >= 1
    _assert_complete(out, 3)
    rejected = [line for line in read_manifest(out / MANIFEST) if line["status"] == "rejected"]
    assert all("contacts" in line["reason"] for line in rejected)
    indices = sorted(line["index"] for line in read_manifest(out / MANIFEST))
    assert indices == list(range(len(indices)))  # tried in index order, none skipped


def test_same_command_same_samples(scene, tmp_path):
    for name in ("one", "two"):
        generate(_spec(scene, tmp_path / name, n=2, workers=2))
    for key in [line["key"] for line in _accepted(tmp_path / "one")]:
        first, second = (tmp_path / name / "samples" / key for name in ("one", "two"))
        assert (first / "scene.yaml").read_text() == (second / "scene.yaml").read_text()
        assert (first / "trajectory.npz").read_bytes() == (second / "trajectory.npz").read_bytes()


def test_overlapping_draws_are_drawn_again_and_counted(tmp_path):
    path = tmp_path / "crowded.yaml"
    path.write_text(OVERLAPS)
    summary = generate(DatasetSpec((path,), tmp_path / "data", 3, seed=1,
                                   passes=("segmentation",), max_attempts=20))
    assert summary.accepted == 3 and summary.redraws > 0
    for line in _accepted(tmp_path / "data"):
        doc = load_document(tmp_path / "data" / "samples" / line["key"] / "scene.yaml")
        assert abs(doc["bodies"][0]["position"][0]) >= 0.1 - 1e-9  # 0.1 m blocks, apart


def test_a_rerun_repairs_what_an_interruption_left(scene, tmp_path):
    out = tmp_path / "data"
    generate(_spec(scene, out, n=2))
    first = _accepted(out)[0]["key"]
    shutil.rmtree(out / "samples" / first)  # a sample lost after it was recorded
    (out / "samples" / ".000009.tmp-deadbeef").mkdir()  # a staging folder mid-rename
    with open(out / MANIFEST, "a") as f:
        f.write('{"index": 99, "key": "0000')  # a line torn by a kill
    summary = generate(_spec(scene, out, n=3))
    assert summary.accepted == 3
    _assert_complete(out, 3)


def test_a_rerun_with_other_settings_is_refused(scene, tmp_path):
    generate(_spec(scene, tmp_path / "data", n=1))
    with pytest.raises(UserError, match="other settings .*seed"):
        generate(_spec(scene, tmp_path / "data", n=1, seed=6))


def test_kill_9_mid_run_then_the_rerun_completes(scene, tmp_path):
    out = tmp_path / "data"
    command = [sys.executable, "-m", "simshot.cli", "dataset", str(scene), "-n", "5", "-o",
               str(out), "--seed", "5", "--workers", "2", "--passes", "rgb,segmentation"]
    proc = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(read_manifest(out / MANIFEST)) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the generator and its workers, mid-sample
    proc.wait()
    assert 2 <= len(read_manifest(out / MANIFEST))
    rerun = subprocess.run(command, env={**os.environ}, capture_output=True, check=False)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    _assert_complete(out, 5)


def test_a_ray_actor_killed_mid_sample_leaves_no_missing_duplicate_or_partial_sample(
        scene, tmp_path, monkeypatch):
    """Ray with two CPUs makes the dataset, one actor killed while it makes a sample."""
    ray = pytest.importorskip("ray")
    from simshot import dataset_ray

    submit, killed = dataset_ray.RayBackend.submit, []

    def kill_once_started(actor, scratch: Path) -> None:
        deadline = time.monotonic() + 60
        while not scratch.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        ray.kill(actor, no_restart=False)  # the actor's process, and the sample it forked
        killed.append(scratch.exists())

    def submit_and_kill(self, job):
        submit(self, job)
        if job.index == 0:  # its sample has begun once it writes its scratch folder
            actor = next(iter(self.running.values()))
            threading.Thread(target=kill_once_started,
                             args=(actor, Path(job.dataset_dir) / ".scratch" / job.key)).start()

    monkeypatch.setattr(dataset_ray.RayBackend, "submit", submit_and_kill)
    summary = generate(_spec(scene, tmp_path / "data", n=4, workers=2, ray=True))
    assert killed == [True] and summary.accepted == 4
    time.sleep(1.0)  # a killed sample's process still writing would leave a staging folder
    _assert_complete(tmp_path / "data", 4)


def test_ray_with_fewer_free_cpus_than_workers_makes_do_with_them(scene, tmp_path):
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)  # a one-CPU cluster
    summary = generate(_spec(scene, tmp_path / "data", n=2, workers=2, ray=True))
    assert summary.accepted == 2  # an actor that could not be placed would hang it
    _assert_complete(tmp_path / "data", 2)


def test_a_sample_whose_process_dies_is_made_again_in_a_fresh_one(monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    from simshot import dataset_ray

    pools = []

    class Pool:  # the first pool's process dies mid-sample; the next one makes it
        def __init__(self, workers):
            pools.append(self)
            self.closed = False

        def submit(self, job):
            self.job = job

        def next_done(self):
            if len(pools) == 1:
                raise BrokenProcessPool("killed")
            return {"index": self.job, "status": "accepted"}

        def close(self):
            self.closed = True

    monkeypatch.setattr(dataset_ray, "LocalBackend", Pool)
    runner = dataset_ray.SampleRunner()
    assert runner.run(7) == {"index": 7, "status": "accepted"}
    assert len(pools) == 2 and pools[0].closed


@pytest.mark.parametrize("resolution", ["256", "0x0", "255x256", "axb"])
def test_bad_resolution_is_a_user_error(scene, tmp_path, resolution):
    code = main(["dataset", str(scene), "-n", "1", "-o", str(tmp_path / "d"), "--resolution",
                 resolution])
    assert code == 2 and not (tmp_path / "d").exists()


def test_a_dataset_script_validates_by_its_first_draw_but_does_not_render(scene, tmp_path,
                                                                           capsys):
    assert main(["validate", str(scene)]) == 0
    assert "dataset script: sample 0 validates" in capsys.readouterr().out
    assert main(["render", str(scene), "-o", str(tmp_path / "one")]) == 2
    assert "simshot dataset" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text(SCENE.replace("uniform: [0.05, 0.9]", "uniform: [0.9, 0.05]"))
    assert main(["validate", str(broken)]) == 2
    assert "broken.yaml:8:53: bodies[0].position[2].uniform" in capsys.readouterr().err


def test_cli_dataset_then_export(scene, tmp_path):
    data, shards, hf = tmp_path / "data", tmp_path / "shards", tmp_path / "hf"
    umask = os.umask(0o022)
    try:
        assert main(["dataset", str(scene), "-n", "2", "-o", str(data), "--seed", "5",
                     "--passes", "rgb,segmentation", "--resolution", "32x32"]) == 0
        assert main(["export", str(data), "--format", "webdataset", "-o", str(shards)]) == 0
        assert main(["export", str(data), "--format", "hf", "-o", str(hf)]) == 0
    finally:
        os.umask(umask)
    index = json.loads((shards / "index.json").read_text())
    assert sorted(k for shard in index["shards"] for k in shard["keys"]) == sorted(
        line["key"] for line in _accepted(data))
    # what a teammate or a web server can read, and no path of this machine in the export
    for folder in (data, shards, hf):
        modes = modes_under(folder)
        assert modes["files"] == {"0o644"} and modes["dirs"] <= {"0o755"}, (folder, modes)
    assert index["dataset"]["scenes"] == [os.path.relpath(scene.resolve(), data.resolve())]
    assert str(tmp_path) not in (shards / "index.json").read_text()
    assert main(["export", str(data), "--format", "tar", "-o", str(shards)]) == 2


def test_a_draw_that_blows_up_is_rejected_not_fatal(scene, tmp_path, monkeypatch):
    from bridge.errors import SimulationError
    from simshot import dataset_sample

    def explode(*args, **kwargs):
        raise SimulationError("ball: speed 900 m/s at t = 0.1 s")

    monkeypatch.setattr("simshot.pipeline.run_shot", explode)
    job = _spec(scene, tmp_path / "data").job(0)
    line = dataset_sample.run_job(job)
    assert line["status"] == "rejected" and "900 m/s" in line["reason"]
    assert not (tmp_path / "data" / "samples" / line["key"]).exists()
