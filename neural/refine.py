"""SDEdit refinement of a shot folder: the Refiner interface, the backend registry, shot I/O.

`refine_shot` reads the coarse `rgb.mp4` and the script's `style`, fits the frames to the
backend's constraints (`neural.frames`: a step*k+1 frame count spanning the same time, sides
divisible by 16 by padding or resizing, overlapping windows cross-faded for long shots), runs
the backend, maps the result back to exactly the shot's frame count, size and fps, and writes

- `refined.mp4`: H.264, one frame per 1/fps tick, written to a temporary file then renamed;
- `refined/refined_00000.png ...`: the same frames, the folder swapped in whole;
- a `refine` section in `report.json` (options, model frame count and size, timings), the file
  rewritten atomically with its other keys kept.

The coarse shot (rgb.mp4 and every other artifact) is never modified.

`--noise warped` (strength > 0) reads the shot's flow pass (`flow/forward_flow_*.npy`, and
`backward_flow_*.npy` when present), fits it as the frames are fitted (`neural.frames`:
nearest-frame flows scaled by the frame-step ratio, same padding or resizing) and hands each
window's slice to the backend, which builds flow-warped noise from it (`neural.noise`). A
shot rendered without the flow pass is a UserError.

Strength 0 is SDEdit at t = 0: no denoising step runs, and the refined frames are the VAE
round trip of the coarse ones (the model's VAE is loaded; the transformer does no work).

A backend with a `control` attribute (structure control, Wan VACE) also gets control frames,
fitted and windowed as the frames: the depth pass or segmentation edges (`neural.control`),
the backend's own kind unless `RefineOptions.control` names one.

Options come from three places (`options_for`): the command line's flags win over the scene
script's `refine` section, which wins over the defaults. The defaults, the valid values and the
backend names are `bridge.refine_options`'s; backend `name` is the module `neural.<name>`, whose
`REFINER` is its Refiner class, imported only when that backend is asked for.

torch, diffusers and av are imported only inside functions, so importing this module is cheap.
"""
from __future__ import annotations

import importlib
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from bridge import shot
from bridge.errors import UserError
from bridge.refine_options import BACKENDS, DEFAULTS
from bridge.refine_schema import problems
from neural import frames as fr

REPORT_KEY = "refine"
PNG_COMPRESS_LEVEL = 1  # zlib level 1: 40% faster than the default 6 on photoreal frames

DEFAULT_BACKEND: str = DEFAULTS["backend"]
WINDOW_OVERLAP = 8  # frames cross-faded between neighbouring windows (model frames), after
# the next window's first latent group, which the overlap also covers


@dataclass
class RefineOptions:
    """What `simshot refine` takes, each option as bridge.refine_options.OPTIONS defines it
    (default, valid values, meaning); None stands for a default that depends on the backend
    (`model`, `control`) or the scene (`seed`)."""

    model: str | None = DEFAULTS["model"]
    strength: float = DEFAULTS["strength"]
    steps: int = DEFAULTS["steps"]
    guidance: float = DEFAULTS["guidance"]
    seed: int | None = DEFAULTS["seed"]
    dtype: str = DEFAULTS["dtype"]
    device: str = DEFAULTS["device"]
    offload: str = DEFAULTS["offload"]
    vae_tiling: bool = DEFAULTS["vae_tiling"]
    noise: str = DEFAULTS["noise"]
    window: int = DEFAULTS["window"]
    control: str | None = DEFAULTS["control"]

    def check(self) -> None:
        """Raise UserError on a value out of range (before anything heavy is loaded)."""
        found = problems(asdict(self))
        if not found and 0 < self.strength and int(self.steps * self.strength) < 1:
            found.append(f"--strength {self.strength} with --steps {self.steps} runs no "
                         "denoising step (strength * steps < 1); raise either")
        if found:
            raise UserError("; ".join(found))


@dataclass(frozen=True)
class ShotFlows:
    """A shot's optical flow fitted to the model frames, (dx, dy) pixels, float32."""

    forward: np.ndarray  # [F,H,W,2], frame k -> k+1 (the last one is unused)
    backward: np.ndarray | None  # [F,H,W,2], frame k -> k-1, or None (no occlusion check)

    def window(self, start: int, end: int) -> ShotFlows:
        back = None if self.backward is None else self.backward[start:end]
        return ShotFlows(self.forward[start:end], back)


