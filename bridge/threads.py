"""How numba's OpenMP threads wait between parallel loops: set before the first loop runs.

A thread that finishes a loop spins briefly for the next before it sleeps. Sleeping at once
(OMP_WAIT_POLICY=passive) made every loop pay a wake-up: on this project's 2-core virtual
machine the liquid solver's density pass took 0.70 ms on 2 threads and 0.64 ms on one, and
180 ml settling ran at 0.24x real time (0.19x on one thread); spinning for 10,000 rounds
ran it at 0.35x. Spinning longer bought nothing. While another process keeps a core busy,
2 spinning threads ran it at 0.10x, so the solver measures whether one thread is faster
(physics/threads.py), and the renderer leaves a core to its writer (renderer/liquid_surface.py).
"""
from __future__ import annotations

import os

SPIN_COUNT = "10000"  # libgomp's spin rounds before a waiting thread sleeps


def configure() -> None:
    """Set the OpenMP wait unless the user has (libgomp reads it once, when it loads)."""
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", SPIN_COUNT)
