"""Every bundled example simulates, renders and meets its own expectations (at low resolution),
and its script bodies are where they were when last recorded (tests/data/example_digests.json)
at its start and half a second in, within a millimetre.

A tolerance, not a hash of the bits: the same script gives bit-identical results on one
machine, but another CPU rounds a few operations differently (the trajectories of a fresh
machine differed in their last bits from the recorded ones), and the particle fluid's
compiled kernels are built for the machine's own instruction set. Where a scene is chaotic
(a liquid sloshing, a tablecloth pulled, a plate tumbling off a shelf) those last bits grow:
on a CPU with other vector units than the recording one's, bodies stood up to 2 cm from the
recorded places at half a second (measured on 2026-12-07, every expectation still met). So
the digests record the CPU's vector units, and on another CPU the places are held to 3 cm."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from bridge import shot as shotfiles
from bridge.loader import load_scene
from simshot.pipeline import run_shot

ROOT = Path(__file__).resolve().parents[1]
SCENES = sorted((ROOT / "scenes").glob("*.yaml"))
RECORDED = json.loads((ROOT / "tests" / "data" / "example_digests.json").read_text())
DIGESTS = RECORDED["scenes"]


EARLY_S = 0.5  # before a break or a splash can make small differences grow
TOLERANCE_M, OTHER_CPU_TOLERANCE_M = 1e-3, 0.03
# the vector units numpy, numba and MuJoCo pick their code paths by
VECTOR_UNITS = frozenset({"sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw",
                          "avx512vl", "avx512_vnni", "avx512_bf16"})


def cpu_units() -> str:
    """This machine's vector units, as /proc/cpuinfo names them ('' where it cannot tell)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return ""
    flags = next((line.split(":", 1)[1].split() for line in lines
                  if line.startswith("flags")), [])
    return " ".join(sorted(VECTOR_UNITS & set(flags)))


def digests(folder: Path) -> dict[str, list]:
    """Each script body's position at the first frame and at EARLY_S."""
    with np.load(folder / shotfiles.TRAJECTORY) as data:
        times = data["times"]
        early = int(np.searchsorted(times, EARLY_S))
        return {key.removeprefix("pos/"): np.round(data[key][[0, early]], 6).tolist()
                for key in sorted(data.files)
                if key.startswith("pos/") and "/frag_" not in key}


def same_places(found: dict[str, list], recorded: dict[str, list]) -> bool:
    tolerance = TOLERANCE_M if cpu_units() == RECORDED["cpu"] else OTHER_CPU_TOLERANCE_M
    return sorted(found) == sorted(recorded) and all(
        np.allclose(found[k], recorded[k], atol=tolerance, equal_nan=True) for k in found)


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENES, ids=lambda p: p.stem)
def test_example_renders_and_its_expectations_pass(path, tmp_path):
    loaded = load_scene(path)
    small = loaded.scene.model_copy(update={"resolution": (96, 96)})
    result = run_shot(dataclasses.replace(loaded, scene=small), tmp_path / "shot", page=False)
    failed = [e for e in result.report["expectations"] if e["passed"] is not True]
    assert not failed, failed
    assert (tmp_path / "shot" / shotfiles.RGB).stat().st_size > 0
    assert same_places(digests(tmp_path / "shot"), DIGESTS[path.stem])


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
        json.dumps({"cpu": cpu_units(), "scenes": found}, indent=4, sort_keys=True) + "\n")