class Refiner(Protocol):
    """A video model that repaints frames by SDEdit."""

    name: str
    default_model: str
    frame_step: int  # frame counts must be frame_step * k + 1
    multiple: int  # frame sides must be divisible by this
    max_frames: int  # the most frames one call takes (frame_step * k + 1)

    def refine(self, frames: np.ndarray, prompt: str, negative: str,
               options: RefineOptions, flows: ShotFlows | None = None) -> np.ndarray:
        """frames [F,H,W,3] uint8 (F, H, W within the constraints) -> refined [F,H,W,3] uint8.

        `flows` (the frames' own flow, same F, H, W) is passed only with options.noise
        "warped"; a backend without warped noise may leave the argument out.

        Optional: a backend with a class attribute `control` (structure control; its value is
        its default kind, e.g. "depth") is also passed `control=`, [F,H,W,3] uint8 control
        frames (`neural.control`: the depth pass or segmentation edges), resampled, fitted and
        windowed exactly as the frames; backends without the attribute never get it.
        """
        ...


def get_refiner(name: str, pipeline: object | None = None) -> Refiner:
    """Instantiate a backend of BACKENDS, importing its module neural.<name> only now."""
    if name not in BACKENDS:
        from bridge.suggest import closest

        hint = closest(name, list(BACKENDS))
        near = f" (did you mean {hint!r}?)" if hint else ""
        raise UserError(f"unknown refiner backend {name!r}{near}; valid backends: "
                        f"{', '.join(sorted(BACKENDS))}")
    return importlib.import_module(f"neural.{name}").REFINER(pipeline=pipeline)


def refine_shot(shot_dir: Path, options: RefineOptions, backend: str | Refiner = DEFAULT_BACKEND,
                pipeline: object | None = None) -> Path:
    """Refine the shot folder's rgb.mp4 into refined.mp4 (module doc); returns its path.

    `backend` is a name of BACKENDS, or a Refiner itself (benchmarks pass their own).
    `pipeline` hands a named backend a ready diffusers pipeline (tests pass tiny ones);
    without it the backend loads `options.model`.
    """
    started = time.perf_counter()
    options.check()
    shot_dir = Path(shot_dir)
    source = shot_dir / shot.RGB
    if not source.is_file():
        raise UserError(f"{shot_dir}: no {shot.RGB}; render the shot first (simshot render)")
    metadata = read_metadata(shot_dir)
    meta = metadata["scene"]
    fps, count = int(meta["fps"]), int(meta["num_frames"])
    prompt, negative = read_style(shot_dir / shot.SCENE)
    seed = int(meta.get("seed", 0)) if options.seed is None else options.seed
    run = RefineOptions(**{**asdict(options), "seed": seed})

    coarse = read_video(source)
    if len(coarse) != count:
        raise UserError(f"{source}: {len(coarse)} frames, {shot.METADATA} says {count}")
    flows = read_flows(shot_dir, count) if run.noise == "warped" and run.strength > 0 else None
    timings: dict[str, float] = {"read_s": time.perf_counter() - started}
    refiner = get_refiner(backend, pipeline) if isinstance(backend, str) else backend
    section: dict = {"backend": refiner.name}
    section["model"] = run.model or refiner.default_model
    control = None
    kind = control_kind(refiner, run)
    if kind is not None:
        from neural.control import control_frames

        control = control_frames(shot_dir, kind, count)
        section["control"] = kind
    tick = time.perf_counter()
    refined, info = _run_shots(refiner, coarse, prompt, negative, run, flows,
                               shot_ranges(metadata, count), control)
    timings["model_s"] = time.perf_counter() - tick
    section.update(info)

    tick = time.perf_counter()
    out = shot_dir / shot.REFINED
    write_outputs(shot_dir, refined, fps)
    timings["write_s"] = time.perf_counter() - tick
    timings["total_s"] = time.perf_counter() - started
    section.update(strength=run.strength, steps=run.steps, guidance=run.guidance, seed=seed,
                   noise=run.noise, dtype=run.dtype, device=run.device, offload=run.offload,
                   vae_tiling=run.vae_tiling, prompt=prompt, negative=negative,
                   num_frames=count, fps=fps, timings_s=timings)
    _update_report(shot_dir / shot.REPORT, section)
    return out


