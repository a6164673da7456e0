"""The particle fluid's speed, printed as JSON (medians over repeated runs on this machine).

    python -m bench.fluid [--repeats N] [--out FILE]

- juice_glass: the whole simulation of scenes/juice_glass_falls.yaml (3 s: 180 ml of juice,
  2,113 particles, in a glass knocked off a table that shatters on the floor): simulated
  seconds per wall second (issue 15's target: >= 1); and, from one more run with the
  liquid's kernels timed, the seconds each took and the ceiling: the real-time factor the
  scene would reach were the kernels all it cost;
- settle: 180 ml of water at the default 2.2 mm (2,113 particles) settling in a tumbler for
  1 s: simulated seconds per wall second;
- litre: 1 l (11,740 particles) sloshing in a wide bowl for 0.5 s: simulated seconds per
  wall second;
- litre_pour: the whole simulation of 1 l poured from a tall jug into a wide bowl (a
  `pour` over 1 s, 2 s in all): simulated seconds per wall second, and the share that ends
  in the bowl;
- the density error at the end, the largest and the mean (issue 15 asks 1-3 %), and each
  kernel's share of a step.
"""
from __future__ import annotations

import argparse
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from bench.run import emit
from bridge.loader import LoadedScene, load_scene
from bridge.schema import Liquid, Scene
from physics import fluid as fluid_module
from physics.fluid import Fluid
from physics.liquids import start_positions
from physics.pbf_search import NeighbourList
from physics.pbf_walls import Walls
from physics.world import World

ROOT = Path(__file__).resolve().parents[1]
# what each timed piece of a step is, as (owner, attribute): patched for the timing
KERNELS = {"neighbours": (NeighbourList, "update"),
           "nearest_walls": (fluid_module, "nearest_walls"),
           "solve_density": (fluid_module, "solve_density"),
           "collide": (fluid_module, "collide"),
           "viscosity_and_cohesion": (fluid_module, "viscosity_and_cohesion")}


def _setup(asset: str, params: dict, volume_ml: float) -> tuple[World, Walls, Fluid]:
    scene = Scene.model_validate({"name": "fluid", "duration": 1.0, "bodies": [
        {"name": "c", "asset": asset, "params": params, "static": True}]})
    world = World(scene, None)
    liquid = Liquid(name="water", inside="c", volume_ml=volume_ml)
    start = start_positions(liquid, world.bodies["c"].geometry, world.pose("c"), 1)
    return world, Walls(world), Fluid([liquid], [start])


@contextmanager
def _timed_kernels():
    """Each kernel of KERNELS timed while the block runs: yields {name: seconds}."""
    spent = dict.fromkeys(KERNELS, 0.0)
    originals = {name: getattr(*where) for name, where in KERNELS.items()}

    def timed(name):
        def call(*args):
            started = time.perf_counter()
            out = originals[name](*args)
            spent[name] += time.perf_counter() - started
            return out
        return call

    for name, (owner, attribute) in KERNELS.items():
        setattr(owner, attribute, timed(name))
    try:
        yield spent
    finally:
        for name, original in originals.items():
            setattr(*KERNELS[name], original)


def _run(asset: str, params: dict, volume_ml: float, seconds: float) -> dict:
    world, walls, fluid = _setup(asset, params, volume_ml)
    fluid.step(world.dt, walls, world.gravity)  # compiles, or loads the cache
    fluid.search.searches = 0
    steps = round(seconds / world.dt)
    try:
        with _timed_kernels() as spent:
            started = time.perf_counter()
            for _ in range(steps):
                walls.apply(world.dt)
                world.step()
                walls.update()
                fluid.step(world.dt, walls, world.gravity)
            wall = time.perf_counter() - started
    finally:
        world.close()
    return {"particles": len(fluid.x), "wall_s": wall, "real_time_factor": seconds / wall,
            "density_error": fluid.density_error, "mean_density_error": fluid.mean_density_error,
            "neighbour_searches_per_step": fluid.search.searches / steps,
            "ms_per_step": {k: round(v / steps * 1000, 2) for k, v in spent.items()}}


