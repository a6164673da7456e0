"""`simshot dataset`: many randomized samples of scene scripts, resumable and crash-safe.

Sample i draws from scene i mod len(scenes) with the generator (seed, i, attempt). Each sample
is built in a temporary folder and renamed into `samples/KEY`; only then does its line reach
`manifest.jsonl`. A rerun of the same command reads the manifest, adopts complete folders a
crash left unrecorded, removes partial ones, and makes only what is missing. Samples are
tried in index order, and a new index is started only while the accepted ones plus those in
flight fall short of N, so the same command always yields the same N samples.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bridge import shot
from bridge.errors import UserError
from bridge.files import atomic_write
from simshot.dataset_sample import SAMPLES, SCRATCH, SampleJob

MANIFEST = "manifest.jsonl"
# What `simshot render` writes; normals and object coordinates (60% more bytes at 128x128)
# are written when asked for.
DEFAULT_PASSES = tuple(sorted(shot.DEFAULT_PASSES))
SETTINGS = "dataset.json"
VERSION = 1


@dataclass(frozen=True)
class DatasetSpec:
    scenes: tuple[Path, ...]
    out: Path
    n: int
    seed: int = 0
    workers: int = 1
    passes: tuple[str, ...] = DEFAULT_PASSES
    resolution: tuple[int, int] | None = None
    max_attempts: int = 5
    ray: bool = False
    ray_address: str | None = None

    def settings(self) -> dict:
        """What must match for a rerun to continue this dataset."""
        return {"version": VERSION, "scenes": [str(p) for p in self.scenes], "seed": self.seed,
                "passes": sorted(self.passes),
                "resolution": list(self.resolution) if self.resolution else None,
                "max_attempts": self.max_attempts}

    def job(self, index: int) -> SampleJob:
        scene = self.scenes[index % len(self.scenes)]
        return SampleJob(str(self.out), str(scene), index, self.seed, tuple(sorted(self.passes)),
                         self.resolution, self.max_attempts)


@dataclass
class Summary:
    accepted: int = 0
    rejected: int = 0
    redraws: int = 0
    made: int = 0  # samples finished by this run (the rest were already there)
    seconds: float = 0.0
    lines: dict[int, dict] = field(default_factory=dict)

    @property
    def per_minute(self) -> float:
        return 60 * self.made / self.seconds if self.seconds > 0 else 0.0


Progress = Callable[[Summary, int], None]  # (summary so far, target N)


def generate(spec: DatasetSpec, progress: Progress | None = None) -> Summary:
    """Make (or complete) the dataset; returns the counts."""
    _check_scenes(spec)
    spec.out.mkdir(parents=True, exist_ok=True)
    _settle_settings(spec)
    summary = Summary(lines=recover(spec.out))
    for line in summary.lines.values():
        _count(summary, line)
    started = time.perf_counter()
    backend = _backend(spec)
    try:
        _schedule(spec, backend, summary, progress, started)
    finally:
        backend.close()
    # a sample made again after its process was killed (a Ray actor lost) left its staging
    _remove_staging(spec.out / SAMPLES)
    shutil.rmtree(spec.out / SCRATCH, ignore_errors=True)
    return summary


def _schedule(spec: DatasetSpec, backend, summary: Summary, progress: Progress | None,
              started: float) -> None:
    index, in_flight = 0, 0
    while True:
        while summary.accepted + in_flight < spec.n:
            while index in summary.lines:
                index += 1
            backend.submit(spec.job(index))
            index, in_flight = index + 1, in_flight + 1
        if in_flight == 0:
            return
        line = backend.next_done()
        in_flight -= 1
        append_line(spec.out / MANIFEST, line)
        summary.lines[line["index"]] = line
        summary.made += 1
        _count(summary, line)
        summary.seconds = time.perf_counter() - started
        if progress is not None:
            progress(summary, spec.n)


def _count(summary: Summary, line: dict) -> None:
    if line["status"] == "accepted":
        summary.accepted += 1
    else:
        summary.rejected += 1
    summary.redraws += line.get("redraws", 0)


def _check_scenes(spec: DatasetSpec) -> None:
    """Fail fast, with file:line:col, on a scene that cannot be sampled at all."""
    from bridge.randomize import check_scene_file

    if spec.n < 1:
        raise UserError("-n must be at least 1")
    for path in spec.scenes:
        check_scene_file(path)


def _settle_settings(spec: DatasetSpec) -> None:
    path = spec.out / SETTINGS
    wanted = spec.settings()
    if path.exists():
        found = json.loads(path.read_text())
        if found != wanted:
            changed = sorted(k for k in wanted if found.get(k) != wanted[k])
            raise UserError(f"{spec.out}: holds a dataset made with other settings "
                            f"({', '.join(changed)}); rerun with the same options to "
                            "continue it, or choose a new -o folder")
        return
    atomic_write(path, json.dumps(wanted, indent=2) + "\n")


def recover(out: Path) -> dict[int, dict]:
    """The finished samples, after repairing what an interrupted run left behind."""
    manifest = out / MANIFEST
    lines = {line["index"]: line for line in read_manifest(manifest)}
    samples = out / SAMPLES
    samples.mkdir(exist_ok=True)
    _remove_staging(samples)
    for index, line in list(lines.items()):
        if line["status"] == "accepted" and not _complete(samples / line["key"]):
            del lines[index]  # recorded but lost since: make it again
    for folder in sorted(samples.iterdir()):
        if not folder.name.isdigit() or int(folder.name) in lines:
            continue
        if _complete(folder) and json.loads((folder / shot.REPORT).read_text())["passed"]:
            line = {"index": int(folder.name), "key": folder.name, "status": "accepted",
                    "recovered": True}
            append_line(manifest, line)
            lines[line["index"]] = line
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return lines


def _remove_staging(samples: Path) -> None:
    """Remove the staging folders of interrupted samples (a finished one is renamed)."""
    for folder in samples.iterdir():
        if folder.name.startswith("."):
            shutil.rmtree(folder, ignore_errors=True)


def _complete(folder: Path) -> bool:
    # report.json is the stage runner's last file and the folder is renamed in whole.
    return (folder / shot.REPORT).is_file()


def read_manifest(path: Path) -> list[dict]:
    """Manifest lines in file order; a torn last line (a kill mid-write) is cut off."""
    if not path.exists():
        return []
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):
        with open(path, "r+b") as f:
            f.truncate(end)
    return manifest_entries(path)


def manifest_entries(path: Path) -> list[dict]:
    """The finished lines of a manifest, read only: text past the last newline is an append
    cut short or under way. A malformed line is a UserError with its line number."""
    lines = path.read_text(encoding="utf-8").split("\n")[:-1]
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise UserError(f"{path}:{number}: not a JSON line; fix or delete it") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("index"), int):
            raise UserError(f"{path}:{number}: a line needs an integer \"index\"; fix it")
        entries.append(entry)
    return entries


def append_line(path: Path, line: dict) -> None:
    """One manifest line, on disk before the next sample is counted."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(line, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _backend(spec: DatasetSpec):
    if spec.ray:
        from simshot.dataset_ray import RayBackend

        return RayBackend(spec.workers, spec.ray_address)
    from simshot.dataset_local import LocalBackend

    return LocalBackend(spec.workers)
