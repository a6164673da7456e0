"""The fluid's neighbour search: every particle within h, the nearest when crowded, and
candidate lists kept between substeps that give what a fresh search would."""
from __future__ import annotations

import numpy as np
import pytest

from physics.pbf import MAX_NEIGHBOURS
from physics.pbf_search import PAUSE, NeighbourList, neighbours

H = 0.01


def expected(x: np.ndarray, h: float) -> list[list[int]]:
    """Each particle's neighbours by brute force, in index order: all within h, or the
    nearest that fit (random positions: no ties at the cut)."""
    d2 = ((x[:, None] - x[None]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    rows = []
    for i in range(len(x)):
        within = np.flatnonzero(d2[i] < h * h)
        rows.append(sorted(within[np.argsort(d2[i, within], kind="stable")][:MAX_NEIGHBOURS]))
    return rows


def found(table: np.ndarray, counts: np.ndarray) -> list[list[int]]:
    """The rows' first `count` entries in index order: a repeated entry shows as one."""
    return [sorted(row[:count]) for row, count in zip(table, counts)]


def test_the_neighbour_table_holds_every_particle_within_h_and_the_nearest_when_crowded():
    rng = np.random.default_rng(3)
    for x in (rng.uniform(0, 0.05, (600, 3)), rng.uniform(0, 0.012, (300, 3))):
        table, counts = np.empty((len(x), MAX_NEIGHBOURS), np.int64), np.empty(len(x), np.int64)
        neighbours(x, H, table, counts)
        assert found(table, counts) == expected(x, H)


def lattice(rng: np.random.Generator) -> np.ndarray:
    """About 500 particles at half h apart, as a liquid at rest, a little jittered."""
    axis = np.arange(8) * H / 2
    grid = np.stack(np.meshgrid(axis, axis, axis), -1).reshape(-1, 3)
    return grid + rng.normal(0, H / 50, grid.shape)


def test_kept_lists_give_what_a_fresh_search_would_while_the_particles_drift():
    rng = np.random.default_rng(5)
    x = lattice(rng)
    search = NeighbourList(len(x), H, 0.2 * H)
    for _ in range(12):
        x = x + rng.normal(0, H / 400, x.shape) + [0.0, 0.0, -0.002]  # a fall carries all
        assert found(*search.update(x)) == expected(x, H)
    assert search.searches == 1  # the drift stayed within half the skin


def test_a_particle_that_moves_half_the_skin_makes_a_new_search():
    rng = np.random.default_rng(6)
    x = lattice(rng)
    search = NeighbourList(len(x), H, 0.2 * H)
    search.update(x)
    x[7] += [0.11 * H, 0.0, 0.0]
    assert found(*search.update(x)) == expected(x, H)
    assert search.searches == 2


@pytest.mark.parametrize("size", [500, 200])
def test_particles_outrunning_the_skin_are_searched_at_h_a_while(size):
    """A splash: a list that served one call is not made again for PAUSE calls, then tried
    again; the neighbours stay exact throughout."""
    rng = np.random.default_rng(7)
    x = lattice(rng)[:size]
    search = NeighbourList(len(x), H, 0.2 * H)
    for call in range(2 + PAUSE):
        x = x + rng.normal(0, H / 5, x.shape)
        assert found(*search.update(x)) == expected(x, H)
        assert (search.reference is None) == (0 < call < 1 + PAUSE)
    assert search.searches == 2 + PAUSE


def test_crowded_candidates_keep_the_nearest_and_a_full_list_is_not_kept():
    rng = np.random.default_rng(8)
    x = rng.uniform(0, 0.012, (300, 3))  # about 170 within h of each, 250 within h + skin
    search = NeighbourList(len(x), H, 0.2 * H)
    assert found(*search.update(x)) == expected(x, H)
    assert search.reference is None  # candidate rows filled up: a farther one may be missing
