"""Refiner pre- and post-processing cost per frame, printed as JSON.

    python -m bench.refine [--frames 72]

The work `refine_shot` does around the model for one shot at 512x512 (and a size that needs
padding, 500x500): temporal resampling to the model's 4k+1 frames, fitting the size to
multiples of 16, then cropping back and restoring the shot's frame count; the model itself is
not run. Target: <= 10 ms per frame. Median of 5 runs.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from neural import frames as fr

REPEATS = 5


def overhead_ms(count: int, height: int, width: int, step: int = 4, multiple: int = 16
                ) -> float:
    """Median ms per shot frame for fitting a shot to the model and mapping it back."""
    video = np.random.default_rng(0).integers(0, 256, (count, height, width, 3), np.uint8)
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        timed = fr.resample_frames(video, fr.valid_count(count, step))
        fitted, fit = fr.fit_frames(timed, multiple)
        restored = fr.restore_frames(fr.unfit_frames(fitted, fit), count)
        runs.append(time.perf_counter() - started)
        assert restored.shape == video.shape
    return round(1000 * statistics.median(runs) / count, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=72)
    args = parser.parse_args()
    report = {"frames": args.frames, "target_ms_per_frame": 10.0,
              "ms_per_frame_512x512": overhead_ms(args.frames, 512, 512),
              "ms_per_frame_500x500_padded": overhead_ms(args.frames, 500, 500)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
