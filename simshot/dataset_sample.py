"""One dataset sample, start to finish, in a worker process: draw, check, simulate, render.

A draw whose bodies interpenetrate at t = 0, or whose moving bodies never appear in the frame,
is drawn again with the next attempt number, up to `max_attempts`. A sample whose
expectations fail is rejected: its folder is removed and the manifest says why.
"""
from __future__ import annotations

import dataclasses
import resource
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from bridge.errors import SceneError, SimulationError
from bridge.files import atomic_write

SAMPLES = "samples"
SCRATCH = ".scratch"


@dataclass(frozen=True)
class SampleJob:
    """Everything a worker needs; plain data, so it pickles to any process or Ray task."""

    dataset_dir: str
    scene_path: str
    index: int
    seed: int
    passes: tuple[str, ...]
    resolution: tuple[int, int] | None
    max_attempts: int

    @property
    def key(self) -> str:
        return f"{self.index:06d}"


def run_job(job: SampleJob) -> dict:
    """Make the sample; returns its manifest line."""
    started = time.perf_counter()
    root = Path(job.dataset_dir)
    line = {"index": job.index, "key": job.key, "scene": Path(job.scene_path).name}
    from bridge.yamlio import load_document

    doc = load_document(Path(job.scene_path))  # once: every attempt draws from it
    for attempt in range(job.max_attempts):
        try:
            outcome = _attempt(job, root, doc, attempt)
        except SimulationError as err:  # a draw that blows up is a bad sample, not a bad run
            shutil.rmtree(root / SAMPLES / job.key, ignore_errors=True)
            outcome = {"status": "rejected", "reason": f"simulation failed: {err}"[:500]}
        if outcome is not None:  # every earlier attempt was an invalid draw
            line.update(outcome, attempts=attempt + 1, redraws=attempt)
            break
    else:
        line.update(status="rejected", attempts=job.max_attempts, redraws=job.max_attempts,
                    reason=f"no valid draw in {job.max_attempts} attempts "
                    "(bodies overlapping at t = 0 or out of frame)")
    shutil.rmtree(root / SCRATCH / job.key, ignore_errors=True)
    line["seconds"] = round(time.perf_counter() - started, 3)
    # One sample per process, so the process's peak is this sample's peak (Linux: KiB).
    line["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return line


def _attempt(job: SampleJob, root: Path, doc: dict, attempt: int) -> dict | None:
    """The sample's status, or None for an invalid draw that must be drawn again."""
    from bridge.loader import load_scene
    from bridge.randomize import sample_scene
    from bridge.yamlio import dump_document, with_flow_vectors
    from physics.simulate import check_overlaps
    from simshot.pipeline import run_shot

    source = Path(job.scene_path)
    scene = sample_scene(doc, str(source), job.seed, job.index, attempt)
    if job.resolution is not None:
        scene = scene.model_copy(update={"resolution": job.resolution})
    try:
        check_overlaps(scene, source.parent)
    except SceneError:
        return None
    script = root / SCRATCH / job.key / "scene.yaml"
    script.parent.mkdir(parents=True, exist_ok=True)
    concrete = scene.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    atomic_write(script, dump_document(with_flow_vectors(concrete)))
    loaded = dataclasses.replace(load_scene(script), folder=source.parent)
    out = root / SAMPLES / job.key
    result = run_shot(loaded, out, passes=frozenset(job.passes), page=False)
    if _never_in_frame(result.report, [b.name for b in scene.all_bodies() if not b.static]):
        shutil.rmtree(out, ignore_errors=True)
        return None
    if not result.report["passed"]:
        shutil.rmtree(out, ignore_errors=True)
        failed = [f"{r['check']}: {r['detail']}" for r in result.report["expectations"]
                  if r["passed"] is False]
        return {"status": "rejected", "reason": "; ".join(failed)[:500]}
    return {"status": "accepted"}


def _never_in_frame(report: dict, moving: list[str]) -> bool:
    """True when a moving body is never visible: the camera draw missed it."""
    shares = report.get("framing") or {}
    return any(shares[name]["visible"] == 0 for name in moving if name in shares)
