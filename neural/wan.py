"""The Wan 2.1 backend: diffusers' own WanVideoToVideoPipeline, whose `strength` is SDEdit.

Constraints: 4k+1 frames (the VAE compresses time 4x, keeping the first frame), sides
divisible by 16 (VAE 8x, patch 2), at most 81 frames per call (the model's training length).

Prompts are encoded once per refiner (so once per shot, whatever the number of windows) and
passed to the pipeline as prompt_embeds / negative_prompt_embeds. The encoding mirrors
diffusers' `WanPipeline._get_t5_prompt_embeds` (tokenise to 512, UMT5 last hidden state,
zeroed past the prompt's length) but cleans text with whitespace collapsing only: diffusers'
own cleaner needs the optional `ftfy` package, which is not a dependency here. After encoding,
without offloading, the text encoder (UMT5-XXL, about 11 GB in bfloat16) is moved to the CPU
so that the GPU holds only the transformer and the VAE while denoising; with offloading,
diffusers' hooks already keep it off the GPU.

Noise. `--noise iid`: diffusers' own SDEdit, i.i.d. Gaussian from a CPU torch.Generator
seeded with the options' seed (the same on every device). `--noise warped`: flow-warped noise
(`neural.noise.latent_noise`, numpy generator seeded with the options' seed) built at pixel
resolution from the window's fitted flow, area-downsampled by the VAE's spatial factor (8)
and reduced to the latent frames by its temporal factor (4, "pick": latent frame j is the
noise of model frame 4j, exactly N(0, 1)), then injected as the SDEdit noise through
pre-noised latents: `prenoised_latents` repeats the pipeline's own first step (VAE encode,
latents_mean/std normalisation, the timesteps for `strength` from the pipeline's own
`retrieve_timesteps` and `get_timesteps`, and the scheduler's own noising) with the given
noise, and the pipeline is then called with `latents=` and the same strength and steps, so
its own sampler runs from there. Given the noise the pipeline itself would draw, this
reproduces the built-in SDEdit output exactly (bitwise on CPU; tests/test_neural_wan.py).
The latents are float32 whatever the transformer's dtype, as the pipeline makes them.
"""
from __future__ import annotations

import html
import re

import numpy as np

from neural.diffusers_backend import DiffusersRefiner, warped_latents
from neural.refine import RefineOptions, ShotFlows
from neural.weights import load_weights

DEFAULT_MODEL = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
MAX_SEQUENCE_LENGTH = 512
DOWNLOAD_HINT = (
    "about 28 GB on disk (tens of GB: mostly the UMT5-XXL text encoder; the 1.3B transformer "
    "is about 5.7 GB); it needs about 8 GB of GPU memory at 480p with --offload model, and "
    "20+ GB without offloading")


class WanRefiner(DiffusersRefiner):
    """Wan 2.1 text-to-video weights used video-to-video (SDEdit) through diffusers."""

    name = "wan"
    default_model = DEFAULT_MODEL
    hint = DOWNLOAD_HINT
    frame_step = 4
    multiple = 16
    max_frames = 81

    def _load(self, model: str, dtype):
        return load_pipeline(model, dtype)

    def _embeddings(self, pipe, prompt: str, negative: str, guided: bool, device) -> tuple:
        return encode_text(pipe, prompt, device), (
            encode_text(pipe, negative, device) if guided else None)

    def _start(self, pipe, frames: np.ndarray, options: RefineOptions,
               flows: ShotFlows | None, seed: int, dtype) -> dict:
        import torch
        from PIL import Image

        if options.noise == "warped":
            noise = warped_latent_noise(pipe, flows, seed)
            return {"latents": prenoised_latents(pipe, frames, options.strength,
                                                 options.steps, noise)}
        return {"video": [Image.fromarray(frame) for frame in frames],
                "generator": torch.Generator(device="cpu").manual_seed(seed)}


REFINER = WanRefiner  # what neural.refine.get_refiner instantiates for this backend


