"""The `simshot` command line. Heavy stages are imported only by the commands that run them.

Exit codes: 0 ok, 1 internal error, 2 your input is wrong (a usage error included), 3 refused
(physics out of scope), 4 the shot was made but an expectation failed (--allow-failures: 0).
"""
from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer

from bridge.errors import EXIT_INTERNAL, EXIT_USER, SimshotError

# The command modules add their commands to the app when imported, in this order in the help.
from simshot import (  # noqa: F401
    __version__,
    cli_data,
    cli_library,
    cli_refine,
    cli_shot,
    cli_studio,
)
from simshot.cli_app import app, err, out


def _version(value: bool) -> None:
    if value:
        out.print(f"simshot {__version__}")
        raise typer.Exit(0)


@app.callback()
def _options(debug: Annotated[bool, typer.Option("--debug", help="show tracebacks")] = False,
             version: Annotated[bool, typer.Option(
                 "--version", "-V", is_eager=True, callback=_version,
                 help="print the version and exit")] = False) -> None:
    """simshot: physically correct shots from prompts and scene scripts.

    \b
    Start with:  simshot make "a glass of juice is knocked off a table and shatters"
    or:          simshot render scenes/domino_chain.yaml
    """


def main(argv: list[str] | None = None) -> int:
    """Entry point: click handles usage errors (exit 2); simshot's errors map to their codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        app(args or ["--help"], prog_name="simshot", standalone_mode=True)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_USER)
    except SimshotError as e:
        if debug:
            traceback.print_exc()
        err.print(f"error: {e}", markup=False, highlight=False, soft_wrap=True)
        return e.exit_code
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except Exception as e:  # noqa: BLE001 - the last line of defence: exit 1, no traceback
        if debug:
            traceback.print_exc()
            hint = ""
        else:
            hint = " (rerun with --debug for a traceback)"
        err.print(f"internal error: {type(e).__name__}: {e}{hint}", markup=False,
                  highlight=False, soft_wrap=True)
        return EXIT_INTERNAL
    return 0


if __name__ == "__main__":
    sys.exit(main())
