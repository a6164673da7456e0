"""The stage runner: scene -> simulate -> render -> checks, into one atomic shot folder.

A stage is skipped when its key (simshot.cache) matches the key recorded in the existing
folder's `stages.json`; its artifacts are then carried over by hard link. The simulate stage
records the physics at its own step rate (simulation.npz), so a camera edit, slow motion
included, never re-simulates: the frames' trajectory.npz and events.json are sampled from the
recording for the current time map on every run. The refiner's prompt and the expectations
feed no stage's key: editing them only re-runs the checks, which read the recording, never
the frames; the coarse look (`style.antialias`, `textures`, `motion_blur`) and
`world.environment` re-render without re-simulating.
"""
from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bridge import shot
from bridge.instances import instances_for
from bridge.loader import LoadedScene
from bridge.schema import Scene
from bridge.trajectory import Trajectory, sample
from simshot.cache import same_physics, stage_keys

if TYPE_CHECKING:
    from physics.simulate import SimResult

Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass
class ShotResult:
    out: Path
    report: dict
    # stage -> "ran" | "cached" | "skipped" | "planned" (the planner's run of this physics)
    stages: dict[str, str]
    # (scene, SimResult) when this run simulated or took a given simulation: another run of
    # the same physics (a different camera or frame rate) may take it as `simulated`
    simulated: tuple[Scene, SimResult] | None = None


def read_or_empty(path: Path) -> dict:
    """A JSON artifact of the previous run, or {} when there is none (or it is unreadable)."""
    try:
        return shot.read_json(path)
    except (OSError, ValueError):
        return {}


