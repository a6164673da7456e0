"""Refinement fidelity against the engine's labels, printed as JSON.

    python -m bench.refine_fidelity                      # tiny models on a rendered bench shot
    python -m bench.refine_fidelity SHOT_DIR ...         # measure what the folders hold
    python -m bench.refine_fidelity SHOT_DIR ... --backend wan --model ID|PATH [--strength S
        --steps N --guidance G --noise iid|warped --device cuda --dtype D --offload O
        --vae-tiling]

The figures are neural.fidelity's, for the coarse rgb.mp4 and for refined.mp4, plus
refined/coarse: temporal consistency (`warp_error`, lower is better) and structure kept
(`edge_agreement` with the segmentation, higher is better).

With no SHOT_DIR a small two-ball shot is rendered and refined by every backend's tiny,
randomly initialised pipeline (neural.testing): those figures only prove the code path. With
real weights on a GPU (`--backend`) they are the quality measures.
"""
from __future__ import annotations

import argparse
import json
import math
import shutil
import tempfile
import time
import typing
from pathlib import Path

from bridge import shot
from bridge.errors import UserError
from bridge.refine_options import BACKENDS, OPTIONS, flag, option_help
from neural import fidelity
from neural import refine as rf

TINY = {"steps": 4, "strength": 0.5, "guidance": 2.0}
BENCH_SCRIPT = """\
name: fidelity-bench
seed: 3
duration: 1.0
fps: 24
resolution: [128, 96]
bodies:
  - {name: ball, asset: tennis_ball, position: [-0.1, 0, 0.35]}
  - {name: red_ball, asset: ball, params: {radius: 0.05}, material: rubber,
     color: [0.85, 0.15, 0.1], position: [0.12, 0, 0.25]}
camera: {position: [0, -1.0, 0.3], look_at: [0, 0, 0.1]}
style: {prompt: "photoreal red ball falls", negative: "cartoon blurry"}
"""



def bench_tiny() -> dict:
    """Render the bench shot, refine a copy with each tiny pipeline, compare each."""
    from bridge.loader import load_scene
    from neural.testing import tiny_pipeline
    from simshot.pipeline import run_shot

    report: dict = {"note": "tiny random models: these figures only prove the code path",
                    "options": TINY}
    with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
        script, coarse = Path(tmp) / shot.SCENE, Path(tmp) / "coarse"
        script.write_text(BENCH_SCRIPT)
        started = time.perf_counter()
        run_shot(load_scene(script), coarse, page=False)
        meta = shot.read_json(coarse / shot.METADATA)["scene"]
        report["shot"] = {"frames": meta["num_frames"], "fps": meta["fps"],
                          "resolution": meta["resolution"],
                          "render_s": round(time.perf_counter() - started, 2)}
        for name in BACKENDS:
            copy = Path(tmp) / name
            shutil.copytree(coarse, copy)
            pipe = tiny_pipeline(name)
            started = time.perf_counter()
            rf.refine_shot(copy, rf.RefineOptions(**TINY), backend=name, pipeline=pipe)
            seconds = round(time.perf_counter() - started, 2)
            result = fidelity.compare(copy)
            report.setdefault("coarse", result.pop("coarse"))  # the same for every copy
            report[name] = {"refine_s": seconds, **result}
    return report


def _finite(value: object) -> object:
    """Floats to 4 significant digits, NaN and inf as null (the output is strict JSON)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, float):
        return float(f"{value:.4g}") if math.isfinite(value) else None
    return value


def add_refine_flags(parser: argparse.ArgumentParser) -> None:
    """`simshot refine`'s flags, from bridge.refine_options; unset: the script's section."""
    hints = typing.get_type_hints(rf.RefineOptions)  # the backend is a name: str
    for name, option in OPTIONS.items():
        kind = _value_type(hints.get(name, str))
        if kind is bool:
            parser.add_argument(flag(name), action="store_true", default=None,
                                help=option_help(name))
        else:
            parser.add_argument(flag(name), type=kind, choices=option.choices or None,
                                help=option_help(name))


def _value_type(hint: object) -> type:
    """The type a flag's value is parsed as: float -> float, str | None -> str."""
    return next((kind for kind in typing.get_args(hint) if kind is not type(None)), hint)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shots", nargs="*", type=Path, metavar="SHOT_DIR")
    add_refine_flags(parser)
    args = parser.parse_args()
    flags = {name: getattr(args, name) for name in OPTIONS}
    try:
        report = bench_tiny() if not args.shots else {
            str(folder): fidelity.refine_and_compare(folder, flags) for folder in args.shots}
    except UserError as err:
        parser.exit(2, f"error: {err}\n")
    print(json.dumps(_finite(report), indent=2))


if __name__ == "__main__":
    main()
