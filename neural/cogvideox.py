"""The CogVideoX backend: diffusers' own CogVideoXVideoToVideoPipeline, whose `strength` is
SDEdit.

Constraints: 8k+1 frames, sides divisible by 16 (VAE 8x, patch 2), at most 49 frames per call
(the model's training length). The VAE compresses time 4x keeping the first frame, so 4k+1
frames encode to k+1 latent frames, but its decoder works on pairs of latent frames (the
first group takes the odd one out): an odd latent count L decodes to 4(L-1)+1 frames, an even
one to 4L. Only 8k+1 frames (2k+1 latent frames) come back at the count that went in.

Prompts are encoded once per refiner (so once per shot, whatever the number of windows) by
the pipeline's own `encode_prompt` (T5, padded to the transformer's max_text_seq_length, 226
for the released models; it needs no text cleaning, so nothing beyond transformers) and passed
as prompt_embeds / negative_prompt_embeds. Afterwards, without offloading, the text encoder
(T5-XXL, about 9.5 GB in 16-bit) is moved to the CPU so that the GPU holds only the
transformer and the VAE while denoising; with offloading, diffusers' hooks already keep it off
the GPU. Every component runs in the one --dtype: the pipeline feeds the VAE in the prompt
embeddings' dtype.

Noise. One CPU torch.Generator seeded with the options' seed is the pipeline's generator: it
samples the VAE posterior (the pipeline's `retrieve_latents` samples, it does not take the
mode), draws the SDEdit noise, and feeds any sampler that draws while denoising
(CogVideoXDPMScheduler; CogVideoXDDIMScheduler, the released models' default, draws nothing).
`--noise iid` is diffusers' own SDEdit with that generator. `--noise warped`: the flow-warped
noise of the Wan backend (`neural.wan.warped_latent_noise`: 8x area-downsampled, latent frame
j = model frame 4j, exactly N(0, 1)) in CogVideoX's [B, F, C, H, W] layout, injected through
pre-noised latents: `prenoised_latents` repeats the pipeline's own first step (timesteps for
`strength` from its own `retrieve_timesteps` and `get_timesteps`, VAE encode and posterior
sample with the generator, times the VAE's scaling_factor, the scheduler's add_noise) with
the given noise, advances the generator past the draw it replaces, and the pipeline is then
called with `latents=`, the same generator, strength and steps. Given the noise the pipeline
itself would draw, this reproduces the built-in SDEdit output exactly (bitwise on CPU, with
either scheduler; tests/test_neural_cogvideox.py).
"""
from __future__ import annotations

import numpy as np

from neural import wan
from neural.diffusers_backend import DiffusersRefiner
from neural.refine import RefineOptions, ShotFlows
from neural.weights import load_weights

DEFAULT_MODEL = "THUDM/CogVideoX-2b"
DOWNLOAD_HINT = (
    "about 13 GB on disk (mostly the T5-XXL text encoder, about 9.5 GB; the 2B transformer is "
    "about 3.4 GB); at its native 720x480, 49 frames it needs roughly 18 GB of GPU memory "
    "without offloading, much less with --offload model and --vae-tiling")


class CogVideoXRefiner(DiffusersRefiner):
    """CogVideoX 1.0 text-to-video weights used video-to-video (SDEdit) through diffusers."""

    name = "cogvideox"
    default_model = DEFAULT_MODEL
    hint = DOWNLOAD_HINT
    frame_step = 8
    multiple = 16
    max_frames = 49

    def _load(self, model: str, dtype):
        return load_pipeline(model, dtype)

    def _embeddings(self, pipe, prompt: str, negative: str, guided: bool, device) -> tuple:
        return pipe.encode_prompt(prompt, negative, do_classifier_free_guidance=guided,
                                  max_sequence_length=pipe.transformer.config.max_text_seq_length,
                                  device=device)

    def _start(self, pipe, frames: np.ndarray, options: RefineOptions,
               flows: ShotFlows | None, seed: int, dtype) -> dict:
        import torch
        from PIL import Image

        # One generator for both: the pipeline also samples the VAE posterior (and a DPM
        # scheduler keeps drawing while denoising).
        generator = torch.Generator(device="cpu").manual_seed(seed)
        if options.noise == "warped":
            noise = warped_latent_noise(pipe, flows, seed)
            return {"latents": prenoised_latents(pipe, frames, options.strength, options.steps,
                                                 noise, generator, dtype),
                    "generator": generator}
        return {"video": [Image.fromarray(frame) for frame in frames], "generator": generator}


