"""The Wan 2.1 VACE backend: structure-controlled SDEdit through diffusers' WanVACEPipeline.

The control video is the shot's depth pass (`neural.control.depth_frames`: near bright, sky
0, normalised over the shot), or with `--control edges` its segmentation edges
(`neural.control.edge_frames`: white silhouettes on black), fitted and windowed exactly as the
frames (the refiner's `control = "depth"` is its default kind; neural.refine reads the pass);
it goes to the pipeline as `video=` with no mask (all of it "reactive"), at
`conditioning_scale` CONDITIONING_SCALE.

The SDEdit start, as neural.ltx does it but on the pipeline's own scheduler schedule:

- the full schedule is the scheduler's own `set_timesteps(steps)` (with its shift), and its
  last n = round(strength * steps) steps (at least 1) are kept (`sdedit_count`);
- the coarse frames are VAE-encoded (the posterior's mode) and normalised exactly as
  neural.wan.prenoised_latents does (`neural.wan.normalised_latents`);
- they are noised to the first kept timestep by the scheduler's own `scale_noise` (or
  `add_noise`) with the truncated schedule set, i.e. at the very sigma the sampler starts
  from. Noise: `--noise iid` is randn from a CPU torch.Generator seeded with the options'
  seed; `--noise warped` is flow-warped (neural.diffusers_backend.warped_latents).

WanVACEPipeline.__call__ (diffusers 0.42) takes no `timesteps`: it calls
`scheduler.set_timesteps(num_inference_steps)` and loops over `scheduler.timesteps`, and its
prepare_latents keeps given `latents`. So the pipeline used is `SDEditWanVACEPipeline`, a
subclass whose `__call__` takes `timesteps=` (the kept tail of the full schedule): for the
duration of the call the scheduler's set_timesteps sets the full schedule and then cuts its
`timesteps` and `sigmas` to that tail (`truncate_schedule`), so the sampler runs exactly the
kept steps from the selected sigma (a multistep scheduler sees an n-step schedule). Nothing
else changes. Prompts are encoded once per refiner as neural.wan does (same UMT5 encoder).
"""
from __future__ import annotations

import numpy as np

from neural.diffusers_backend import rebuilt_as, warped_latents
from neural.refine import RefineOptions, ShotFlows
from neural.wan import WanRefiner, from_folder, latent_shape, normalised_latents
from neural.weights import load_weights

DEFAULT_MODEL = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"
CONDITIONING_SCALE = 1.0
DOWNLOAD_HINT = (
    "about 30 GB on disk (approximate: mostly the UMT5-XXL text encoder; the 1.3B VACE "
    "transformer is about 7 GB); it needs about 10 GB of GPU memory at 480p with --offload "
    "model, and 20+ GB without offloading")


def sdedit_pipeline_class():
    """WanVACEPipeline whose __call__ also takes `timesteps=` (see the module doc)."""
    from diffusers import WanVACEPipeline

    class SDEditWanVACEPipeline(WanVACEPipeline):
        """WanVACEPipeline that runs only the given tail `timesteps` of its schedule."""

        def __call__(self, *args, timesteps=None, **kwargs):
            if timesteps is None:
                return super().__call__(*args, **kwargs)
            scheduler = self.scheduler
            full = scheduler.set_timesteps

            def truncated(num_inference_steps=None, device=None, **kw):
                full(num_inference_steps, device=device, **kw)
                truncate_schedule(scheduler, timesteps)

            scheduler.set_timesteps = truncated
            try:
                return super().__call__(*args, **kwargs)
            finally:
                del scheduler.set_timesteps  # the instance attribute; the method is back

    return SDEditWanVACEPipeline