def run_shot(loaded: LoadedScene, out: Path, render: bool = True,
             passes: frozenset[str] = shot.DEFAULT_PASSES, progress: Progress | None = None,
             extras: dict[str, Path] | None = None, page: bool = True,
             simulated: tuple[Scene, SimResult] | None = None) -> ShotResult:
    """Build (or update) the shot folder `out` for the loaded script.

    `extras` are files to place in it under the given names (e.g. the planner's trace), inside
    the same atomic swap. `page` writes report.html (dataset runs at scale may skip it).
    `simulated` is a scene and its simulation result from earlier in this process (the
    planner's last round): used when its physics is the script's, instead of running again.
    """
    started = time.perf_counter()
    keys = stage_keys(loaded, passes)
    previous = read_or_empty(out / shot.STAGES)
    old_meta = read_or_empty(out / shot.METADATA)
    with shot.staging(out) as tmp:
        (tmp / shot.SCENE).write_bytes(loaded.path.read_bytes())
        for name, source in (extras or {}).items():
            shutil.copyfile(source, tmp / name)
        runner = _Stages(loaded, tmp, out, keys, previous, old_meta, progress, page)
        runner.simulate(simulated[1] if simulated is not None
                        and same_physics(simulated[0], loaded) else None)
        if render:
            runner.render(passes)
        else:
            runner.keep_render_if_current()
        report = runner.finish(started)
    return ShotResult(out.resolve(), report, runner.stages, runner.simulated)


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
        self.simulated: tuple[Scene, SimResult] | None = None

    def _cached(self, stage: str, names: tuple[str, ...]) -> bool:
        return (self.previous.get(stage) == self.keys[stage]
                and all((self.out / n).exists() for n in names))

    def _report(self, stage: str) -> Callable[[int, int], None] | None:
        if self.progress is None:
            return None
        return lambda done, total: self.progress(stage, done, total)

    def simulate(self, planned: SimResult | None = None) -> None:
        """Run the simulation, or reuse the stored one or `planned` (the same physics, run
        earlier in this process)."""
        stored = (shot.SIMULATION, shot.SIMULATION_INFO)
        if self._cached("simulate", stored):
            shot.reuse(self.out, self.tmp, stored)
            self.recording = Trajectory.load(self.tmp / shot.SIMULATION)
            info = shot.read_json(self.tmp / shot.SIMULATION_INFO)
            self.stages["simulate"] = "cached"
        else:
            if planned is not None:
                result = planned
            else:
                from physics.simulate import simulate

                result = simulate(self.scene, self.loaded.folder, self._report("simulate"))
            self.recording = result.recording
            self.simulated = (self.scene, result)
            info = {"interval": result.interval, "steps": result.steps,
                    "masses": result.masses, "events": result.events}
            self.recording.save(self.tmp / shot.SIMULATION)
            shot.write_json(self.tmp / shot.SIMULATION_INFO, info)
            if planned is None:  # the planner's run took its time in planning
                self.timings["simulate"] = result.timings_s["build"] + result.timings_s["loop"]
            self.stages["simulate"] = "ran" if planned is None else "planned"
        self.recorded["simulate"] = self.keys["simulate"]
        self.events, self.masses = info["events"], info["masses"]
        self._frames(info["interval"])

    def _frames(self, interval: float) -> None:
        """trajectory.npz and events.json: the recording at this script's video frames."""
        timing = self.scene.time_map()
        self.trajectory = sample(self.recording, timing.times, interval)
        self.trajectory.save(self.tmp / shot.TRAJECTORY)
        self.framed = shot.framed_events(self.events, timing)
        shot.write_json(self.tmp / shot.EVENTS, self.framed)
        self.instances = instances_for(self.scene, self.trajectory.names)

    def render(self, passes: frozenset[str]) -> None:
        if self.keep_render_if_current():
            return
        from renderer.render import render_shot

        started = time.perf_counter()
        result = render_shot(self.scene, self.trajectory, self.instances, self.tmp,
                             self.loaded.folder, passes, self._report("render"), self.framed)
        self.rendered = {"camera": result.camera, "bbox_2d": result.bbox_2d,
                         "visibility": result.visibility}
        self.timings["render"] = time.perf_counter() - started
        self.stages["render"] = "ran"
        self.recorded["render"] = self.keys["render"]

    def keep_render_if_current(self) -> bool:
        """Carry the previous render over when its inputs are unchanged."""
        present = tuple(n for n in shot.RENDER_OUTPUTS if (self.out / n).exists())
        if not present or not self.old_meta or not self._cached("render", present):
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

    def _image_positions(self) -> dict | None:
        """Where the render saw each event (annotations.npz), or None without a render."""
        path = self.tmp / shot.ANNOTATIONS
        if not self.rendered or not path.is_file():
            return None
        with np.load(path) as data:
            return {k: data[k] for k in data.files if k.endswith("_image_positions")}

    def finish(self, started: float) -> dict:
        from simshot.expectations import (
            Outcome,
            all_passed,
            check_all,
            event_framing,
            framing,
        )

        outcome = Outcome(self.scene, self.recording, self.events, self.masses,
                          self.rendered.get("visibility"), self.loaded.folder,
                          self.rendered.get("bbox_2d"), self._image_positions())
        results = check_all(outcome)
        meta = shot.metadata(self.scene, self.instances, self.masses,
                             self.rendered.get("camera"), self.rendered.get("bbox_2d"),
                             self.rendered.get("visibility"))
        shot.write_json(self.tmp / shot.METADATA, meta)
        self.timings["total"] = time.perf_counter() - started
        report = {"passed": all_passed(results), "expectations": results,
                  "framing": framing(outcome), "event_framing": event_framing(outcome),
                  "timings_s": self.timings, "stages": self.stages}
        planned = read_or_empty(self.tmp / shot.PLAN_TRACE)
        if planned:  # a planned shot carries what became of the prompt's claims
            report["claims"] = planned.get("claims", [])
        shot.write_json(self.tmp / shot.REPORT, report)
        shot.write_json(self.tmp / shot.STAGES, self.recorded)
        if self.page:
            from simshot.report import write_report

            write_report(self.tmp)  # reads report.json and stages.json, so it comes last
        return report
