"""The `simshot` Typer app and what its commands share: click's help conventions, the consoles,
the common options and the parsing of their values.

Help follows click's plain layout: `simshot render [OPTIONS] SCENE`, options with a metavar
that says what they take (`-o, --out DIR`), no type placeholders, defaults in full.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from typer.core import TyperArgument, TyperCommand, TyperGroup

from bridge import limits, shot
from bridge.errors import UserError

ORDER = ("make", "plan", "render", "simulate", "validate", "refine", "report", "studio",
         "dataset", "export", "assets", "materials", "schema")  # as the help lists them: a first hour's order


class _Group(TyperGroup):
    def list_commands(self, ctx) -> list[str]:
        return sorted(self.commands, key=lambda name: (name not in ORDER,
                                                       ORDER.index(name) if name in ORDER else 0,
                                                       name))


app = typer.Typer(cls=_Group, add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"],
                                    "max_content_width": 100})
err = Console(stderr=True)
out = Console()


class _Argument(TyperArgument):
    """An argument shown as click shows it: its name, without a type or braces."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name if self.nargs == 1 else f"{name}..."

    def display_type_rich(self, ctx) -> str | None:
        return None


class Command(TyperCommand):
    """A command whose arguments follow click's conventions in the usage line and help."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument:
                param.__class__ = _Argument  # same state, click's display


def command(**kwargs):
    """`app.command` with click's help conventions."""
    return app.command(cls=Command, **kwargs)


Scene = Annotated[Path, typer.Argument(metavar="SCENE", help="a scene script (.yaml)",
                                       show_default=False)]
Prompt = Annotated[str, typer.Argument(metavar="PROMPT", show_default=False,
                                       help="what should happen, in one sentence")]
ShotDir = Annotated[Path, typer.Argument(metavar="SHOT", help="a shot folder",
                                         show_default=False)]
OutDir = Annotated[Path | None, typer.Option("-o", "--out", metavar="DIR",
                                             help="shot folder  [default: shots/NAME]")]
Resolution = Annotated[str | None, typer.Option(
    metavar="WxH", help="render at this size instead of the script's, e.g. 256x256")]
AllowFailures = Annotated[bool, typer.Option(
    "--allow-failures", help="exit 0 even when an expectation fails (the default exit is 4)")]


def parse_passes(text: str) -> frozenset[str]:
    """The --passes value as pass names; UserError naming the closest valid one."""
    from bridge.suggest import unknown_name

    chosen = frozenset(p.strip() for p in text.split(",") if p.strip())
    for name in sorted(chosen - shot.ALL_PASSES):
        raise UserError(f"--passes: {unknown_name('pass', name, shot.ALL_PASSES)}")
    if not chosen:
        raise UserError(f"--passes: name at least one of {', '.join(sorted(shot.ALL_PASSES))}")
    return chosen


def parse_resolution(text: str | None) -> tuple[int, int] | None:
    """The --resolution value as (width, height), or None when not given."""
    if text is None:
        return None
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise UserError(f"--resolution: '{text}' is not WxH; write e.g. 256x256")
    size = (int(width), int(height))
    low, (max_w, max_h) = limits.MIN_RESOLUTION_SIDE, limits.MAX_RESOLUTION
    if not (low <= size[0] <= max_w and low <= size[1] <= max_h) or size[0] % 2 or size[1] % 2:
        raise UserError(f"--resolution: {text} must be even sides from {low} up to "
                        f"{max_w}x{max_h}")
    return size
