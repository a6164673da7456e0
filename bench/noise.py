"""Flow-warped noise benchmark, printed as JSON.

    python -m bench.noise [--repeats 7] [--frames 24]

warped_noise on 512x512 frames moving by a rotation of 1 degree, a 1% zoom and a 0.4 px pan
per frame (so there are holes, collisions and sub-pixel offsets), for 1 and 4 channels.
Reported: the median and the best ms per frame over the repeats (target: median <= 15 ms),
and the CPU ms per frame, which other load on the machine inflates less than wall time.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import numpy as np

from neural.noise import warped_noise

SIZE = 512
TARGET_MS = 15.0


def flows(frames: int) -> np.ndarray:
    """[frames-1, 512, 512, 2]: rotation, zoom and pan about the image centre."""
    rows, cols = np.indices((SIZE, SIZE), dtype=np.float64) + 0.5 - SIZE / 2
    c, s = np.cos(np.radians(1.0)), np.sin(np.radians(1.0))
    flow = np.stack([1.01 * (c * cols - s * rows) - cols + 0.4,
                     1.01 * (s * cols + c * rows) - rows], axis=-1).astype(np.float32)
    return np.repeat(flow[None], frames - 1, axis=0)


def measure(channels: int, frames: int, repeats: int) -> dict:
    moving = flows(frames)
    wall, cpu = [], []
    for seed in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        warped_noise(moving, channels, np.random.default_rng(seed))
        wall.append((time.perf_counter() - started) / frames * 1e3)
        cpu.append((time.process_time() - started_cpu) / frames * 1e3)
    return {"channels": channels, "ms_per_frame_512": round(statistics.median(wall), 2),
            "best_ms_per_frame_512": round(min(wall), 2),
            "cpu_ms_per_frame_512": round(statistics.median(cpu), 2),
            "meets_target": statistics.median(wall) <= TARGET_MS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--frames", type=int, default=24)
    args = parser.parse_args()
    report = {"frames": args.frames, "resolution": [SIZE, SIZE], "target_ms": TARGET_MS,
              "cpus": os.cpu_count(), "load_1min": round(os.getloadavg()[0], 2),
              "results": [measure(c, args.frames, args.repeats) for c in (1, 4)]}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
