"""neural.wan_vace: depth-controlled SDEdit (pre-noised latents, truncated schedule) with a
tiny Wan VACE pipeline."""
from __future__ import annotations

import json

import numpy as np
import pytest

from neural import refine as rf
from tests.tiny_models import assert_missing_weights, assert_refined, refine_pngs, spy_steps

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

FRAMES, WIDTH, HEIGHT, FPS = 6, 48, 32, 12  # tests.tiny_models.SHOT_SCRIPT
FAST = {"steps": 4, "strength": 0.5, "guidance": 2.0}
BACKEND = "wan_vace"
DEFAULT = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"


@pytest.fixture(scope="module")
def tiny_pipe():
    from neural.testing import tiny_wan_vace_pipeline

    return tiny_wan_vace_pipeline()


def test_refine_writes_the_contract_and_leaves_the_coarse_shot(shot, tiny_pipe):
    coarse_bytes = (shot / "rgb.mp4").read_bytes()
    pngs = refine_pngs(shot, tiny_pipe, BACKEND)
    section = assert_refined(shot, pngs, coarse_bytes)
    assert section["backend"] == BACKEND and section["model"] == DEFAULT
    assert section["control"] == "depth"
    assert (section["num_frames"], section["fps"], section["seed"]) == (FRAMES, FPS, 5)


def test_the_truncated_schedule_runs_from_the_selected_timestep(shot, tiny_pipe, monkeypatch):
    import torch

    from neural import wan_vace

    refiner = rf.get_refiner(BACKEND, pipeline=tiny_pipe)
    pipe = refiner._pipe
    frames = np.random.default_rng(0).integers(0, 256, (5, 32, 48, 3), dtype=np.uint8)
    from neural.control import depth_frames

    control = depth_frames(np.random.default_rng(1).uniform(0.5, 3.0, (5, 32, 48))
                              .astype(np.float32))
    seen = spy_steps(pipe, monkeypatch)  # (timestep, sigma) of every sampler step
    for strength, steps in ((0.5, 10), (0.3, 4), (1.0, 3)):
        seen.clear()
        pipe.scheduler.set_timesteps(steps)
        full_t = [float(t) for t in pipe.scheduler.timesteps]
        full_s = [float(s) for s in pipe.scheduler.sigmas]
        count = max(1, round(strength * steps))
        refiner.refine(frames, "a red ball", "", rf.RefineOptions(
            strength=strength, steps=steps, guidance=1.0, seed=3), control=control)
        assert [t for t, _ in seen] == pytest.approx(full_t[steps - count:])
        assert [s for _, s in seen] == pytest.approx(full_s[steps - count:steps])
    # the start: x = (1 - s) x0 + s n at the first kept sigma
    noise = torch.randn(wan_vace.latent_shape(pipe, 5, 32, 48),
                        generator=torch.Generator().manual_seed(3))
    from PIL import Image

    timesteps = wan_vace.sdedit_timesteps(pipe.scheduler, 0.5, 10)
    sigma = float(pipe.scheduler.sigmas[5])
    with torch.inference_mode():
        video = pipe.video_processor.preprocess_video([Image.fromarray(x) for x in frames],
                                                      height=32, width=48)
        x0 = wan_vace.normalised_latents(pipe, video)
        latents = wan_vace.prenoised_latents(pipe, frames, 10, timesteps, noise)
    torch.testing.assert_close(latents, (1 - sigma) * x0 + sigma * noise)
    with pytest.raises(ValueError, match="control"):
        refiner.refine(frames, "a red ball", "", rf.RefineOptions(**FAST, seed=1))


def test_same_seed_gives_identical_frames(shot, tiny_pipe):
    first = refine_pngs(shot, tiny_pipe, BACKEND, seed=11)
    assert np.array_equal(refine_pngs(shot, tiny_pipe, BACKEND, seed=11), first)
    assert not np.array_equal(refine_pngs(shot, tiny_pipe, BACKEND, seed=12), first)


def test_missing_weights_say_what_to_download(tmp_path, monkeypatch, shot):
    from neural.wan_vace import DEFAULT_MODEL, load_pipeline

    assert_missing_weights(shot, tmp_path, monkeypatch, BACKEND, DEFAULT_MODEL, load_pipeline)


# --- flow-warped noise as the SDEdit start ----------------------------------------------


def _iid_draw(shape, seed: int):
    """The noise WanVACERefiner._start draws for --noise iid."""
    import torch

    return torch.randn(shape, generator=torch.Generator(device="cpu").manual_seed(seed))


def test_warped_path_given_the_iid_draw_equals_iid_refinement(shot, tiny_pipe, monkeypatch):
    """The whole --noise warped wiring (flows read and fitted, pre-noising, the truncated
    schedule, the call) with its noise swapped for the --noise iid draw gives the --noise iid
    frames exactly."""
    from neural import wan_vace

    iid = refine_pngs(shot, tiny_pipe, BACKEND, seed=11)
    seen = []

    def iid_draw(flows, seed, shape):
        seen.append((flows.forward.shape, seed, tuple(shape)))
        return _iid_draw(shape, seed)

    monkeypatch.setattr(wan_vace, "warped_latents", iid_draw)
    warped = refine_pngs(shot, tiny_pipe, BACKEND, seed=11, noise="warped")
    assert seen == [((5, 32, 48, 2), 11, (1, 16, 2, 4, 6))]  # 6 frames fitted to 5
    assert np.array_equal(warped, iid)


