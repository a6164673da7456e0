"""Picks by measurement how many numba threads a repeated piece of work runs fastest on.

All threads win on free cores (the OpenMP threads spin briefly between loops, see
bridge/threads.py); one thread wins when another process keeps a core busy, since a loop
then waits for a thread that lost its core. Which case holds is measured, not guessed, and
measured again now and then, as other processes come and go. The kernels give the same
numbers on any count of threads, so the choice changes how fast, never what.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numba

TRIALS = 4  # runs timed on each count, alternating, before choosing
RECHECK = 480  # runs between trials (2 s of simulated time at 240 Hz)


class ThreadChoice:
    """Runs work on the faster of all threads and one; work returns its size (e.g. the
    substeps it took) so that runs of different sizes compare per unit."""

    def __init__(self) -> None:
        most = numba.config.NUMBA_NUM_THREADS
        self.counts = [most, 1] if most > 1 else [1]
        self.chosen = self.counts[0]
        self.timings: dict[int, list[float]] = {count: [] for count in self.counts}
        self.runs = 0

    def run(self, work: Callable[[], int]) -> None:
        """Run `work` once, on the count of threads now chosen or on trial."""
        count = self._next_count()
        previous = numba.get_num_threads()
        numba.set_num_threads(count)
        try:
            started = time.perf_counter()
            size = work()
            spent = time.perf_counter() - started
        finally:
            numba.set_num_threads(previous)
        if size and self._trying():
            self.timings[count].append(spent / size)
            if all(len(t) >= TRIALS for t in self.timings.values()):
                self.chosen = min(self.counts, key=lambda c: statistics.median(self.timings[c]))
        self.runs += 1

    def _trying(self) -> bool:
        return len(self.counts) > 1 and self.runs % RECHECK < TRIALS * len(self.counts)

    def _next_count(self) -> int:
        if not self._trying():
            return self.chosen
        if self.runs % RECHECK == 0:
            for timings in self.timings.values():
                timings.clear()
        return self.counts[self.runs % len(self.counts)]
