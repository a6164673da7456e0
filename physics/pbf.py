"""Position-based fluids (Macklin and Mueller 2013) as numba kernels: the solver's inner loops.

Every kernel writes only the rows of the particle it handles, and sums that cross particles
run in a fixed order, so a parallel run is bit-identical to a serial one and to a rerun.
The neighbour tables come from physics/pbf_search.py.

Units: metres, seconds, kg; h is the kernel radius, twice the particle spacing.
"""
from __future__ import annotations

import math

import numpy as np

from bridge import threads

threads.configure()  # before numba's first parallel loop loads OpenMP
from numba import njit, prange

MAX_NEIGHBOURS = 64  # a particle at rest has about 30 within h; a squeezed one keeps its nearest
CACHE = True  # compiled kernels are kept in __pycache__: a fresh process starts in a second
# LLVM may reorder sums, fuse multiply-adds and use reciprocals (the density solve vectorises:
# 2.3 -> 1.4 ms a step): one machine still gives the same bits every run and on any thread
# count, as each particle's sums keep one order, but another CPU rounds differently (as the
# kernels built for its vector units already did). Not 'nnan' or 'ninf': an absent
# particle is NaN, and comparisons with it must stay false
FAST = {"reassoc", "nsz", "contract", "arcp", "afn"}


@njit(cache=CACHE, inline="always")
def _poly6(r2: float, h2: float, scale: float) -> float:
    """The poly6 kernel; scale is 315 / (64 pi h^9), computed once a call (powers cost)."""
    if r2 >= h2:
        return 0.0
    q = h2 - r2
    return scale * q * q * q


@njit(cache=CACHE, inline="always")
def _spiky(r: float, h: float, scale: float) -> float:
    """The magnitude of the spiky kernel's gradient (it points from i towards j); scale is
    45 / (pi h^6)."""
    if r >= h or r <= 1e-12:
        return 0.0
    return scale * (h - r) * (h - r)


def lattice_sums(spacing: float, h: float) -> tuple[float, float]:
    """Over a cubic lattice at `spacing`, self included: the kernel sum (the density, per
    unit particle mass, of liquid packed at its spacing) and the constraint's sum
    |grad C|^2 there, the scale of 1 / lambda that softening and tension are given in."""
    span = int(np.ceil(h / spacing))
    axis = np.arange(-span, span + 1) * spacing
    grid = np.stack(np.meshgrid(axis, axis, axis), -1).reshape(-1, 3)
    r = np.sqrt((grid ** 2).sum(1))
    near = (r < h) & (r > 0)
    w = 315 / (64 * np.pi * h ** 9) * (h * h - r[near] ** 2) ** 3
    density = float(w.sum() + 315 / (64 * np.pi * h ** 3))
    slope = 45 / (np.pi * h ** 6) * (h - r[near]) ** 2 / density
    return density, float((slope ** 2).sum())


@njit(cache=CACHE, parallel=True, fastmath=FAST)
def solve_density(x: np.ndarray, mass: np.ndarray, rest: np.ndarray, table: np.ndarray,
                  counts: np.ndarray, h: float, relax: float, wall_distance: np.ndarray,
                  wall_normal: np.ndarray, wall: np.ndarray, wall_step: float,
                  delta: np.ndarray, wall_push: np.ndarray, pairs: np.ndarray) -> tuple:
    """One density iteration: writes each particle's correction into `delta` and returns the
    largest and the mean density error (rho / rest - 1, 0 where it is less dense, as at a
    free surface: the mean is the figure DFSPH solvers iterate on). What each wall
    pushed is added to `wall_push` [N, walls, 3], for the bodies to feel back. `pairs`
    [N, MAX_NEIGHBOURS] is room for each pair's kernel slope over its distance, kept from
    the first loop for the second (the positions do not change between them: the square
    root and the division cost as much as the rest), kept by the caller.

    A particle near walls (at most two, facing different ways) also counts the liquid they
    stand in for (`wall_density`'s table, by distance): without it a wall's neighbours sit
    too close and a column stands 10 % low. Scalar arithmetic throughout: a small array per
    pair would cost more than the pair."""
    n = len(x)
    lam = np.empty(n)
    error = np.zeros(n)
    h2, w6, ws = h * h, 315.0 / (64.0 * math.pi * h ** 9), 45.0 / (math.pi * h ** 6)
    wall_gradient = np.zeros((n, 3))
    wall_slope = np.zeros(wall_distance.shape)
    for i in prange(n):
        rho = mass[i] * _poly6(0.0, h2, w6)
        gx = gy = gz = total = 0.0
        per_rest = 1.0 / rest[i]
        for k in range(counts[i]):
            j = table[i, k]
            dx, dy, dz = x[i, 0] - x[j, 0], x[i, 1] - x[j, 1], x[i, 2] - x[j, 2]
            r2 = dx * dx + dy * dy + dz * dz
            rho += mass[j] * _poly6(r2, h2, w6)
            r = math.sqrt(r2)
            # the slope over the distance: one division a pair, where there were five
            along = _spiky(r, h, ws) / r if r > 1e-12 else 0.0
            pairs[i, k] = along
            g = along * mass[j] * per_rest
            gx += g * dx
            gy += g * dy
            gz += g * dz
            total += g * g * r2
        walls_apart = 0.0  # sum over the walls of |gradient|^2
        for w in range(wall_distance.shape[1]):
            if wall_distance[i, w] < h:
                value, slope = _lookup(wall, wall_step, wall_distance[i, w])
                rho += mass[i] * value
                wall_slope[i, w] = mass[i] * slope / rest[i]
                walls_apart += wall_slope[i, w] * wall_slope[i, w]
                for k in range(3):  # the wall's density falls off along its normal
                    wall_gradient[i, k] += wall_slope[i, w] * wall_normal[i, w, k]
        c = max(rho / rest[i] - 1.0, 0.0)  # a free surface is not pulled together
        error[i] = c
        # Walls that face each other (a particle in the crack between two shards, or
        # between a shard and the floor) cancel in the gradient: counted as one, the
        # multiplier would grow to c / relax, and each wall would be handed its half of a
        # huge pair of opposite pushes (what flung the shards of a broken cup of coffee
        # at tens of m/s). What the cancelling took out is counted back, as if each wall
        # were a neighbour: a wall then feels about what it would alone. Walls at right
        # angles (a floor and a side) do not cancel, and are counted as before.
        together = (wall_gradient[i, 0] * wall_gradient[i, 0]
                    + wall_gradient[i, 1] * wall_gradient[i, 1]
                    + wall_gradient[i, 2] * wall_gradient[i, 2])
        facing = max(walls_apart - together, 0.0)
        gx += wall_gradient[i, 0]
        gy += wall_gradient[i, 1]
        gz += wall_gradient[i, 2]
        lam[i] = -c / (total + (gx * gx + gy * gy + gz * gz) + facing + relax)
    for i in prange(n):
        ax = ay = az = 0.0
        for k in range(counts[i]):
            j = table[i, k]
            dx, dy, dz = x[i, 0] - x[j, 0], x[i, 1] - x[j, 1], x[i, 2] - x[j, 2]
            # no artificial pressure: the constraint never pulls, so nothing clumps, and
            # that repulsion would spray a free surface apart wherever gravity lets go
            f = mass[j] * (lam[i] + lam[j]) * pairs[i, k]
            ax -= f * dx
            ay -= f * dy
            az -= f * dz
        delta[i, 0] = ax / rest[i] + lam[i] * wall_gradient[i, 0]
        delta[i, 1] = ay / rest[i] + lam[i] * wall_gradient[i, 1]
        delta[i, 2] = az / rest[i] + lam[i] * wall_gradient[i, 2]
        for w in range(wall_distance.shape[1]):
            for k in range(3):
                wall_push[i, w, k] += lam[i] * wall_slope[i, w] * wall_normal[i, w, k]
    return error.max(), error.mean()


