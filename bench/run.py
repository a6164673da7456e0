"""Benchmarks for the spine, printed as JSON (medians over repeated runs on this machine).

    python -m bench.run [--repeats N] [--scene scenes/X.yaml] [--out FILE]

- simulation: simulate-stage time over the time of the raw stepSimulation calls it makes
  (target <= 1.15), both for the stepping loop alone and for the whole stage with world build;
- rendering: ms per frame for all passes at 512x512, per scene (target <= 60);
- end to end: wall time of `simshot render` in a fresh process (target <= 15 s);
- memory: peak RSS of that process (target <= 1.5 GB);
- cached re-render: time after a camera-only edit, as a ratio to the full render;
- fracture and liquids: the juice-glass scene's simulated seconds per wall second with its
  2,113-particle fluid (issue 15's target >= 1; it was >= 3 for 95 rigid beads), the
  fracture swap in ms (target <= 10), rendering with particles (target <= 80 ms).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bridge import shot

ROOT = Path(__file__).resolve().parents[1]
SIM_SCENES = ["domino_chain", "bowling_strike", "billiards_break", "bouncing_balls"]
E2E_SCENE = ROOT / "scenes" / "bowling_strike.yaml"


def emit(results: dict, out: Path | None) -> None:
    """Print the figures as JSON, and write them to `out` too when given."""
    text = json.dumps(results, indent=2)
    print(text)
    if out:
        out.write_text(text + "\n")


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def bench_simulation(name: str, repeats: int) -> dict:
    """Stage time against the time spent inside stepSimulation during that same run."""
    from bridge.loader import load_scene
    from physics.simulate import simulate

    loaded = load_scene(ROOT / "scenes" / f"{name}.yaml")
    scene = loaded.scene
    stage, loop, bullet = [], [], []
    for _ in range(repeats):
        started = time.perf_counter()
        result = simulate(scene, loaded.folder)
        stage.append(time.perf_counter() - started)
        loop.append(result.timings_s["loop"])
        bullet.append(result.timings_s["bullet"])
    return {"scene": name, "steps": result.steps, "bodies": len(scene.all_bodies()),
            "step_simulation_s": _median(bullet), "loop_s": _median(loop),
            "stage_s": _median(stage),
            "ratio_loop": round(statistics.median(loop) / statistics.median(bullet), 3),
            "ratio_stage": round(statistics.median(stage) / statistics.median(bullet), 3)}


def bench_fracture_liquid(repeats: int) -> dict:
    """The juice-glass scene: simulated seconds per wall second, and the fracture swap."""
    from bridge.loader import load_scene
    from physics.simulate import simulate

    loaded = load_scene(ROOT / "scenes" / "juice_glass_falls.yaml")
    simulate(loaded.scene, loaded.folder)  # fill the fracture cache: pre-computation excluded
    walls, swaps = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        result = simulate(loaded.scene, loaded.folder)
        walls.append(time.perf_counter() - started)
        swaps.append(result.timings_s["swap_max"])
    fracture = result.events["fractures"][0]
    return {"scene": "juice_glass_falls", "duration_s": loaded.scene.duration,
            "fragments": len(fracture["fragments"]),
            "particles": int(result.trajectory.particles["juice"].shape[1]),
            "simulate_s": _median(walls),
            "real_time_factor": round(loaded.scene.duration / statistics.median(walls), 2),
            "swap_ms": round(1000 * statistics.median(swaps), 2)}


def bench_render(name: str, repeats: int) -> dict:
    """ms per frame for all passes at the scene's resolution, file writing included."""
    from bridge.instances import instances_for
    from bridge.loader import load_scene
    from physics.simulate import simulate
    from renderer.render import render_shot

    loaded = load_scene(ROOT / "scenes" / f"{name}.yaml")
    scene = loaded.scene
    trajectory = simulate(scene, loaded.folder).trajectory
    instances = instances_for(scene, trajectory.names)
    per_frame = []
    for _ in range(repeats):
        out = Path(tempfile.mkdtemp(prefix="simshot-bench-"))
        try:
            started = time.perf_counter()
            render_shot(scene, trajectory, instances, out, loaded.folder)
            per_frame.append(1000 * (time.perf_counter() - started) / scene.num_frames)
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return {"scene": name, "bodies": len(scene.all_bodies()), "frames": scene.num_frames,
            "resolution": list(scene.resolution), "ms_per_frame": _median(per_frame)}


def _simshot(*args: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one `simshot` process."""
    exe = Path(sys.executable).with_name("simshot")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"simshot {' '.join(args)} failed:\n{proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss is the largest child so far: only a new maximum is attributable to this run
    return wall, max(peak, before) * 1024


def bench_end_to_end(repeats: int, scene_path: Path) -> dict:
    """Fresh render, then a camera-only edit re-rendered into the same folder."""
    walls, cached, rss, render_ms, frames, stages = [], [], [], [], 0, None
    for _ in range(repeats):
        work = Path(tempfile.mkdtemp(prefix="simshot-bench-"))
        try:
            script = work / scene_path.name
            shutil.copy(scene_path, script)
            out = work / "shot"
            wall, peak = _simshot("render", str(script), "-o", str(out))
            report = json.loads((out / shot.REPORT).read_text())
            meta = json.loads((out / shot.METADATA).read_text())
            frames = meta["scene"]["num_frames"]
            render_ms.append(1000 * report["timings_s"]["render"] / frames)
            walls.append(wall)
            rss.append(peak)
            _move_camera(script)
            wall2, _ = _simshot("render", str(script), "-o", str(out))
            cached.append(wall2)
            stages = json.loads((out / shot.REPORT).read_text())["stages"]
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return {
        "scene": scene_path.stem, "frames": frames,
        "resolution": meta["scene"]["resolution"],
        "render_ms_per_frame": _median(render_ms),
        "end_to_end_s": _median(walls),
        "peak_rss_mb": round(max(rss) / 2**20, 1),
        "cached_rerender_s": _median(cached),
        "cached_rerender_ratio": round(statistics.median(cached) / statistics.median(walls), 3),
        "cached_rerender_stages": stages,
    }


def _move_camera(script: Path) -> None:
    """A camera-only edit: nudge the camera position's x by 10 cm."""
    from bridge.yamlio import load_document, save_document

    doc = load_document(script)
    position = doc["camera"]["position"]
    position[0] = float(position[0]) + 0.1
    save_document(doc, script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scene", type=Path, default=E2E_SCENE)
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "repeats": args.repeats,
        "simulation": [bench_simulation(n, args.repeats) for n in SIM_SCENES],
        "rendering": [bench_render(n, args.repeats) for n in SIM_SCENES + ["juice_glass_falls"]],
        "fracture_liquid": bench_fracture_liquid(args.repeats),
        "end_to_end": bench_end_to_end(args.repeats, args.scene),
        "targets": {"ratio_loop": 1.15, "render_ms_per_frame": 60, "end_to_end_s": 15,
                    "peak_rss_mb": 1536, "juice_real_time_factor": 1.0, "swap_ms": 10,
                    "render_ms_per_frame_with_particles": 80},
    }
    emit(results, args.out)


if __name__ == "__main__":
    main()