def latent_shape(pipe, frames: int, height: int, width: int) -> tuple[int, int, int, int, int]:
    """The pipeline's latent shape [1, C, F', H', W'] for frames of that count and size."""
    return (1, pipe.transformer.config.in_channels,
            (frames - 1) // pipe.vae_scale_factor_temporal + 1,
            height // pipe.vae_scale_factor_spatial, width // pipe.vae_scale_factor_spatial)


def warped_latent_noise(pipe, flows: ShotFlows, seed: int):
    """Flow-warped noise shaped like the pipeline's latents [1, C, F', H', W'], float32."""
    frames, height, width = flows.forward.shape[:3]
    return warped_latents(flows, seed, latent_shape(pipe, frames, height, width))


def prenoised_latents(pipe, frames: np.ndarray, strength: float, steps: int, noise):
    """The pipeline's own SDEdit starting latents, noised with `noise` instead of its draw.

    Repeats WanVideoToVideoPipeline.__call__ steps 4-5 (diffusers 0.42) with the pipeline's
    own pieces: preprocess_video, the timesteps for `strength` (retrieve_timesteps, then the
    pipeline's get_timesteps), the VAE encode (mode of the posterior) normalised by
    latents_mean / latents_std, and the scheduler's add_noise or scale_noise at the first
    timestep. frames [F,H,W,3] uint8 (already fitted); noise shaped like `latent_shape`.
    Pass the result as `latents=` with the same strength and steps (and no `video`).
    """
    import torch
    from diffusers.pipelines.wan import pipeline_wan_video2video as wan_v2v
    from PIL import Image

    h, w = frames.shape[1:3]
    device = pipe._execution_device
    timestep_device = "cpu" if wan_v2v.XLA_AVAILABLE else device
    timesteps, count = wan_v2v.retrieve_timesteps(pipe.scheduler, steps, timestep_device)
    timesteps, _ = pipe.get_timesteps(count, timesteps, strength, device)
    latent_timestep = timesteps[:1].repeat(1)
    dtype = torch.float32  # what __call__ passes to prepare_latents, whatever the model's
    video = pipe.video_processor.preprocess_video(
        [Image.fromarray(frame) for frame in frames], height=h, width=w
    ).to(device, dtype=torch.float32)
    shape = latent_shape(pipe, len(frames), h, w)
    if tuple(noise.shape) != shape:
        raise ValueError(f"noise shape {tuple(noise.shape)} is not the latents' {shape}")
    # prepare_latents with latents=None, its randn_tensor draw replaced by `noise`:
    init = normalised_latents(pipe, video)
    noise = noise.to(device=device, dtype=dtype)
    if hasattr(pipe.scheduler, "add_noise"):
        return pipe.scheduler.add_noise(init, noise, latent_timestep)
    return pipe.scheduler.scale_noise(init, latent_timestep, noise)


def normalised_latents(pipe, video):
    """The VAE posterior's mode of preprocessed `video` [B, 3, F, H, W], normalised by
    latents_mean / latents_std as WanVideoToVideoPipeline.prepare_latents does, float32."""
    import torch
    from diffusers.pipelines.wan import pipeline_wan_video2video as wan_v2v

    device, dtype = video.device, torch.float32
    video = video.to(device=device, dtype=pipe.vae.dtype)
    init = [wan_v2v.retrieve_latents(pipe.vae.encode(vid.unsqueeze(0)), sample_mode="argmax")
            for vid in video]
    init = torch.cat(init, dim=0).to(dtype)
    config = pipe.vae.config
    mean = torch.tensor(config.latents_mean).view(1, config.z_dim, 1, 1, 1).to(device, dtype)
    std = 1.0 / torch.tensor(config.latents_std).view(1, config.z_dim, 1, 1, 1).to(device,
                                                                                  dtype)
    return (init - mean) * std


def encode_text(pipe, text: str, device) -> object:
    """UMT5 embeddings [1, 512, D] of one prompt, as diffusers' Wan pipelines compute them."""
    text = re.sub(r"\s+", " ", html.unescape(html.unescape(text))).strip()
    tokens = pipe.tokenizer([text], padding="max_length", max_length=MAX_SEQUENCE_LENGTH,
                            truncation=True, add_special_tokens=True,
                            return_attention_mask=True, return_tensors="pt")
    ids, mask = tokens.input_ids, tokens.attention_mask
    encoder = pipe.text_encoder
    where = next(encoder.parameters()).device
    hidden = encoder(ids.to(where), mask.to(where)).last_hidden_state
    length = int(mask.gt(0).sum())
    hidden = hidden.clone()
    hidden[:, length:] = 0
    return hidden.to(device=device, dtype=pipe.transformer.dtype)


def load_pipeline(model: str, dtype):
    """WanVideoToVideoPipeline from the weights on this machine (neural.weights); UserError
    when they are missing."""
    from diffusers import WanVideoToVideoPipeline

    return load_weights(model, DEFAULT_MODEL, DOWNLOAD_HINT,
                        lambda folder: from_folder(WanVideoToVideoPipeline, folder, dtype))


def from_folder(pipeline_class, folder: str, dtype):
    """A Wan pipeline of `pipeline_class` from a diffusers folder, its VAE in float32:
    bfloat16 decodes visibly worse."""
    import torch
    from diffusers import AutoencoderKLWan

    vae = AutoencoderKLWan.from_pretrained(folder, subfolder="vae", torch_dtype=torch.float32)
    return pipeline_class.from_pretrained(folder, vae=vae, torch_dtype=dtype)