@njit(cache=CACHE, inline="always")
def _lookup(table: np.ndarray, step: float, distance: float) -> tuple:
    """The wall density and its slope at `distance`, interpolated in the table."""
    at = max(distance, 0.0) / step
    k = min(int(at), len(table) - 2)
    slope = (table[k + 1] - table[k]) / step
    return table[k] + (at - k) * step * slope, slope


def wall_density(spacing: float, h: float, samples: int = 128) -> tuple[np.ndarray, float]:
    """The kernel sum, per unit particle mass, of the liquid a flat wall stands in for, at
    wall distances 0 .. h (`samples` steps): the half-lattice that would continue the
    particle's own lattice beyond the wall, its first layer half a spacing past the wall
    (where the particles touching the wall from the other side would be)."""
    span = int(np.ceil(h / spacing)) + 1
    lateral = np.arange(-span, span + 1) * spacing
    ux, uy = np.meshgrid(lateral, lateral)
    step = h / (samples - 1)
    values = np.zeros(samples)
    for k in range(samples):
        depth = k * step + spacing / 2 + spacing * np.arange(span + 1)
        r2 = ux[..., None] ** 2 + uy[..., None] ** 2 + depth ** 2
        w = 315 / (64 * np.pi * h ** 9) * np.clip(h * h - r2, 0, None) ** 3
        values[k] = w.sum()
    return values, step


@njit(cache=CACHE, parallel=True, fastmath=FAST)
def viscosity_and_cohesion(x: np.ndarray, v: np.ndarray, mass: np.ndarray, rest: np.ndarray,
                           xsph: np.ndarray, cohesion: np.ndarray, table: np.ndarray,
                           counts: np.ndarray, h: float, dt: float) -> np.ndarray:
    """New velocities: XSPH smoothing towards the neighbours' mean (viscosity) and
    Akinci's cohesion kernel (surface tension pulls a free blob round)."""
    n = len(x)
    out = np.empty_like(v)
    h2, w6 = h * h, 315.0 / (64.0 * math.pi * h ** 9)
    norm, h6 = 32.0 / (math.pi * h ** 9), h ** 6
    volume = mass / rest  # once a particle, not once a pair
    for i in prange(n):
        sx = sy = sz = px = py = pz = 0.0
        for k in range(counts[i]):
            j = table[i, k]
            dx, dy, dz = x[i, 0] - x[j, 0], x[i, 1] - x[j, 1], x[i, 2] - x[j, 2]
            r2 = dx * dx + dy * dy + dz * dz
            w = volume[j] * _poly6(r2, h2, w6)
            sx += (v[j, 0] - v[i, 0]) * w
            sy += (v[j, 1] - v[i, 1]) * w
            sz += (v[j, 2] - v[i, 2]) * w
            r = math.sqrt(r2)
            if r <= 1e-12 or r >= h:
                continue
            a = (h - r) * r
            a = a * a * a
            c = norm * (a if 2.0 * r > h else 2.0 * a - h6 / 64.0)
            f = cohesion[i] * mass[j] * c / r
            px -= f * dx
            py -= f * dy
            pz -= f * dz
        out[i, 0] = v[i, 0] + xsph[i] * sx + dt * px
        out[i, 1] = v[i, 1] + xsph[i] * sy + dt * py
        out[i, 2] = v[i, 2] + xsph[i] * sz + dt * pz
    return out
