"""Rich progress bars with ETA, one per pipeline stage."""
from __future__ import annotations

from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class StageProgress:
    """Callable as `progress(stage, done, total)`; a context manager around rich's Progress."""

    def __init__(self, console: Console):
        self._progress = Progress(
            TextColumn("{task.description:>9}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
            console=console, transient=False, disable=not console.is_terminal)
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> Self:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done)


class DatasetProgress:
    """Callable as `progress(summary, target)`: accepted of N, samples per minute and ETA."""

    def __init__(self, console: Console):
        self._progress = Progress(
            TextColumn("samples"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.1f}/min, {task.fields[rejected]} rejected"),
            TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
            console=console, transient=False, disable=not console.is_terminal)
        self._task: int | None = None

    def __enter__(self) -> Self:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)

    def __call__(self, summary, target: int) -> None:
        if self._task is None:
            self._task = self._progress.add_task("samples", total=target, rate=0.0, rejected=0)
        self._progress.update(self._task, completed=summary.accepted, rate=summary.per_minute,
                              rejected=summary.rejected)
