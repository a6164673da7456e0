"""Air and flame, printed as JSON (medians over repeated runs on this machine).

    python -m bench.air [--repeats N] [--out FILE]

- make_birthday_cake: the wall time of `simshot make "A grandmother blows out the candles on a
  birthday cake"` (plan and verify, simulate, render 512 x 512 at 24 fps, report), start-up
  included, with its stages' own times (issue 17 asks for this figure);
- simulate_birthday_cake: simulated seconds per wall second of the physics stage of
  scenes/birthday_candles.yaml (five flames, five breaths, their smoke);
- windy_beach_balls: the same figure for 20 beach balls blown across a lawn by a gusty
  8 m/s wind (3 s), and the same scene in still air, for what the air costs.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import emit
from bridge.loader import load_scene
from bridge.schema import Scene
from physics.simulate import simulate

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "A grandmother blows out the candles on a birthday cake"


def _make(out: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "simshot", "make", PROMPT, "--out", str(out)],
                   check=True, capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - started
    report = json.loads((out / "report.json").read_text())
    return wall, report["timings_s"]


def beach_balls(windy: bool) -> Scene:
    balls = [{"name": f"ball_{i}", "asset": "beach_ball", "position": [(i % 5) * 0.7,
                                                                       (i // 5) * 0.7, 0]}
             for i in range(20)]
    air = [{"velocity": [8.0, 0, 0], "gusts": 0.3, "turbulence": 0.2}] if windy else []
    return Scene.model_validate({"name": "lawn", "duration": 3.0, "bodies": balls,
                                 "wind": air})


def _factor(scene: Scene) -> float:
    started = time.perf_counter()
    simulate(scene, None)
    return scene.duration / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="simshot-bench-air-") as tmp:
        runs = [_make(Path(tmp) / f"shot_{k}") for k in range(args.repeats)]
    walls = [wall for wall, _ in runs]
    stages = {key: round(statistics.median(r[1][key] for r in runs), 2)
              for key in runs[0][1] if isinstance(runs[0][1][key], float)}
    results["make_birthday_cake"] = {"wall_s": round(statistics.median(walls), 2),
                                     "runs": [round(w, 2) for w in walls], "stages_s": stages}
    scenes = {"simulate_birthday_cake":
              load_scene(ROOT / "scenes" / "birthday_candles.yaml").scene,
              "windy_beach_balls": beach_balls(True), "still_beach_balls": beach_balls(False)}
    for name, scene in scenes.items():
        factors = [_factor(scene) for _ in range(args.repeats)]
        results[name] = {"real_time_factor": round(statistics.median(factors), 2),
                         "runs": [round(f, 2) for f in factors]}
    results["windy_beach_balls"]["air_cost"] = round(
        results["still_beach_balls"]["real_time_factor"]
        / results["windy_beach_balls"]["real_time_factor"], 2)
    emit(results, Path(args.out) if args.out else None)


if __name__ == "__main__":
    main()
