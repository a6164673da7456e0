"""Expectation checks on hand-made outcomes: each passes and fails where it should."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from bridge.errors import SimulationError
from bridge.trajectory import Trajectory
from bridge.transforms import quat_from_euler_deg
from physics.stability import StabilityMonitor
from simshot.expectations import Outcome, all_passed, check_all
from tests.helpers import make_scene

FPS = 10
BODIES = [{"name": "ball", "asset": "ball", "position": [0, 0, 1]},
          {"name": "domino_1", "asset": "domino", "position": [1, 0, 0]},
          {"name": "domino_2", "asset": "domino", "position": [1.1, 0, 0]}]


def _outcome(expect: list[dict], visibility=None, collisions=(), fractures=()) -> Outcome:
    scene = make_scene(duration=1.0, fps=FPS, bodies=BODIES, expect=expect)
    times = np.arange(FPS) / FPS
    traj = Trajectory(times=times)
    upright, fallen = [0, 0, 0, 1], [0, np.sin(np.pi / 4), 0, np.cos(np.pi / 4)]  # 90 deg
    for name, z in (("ball", 1 - times), ("domino_1", 0 * times), ("domino_2", 0 * times)):
        traj.pos[name] = np.stack([0 * times, 0 * times, z], axis=1)
        traj.quat[name] = np.tile(upright, (FPS, 1)).astype(float)
        traj.linvel[name] = np.zeros((FPS, 3))
        traj.angvel[name] = np.zeros((FPS, 3))
    traj.linvel["ball"][:, 2] = -1.0
    traj.quat["domino_1"][4:] = fallen
    traj.quat["domino_2"][8:] = fallen
    events = {"collisions": list(collisions), "fractures": list(fractures), "events": []}
    return Outcome(scene, traj, events, {"ball": 1.0, "domino_1": 0.05, "domino_2": 0.05},
                   visibility)


def _passed(expect: dict, **kw) -> bool | None:
    return check_all(_outcome([expect], **kw))[0]["passed"]


def _hit(a: str, b: str, t: float, impulse: float, end: float) -> dict:
    return {"bodies": sorted([a, b]), "time": t, "end_time": end, "impulse": impulse}


def test_a_body_that_broke_has_fallen_over_if_it_was_over_when_it_broke():
    outcome = _outcome([{"falls_over": "domino_1"}, {"falls_over": "domino_2"},
                        {"falls_over": "domino_2", "not": True}],
                       fractures=[{"body": "domino_1", "time": 0.6},
                                  {"body": "domino_2", "time": 0.6}])
    for name in ("domino_1", "domino_2"):  # gone from the break on
        outcome.trajectory.pos[name][6:] = np.nan
        outcome.trajectory.quat[name][6:] = np.nan
    over, upright, not_over = check_all(outcome)
    assert over["passed"] and "when it broke" in over["detail"]  # over at 0.4 s
    assert not upright["passed"] and not_over["passed"]  # it would have gone over at 0.8 s


def test_falls_over_with_glob_time_limit_and_negation():
    assert _passed({"falls_over": "domino_*", "angle": 45})
    assert not _passed({"falls_over": "domino_*", "angle": 45, "before": 0.5})
    assert _passed({"falls_over": "domino_1", "before": 0.5})
    assert not _passed({"falls_over": "domino_*", "not": True})
    assert not _passed({"falls_over": "ball"})


def test_comes_to_rest_needs_low_speed_and_contact():
    rest = _hit("domino_1", "ground", 0.0, 0.5, 0.9)
    assert _passed({"comes_to_rest": "domino_1", "on": "ground"}, collisions=[rest])
    assert not _passed({"comes_to_rest": "domino_2", "on": "ground"}, collisions=[rest])
    assert not _passed({"comes_to_rest": "ball"})


def test_bounces_count_impacts_that_the_body_leaves():
    hits = [_hit("ball", "ground", t, 2.0, t + 0.01) for t in (0.1, 0.3, 0.5)]
    soft = _hit("ball", "ground", 0.6, 0.01, 0.61)  # below 0.1 m/s of speed change
    assert _passed({"bounces": "ball", "at_least": 3}, collisions=hits + [soft])
    assert not _passed({"bounces": "ball", "at_least": 4}, collisions=hits + [soft])
    assert not _passed({"bounces": "ball", "on": "domino_1"}, collisions=hits)


def test_contacts_window():
    hit = [_hit("ball", "domino_1", 0.4, 1.0, 0.5)]
    assert _passed({"contacts": "ball", "with": "domino_1"}, collisions=hit)
    assert not _passed({"contacts": "ball", "with": "domino_1", "before": 0.3}, collisions=hit)
    assert not _passed({"contacts": "ball", "with": "domino_2"}, collisions=hit)
    # `with` may be a glob: any body it matches (a rope's links)
    assert _passed({"contacts": "ball", "with": "domino_*"}, collisions=hit)
    assert not _passed({"contacts": "ball", "with": "domino_*", "before": 0.3}, collisions=hit)
    assert not _passed({"contacts": "domino_1", "with": "domino_*"}, collisions=hit)


def test_region_and_distance_checks():
    assert _passed({"stays_within": "ball", "min": [-1, -1, 0], "max": [1, 1, 1]})
    assert not _passed({"stays_within": "ball", "min": [-1, -1, 0.5], "max": [1, 1, 1]})
    assert _passed({"moves_less_than": "domino_1", "distance": 0.01})
    assert not _passed({"moves_less_than": "ball", "distance": 0.5})


def test_visible_needs_the_render_and_uses_pixel_counts():
    assert _passed({"visible": "ball"}) is None
    seen = {"ball": [50] * 9 + [0]}
    assert _passed({"visible": "ball", "fraction": 0.9}, visibility=seen)
    assert not _passed({"visible": "ball", "fraction": 0.95}, visibility=seen)


def test_shatters_reads_fracture_events():
    assert not _passed({"shatters": "ball"})
    assert _passed({"shatters": "ball", "not": True})
    broke = [{"body": "ball", "time": 0.5}]
    assert _passed({"shatters": "ball", "before": 0.6}, fractures=broke)
    assert not _passed({"shatters": "ball", "before": 0.4}, fractures=broke)


def test_unevaluated_checks_do_not_fail_the_report():
    results = check_all(_outcome([{"visible": "ball"}, {"moves_less_than": "domino_1",
                                                        "distance": 1}]))
    assert all_passed(results)
    assert not all_passed(results + [{"passed": False}])


BODY = (SimpleNamespace(name="b", static=False, mass=1.0, inertia=np.ones(3)),)
GRAVITY = np.array([0.0, 0.0, -9.81])


def _state(kinetic: float) -> np.ndarray:
    """[1, 13]: a 1 kg body at the origin, unrotated, moving with this kinetic energy."""
    return np.array([[0, 0, 0, 0, 0, 0, 1, np.sqrt(2 * kinetic), 0, 0, 0, 0, 0]], float)


def test_energy_growing_without_work_is_a_blow_up():
    monitor = StabilityMonitor(max_speed=100, gravity=GRAVITY)
    monitor.check(BODY, _state(1.0), 0.0)
    monitor.check(BODY, _state(1.0), 0.1)
    with pytest.raises(SimulationError, match="energy grew by 49 J .* t = 0.200 s"):
        monitor.check(BODY, _state(50.0), 0.2)


def test_energy_after_external_work_is_the_new_reference():
    monitor = StabilityMonitor(max_speed=100, gravity=GRAVITY)
    monitor.check(BODY, _state(1.0), 0.0)
    monitor.external_work()
    monitor.check(BODY, _state(50.0), 0.1)
    monitor.check(BODY, _state(50.0), 0.2)
    assert monitor.reference == pytest.approx(50.0)


def test_a_static_body_holds_no_energy():
    monitor = StabilityMonitor(max_speed=100, gravity=GRAVITY)
    wall = (SimpleNamespace(name="wall", static=True, mass=5.0, inertia=np.ones(3)),)
    monitor.check(wall, _state(1.0), 0.0)
    monitor.check(wall, _state(50.0), 0.1)
    assert monitor.reference == 0.0


def test_runaway_speed_is_a_blow_up():
    monitor = StabilityMonitor(max_speed=5, gravity=GRAVITY)
    with pytest.raises(SimulationError, match="'b' reached 10.0 m/s at t = 0.300 s"):
        monitor.check(BODY, _state(50.0), 0.3)


@pytest.mark.parametrize("column", [0, 3, 7, 10])  # position, quaternion, velocity, spin
def test_nan_pose_is_a_blow_up(column):
    monitor = StabilityMonitor(max_speed=100, gravity=GRAVITY)
    state = _state(1.0)
    state[0, column] = np.nan
    with pytest.raises(SimulationError, match="NaN for 'b'"):
        monitor.check(BODY, state, 0.0)


@pytest.mark.parametrize("turn, axis", [((0, 0, 0), 2), ((90, 0, 90), 1), ((0, 90, 90), 0)])
def test_spin_energy_is_counted_about_the_body_s_own_axes(turn, axis):
    # principal moments 1, 2, 3 kg m^2, spinning at 2 rad/s about world z; turned x then y
    # then z (extrinsic), the body's own z, y or x axis lies along world z
    body = (SimpleNamespace(name="top", static=False, mass=1.0, inertia=np.array([1.0, 2, 3])),)
    state = np.zeros((1, 13))
    state[0, 3:7] = quat_from_euler_deg(turn)
    state[0, 12] = 2.0
    monitor = StabilityMonitor(max_speed=100, gravity=GRAVITY)
    monitor.check(body, state, 0.0)
    assert monitor.reference == pytest.approx(0.5 * (axis + 1.0) * 2.0 ** 2)