def test_warped_noise_is_seeded_differs_from_iid_and_starts_the_sampler(shot, tiny_pipe,
                                                                       monkeypatch):
    """End to end: same seed, same frames; iid noise, other frames. Then one window: the
    sampler starts from exactly prenoised_latents of the flow-warped noise, which is
    x = (1 - s) x0 + s n at the first kept sigma s."""
    import torch
    from PIL import Image

    from neural import wan_vace
    from neural.control import depth_frames

    warped = refine_pngs(shot, tiny_pipe, BACKEND, seed=11, noise="warped")
    assert warped.shape == (FRAMES, HEIGHT, WIDTH, 3)
    section = json.loads((shot / "report.json").read_text())["refine"]
    assert section["noise"] == "warped" and section["control"] == "depth"
    assert np.array_equal(refine_pngs(shot, tiny_pipe, BACKEND, seed=11, noise="warped"),
                          warped)
    assert not np.array_equal(refine_pngs(shot, tiny_pipe, BACKEND, seed=11), warped)

    refiner = rf.get_refiner(BACKEND, pipeline=tiny_pipe)
    pipe = refiner._pipe
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, (5, 32, 48, 3), dtype=np.uint8)
    control = depth_frames(rng.uniform(0.5, 3.0, (5, 32, 48)).astype(np.float32))
    forward = np.zeros((5, 32, 48, 2), np.float32)
    forward[..., 0], forward[..., 1] = 1.5, -0.5
    flows = rf.ShotFlows(forward, -forward)
    drawn, started = [], []
    real_draw, prepare = wan_vace.warped_latents, pipe.prepare_latents

    def draw(*args):
        drawn.append(real_draw(*args))
        return drawn[-1]

    def spy(*args, **kwargs):  # the latents the denoising loop starts from
        started.append(prepare(*args, **kwargs).clone())
        return started[-1]

    monkeypatch.setattr(wan_vace, "warped_latents", draw)
    monkeypatch.setattr(pipe, "prepare_latents", spy)
    options = rf.RefineOptions(strength=0.5, steps=4, guidance=1.0, seed=11, noise="warped")
    refiner.refine(frames, "a red ball", "", options, flows=flows, control=control)
    (noise,), (start,) = drawn, started
    shape = wan_vace.latent_shape(pipe, 5, 32, 48)
    assert tuple(noise.shape) == shape
    assert torch.equal(noise, real_draw(flows, 11, shape))  # seeded
    assert not torch.allclose(noise, _iid_draw(shape, 11))
    timesteps = wan_vace.sdedit_timesteps(pipe.scheduler, 0.5, 4)
    sigma = float(pipe.scheduler.sigmas[4 - 2])  # round(0.5 * 4) = 2 steps kept
    with torch.inference_mode():
        video = pipe.video_processor.preprocess_video([Image.fromarray(x) for x in frames],
                                                      height=32, width=48)
        x0 = wan_vace.normalised_latents(pipe, video)
        expected = wan_vace.prenoised_latents(pipe, frames, 4, timesteps, noise)
    assert torch.equal(start, expected)
    torch.testing.assert_close(start, (1 - sigma) * x0 + sigma * noise)


def test_segmentation_edges_are_the_control_video_when_asked_for(shot, tiny_pipe, monkeypatch):
    """--control edges: the pipeline's `video=` is the shot's segmentation edges (the shot is
    6 frames; the model's 5 are resampled from them), and the report says which control."""
    from PIL import Image

    from neural import frames as fr
    from neural.control import edge_frames, read_segmentation

    seen = []
    call = type(tiny_pipe).__call__

    def spy(self, *args, **kwargs):
        seen.append(np.stack([np.asarray(image) for image in kwargs["video"]]))
        return call(self, *args, **kwargs)

    monkeypatch.setattr(type(tiny_pipe), "__call__", spy)
    refine_pngs(shot, tiny_pipe, BACKEND, control="edges")
    edges = fr.resample_frames(edge_frames(read_segmentation(shot, FRAMES)), 5)
    assert len(seen) == 1 and np.array_equal(seen[0], edges)
    assert edges.any()  # the ball's silhouette is in every frame
    assert json.loads((shot / "report.json").read_text())["refine"]["control"] == "edges"
    depth = []
    monkeypatch.setattr(type(tiny_pipe), "__call__",
                        lambda self, *a, **kw: depth.append(kw["video"]) or call(self, *a, **kw))
    refine_pngs(shot, tiny_pipe, BACKEND)
    assert not np.array_equal(np.stack([np.asarray(i) for i in depth[0]]), seen[0])
    assert isinstance(depth[0][0], Image.Image)
    assert json.loads((shot / "report.json").read_text())["refine"]["control"] == "depth"
