"""What `simshot simulate`, `render` and `make` share: running the stages into a shot folder,
the summary they print and the exit code of failed expectations."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bridge import shot
from bridge.errors import EXIT_CHECKS, SceneError
from simshot.cli_app import err, out

if TYPE_CHECKING:
    from bridge.loader import LoadedScene
    from bridge.schema import Scene
    from physics.simulate import SimResult

MARKS = {True: "[green]pass[/green]", False: "[red]FAIL[/red]", None: "[yellow]n/a[/yellow]"}


def with_resolution(loaded: LoadedScene, size: tuple[int, int] | None,
                    workdir: Path, fps: int | None = None) -> LoadedScene:
    """The script at `size` (from --resolution) and `fps` when given: its document gains them,
    comments kept, so the shot's scene.yaml is what was rendered. Unchanged when both are
    None."""
    if size is None and fps is None:
        return loaded
    from ruamel.yaml.comments import CommentedSeq

    from bridge.yamlio import save_document

    update: dict = {}
    if size is not None:
        pair = CommentedSeq(size)
        pair.fa.set_flow_style()
        loaded.doc["resolution"], update["resolution"] = pair, size
    if fps is not None:
        loaded.doc["fps"] = update["fps"] = fps
    script = workdir / loaded.path.name
    save_document(loaded.doc, script)
    return dataclasses.replace(loaded, scene=loaded.scene.model_copy(update=update), path=script)


def run_stages(loaded: LoadedScene, target: Path, render: bool, passes: frozenset[str],
               extras: dict[str, Path] | None = None,
               simulated: tuple[Scene, SimResult] | None = None):
    """The stages into `target` with progress bars; a SceneError located in the script.
    `simulated`: a (scene, simulation result) pair to reuse where its physics is the same."""
    from simshot.pipeline import run_shot
    from simshot.progress import StageProgress

    try:
        with StageProgress(err) as progress:
            return run_shot(loaded, target, render=render, passes=passes, progress=progress,
                            extras=extras, simulated=simulated)
    except SceneError as e:
        from bridge.loader import locate_scene_error

        raise locate_scene_error(loaded, e) from None


def refine_model(loaded: LoadedScene, model: str | None = None) -> str | None:
    """The refiner model a render goes on to use: `simshot make`'s flag, else
    SIMSHOT_REFINE_MODEL (make only), else the script's refine.model; None: no refinement."""
    return model or loaded.scene.refine.model


def check_line(check: dict) -> str:
    """One expectation as the summary prints it; a negated check reads as its claim."""
    name = f"not {check['check']}" if check.get("negated") else check["check"]
    return f"  {MARKS[check['passed']]} {name}: {check['detail']}"


def summarise(result, refining: bool = False) -> None:
    """Print the checks, the stages and where the files are."""
    for check in result.report["expectations"]:
        out.print(check_line(check), highlight=False)
    out.print(f"stages: {', '.join(f'{k} {v}' for k, v in result.stages.items())}")
    video = result.out / shot.RGB
    if video.exists():
        out.print(f"video:  {video}")
    out.print(f"report: {result.out / shot.REPORT_HTML}")
    if video.exists() and not refining and not (result.out / shot.REFINED).exists():
        out.print(f"refine: not run; `simshot refine {result.out}` (or `refine: {{model: "
                  "...}` in the script, or SIMSHOT_REFINE_MODEL for `simshot make`) makes "
                  "photoreal footage with Wan 2.1 once its weights are on this machine (see "
                  "the README)")


def finish(passed: bool, allow_failures: bool, what: str = "some expectations failed") -> None:
    """The verdict line, and exit code 4 when the checks failed (unless allowed)."""
    if passed:
        out.print("[green]expectations passed[/green]")
        return
    if allow_failures:
        out.print(f"[yellow]{what}[/yellow] (--allow-failures: exit 0)")
        return
    err.print(f"[red]{what}[/red]: exit {EXIT_CHECKS} (pass --allow-failures to exit 0)")
    raise typer.Exit(EXIT_CHECKS)


FATE_MARKS = {"checked": "checked ", "stood_in": "stood in", "planned": "planned ",
              "dropped": "DROPPED "}


def finish_partial(dropped: list, allow_partial: bool, checks_passed: bool = True) -> None:
    """Exit code 4 when the plan left out claims of the prompt (unless allowed), saying which;
    `checks_passed` False (and allowed): the verdict is 'not verified', not 'partly'."""
    if not dropped:
        return
    verdict = "partly verified" if checks_passed else "not verified"
    what = "; ".join(f"'{c.text}' not planned: {c.detail}" for c in dropped)
    if allow_partial:
        out.print(f"{verdict}: {what} (--allow-partial: exit 0)", markup=False,
                  highlight=False, soft_wrap=True)
        return
    err.print(f"{verdict}: {what}: exit {EXIT_CHECKS} (pass --allow-partial to exit 0)",
              markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_CHECKS)


def environment_refine_model() -> str | None:
    return os.environ.get("SIMSHOT_REFINE_MODEL") or None
