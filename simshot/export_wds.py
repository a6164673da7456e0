"""WebDataset export: a dataset folder's accepted samples as tar shards plus index.json.

A sample KEY is the members KEY.json (metadata, events, report and script), KEY.mp4,
KEY.<pass>.npy and KEY.trajectory.npz. Member order and tar headers are fixed (mtime 0,
uid/gid 0, no user names), so exporting the same dataset twice gives byte-identical shards.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from bridge import shot
from bridge.errors import UserError
from bridge.files import atomic_write
from simshot.export_read import Sample, accepted_samples, dataset_info, write_passes

INDEX = "index.json"
MB = 1_000_000
BLOCK = tarfile.BLOCKSIZE
RECORD = tarfile.RECORDSIZE  # tarfile pads a closed archive to a multiple of this

Member = tuple[str, bytes | Path]


def export_webdataset(dataset_dir: Path, out_dir: Path, shard_size_mb: float = 256.0
                      ) -> list[Path]:
    """Write out_dir/shard-000000.tar ... and out_dir/index.json; return the shards' paths."""
    if shard_size_mb <= 0:
        raise UserError(f"shard size {shard_size_mb} MB: give a positive size, e.g. 256")
    samples = accepted_samples(dataset_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Scratch (pass arrays, unfinished shards) lives in out_dir: the renames stay on one disk,
    # and a failed export leaves no partial shard behind.
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".export-") as scratch:
        shards = _Shards(out_dir, Path(scratch), shard_size_mb * MB)
        for sample in samples:
            work = Path(scratch) / sample.key
            shards.add(sample.key, _members(sample, work))
            shutil.rmtree(work, ignore_errors=True)
        shards.close()
    index = {"version": 1, "format": "webdataset", "samples": len(samples),
             "shards": shards.done, "dataset": dataset_info(dataset_dir)}
    atomic_write(out_dir / INDEX, json.dumps(index, indent=1) + "\n")
    names = {s["name"] for s in shards.done}
    for old in out_dir.glob("shard-*.tar"):  # left by an earlier export with more shards
        if old.name not in names:
            old.unlink()
    return [out_dir / s["name"] for s in shards.done]


def _members(sample: Sample, work: Path) -> list[Member]:
    folder, key = sample.folder, sample.key
    record = {"key": key, "scene": shot.read_json(folder / shot.METADATA),
              "events": shot.read_json(folder / shot.EVENTS),
              "report": shot.read_json(folder / shot.REPORT),
              "script": (folder / shot.SCENE).read_text(encoding="utf-8")}
    members: list[Member] = [(f"{key}.json", json.dumps(record).encode())]
    if (folder / shot.RGB).is_file():
        members.append((f"{key}.mp4", folder / shot.RGB))
    members += [(f"{key}.{name}.npy", path) for name, path in write_passes(folder, work).items()]
    for name in (shot.TRAJECTORY, shot.ANNOTATIONS):
        if (folder / name).is_file():
            members.append((f"{key}.{name}", folder / name))
    return members


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, 0, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _size(data: bytes | Path) -> int:
    return len(data) if isinstance(data, bytes) else data.stat().st_size


def _tar_bytes(members: list[Member]) -> int:
    """What the members add to an archive: headers plus data padded to whole blocks."""
    return sum(len(_info(name, _size(data)).tobuf(tarfile.PAX_FORMAT))
               + -(-_size(data) // BLOCK) * BLOCK for name, data in members)


class _Shards:
    """Shards filled in order, each built in scratch and renamed into out_dir when closed."""

    def __init__(self, out_dir: Path, scratch: Path, limit: float):
        self.out_dir, self.scratch, self.limit = out_dir, scratch, limit
        self.done: list[dict] = []  # index.json's entries: name, samples, keys, bytes
        self.tar: tarfile.TarFile | None = None

    def add(self, key: str, members: list[Member]) -> None:
        size = _tar_bytes(members)
        if self.tar is not None and self._closed_size(self.size + size) > self.limit:
            self.close()
        if self.tar is None:
            self._open()
        for name, data in members:
            info = _info(name, _size(data))
            if isinstance(data, bytes):
                self.tar.addfile(info, io.BytesIO(data))
            else:
                with data.open("rb") as f:
                    self.tar.addfile(info, f)
        self.size += size
        self.keys.append(key)

    def _open(self) -> None:
        self.name = f"shard-{len(self.done):06d}.tar"
        # The shard stays open across add() calls; close() closes it (and a failed export's
        # scratch folder goes with it).
        self.file = (self.scratch / self.name).open("wb")
        self.tar = tarfile.open(fileobj=self.file, mode="w",  # noqa: SIM115
                                format=tarfile.PAX_FORMAT)
        self.size, self.keys = 0, []

    @staticmethod
    def _closed_size(size: int) -> int:
        """The file's size once closed: two zero blocks end it, padded to a whole record."""
        return -(-(size + 2 * BLOCK) // RECORD) * RECORD

    def close(self) -> None:
        """Finish the open shard (if any) and rename it into place."""
        if self.tar is None:
            return
        self.tar.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.scratch / self.name, self.out_dir / self.name)
        self.done.append({"name": self.name, "samples": len(self.keys), "keys": self.keys,
                          "bytes": self._closed_size(self.size)})
        self.tar = None
