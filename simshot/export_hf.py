"""Hugging Face export: a folder that `datasets.load_dataset(folder)` loads.

data/train-*.parquet holds one row per accepted sample: its scalars, its JSON artifacts as
strings and paths, relative to the folder, of videos/KEY.mp4 and passes/KEY/<pass>.npy. The
folder is built beside its destination and renamed into place (bridge.shot.staging).
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from bridge import shot
from bridge.errors import UserError
from simshot.export_read import PASSES, Sample, accepted_samples, dataset_info, write_passes

MARK = "export.json"  # tells an earlier export, which may be replaced, from anything else
PARQUET_BYTES = 256_000_000  # of strings per parquet file: the JSON artifacts dominate
PATH_COLUMNS = [f"{name}_path" for name in (*PASSES, "trajectory", "annotations")]
COLUMNS = ["key", "scene", "scene_file", "num_frames", "fps", "width", "height", "video_path",
           "metadata", "events", "report", "script", *PATH_COLUMNS]
INT_COLUMNS = {"num_frames", "fps", "width", "height"}
CARD = """\
---
configs:
- config_name: default
  data_files:
  - split: train
    path: data/*.parquet
---

# {name}

Synthetic physics shots made by `simshot dataset`:
{count} samples from {scenes}.

Each row is one shot. `video_path` and the `*_path` columns are relative to this folder;
load a pass with `numpy.load(folder / row["depth_path"])`:

| column | content |
|---|---|
| key, scene, scene_file | sample key, the script's `name`, the dataset's scene file |
| num_frames, fps, width, height | video size |
| video_path | `videos/KEY.mp4`, H.264 (null when not rendered) |
| metadata, events, report, script | the shot's metadata.json, events.json, report.json and scene.yaml |
| depth_path | float32 [F, H, W], metres along the camera axis |
| segmentation_path | uint16 [F, H, W], instance ids (`metadata` lists them), 0 = background |
| forward_flow_path, backward_flow_path | float32 [F, H, W, 2], (dx, dy) pixels |
| normals_path, object_coordinates_path | uint16 [F, H, W, 3]: (n + 1) / 2 and box-relative surface points, x 65535 |
| trajectory_path | trajectory.npz: times, and pos/quat/linvel/angvel per instance |
| annotations_path | annotations.npz: 3D boxes, image positions, event image positions |
"""


def export_hf(dataset_dir: Path, out_dir: Path) -> Path:
    """Write the accepted samples as a Hugging Face dataset folder out_dir; return its path."""
    samples = accepted_samples(dataset_dir)
    out_dir = Path(out_dir)
    _check_replaceable(out_dir)
    info = dataset_info(dataset_dir)
    with shot.staging(out_dir) as tmp:
        _write_parquet((_row(sample, tmp) for sample in samples), tmp / "data")
        scenes = ", ".join(map(str, info.get("scenes") or sorted({s.scene_file for s in samples})))
        card = CARD.format(name=Path(dataset_dir).resolve().name, count=len(samples),
                           scenes=scenes or "its scene scripts")
        (tmp / "README.md").write_text(card, encoding="utf-8")
        shot.write_json(tmp / MARK, {"version": 1, "format": "huggingface",
                                     "samples": len(samples), "dataset": info})
    return out_dir.resolve()


def _check_replaceable(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} is a file: give a folder to export into")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARK).is_file():
        raise UserError(f"{out_dir} is not empty and holds no earlier export to replace: "
                        "give a new or empty folder, or delete this one")


def _row(sample: Sample, root: Path) -> dict:
    folder, key = sample.folder, sample.key
    meta_text = (folder / shot.METADATA).read_text(encoding="utf-8")
    scene = json.loads(meta_text)["scene"]
    width, height = scene["resolution"]
    passes = root / "passes" / key
    paths = write_passes(folder, passes)
    paths["trajectory"] = _link(folder / shot.TRAJECTORY, passes / shot.TRAJECTORY)
    if (folder / shot.ANNOTATIONS).is_file():
        paths["annotations"] = _link(folder / shot.ANNOTATIONS, passes / shot.ANNOTATIONS)
    row = {"key": key, "scene": scene["name"], "scene_file": sample.scene_file,
           "num_frames": scene["num_frames"], "fps": scene["fps"], "width": width,
           "height": height,
           "video_path": _relative(_link(folder / shot.RGB, root / "videos" / f"{key}.mp4"),
                                   root),
           "metadata": meta_text,
           "events": (folder / shot.EVENTS).read_text(encoding="utf-8"),
           "report": (folder / shot.REPORT).read_text(encoding="utf-8"),
           "script": (folder / shot.SCENE).read_text(encoding="utf-8")}
    row.update({f"{name}_path": _relative(path, root) for name, path in paths.items()})
    return row


def _relative(path: Path | None, root: Path) -> str | None:
    return path.relative_to(root).as_posix() if path else None


def _link(src: Path, dst: Path) -> Path | None:
    """Hard-link src to dst (copy across disks); None when the shot has no such file."""
    if not src.is_file():
        return None
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
    return dst


def _chunks(rows: Iterator[dict]) -> Iterator[list[dict]]:
    """Rows in groups of about PARQUET_BYTES of text, so no file (or list) grows unbounded."""
    chunk, size = [], 0
    for row in rows:
        chunk.append(row)
        size += sum(len(v) for v in row.values() if isinstance(v, str))
        if size >= PARQUET_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _write_parquet(rows: Iterator[dict], data: Path) -> None:
    try:  # rows is lazy: nothing has been exported yet when this fails
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UserError("the Hugging Face export needs pyarrow: "
                        "pip install -e '.[data]'") from None
    data.mkdir()
    schema = pa.schema([(n, pa.int32() if n in INT_COLUMNS else pa.string()) for n in COLUMNS])
    parts = []
    for i, chunk in enumerate(_chunks(rows)):
        parts.append(data / f"part-{i}.parquet")
        pq.write_table(pa.Table.from_pylist(chunk, schema=schema), parts[-1])
    for i, part in enumerate(parts):  # the count is known only at the end
        part.rename(data / f"train-{i:05d}-of-{len(parts):05d}.parquet")
