"""The stage runner: scene -> simulate -> render -> checks, into one atomic shot folder.

A stage is skipped when the hash of the inputs it reads matches the hash recorded in the
existing folder's `stages.json`; its artifacts are then carried over by hard link. Style and
expectations feed no stage's hash: editing them only re-runs the checks.
"""
from __future__ import annotations

import functools
import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bridge import shot
from bridge.instances import instances_for
from bridge.loader import LoadedScene
from bridge.trajectory import Trajectory

DEFAULT_PASSES = frozenset({"rgb", "depth", "segmentation", "flow"})
ALL_PASSES = DEFAULT_PASSES | {"normals", "object_coordinates"}
ANNOTATIONS = "annotations.npz"  # 3D boxes, image positions, where events are seen
Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass
class ShotResult:
    out: Path
    report: dict
    stages: dict[str, str]  # stage -> "ran" | "cached" | "skipped"


def stage_keys(loaded: LoadedScene, passes: frozenset[str]) -> dict[str, str]:
    """Input hashes: physics reads the world, bodies and events; rendering adds the look."""
    from bridge import __version__

    scene = loaded.scene.model_dump(mode="json", by_alias=True)
    bodies = [{k: v for k, v in b.items() if k != "color"} for b in scene["bodies"]]
    physics = {k: scene[k] for k in ("seed", "duration", "fps", "physics", "world", "events")}
    # Slow motion moves the frames' simulated times, so it changes what is recorded.
    frame_times = hashlib.sha256(loaded.scene.time_map().times.tobytes()).hexdigest()
    physics.update(bodies=bodies, meshes=_mesh_hashes(loaded), version=__version__,
                   frame_times=frame_times,
                   code=_code_digest(("physics", "bridge/assets", "bridge/materials.py")))
    sim = _digest(physics)
    look = {k: scene[k] for k in ("camera", "lights", "resolution")}
    look.update(sim=sim, colors=[b.get("color") for b in scene["bodies"]],
                passes=sorted(passes), code=_code_digest(("renderer",)))
    return {"simulate": sim, "render": _digest(look)}


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:20]


