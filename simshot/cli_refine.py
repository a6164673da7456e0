"""`simshot refine`: repaint a shot's coarse frames with a video diffusion model (SDEdit).

Each flag's help comes from bridge.refine_options, where every option's default, bounds and
valid values are defined once."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer

from bridge import shot
from bridge.errors import UserError
from bridge.refine_options import option_help
from simshot.cli_app import ShotDir, command, out


def _flag(name: str, metavar: str, **kwargs):
    return typer.Option(metavar=metavar, help=option_help(name), show_default=False, **kwargs)


@command()
def refine(shot_dir: ShotDir,
           model: Annotated[str | None, _flag("model", "ID|DIR")] = None,
           backend: Annotated[str | None, _flag("backend", "NAME")] = None,
           strength: Annotated[float | None, _flag("strength", "S")] = None,
           steps: Annotated[int | None, _flag("steps", "N")] = None,
           guidance: Annotated[float | None, _flag("guidance", "G")] = None,
           seed: Annotated[int | None, _flag("seed", "SEED")] = None,
           dtype: Annotated[str | None, _flag("dtype", "DTYPE")] = None,
           device: Annotated[str | None, _flag("device", "DEVICE")] = None,
           offload: Annotated[str | None, _flag("offload", "MODE")] = None,
           vae_tiling: Annotated[bool | None, typer.Option(
               "--vae-tiling/--no-vae-tiling", help=option_help("vae_tiling"),
               show_default=False)] = None,
           noise: Annotated[str | None, _flag("noise", "KIND")] = None,
           control: Annotated[str | None, _flag("control", "KIND")] = None,
           window: Annotated[int | None, _flag("window", "N")] = None) -> None:
    """Repaint a shot into photoreal refined.mp4 (SDEdit).

    A video diffusion model repaints the coarse frames. A flag left out takes the scene
    script's `refine` section, else the default.

    \b
    Example: simshot refine shots/juice --model Wan-AI/Wan2.1-T2V-1.3B-Diffusers --strength 0.5
    """
    flags = {"model": model, "backend": backend, "strength": strength, "steps": steps,
             "guidance": guidance, "seed": seed, "dtype": dtype, "device": device,
             "offload": offload, "vae_tiling": vae_tiling, "noise": noise,
             "control": control, "window": window}
    out.print(f"refined: {refine_shot_folder(shot_dir, flags)}")


def refine_shot_folder(shot_dir: Path, flags: dict) -> Path:
    """Refine with the given flags over the shot's script; UserError for a folder with no
    video."""
    if not (shot_dir / shot.RGB).is_file():
        raise UserError(f"{shot_dir}: no {shot.RGB}; render the shot first with "
                        "`simshot render SCENE -o DIR`")
    missing = [name for name in ("torch", "diffusers") if importlib.util.find_spec(name) is None]
    if missing:
        raise UserError(f"simshot refine needs the neural extra ({', '.join(missing)} not "
                        "installed): pip install -e '.[neural]' (torch is pinned to 2.13.0)")
    from neural.refine import options_for, refine_shot

    options, backend = options_for(shot_dir, flags)
    return refine_shot(shot_dir, options, backend)


def refine_after_render(shot_dir: Path, flags: dict) -> None:
    """`simshot render` and `make` go on to refine when a model is configured."""
    out.print(f"refined: {refine_shot_folder(shot_dir, flags)}")
