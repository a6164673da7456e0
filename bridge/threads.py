"""How numba's threads wait between parallel loops, and how many a piece of work runs on.

OpenMP's wait is set before the first loop runs: a thread that finishes a loop spins
briefly for the next before it sleeps. Sleeping at once (OMP_WAIT_POLICY=passive) made
every loop pay a wake-up: on this project's 2-core virtual machine the liquid solver's
density pass took 0.70 ms on 2 threads and 0.64 ms on one, and 180 ml settling ran at
0.24x real time (0.19x on one thread); spinning for 10,000 rounds ran it at 0.35x. Spinning
longer bought nothing. While another process keeps a core busy, 2 spinning threads ran it
at 0.10x: so the count of threads is chosen by measurement (ThreadChoice).

The stages pass numba's own getter and setter in: the contract does not import numba.
"""
from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

SPIN_COUNT = "10000"  # libgomp's spin rounds before a waiting thread sleeps
TRIALS = 4  # runs timed on each count, alternating, before choosing
# runs on each count left untimed at a trial's start: the first run on 2 threads after a
# while on one paid their wake-up and first touches (9 to 14 ms a substep against 3), and
# two of those in four trials once chose one thread for the juice example's first 2 s
WARMUP = 1
RECHECK = 480  # runs between trials (a liquid's: 2 s of simulated time at 240 Hz)
T = TypeVar("T")


def configure() -> None:
    """Set the OpenMP wait unless the user has. libgomp reads it once, when it loads: if
    torch (which ships its own libgomp) started OpenMP first, the setting is not seen."""
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", SPIN_COUNT)


class ThreadChoice:
    """Runs repeated work on the fastest of a few thread counts, measured.

    All threads win on free cores; one wins when another process keeps a core busy, since a
    loop then waits for a thread that lost its core. Which holds is measured, and measured
    again every RECHECK runs, as other processes come and go. The kernels give the same
    numbers on any count of threads, so the choice changes how fast, never what. Runs of
    different sizes compare per unit of `size` (e.g. the substeps a step took); a run of
    size 0 is not timed."""

    def __init__(self, counts: list[int], get_threads: Callable[[], int],
                 set_threads: Callable[[int], None]):
        self.counts = list(dict.fromkeys(max(1, count) for count in counts))
        self.chosen = self.counts[0]
        self.timings: dict[int, list[float]] = {count: [] for count in self.counts}
        self.runs = 0
        self._get, self._set = get_threads, set_threads

    def run(self, work: Callable[[], T], size: Callable[[T], int] = lambda _: 1) -> T:
        """What `work` returns, run once on the count of threads now chosen or on trial."""
        count = self._next_count()
        previous = self._get()
        self._set(count)
        try:
            started = time.perf_counter()
            result = work()
            spent = time.perf_counter() - started
        finally:
            self._set(previous)
        self._timed(count, spent, size(result))
        return result

    def _timed(self, count: int, spent: float, size: int) -> None:
        if size and self._trying() and self.runs % RECHECK >= WARMUP * len(self.counts):
            self.timings[count].append(spent / size)
            if all(len(t) >= TRIALS for t in self.timings.values()):
                self.chosen = min(self.counts, key=lambda c: statistics.median(self.timings[c]))
        self.runs += 1

    def _trying(self) -> bool:
        return len(self.counts) > 1 and \
            self.runs % RECHECK < (WARMUP + TRIALS) * len(self.counts)

    def _next_count(self) -> int:
        if not self._trying():
            return self.chosen
        if self.runs % RECHECK == 0:
            for timings in self.timings.values():
                timings.clear()
        return self.counts[self.runs % len(self.counts)]
