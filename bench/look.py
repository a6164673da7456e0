"""Benchmarks for the look, printed as JSON (medians over repeated runs on this machine).

    python -m bench.look [--repeats N] [--out FILE]

- rendering: ms per frame for all default passes at 512x512, file writing included, plain
  (no surroundings, no patterns, one sample per pixel), full (surroundings, patterns, sky
  light, soft shadows, the anti-aliasing filter; target <= 60) and full_msaa (4x multisampled
  colour instead of the filter);
- the demo: wall time of `simshot make` on the demo's prompt in a fresh process, process
  start included (target <= 15 s), and where the break lands in its frame.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import emit

ROOT = Path(__file__).resolve().parents[1]
DEMO_PROMPT = ("A glass of orange juice is knocked off a table and shatters on the stone floor")
SCENES = {"juice_glass_falls": "kitchen", "bowling_strike": "court", "domino_chain": "studio"}
PLAIN = {"environment": "none", "textures": False, "antialias": "off"}


def _variant(scene, environment: str, textures: bool, antialias: str):
    style = scene.style.model_copy(update={"textures": textures, "antialias": antialias})
    world = scene.world.model_copy(update={"environment": environment})
    return scene.model_copy(update={"style": style, "world": world,
                                    "resolution": (512, 512)})


def bench_render(name: str, environment: str, repeats: int) -> dict:
    """ms per frame, plain and with the full look, on one recording."""
    from bridge.instances import instances_for
    from bridge.loader import load_scene
    from bridge.shot import framed_events
    from physics.simulate import simulate
    from renderer.render import render_shot

    loaded = load_scene(ROOT / "scenes" / f"{name}.yaml")
    result = simulate(loaded.scene, loaded.folder)
    instances = instances_for(loaded.scene, result.trajectory.names)
    events = framed_events(result.events, loaded.scene.time_map())
    out = {"scene": name, "environment": environment}
    variants = {"plain": PLAIN,
                "full": {"environment": environment, "textures": True, "antialias": "filter"},
                "full_msaa": {"environment": environment, "textures": True, "antialias": "msaa"}}
    for label, settings in variants.items():
        scene = _variant(loaded.scene, **settings)
        per_frame, gl = [], []
        for _ in range(repeats):
            folder = Path(tempfile.mkdtemp(prefix="simshot-bench-"))
            try:
                started = time.perf_counter()
                timings = render_shot(scene, result.trajectory, instances, folder,
                                      loaded.folder, events=events).timings_s
                per_frame.append(1000 * (time.perf_counter() - started) / scene.num_frames)
                gl.append(1000 * timings["gl"] / scene.num_frames)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        out[f"{label}_ms_per_frame"] = round(statistics.median(per_frame), 1)
        out[f"{label}_gl_ms_per_frame"] = round(statistics.median(gl), 1)
    out["frames"] = scene.num_frames
    out["ratio"] = round(out["full_ms_per_frame"] / out["plain_ms_per_frame"], 2)
    return out


def bench_demo(repeats: int) -> dict:
    """`simshot make` of the demo prompt in a fresh process, and its break's framing."""
    exe = Path(sys.executable).with_name("simshot")
    walls, framing = [], None
    for _ in range(repeats):
        work = Path(tempfile.mkdtemp(prefix="simshot-bench-"))
        try:
            started = time.perf_counter()
            proc = subprocess.run([str(exe), "make", DEMO_PROMPT, "-o", str(work / "demo")],
                                  capture_output=True, text=True, check=False)
            walls.append(time.perf_counter() - started)
            if proc.returncode != 0:
                raise RuntimeError(f"simshot make failed:\n{proc.stderr}")
            report = json.loads((work / "demo" / "report.json").read_text())
            framing = report.get("event_framing")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return {"prompt": DEMO_PROMPT, "make_s": round(statistics.median(walls), 2),
            "event_framing": framing}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    results = {
        "repeats": args.repeats,
        "rendering": [bench_render(n, e, args.repeats) for n, e in SCENES.items()],
        "demo": bench_demo(args.repeats),
        "targets": {"full_ms_per_frame": 60, "make_s": 15},
    }
    emit(results, args.out)


if __name__ == "__main__":
    main()
