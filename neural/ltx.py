"""The LTX-Video backend: diffusers' LTXConditionPipeline run as true SDEdit.

Constraints: 8k+1 frames (the VAE compresses time 8x, keeping the first frame), sides
divisible by 32 (VAE 32x), at most 121 frames per call (the pipeline's default length).

Why not the pipeline's own video-to-video: its `denoise_strength` truncates its default
linear-quadratic schedule, whose first half only goes from sigma 1 to 0.975, so at any
strength up to about 0.5 the video is re-noised to sigma >= 0.975 and barely kept. Here
SDEdit starts at t = strength instead:

- the full schedule for `steps` is the flow-matching grid sigma_i = 1 - i/steps (timesteps
  1000 * sigma, as LTXPipeline builds it), and its last n = round(strength * steps) steps (at
  least 1) are kept: the first is t0 = n/steps, strength rounded to the step grid;
- the fitted frames are VAE-encoded (the posterior's mode) and normalised with the pipeline's
  own `_normalize_latents` (latents_mean / latents_std and the VAE's scaling_factor, the exact
  inverse of what the pipeline applies before decoding);
- they are noised to t0 by the scheduler's own `scale_noise` after `set_timesteps` with the
  truncated timesteps, i.e. at the very sigma the sampler starts from (x = (1 - s) x0 + s n);
- the pipeline is called with `latents=` those [B, C, F', H', W'] latents (it packs them into
  tokens itself), `timesteps=` the truncated list, no conditions and denoise_strength 1, so
  its own sampler runs only the truncated schedule.

LTXConditionPipeline.prepare_latents discards given latents unless denoise_strength < 1 (it
then mixes in noise of its own), so the pipeline used is `SDEditLTXPipeline`, a subclass that
keeps given latents as they are (the mix with sigma 0) and changes nothing else.

Noise: `--noise iid` is randn from a CPU torch.Generator seeded with the options' seed (the
same on every device); `--noise warped` is `neural.noise.latent_noise` from the window's
fitted flow, area-downsampled 32x and reduced to the latent frames by "pick" (latent frame j
is the noise of model frame 8j, exactly N(0, 1)). Prompts are encoded once per refiner by the
pipeline's own `encode_prompt` (T5, with attention masks); afterwards, without offloading, the
text encoder leaves the GPU (neural.diffusers_backend).
"""
from __future__ import annotations

import numpy as np

from neural.diffusers_backend import DiffusersRefiner, rebuilt_as, warped_latents
from neural.refine import RefineOptions, ShotFlows
from neural.weights import load_weights

DEFAULT_MODEL = "Lightricks/LTX-Video-0.9.7-dev"
MAX_SEQUENCE_LENGTH = 128
DOWNLOAD_HINT = (
    "roughly 40+ GB on disk (approximate: the 13B transformer is about 26 GB in bfloat16 and "
    "the T5-XXL text encoder about 9.5 GB); it needs a large GPU, or --offload model / "
    "sequential and --vae-tiling")


def sdedit_pipeline_class():
    """LTXConditionPipeline, except that given `latents` are kept as they are."""
    import torch
    from diffusers import LTXConditionPipeline

    class SDEditLTXPipeline(LTXConditionPipeline):
        """LTXConditionPipeline whose prepare_latents keeps pre-noised `latents`."""

        def prepare_latents(self, *args, sigma=None, latents=None, **kwargs):
            if latents is not None and sigma is None:
                # the parent would replace them by fresh noise; mixed at sigma 0 they stay
                sigma = torch.zeros(())
            return super().prepare_latents(*args, sigma=sigma, latents=latents, **kwargs)

    return SDEditLTXPipeline