def control_kind(refiner: Refiner, options: RefineOptions) -> str | None:
    """The control pass a structure-controlled backend gets (None: the backend takes none);
    UserError when --control is given to a backend without structure control."""
    own = getattr(refiner, "control", None)
    if options.control is not None and own is None:
        controlled = [name for name in BACKENDS if name.endswith("_vace")]
        raise UserError(f"--control {options.control}: the {refiner.name} backend takes no "
                        f"control video; use --backend {', '.join(controlled)}")
    return options.control or own


def options_for(shot_dir: Path, flags: dict) -> tuple[RefineOptions, str]:
    """The options and backend for refining a shot: `flags` (the command line's, only those
    given) over the scene script's `refine` section over the defaults (module doc). The
    script is validated, so a bad section is reported at its file:line:col."""
    from bridge.loader import load_scene

    script = shot_dir / shot.SCENE
    if not script.is_file():
        raise UserError(f"{shot_dir}: no {shot.SCENE}; is this a shot folder?")
    given = {**load_scene(script).scene.refine.given(),
             **{k: v for k, v in flags.items() if v is not None}}
    backend = given.pop("backend", DEFAULT_BACKEND)
    options = RefineOptions(**given)
    options.check()
    return options, backend


def shot_ranges(metadata: dict, count: int) -> list[tuple[int, int]]:
    """[(first, end)) frame ranges of the video's camera shots; one range without cuts."""
    shots = metadata.get("shots") or []
    ranges = [(int(s["first_frame"]), int(s["last_frame"]) + 1) for s in shots
              if int(s["last_frame"]) >= int(s["first_frame"])]
    return ranges if len(ranges) > 1 else [(0, count)]


def _run_shots(refiner: Refiner, coarse: np.ndarray, prompt: str, negative: str,
               options: RefineOptions, flows: ShotFlows | None,
               ranges: list[tuple[int, int]], control: np.ndarray | None = None
               ) -> tuple[np.ndarray, dict]:
    """Each camera shot refined on its own, so no window, blend or noise crosses a cut; a
    shot shorter than the model's smallest clip keeps its coarse frames (and says so)."""
    if len(ranges) == 1:
        return _run_model(refiner, coarse, prompt, negative, options, flows, control)
    refined, per_shot = coarse.copy(), []
    for first, end in ranges:
        if end - first < refiner.frame_step + 1:
            per_shot.append({"frames": [first, end], "kept_coarse": True})
            continue
        part = None if flows is None else flows.window(first, end)
        cut = None if control is None else control[first:end]
        refined[first:end], info = _run_model(refiner, coarse[first:end], prompt, negative,
                                              options, part, cut)
        per_shot.append({"frames": [first, end], **info})
    return refined, {"shots": per_shot}


