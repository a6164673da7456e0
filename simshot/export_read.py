"""Reading a `simshot dataset` folder for export: the manifest's accepted samples and their passes.

Only the files of the shot-folder contract (DESIGN.md) are read, never through the renderer,
whose import pulls in OpenGL. A pass's frames are stacked into one .npy through a memory map,
so a long high-resolution sample never has to fit in memory.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tifffile
from PIL import Image

from bridge import shot
from bridge.errors import UserError
from simshot.dataset import MANIFEST, SETTINGS, manifest_entries
from simshot.dataset_sample import SAMPLES

RUN_FIRST = "run `simshot dataset SCENE -n N -o DIR` first"
# No dots: WebDataset splits a member name into key and field at the first dot.
KEY = re.compile(r"[A-Za-z0-9_-]+")
# array name -> a shot's per-frame files of it (the file stem)
PASSES = {files.stem: files for files in (shot.DEPTH, shot.SEGMENTATION, shot.FORWARD_FLOW,
                                          shot.BACKWARD_FLOW, shot.NORMALS,
                                          shot.OBJECT_COORDINATES)}


@dataclass(frozen=True)
class Sample:
    """One accepted sample: its manifest index and key, the scene file it came from, its folder."""

    index: int
    key: str
    scene_file: str
    folder: Path


def accepted_samples(dataset_dir: Path) -> list[Sample]:
    """Accepted samples whose folder exists, by index; of a rerun's lines the last one wins."""
    dataset_dir = Path(dataset_dir)
    manifest = dataset_dir / MANIFEST
    if not manifest.is_file():
        raise UserError(f"{dataset_dir}: no {MANIFEST}, so not a dataset folder: {RUN_FIRST}")
    latest = {entry["index"]: entry for entry in manifest_entries(manifest)}
    samples = [_sample(dataset_dir, entry) for _, entry in sorted(latest.items())
               if entry.get("status") == "accepted"]
    samples = [s for s in samples if s.folder.is_dir()]
    if not samples:
        raise UserError(f"{dataset_dir}: no accepted samples in {MANIFEST}: {RUN_FIRST}")
    return samples


def _sample(dataset_dir: Path, entry: dict) -> Sample:
    key = str(entry.get("key", ""))
    if not KEY.fullmatch(key):  # the key names files and folders: keep it inside them
        raise UserError(f"{dataset_dir / MANIFEST}: sample {entry['index']} has key {key!r}; "
                        "a key is letters, digits, '_' and '-' only")
    return Sample(entry["index"], key, str(entry.get("scene", "")),
                  dataset_dir / SAMPLES / key)


def dataset_info(dataset_dir: Path) -> dict:
    """dataset.json's content (scenes, seed, n, passes, resolution), or {} without one; the
    scenes as paths relative to the dataset folder, so an export names no absolute path."""
    path = Path(dataset_dir) / SETTINGS
    info = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if "scenes" in info:
        info["scenes"] = [os.path.relpath(scene, Path(dataset_dir).resolve())
                          for scene in info["scenes"]]
    return info


def write_passes(folder: Path, dest: Path) -> dict[str, Path]:
    """Stack each pass present in the shot folder into dest/NAME.npy [F,H,W(,2)]; name -> path."""
    written = {}
    for name, files in PASSES.items():
        # 5-digit frame numbers: name order is frame order
        frames = sorted((folder / files.folder).glob(files.pattern))
        if frames:
            dest.mkdir(parents=True, exist_ok=True)
            written[name] = _stack(frames, dest / f"{name}.npy")
    return written


def _stack(frames: list[Path], path: Path) -> Path:
    first = _read_frame(frames[0])
    array = np.lib.format.open_memmap(path, mode="w+", dtype=first.dtype,
                                      shape=(len(frames), *first.shape))
    array[0] = first
    for i, frame in enumerate(frames[1:], 1):
        array[i] = _read_frame(frame)
    array.flush()
    del array  # closes the map before the file is read or moved
    return path


def _read_frame(path: Path) -> np.ndarray:
    if path.suffix == ".tiff":
        return tifffile.imread(path)
    if path.suffix == ".png":
        with Image.open(path) as image:
            return np.asarray(image)
    return np.load(path, allow_pickle=False)
