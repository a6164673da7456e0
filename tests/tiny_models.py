"""Tiny, randomly initialised diffusers/transformers components built in code (no downloads).

They have the real classes and wiring of the Wan 2.1 and CogVideoX pipelines at toy sizes, so
the refiners' whole path (encode prompt, VAE encode, SDEdit denoise, decode) runs on a CPU in a
second.
Their output is noise-like: tests check shapes, counts, determinism and the I/O contract,
never the look.
"""
from __future__ import annotations

import torch

TEXT_DIM = 32  # the text encoder's d_model = the transformer's text_dim
WORDS = ("a", "ball", "falls", "photoreal", "kitchen", "light", "cartoon", "blurry", "red")


def tiny_tokenizer():
    """A whitespace word-level tokenizer with T5's <pad>/</s>/<unk> and an appended </s>."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2, **{w: i + 3 for i, w in enumerate(WORDS)}}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="$A </s>",
                                                       special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>",
                                   unk_token="<unk>")


def _text_encoder(config_cls, encoder_cls):
    """A 1-layer (U)T5 encoder over the tiny vocabulary, d_model TEXT_DIM."""
    config = config_cls(vocab_size=3 + len(WORDS), d_model=TEXT_DIM, d_kv=8, d_ff=32,
                        num_layers=1, num_heads=4, relative_attention_num_buckets=8,
                        pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    return encoder_cls(config)


def tiny_wan_pipeline(seed: int = 0):
    """A WanVideoToVideoPipeline with 2-layer toy components (4x time, 8x space VAE)."""
    from diffusers import (
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        WanTransformer3DModel,
        WanVideoToVideoPipeline,
    )
    from transformers import UMT5Config, UMT5EncoderModel

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                               temperal_downsample=[False, True, True])
        text_encoder = _text_encoder(UMT5Config, UMT5EncoderModel)
        transformer = WanTransformer3DModel(
            patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
            in_channels=16, out_channels=16, text_dim=TEXT_DIM, freq_dim=256, ffn_dim=32,
            num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
            rope_max_seq_len=32)
    scheduler = FlowMatchEulerDiscreteScheduler(shift=7.0)
    pipe = WanVideoToVideoPipeline(tokenizer=tiny_tokenizer(), text_encoder=text_encoder.eval(),
                                   transformer=transformer.eval(), vae=vae.eval(),
                                   scheduler=scheduler)
    pipe.set_progress_bar_config(disable=True)
    return pipe


# CogVideoX's scheduler settings (v-prediction, zero terminal SNR, trailing timesteps)
COGVIDEOX_SCHEDULER = {"beta_start": 0.00085, "beta_end": 0.012,
                       "beta_schedule": "scaled_linear", "clip_sample": False,
                       "prediction_type": "v_prediction", "rescale_betas_zero_snr": True,
                       "set_alpha_to_one": True, "snr_shift_scale": 3.0, "steps_offset": 0,
                       "timestep_spacing": "trailing"}


def tiny_cogvideox_pipeline(seed: int = 0, dpm: bool = False):
    """A CogVideoXVideoToVideoPipeline with toy components (4x time, 8x space VAE; 16-token
    text); CogVideoXDDIMScheduler, or CogVideoXDPMScheduler (which draws while denoising)."""
    from diffusers import (
        AutoencoderKLCogVideoX,
        CogVideoXDDIMScheduler,
        CogVideoXDPMScheduler,
        CogVideoXTransformer3DModel,
        CogVideoXVideoToVideoPipeline,
    )
    from transformers import T5Config, T5EncoderModel

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        vae = AutoencoderKLCogVideoX(
            down_block_types=("CogVideoXDownBlock3D",) * 4,
            up_block_types=("CogVideoXUpBlock3D",) * 4, block_out_channels=(8, 8, 8, 8),
            latent_channels=4, layers_per_block=1, norm_num_groups=2,
            temporal_compression_ratio=4)
        text_encoder = _text_encoder(T5Config, T5EncoderModel)
        transformer = CogVideoXTransformer3DModel(
            num_attention_heads=2, attention_head_dim=8, in_channels=4, out_channels=4,
            time_embed_dim=4, text_embed_dim=TEXT_DIM, num_layers=2, sample_width=6,
            sample_height=4, sample_frames=9, patch_size=2, temporal_compression_ratio=4,
            max_text_seq_length=16)
    scheduler_cls = CogVideoXDPMScheduler if dpm else CogVideoXDDIMScheduler
    pipe = CogVideoXVideoToVideoPipeline(
        tokenizer=tiny_tokenizer(), text_encoder=text_encoder.eval(), vae=vae.eval(),
        transformer=transformer.eval(),
        scheduler=scheduler_cls.from_config(COGVIDEOX_SCHEDULER))
    pipe.set_progress_bar_config(disable=True)
    return pipe


# A real, tiny shot for the refiner tests: 6 frames of 48x32 at 12 fps, with the flow pass.
SHOT_SHAPE, SHOT_FPS = (6, 32, 48, 3), 12
SHOT_SCRIPT = """\
name: refine-drop
seed: 5
duration: 0.5
fps: 12
resolution: [48, 32]
bodies:
  - {name: ball, asset: tennis_ball, position: [0, 0, 0.3]}
