"""neural.hardware: a large model with no GPU, or too big for the GPU without offloading, is
refused before anything loads, with the model, its size and the command to fetch it."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from bridge.errors import UserError
from neural import hardware
from neural import refine as rf
from neural.wan import DEFAULT_MODEL

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

FAST = {"steps": 4, "strength": 0.5, "guidance": 2.0}


@pytest.fixture(scope="module")
def saved_wan(tmp_path_factory):
    """A tiny Wan pipeline saved as a diffusers folder, and the pipeline itself."""
    from neural.testing import tiny_wan_pipeline

    pipe = tiny_wan_pipeline()
    folder = tmp_path_factory.mktemp("tiny-wan")
    pipe.save_pretrained(folder)
    return folder, pipe


def test_weights_are_counted_from_the_safetensors_headers(saved_wan):
    folder, pipe = saved_wan
    saved = {t.data_ptr(): t for part in pipe.components.values()  # tied weights once
             if isinstance(part, torch.nn.Module) for t in part.state_dict().values()}
    assert hardware.model_bytes(folder, 4) == sum(4 * t.numel() for t in saved.values())
    # loaded, the pipeline also holds buffers that are not saved (rotary tables)
    assert hardware.pipeline_bytes(pipe) > hardware.model_bytes(folder, 4)
    assert hardware.model_bytes(folder, 2) * 2 == hardware.model_bytes(folder, 4)
    assert hardware.model_bytes(folder / "nothing-here", 2) is None


def test_a_large_model_without_a_gpu_is_refused_unless_cpu_is_asked_for(
        saved_wan, shot, monkeypatch):
    from simshot.cli import main

    folder, _ = saved_wan
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(hardware, "LARGE_BYTES", 1000)  # the tiny model plays a large one
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(UserError) as err:
        rf.refine_shot(shot, rf.RefineOptions(model=str(folder), **FAST))
    text = str(err.value)
    assert "no CUDA GPU" in text and str(folder) in text and "--device cpu" in text
    assert f"huggingface-cli download {DEFAULT_MODEL}" in text and "28 GB" in text
    assert not (shot / "refined.mp4").exists()
    assert main(["refine", str(shot), "--model", str(folder)]) == 2
    rf.refine_shot(shot, rf.RefineOptions(model=str(folder), device="cpu", **FAST))
    assert (shot / "refined.mp4").is_file()


def test_an_uncached_hub_id_on_a_machine_without_a_gpu_says_so_weights_first(
        shot, tmp_path, monkeypatch):
    from neural import wan

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr("huggingface_hub.try_to_load_from_cache", lambda *a, **kw: None)
    monkeypatch.setattr(wan, "load_pipeline", lambda *a: pytest.fail("tried to load"))
    with pytest.raises(UserError) as err:
        rf.refine_shot(shot, rf.RefineOptions(**FAST))
    text = str(err.value)
    assert text.index("weights not on this machine") < text.index(
        f"huggingface-cli download {DEFAULT_MODEL}") < text.index("No CUDA GPU found")
    assert "--device cpu" in text
    with pytest.raises(UserError) as err:  # asked for the CPU: no GPU advice
        rf.refine_shot(shot, rf.RefineOptions(device="cpu", **FAST))
    assert "weights not on this machine" in str(err.value)
    assert "No CUDA GPU" not in str(err.value)


def test_a_model_too_big_for_the_gpu_asks_for_offloading(monkeypatch):
    monkeypatch.setattr(torch.cuda, "get_device_properties",
                        lambda device: SimpleNamespace(total_memory=8 << 30))
    cuda = torch.device("cuda")
    big, small = 6 << 30, 2 << 30  # 6 GiB of weights + working memory exceed 8 GiB
    with pytest.raises(UserError, match="--offload model") as err:
        hardware.check_fits("Wan-AI/x", big, rf.RefineOptions(), cuda, "Wan-AI/x", "hint")
    assert "8.6 GB" in str(err.value)  # the GPU's memory, in GB
    hardware.check_fits("Wan-AI/x", big, rf.RefineOptions(offload="model"), cuda,
                        "Wan-AI/x", "hint")
    hardware.check_fits("Wan-AI/x", small, rf.RefineOptions(), cuda, "Wan-AI/x", "hint")
