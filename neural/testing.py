"""Tiny, randomly initialised diffusers/transformers pipelines built in code (no downloads),
in the spirit of diffusers' own testing utilities.

They have the real classes and wiring of each backend's pipeline (Wan 2.1, CogVideoX,
LTX-Video, Wan VACE) at toy sizes, so a refiner's whole path (encode prompt, VAE encode,
SDEdit denoise, decode) runs on a CPU in a second. Their output is noise-like: they prove code
paths, shapes, counts, determinism and the I/O contract, never the look. Every builder is
seeded on its own (torch's global generator is forked, so callers' draws are untouched).

torch, diffusers and transformers are imported inside the builders.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """torch's global generator seeded for the block; the caller's state comes back after."""
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


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

    with _seeded(seed):
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

    with _seeded(seed):
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

    with _seeded(seed):
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


def tiny_wan_vace_pipeline(seed: int = 0):
    """A WanVACEPipeline: tiny_wan_pipeline's VAE, text encoder, tokenizer and scheduler with
    a 2-layer toy WanVACETransformer3DModel (VACE blocks at layers 0 and 1; its control
    input is 96 channels: 16 inactive + 16 reactive latents + 64 mask channels)."""
    from diffusers import WanVACEPipeline, WanVACETransformer3DModel

    parts = tiny_wan_pipeline(seed).components
    with _seeded(seed):
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


def tiny_pipeline(backend: str, seed: int = 0):
    """The tiny pipeline for a backend of bridge.refine_options.BACKENDS: the builder
    tiny_<backend>_pipeline of this module."""
    return globals()[f"tiny_{backend}_pipeline"](seed)