REFINER = CogVideoXRefiner  # what neural.refine.get_refiner instantiates for this backend


def latent_shape(pipe, frames: int, height: int, width: int) -> tuple[int, int, int, int, int]:
    """The pipeline's latent shape [1, F', C, H', W'] for frames of that count and size."""
    _, channels, lat_frames, lat_h, lat_w = wan.latent_shape(pipe, frames, height, width)
    return (1, lat_frames, channels, lat_h, lat_w)


def warped_latent_noise(pipe, flows: ShotFlows, seed: int):
    """The Wan backend's flow-warped noise in CogVideoX's latent layout [1, F', C, H', W']."""
    return wan.warped_latent_noise(pipe, flows, seed).permute(0, 2, 1, 3, 4).contiguous()


def prenoised_latents(pipe, frames: np.ndarray, strength: float, steps: int, noise,
                      generator, dtype):
    """The pipeline's own SDEdit starting latents, noised with `noise` instead of its draw.

    Repeats CogVideoXVideoToVideoPipeline.__call__ steps 4-5 (diffusers 0.42) with the
    pipeline's own pieces: the timesteps for `strength` (retrieve_timesteps, then its
    get_timesteps), preprocess_video, and prepare_latents with latents=None: the VAE encode
    with the posterior sampled by `generator`, [B, C, F, H, W] -> [B, F, C, H, W], times the
    VAE's scaling_factor, and the scheduler's add_noise at the first timestep, with `noise`
    where it draws randn. `generator` is then advanced past that draw, so that a sampler
    drawing during denoising continues as in the built-in run. frames [F,H,W,3] uint8
    (already fitted); noise shaped like `latent_shape`; dtype the prompt embeddings' (the
    pipeline's latents dtype). Pass the result as `latents=` with the same generator,
    strength and steps (and no `video`); the pipeline then multiplies it by the scheduler's
    init_noise_sigma as it does its own.
    """
    import torch
    from diffusers.pipelines.cogvideo import pipeline_cogvideox_video2video as cog_v2v
    from diffusers.utils.torch_utils import randn_tensor
    from PIL import Image

    h, w = frames.shape[1:3]
    device = pipe._execution_device
    timestep_device = "cpu" if cog_v2v.XLA_AVAILABLE else device
    timesteps, count = cog_v2v.retrieve_timesteps(pipe.scheduler, steps, timestep_device)
    timesteps, _ = pipe.get_timesteps(count, timesteps, strength, device)
    latent_timestep = timesteps[:1].repeat(1)
    video = pipe.video_processor.preprocess_video(
        [Image.fromarray(frame) for frame in frames], height=h, width=w
    ).to(device=device, dtype=dtype)
    shape = latent_shape(pipe, len(frames), h, w)
    if tuple(noise.shape) != shape:
        raise ValueError(f"noise shape {tuple(noise.shape)} is not the latents' {shape}")
    init = [cog_v2v.retrieve_latents(pipe.vae.encode(vid.unsqueeze(0)), generator)
            for vid in video]
    init = torch.cat(init, dim=0).to(dtype).permute(0, 2, 1, 3, 4)  # [B, F, C, H, W]
    init = pipe.vae_scaling_factor_image * init
    randn_tensor(shape, generator=generator, device=device, dtype=dtype)  # the draw replaced
    return pipe.scheduler.add_noise(init, noise.to(device=device, dtype=dtype),
                                    latent_timestep)


def load_pipeline(model: str, dtype):
    """CogVideoXVideoToVideoPipeline from the weights on this machine (neural.weights);
    UserError when they are missing."""
    from diffusers import CogVideoXVideoToVideoPipeline

    return load_weights(model, DEFAULT_MODEL, DOWNLOAD_HINT, lambda folder:
                        CogVideoXVideoToVideoPipeline.from_pretrained(folder, torch_dtype=dtype))