@functools.lru_cache
def _code_digest(paths: tuple[str, ...]) -> str:
    """A stage's own source: an edit to the physics or the libraries invalidates old results."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in paths:
        target = root / path
        files = sorted(target.rglob("*")) if target.is_dir() else [target]
        for file in files:
            if file.suffix in (".py", ".vert", ".frag") and file.is_file():
                digest.update(file.relative_to(root).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:20]


def _mesh_hashes(loaded: LoadedScene) -> dict[str, str]:
    hashes = {}
    for body in loaded.scene.all_bodies():
        if body.mesh:
            path = loaded.folder / body.mesh
            hashes[body.mesh] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() \
                else "missing"
    return hashes


def _previous(out: Path) -> dict[str, str]:
    try:
        return shot.read_json(out / shot.STAGES)
    except (OSError, ValueError):
        return {}


def run_shot(loaded: LoadedScene, out: Path, render: bool = True,
             passes: frozenset[str] = DEFAULT_PASSES, progress: Progress | None = None,
             extras: dict[str, Path] | None = None, page: bool = True) -> ShotResult:
    """Build (or update) the shot folder `out` for the loaded script.

    `extras` are files to place in it under the given names (e.g. the planner's trace), inside
    the same atomic swap. `page` writes report.html (dataset runs at scale may skip it).
    """
    started = time.perf_counter()
    keys = stage_keys(loaded, passes)
    previous = _previous(out)
    old_meta = _old_metadata(out)
    with shot.staging(out) as tmp:
        (tmp / shot.SCENE).write_bytes(loaded.path.read_bytes())
        for name, source in (extras or {}).items():
            shutil.copyfile(source, tmp / name)
        runner = _Stages(loaded, tmp, out, keys, previous, old_meta, progress, page)
        runner.simulate()
        if render:
            runner.render(passes)
        else:
            runner.keep_render_if_current()
        report = runner.finish(started)
    return ShotResult(out.resolve(), report, runner.stages)


def _old_metadata(out: Path) -> dict:
    try:
        return shot.read_json(out / shot.METADATA)
    except (OSError, ValueError):
        return {}


class _Stages:
    """One run's stages, writing into the staging folder `tmp`."""

    def __init__(self, loaded: LoadedScene, tmp: Path, out: Path, keys: dict[str, str],
                 previous: dict[str, str], old_meta: dict, progress: Progress | None,
                 page: bool):
        self.loaded, self.scene, self.page = loaded, loaded.scene, page
        self.tmp, self.out, self.keys, self.previous = tmp, out, keys, previous
        self.old_meta = old_meta
        self.progress = progress
        self.stages: dict[str, str] = {"simulate": "skipped", "render": "skipped"}
        self.timings: dict[str, float] = {}
        self.rendered: dict = {}
        self.recorded: dict[str, str] = {}

    def _cached(self, stage: str, names: tuple[str, ...]) -> bool:
        return (self.previous.get(stage) == self.keys[stage]
                and all((self.out / n).exists() for n in names))

    def _report(self, stage: str) -> Callable[[int, int], None] | None:
        if self.progress is None:
            return None
        return lambda done, total: self.progress(stage, done, total)

    def simulate(self) -> None:
        if self._cached("simulate", (shot.TRAJECTORY, shot.EVENTS)) and self.old_meta:
            shot.reuse(self.out, self.tmp, (shot.TRAJECTORY, shot.EVENTS))
            self.trajectory = Trajectory.load(self.tmp / shot.TRAJECTORY)
            self.events = shot.read_json(self.tmp / shot.EVENTS)
            self.masses = {i["name"]: i["mass"] for i in self.old_meta["instances"]}
            self.stages["simulate"] = "cached"
        else:
            from physics.simulate import simulate

            result = simulate(self.scene, self.loaded.folder, self._report("simulate"))
            self.trajectory, self.events, self.masses = result.trajectory, result.events, \
                result.masses
            self.trajectory.save(self.tmp / shot.TRAJECTORY)
            shot.write_json(self.tmp / shot.EVENTS, self.events)
            self.timings["simulate"] = result.timings_s["build"] + result.timings_s["loop"]
            self.stages["simulate"] = "ran"
        self.recorded["simulate"] = self.keys["simulate"]
        self.instances = instances_for(self.scene, self.trajectory.names)

    def render(self, passes: frozenset[str]) -> None:
        if self.keep_render_if_current():
            return
        from renderer.render import render_shot

        started = time.perf_counter()
        result = render_shot(self.scene, self.trajectory, self.instances, self.tmp,
                             self.loaded.folder, passes, self._report("render"), self.events)
        self.rendered = {"camera": result.camera, "bbox_2d": result.bbox_2d,
                         "visibility": result.visibility}
        self.timings["render"] = time.perf_counter() - started
        self.stages["render"] = "ran"
        self.recorded["render"] = self.keys["render"]

    def keep_render_if_current(self) -> bool:
        """Carry the previous render over when its inputs are unchanged."""
        present = tuple(n for n in shot.RENDER_OUTPUTS if (self.out / n).exists())
        if not present or not self._cached("render", present):
            return False
        shot.reuse(self.out, self.tmp, present)
        instances = {i["name"]: i for i in self.old_meta["instances"]}
        self.rendered = {
            "camera": self.old_meta.get("camera"),
            "bbox_2d": {n: i["bbox_2d"] for n, i in instances.items()},
            "visibility": {n: i["visibility"] for n, i in instances.items()},
        }
        self.stages["render"] = "cached"
        self.recorded["render"] = self.keys["render"]
        return True

    def finish(self, started: float) -> dict:
        from physics.expectations import Outcome, all_passed, check_all, framing

        outcome = Outcome(self.scene, self.trajectory, self.events, self.masses,
                          self.rendered.get("visibility"), self.loaded.folder,
                          self.rendered.get("bbox_2d"))
        results = check_all(outcome)
        meta = shot.metadata(self.scene, self.instances, self.masses,
                             self.rendered.get("camera"), self.rendered.get("bbox_2d"),
                             self.rendered.get("visibility"))
        shot.write_json(self.tmp / shot.METADATA, meta)
        self.timings["total"] = time.perf_counter() - started
        report = {"passed": all_passed(results), "expectations": results,
                  "framing": framing(outcome), "timings_s": self.timings,
                  "stages": self.stages}
        shot.write_json(self.tmp / shot.REPORT, report)
        shot.write_json(self.tmp / shot.STAGES, self.recorded)
        if self.page:
            from bridge.report import write_report

            write_report(self.tmp)  # reads report.json and stages.json, so it comes last
        return report
