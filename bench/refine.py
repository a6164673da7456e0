"""Refiner pre- and post-processing cost per frame, printed as JSON.

    python -m bench.refine [--frames 72]

The work `refine_shot` does around the model, per shot frame, the model itself replaced by
the identity (median of REPEATS runs after one warm-up, which pays first-touch page faults):

- `fit`: temporal resampling to the model's 4k+1 frames, fitting the size to multiples of 16,
  then cropping back and restoring the shot's frame count, at 512x512 and at 500x500 (which
  needs padding). Target: <= 10 ms per frame.
- `shot`: the whole `refine_shot` on a 512x512 shot folder: decoding rgb.mp4, fitting, and
  writing refined.mp4 (H.264) and the refined PNGs, with its own timings split out.
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bridge import shot
from neural import frames as fr
from neural import refine as rf

REPEATS = 5


class Identity:
    """A backend with Wan's constraints that returns its frames: only the overhead remains."""

    name, default_model, frame_step, multiple, max_frames = "identity", "none", 4, 16, 81

    def refine(self, frames: np.ndarray, prompt: str, negative: str,
               options: rf.RefineOptions) -> np.ndarray:
        return frames


def _video(count: int, height: int, width: int) -> np.ndarray:
    """Moving ramps with grain: compresses like footage, not like noise or flat colour."""
    y, x = np.mgrid[:height, :width]
    grain = np.random.default_rng(0).integers(0, 16, (count, height, width, 3))
    ramps = np.stack([np.stack([(x * 3 + k) % 240, y % 240, ((x + y) // 2) % 240], -1)
                      for k in range(count)])
    return (ramps + grain).astype(np.uint8)


def _median_ms(run, count: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return round(1000 * statistics.median(times) / count, 2)


def fit_ms(video: np.ndarray, step: int = 4, multiple: int = 16) -> float:
    """Median ms per shot frame for fitting a shot to the model and mapping it back."""
    count = len(video)

    def run() -> None:
        timed = fr.resample_frames(video, fr.valid_count(count, step))
        fitted, fit = fr.fit_frames(timed, multiple)
        assert fr.restore_frames(fr.unfit_frames(fitted, fit), count).shape == video.shape

    return _median_ms(run, count)


def shot_ms(video: np.ndarray) -> dict:
    """refine_shot with the identity backend on a shot folder of `video`: ms per frame."""
    with tempfile.TemporaryDirectory(prefix="simshot-bench-") as tmp:
        folder = Path(tmp)
        rf.write_video(folder / shot.RGB, video, 24)
        shot.write_json(folder / shot.METADATA,
                        {"scene": {"fps": 24, "num_frames": len(video), "seed": 0}})
        (folder / shot.SCENE).write_text("name: bench\nstyle: {prompt: a ball}\n")
        parts = []

        def run() -> None:
            rf.refine_shot(folder, rf.RefineOptions(), backend=Identity())
            parts.append(shot.read_json(folder / shot.REPORT)["refine"]["timings_s"])

        total = _median_ms(run, len(video))
        split = {key: round(1000 * statistics.median(p[key] for p in parts[1:]) / len(video),
                            2) for key in ("read_s", "model_s", "write_s")}
    return {"total": total, "decode": split["read_s"], "fit_and_identity": split["model_s"],
            "encode_mp4_and_png": split["write_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=72)
    args = parser.parse_args()
    video = _video(args.frames, 512, 512)
    report = {"frames": args.frames, "target_fit_ms_per_frame": 10.0,
              "fit_ms_per_frame_512x512": fit_ms(video),
              "fit_ms_per_frame_500x500_padded": fit_ms(video[:, :500, :500]),
              "shot_ms_per_frame_512x512": shot_ms(video)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
