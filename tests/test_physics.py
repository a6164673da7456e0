"""Short physical checks against closed-form answers (Kubric style)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from bridge.errors import SceneError, SimulationError
from physics.simulate import simulate
from tests.helpers import make_scene

G = 9.81


def first_contact(result, a: str, b: str) -> dict:
    return next(c for c in result.events["collisions"] if set(c["bodies"]) == {a, b})


def test_free_fall_time_matches_sqrt_2h_over_g():
    h = 2.0
    scene = make_scene(duration=1.0, bodies=[
        {"name": "ball", "asset": "ball_bearing", "position": [0, 0, h]}])
    result = simulate(scene)
    expected = math.sqrt(2 * h / G)
    assert first_contact(result, "ball", "ground")["time"] == pytest.approx(expected, rel=0.01)


def test_dropped_cube_falls_g_over_2_in_one_second():
    scene = make_scene(duration=1.05, world={"ground": None}, bodies=[
        {"name": "cube", "asset": "block", "position": [0, 0, 10]}])
    traj = simulate(scene).trajectory
    frame = 24  # t = 1 s
    assert traj.times[frame] == pytest.approx(1.0)
    # Bullet's semi-implicit Euler falls g dt t / 2 = 2 cm further in 1 s at dt = 1/240
    assert traj.pos["cube"][frame, 2] - 10 == pytest.approx(-G / 2, rel=0.005)
    assert traj.linvel["cube"][frame, 2] == pytest.approx(-G, rel=1e-6)


def test_bounce_apex_ratio_is_restitution_squared():
    e_ball, e_ground = 0.9, 0.9  # Bullet's pair restitution is the product
    scene = make_scene(duration=2.2, fps=120, bodies=[
        {"name": "ball", "asset": "ball_bearing", "position": [0, 0, 1.0],
         "restitution": e_ball}])
    z = simulate(scene).trajectory.pos["ball"][:, 2]
    rising = np.flatnonzero((z[1:-1] > z[:-2]) & (z[1:-1] >= z[2:])) + 1
    apexes = z[rising]
    e = e_ball * e_ground
    assert len(apexes) >= 2
    assert apexes[0] / 1.0 == pytest.approx(e ** 2, rel=0.03)
    assert apexes[1] / apexes[0] == pytest.approx(e ** 2, rel=0.03)


def test_block_slides_analytic_distance_on_incline():
    theta = math.radians(30)
    mu = 0.3  # block factor 1/3 x stone ground 0.9
    gravity = [G * math.sin(theta), 0.0, -G * math.cos(theta)]  # the plane tilted by 30 deg
    scene = make_scene(duration=1.5, world={"gravity": gravity}, bodies=[
        {"name": "block", "asset": "block", "friction": mu / 0.9}])
    traj = simulate(scene).trajectory
    t = traj.times[-1]
    expected = 0.5 * G * (math.sin(theta) - mu * math.cos(theta)) * t ** 2
    assert traj.pos["block"][-1, 0] == pytest.approx(expected, rel=0.05)


def test_head_on_elastic_collision_conserves_momentum():
    scene = make_scene(duration=1.0, world={"gravity": [0, 0, 0], "ground": None}, bodies=[
        # origins are at the balls' bottoms: place both centres at z = 0 for a head-on hit
        {"name": "a", "asset": "ball", "position": [-0.5, 0, -0.1], "velocity": [2, 0, 0],
         "restitution": 1.0, "material": "steel"},
        {"name": "b", "asset": "ball", "position": [0.5, 0, -0.15], "restitution": 1.0,
         "params": {"radius": 0.15}, "material": "steel"}])
    result = simulate(scene)
    m = result.masses
    v = result.trajectory.linvel
    before = m["a"] * v["a"][0] + m["b"] * v["b"][0]
    after = m["a"] * v["a"][-1] + m["b"] * v["b"][-1]
    assert np.linalg.norm(after - before) <= 0.02 * np.linalg.norm(before)
    assert v["b"][-1, 0] > 0.5  # the struck ball really moves off


def test_resting_stack_stays_at_rest():
    blocks = [{"name": f"b{i}", "asset": "block", "position": [0, 0, 0.1 * i]} for i in range(5)]
    result = simulate(make_scene(duration=2.0, bodies=blocks))
    for name in result.trajectory.names:
        drift = np.linalg.norm(result.trajectory.pos[name] - result.trajectory.pos[name][0], axis=1)
        assert drift.max() < 0.002, name


def test_determinism_bit_identical_trajectories():
    scene = make_scene(duration=1.0, bodies=[
        {"name": f"d{i}", "asset": "domino", "position": [0.035 * i, 0, 0]} for i in range(6)],
        events=[{"at": 0.1, "push": {"body": "d0", "impulse": [0.002, 0, 0]}}])
    a, b = simulate(scene), simulate(scene)
    for key in ("pos", "quat", "linvel", "angvel"):
        for name in a.trajectory.names:
            assert np.array_equal(getattr(a.trajectory, key)[name],
                                  getattr(b.trajectory, key)[name], equal_nan=True)
    assert a.events == b.events


def test_overlap_at_start_is_a_scene_error_unless_allowed():
    bodies = [{"name": "a", "asset": "block"}, {"name": "b", "asset": "block",
                                               "position": [0.05, 0, 0]}]
    with pytest.raises(SceneError) as info:
        simulate(make_scene(bodies=bodies))
    (path, message), = info.value.items
    assert path == ("bodies", 1, "position") and "overlaps 'a'" in message
    simulate(make_scene(bodies=bodies, world={"allow_interpenetration": True}, duration=0.2))


def test_runaway_speed_is_a_simulation_error():
    scene = make_scene(physics={"max_speed": 5.0}, bodies=[
        {"name": "ball", "asset": "ball", "position": [0, 0, 0], "velocity": [0, 0, 8]}])
    with pytest.raises(SimulationError, match="ball"):
        simulate(scene)


def test_resting_contact_is_one_episode_and_bounces_are_several():
    rest = simulate(make_scene(duration=1.0, bodies=[{"name": "box", "asset": "block"}]))
    assert len(rest.events["collisions"]) == 1
    bounce = simulate(make_scene(duration=2.0, bodies=[
        {"name": "ball", "asset": "tennis_ball", "position": [0, 0, 1]}]))
    hits = [c for c in bounce.events["collisions"] if c["impulse"] > 0.01]
    assert len(hits) >= 3
    first = hits[0]
    assert first["normal"][2] == pytest.approx(-1, abs=0.05) or \
        first["normal"][2] == pytest.approx(1, abs=0.05)
    # impulse of the first impact is about m (1 + e) v
    v = math.sqrt(2 * G * 1.0)
    assert first["impulse"] == pytest.approx(bounce.masses["ball"] * v * 1.7, rel=0.25)


def test_the_recording_covers_the_duration_at_every_step_whatever_the_camera():
    bodies = [{"name": "ball", "asset": "ball_bearing", "position": [0, 0, 1.0]}]
    plain = simulate(make_scene(duration=0.5, bodies=bodies))
    slow = simulate(make_scene(duration=0.5, bodies=bodies,
                               camera={"shots": [{"slow_motion": 0.25}]}))
    assert plain.interval == 1 / 240 and len(plain.recording.times) == 121  # steps 0 .. 120
    assert plain.recording.times[-1] == pytest.approx(0.5)
    for key in ("pos", "quat", "linvel", "angvel"):
        assert np.array_equal(getattr(plain.recording, key)["ball"],
                              getattr(slow.recording, key)["ball"])
    assert plain.trajectory.num_frames == 12 and slow.trajectory.num_frames == 48
    sparse = simulate(make_scene(duration=0.5, bodies=bodies, physics={"record_every": 10}))
    assert len(sparse.recording.times) == 13 and sparse.interval == pytest.approx(10 / 240)
    assert np.array_equal(sparse.recording.pos["ball"], plain.recording.pos["ball"][::10])


def test_progress_reports_a_bounded_number_of_times_and_ends_done():
    reports = []
    scene = make_scene(duration=2.0, bodies=[
        {"name": "ball", "asset": "ball_bearing", "position": [0, 0, 1.0]}])
    simulate(scene, progress=lambda done, total: reports.append((done, total)))
    assert reports[-1] == (481, 481) and len(reports) <= 102


def _block_on_ice(shove: float):
    from scipy.spatial.transform import Rotation
    scene = make_scene(duration=3.0, world={"ground": {"material": "ice"}}, bodies=[
        {"name": "b", "asset": "block", "material": "stone",
         "params": {"length": 0.08, "width": 0.07, "height": 0.06}, "position": [0, 0, 0]}],
        events=[{"at": 0.2, "set_velocity": {"body": "b", "linear": [shove, 0, 0]}}])
    rec = simulate(scene).recording
    yaw = Rotation.from_quat(rec.quat["b"]).as_euler("xyz", degrees=True)[:, 2]
    return rec.pos["b"], yaw


def test_a_block_at_rest_on_ice_stays_put():
    # with Bullet's 1 mm contact breaking threshold it sank 5 mm and turned 95 degrees in 3 s
    pos, yaw = _block_on_ice(0.0)
    assert np.abs(pos[-1]).max() < 0.001 and abs(yaw[-1]) < 0.5


def test_a_block_shoved_across_ice_stops_and_stays_stopped():
    pos, yaw = _block_on_ice(1.5)
    # stone on ice: friction 0.9 x 0.12, so it stops 1.5^2 / (2 x 0.108 g) = 1.06 m on
    assert pos[-1][0] == pytest.approx(1.06, abs=0.1)
    assert pos[-1][2] > -0.001  # on the ice, not in it
    assert abs(yaw[-1] - yaw[-120]) < 0.5  # it does not go on spinning once stopped


def test_each_world_steps_with_its_own_contact_breaking_threshold():
    # Bullet's threshold is one for the whole process: an ice world built, then a stone one,
    # must still step with its own
    from physics import world as world_module
    from physics.world import World
    ice = World(make_scene(world={"ground": {"material": "ice"}}, bodies=[
        {"name": "b", "asset": "block", "position": [0, 0, 0]}]), None)
    stone = World(make_scene(bodies=[{"name": "b", "asset": "block", "position": [0, 0, 0]}]),
                  None)
    try:
        assert (ice.breaking, stone.breaking) == (0.005, 0.001)
        ice.step()
        assert world_module._applied_threshold[0] == 0.005
        stone.step()
        assert world_module._applied_threshold[0] == 0.001
    finally:
        ice.close()
        stone.close()