POUR = {"name": "litre_pour", "duration": 2.0, "bodies": [
    {"name": "jug", "asset": "tumbler", "params": {"radius": 0.06, "height": 0.2},
     "position": [-0.06, 0.0, 0.1], "static": True},
    {"name": "bowl", "asset": "bowl", "params": {"radius": 0.15, "height": 0.1},
     "position": [0.16, 0.0, 0.0]}],
    "liquids": [{"name": "water", "inside": "jug", "volume_ml": 1000}],
    "events": [{"at": 0.2, "pour": {"body": "jug", "angle": 120, "duration": 1.0}}],
    "expect": [{"pours_into": "water", "container": "bowl"}]}


def _pour() -> dict:
    from physics.simulate import simulate
    from simshot.expectations import check_simulation

    scene = Scene.model_validate(POUR)
    started = time.perf_counter()
    result = simulate(scene, None)
    wall = time.perf_counter() - started
    (poured,) = check_simulation(scene, result)
    return {"particles": result.trajectory.particles["water"].shape[1],
            "real_time_factor": scene.duration / wall, "into_bowl": poured["detail"]}


def _juice(loaded: LoadedScene) -> float:
    from physics.simulate import simulate

    started = time.perf_counter()
    simulate(loaded.scene, loaded.folder)
    return loaded.scene.duration / (time.perf_counter() - started)


def _juice_kernels(loaded: LoadedScene) -> dict:
    """One more run of the juice glass with its liquid's kernels timed (the neighbour
    lists' own check with the search): the seconds each took, and the real-time factor the
    scene would have were they all it cost (no Python between them, no rigid bodies, no
    recording): the ceiling of making the rest faster."""
    from physics.simulate import simulate

    with _timed_kernels() as spent:
        simulate(loaded.scene, loaded.folder)
    total = sum(spent.values())
    return {"kernel_s": {k: round(v, 3) for k, v in spent.items()},
            "kernel_ceiling": round(loaded.scene.duration / total, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    cases = {"settle_180ml": ("tumbler", {}, 180.0, 1.0),
             "litre_bowl": ("bowl", {"radius": 0.12, "height": 0.1}, 1000.0, 0.5)}
    loaded = load_scene(ROOT / "scenes" / "juice_glass_falls.yaml")
    _juice(loaded)  # compiles the kernels, or loads them from the cache
    juice = [_juice(loaded) for _ in range(args.repeats)]
    results = {"juice_glass": {"real_time_factor": round(statistics.median(juice), 3),
                               "runs": [round(r, 3) for r in juice], **_juice_kernels(loaded)}}
    for name, case in cases.items():
        runs = [_run(*case) for _ in range(args.repeats)]
        best = runs[len(runs) // 2]
        results[name] = {
            "particles": best["particles"],
            "real_time_factor": round(statistics.median(r["real_time_factor"] for r in runs), 3),
            "runs": [round(r["real_time_factor"], 3) for r in runs],
            "density_error": round(float(np.median([r["density_error"] for r in runs])), 4),
            "mean_density_error": round(float(np.median(
                [r["mean_density_error"] for r in runs])), 4),
            "ms_per_step": best["ms_per_step"]}
    pours = [_pour() for _ in range(args.repeats)]
    results["litre_pour"] = {
        "particles": pours[0]["particles"],
        "sim_s_per_wall_s": round(statistics.median(r["real_time_factor"] for r in pours), 3),
        "runs": [round(r["real_time_factor"], 3) for r in pours],
        "into_bowl": pours[0]["into_bowl"]}
    results["targets"] = {"juice_glass_real_time_factor": 1.0}
    emit(results, Path(args.out) if args.out else None)


if __name__ == "__main__":
    main()
