"""What the studio does, without the web page: plan a prompt into a script, check a script as
it is edited, render it (a quick preview first) and gather what the page shows of a shot.

Every name comes through the Workspace, so nothing here leaves it. The web layer
(simshot.studio) only wires these to Gradio components, and the tests drive them directly.
"""
from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bridge import shot
from bridge.errors import Problem, SceneError, UserError
from simshot.pipeline import Progress, ShotResult, read_or_empty
from simshot.plan import LLMSettings
from simshot.studio_workspace import Workspace

PREVIEW_SIDE = 256  # the longer side of a quick preview, in pixels
PREVIEW_FPS = 8  # a third of the usual 24: a first look, not the shot


@dataclass
class Planned:
    """A prompt planned into the workspace script `name`."""

    name: str
    text: str
    verified: bool
    rounds: list[dict]
    claims: list[dict]
    checks_passed: bool = False


@dataclass
class ShotView:
    """What the page shows of one shot folder; paths are inside the workspace."""

    name: str
    folder: Path
    video: Path | None
    refined: Path | None
    passes: dict[str, Path] = field(default_factory=dict)
    plots: dict[str, Path] = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    expectations_html: str = ""
    stages_html: str = ""
    claims: list[dict] = field(default_factory=list)

    @property
    def stages_line(self) -> str:
        """E.g. 'simulate: cached, render: ran'."""
        return ", ".join(f"{k}: {v}" for k, v in self.report.get("stages", {}).items())


