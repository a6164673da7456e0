"""Each fluid particle's neighbours within the kernel radius h: a grid search, and lists kept
from one substep to the next while the particles have not moved far.

The search sorts the particles by grid cell (a stable sort): the cells of one row (fixed y and
z) are consecutive keys, so a particle's 27 neighbouring cells are 9 runs found by binary
search, and its neighbours come in one fixed order, whatever the thread schedule.

A cell is h wide, so the search measures about 7 candidates for each neighbour it keeps.
`NeighbourList` searches a little wider, h + skin, and keeps what it found: while no particle
has moved half the skin against the liquid's mean motion since, every pair now within h was
within h + skin then, and one pass over those candidates gives the neighbours at a fifth of
a search's cost. The mean motion is taken out because it moves no particle closer to
another: a glass of juice carried or falling whole keeps its lists. A wider search costs
about twice a search at h: where the particles outrun the skin at every substep (a splash),
lists are not made for a while, and the search is at h alone.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from physics.pbf import CACHE, MAX_NEIGHBOURS

MAX_CANDIDATES = 128  # within h + skin: about 50 at rest; a list that fills up is not kept
PAUSE = 8  # calls searched at h alone after a list that served one call only (a splash)


@njit(cache=CACHE)
def _cell_keys(x: np.ndarray, h: float) -> tuple:
    """Each particle's cell, as one int64 key over the particles' bounding box."""
    low = np.empty(3)
    for k in range(3):
        low[k] = x[:, k].min() - h
    cells = np.empty((len(x), 3), np.int64)
    for i in range(len(x)):
        for k in range(3):
            cells[i, k] = math.floor((x[i, k] - low[k]) / h)
    nx = cells[:, 0].max() + 2
    ny = cells[:, 1].max() + 2
    keys = cells[:, 0] + nx * (cells[:, 1] + ny * cells[:, 2])
    return cells, keys, nx, ny


@njit(cache=CACHE, parallel=True)
def neighbours(x: np.ndarray, h: float, table: np.ndarray, counts: np.ndarray) -> None:
    """Fill [N, W] `table` with the indices of the particles within h of each (the W nearest
    kept when more are) and [N] `counts` with how many; a row past its count is not read.
    The caller keeps both from call to call: fresh arrays this size cost page faults."""
    n, width = len(x), table.shape[1]
    cells, keys, nx, ny = _cell_keys(x, h)
    order = np.argsort(keys, kind="mergesort")
    sorted_keys = keys[order]
    spans, cell_of = _spans(cells, sorted_keys, order, nx, ny)
    near = np.empty((n, 3))  # the positions in sorted order: a cell's particles side by side
    for s in range(n):
        for k in range(3):
            near[s, k] = x[order[s], k]
    h2 = h * h
    for i in prange(n):
        m, c = 0, cell_of[i]
        xi, yi, zi = x[i, 0], x[i, 1], x[i, 2]
        for run in range(9):
            for s in range(spans[c, run, 0], spans[c, run, 1]):
                dx, dy, dz = near[s, 0] - xi, near[s, 1] - yi, near[s, 2] - zi
                r2 = dx * dx + dy * dy + dz * dz
                j = order[s]
                # written whether or not it is kept, and kept by counting it: a branch on
                # the distance is mispredicted for most of the candidates
                if m < width:
                    table[i, m] = j
                m += (r2 < h2) & (j != i)
        if m > width:
            m = _crowded(i, x, near, order, spans[c], h2, table[i])
        counts[i] = m


@njit(cache=CACHE, inline="always")
def _nearer(row: np.ndarray, dist: np.ndarray, m: int, j: int, r2: float) -> int:
    """Keep particle j at squared distance r2 among the first m of `row` (their squared
    distances in `dist`): a free place while there is one, else the farthest kept's place
    when j is nearer. Returns how many are kept."""
    if m < len(row):
        row[m], dist[m] = j, r2
        return m + 1
    far = np.argmax(dist)
    if r2 < dist[far]:
        row[far], dist[far] = j, r2
    return m


@njit(cache=CACHE)
def _crowded(i: int, x: np.ndarray, near: np.ndarray, order: np.ndarray, runs: np.ndarray,
             h2: float, row: np.ndarray) -> int:
    """Refill the `row` of a particle with more than fit within h: the first found fill it,
    then each nearer one takes the place of the farthest kept."""
    dist = np.empty(len(row))
    m = 0
    for run in range(len(runs)):
        for s in range(runs[run, 0], runs[run, 1]):
            dx, dy, dz = near[s, 0] - x[i, 0], near[s, 1] - x[i, 1], near[s, 2] - x[i, 2]
            r2 = dx * dx + dy * dy + dz * dz
            j = order[s]
            if j != i and r2 < h2:
                m = _nearer(row, dist, m, j, r2)
    return m


@njit(cache=CACHE, parallel=True)
def _spans(cells: np.ndarray, sorted_keys: np.ndarray, order: np.ndarray, nx: int,
           ny: int) -> tuple:
    """For each occupied cell, the 9 runs of sorted positions that hold its 27 neighbouring
    cells (a row of 3 cells along x is 3 consecutive keys), and each particle's cell. Found
    once a cell, not once a particle: the binary searches cost more than the distances."""
    n = len(sorted_keys)
    cell_of = np.empty(n, np.int64)
    firsts = np.empty(n, np.int64)  # the sorted position of each occupied cell's first
    c = -1
    for s in range(n):
        if s == 0 or sorted_keys[s] != sorted_keys[s - 1]:
            c += 1
            firsts[c] = s
        cell_of[order[s]] = c
    spans = np.empty((c + 1, 9, 2), np.int64)
    for c in prange(len(spans)):
        i = order[firsts[c]]
        for dz in range(-1, 2):
            for dy in range(-1, 2):
                row = cells[i, 0] - 1 + nx * (cells[i, 1] + dy + ny * (cells[i, 2] + dz))
                run = 3 * (dz + 1) + dy + 1
                spans[c, run, 0] = np.searchsorted(sorted_keys, row)
                spans[c, run, 1] = np.searchsorted(sorted_keys, row + 3)
    return spans, cell_of


@njit(cache=CACHE, parallel=True)
def within(x: np.ndarray, candidates: np.ndarray, candidate_counts: np.ndarray, h: float,
           table: np.ndarray, counts: np.ndarray) -> None:
    """`neighbours`' table and counts, measured over each particle's `candidates` only."""
    width, h2 = table.shape[1], h * h
    for i in prange(len(x)):
        m = 0
        xi, yi, zi = x[i, 0], x[i, 1], x[i, 2]
        for k in range(candidate_counts[i]):
            j = candidates[i, k]
            dx, dy, dz = x[j, 0] - xi, x[j, 1] - yi, x[j, 2] - zi
            if m < width:
                table[i, m] = j
            m += dx * dx + dy * dy + dz * dz < h2
        if m > width:
            dist = np.empty(width)
            m = 0
            for k in range(candidate_counts[i]):
                j = candidates[i, k]
                dx, dy, dz = x[j, 0] - xi, x[j, 1] - yi, x[j, 2] - zi
                r2 = dx * dx + dy * dy + dz * dz
                if r2 < h2:
                    m = _nearer(table[i], dist, m, j, r2)
        counts[i] = m


class NeighbourList:
    """The neighbours within h of up to `total` particles, from candidates within h + `skin`
    kept while they still hold every pair within h (see the module's note)."""

    def __init__(self, total: int, h: float, skin: float):
        self.h, self.skin = h, skin
        # kept from call to call: arrays this size made afresh cost page faults
        self.table = np.empty((total, MAX_NEIGHBOURS), np.int64)
        self.counts = np.empty(total, np.int64)
        self.candidates = np.empty((total, MAX_CANDIDATES), np.int64)
        self.candidate_counts = np.empty(total, np.int64)
        self.reference: np.ndarray | None = None  # the positions searched, while kept
        self.served = 0  # calls the kept candidates answered
        self.paused = 0  # calls left to search at h alone
        self.searches = 0

    def update(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """[N, MAX_NEIGHBOURS] neighbours of the particles at `x` and [N] their counts (a
        row past its count is not read); the caller may use them until the next call."""
        n = len(x)
        table, counts = self.table[:n], self.counts[:n]
        candidates, candidate_counts = self.candidates[:n], self.candidate_counts[:n]
        if self._kept(x):
            self.served += 1
        else:
            self.searches += 1
            if self.served == 1:
                self.paused = PAUSE
            self.reference, self.served = None, 0
            if self.paused:
                self.paused -= 1
                neighbours(x, self.h, table, counts)
                return table, counts
            neighbours(x, self.h + self.skin, candidates, candidate_counts)
            # a full row may have left out a farther candidate that comes within h later
            if candidate_counts.max(initial=0) < MAX_CANDIDATES:
                self.reference, self.served = x.copy(), 1
        within(x, candidates, candidate_counts, self.h, table, counts)
        return table, counts

    def _kept(self, x: np.ndarray) -> bool:
        if self.reference is None or len(self.reference) != len(x):
            return False
        moved = x - self.reference
        moved -= moved.mean(axis=0)
        return float((moved * moved).sum(axis=1).max(initial=0.0)) < (self.skin / 2) ** 2
