"""Strength 0 is the VAE round trip, and SDEdit approaches it as strength falls (every
backend, tiny code-built pipelines)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from bridge.refine_options import BACKENDS
from neural import refine as rf
from neural.testing import tiny_pipeline, tiny_wan_pipeline
from tests.tiny_models import refine_pngs

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`


def _frames(count: int, height: int, width: int) -> np.ndarray:
    """A smooth colour ramp sliding one pixel a frame."""
    y, x = np.mgrid[:height, :width]
    base = np.stack([x * 5, y * 7, (x + y) * 3], -1).astype(np.uint8)
    return np.stack([np.roll(base, k, axis=1) for k in range(count)])


def _clip(backend: str) -> np.ndarray:
    refiner_cls = type(rf.get_refiner(backend))
    height = max(32, refiner_cls.multiple)
    return _frames(refiner_cls.frame_step + 1, height, 64)


def _round_trip(pipe, frames: np.ndarray) -> np.ndarray:
    """decode(mode(encode(x))) written out here, not through neural.diffusers_backend."""
    import torch
    from PIL import Image

    with torch.inference_mode():
        video = pipe.video_processor.preprocess_video(
            [Image.fromarray(f) for f in frames], height=frames.shape[1], width=frames.shape[2])
        decoded = pipe.vae.decode(pipe.vae.encode(video).latent_dist.mode()).sample
        out = pipe.video_processor.postprocess_video(decoded, output_type="np")[0]
    return np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)


def _refine(refiner, frames: np.ndarray, strength: float, steps: int = 4) -> np.ndarray:
    extra = {"control": np.zeros_like(frames)} if getattr(refiner, "control", None) else {}
    options = rf.RefineOptions(strength=strength, steps=steps, guidance=2.0, seed=1)
    return refiner.refine(frames, "a red ball", "blurry", options, **extra)


@pytest.mark.parametrize("backend", BACKENDS)
def test_strength_zero_is_the_vae_round_trip_without_a_denoising_step(backend, monkeypatch):
    refiner = rf.get_refiner(backend, pipeline=tiny_pipeline(backend))
    pipe = refiner._pipe
    calls = []
    forward = pipe.transformer.forward
    monkeypatch.setattr(pipe.transformer, "forward",
                        lambda *a, **kw: calls.append(1) or forward(*a, **kw))
    frames = _clip(backend)
    out = _refine(refiner, frames, 0.0)
    assert calls == []  # no step ran
    expected = _round_trip(pipe, frames)
    assert np.array_equal(out, expected)
    assert not np.array_equal(out, frames)  # the tiny VAE is far from lossless: a real check
    _refine(refiner, frames, 0.5)
    assert calls  # the spy does see the transformer when steps run


@pytest.mark.parametrize("backend", ["wan", "ltx"])
def test_sdedit_approaches_the_round_trip_as_strength_falls(backend):
    """Mean distance to the round trip shrinks with strength (50-step schedules: 25, 5 and 1
    steps). CogVideoX is left out: its pipeline samples the VAE posterior instead of taking
    its mode, and the tiny random VAE's posterior has a standard deviation near 1."""
    refiner = rf.get_refiner(backend, pipeline=tiny_pipeline(backend))
    frames = _clip(backend)
    trip = _refine(refiner, frames, 0.0).astype(float)
    gaps = [np.abs(_refine(refiner, frames, s, steps=50).astype(float) - trip).mean()
            for s in (0.5, 0.1, 0.02)]
    assert gaps[0] > gaps[1] > gaps[2] > 0, gaps


def test_refine_shot_at_strength_zero_writes_the_round_trip(shot):
    pipe = tiny_wan_pipeline()
    pngs = refine_pngs(shot, pipe, "wan", strength=0.0)
    from neural import frames as fr

    coarse = rf.read_video(shot / "rgb.mp4")  # 6 frames: the model takes 5 over the same time
    expected = fr.restore_frames(_round_trip(pipe, fr.resample_frames(coarse, 5)), 6)
    assert np.array_equal(pngs, expected)
    section = json.loads((shot / "report.json").read_text())["refine"]
    assert section["strength"] == 0.0 and section["model"] == "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