class LTXRefiner(DiffusersRefiner):
    """LTX-Video weights used video-to-video by true SDEdit (see the module doc)."""

    name = "ltx"
    default_model = DEFAULT_MODEL
    hint = DOWNLOAD_HINT
    frame_step = 8
    multiple = 32
    max_frames = 121

    def __init__(self, pipeline: object | None = None):
        super().__init__(rebuilt_as(sdedit_pipeline_class(), pipeline))

    def _conditioning(self, embeds: tuple, options: RefineOptions) -> dict:
        # The SDEdit start is in the latents and the truncated timesteps (`_start`): the
        # pipeline takes no strength, and denoise_strength 1 keeps the latents as given.
        positive, mask, negative, negative_mask = embeds
        return {"prompt_embeds": positive, "prompt_attention_mask": mask,
                "negative_prompt_embeds": negative, "negative_prompt_attention_mask": negative_mask}

    def _load(self, model: str, dtype):
        return load_pipeline(model, dtype)

    def _embeddings(self, pipe, prompt: str, negative: str, guided: bool, device) -> tuple:
        return pipe.encode_prompt(prompt, negative, do_classifier_free_guidance=guided,
                                  max_sequence_length=MAX_SEQUENCE_LENGTH, device=device)

    def _start(self, pipe, frames: np.ndarray, options: RefineOptions,
               flows: ShotFlows | None, seed: int, dtype) -> dict:
        import torch

        f, h, w = frames.shape[:3]
        if options.noise == "warped":
            noise = warped_latent_noise(pipe, flows, seed)
        else:
            noise = torch.randn(latent_shape(pipe, f, h, w),
                                generator=torch.Generator(device="cpu").manual_seed(seed))
        timesteps = sdedit_timesteps(options.strength, options.steps)
        return {"latents": prenoised_latents(pipe, frames, timesteps, noise),
                "timesteps": timesteps, "num_frames": f,
                "generator": torch.Generator(device="cpu").manual_seed(seed)}


REFINER = LTXRefiner  # what neural.refine.get_refiner instantiates for this backend


def sdedit_timesteps(strength: float, steps: int) -> list[float]:
    """The last round(strength * steps) (at least 1) timesteps of the `steps`-step
    flow-matching schedule 1000 * (1 - i/steps): SDEdit from t0 = n/steps."""
    count = min(steps, max(1, round(strength * steps)))
    return [1000.0 * (count - i) / steps for i in range(count)]


def latent_shape(pipe, frames: int, height: int, width: int) -> tuple[int, int, int, int, int]:
    """The pipeline's unpacked latent shape [1, C, F', H', W'] for frames of that size."""
    return (1, pipe.transformer.config.in_channels,
            (frames - 1) // pipe.vae_temporal_compression_ratio + 1,
            height // pipe.vae_spatial_compression_ratio,
            width // pipe.vae_spatial_compression_ratio)


def warped_latent_noise(pipe, flows: ShotFlows, seed: int):
    """Flow-warped noise shaped like the pipeline's latents [1, C, F', H', W'], float32."""
    frames, height, width = flows.forward.shape[:3]
    return warped_latents(flows, seed, latent_shape(pipe, frames, height, width))


def encode_frames(pipe, frames: np.ndarray):
    """The frames' normalised latents [1, C, F', H', W'], float32: the VAE posterior's mode,
    normalised by the pipeline's `_normalize_latents` with the VAE's scaling_factor (the
    inverse of its `_denormalize_latents` before decoding)."""
    import torch
    from diffusers.pipelines.ltx.pipeline_ltx_condition import retrieve_latents
    from PIL import Image

    h, w = frames.shape[1:3]
    device = pipe._execution_device
    video = pipe.video_processor.preprocess_video(
        [Image.fromarray(frame) for frame in frames], h, w).to(device, dtype=pipe.vae.dtype)
    init = retrieve_latents(pipe.vae.encode(video), sample_mode="argmax")
    return pipe._normalize_latents(init, pipe.vae.latents_mean, pipe.vae.latents_std,
                                   pipe.vae.config.scaling_factor).to(torch.float32)


def prenoised_latents(pipe, frames: np.ndarray, timesteps: list[float], noise):
    """The SDEdit start: the frames' normalised latents noised to timesteps[0] by the
    scheduler's own scale_noise (after set_timesteps with `timesteps`, as the pipeline calls
    it), float32 [1, C, F', H', W']. noise shaped like `latent_shape`."""
    import torch

    f, h, w = frames.shape[:3]
    shape = latent_shape(pipe, f, h, w)
    if tuple(noise.shape) != shape:
        raise ValueError(f"noise shape {tuple(noise.shape)} is not the latents' {shape}")
    init = encode_frames(pipe, frames)
    device = init.device
    scheduler = pipe.scheduler
    scheduler.set_timesteps(timesteps=timesteps, device=device)
    first = scheduler.timesteps[:1]
    noise = noise.to(device=device, dtype=torch.float32)
    if hasattr(scheduler, "scale_noise"):
        return scheduler.scale_noise(init, first, noise)
    sigma = float(scheduler.sigmas[0])
    return (1.0 - sigma) * init + sigma * noise


def load_pipeline(model: str, dtype):
    """SDEditLTXPipeline from the weights on this machine (neural.weights); UserError when
    they are missing."""
    return load_weights(model, DEFAULT_MODEL, DOWNLOAD_HINT, lambda folder:
                        sdedit_pipeline_class().from_pretrained(folder, torch_dtype=dtype))
