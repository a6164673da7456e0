"""What every diffusers video-to-video backend shares: loading and placement, one prompt
encoding per shot, the refine call and the frame conversion.

A backend subclasses `DiffusersRefiner` and supplies `_load` (its pipeline class),
`_embeddings` (its text encoding) and `_start` (the pipeline arguments that carry the video
or the pre-noised latents for a window); a backend with a `control` pass (neural.refine)
also overrides `_control` (the pipeline arguments for the window's control frames).

Strength 0 is SDEdit at t = 0: no denoising step runs and what remains is the VAE round trip
of the frames (`vae_round_trip`), the limit the output approaches as strength goes to 0.
Before loading, weights that are not on this machine are refused (`neural.weights`: nothing is
ever downloaded), then `neural.hardware.check_fits` refuses a large model with no GPU, or one
too big for the GPU without offloading. torch and diffusers are imported inside functions.
"""
from __future__ import annotations

import numpy as np

from bridge.errors import UserError
from neural.hardware import check_fits, gpu_advice, model_bytes, pipeline_bytes
from neural.refine import RefineOptions, ShotFlows
from neural.weights import hub_id, not_here, weights_folder


class DiffusersRefiner:
    """The refine loop around a diffusers video-to-video pipeline (see the module doc)."""

    name = ""
    default_model = ""
    frame_step = 4
    multiple = 16
    max_frames = 81
    hint = ""  # the default model's download size and memory needs, for error messages

    def __init__(self, pipeline: object | None = None):
        self._pipe = pipeline
        self._placed = False
        self._embeds: dict[tuple[str, str, bool], tuple] = {}

    def refine(self, frames: np.ndarray, prompt: str, negative: str,
               options: RefineOptions, flows: ShotFlows | None = None,
               control: np.ndarray | None = None) -> np.ndarray:
        """[F,H,W,3] uint8 frames within the constraints -> refined frames, same shape;
        `control` (a backend with a `control` pass only) as the frames, see `_control`."""
        import torch

        f, h, w = frames.shape[:3]
        if (f - 1) % self.frame_step or h % self.multiple or w % self.multiple:
            raise ValueError(f"frames {f}x{h}x{w} break the {self.name} constraints")
        if options.noise == "warped" and flows is None:
            raise UserError("--noise warped needs the flow pass; render with --passes ...,flow")
        pipe = self._pipeline(options)
        if options.strength == 0:
            with torch.inference_mode():
                return to_uint8(vae_round_trip(pipe, frames))
        embeds = self._encode(pipe, prompt, negative, options.guidance > 1.0, options)
        with torch.inference_mode():
            start = self._start(pipe, frames, options, flows, int(options.seed or 0),
                                embeds[0].dtype)
            out = pipe(**start, **self._conditioning(embeds, options),
                       **self._control(control, options), height=h, width=w,
                       guidance_scale=options.guidance, output_type="np").frames[0]
        if len(out) != f:
            raise ValueError(f"{self.name} returned {len(out)} frames for {f}")
        return to_uint8(out)

    def _conditioning(self, embeds: tuple, options: RefineOptions) -> dict:
        """The pipeline arguments for the prompt embeddings and the SDEdit strength."""
        positive, negative = embeds
        return {"prompt_embeds": positive, "negative_prompt_embeds": negative,
                "num_inference_steps": options.steps, "strength": options.strength}

    def _control(self, control: np.ndarray | None, options: RefineOptions) -> dict:
        """The pipeline arguments for the control frames (none: the backend takes none)."""
        if control is not None:
            raise ValueError(f"{self.name} takes no control frames")
        return {}

    def _load(self, model: str, dtype):
        """The backend's pipeline from `model` (a hub id or folder) through
        neural.weights.load_weights, or UserError."""
        raise NotImplementedError

    def _embeddings(self, pipe, prompt: str, negative: str, guided: bool, device) -> tuple:
        """The prompt embeddings first, then whatever else `_conditioning` needs."""
        raise NotImplementedError

    def _start(self, pipe, frames: np.ndarray, options: RefineOptions,
               flows: ShotFlows | None, seed: int, dtype) -> dict:
        """The pipeline arguments for one window: the video (built-in SDEdit noise) or
        pre-noised latents, and the generator."""
        raise NotImplementedError

    def _pipeline(self, options: RefineOptions):
        if not self._placed:
            if self._pipe is None:
                self._pipe = self._load_here(options)
            else:  # a pipeline handed over is sized by its tensors
                self._check_fits(options, pipeline_bytes(self._pipe))
            place(self._pipe, options)
            self._placed = True
        return self._pipe

    def _load_here(self, options: RefineOptions):
        """The pipeline from the weights on this machine, once they are known to fit; when
        they are not here, that is said first and GPU advice second (neural.weights)."""
        model, dtype = options.model or self.default_model, dtype_of(options)
        folder = weights_folder(model)
        if folder is None:
            raise UserError(not_here(model, self.default_model, self.hint)
                            + gpu_advice(options, device_of(options)))
        self._check_fits(options, model_bytes(folder, dtype.itemsize))
        return self._load(model, dtype)

    def _check_fits(self, options: RefineOptions, size: int | None) -> None:
        model = options.model or self.default_model
        check_fits(model, size, options, device_of(options), hub_id(model, self.default_model),
                   self.hint)

    def _encode(self, pipe, prompt: str, negative: str, guided: bool, options: RefineOptions):
        """Once per shot: the text encoder is the largest memory cost, so afterwards it
        leaves the GPU (with offloading, diffusers' hooks already keep it off)."""
        key = (prompt, negative, guided)
        if key not in self._embeds:
            import torch

            device = device_of(options)
            with torch.inference_mode():
                self._embeds[key] = self._embeddings(pipe, prompt, negative, guided, device)
            if options.offload == "none" and device.type != "cpu":
                pipe.text_encoder.to("cpu")
        return self._embeds[key]