class Studio:
    """One workspace's jobs. Jobs that run stages hold a lock, so two renders queue; the
    page's media of a shot are built under a lock of their own."""

    def __init__(self, workspace: Workspace, llm: LLMSettings | None = None):
        self.workspace = workspace
        self.llm = llm or LLMSettings()
        self.lock = threading.Lock()
        self.views_lock = threading.Lock()
        # the last simulation (the planner's or a preview's) and whose script it was: the
        # next render of that script takes it when its physics is still the same
        self._simulated: tuple[str, tuple] | None = None
        # the text each script had when it was planned: its trace (and claims) go with a
        # render of that text only, not with a hand edit of it
        self._planned_text: dict[str, str] = {}

    def plan(self, prompt: str, on_round: Callable[[dict], None] | None = None,
             rounds: int = 4) -> Planned:
        """Plan `prompt` into a workspace script named after the planned scene (`-2`, `-3`...
        when that name is taken: a plan never overwrites a script)."""
        from bridge.yamlio import dump_document
        from planner.trace import write_trace
        from simshot.plan import plan_prompt

        with self.lock:
            result = plan_prompt(prompt, self.llm, rounds, on_round)
            name = self.workspace.free_name(result.scene.name)
            text = dump_document(result.document)
            self.workspace.save_script(name, text)
            write_trace(result.trace, self.workspace.trace(name))
            self._keep(name, None if result.outcome is None else (result.scene, result.outcome))
            self._planned_text[name] = _same_text(text)
        return Planned(name, text, result.verified, list(result.trace.rounds),
                       [asdict(c) for c in result.trace.claims], result.checks_passed)

    def check(self, name: str, text: str) -> list[Problem]:
        """The script's problems as it stands in the editor (none: it validates). A dataset
        script (with distributions) is checked by its first draw, as `simshot validate` does."""
        from bridge.distributions import has_randomness
        from bridge.loader import loaded_scene
        from bridge.randomize import sample_scene
        from bridge.yamlio import load_string

        path = self.workspace.script(name)
        try:
            doc = load_string(text, str(path))
            if has_randomness(doc):
                sample_scene(doc, str(path), 0, 0, 0)
            else:
                loaded_scene(doc, path)
        except UserError as err:
            return list(err.problems)
        return []

    def dataset(self, name: str, count: int, seed: int = 0, workers: int = 1,
                size: tuple[int, int] | None = None):
        """Make (or complete) `count` samples of the saved dataset script `name` into
        datasets/NAME; returns the run's Summary."""
        from bridge.distributions import has_randomness
        from bridge.yamlio import load_document
        from simshot.dataset import DatasetSpec, generate

        path = self.workspace.script(name)
        if not path.is_file():
            raise UserError(f"no script '{name}' in the workspace: save it first")
        if not has_randomness(load_document(path)):
            raise UserError(f"'{name}' describes one scene: give it distributions "
                            "({uniform: [a, b]}, {choice: [...]}) or repeat blocks to make "
                            "a dataset (see the README's 'Synthetic data'), or render it")
        spec = DatasetSpec((path,), self.workspace.dataset(name), count, seed,
                           max(1, min(workers, os.cpu_count() or 1)), resolution=size)
        with self.lock:
            return generate(spec)

    def samples(self, name: str) -> list[dict]:
        """The dataset's manifest lines so far (its finished samples)."""
        from simshot.dataset import MANIFEST, manifest_entries

        manifest = self.workspace.dataset(name) / MANIFEST
        return manifest_entries(manifest) if manifest.is_file() else []

    def sample_video(self, name: str, key: str) -> Path:
        """The video of sample `key` (e.g. 000003) of the dataset `name`."""
        video = self.workspace.sample_video(name, key)
        if not video.is_file():
            raise UserError(f"sample {key} of '{name}' has no video (rejected, or not made)")
        return video

    def render(self, name: str, text: str, preview: bool = False,
               size: tuple[int, int] | None = None, progress: Progress | None = None
               ) -> ShotResult | None:
        """Save the script and render it into shots/NAME, or its video alone into previews/NAME
        at preview size and frame rate (None when the script is already that small). Cached
        stages are reused."""
        from bridge.loader import load_scene, locate_scene_error
        from simshot.cli_run import with_resolution
        from simshot.pipeline import run_shot

        loaded = load_scene(self.workspace.save_script(name, text))
        fps, passes = None, shot.DEFAULT_PASSES
        if preview:  # the coarse video alone, smaller and at fewer frames a second
            size = preview_size(size or loaded.scene.resolution)
            if size is None:
                return None
            fps, passes = min(loaded.scene.fps, PREVIEW_FPS), frozenset({"rgb"})
        target = self.workspace.preview(name) if preview else self.workspace.shot(name)
        trace = self.workspace.trace(name)
        as_planned = trace.is_file() and self._planned_text.get(name) == _same_text(text)
        extras = {shot.PLAN_TRACE: trace} if as_planned else None
        with self.lock, tempfile.TemporaryDirectory(prefix=".render-",
                                                    dir=self.workspace.root) as tmp:
            loaded = with_resolution(loaded, size, Path(tmp), fps)
            kept = self._simulated
            try:
                result = run_shot(loaded, target, passes=passes, progress=progress,
                                  extras=extras, page=not preview,
                                  simulated=kept[1] if kept and kept[0] == name else None)
            except SceneError as err:
                raise locate_scene_error(loaded, err) from None
            self._keep(name, result.simulated)
            return result

    def _keep(self, name: str, simulated: tuple | None) -> None:
        """Keep one simulation (they are large) for the next render of the script `name`."""
        if simulated is not None:
            self._simulated = (name, simulated)

    def view(self, name: str, preview: bool = False) -> ShotView:
        """The shot's video, pass previews, plots, checks and stages for the page."""
        from simshot.report import expectations_table, stages_table

        folder = self.workspace.preview(name) if preview else self.workspace.shot(name)
        if not (folder / shot.METADATA).is_file():
            raise UserError(f"no shot '{name}' in the workspace yet: render it first")
        report = read_or_empty(folder / shot.REPORT)
        view = ShotView(name, folder, _existing(folder / shot.RGB),
                        _existing(folder / shot.REFINED), report=report,
                        expectations_html=expectations_table(report.get("expectations", [])),
                        stages_html=stages_table(report, read_or_empty(folder / shot.STAGES)),
                        claims=read_or_empty(folder / shot.PLAN_TRACE).get("claims", []))
        if not preview:
            view.passes, view.plots = self._media(name, folder)
        return view

    def _media(self, name: str, folder: Path) -> tuple[dict[str, Path], dict[str, Path]]:
        """Pass previews and plots of the shot, made once per render: in a folder named by
        the hash of its stages.json, so a page still fetching the last render's files finds
        them; older folders go when a newer one is made."""
        from bridge.files import atomic_write

        stages = (folder / shot.STAGES).read_bytes() if (folder / shot.STAGES).is_file() else b""
        views = self.workspace.views(name) / hashlib.sha256(stages).hexdigest()[:16]
        with self.views_lock:
            if not (views / "done").is_file():
                views.mkdir(parents=True, exist_ok=True)
                for kind, files in _media_bytes(folder).items():
                    for key, data in files.items():
                        atomic_write(views / f"{kind}-{key}.{_SUFFIX[kind]}", data)
                atomic_write(views / "done", b"")
                for old in views.parent.iterdir():
                    if old != views and old.is_dir():
                        shutil.rmtree(old, ignore_errors=True)
        passes = {p.stem.removeprefix("pass-"): p for p in sorted(views.glob("pass-*.mp4"))}
        plots = {p.stem.removeprefix("plot-"): p for p in sorted(views.glob("plot-*.png"))}
        return passes, plots

    def refine(self, name: str) -> Path:
        """Refine the shot with the configured model; UserError saying what to set up when
        none is configured or the neural extra is missing."""
        from bridge.loader import scene_from_document
        from bridge.yamlio import load_document
        from simshot.cli_refine import refine_shot_folder
        from simshot.cli_run import environment_refine_model

        folder = self.workspace.shot(name)
        if not (folder / shot.RGB).is_file():
            raise UserError(f"render '{name}' before refining it")
        # the rendered script's refine section (its meshes were checked when it rendered)
        script = folder / shot.SCENE
        scene = scene_from_document(load_document(script), str(script))
        model = environment_refine_model() or scene.refine.model
        if model is None:
            raise UserError(NO_REFINER)
        with self.lock:
            return refine_shot_folder(folder, {"model": model})

    def compare(self, first: str, second: str) -> tuple[Path | None, Path | None, str]:
        """The two shots' videos and a unified diff of their scripts."""
        folders = [self.workspace.shot(n) for n in (first, second)]
        for name, folder in zip((first, second), folders, strict=True):
            if not (folder / shot.SCENE).is_file():
                raise UserError(f"no shot '{name}' in the workspace")
        texts = [(f / shot.SCENE).read_text(encoding="utf-8", errors="replace") for f in folders]
        videos = [_existing(f / shot.RGB) for f in folders]
        return *videos, "".join(difflib.unified_diff(texts[0].splitlines(keepends=True),
                                            texts[1].splitlines(keepends=True),
                                            fromfile=f"{first}/scene.yaml",
                                            tofile=f"{second}/scene.yaml")) or "(same script)"


