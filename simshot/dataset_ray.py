"""The Ray backend: long-lived actors on a local Ray or an existing cluster, each forking a
fresh process per sample.

A Ray task per sample in a fresh worker (max_calls=1) paid the imports of PyBullet, pyrender
and the project every time, about 3 s a sample. Each actor here keeps the local backend's
pool of one process that forks from a server which imported them once, so every sample still
has a process of its own (no GL context or PyBullet client leaks into the next) for
milliseconds. Samples are written to the output folder (shared storage on a cluster); only
their manifest lines come back through Ray.

Faults: a sample whose process dies is made again in a fresh one; an actor that dies is
restarted by Ray, which runs its sample again. A sample is renamed into place only when
complete (simshot.dataset), so a killed one leaves no partial folder.
"""
from __future__ import annotations

import sys
from collections import deque
from concurrent.futures.process import BrokenProcessPool

from bridge.errors import UserError
from simshot.dataset_local import LocalBackend
from simshot.dataset_sample import SampleJob

RETRIES = 3  # a sample whose process dies, or whose actor dies, is made again this often


class SampleRunner:
    """A Ray actor that makes one sample at a time, each in a process forked for it."""

    def __init__(self) -> None:
        # this process is Ray's worker script running the actor, and multiprocessing makes
        # every new process import its parent's __main__ again: here that imports Ray, 0.35 s
        # a sample. The script has started the actor already and is not needed again.
        vars(sys.modules["__main__"]).pop("__file__", None)
        self.pool = LocalBackend(1)

    def run(self, job: SampleJob) -> dict:
        """The sample's manifest line."""
        for _ in range(RETRIES):
            try:
                return self._once(job)
            except BrokenProcessPool:  # its process was killed: a new pool, the sample again
                self.pool.close()
                self.pool = LocalBackend(1)
        return self._once(job)

    def _once(self, job: SampleJob) -> dict:
        self.pool.submit(job)
        return self.pool.next_done()


class RayBackend:
    def __init__(self, workers: int, address: str | None):
        try:
            import ray
        except ImportError:
            raise UserError("--ray needs the cluster extra: pip install 'simshot[cluster]'"
                            ) from None
        self.ray = ray
        if address:
            ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, ignore_reinit_error=True,
                     log_to_driver=False)
        # an actor Ray cannot place would hold its samples for ever: no more than are free;
        # on a cluster, one per free CPU unless --workers asks for fewer
        free = max(1, int(ray.available_resources().get("CPU", 1)))
        count = free if address and workers == 1 else min(workers, free)
        runner = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=RETRIES)(SampleRunner)
        self.actors = [runner.remote() for _ in range(count)]
        self.idle = deque(self.actors)
        self.waiting: deque[SampleJob] = deque()
        self.running: dict = {}  # object ref -> the actor making it

    def submit(self, job: SampleJob) -> None:
        self.waiting.append(job)
        self._dispatch()

    def next_done(self) -> dict:
        """The manifest line of the next sample to finish, in completion order."""
        done, _ = self.ray.wait(list(self.running), num_returns=1)
        self.idle.append(self.running.pop(done[0]))
        self._dispatch()
        return self.ray.get(done[0])

    def _dispatch(self) -> None:
        while self.idle and self.waiting:
            actor = self.idle.popleft()
            self.running[actor.run.remote(self.waiting.popleft())] = actor

    def close(self) -> None:
        for actor in self.actors:  # and whatever sample each is making
            self.ray.kill(actor)
        self.ray.shutdown()
