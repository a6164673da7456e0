"""Articulated bodies' speed, printed as JSON (medians over repeated runs on this machine).

    python -m bench.joints [--repeats N] [--out FILE]

- street: a 60 t tank driving into a parked car while a second car drives into a concrete wall
  in the next lane (3 vehicles, 22 wheels on motorised hinges, 4 s): simulated seconds per
  wall second of the whole physics stage (issue 16's target: >= 2), with the cars' bodies
  crushable (their dents, and the collision shapes rebuilt to follow them); street_rigid: the
  same without dents, for what denting costs;
- newtons_cradle: scenes/newtons_cradle.yaml (five hinged rods with welded balls, 3 s): the
  same figure;
- rope: a 4 kg steel bob on a 12-link, 0.8 m rope let go from 50 degrees (3 s), which Bullet
  sub-steps 4 times: the same figure;
- slack_rope: a 2.4 m hemp rope of 16 links hung slack between two posts 1.9 m apart, a 2.5 kg
  ball dropped 0.65 m onto it (2 s; a slack rope is 16 point constraints, stepped 8 times a
  step): the same figure.
"""
from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

from bench.run import emit
from bridge.loader import load_scene
from bridge.schema import Scene
from physics.simulate import simulate
from planner.offline.layout import Plan
from planner.offline.vehicles import vehicle

ROOT = Path(__file__).resolve().parents[1]


def street(crushable: bool = True) -> Scene:
    plan = Plan(name="street")
    vehicle(plan, "tank", "tank", 0.0, 1, 5.0)
    vehicle(plan, "car", "parked_car", 6.0, -1, None)
    vehicle(plan, "car", "car", 0.0, 1, 13.9, lane=5.0)
    wall = {"name": "wall", "asset": "wall", "material": "concrete", "static": True,
            "params": {"thickness": 0.4, "width": 4.0, "height": 2.5}, "position": [10.2, 5.0, 0]}
    bodies = [item.data if crushable else {k: v for k, v in item.data.items()
                                           if k != "crushable"} for item in plan.bodies]
    return Scene.model_validate({
        "name": "street", "duration": 4.0, "world": {"ground": {"material": "concrete"}},
        "bodies": bodies + [wall],
        "joints": [item.data for item in plan.joints]})


def rope() -> Scene:
    tie = [0.8 * math.sin(math.radians(50)), 0.0, 2.0 - 0.8 * math.cos(math.radians(50))]
    bob = {"name": "bob", "asset": "ball", "material": "steel", "params": {"radius": 0.05},
           "position": [tie[0] + 0.038, 0.0, tie[2] - 0.082]}
    return Scene.model_validate({
        "name": "rope", "duration": 3.0, "bodies": [bob],
        "ropes": [{"name": "rope", "start": {"at": [0, 0, 2]},
                   "end": {"body": "bob", "at": tie}, "segments": 12}]})


def slack_rope() -> Scene:
    posts = [{"name": name, "asset": "box", "static": True, "material": "wood",
              "params": {"length": 0.1, "width": 0.1, "height": 1.5}, "position": [x, 0, 0]}
             for name, x in (("post_left", -1.0), ("post_right", 1.0))]
    ball = {"name": "ball", "asset": "ball", "material": "rubber", "mass": 2.5,
            "params": {"radius": 0.1}, "position": [0.0, 0.0, 1.45]}
    return Scene.model_validate({
        "name": "slack_rope", "duration": 2.0, "bodies": [*posts, ball],
        "ropes": [{"name": "rope", "start": {"body": "post_left", "at": [-0.95, 0, 1.45]},
                   "end": {"body": "post_right", "at": [0.95, 0, 1.45]}, "length": 2.4,
                   "segments": 16, "radius": 0.015}]})


def _factor(scene: Scene) -> tuple[float, list[dict]]:
    """Real-time factor of one run, and its dents."""
    started = time.perf_counter()
    result = simulate(scene, None)
    return scene.duration / (time.perf_counter() - started), result.events["deformations"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    scenes = {"street": street(), "street_rigid": street(crushable=False),
              "newtons_cradle": load_scene(ROOT / "scenes" / "newtons_cradle.yaml").scene,
              "rope": rope(), "slack_rope": slack_rope()}
    results = {}
    for name, scene in scenes.items():
        runs = [_factor(scene) for _ in range(args.repeats)]
        factors = [factor for factor, _ in runs]
        results[name] = {"bodies": len(scene.placed_bodies()), "joints": len(scene.all_joints()),
                         "real_time_factor": round(statistics.median(factors), 2),
                         "runs": [round(r, 2) for r in factors],
                         "dents": [{"body": d["body"], "by": d["by"], "time": round(d["time"], 3),
                                    "depth_m": round(d["depth"], 3)} for d in runs[-1][1]]}
    results["street"]["dent_cost"] = round(results["street_rigid"]["real_time_factor"]
                                           / results["street"]["real_time_factor"], 2)
    results["targets"] = {"street_real_time_factor": 2.0}
    emit(results, Path(args.out) if args.out else None)


if __name__ == "__main__":
    main()
