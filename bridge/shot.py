"""The shot folder (DESIGN.md): atomic creation and the JSON artifacts' layout."""
from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from bridge.files import atomic_write
from bridge.instances import Instance
from bridge.schema import Scene
from bridge.timing import TimeMap

SCENE = "scene.yaml"
TRAJECTORY = "trajectory.npz"
EVENTS = "events.json"
METADATA = "metadata.json"
REPORT = "report.json"
STAGES = "stages.json"  # input hashes of the stages that produced this folder
RENDER_OUTPUTS = ("rgb.mp4", "depth", "segmentation", "flow", "normals", "object_coordinates",
                  "annotations.npz")


def write_json(path: Path, data: object) -> None:
    """Write JSON atomically, so a reader never sees half a file."""
    atomic_write(path, json.dumps(data, indent=1, default=_jsonable, allow_nan=False) + "\n")


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


def _jsonable(value: object) -> object:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A temporary sibling of `out` that replaces it only if the block succeeds."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{uuid.uuid4().hex[:8]}")
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap_in(tmp, out)


def _swap_in(tmp: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(out, old)
    os.rename(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def reuse(src: Path, dst: Path, names: tuple[str, ...]) -> None:
    """Carry unchanged artifacts into the new folder by hard link (copy across devices)."""
    for name in names:
        source = src / name
        if source.is_dir():
            shutil.copytree(source, dst / name, copy_function=_link)
        elif source.exists():
            _link(source, dst / name)


def _link(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def metadata(scene: Scene, instances: list[Instance], masses: dict[str, float],
             camera: dict | None, bbox_2d: dict | None, visibility: dict | None) -> dict:
    """The metadata.json content; camera and per-frame boxes only once rendered."""
    from bridge.assets.registry import default_material

    def entry(inst: Instance) -> dict:
        body = inst.body
        return {
            "id": inst.id, "name": inst.name, "parent": inst.parent, "kind": inst.kind,
            "asset": body.asset if body else None,
            "material": (body.material or default_material(body.asset)) if body else None,
            "mass": masses.get(inst.name),
            "static": bool(body and body.static and inst.kind == "rigid"),
            "bbox_2d": bbox_2d.get(inst.name) if bbox_2d else None,
            "visibility": visibility.get(inst.name) if visibility else None,
        }

    timing = scene.time_map()
    return {
        "scene": {"name": scene.name, "seed": scene.seed, "duration": scene.duration,
                  "fps": scene.fps, "num_frames": scene.num_frames,
                  "resolution": list(scene.resolution), "gravity": list(scene.world.gravity)},
        "camera": camera,
        "frames": {"sim_time": timing.times.tolist(), "shot": timing.shot.tolist()},
        "shots": _shots(scene, timing),
        "instances": [entry(i) for i in instances],
    }


def _shots(scene: Scene, timing: TimeMap) -> list[dict]:
    """Per shot: its frames, its cut time and the script's camera settings for it."""
    ends = [*timing.cuts[1:], timing.num_frames]
    specs = [s.model_dump(mode="json", by_alias=True, exclude_none=True)
             for s in scene.camera.shots] or [{"from": 0.0}]
    return [{"index": i, "first_frame": first, "last_frame": end - 1, **spec}
            for i, (first, end, spec) in enumerate(zip(timing.cuts, ends, specs))]
