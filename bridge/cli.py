"""The `simshot` command line. Heavy stages are imported only by the commands that run them."""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bridge.errors import EXIT_INTERNAL, EXIT_USER, SimshotError, UserError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="simshot: physically correct shots from scene scripts.")
err = Console(stderr=True)
out = Console()
_state = {"debug": False}

OutOption = Annotated[Path | None, typer.Option("-o", "--out",
                                                   help="shot folder (default: shots/NAME)")]


@app.callback()
def _options(debug: Annotated[bool, typer.Option("--debug", help="show tracebacks")] = False
             ) -> None:
    _state["debug"] = debug


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="scene scripts")]) -> None:
    """Check scene scripts: schema, references, limits and overlaps at t = 0."""
    from bridge.loader import load_scene

    failed: list[UserError] = []
    for path in files:
        try:
            if _validate_dataset_script(path):
                continue
            loaded = load_scene(path)
            _check_overlaps(loaded)
            out.print(f"[green]ok[/green] {path}")
        except UserError as e:
            failed.append(e)
            err.print(str(e), markup=False, highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(EXIT_USER)


def _validate_dataset_script(path: Path) -> bool:
    """Check a script with distributions by its distributions and its first draw."""
    from bridge.randomize import check_scene_file, has_randomness, sample_scene
    from bridge.yamlio import load_document

    doc = load_document(path)
    if not has_randomness(doc):
        return False
    check_scene_file(path)
    sample_scene(doc, str(path), 0, 0, 0)
    out.print(f"[green]ok[/green] {path} (dataset script: sample 0 validates)")
    return True


def _check_overlaps(loaded) -> None:
    if loaded.scene.world.allow_interpenetration:
        return
    from bridge.errors import SceneError
    from bridge.loader import locate_scene_error
    from physics.simulate import check_overlaps

    try:
        check_overlaps(loaded.scene, loaded.folder)
    except SceneError as e:
        raise locate_scene_error(loaded, e) from None


@app.command()
def schema(path: Annotated[Path, typer.Option("-o", "--out", help="where to write")]
           = Path("scenes/scene.schema.json")) -> None:
    """Write the scene script's JSON Schema (for editors' autocomplete and validation)."""
    from bridge.schema_file import write_schema

    write_schema(path)
    out.print(f"wrote {path}")


@app.command()
def simulate(scene: Annotated[Path, typer.Argument(help="scene script")],
             out_dir: OutOption = None) -> None:
    """Simulate only: trajectory, events, metadata and the expectation report."""
    _run(scene, out_dir, render=False, passes=None)


@app.command()
def render(scene: Annotated[Path, typer.Argument(help="scene script")], out_dir: OutOption = None,
           passes: Annotated[str, typer.Option(
               help="comma-separated: rgb,depth,segmentation,flow,normals,object_coordinates")]
           = "rgb,depth,segmentation,flow") -> None:
    """Simulate (unless cached) and render a shot folder with video and annotations."""
    _run(scene, out_dir, render=True, passes=passes)


@app.command()
def report(shot_dir: Annotated[Path, typer.Argument(help="a shot folder")]) -> None:
    """Rebuild a shot folder's report.html: videos, plots, expectations and timings."""
    if not (shot_dir / "metadata.json").is_file():
        raise UserError(f"{shot_dir}: not a shot folder (no metadata.json); make one with "
                        "`simshot render SCENE -o DIR`")
    from bridge.report import write_report

    out.print(f"report: {write_report(shot_dir)}")


@app.command()
def dataset(scenes: Annotated[list[Path], typer.Argument(help="scene scripts (may hold "
                                                          "distributions and repeats)")],
            n: Annotated[int, typer.Option("-n", min=1, help="accepted samples wanted")],
            out_dir: Annotated[Path, typer.Option("-o", "--out", help="dataset folder")],
            seed: Annotated[int, typer.Option(min=0, help="dataset seed")] = 0,
            workers: Annotated[int, typer.Option(min=1, help="parallel samples")] = 1,
            ray: Annotated[str | None, typer.Option(
                "--ray", help="run on Ray: 'local' starts one, or give a cluster ADDRESS")]
            = None,
            resolution: Annotated[str | None, typer.Option(help="WxH, e.g. 256x256")] = None,
            passes: Annotated[str, typer.Option(help="comma-separated render passes")]
            = "rgb,depth,segmentation,flow,normals,object_coordinates",
            max_attempts: Annotated[int, typer.Option(
                min=1, max=100, help="draws per sample before it is rejected")] = 5) -> None:
    """Generate N randomized samples; rerun the same command to resume after a crash."""
    from bridge.dataset import DatasetSpec, generate
    from bridge.pipeline import ALL_PASSES
    from bridge.progress import DatasetProgress

    spec = DatasetSpec(tuple(p.resolve() for p in scenes), out_dir, n, seed, workers,
                       tuple(sorted(_parse_passes(passes, ALL_PASSES))),
                       _parse_resolution(resolution), max_attempts, ray is not None,
                       None if ray in (None, "local") else ray)
    with DatasetProgress(err) as progress:
        summary = generate(spec, progress)
    out.print(f"accepted {summary.accepted}, rejected {summary.rejected}, "
              f"re-drawn {summary.redraws}; made {summary.made} in {summary.seconds:.1f} s "
              f"({summary.per_minute:.1f} samples/min)")
    out.print(f"manifest: {out_dir / 'manifest.jsonl'}")


@app.command()
def export(dataset_dir: Annotated[Path, typer.Argument(help="a folder made by simshot dataset")],
           fmt: Annotated[str, typer.Option("--format", help="webdataset or hf")],
           out_dir: Annotated[Path, typer.Option("-o", "--out", help="where to write")],
           shard_size: Annotated[float, typer.Option(help="webdataset: MB per tar shard")]
           = 256.0) -> None:
    """Export accepted samples: WebDataset tar shards, or a Hugging Face datasets folder."""
    if fmt == "webdataset":
        from bridge.export_wds import export_webdataset

        shards = export_webdataset(dataset_dir, out_dir, shard_size)
        out.print(f"wrote {len(shards)} shard(s) to {out_dir}")
    elif fmt == "hf":
        from bridge.export_hf import export_hf

        out.print(f"wrote {export_hf(dataset_dir, out_dir)}")
    else:
        from bridge.suggest import unknown_name

        raise UserError(f"--format: {unknown_name('format', fmt, ['webdataset', 'hf'])}")


@app.command()
def refine(shot_dir: Annotated[Path, typer.Argument(help="a rendered shot folder")],
           model: Annotated[str | None, typer.Option(help="hub id or local folder")] = None,
           backend: Annotated[str | None, typer.Option(
               help="wan (default), cogvideox, ltx, wan_vace")] = None,
           strength: Annotated[float | None, typer.Option(
               help="SDEdit strength, 0..1 (default 0.6)")] = None,
           steps: Annotated[int | None, typer.Option(
               min=1, help="full-schedule steps (default 30)")] = None,
           guidance: Annotated[float | None, typer.Option(
               help="guidance scale (default 5)")] = None,
           seed: Annotated[int | None, typer.Option(help="default: the scene's seed")] = None,
           dtype: Annotated[str | None, typer.Option(
               help="auto, float32, bfloat16, float16")] = None,
           device: Annotated[str | None, typer.Option(help="auto, cpu, cuda, cuda:N")] = None,
           offload: Annotated[str | None, typer.Option(
               help="none, model, sequential, group")] = None,
           vae_tiling: Annotated[bool | None, typer.Option(
               "--vae-tiling/--no-vae-tiling", show_default=False)] = None,
           noise: Annotated[str | None, typer.Option(
               help="iid, or warped (along the flow pass)")] = None,
           control: Annotated[str | None, typer.Option(
               help="wan_vace's control video: depth or edges")] = None,
           window: Annotated[int | None, typer.Option(
               min=0, help="model frames per window of a long shot (0: the model's most)")]
           = None) -> None:
    """Refine a shot's coarse frames into refined.mp4 with a video diffusion model (SDEdit).

    A flag left out takes the scene script's `refine` section, else the default."""
    flags = {"model": model, "backend": backend, "strength": strength, "steps": steps,
             "guidance": guidance, "seed": seed, "dtype": dtype, "device": device,
             "offload": offload, "vae_tiling": vae_tiling, "noise": noise,
             "control": control, "window": window}
    out.print(f"refined: {_refine(shot_dir, flags)}")


def _refine(shot_dir: Path, flags: dict) -> Path:
    if not (shot_dir / "rgb.mp4").is_file():
        raise UserError(f"{shot_dir}: no rgb.mp4; render the shot first with "
                        "`simshot render SCENE -o DIR`")
    from neural.refine import options_for, refine_shot

    options, backend = options_for(shot_dir, flags)
    return refine_shot(shot_dir, options, backend)


def _refining(loaded, model: str | None) -> bool:
    """Whether a render goes on to refine: a model is named (by `simshot make`'s flag or
    SIMSHOT_REFINE_MODEL, passed as `model`, or by the script's refine.model)."""
    return bool(model or loaded.scene.refine.model)


def _parse_resolution(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    from bridge import limits

    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise UserError(f"--resolution: '{text}' is not WxH; write e.g. 256x256")
    size = (int(width), int(height))
    low, (max_w, max_h) = limits.MIN_RESOLUTION_SIDE, limits.MAX_RESOLUTION
    if not (low <= size[0] <= max_w and low <= size[1] <= max_h) or size[0] % 2 or size[1] % 2:
        raise UserError(f"--resolution: {text} must be even sides from {low} up to "
                        f"{max_w}x{max_h}")
    return size


Rounds = Annotated[int, typer.Option(min=1, max=12, help="draft/revise rounds at most")]
BaseURL = Annotated[str | None, typer.Option(
    "--llm-base-url", help="an OpenAI-compatible server (else SIMSHOT_LLM_BASE_URL, "
    "OPENAI_API_KEY, or the built-in planner)")]
Model = Annotated[str | None, typer.Option(help="the LLM model name")]


@app.command()
def plan(prompt: Annotated[str, typer.Argument(help="what should happen, in one sentence")],
         out_file: Annotated[Path, typer.Option("-o", "--out", help="scene script to write")]
         = Path("scene.yaml"), rounds: Rounds = 4, llm_base_url: BaseURL = None,
         model: Model = None) -> None:
    """Plan a scene script from a prompt, verified in simulation; comments explain each choice."""
    from bridge.plan import LLMSettings, plan_prompt, save_plan

    result = plan_prompt(prompt, LLMSettings(llm_base_url, model), rounds)
    save_plan(result, out_file)
    _plan_summary(result)
    out.print(f"script: {out_file}")
    out.print(f"trace:  {out_file.with_name('plan_trace.json')}")


@app.command()
def make(prompt: Annotated[str, typer.Argument(help="what should happen, in one sentence")],
         out_dir: OutOption = None, rounds: Rounds = 4, llm_base_url: BaseURL = None,
         model: Model = None,
         refine_model: Annotated[str | None, typer.Option(
             "--refine-model", help="refine with this hub id or folder (else "
             "SIMSHOT_REFINE_MODEL; neither: stop after the coarse render)")] = None) -> None:
    """Plan, simulate and render a shot from a prompt, and refine it when a refiner model is
    configured."""
    import tempfile

    from bridge.pipeline import DEFAULT_PASSES
    from bridge.plan import LLMSettings, plan_prompt, save_plan
    from bridge.progress import StageProgress

    result = plan_prompt(prompt, LLMSettings(llm_base_url, model), rounds)
    _plan_summary(result)
    target = out_dir or Path("shots") / result.scene.name
    with tempfile.TemporaryDirectory(prefix="simshot-plan-") as tmp:
        loaded = save_plan(result, Path(tmp) / "scene.yaml")
        extras = {"plan_trace.json": Path(tmp) / "plan_trace.json"}
        with StageProgress(err) as progress:
            shot_result = _run_located(loaded, target, True, DEFAULT_PASSES, progress, extras)
    refine_model = refine_model or os.environ.get("SIMSHOT_REFINE_MODEL")
    refining = _refining(loaded, refine_model)
    _summarise(shot_result, refining)
    if refining:
        out.print(f"refined: {_refine(shot_result.out, {'model': refine_model})}")


def _plan_summary(result) -> None:
    state = "[green]verified[/green]" if result.verified else "[yellow]not verified[/yellow]"
    out.print(f"plan: {state} after {len(result.trace)} round(s)")


def _run(path: Path, out_dir: Path | None, render: bool, passes: str | None) -> None:
    from bridge.loader import load_scene
    from bridge.pipeline import ALL_PASSES, DEFAULT_PASSES
    from bridge.progress import StageProgress

    chosen = _parse_passes(passes, ALL_PASSES) if passes else DEFAULT_PASSES
    loaded = load_scene(path)
    target = out_dir or Path("shots") / loaded.scene.name
    with StageProgress(err) as progress:
        result = _run_located(loaded, target, render, chosen, progress)
    refining = render and _refining(loaded, None)
    _summarise(result, refining)
    if refining:
        out.print(f"refined: {_refine(result.out, {})}")


def _run_located(loaded, target: Path, render: bool, passes, progress, extras=None):
    from bridge.errors import SceneError
    from bridge.loader import locate_scene_error
    from bridge.pipeline import run_shot

    try:
        return run_shot(loaded, target, render=render, passes=passes, progress=progress,
                        extras=extras)
    except SceneError as e:
        raise locate_scene_error(loaded, e) from None


def _parse_passes(text: str, valid: frozenset[str]) -> frozenset[str]:
    from bridge.suggest import unknown_name

    chosen = frozenset(p.strip() for p in text.split(",") if p.strip())
    for name in chosen - valid:
        raise UserError(f"--passes: {unknown_name('pass', name, valid)}")
    return chosen


def _summarise(result, refining: bool = False) -> None:
    report = result.report
    for check in report["expectations"]:
        mark = {True: "[green]pass[/green]", False: "[red]FAIL[/red]", None: "[yellow]n/a[/yellow]"}
        out.print(f"  {mark[check['passed']]} {check['check']}: {check['detail']}")
    ran = ", ".join(f"{k} {v}" for k, v in result.stages.items())
    out.print(f"stages: {ran}")
    video = result.out / "rgb.mp4"
    if video.exists():
        out.print(f"video:  {video}")
    out.print(f"report: {result.out / 'report.html'}")
    if video.exists() and not refining and not (result.out / "refined.mp4").exists():
        out.print(f"refine: not run; `simshot refine {result.out}` (or `refine: {{model: "
                  "...}` in the script, or SIMSHOT_REFINE_MODEL for `simshot make`) makes "
                  "photoreal footage with Wan 2.1 once its weights are on this machine (see "
                  "the README)")
    out.print("[green]expectations passed[/green]" if report["passed"]
              else "[red]some expectations failed[/red]")


def main(argv: list[str] | None = None) -> int:
    """Entry point: maps errors to the exit codes of DESIGN.md."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        code = app(args, standalone_mode=False)
    except SimshotError as e:
        if debug:
            traceback.print_exc()
        err.print(f"error: {e}", markup=False, highlight=False, soft_wrap=True)
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted")
        return 130
    except Exception as e:  # noqa: BLE001 - the last line of defence: exit 1, no traceback
        import click

        if isinstance(e, click.ClickException):
            e.show()
            return EXIT_USER
        if debug:
            traceback.print_exc()
        err.print(f"internal error: {type(e).__name__}: {e} (rerun with --debug for a traceback)",
                  markup=False, highlight=False, soft_wrap=True)
        return EXIT_INTERNAL
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