class WanVACERefiner(WanRefiner):
    """Wan 2.1 VACE weights: depth-controlled SDEdit (see the module doc)."""

    name = "wan_vace"
    default_model = DEFAULT_MODEL
    hint = DOWNLOAD_HINT
    frame_step = 4
    multiple = 16
    max_frames = 81
    control = "depth"  # neural.refine passes the fitted depth frames as `control=`

    def __init__(self, pipeline: object | None = None):
        extra = {} if pipeline is None else {"boundary_ratio": pipeline.config.boundary_ratio}
        super().__init__(rebuilt_as(sdedit_pipeline_class(), pipeline, **extra))

    def _conditioning(self, embeds: tuple, options: RefineOptions) -> dict:
        # the SDEdit start is in the latents and the truncated timesteps (`_start`)
        positive, negative = embeds
        return {"prompt_embeds": positive, "negative_prompt_embeds": negative,
                "num_inference_steps": options.steps}

    def _control(self, control: np.ndarray | None, options: RefineOptions) -> dict:
        from PIL import Image

        if control is None:
            raise ValueError("wan_vace needs the control frames (depth or edges)")
        return {"video": [Image.fromarray(frame) for frame in control],
                "conditioning_scale": CONDITIONING_SCALE}

    def _load(self, model: str, dtype):
        return load_pipeline(model, dtype)

    def _start(self, pipe, frames: np.ndarray, options: RefineOptions,
               flows: ShotFlows | None, seed: int, dtype) -> dict:
        import torch

        f, h, w = frames.shape[:3]
        shape = latent_shape(pipe, f, h, w)
        if options.noise == "warped":
            noise = warped_latents(flows, seed, shape)
        else:
            noise = torch.randn(shape, generator=torch.Generator(device="cpu").manual_seed(seed))
        timesteps = sdedit_timesteps(pipe.scheduler, options.strength, options.steps)
        return {"latents": prenoised_latents(pipe, frames, options.steps, timesteps, noise),
                "timesteps": timesteps, "num_frames": f,
                "generator": torch.Generator(device="cpu").manual_seed(seed)}


REFINER = WanVACERefiner  # what neural.refine.get_refiner instantiates for this backend


def sdedit_count(strength: float, steps: int) -> int:
    """How many of the `steps` steps SDEdit runs: round(strength * steps), at least 1 (as
    neural.ltx.sdedit_timesteps)."""
    return min(steps, max(1, round(strength * steps)))


def sdedit_timesteps(scheduler, strength: float, steps: int) -> list[float]:
    """The last `sdedit_count` timesteps of the scheduler's own `steps`-step schedule."""
    scheduler.set_timesteps(steps)
    return [float(t) for t in scheduler.timesteps[steps - sdedit_count(strength, steps):]]


def truncate_schedule(scheduler, timesteps: list[float]) -> None:
    """Cut the scheduler's freshly set full schedule to its tail `timesteps` (timesteps and
    sigmas alike, step and begin index reset); ValueError when they are not its tail."""
    import torch

    start = len(scheduler.timesteps) - len(timesteps)
    tail = scheduler.timesteps[start:]
    if start < 0 or not torch.allclose(tail.float().cpu(), torch.tensor(timesteps)):
        raise ValueError(f"timesteps {timesteps} are not the tail of the scheduler's schedule")
    scheduler.timesteps = tail
    scheduler.sigmas = scheduler.sigmas[start:]
    scheduler._step_index = None
    scheduler._begin_index = None


def prenoised_latents(pipe, frames: np.ndarray, steps: int, timesteps: list[float], noise):
    """The SDEdit start: the frames' normalised latents (as neural.wan) noised to
    timesteps[0] (the tail of the scheduler's `steps`-step schedule) by the scheduler's own
    scale_noise / add_noise with the truncated schedule set, float32 [1, C, F', H', W']. noise shaped like `neural.wan.latent_shape`."""
    import torch
    from PIL import Image

    f, h, w = frames.shape[:3]
    shape = latent_shape(pipe, f, h, w)
    if tuple(noise.shape) != shape:
        raise ValueError(f"noise shape {tuple(noise.shape)} is not the latents' {shape}")
    device = pipe._execution_device
    video = pipe.video_processor.preprocess_video(
        [Image.fromarray(frame) for frame in frames], height=h, width=w
    ).to(device, dtype=torch.float32)
    init = normalised_latents(pipe, video)
    scheduler = pipe.scheduler
    scheduler.set_timesteps(steps, device=device)
    truncate_schedule(scheduler, timesteps)
    first = scheduler.timesteps[:1]
    noise = noise.to(device=device, dtype=torch.float32)
    if hasattr(scheduler, "scale_noise"):
        return scheduler.scale_noise(init, first, noise)
    return scheduler.add_noise(init, noise, first)


def load_pipeline(model: str, dtype):
    """SDEditWanVACEPipeline from the weights on this machine (the VAE in float32, as
    neural.wan); UserError when they are missing."""
    return load_weights(model, DEFAULT_MODEL, DOWNLOAD_HINT,
                        lambda folder: from_folder(sdedit_pipeline_class(), folder, dtype))
