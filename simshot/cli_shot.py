"""The commands that make shots: make, plan, render, simulate, validate and report."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from bridge import shot
from bridge.errors import EXIT_USER, UserError
from simshot import cli_refine
from simshot.cli_app import (
    AllowFailures,
    OutDir,
    Prompt,
    Resolution,
    Scene,
    ShotDir,
    command,
    err,
    out,
    parse_passes,
    parse_resolution,
)
from simshot.cli_run import (
    FATE_MARKS,
    environment_refine_model,
    finish,
    finish_partial,
    refine_model,
    run_stages,
    summarise,
    with_resolution,
)

Rounds = Annotated[int, typer.Option(min=1, max=12, metavar="N",
                                     help="draft/revise rounds at most")]
BaseURL = Annotated[str | None, typer.Option(
    "--llm-base-url", metavar="URL", help="an OpenAI-compatible server (else "
    "SIMSHOT_LLM_BASE_URL, OPENAI_API_KEY, or the built-in planner)")]
Model = Annotated[str | None, typer.Option(metavar="NAME", help="the LLM model name")]
AllowPartial = Annotated[bool, typer.Option(
    "--allow-partial", help="exit 0 even when the plan left out something the prompt asked "
    "for (the default exit is 4)")]


@command()
def plan(prompt: Prompt,
         out_file: Annotated[Path, typer.Option("-o", "--out", metavar="FILE",
                                                help="scene script to write")]
         = Path("scene.yaml"), rounds: Rounds = 4, llm_base_url: BaseURL = None,
         model: Model = None, allow_failures: AllowFailures = False,
         allow_partial: AllowPartial = False) -> None:
    """Write a verified scene script for a prompt.

    The script is simulated and its claims checked before it is written; comments in it
    explain each choice, and plan_trace.json beside it records every round.

    \b
    Example: simshot plan "a bowling ball knocks down ten pins" -o bowling.yaml
    """
    from simshot.plan import LLMSettings, plan_prompt, save_plan

    result = plan_prompt(prompt, LLMSettings(llm_base_url, model), rounds)
    save_plan(result, out_file)
    _plan_summary(result)
    out.print(f"script: {out_file}")
    out.print(f"trace:  {out_file.with_name(shot.PLAN_TRACE)}")
    finish(result.checks_passed, allow_failures, "the plan did not verify")
    finish_partial(result.dropped, allow_partial, result.checks_passed)


@command()
def make(prompt: Prompt, out_dir: OutDir = None, rounds: Rounds = 4,
         llm_base_url: BaseURL = None, model: Model = None, resolution: Resolution = None,
         refine_model_id: Annotated[str | None, typer.Option(
             "--refine-model", metavar="ID|DIR", help="refine with this hub id or folder "
             "(else SIMSHOT_REFINE_MODEL; neither: stop after the coarse render)")] = None,
         allow_failures: AllowFailures = False, allow_partial: AllowPartial = False) -> None:
    """Plan, simulate and render a shot from a prompt.

    It also refines the shot when a refiner model is configured (--refine-model,
    SIMSHOT_REFINE_MODEL or the planned script's refine section).

    \b
    Example: simshot make "a glass of juice is knocked off a table and shatters" -o shots/juice
    """
    from simshot.plan import LLMSettings, plan_prompt, save_plan

    size = parse_resolution(resolution)
    result = plan_prompt(prompt, LLMSettings(llm_base_url, model), rounds)
    _plan_summary(result)
    with tempfile.TemporaryDirectory(prefix="simshot-plan-") as tmp:
        loaded = save_plan(result, Path(tmp) / shot.SCENE)
        extras = {shot.PLAN_TRACE: Path(tmp) / shot.PLAN_TRACE}
        sized = Path(tmp) / "sized"
        sized.mkdir()
        loaded = with_resolution(loaded, size, sized)
        target = out_dir or Path("shots") / result.scene.name
        planned = None if result.outcome is None else (result.scene, result.outcome)
        shot_result = run_stages(loaded, target, True, shot.DEFAULT_PASSES, extras, planned)
    chosen = refine_model(loaded, refine_model_id or environment_refine_model())
    summarise(shot_result, refining=chosen is not None)
    if chosen is not None:
        cli_refine.refine_after_render(shot_result.out, {"model": chosen})
    finish(shot_result.report["passed"], allow_failures)
    finish_partial(result.dropped, allow_partial, shot_result.report["passed"])


def _plan_summary(result) -> None:
    """The verdict, then what became of each claim of the prompt."""
    if result.verified:
        state = "[green]verified[/green]"
    elif result.checks_passed:
        state = "[yellow]partly verified[/yellow]"
    else:
        state = "[yellow]not verified[/yellow]"
    out.print(f"plan: {state} after {len(result.trace)} round(s)")
    for claim in result.trace.claims:
        out.print(f"  {FATE_MARKS[claim.fate]} {claim.text}: {claim.detail}", highlight=False,
                  markup=False, soft_wrap=True)


@command()
def render(scene: Scene, out_dir: OutDir = None,
           passes: Annotated[str, typer.Option(
               metavar="PASSES", help=f"comma-separated, from: {', '.join(sorted(shot.ALL_PASSES))}"
           )] = ",".join(sorted(shot.DEFAULT_PASSES)),
           resolution: Resolution = None, allow_failures: AllowFailures = False) -> None:
    """Simulate and render a scene script into a shot folder.

    The folder gets the video and the annotation passes; stages whose inputs are unchanged
    are reused.

    \b
    Example: simshot render scenes/domino_chain.yaml -o shots/dominoes --resolution 256x256
    """
    _run(scene, out_dir, parse_passes(passes), parse_resolution(resolution), allow_failures)


def _run(path: Path, out_dir: Path | None, passes: frozenset[str] | None,
         size: tuple[int, int] | None, allow_failures: bool) -> None:
    from bridge.loader import load_scene

    loaded = load_scene(path)
    with tempfile.TemporaryDirectory(prefix="simshot-render-") as tmp:
        loaded = with_resolution(loaded, size, Path(tmp))
        target = out_dir or Path("shots") / loaded.scene.name
        result = run_stages(loaded, target, passes is not None, passes or shot.DEFAULT_PASSES)
    model = refine_model(loaded) if passes is not None else None
    summarise(result, refining=model is not None)
    if model is not None:
        cli_refine.refine_after_render(result.out, {})
    finish(result.report["passed"], allow_failures)


@command()
def simulate(scene: Scene, out_dir: OutDir = None, allow_failures: AllowFailures = False
             ) -> None:
    """Simulate a scene script and check its expectations (no video).

    \b
    Example: simshot simulate scenes/projectile.yaml -o shots/projectile
    """
    _run(scene, out_dir, None, None, allow_failures)


@command()
def validate(files: Annotated[list[Path], typer.Argument(
        metavar="SCENE", help="scene scripts", show_default=False)]) -> None:
    """Check scene scripts without running them.

    Schema, references, limits and bodies overlapping at t = 0, each reported at
    file:line:col.

    \b
    Example: simshot validate scenes/*.yaml
    """
    from bridge.loader import load_scene

    failed = 0
    for path in files:
        try:
            if not _validate_dataset_script(path):
                _check_overlaps(load_scene(path))
                out.print(f"[green]ok[/green] {path}")
        except UserError as e:
            failed += 1
            err.print(str(e), markup=False, highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(EXIT_USER)


def _validate_dataset_script(path: Path) -> bool:
    """Check a script with distributions by its distributions and its first draw."""
    from bridge.distributions import has_randomness
    from bridge.randomize import check_scene_file, sample_scene
    from bridge.yamlio import load_document

    doc = load_document(path)
    if not has_randomness(doc):
        return False
    check_scene_file(path)
    sample_scene(doc, str(path), 0, 0, 0)
    out.print(f"[green]ok[/green] {path} (dataset script: sample 0 validates)")
    return True


def _check_overlaps(loaded) -> None:
    from bridge.errors import SceneError
    from bridge.loader import locate_scene_error
    from physics.simulate import check_overlaps

    try:
        check_overlaps(loaded.scene, loaded.folder)
    except SceneError as e:
        raise locate_scene_error(loaded, e) from None


@command()
def report(shot_dir: ShotDir) -> None:
    """Rebuild a shot folder's report.html.

    \b
    Example: simshot report shots/dominoes
    """
    if not (shot_dir / shot.METADATA).is_file():
        raise UserError(f"{shot_dir}: not a shot folder (no metadata.json); make one with "
                        "`simshot render SCENE -o DIR`")
    from simshot.report import write_report

    out.print(f"report: {write_report(shot_dir)}")
