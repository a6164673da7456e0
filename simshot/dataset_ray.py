"""The Ray backend: one task per sample on a local Ray or an existing cluster.

Each task asks for one CPU and its worker process exits after it (max_calls=1), the same
one-sample-per-process rule as the local pool. Results are taken in completion order.
"""
from __future__ import annotations

from bridge.errors import UserError
from simshot.dataset_sample import SampleJob, run_job


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
        self.task = ray.remote(num_cpus=1, max_calls=1)(run_job)
        self.pending: list = []

    def submit(self, job: SampleJob) -> None:
        self.pending.append(self.task.remote(job))

    def next_done(self) -> dict:
        """The manifest line of the next sample to finish, in completion order."""
        done, self.pending = self.ray.wait(self.pending, num_returns=1)
        return self.ray.get(done[0])

    def close(self) -> None:
        for ref in self.pending:
            self.ray.cancel(ref, force=True)
        self.ray.shutdown()
