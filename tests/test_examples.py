"""Every bundled example simulates, renders and meets its own expectations (at low resolution),
and gives the trajectory and segmentation it gave before the application moved out of
`bridge` (tests/data/example_digests.json, recorded on the code before the move; the
segmentation of glass_off_table, juice_glass_falls, plate_off_shelf and wine_glass_ball was
recorded again when their cameras were made to frame their breaks)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from bridge import shot as shotfiles
from bridge.loader import load_scene
from simshot.pipeline import run_shot

ROOT = Path(__file__).resolve().parents[1]
SCENES = sorted((ROOT / "scenes").glob("*.yaml"))
DIGESTS = json.loads((ROOT / "tests" / "data" / "example_digests.json").read_text())


def digests(folder: Path) -> dict[str, str]:
    """sha256 of trajectory.npz's arrays (by name) and of the segmentation frames' ids."""
    trajectory = hashlib.sha256()
    with np.load(folder / shotfiles.TRAJECTORY) as data:
        for key in sorted(data.files):
            trajectory.update(key.encode())
            trajectory.update(np.ascontiguousarray(data[key]).tobytes())
    segmentation = hashlib.sha256()
    files = shotfiles.SEGMENTATION
    for path in sorted((folder / files.folder).glob(files.pattern)):
        segmentation.update(shotfiles.read_segmentation(path).tobytes())
    return {"trajectory": trajectory.hexdigest(), "segmentation": segmentation.hexdigest()}


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENES, ids=lambda p: p.stem)
def test_example_renders_and_its_expectations_pass(path, tmp_path):
    loaded = load_scene(path)
    small = loaded.scene.model_copy(update={"resolution": (96, 96)})
    result = run_shot(dataclasses.replace(loaded, scene=small), tmp_path / "shot", page=False)
    failed = [e for e in result.report["expectations"] if e["passed"] is not True]
    assert not failed, failed
    assert (tmp_path / "shot" / shotfiles.RGB).stat().st_size > 0
    assert digests(tmp_path / "shot") == DIGESTS[path.stem]


def test_every_example_has_a_recorded_digest():
    assert sorted(DIGESTS) == [p.stem for p in SCENES]


if __name__ == "__main__":  # after a change meant to alter the examples: record them again
    import tempfile

    found = {}
    for path in SCENES:
        loaded = load_scene(path)
        small = loaded.scene.model_copy(update={"resolution": (96, 96)})
        with tempfile.TemporaryDirectory() as tmp:
            run_shot(dataclasses.replace(loaded, scene=small), Path(tmp) / "shot", page=False)
            found[path.stem] = digests(Path(tmp) / "shot")
    (ROOT / "tests" / "data" / "example_digests.json").write_text(
        json.dumps(found, indent=4, sort_keys=True) + "\n")
