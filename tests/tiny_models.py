"""Test-only helpers for the refiner tests: the tiny rendered shot, reading and checking its
refined outputs, spying on a sampler, the missing-weights contract.

The tiny pipelines themselves are the library's (`neural.testing`), which bench uses too.
"""
from __future__ import annotations

from bridge import shot as shotfiles

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
camera: {position: [0, -0.8, 0.9], look_at: [0, 0, 0.1]}   # down at the floor: no horizon
style: {prompt: "photoreal red ball falls", negative: "cartoon blurry", textures: false}  # plain:
# the fidelity measure counts edges on id boundaries, and tiles would add edges inside them
"""


def render_tiny_shot(folder):
    """Render SHOT_SCRIPT into folder/shot (simulation and renderer, no model) and return it."""
    from bridge.loader import load_scene
    from simshot.pipeline import run_shot

    script = folder / shotfiles.SCENE
    script.write_text(SHOT_SCRIPT)
    out = folder / "shot"
    run_shot(load_scene(script), out, page=False)
    return out


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

    files = shotfiles.REFINED_FRAMES
    return np.stack([np.asarray(Image.open(p))
                     for p in sorted((shot / files.folder).glob(files.pattern))])


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

    video, rate = decode(shot / shotfiles.REFINED)
    assert video.shape == pngs.shape == SHOT_SHAPE and rate == SHOT_FPS
    assert (shot / shotfiles.RGB).read_bytes() == coarse_bytes
    return json.loads((shot / shotfiles.REPORT).read_text())["refine"]


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

    empty_hf_cache(monkeypatch, tmp_path)
    missing = tmp_path / "no-such-model"
    options = rf.RefineOptions(model=str(missing), steps=4, strength=0.5, guidance=2.0)
    with pytest.raises(UserError) as err:
        rf.refine_shot(shot, options, backend=backend)
    assert str(missing) in str(err.value) and f"download {default}" in str(err.value)
    with pytest.raises(UserError) as err:
        load_pipeline(default, None)
    assert f"huggingface-cli download {default}" in str(err.value)
    assert not (shot / shotfiles.REFINED).exists()


def empty_hf_cache(monkeypatch, tmp_path):
    """Point the Hugging Face cache at an empty folder (a developer's own cache may hold the
    real weights); returns it."""
    from huggingface_hub import constants

    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    return cache


def refuse_network(monkeypatch) -> list:
    """Make every outgoing connection (and name lookup) fail at once; returns the list the
    attempts are recorded in."""
    import socket

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("a test tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts
