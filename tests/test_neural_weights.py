"""neural.weights: refining reads weights from this machine only. Weights that are not here are
said first, with the download command and GPU advice after it, at once and without a single
connection; weights in a local folder or in the Hugging Face cache load without one too."""
from __future__ import annotations

import warnings

import pytest
import torch

from bridge import shot as shotfiles
from bridge.errors import UserError
from neural import refine as rf
from neural import weights
from neural.testing import tiny_wan_pipeline
from neural.wan import DEFAULT_MODEL
from tests.tiny_models import empty_hf_cache, refuse_network

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

FAST = {"steps": 4, "strength": 0.5, "guidance": 2.0}
ABSENT = "weights not on this machine"


@pytest.fixture
def hf_cache(monkeypatch, tmp_path):
    """An empty Hugging Face cache, with HF_HUB_OFFLINE unset (downloads would be allowed)."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return empty_hf_cache(monkeypatch, tmp_path)


@pytest.fixture
def connections(monkeypatch):
    """Every connection attempt, each refused at once."""
    return refuse_network(monkeypatch)


def _cached(cache, repo: str, pipe=None):
    """Lay `pipe` (or only its model_index.json: a download cut short) out in the cache as
    huggingface_hub does: snapshots/<commit>/ and refs/main naming the commit."""
    root = cache / f"models--{repo.replace('/', '--')}"
    snapshot = root / "snapshots" / "4f1c0de"
    if pipe is None:
        snapshot.mkdir(parents=True)
        (snapshot / weights.INDEX).write_text('{"_class_name": "WanVideoToVideoPipeline"}')
    else:
        pipe.save_pretrained(snapshot)
    (root / "refs").mkdir()
    (root / "refs" / "main").write_text(snapshot.name)
    return snapshot


def test_absent_weights_are_said_first_and_nothing_is_asked_of_the_hub(
        shot, hf_cache, connections, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. huggingface_hub's local_dir_use_symlinks
        with pytest.raises(UserError) as err:
            rf.refine_shot(shot, rf.RefineOptions(device="cpu", **FAST))
    text = err.value.problems[0].message
    assert text.startswith(f"{DEFAULT_MODEL!r}: {ABSENT} (not in the Hugging Face cache")
    assert f"`huggingface-cli download {DEFAULT_MODEL}`" in text and "No CUDA GPU" not in text

    with pytest.raises(UserError) as err:  # --device auto, and no GPU: that comes second
        rf.refine_shot(shot, rf.RefineOptions(**FAST))
    text = str(err.value)
    assert text.index(ABSENT) < text.index("huggingface-cli download") < text.index(
        "No CUDA GPU found") < text.index("--device cpu")
    assert connections == [] and not (shot / shotfiles.REFINED).exists()


def test_the_cli_says_so_at_once(shot, hf_cache, connections, monkeypatch, capsys):
    from simshot.cli import main

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert main(["refine", str(shot), "--device", "cpu"]) == 2
    printed = " ".join(capsys.readouterr().err.split())
    assert ABSENT in printed and f"huggingface-cli download {DEFAULT_MODEL}" in printed
    assert connections == []


def test_weights_in_the_hub_cache_load_without_a_connection(shot, hf_cache, connections):
    snapshot = _cached(hf_cache, "tiny/wan", tiny_wan_pipeline())
    assert weights.weights_folder("tiny/wan") == snapshot
    rf.refine_shot(shot, rf.RefineOptions(model="tiny/wan", device="cpu", **FAST))
    assert (shot / shotfiles.REFINED).is_file()
    assert shotfiles.read_json(shot / shotfiles.REPORT)["refine"]["model"] == "tiny/wan"
    assert connections == []


def test_a_download_cut_short_is_a_load_error_without_a_connection(hf_cache, connections):
    from neural.wan import load_pipeline

    _cached(hf_cache, "tiny/half", None)
    with pytest.raises(UserError) as err:
        load_pipeline("tiny/half", torch.float32)
    text = err.value.problems[0].message
    assert text.startswith("'tiny/half': the weights could not be loaded (")
    assert "`huggingface-cli download tiny/half`" in text and connections == []


def test_a_local_folder_is_a_folder_and_names_the_default_to_download(tmp_path):
    folder = tmp_path / "owner"
    assert weights.is_hub_id("owner/name") and not weights.is_hub_id("./owner/name")
    assert not weights.is_hub_id(str(folder)) and not weights.is_hub_id("a/b/c")
    assert weights.weights_folder(str(folder)) is None
    assert f"(no folder {folder})" in weights.not_here(str(folder), DEFAULT_MODEL, "big")
    folder.mkdir()
    assert "(no model_index.json)" in weights.not_here(str(folder), DEFAULT_MODEL, "big")
    assert f"download {DEFAULT_MODEL}` (or `hf download {DEFAULT_MODEL}`)" in (
        weights.not_here(str(folder), DEFAULT_MODEL, "big"))
    (folder / weights.INDEX).write_text("{}")
    assert weights.weights_folder(str(folder)) == folder
