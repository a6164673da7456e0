"""Cloth, printed as JSON (medians over repeated runs on this machine).

    python -m bench.cloth [--repeats N] [--out FILE]

- flag_in_wind: simulated seconds per wall second of the physics stage of
  scenes/flag_in_wind.yaml (a 32 x 32 canvas flag in a gusty 8 m/s wind, 3 s; issue 17's
  target is at least 1), with the share of the time spent in the cloth world;
- tablecloth_trick: the same for scenes/tablecloth_trick.yaml (a 32 x 24 cloth snatched from
  under three dishes; the cloth steps with every PyBullet step where bodies can move);
- trampoline: the same figure for a 0.5 kg ball dropped on a rubber sheet held at its edges
  (24 x 24), where the coupling between PyBullet and MuJoCo acts every cloth step.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.run import emit
from bridge.loader import load_scene
from bridge.schema import Scene
from physics.simulate import simulate

ROOT = Path(__file__).resolve().parents[1]


def trampoline() -> Scene:
    return Scene.model_validate({
        "name": "trampoline", "duration": 3.0,
        "bodies": [{"name": "ball", "asset": "ball", "params": {"radius": 0.06}, "mass": 0.5,
                    "position": [0, 0, 1.5]}],
        "cloth": [{"name": "sheet", "size": [1.0, 1.0], "at": [0, 0, 0.8], "pinned": "edges",
                   "material": "rubber_sheet", "resolution": [24, 24]}]})


def rate(scene: Scene) -> tuple[float, float]:
    started = time.perf_counter()
    result = simulate(scene, None)
    wall = time.perf_counter() - started
    return scene.duration / wall, result.timings_s["cloth"] / wall  # MuJoCo's share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    scenes = {name: load_scene(ROOT / "scenes" / f"{name}.yaml").scene
              for name in ("flag_in_wind", "tablecloth_trick")}
    scenes["trampoline"] = trampoline()
    results = {"repeats": args.repeats}
    for name, scene in scenes.items():
        runs = [rate(scene) for _ in range(args.repeats)]
        results[name] = {"real_time_factor": statistics.median(r[0] for r in runs),
                         "cloth_share": statistics.median(r[1] for r in runs)}
    emit({"cloth": results}, args.out)


if __name__ == "__main__":
    main()
