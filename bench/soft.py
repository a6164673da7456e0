"""Soft bodies, printed as JSON (medians over repeated runs on this machine).

    python -m bench.soft [--repeats N] [--out FILE]

- rubber_duck_squeeze: simulated seconds per wall second of the physics stage of
  scenes/rubber_duck_squeeze.yaml (a duck squeezed and let go, a basketball landing on a
  foam block, 3 s), with the share of the time spent in the MuJoCo world;
- duck_alone: the same for the duck squeezed on a table and nothing else, at the default
  resolution (7 nodes along its length) and at the finest (16);
- make_seconds: wall seconds of `simshot make "a hand squeezes a rubber duck"` end to end
  (plan, verify, simulate, render at 512 x 512).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.cloth import rate
from bench.run import emit
from bridge.loader import load_scene
from bridge.schema import Scene

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "a hand squeezes a rubber duck and it springs back"


def duck_alone(resolution: int) -> Scene:
    return Scene.model_validate({
        "name": "duck", "duration": 3.0,
        "bodies": [{"name": "table", "asset": "table", "static": True, "position": [0, 0, 0]}],
        "soft": [{"name": "duck", "shape": "duck", "size": [0.1, 0.08, 0.09],
                  "at": [0, 0, 0.808], "resolution": resolution}],
        "events": [{"at": 0.5, "squeeze": {"soft": "duck", "force": 10, "axis": [0, 1, 0],
                                           "duration": 1.0}}]})


def _make_seconds() -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "simshot", "make", PROMPT, "-o",
                        str(Path(folder) / "shot")], check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    scenes = {"rubber_duck_squeeze": load_scene(
        ROOT / "scenes" / "rubber_duck_squeeze.yaml").scene,
              "duck_alone": duck_alone(7), "duck_alone_finest": duck_alone(16)}
    results: dict = {"repeats": args.repeats}
    for name, scene in scenes.items():
        runs = [rate(scene) for _ in range(args.repeats)]
        results[name] = {"real_time_factor": statistics.median(r[0] for r in runs),
                         "mujoco_share": statistics.median(r[1] for r in runs)}
    results["make_seconds"] = statistics.median(_make_seconds() for _ in range(args.repeats))
    emit({"soft": results}, args.out)


if __name__ == "__main__":
    main()
