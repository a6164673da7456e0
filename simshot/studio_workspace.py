"""The studio's workspace: the one folder the web app reads and writes, and every name the
browser sends turned into a path inside it, or refused.

Layout: `NAME.yaml` scene scripts at the top (a mesh path in one resolves inside the
workspace), `NAME.plan_trace.json` beside a planned script, `assets/` for uploaded meshes,
`shots/NAME/` the shot folders (DESIGN.md's contract), `previews/NAME/` their quick
low-resolution previews, `datasets/NAME/` dataset runs, `views/` media the pages show (pass
previews, plots) rebuilt from the shot folders at will, and `.gradio/` the web server's own
copies of what it serves and of uploads. Only the media folders are served.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bridge import limits, shot
from bridge.errors import UserError
from bridge.files import atomic_write
from bridge.schema import SCENE_NAME
from bridge.schema_types import MESH_SUFFIXES
from simshot.dataset_sample import SAMPLES

NAME = re.compile(SCENE_NAME)  # a script's and a shot folder's name, as a scene's
SAMPLE_KEY = re.compile(r"[0-9]{6}")
EXAMPLES = Path(__file__).resolve().parents[1] / "scenes"
SERVED = ("shots", "previews", "datasets", "views")  # the folders the page's media come from


@dataclass(frozen=True)
class ShotEntry:
    """One shot folder of the workspace, as the history lists it."""

    name: str
    passed: bool | None  # the report's verdict; None while the folder has no report
    modified: float  # seconds since the epoch


class Workspace:
    """Paths inside one folder; whatever the browser names is checked here first."""

    def __init__(self, root: Path):
        home = Path.home().resolve()
        if home.is_relative_to(root.resolve()):
            raise UserError(f"the workspace {root} holds your home folder; the studio reads "
                            "and writes everything in it: give it a folder of its own, e.g. "
                            "--workspace studio")
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()

    def inside(self, relative: str) -> Path:
        """`relative` as a path inside the workspace; UserError when it would leave it
        (absolute, `..`, or a symlink that points out)."""
        if not relative or Path(relative).is_absolute() or relative.startswith(("\\", "~")):
            raise UserError(f"'{relative}': give a path relative to the workspace {self.root}")
        if ".." in Path(relative).parts or "\\" in relative:
            raise UserError(f"'{relative}': '..' and backslashes may not appear in a workspace "
                            "path")
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            raise UserError(f"'{relative}' leads outside the workspace {self.root} (a symlink?)")
        return path

    def script(self, name: str) -> Path:
        """The script file of the scene `name`."""
        return self.inside(f"{checked_name(name)}.yaml")

    def trace(self, name: str) -> Path:
        """The planner's trace of the script `name` (present when it was planned here)."""
        return self.inside(f"{checked_name(name)}.{shot.PLAN_TRACE}")

    def shot(self, name: str) -> Path:
        return self.inside(f"shots/{checked_name(name)}")

    def preview(self, name: str) -> Path:
        return self.inside(f"previews/{checked_name(name)}")

    def dataset(self, name: str) -> Path:
        return self.inside(f"datasets/{checked_name(name)}")

    def views(self, name: str) -> Path:
        """Where the page's media for the shot `name` go (rebuilt when the shot changes)."""
        return self.inside(f"views/{checked_name(name)}")

    def served(self) -> list[Path]:
        """The folders the web server may hand files from."""
        return [self.root / folder for folder in SERVED]

    def sample_video(self, name: str, key: str) -> Path:
        """The video of sample `key` (six digits) of the dataset `name`."""
        if not (isinstance(key, str) and SAMPLE_KEY.fullmatch(key)):
            raise UserError(f"'{key}' is not a sample key (six digits, e.g. 000003)")
        return self.inside(f"datasets/{checked_name(name)}/{SAMPLES}/{key}/{shot.RGB}")

    def scripts(self) -> list[str]:
        """The names of the workspace's scene scripts, sorted."""
        return sorted(p.stem for p in self.root.glob("*.yaml") if NAME.match(p.stem))

    def shots(self) -> list[ShotEntry]:
        """The shot folders, the newest first."""
        folder = self.root / "shots"
        entries = [_entry(p) for p in folder.iterdir() if p.is_dir() and NAME.match(p.name)
                   and p.resolve().is_relative_to(self.root)
                   and (p / shot.METADATA).is_file()] if folder.is_dir() else []
        return sorted(entries, key=lambda e: (-e.modified, e.name))

    def save_script(self, name: str, text: str) -> Path:
        """Write the script `name` atomically, problems and all (the editor shows them);
        return its path. Text over the script size limit is refused."""
        from bridge.yamlio import check_size

        path = self.script(name)
        check_size(text, str(path))
        atomic_write(path, text)
        return path

    def save_upload(self, source: Path, filename: str) -> str:
        """Copy an uploaded mesh into assets/; return the path a script names it by."""
        base = Path(filename).name
        stem, suffix = Path(base).stem.lower(), Path(base).suffix.lower()
        if suffix not in MESH_SUFFIXES:
            raise UserError(f"'{base}': a mesh must be one of {', '.join(MESH_SUFFIXES)}")
        if not NAME.match(stem):
            raise UserError(f"'{base}': name the file with lower-case letters, digits, '-' "
                            "and '_' (e.g. teapot.obj)")
        if source.stat().st_size > limits.MAX_MESH_BYTES:
            raise UserError(f"'{base}' is over the mesh limit of {limits.MAX_MESH_BYTES:,} "
                            "bytes; simplify or decimate it")
        target = self.inside(f"assets/{stem}{suffix}")
        target.parent.mkdir(exist_ok=True)
        atomic_write(target, source.read_bytes())
        return f"assets/{stem}{suffix}"

    def open_example(self, example: str) -> str:
        """The text of the example script `example` (by name, from scenes/ or
        scenes/datasets/)."""
        for folder in (EXAMPLES, EXAMPLES / "datasets"):
            path = folder / f"{checked_name(example)}.yaml"
            if path.is_file():
                return path.read_text(encoding="utf-8")
        raise UserError(f"no example '{example}'; the examples are: {', '.join(examples())}")

    def free_name(self, name: str) -> str:
        """`name`, or `name-2`, `name-3`... when a script of that name exists already."""
        taken = set(self.scripts())
        candidates = [name, *(f"{name[:60]}-{k}" for k in range(2, 1000))]
        return next(c for c in candidates if c not in taken)


def checked_name(name: str) -> str:
    """`name` when it can name a script and a shot folder; UserError with the rule otherwise."""
    if not isinstance(name, str) or not NAME.match(name):
        raise UserError(f"'{name}' cannot name a script: use 1 to 64 lower-case letters, "
                        "digits, '-' and '_', starting with a letter or digit")
    return name


def examples() -> list[str]:
    """The example scripts shipped in scenes/ and scenes/datasets/ (by name)."""
    return sorted(p.stem for folder in (EXAMPLES, EXAMPLES / "datasets")
                  for p in folder.glob("*.yaml"))


def _entry(folder: Path) -> ShotEntry:
    try:
        passed = shot.read_json(folder / shot.REPORT).get("passed")
    except (OSError, ValueError):
        passed = None
    return ShotEntry(folder.name, passed, (folder / shot.METADATA).stat().st_mtime)
