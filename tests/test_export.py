"""Dataset export: WebDataset shards and a Hugging Face folder, read back with their libraries."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image

from bridge.errors import UserError
from bridge.loader import load_scene
from simshot.export_hf import export_hf
from simshot.export_wds import export_webdataset
from simshot.pipeline import run_shot

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

SCRIPT = """\
name: drop-{i}
seed: {i}
duration: 0.25
fps: 12
resolution: [32, 32]
bodies:
  - {{name: ball, asset: tennis_ball, position: [{x}, 0, 0.3]}}
camera: {{position: [0, -1.0, 0.4], look_at: [0, 0, 0.1]}}
"""
ACCEPTED = ["000000", "000002", "000003"]
# Out of order, a rejected sample, a rerun's duplicate, an accepted line whose folder is gone
# and an append cut short by a crash: only ACCEPTED count, once each.
MANIFEST = [
    {"index": 0, "key": "000000", "scene": "drop.yaml", "status": "accepted", "attempts": 1},
    {"index": 1, "key": "000001", "scene": "drop.yaml", "status": "rejected", "attempts": 3,
     "reason": "expectations failed"},
    {"index": 3, "key": "000003", "scene": "drop.yaml", "status": "accepted", "attempts": 1},
    {"index": 2, "key": "000002", "scene": "drop.yaml", "status": "accepted", "attempts": 2},
    {"index": 0, "key": "000000", "scene": "drop.yaml", "status": "accepted", "attempts": 1},
    {"index": 4, "key": "000004", "scene": "drop.yaml", "status": "accepted", "attempts": 1},
]
PASS_FILES = {"depth": ("depth", "depth_*.tiff"),
              "segmentation": ("segmentation", "segmentation_*.png"),
              "forward_flow": ("flow", "forward_flow_*.npy"),
              "backward_flow": ("flow", "backward_flow_*.npy")}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    """A dataset folder as `simshot dataset` leaves it: three rendered samples and a manifest."""
    base = tmp_path_factory.mktemp("export")
    folder = base / "drops"
    with pytest.MonkeyPatch.context() as patch:  # conftest's cache fixture is per test
        patch.setenv("SIMSHOT_CACHE_DIR", str(base / "cache"))
        for key in ACCEPTED:
            script = base / f"{key}.yaml"
            script.write_text(SCRIPT.format(i=int(key), x=0.05 * int(key)))
            run_shot(load_scene(script), folder / "samples" / key, page=False)
    info = {"version": 1, "scenes": ["drop.yaml"], "seed": 0, "n": 5,
            "passes": ["rgb", "depth", "segmentation", "flow"], "resolution": [32, 32]}
    (folder / "dataset.json").write_text(json.dumps(info))
    lines = "".join(json.dumps(entry) + "\n" for entry in MANIFEST)
    (folder / "manifest.jsonl").write_text(lines + '{"index": 5, "key": "0000')
    return folder


def _frames(sample: Path, name: str) -> np.ndarray:
    sub, pattern = PASS_FILES[name]
    files = sorted((sample / sub).glob(pattern))
    if name == "depth":
        return np.stack([tifffile.imread(f) for f in files])
    if name == "segmentation":
        return np.stack([np.asarray(Image.open(f)) for f in files])
    return np.stack([np.load(f) for f in files])


def _check_arrays(sample: Path, arrays: dict[str, np.ndarray]) -> None:
    for name, array in arrays.items():
        expected = _frames(sample, name)
        assert array.dtype == expected.dtype and array.shape[0] == 3, name
        np.testing.assert_array_equal(array, expected, err_msg=name)
    assert arrays["depth"].dtype == np.float32 and arrays["segmentation"].dtype == np.uint16
    assert arrays["forward_flow"].shape == (3, 32, 32, 2)


def test_webdataset_shards_read_back(dataset, tmp_path):
    import webdataset as wds

    shards = export_webdataset(dataset, tmp_path / "wds")
    assert [s.name for s in shards] == ["shard-000000.tar"]
    loaded = list(wds.WebDataset([str(s) for s in shards], shardshuffle=False).decode())
    assert [s["__key__"] for s in loaded] == ACCEPTED
    for item in loaded:
        sample = dataset / "samples" / item["__key__"]
        assert item["mp4"] == (sample / "rgb.mp4").read_bytes()
        record = item["json"]
        assert record["key"] == item["__key__"]
        assert record["scene"] == json.loads((sample / "metadata.json").read_text())
        assert record["events"] == json.loads((sample / "events.json").read_text())
        assert record["report"] == json.loads((sample / "report.json").read_text())
        assert record["script"] == (sample / "scene.yaml").read_text()
        _check_arrays(sample, {name: item[f"{name}.npy"] for name in PASS_FILES})
        with np.load(sample / "trajectory.npz") as trajectory:
            assert set(item["trajectory.npz"]) == set(trajectory.files)
            np.testing.assert_array_equal(item["trajectory.npz"]["times"], trajectory["times"])
    index = json.loads((tmp_path / "wds" / "index.json").read_text())
    assert index["samples"] == 3 and index["shards"][0]["keys"] == ACCEPTED


def test_small_shards_hold_one_sample_each_and_stale_shards_go(dataset, tmp_path):
    out = tmp_path / "wds"
    shards = export_webdataset(dataset, out, shard_size_mb=1e-6)
    assert len(shards) == 3
    index = json.loads((out / "index.json").read_text())
    assert [s["keys"] for s in index["shards"]] == [[key] for key in ACCEPTED]
    assert [s["bytes"] for s in index["shards"]] == [p.stat().st_size for p in shards]
    export_webdataset(dataset, out)
    assert sorted(p.name for p in out.iterdir()) == ["index.json", "shard-000000.tar"]


def test_exporting_twice_is_byte_identical(dataset, tmp_path):
    first = export_webdataset(dataset, tmp_path / "a", shard_size_mb=0.2)  # ~80 kB a sample
    second = export_webdataset(dataset, tmp_path / "b", shard_size_mb=0.2)
    assert len(first) == 2
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert (tmp_path / "a" / "index.json").read_bytes() == \
        (tmp_path / "b" / "index.json").read_bytes()


def test_hugging_face_folder_loads(dataset, tmp_path):
    import datasets

    out = export_hf(dataset, tmp_path / "hf")
    assert sorted(p.name for p in (out / "data").iterdir()) == ["train-00000-of-00001.parquet"]
    rows = datasets.load_dataset(str(out), split="train", cache_dir=str(tmp_path / "cache"))
    assert rows.num_rows == 3 and rows["key"] == ACCEPTED
    assert {"scene", "num_frames", "fps", "width", "height", "video_path", "metadata", "events",
            "report", "script", "depth_path", "segmentation_path", "forward_flow_path",
            "backward_flow_path", "trajectory_path"} <= set(rows.column_names)
    for row in rows:
        sample = dataset / "samples" / row["key"]
        assert (row["num_frames"], row["fps"], row["width"], row["height"]) == (3, 12, 32, 32)
        assert (out / row["video_path"]).read_bytes() == (sample / "rgb.mp4").read_bytes()
        assert json.loads(row["metadata"]) == json.loads((sample / "metadata.json").read_text())
        _check_arrays(sample, {name: np.load(out / row[f"{name}_path"])
                               for name in PASS_FILES})
    again = export_hf(dataset, out)  # an earlier export is replaced
    assert datasets.load_dataset(str(again), split="train",
                                 cache_dir=str(tmp_path / "cache2")).num_rows == 3


def test_hugging_face_export_keeps_a_foreign_folder(dataset, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="not empty"):
        export_hf(dataset, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_folder_without_samples_is_refused(tmp_path):
    for export in (export_webdataset, export_hf):
        with pytest.raises(UserError, match="simshot dataset SCENE -n N -o DIR"):
            export(tmp_path, tmp_path / "out")
    (tmp_path / "manifest.jsonl").write_text(json.dumps(MANIFEST[1]) + "\n")
    with pytest.raises(UserError, match="no accepted samples"):
        export_webdataset(tmp_path, tmp_path / "out")
    (tmp_path / "manifest.jsonl").write_text("{oops\n" + json.dumps(MANIFEST[0]) + "\n")
    with pytest.raises(UserError, match="manifest.jsonl:1: not a JSON line"):
        export_hf(tmp_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()