camera: {position: [0, -1.0, 0.3], look_at: [0, 0, 0.1]}
style: {prompt: "photoreal red ball falls", negative: "cartoon blurry"}
"""


def render_tiny_shot(folder):
    """Render SHOT_SCRIPT into folder/shot (simulation and renderer, no model) and return it."""
    from bridge.loader import load_scene
    from bridge.pipeline import run_shot

    script = folder / "scene.yaml"
    script.write_text(SHOT_SCRIPT)
    out = folder / "shot"
    run_shot(load_scene(script), out, page=False)
    return out


def tiny_ltx_pipeline(seed: int = 0):
    """An LTXConditionPipeline with toy components (8x time, 32x space VAE: patch 4 and three
    spatio-temporal halvings; 8 latent channels; 1-layer transformer)."""
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXConditionPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        vae = AutoencoderKLLTXVideo(
            latent_channels=8, block_out_channels=(8, 8, 8, 8),
            decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
            decoder_layers_per_block=(1, 1, 1, 1, 1),
            spatio_temporal_scaling=(True, True, True, False),
            decoder_spatio_temporal_scaling=(True, True, True, False),
            decoder_inject_noise=(False,) * 5, patch_size=4, patch_size_t=1)
        text_encoder = _text_encoder(T5Config, T5EncoderModel)
        transformer = LTXVideoTransformer3DModel(
            in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
            num_attention_heads=2, attention_head_dim=8, cross_attention_dim=16,
            num_layers=1, caption_channels=TEXT_DIM)
    pipe = LTXConditionPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae.eval(),
        text_encoder=text_encoder.eval(), tokenizer=tiny_tokenizer(),
        transformer=transformer.eval())
    pipe.set_progress_bar_config(disable=True)
    return pipe


def refine_pngs(shot, pipe, backend: str, **options):
    """Refine `shot` with a tiny pipeline (4 steps at strength 0.5 unless given); the refined
    PNGs as [F,H,W,3]."""
    from neural import refine as rf

    fast = {"steps": 4, "strength": 0.5, "guidance": 2.0}
    rf.refine_shot(shot, rf.RefineOptions(**{**fast, **options}), backend=backend,
                   pipeline=pipe)
    return read_pngs(shot)


def read_pngs(shot):
    """The shot folder's refined PNGs as [F,H,W,3] uint8."""
    import numpy as np
    from PIL import Image

    return np.stack([np.asarray(Image.open(p))
                     for p in sorted((shot / "refined").glob("refined_*.png"))])


def decode(path):
    """A video's frames [F,H,W,3] uint8 and its average frame rate."""
    import av
    import numpy as np

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = np.stack([f.to_ndarray(format="rgb24") for f in container.decode(stream)])
        return frames, stream.average_rate


def assert_refined(shot, pngs, coarse_bytes: bytes) -> dict:
    """refined.mp4 has SHOT_SCRIPT's frames, size and fps, as the PNGs do, and rgb.mp4 is
    byte for byte `coarse_bytes`; returns report.json's refine section."""
    import json

    video, rate = decode(shot / "refined.mp4")
    assert video.shape == pngs.shape == SHOT_SHAPE and rate == SHOT_FPS
    assert (shot / "rgb.mp4").read_bytes() == coarse_bytes
    return json.loads((shot / "report.json").read_text())["refine"]


def tiny_wan_vace_pipeline(seed: int = 0):
    """A WanVACEPipeline: tiny_wan_pipeline's VAE, text encoder, tokenizer and scheduler with
    a 2-layer toy WanVACETransformer3DModel (VACE blocks at layers 0 and 1; its control
    input is 96 channels: 16 inactive + 16 reactive latents + 64 mask channels)."""
    from diffusers import WanVACEPipeline, WanVACETransformer3DModel

    parts = tiny_wan_pipeline(seed).components
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        transformer = WanVACETransformer3DModel(
            patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
            in_channels=16, out_channels=16, text_dim=TEXT_DIM, freq_dim=256, ffn_dim=32,
            num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
            rope_max_seq_len=32, vace_layers=[0, 1], vace_in_channels=96)
    pipe = WanVACEPipeline(tokenizer=parts["tokenizer"], text_encoder=parts["text_encoder"],
                           transformer=transformer.eval(), vae=parts["vae"],
                           scheduler=parts["scheduler"])
    pipe.set_progress_bar_config(disable=True)
    return pipe


def spy_steps(pipe, monkeypatch) -> list:
    """Record (timestep, sigma) of every sampler step the pipeline runs from now on."""
    seen = []
    step = pipe.scheduler.step

    def spy(model_output, timestep, sample, **kw):
        scheduler = pipe.scheduler
        index = scheduler.index_for_timestep(timestep) if scheduler.step_index is None \
            else scheduler.step_index
        seen.append((float(timestep), float(scheduler.sigmas[index])))
        return step(model_output, timestep, sample, **kw)

    monkeypatch.setattr(pipe.scheduler, "step", spy)
    return seen


def assert_missing_weights(shot, tmp_path, monkeypatch, backend: str, default: str,
                           load_pipeline) -> None:
    """A missing folder and an uncached hub id both say what to download; nothing written."""
    import pytest

    from bridge.errors import UserError
    from neural import refine as rf

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    missing = tmp_path / "no-such-model"
    options = rf.RefineOptions(model=str(missing), steps=4, strength=0.5, guidance=2.0)
    with pytest.raises(UserError) as err:
        rf.refine_shot(shot, options, backend=backend)
    assert str(missing) in str(err.value) and f"download {default}" in str(err.value)
    with pytest.raises(UserError) as err:
        load_pipeline(default, None)
    assert f"huggingface-cli download {default}" in str(err.value)
    assert not (shot / "refined.mp4").exists()
