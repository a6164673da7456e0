"""The measured choice of numba threads (physics/threads.py) and the OpenMP wait setting
(bridge/threads.py)."""
from __future__ import annotations

import os
import time

import numba
import pytest

from bridge import threads
from physics.threads import RECHECK, TRIALS, ThreadChoice

many = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 cores")


def work_slower_on(slow_count: int):
    """Work that takes longer on `slow_count` threads, as contended or free cores make it."""
    def work() -> int:
        time.sleep(0.004 if numba.get_num_threads() == slow_count else 0.0005)
        return 1
    return work


def run(choice: ThreadChoice, work, times: int) -> None:
    for _ in range(times):
        choice.run(work)


@many
def test_one_thread_is_chosen_where_it_is_faster_and_all_where_they_are():
    contended = ThreadChoice()
    run(contended, work_slower_on(numba.config.NUMBA_NUM_THREADS), 2 * TRIALS)
    assert contended.chosen == 1
    free = ThreadChoice()
    run(free, work_slower_on(1), 2 * TRIALS)
    assert free.chosen == numba.config.NUMBA_NUM_THREADS


@many
def test_the_choice_is_measured_again_as_the_load_changes():
    choice = ThreadChoice()
    run(choice, work_slower_on(numba.config.NUMBA_NUM_THREADS), RECHECK)
    assert choice.chosen == 1
    run(choice, work_slower_on(1), 2 * TRIALS)  # another process has let go of its core
    assert choice.chosen == numba.config.NUMBA_NUM_THREADS


def test_the_callers_thread_count_is_restored_and_work_that_did_nothing_is_not_timed():
    before = numba.get_num_threads()
    choice = ThreadChoice()
    run(choice, lambda: 0, 2 * TRIALS)
    assert numba.get_num_threads() == before
    assert all(not timings for timings in choice.timings.values())


def test_openmp_threads_spin_briefly_unless_the_user_chose_a_wait_policy(monkeypatch):
    monkeypatch.delenv("GOMP_SPINCOUNT", raising=False)
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    threads.configure()
    assert os.environ["GOMP_SPINCOUNT"] == threads.SPIN_COUNT
    monkeypatch.delenv("GOMP_SPINCOUNT")
    monkeypatch.setenv("OMP_WAIT_POLICY", "passive")
    threads.configure()
    assert "GOMP_SPINCOUNT" not in os.environ
