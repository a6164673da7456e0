"""Sources: a stream from a tap or spout lets its liquid out at the flow rate, and fills
what stands under it."""
from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from physics.simulate import simulate
from physics.sources import nozzle_slots
from simshot.expectations import check_simulation
from tests.helpers import make_scene

GLASS = {"name": "glass", "asset": "tumbler", "position": [0, 0, 0]}
TAP = {"name": "water", "volume_ml": 100, "particle_radius": 0.004,
       "source": {"position": [0, 0, 0.3], "rate_ml_s": 100, "speed": 0.5, "start": 0.2}}


@pytest.fixture(scope="module")
def filled():
    scene = make_scene(duration=2.0, bodies=[GLASS], liquids=[TAP],
                       expect=[{"pours_into": "water", "container": "glass", "fraction": 0.8}])
    return scene, simulate(scene, None)


@pytest.mark.slow
def test_the_tap_lets_the_water_out_at_its_rate(filled):
    traj = filled[1].trajectory
    live = np.isfinite(traj.particles["water"]).all(axis=2).sum(axis=1)
    count = traj.particles["water"].shape[1]
    at = {round(t, 3): n for t, n in zip(traj.times, live)}
    assert at[0.0] == at[0.125] == 0  # not before it starts
    # 100 ml at 100 ml/s from 0.2 s: half out by 0.7 s, all by 1.2 s
    assert at[0.708] / count == pytest.approx(0.5, abs=0.03)
    assert at[1.25] == count and live[-1] == count


@pytest.mark.slow
def test_the_stream_fills_the_glass_under_it(filled):
    (fills,) = check_simulation(*filled)
    assert fills["passed"], fills


@pytest.mark.slow
def test_a_stream_is_bit_identical_on_a_rerun(filled):
    again = simulate(filled[0], None).trajectory.particles["water"]
    assert np.array_equal(np.isnan(again), np.isnan(filled[1].trajectory.particles["water"]))
    assert np.array_equal(np.nan_to_num(again),
                          np.nan_to_num(filled[1].trajectory.particles["water"]))


def test_the_nozzle_holds_as_many_slots_as_its_area_takes():
    down = np.array([0.0, 0.0, -1.0])
    slots = nozzle_slots(np.zeros(3), down, 0.01, 0.004)
    assert len(slots) == round(math.pi * 0.01 ** 2 / 0.004 ** 2)
    assert np.allclose(slots[0], 0) and np.allclose(slots @ down, 0)  # across the stream
    assert len(nozzle_slots(np.zeros(3), down, 0.001, 0.004)) == 1  # narrower than a drop


def test_a_liquid_starts_in_a_container_or_at_a_source_not_both():
    both = {**TAP, "inside": "glass"}
    for liquid in (both, {k: v for k, v in TAP.items() if k != "source"}):
        with pytest.raises(ValidationError, match="exactly one of `inside`"):
            make_scene(bodies=[GLASS], liquids=[liquid])
    with pytest.raises(ValidationError, match="must not be zero"):
        make_scene(bodies=[GLASS], liquids=[{**TAP, "source": {
            "position": [0, 0, 0.3], "direction": [0, 0, 0]}}])
