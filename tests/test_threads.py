"""The measured choice of thread counts and the OpenMP wait setting (bridge/threads.py)."""
from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from bridge import threads
from bridge.threads import RECHECK, TRIALS, WARMUP, ThreadChoice

TRIAL = 2 * (WARMUP + TRIALS)  # runs of a trial between 2 counts
CLOCK = SimpleNamespace(now=0.0)  # seconds: the stand-in clock the choice times work by


@pytest.fixture(autouse=True)
def _stand_in_clock(monkeypatch):
    """Work takes the time it says on this clock, not the machine's: a busy machine's sleep
    overshot 0.5 ms by 3.5 ms and failed a test on a fresh clone's CI."""
    monkeypatch.setattr(threads, "time", SimpleNamespace(perf_counter=lambda: CLOCK.now))


class Cores:
    """A stand-in for numba's thread setting, and work that is slow on one count of them."""

    def __init__(self, slow_on: int, first_slow: int = 0):
        self.threads, self.slow_on = 1, slow_on
        self.first_slow = first_slow  # counts whose first run is slow (a wake-up)
        self.ran: set[int] = set()

    def get(self) -> int:
        return self.threads

    def set(self, count: int) -> None:
        self.threads = count

    def work(self) -> int:
        waking = self.threads == self.first_slow and self.threads not in self.ran
        self.ran.add(self.threads)
        CLOCK.now += 0.004 if self.threads == self.slow_on or waking else 0.0005
        return self.threads


def choice(cores: Cores) -> ThreadChoice:
    return ThreadChoice([2, 1], cores.get, cores.set)


def test_one_thread_is_chosen_where_all_are_slower():
    cores = Cores(slow_on=2)  # another process keeps a core busy
    chooser = choice(cores)
    ran_on = [chooser.run(cores.work) for _ in range(TRIAL + 3)]
    assert ran_on[:TRIAL] == [2, 1] * (WARMUP + TRIALS)  # trials alternate, all threads first
    assert chooser.chosen == 1 and ran_on[TRIAL:] == [1, 1, 1]


def test_a_first_run_slowed_by_waking_threads_does_not_decide():
    cores = Cores(slow_on=1, first_slow=2)  # all threads win, once awake
    chooser = choice(cores)
    for _ in range(TRIAL):
        chooser.run(cores.work)
    assert chooser.chosen == 2
    assert len(chooser.timings[2]) == TRIALS
    assert max(chooser.timings[2]) < 0.002  # s: the 4 ms wake-up was not timed


def test_the_choice_is_measured_again_as_the_load_changes():
    cores = Cores(slow_on=2)
    chooser = choice(cores)
    for _ in range(RECHECK):
        chooser.run(cores.work)
    assert chooser.chosen == 1
    cores.slow_on = 1  # the other process has let go of its core
    for _ in range(TRIAL):
        chooser.run(cores.work)
    assert chooser.chosen == 2


def test_the_callers_count_is_restored_and_runs_of_size_zero_are_not_timed():
    cores = Cores(slow_on=2)
    cores.threads = 7
    chooser = choice(cores)
    for _ in range(TRIAL):
        chooser.run(cores.work, size=lambda _: 0)
    assert cores.threads == 7
    assert all(not timings for timings in chooser.timings.values())
    assert chooser.chosen == 2  # nothing measured: the first count stands


def test_a_single_count_is_never_tried_against_another():
    cores = Cores(slow_on=1)
    chooser = ThreadChoice([1, 1, 0], cores.get, cores.set)
    assert chooser.counts == [1]
    assert [chooser.run(cores.work) for _ in range(3)] == [1, 1, 1]


def test_openmp_threads_spin_briefly_unless_the_user_chose_a_wait_policy(monkeypatch):
    monkeypatch.delenv("GOMP_SPINCOUNT", raising=False)
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    threads.configure()
    assert os.environ["GOMP_SPINCOUNT"] == threads.SPIN_COUNT
    monkeypatch.delenv("GOMP_SPINCOUNT")
    monkeypatch.setenv("OMP_WAIT_POLICY", "passive")
    threads.configure()
    assert "GOMP_SPINCOUNT" not in os.environ
