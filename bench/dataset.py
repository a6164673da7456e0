"""Dataset generation benchmark, printed as JSON.

    python -m bench.dataset [--n 12]

The randomized domino scene (scenes/datasets/dominoes_random.yaml: 256x256, 24 frames, every
pass) made with 1 local worker, 2 local workers and Ray with 2 CPUs. Reported per mode:
samples per minute (wall clock, process start-up and Ray start included), CPU-seconds per
frame, and the peak memory of a worker; then the scaling efficiency at 2 workers and the
speed-up per frame over Kubric's published ~1 s per frame per CPU (Blender, all passes).
Last, issue 20's figure: 16 samples at 128x128 made by Ray with 2 CPUs against the local pool
of 2 workers, start-up included (target >= 0.85); beside it Ray's own fixed cost, measured in a
fresh process that starts Ray with 2 CPUs, starts two empty actors, calls each once and shuts
Ray down (its import timed apart: this process has imported Ray before the runs compared),
and the efficiency that cost alone leaves possible (local / (local + fixed)); and the same
comparison at 64 samples, where the fixed cost weighs less.
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

from simshot.dataset import MANIFEST, DatasetSpec, generate, read_manifest

ROOT = Path(__file__).resolve().parents[1]
SCENE = ROOT / "scenes" / "datasets" / "dominoes_random.yaml"
FRAMES = 24
KUBRIC_S_PER_FRAME_CPU = 1.0
MODES = {"local_1": (1, False), "local_2": (2, False), "ray_2": (2, True)}


def run_mode(n: int, workers: int, ray: bool, resolution: tuple[int, int] | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="simshot-bench-") as tmp:
        spec = DatasetSpec((SCENE,), Path(tmp) / "data", n, seed=11, workers=workers, ray=ray,
                           resolution=resolution)
        started = time.perf_counter()
        summary = generate(spec)
        wall = time.perf_counter() - started
        lines = read_manifest(spec.out / MANIFEST)
    made = len(lines)
    return {"samples": made, "accepted": summary.accepted, "wall_s": round(wall, 2),
            "samples_per_min": round(60 * made / wall, 2),
            "cpu_s_per_frame": round(wall * workers / (made * FRAMES), 4),
            "median_sample_s": round(statistics.median(line["seconds"] for line in lines), 3),
            "peak_rss_mb_per_worker": max(line["peak_rss_mb"] for line in lines)}


RAY_BARE = """
import time
started = time.perf_counter()
import ray
imported = time.perf_counter()
ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
Empty = ray.remote(num_cpus=1)(type("Empty", (), {"ping": lambda self: 1}))
actors = [Empty.remote() for _ in range(2)]
ray.get([actor.ping.remote() for actor in actors])
ray.shutdown()
print(imported - started, time.perf_counter() - imported)
"""


def ray_fixed_s(repeats: int = 3) -> tuple[float, float]:
    """Median seconds of Ray's import, and of what Ray costs with no work after it: start,
    two empty actors, shutdown."""
    runs = [[float(v) for v in subprocess.run(
        [sys.executable, "-c", RAY_BARE], capture_output=True, text=True, check=True
    ).stdout.split()[-2:]] for _ in range(repeats)]
    return tuple(round(statistics.median(column), 2) for column in zip(*runs))


def ray_against_pool(n: int) -> dict:
    """n samples at 128x128: the local pool of 2 and Ray with 2 CPUs, and their ratio."""
    runs = {name: run_mode(n, 2, ray, (128, 128))
            for name, ray in ((f"local_2_128px_{n}", False), (f"ray_2_128px_{n}", True))}
    local, ray = runs.values()
    runs[f"ray_efficiency_vs_local_pool_2_{n}"] = round(
        ray["samples_per_min"] / local["samples_per_min"], 3)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12, help="accepted samples per mode")
    args = parser.parse_args()
    report = {name: run_mode(args.n, *mode) for name, mode in MODES.items()}
    single = report["local_1"]["samples_per_min"]
    report["scaling_efficiency_2_workers"] = round(
        report["local_2"]["samples_per_min"] / (2 * single), 3)
    report["ray_scaling_efficiency_2_cpus"] = round(
        report["ray_2"]["samples_per_min"] / (2 * single), 3)
    report["speedup_per_frame_vs_kubric"] = round(
        KUBRIC_S_PER_FRAME_CPU / report["local_1"]["cpu_s_per_frame"], 1)
    report.update(ray_against_pool(16))
    report["ray_import_s"], fixed = ray_fixed_s()
    report["ray_fixed_s"] = fixed
    local = report["local_2_128px_16"]["wall_s"]
    report["ray_efficiency_ceiling_16"] = round(local / (local + fixed), 3)
    report.update(ray_against_pool(64))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
