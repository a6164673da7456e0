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

Noise: i.i.d. Gaussian from a CPU torch.Generator seeded with the options' seed (the same on
every device). Flow-warped noise (`--noise warped`) is not wired to this backend yet.
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path

import numpy as np

from bridge.errors import UserError
from neural.refine import RefineOptions

DEFAULT_MODEL = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
MAX_SEQUENCE_LENGTH = 512
DOWNLOAD_HINT = (
    "about 28 GB on disk (tens of GB: mostly the UMT5-XXL text encoder; the 1.3B transformer "
    "is about 5.7 GB); it needs about 8 GB of GPU memory at 480p with --offload model, and "
    "20+ GB without offloading")


class WanRefiner:
    """Wan 2.1 text-to-video weights used video-to-video (SDEdit) through diffusers."""

    name = "wan"
    default_model = DEFAULT_MODEL
    frame_step = 4
    multiple = 16
    max_frames = 81

    def __init__(self, pipeline: object | None = None):
        self._pipe = pipeline
        self._placed = False
        self._embeds: dict[tuple[str, str, bool], tuple] = {}

    def refine(self, frames: np.ndarray, prompt: str, negative: str,
               options: RefineOptions) -> np.ndarray:
        import torch
        from PIL import Image

        if options.noise != "iid":
            raise UserError(f"--noise {options.noise}: not available yet for {self.name}; "
                            "use --noise iid")
        f, h, w = frames.shape[:3]
        if (f - 1) % self.frame_step or h % self.multiple or w % self.multiple:
            raise ValueError(f"frames {f}x{h}x{w} break the {self.name} constraints")
        pipe = self._pipeline(options)
        guided = options.guidance > 1.0
        positive, negative_embeds = self._encode(pipe, prompt, negative, guided, options)
        generator = torch.Generator(device="cpu").manual_seed(int(options.seed or 0))
        with torch.inference_mode():
            out = pipe(video=[Image.fromarray(frame) for frame in frames],
                       prompt_embeds=positive, negative_prompt_embeds=negative_embeds,
                       height=h, width=w, num_inference_steps=options.steps,
                       strength=options.strength, guidance_scale=options.guidance,
                       generator=generator, output_type="np").frames[0]
        return np.clip(np.rint(np.asarray(out, np.float32) * 255), 0, 255).astype(np.uint8)

    # --- loading and placement --------------------------------------------------------------

    def _pipeline(self, options: RefineOptions):
        if self._pipe is None:
            self._pipe = load_pipeline(options.model or DEFAULT_MODEL, _dtype(options))
        if not self._placed:
            _place(self._pipe, options)
            self._placed = True
        return self._pipe

    def _encode(self, pipe, prompt: str, negative: str, guided: bool, options: RefineOptions):
        key = (prompt, negative, guided)
        if key not in self._embeds:
            import torch

            device = _device(options)
            with torch.inference_mode():
                positive = encode_text(pipe, prompt, device)
                negative_embeds = encode_text(pipe, negative, device) if guided else None
            if options.offload == "none" and device.type != "cpu":
                pipe.text_encoder.to("cpu")  # the GPU keeps only what denoising needs
            self._embeds[key] = (positive, negative_embeds)
        return self._embeds[key]


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
    """WanVideoToVideoPipeline from a local folder or the hub cache; UserError when missing.

    A local folder, or any id while HF_HUB_OFFLINE is set, is loaded with
    local_files_only=True; otherwise diffusers may download the weights.
    """
    import torch
    from diffusers import AutoencoderKLWan, WanVideoToVideoPipeline

    path = Path(model).expanduser()
    # a hub id is exactly "owner/name"; anything else (or an existing path) is a folder
    local = path.exists() or model.startswith((".", "/", "~")) or model.count("/") != 1
    if local and not (path / "model_index.json").is_file():
        raise UserError(_missing(model, f"{path} is not a diffusers model folder "
                                        "(no model_index.json)"))
    offline = local or os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
    source = str(path) if local else model
    try:
        # Wan's VAE is run in float32: bfloat16 decodes visibly worse.
        vae = AutoencoderKLWan.from_pretrained(source, subfolder="vae",
                                               torch_dtype=torch.float32,
                                               local_files_only=offline)
        return WanVideoToVideoPipeline.from_pretrained(source, vae=vae, torch_dtype=dtype,
                                                       local_files_only=offline)
    except (OSError, ValueError) as err:
        raise UserError(_missing(model, f"{type(err).__name__}: {err}".splitlines()[0])
                        ) from None


def _missing(model: str, why: str) -> str:
    hub = model if model.count("/") == 1 and not Path(model).exists() else DEFAULT_MODEL
    return (f"the model weights for {model!r} could not be loaded ({why}). Download them on "
            f"a machine with internet access: `huggingface-cli download {hub}` (or "
            f"`hf download {hub}`), then pass the hub id with the cache copied over, or the "
            f"downloaded folder, as the model. {hub}: {DOWNLOAD_HINT}.")


def _device(options: RefineOptions):
    import torch

    if options.device != "auto":
        return torch.device(options.device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _dtype(options: RefineOptions):
    import torch

    if options.dtype == "auto":
        return torch.bfloat16 if _device(options).type == "cuda" else torch.float32
    return getattr(torch, options.dtype)


def _place(pipe, options: RefineOptions) -> None:
    """Move the pipeline to the device or install diffusers' offloading hooks."""
    device = _device(options)
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
