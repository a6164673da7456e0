"""The commands that describe what a script can use: assets, materials and the schema."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from simshot.cli_app import command, out


@command()
def assets() -> None:
    """List the assets, with their parameters, defaults and units.

    \b
    Example: simshot assets
    """
    from simshot.catalog import assets_text

    out.print(assets_text(markdown=False), markup=False, highlight=False, soft_wrap=True)


@command()
def materials() -> None:
    """List the materials and their physical constants.

    \b
    Example: simshot materials
    """
    from simshot.catalog import materials_text

    out.print(materials_text(markdown=False), markup=False, highlight=False, soft_wrap=True)


@command()
def schema(path: Annotated[Path, typer.Option("-o", "--out", metavar="FILE",
                                              help="where to write")]
           = Path("scenes/scene.schema.json")) -> None:
    """Write the JSON Schema for editors' autocomplete.

    \b
    Example: simshot schema -o my_scenes/scene.schema.json
    """
    from bridge.schema_file import write_schema

    write_schema(path)
    out.print(f"wrote {path}")
