"""The local backend: a process pool in which every sample gets a fresh process.

One sample per process lifetime, so a GL context or a PyBullet client can never leak into
the next sample. Processes fork from a server that has already imported the heavy modules,
so a fresh process costs milliseconds rather than a second of imports.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from simshot.dataset_sample import SampleJob, run_job

# Imported once in the fork server; none of them opens a GL context or a physics client.
PRELOAD = ["simshot.dataset_sample", "simshot.pipeline", "bridge.randomize", "physics.simulate",
           "renderer.render"]


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:
    """End a sample's process with the fork server that made it, which ends with the process
    that started it: a sample orphaned by a killed Ray actor would otherwise go on writing
    while its retry makes it again (Linux only; elsewhere an orphan finishes its sample)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class LocalBackend:
    def __init__(self, workers: int):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                        max_tasks_per_child=1, initializer=_die_with_parent)
        self.pending: set[Future] = set()

    def submit(self, job: SampleJob) -> None:
        self.pending.add(self.pool.submit(run_job, job))

    def next_done(self) -> dict:
        """The manifest line of the next sample to finish, in completion order."""
        done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
        future = min(done, key=lambda f: f.result()["index"])  # several at once: lowest first
        self.pending.remove(future)
        return future.result()

    def close(self) -> None:
        for future in self.pending:
            future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)