def rebuilt_as(cls, pipe, **extra):
    """`pipe`'s components in a pipeline of class `cls` (a subclass of its own), progress
    bar off; `pipe` itself when it is None or already one."""
    if pipe is None or type(pipe).__name__ == cls.__name__:
        return pipe
    rebuilt = cls(**pipe.components, **extra)
    rebuilt.set_progress_bar_config(disable=True)
    return rebuilt


def to_uint8(frames) -> np.ndarray:
    """Frames in [0, 1] (numpy or a list) -> uint8, rounded."""
    return np.clip(np.rint(np.asarray(frames, np.float32) * 255), 0, 255).astype(np.uint8)


def vae_round_trip(pipe, frames: np.ndarray) -> np.ndarray:
    """The frames [F,H,W,3] uint8 through the pipeline's own video preprocessing, its VAE
    (the posterior's mode, decoded) and postprocessing: [F,H,W,3] floats in [0, 1]. A
    timestep-conditioned VAE (LTX-Video 0.9.1+) decodes at timestep 0, the clean latents."""
    import torch
    from PIL import Image

    h, w = frames.shape[1:3]
    vae = pipe.vae
    video = pipe.video_processor.preprocess_video(
        [Image.fromarray(frame) for frame in frames], height=h, width=w
    ).to(pipe._execution_device, dtype=vae.dtype)
    latents = vae.encode(video).latent_dist.mode()
    extra = {}
    if getattr(vae.config, "timestep_conditioning", False):
        extra["temb"] = torch.zeros(1, device=latents.device, dtype=latents.dtype)
    decoded = vae.decode(latents, **extra).sample
    return pipe.video_processor.postprocess_video(decoded, output_type="np")[0]


def warped_latents(flows: ShotFlows, seed: int, shape: tuple[int, ...]):
    """Flow-warped noise for latents of `shape` [1, C, F', H', W'], as float32 torch."""
    from neural.noise import latent_noise, to_torch

    _, channels, lat_frames, lat_h, lat_w = shape
    noise = latent_noise(flows.forward, (lat_frames, channels, lat_h, lat_w),
                         np.random.default_rng(seed), backward_flows=flows.backward,
                         frames=len(flows.forward))  # [F', C, H', W']
    return to_torch(np.moveaxis(noise, 1, 0)[None])  # float32, the pipelines' latents dtype


def device_of(options: RefineOptions):
    import torch

    if options.device != "auto":
        return torch.device(options.device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def dtype_of(options: RefineOptions):
    import torch

    if options.dtype == "auto":
        return torch.bfloat16 if device_of(options).type == "cuda" else torch.float32
    return getattr(torch, options.dtype)


def place(pipe, options: RefineOptions) -> None:
    """Move the pipeline to the device or install diffusers' offloading hooks."""
    device = device_of(options)
    if options.vae_tiling:
        pipe.vae.enable_tiling()
    if options.offload == "none" or device.type == "cpu":
        pipe.to(device)
    elif options.offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif options.offload == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)
    else:  # group: block-level groups streamed to the GPU
        pipe.enable_group_offload(onload_device=device, offload_type="block_level",
                                  num_blocks_per_group=1)
