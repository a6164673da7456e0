"""Error types and the exit codes: 0 ok, 1 internal error, 2 the user's input is wrong,
3 refused (physics out of scope), 4 the shot was made but its expectations failed."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USER = 2
EXIT_REFUSED = 3
EXIT_CHECKS = 4  # the run finished, but a claim of the script (or prompt) did not hold

PathEntry = str | int  # a mapping key or a list index in a script's data


def field_text(path: Sequence[PathEntry]) -> str:
    """A data path as text, e.g. `bodies[1].material`."""
    text = ""
    for entry in path:
        text += f"[{entry}]" if isinstance(entry, int) else (f".{entry}" if text else entry)
    return text


@dataclass(frozen=True)
class Location:
    """A place in a scene file; line and col are 1-based, 0 when unknown."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """One located complaint about a script: where, which field, what was expected."""

    location: Location
    field: str
    message: str

    def __str__(self) -> str:
        where = [str(self.location)] if self.location.file else []
        return ": ".join([*where, *([self.field] if self.field else []), self.message])


class SimshotError(Exception):
    """Base class; `exit_code` is what the CLI returns."""

    exit_code = EXIT_INTERNAL


class UserError(SimshotError):
    """The user's input is wrong (bad script, bad path): exit 2, no traceback."""

    exit_code = EXIT_USER

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(Location(""), "", problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PromptError(SimshotError):
    """The prompt itself is unusable (empty, nonsense): exit 2, not retried by the planner."""

    exit_code = EXIT_USER


class RefusedError(SimshotError):
    """A request the engine cannot honour (physics out of scope): exit 3."""

    exit_code = EXIT_REFUSED


class SimulationError(SimshotError):
    """The simulation became numerically unusable (NaN, runaway speed or energy)."""

    exit_code = EXIT_USER


class SceneError(UserError):
    """A problem found past validation (e.g. bodies overlapping at t = 0), tied to script paths.

    `items` holds (data path, message) pairs; `bridge.loader` turns paths into file:line:col.
    """

    def __init__(self, items: list[tuple[tuple, str]]):
        self.items = items
        super().__init__([Problem(Location("<scene>"), field_text(path), msg)
                          for path, msg in items])