NO_REFINER = ("no refiner model is configured: put `refine: {model: HUB_ID_OR_FOLDER}` in the "
              "script or set SIMSHOT_REFINE_MODEL before starting the studio, with the neural "
              "extra installed (pip install -e '.[neural]') and the model's weights on this "
              "machine; see the README's 'Refinement' section")
_SUFFIX = {"pass": "mp4", "plot": "png"}


def preview_size(size: tuple[int, int]) -> tuple[int, int] | None:
    """The script's size scaled so its longer side is PREVIEW_SIDE (even sides), or None when
    it is no larger than that already."""
    width, height = size
    scale = PREVIEW_SIDE / max(width, height)
    if scale >= 1:
        return None
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def problem_lines(problems: list[Problem]) -> str:
    """Problems one per line as `line:col: field: message`, the file name left out (the editor
    shows the script)."""
    return "\n".join(f"{p.location.line}:{p.location.col}: "
                     f"{p.field + ': ' if p.field else ''}{p.message}" if p.location.line
                     else (f"{p.field}: " if p.field else "") + p.message for p in problems)


def _media_bytes(folder: Path) -> dict[str, dict[str, bytes]]:
    from bridge.trajectory import Trajectory
    from simshot.report_media import pass_previews
    from simshot.report_plots import make_plots

    meta = shot.read_json(folder / shot.METADATA)
    plots = make_plots(Trajectory.load(folder / shot.TRAJECTORY), meta,
                       read_or_empty(folder / shot.EVENTS))
    return {"pass": pass_previews(folder, int(meta["scene"]["fps"])), "plot": plots}


def _same_text(text: str) -> str:
    """The text as the editor may hand it back: line ends and trailing blanks aside."""
    return text.replace("\r\n", "\n").rstrip()


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None