def _run_model(refiner: Refiner, coarse: np.ndarray, prompt: str, negative: str,
               options: RefineOptions, flows: ShotFlows | None = None,
               control: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Fit time and space (flows and control frames too, when given), refine window by
    window, cross-fade, and map back."""
    count = len(coarse)
    n_model = fr.valid_count(count, refiner.frame_step)
    window = options.window or refiner.max_frames
    window = min(fr.valid_count(window, refiner.frame_step), refiner.max_frames)
    window = max(window, 1 + refiner.frame_step)
    timed = fr.resample_frames(coarse, n_model)
    fitted, fit = fr.fit_frames(timed, refiner.multiple)
    lead = refiner.frame_step + 1  # the causal VAE's first latent group: faded in late
    overlap = min(WINDOW_OVERLAP + lead, window - 1)
    windows = fr.chunks(n_model, window, overlap)
    extra = {}  # per-window keyword arguments beyond the frames
    if flows is not None:
        def fit_field(field: np.ndarray) -> np.ndarray:
            return fr.fit_flows(fr.resample_flows(field, n_model), fit)

        back = None if flows.backward is None else fit_field(flows.backward)
        extra["flows"] = ShotFlows(fit_field(flows.forward), back)
    if control is not None:
        extra["control"] = fr.fit_frames(fr.resample_frames(control, n_model),
                                         refiner.multiple)[0]
    outs = [refiner.refine(fitted[a:b], prompt, negative, options,
                           **{key: value.window(a, b) if key == "flows" else value[a:b]
                              for key, value in extra.items()}) for a, b in windows]
    joined = outs[0] if len(outs) == 1 else fr.crossfade(outs, windows, n_model, lead)
    refined = fr.restore_frames(fr.unfit_frames(joined, fit), count)
    info = {"model_frames": n_model, "model_size": list(fit.model_size),
            "resized": fit.resized, "windows": [list(w) for w in windows]}
    return refined, info


# --- shot-folder I/O ---------------------------------------------------------------------


def read_metadata(shot_dir: Path) -> dict:
    """The shot's metadata.json; UserError when it is unreadable or lacks scene.num_frames."""
    try:
        metadata = shot.read_json(Path(shot_dir) / shot.METADATA)
    except (OSError, ValueError):
        metadata = None
    if not isinstance(metadata, dict) or "num_frames" not in (metadata.get("scene") or {}):
        raise UserError(f"{shot_dir}: no readable {shot.METADATA}; is this a shot folder?")
    return metadata


def read_style(scene_path: Path) -> tuple[str, str]:
    """The script's style.prompt (with the camera's depth-of-field hint) and style.negative,
    read plainly (no re-validation)."""
    from bridge.yamlio import load_document

    try:
        doc = load_document(scene_path)
    except OSError:
        raise UserError(f"{scene_path}: missing; is this a shot folder?") from None
    style = (doc.get("style") if isinstance(doc, dict) else None) or {}
    prompt = str(style.get("prompt", "") or "")
    camera = (doc.get("camera") if isinstance(doc, dict) else None) or {}
    if camera.get("depth_of_field") is True:  # the flag only ever reaches the prompt
        prompt = f"{prompt}, shallow depth of field" if prompt else "shallow depth of field"
    return prompt, str(style.get("negative", "") or "")


def read_flows(shot_dir: Path, count: int) -> ShotFlows:
    """The flow pass's forward flows (and backward ones when all are there) [count,H,W,2]."""
    paths = list(zip(shot.FORWARD_FLOW.paths(shot_dir, count),
                     shot.BACKWARD_FLOW.paths(shot_dir, count)))
    if not all(fwd.is_file() for fwd, _ in paths):
        raise UserError(f"{shot_dir}: --noise warped needs the flow pass; render with "
                        "--passes ...,flow")
    forward = np.stack([np.load(fwd) for fwd, _ in paths]).astype(np.float32)
    backward = None
    if all(back.is_file() for _, back in paths):
        backward = np.stack([np.load(back) for _, back in paths]).astype(np.float32)
    return ShotFlows(forward, backward)


def read_video(path: Path) -> np.ndarray:
    """Every frame of a video as RGB uint8 [F,H,W,3]."""
    import av

    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24")
                         for f in container.decode(container.streams.video[0])])


def write_video(path: Path, frames: np.ndarray, fps: int) -> None:
    """H.264 MP4 with the coarse video's settings (bridge.video), via a temporary file renamed
    into place."""
    from bridge.video import VideoWriter

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.mp4")
    try:
        with VideoWriter(tmp, frames.shape[2], frames.shape[1], fps) as writer:
            for rgb in frames:
                writer.write(rgb)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_outputs(shot_dir: Path, frames: np.ndarray, fps: int) -> None:
    """refined.mp4 and the refined PNGs, written side by side: the H.264 encoder and zlib
    both release the GIL, so threads use every core."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        video = pool.submit(write_video, shot_dir / shot.REFINED, frames, fps)
        write_pngs(shot_dir / shot.REFINED_FRAMES.folder, frames)
        video.result()


def write_pngs(folder: Path, frames: np.ndarray) -> None:
    """refined_00000.png ... written by a few threads into a staging folder that replaces
    `folder` whole."""
    from concurrent.futures import ThreadPoolExecutor

    from PIL import Image

    def save(i: int, tmp: Path) -> None:
        Image.fromarray(frames[i]).save(tmp / shot.REFINED_FRAMES.name(i),
                                        compress_level=PNG_COMPRESS_LEVEL)

    with shot.staging(folder) as tmp, ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        list(pool.map(save, range(len(frames)), [tmp] * len(frames)))


def _update_report(path: Path, section: dict) -> None:
    try:
        report = shot.read_json(path)
    except (OSError, ValueError):
        report = {}
    report[REPORT_KEY] = section
    shot.write_json(path, report)
