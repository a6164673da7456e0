"""The shot folder (DESIGN.md): atomic creation and the JSON artifacts' layout."""
from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bridge.files import atomic_write

if TYPE_CHECKING:  # the names alone: the command line imports this module at start-up,
    import numpy as np  # where the schema (half a second) and numpy are not yet needed

    from bridge.instances import Instance
    from bridge.schema import Scene
    from bridge.timing import TimeMap

# Every file and folder of a shot, named once here and nowhere else (DESIGN.md).
SCENE = "scene.yaml"
PLAN_TRACE = "plan_trace.json"  # only when planned from a prompt
SIMULATION = "simulation.npz"  # the physics stage's recording: every body at its step rate
SIMULATION_INFO = "simulation.json"  # its events in simulated time, masses, sample interval
TRAJECTORY = "trajectory.npz"
EVENTS = "events.json"
METADATA = "metadata.json"
RGB = "rgb.mp4"
ANNOTATIONS = "annotations.npz"  # 3D boxes, image positions, where events are seen
REPORT = "report.json"
STAGES = "stages.json"  # input hashes of the stages that produced this folder
REPORT_HTML = "report.html"
CONTACT_SHEET = "contact_sheet.png"
REFINED = "refined.mp4"


@dataclass(frozen=True)
class FrameFiles:
    """One file per video frame in a folder of the shot: `folder/stem_00000.suffix`."""

    folder: str
    stem: str
    suffix: str

    def name(self, frame: int) -> str:
        return f"{self.stem}_{frame:05d}{self.suffix}"

    def path(self, shot_dir: Path, frame: int) -> Path:
        return Path(shot_dir) / self.folder / self.name(frame)

    def paths(self, shot_dir: Path, count: int) -> list[Path]:
        return [self.path(shot_dir, k) for k in range(count)]

    @property
    def pattern(self) -> str:
        """The glob of the files inside the folder."""
        return f"{self.stem}_*{self.suffix}"


DEPTH = FrameFiles("depth", "depth", ".tiff")  # float32 [H,W] metres along the camera axis
SEGMENTATION = FrameFiles("segmentation", "segmentation", ".png")  # uint16 [H,W] instance ids
FORWARD_FLOW = FrameFiles("flow", "forward_flow", ".npy")  # float32 [H,W,2] (dx, dy) pixels
BACKWARD_FLOW = FrameFiles("flow", "backward_flow", ".npy")
NORMALS = FrameFiles("normals", "normals", ".tiff")  # uint16 [H,W,3], (n + 1) / 2 x 65535
OBJECT_COORDINATES = FrameFiles("object_coordinates", "object_coordinates", ".tiff")
REFINED_FRAMES = FrameFiles("refined", "refined", ".png")  # uint8 [H,W,3], after refinement

# Render passes: the name `--passes` takes and the per-frame files it writes (rgb: the video).
PASS_FILES: dict[str, tuple[FrameFiles, ...]] = {
    "rgb": (), "depth": (DEPTH,), "segmentation": (SEGMENTATION,),
    "flow": (FORWARD_FLOW, BACKWARD_FLOW), "normals": (NORMALS,),
    "object_coordinates": (OBJECT_COORDINATES,)}
ALL_PASSES = frozenset(PASS_FILES)
DEFAULT_PASSES = frozenset({"rgb", "depth", "segmentation", "flow"})
RENDER_OUTPUTS = (RGB, *(f.folder for f in (DEPTH, SEGMENTATION, FORWARD_FLOW, NORMALS,
                                            OBJECT_COORDINATES)), ANNOTATIONS)


def framed_events(events: dict, timing: TimeMap) -> dict:
    """events.json: each collision, fracture and fired event with `frame`, the first video
    frame that shows its time, placed after its `time`."""
    def framed(entry: dict) -> dict:
        out = {}
        for key, value in entry.items():
            out[key] = value
            if key == "time":
                out["frame"] = timing.frame_of(value)
        return out

    return {kind: [framed(e) for e in entries] for kind, entries in events.items()}


def read_segmentation(path: Path) -> np.ndarray:
    """A segmentation PNG back as [H,W] uint16 ids."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image, dtype=np.uint16)


def write_json(path: Path, data: object) -> None:
    """Write JSON atomically, so a reader never sees half a file."""
    atomic_write(path, json.dumps(data, indent=1, default=_jsonable, allow_nan=False) + "\n")


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


def _jsonable(value: object) -> object:
    import numpy as np

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
