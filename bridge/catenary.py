"""The shape a chain of equal straight links hangs in between two points, at rest.

Each joint carries the weight of the links beside it, so the horizontal pull is the same all
along the chain and the vertical pull grows by one link's weight from joint to joint: link k
leans along (pull, lift + k + 1/2), in links' weights (as the continuous catenary's slope,
s / a, rises with arc length s). Two numbers, the pull and the lift, put its far end on the
end point.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

BIG = 1e9  # the bracket for the pull and the lift, in links' weights


def hanging_chain(start: np.ndarray, end: np.ndarray, length: float, segments: int
                  ) -> np.ndarray:
    """[segments + 1, 3] the joints of `segments` links, `length` in all, hanging under -z
    gravity from `start` to `end` in the upright plane through both. The ends must be apart
    across (not one above the other) and `length` must exceed their distance."""
    chord = np.asarray(end, float) - np.asarray(start, float)
    run, rise = float(np.hypot(chord[0], chord[1])), float(chord[2])
    link = length / segments
    middle = np.arange(segments) + 0.5

    pull, lift = _solve(link, middle, run, rise)
    lean = np.column_stack([np.full(segments, pull), lift + middle])
    steps = link * lean / np.linalg.norm(lean, axis=1)[:, None]
    across, up = np.vstack([[0.0, 0.0], np.cumsum(steps, axis=0)]).T
    points = np.asarray(start, float) + np.column_stack(
        [across * chord[0] / run, across * chord[1] / run, up])
    points[-1] = end  # the sums land within rounding of it
    return points


def lowest(start: np.ndarray, end: np.ndarray, length: float, segments: int) -> float:
    """The height of the hanging chain's lowest joint."""
    return float(hanging_chain(start, end, length, segments)[:, 2].min())


def _solve(link: float, middle: np.ndarray, run: float, rise: float) -> tuple[float, float]:
    """The horizontal pull and the first link's lift, both in links' weights, that put the
    chain's far end at (run, rise) from its start: link k leans along (pull, lift + k + 1/2).

    For a given pull the rise grows with the lift, so one lift gives the rise; the run then
    grows with the pull (from 0, links straight down, toward the whole length, links level):
    two nested one-dimensional roots, each bracketed, where Newton's method on both at once
    diverges for a chain of few links."""
    def reach(pull: float, lift: float) -> tuple[float, float]:
        leans = lift + middle
        norm = np.hypot(pull, leans)
        return link * float(np.sum(pull / norm)), link * float(np.sum(leans / norm))

    def lift_for(pull: float) -> float:
        far = BIG * len(middle)
        return brentq(lambda lift: reach(pull, lift)[1] - rise, -far, far, xtol=1e-15,
                      rtol=1e-15, maxiter=400)

    pull = brentq(lambda pull: reach(pull, lift_for(pull))[0] - run, 1 / BIG, BIG,
                  xtol=1e-15, rtol=1e-15, maxiter=400)
    return pull, lift_for(pull)
