"""Joints: short physical checks of hinges, balls, sliders, welds and springs."""
from __future__ import annotations

import math

import numpy as np
import pytest

from bridge.transforms import quat_to_matrix
from physics.simulate import simulate
from tests.helpers import make_scene

G = 9.81


def _ball(name: str, centre, radius: float = 0.02, **extra) -> dict:
    """A steel ball with its centre at `centre` (the asset's origin is its bottom)."""
    x, y, z = centre
    return {"name": name, "asset": "ball", "params": {"radius": radius}, "material": "steel",
            "position": [x, y, z - radius], **extra}


def _centre(rec, name: str, height: float) -> np.ndarray:
    """[T, 3] the point `height` above the asset origin, in the body (its centre)."""
    up = np.array([quat_to_matrix(q)[:, 2] for q in rec.quat[name]])
    return rec.pos[name] + height * up


def _crossings(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Times at which x crosses zero downward, interpolated."""
    k = np.flatnonzero((x[:-1] > 0) & (x[1:] <= 0))
    return t[k] + x[k] / (x[k] - x[k + 1]) * (t[1] - t[0])


def _pendulum(joint_type: str, length: float = 1.0, degrees: float = 5.0, radius: float = 0.02):
    theta = math.radians(degrees)
    centre = (length * math.sin(theta), 0.0, 1.5 - length * math.cos(theta))
    return make_scene(duration=6.5, bodies=[_ball("bob", centre, radius)], joints=[
        {"name": "pivot", "type": joint_type, "a": "bob", "anchor": [0, 0, 1.5],
         "axis": [0, 1, 0]}])


def _period(length: float, degrees: float, radius: float) -> float:
    """A small-angle physical pendulum: a solid ball of `radius` at `length`, with the
    first finite-amplitude correction."""
    gyration = length ** 2 + 0.4 * radius ** 2
    theta = math.radians(degrees)
    return 2 * math.pi * math.sqrt(gyration / (G * length)) * (1 + theta ** 2 / 16)


@pytest.mark.parametrize("joint_type", ["hinge", "ball"])
def test_small_angle_pendulum_keeps_its_period_and_its_length(joint_type):
    result = simulate(_pendulum(joint_type))
    rec = result.recording
    centre = _centre(rec, "bob", 0.02)
    periods = np.diff(_crossings(centre[:, 0], rec.times))
    assert len(periods) >= 2
    assert periods.mean() == pytest.approx(_period(1.0, 5.0, 0.02), rel=0.01)
    assert 2 * math.pi * math.sqrt(1.0 / G) == pytest.approx(periods.mean(), rel=0.01)
    reach = np.linalg.norm(centre - [0, 0, 1.5], axis=1)
    assert np.abs(reach - 1.0).max() < 1e-4  # a joint, not a soft constraint
    assert np.abs(centre[:, 1]).max() < 1e-6  # stays in its plane


def test_a_chain_starts_where_the_script_puts_it_and_keeps_its_links():
    upper, lower = (0.3, 0.0, 1.2), (0.6, 0.0, 1.2)
    scene = make_scene(duration=1.0, bodies=[_ball("upper", upper), _ball("lower", lower)],
                       joints=[{"name": "top", "type": "hinge", "a": "upper",
                                "anchor": [0, 0, 1.2], "axis": [0, 1, 0]},
                               {"name": "middle", "type": "ball", "a": "lower", "b": "upper",
                                "anchor": list(upper)}])
    rec = simulate(scene).recording
    first_upper, first_lower = _centre(rec, "upper", 0.02), _centre(rec, "lower", 0.02)
    np.testing.assert_allclose(first_upper[0], upper, atol=1e-9)
    np.testing.assert_allclose(first_lower[0], lower, atol=1e-9)
    top = np.linalg.norm(first_upper - [0, 0, 1.2], axis=1)
    middle = np.linalg.norm(first_lower - first_upper, axis=1)
    assert np.abs(top - 0.3).max() < 1e-4 and np.abs(middle - 0.3).max() < 1e-4
    assert first_lower[:, 2].min() < 0.8  # it fell: a double pendulum, not a rod


def _arm(joint: dict, duration: float = 1.5, gravity=(0, 0, -G)):
    """A 40 cm bar lying along x from a hinge at the origin, 1 m up."""
    bar = {"name": "bar", "asset": "box", "params": {"length": 0.4, "width": 0.04,
                                                     "height": 0.04},
           "material": "wood", "position": [0.2, 0, 0.98]}
    return make_scene(duration=duration, world={"gravity": list(gravity)}, bodies=[bar],
                      joints=[{"name": "hinge", "type": "hinge", "a": "bar",
                               "anchor": [0, 0, 1.0], "axis": [0, 1, 0], **joint}])


def _bar_angle(rec) -> np.ndarray:
    """Degrees the bar's far end has dropped below horizontal, about the hinge."""
    centre = _centre(rec, "bar", 0.02)
    return np.degrees(np.arctan2(1.0 - centre[:, 2], centre[:, 0]))


def test_hinge_limits_hold():
    free = _bar_angle(simulate(_arm({})).recording)
    held = _bar_angle(simulate(_arm({"limits": [-30, 30]})).recording)
    assert free.max() > 80  # without limits it swings down
    # about +y a positive turn drops the +x end: the high limit stops it
    assert held.max() == pytest.approx(30, abs=1.5)
    assert held[-12:].mean() == pytest.approx(30, abs=1.5)


def test_a_hinge_motor_turns_at_its_speed():
    scene = _arm({"axis": [0, 0, 1], "motor": {"speed": 90, "max_force": 50}},
                 duration=1.0, gravity=(0, 0, 0))
    rec = simulate(scene).recording
    centre = _centre(rec, "bar", 0.02)
    heading = np.degrees(np.unwrap(np.arctan2(centre[:, 1], centre[:, 0])))
    late = rec.times > 0.2
    rate = np.polyfit(rec.times[late], heading[late], 1)[0]
    assert rate == pytest.approx(90, rel=0.01)


def test_a_slider_moves_along_its_axis_only_and_stops_at_its_limit():
    box = {"name": "carriage", "asset": "box", "params": {"length": 0.1, "width": 0.1,
                                                          "height": 0.1},
           "material": "steel", "position": [0, 0, 1.0]}
    scene = make_scene(duration=1.0, bodies=[box], joints=[
        {"name": "rail", "type": "slider", "a": "carriage", "anchor": [0, 0, 1.05],
         "axis": [1, 0, 1], "limits": [-0.3, 0.0]}])
    rec = simulate(scene).recording
    moved = rec.pos["carriage"] - rec.pos["carriage"][0]
    np.testing.assert_allclose(moved[:, 0], moved[:, 2], atol=1e-6)  # along [1, 0, 1]
    assert np.abs(moved[:, 1]).max() < 1e-9
    travel = np.linalg.norm(moved, axis=1)
    assert travel[-1] == pytest.approx(0.3, abs=0.005)
    assert travel.max() < 0.31
    # before the stop it slides as a bead on a 45 degree wire: v = g sin(45) t
    t = np.searchsorted(rec.times, 0.2)
    speed = np.linalg.norm(rec.linvel["carriage"][t])
    assert speed == pytest.approx(G * math.sqrt(0.5) * rec.times[t], rel=0.01)


def test_a_fixed_joint_welds_two_bodies_that_fall_and_tumble_as_one():
    low = {"name": "low", "asset": "box", "params": {"length": 0.2, "width": 0.2,
                                                     "height": 0.1},
           "material": "wood", "position": [0, 0, 0.5]}
    high = dict(low, name="high", position=[0, 0, 0.6], rotation=[0, 0, 30])
    scene = make_scene(duration=1.5, bodies=[low, high], joints=[
        {"name": "glue", "type": "fixed", "a": "high", "b": "low", "anchor": [0, 0, 0.6]}])
    result = simulate(scene)
    rec = result.recording
    gap = [quat_to_matrix(q).T @ (b - a) for a, b, q in
           zip(rec.pos["low"], rec.pos["high"], rec.quat["low"])]  # in the low box's frame
    np.testing.assert_allclose(gap, np.tile([0, 0, 0.1], (len(gap), 1)), atol=1e-4)
    turn = [quat_to_matrix(a).T @ quat_to_matrix(b) for a, b in
            zip(rec.quat["low"], rec.quat["high"])]
    np.testing.assert_allclose(turn, np.tile(turn[0], (len(turn), 1, 1)), atol=1e-4)
    assert np.ptp(rec.quat["low"], axis=0).max() > 0.1  # the landing turned them
    hits = [c for c in result.events["collisions"] if c["bodies"] == ["ground", "low"]]
    assert hits and hits[0]["time"] == pytest.approx(math.sqrt(2 * 0.5 / G), abs=0.01)


def test_a_spring_oscillates_at_its_natural_frequency():
    stiffness = 200.0
    scene = make_scene(duration=3.0, world={"gravity": [0, 0, 0]},
                       bodies=[_ball("mass", (0.6, 0, 1.0), radius=0.05)],
                       joints=[{"name": "coil", "type": "spring", "a": "mass",
                                "anchor": [0, 0, 1.0], "stiffness": stiffness,
                                "rest_length": 0.5}])
    result = simulate(scene)
    rec = result.recording
    x = rec.pos["mass"][:, 0] - 0.5
    periods = np.diff(_crossings(x, rec.times))
    expected = 2 * math.pi * math.sqrt(result.masses["mass"] / stiffness)
    assert periods.mean() == pytest.approx(expected, rel=0.02)
    assert x.max() == pytest.approx(0.1, rel=0.01)  # undamped: it keeps its amplitude


def test_a_damped_spring_between_two_bodies_pulls_both_and_settles():
    scene = make_scene(duration=3.0, world={"gravity": [0, 0, 0]},
                       bodies=[_ball("left", (-0.3, 0, 1.0), 0.05),
                               _ball("right", (0.3, 0, 1.0), 0.05)],
                       joints=[{"name": "coil", "type": "spring", "a": "right", "b": "left",
                                "anchor": [-0.3, 0, 1.0], "stiffness": 100.0,
                                "damping": 5.0, "rest_length": 0.4}])
    rec = simulate(scene).recording
    span = rec.pos["right"][:, 0] - rec.pos["left"][:, 0]
    assert span[-1] == pytest.approx(0.4, abs=0.005)
    middle = (rec.pos["right"][:, 0] + rec.pos["left"][:, 0]) / 2
    assert np.abs(middle).max() < 1e-9  # equal and opposite: the centre stays put


def test_newtons_cradle_one_ball_in_one_ball_out():
    radius, length, count = 0.02, 0.3, 5
    bodies, joints = [], []
    for i in range(count):
        x = i * (2 * radius + 0.001)
        theta = math.radians(30) if i == 0 else 0.0
        centre = (x - length * math.sin(theta), 0.0, 1.0 - length * math.cos(theta))
        bodies.append(_ball(f"ball{i}", centre, radius, restitution=0.97, friction=0.0))
        joints.append({"name": f"string{i}", "type": "hinge", "a": f"ball{i}",
                       "anchor": [x, 0, 1.0], "axis": [0, 1, 0]})
    result = simulate(make_scene(duration=0.4, world={"ground": None}, bodies=bodies,
                                 joints=joints))
    rec = result.recording
    first = min(c["time"] for c in result.events["collisions"])
    last = max(c["time"] for c in result.events["collisions"])
    before = np.searchsorted(rec.times, first) - 1
    after = np.searchsorted(rec.times, last) + 2
    speed = {b["name"]: rec.linvel[b["name"]][:, 0] for b in bodies}
    momentum = [sum(result.masses[n] * v[k] for n, v in speed.items()) for k in (before, after)]
    assert momentum[1] == pytest.approx(momentum[0], rel=0.02)
    incoming = speed["ball0"][before]
    assert incoming == pytest.approx(math.sqrt(2 * G * length * (1 - math.cos(math.radians(30)))),
                                     rel=0.01)
    assert speed["ball4"][after] > 0.9 * incoming  # one ball out at the other end
    for name in ("ball0", "ball1", "ball2", "ball3"):
        assert abs(speed[name][after]) < 0.05 * incoming  # and the rest stay


def test_joints_rerun_bit_identical():
    scene = make_scene(duration=0.5, bodies=[_ball("a", (0.3, 0, 1.2)), _ball("b", (0.6, 0, 1.2)),
                                             _ball("c", (0.6, 0.2, 0.8), 0.05)],
                       joints=[{"name": "j1", "type": "hinge", "a": "a", "anchor": [0, 0, 1.2],
                                "axis": [0, 1, 0], "limits": [-60, 60]},
                               {"name": "j2", "type": "ball", "a": "b", "b": "a",
                                "anchor": [0.3, 0, 1.2]},
                               {"name": "j3", "type": "spring", "a": "c", "b": "b",
                                "anchor": [0.6, 0, 1.2], "stiffness": 50, "damping": 1}])
    one, two = simulate(scene).recording, simulate(scene).recording
    for name in ("a", "b", "c"):
        assert np.array_equal(one.pos[name], two.pos[name])
        assert np.array_equal(one.quat[name], two.quat[name])


def test_a_jointed_body_reports_its_contacts_by_name():
    swing = (0.3 + 0.5 * math.sin(0.6), 0, 1.05 - 0.5 * math.cos(0.6))
    post = {"name": "post", "asset": "box", "params": {"length": 0.1, "width": 0.3,
                                                       "height": 0.6},
            "material": "wood", "position": [0, 0, 0], "static": True}
    scene = make_scene(duration=1.0, bodies=[_ball("bob", swing, 0.05), post], joints=[
        {"name": "arm", "type": "hinge", "a": "bob", "anchor": [0.3, 0, 1.05],
         "axis": [0, 1, 0]}])
    hits = [c for c in simulate(scene).events["collisions"] if c["bodies"] == ["bob", "post"]]
    assert hits and hits[0]["normal"][0] > 0.9  # on the post's side, pushing the bob back


def test_a_push_on_a_hung_body_swings_it_with_the_impulse_given():
    scene = make_scene(duration=0.3, world={"gravity": [0, 0, 0]},
                       bodies=[_ball("bob", (0, 0, 0.5), 0.05)],
                       joints=[{"name": "rod", "type": "hinge", "a": "bob",
                                "anchor": [0, 0, 1.0], "axis": [0, 1, 0]}],
                       events=[{"at": 0.1, "push": {"body": "bob", "impulse": [0.5, 0, 0]}}])
    result = simulate(scene)
    rec = result.recording
    k = np.searchsorted(rec.times, 0.2)
    mass = result.masses["bob"]
    # a bob on a massless rod: the push goes into the swing, less the ball's own spin
    expected = 0.5 / mass / (1 + 0.4 * 0.05 ** 2 / 0.5 ** 2)
    assert np.linalg.norm(rec.linvel["bob"][k]) == pytest.approx(expected, rel=0.01)


def _swung_out(joint_type: str, breaks_at_weights: float, degrees: float = 60.0):
    """A 1 m pendulum let go from `degrees` on a joint that breaks at so many bob weights."""
    theta = math.radians(degrees)
    centre = (math.sin(theta), 0.0, 2.0 - math.cos(theta))
    mass = 7850 * 4 / 3 * math.pi * 0.05 ** 3
    scene = make_scene(duration=1.2, bodies=[_ball("bob", centre, 0.05)], joints=[
        {"name": "pin", "type": joint_type, "a": "bob", "anchor": [0, 0, 2.0],
         "axis": [0, 1, 0], "breaks_at": breaks_at_weights * mass * G}])
    return simulate(scene), mass


@pytest.mark.parametrize("joint_type", ["ball", "hinge"])
def test_a_pendulum_lets_go_where_its_tension_passes_the_breaking_force(joint_type):
    result, mass = _swung_out(joint_type, 1.5)
    (broke,) = result.events["joint_breaks"]
    assert broke["joint"] == "pin" and broke["bodies"] == ["bob", "world"]
    assert broke["force"] >= 1.5 * mass * G
    rec = result.recording
    k = np.searchsorted(rec.times, broke["time"])
    centre = _centre(rec, "bob", 0.05)[k]
    angle = math.degrees(math.atan2(centre[0], 2.0 - centre[2]))
    # tension mg (3 cos(a) - 2 cos(60)) reaches 1.5 mg at a = 33.6 degrees, still falling
    assert angle == pytest.approx(33.6, abs=2.0)
    later = rec.linvel["bob"][k + 5:k + 30, 2]
    assert np.diff(later).mean() / (rec.times[1] - rec.times[0]) == pytest.approx(-G, rel=1e-3)


def test_a_joint_below_its_breaking_force_holds():
    result, _ = _swung_out("ball", 2.2)  # the bottom of the swing pulls 2 bob weights
    assert result.events["joint_breaks"] == []
    reach = np.linalg.norm(_centre(result.recording, "bob", 0.05) - [0, 0, 2.0], axis=1)
    assert np.abs(reach - 1.0).max() < 0.02  # stiff (1% under twice the weight), not exact


def test_a_spring_snaps_when_stretched_past_its_breaking_force():
    scene = make_scene(duration=1.0, bodies=[_ball("weight", (0, 0, 1.0), 0.05)], joints=[
        {"name": "coil", "type": "spring", "a": "weight", "anchor": [0, 0, 1.5],
         "stiffness": 100.0, "rest_length": 0.5, "breaks_at": 60.0}])
    result = simulate(scene)
    (snap,) = result.events["joint_breaks"]
    assert snap["joint"] == "coil" and 60.0 < snap["force"] < 62.0
    rec = result.recording
    k = np.searchsorted(rec.times, snap["time"])
    drop = 1.0 - (rec.pos["weight"][k, 2] + 0.05)
    assert drop == pytest.approx(0.6, abs=0.02)  # 60 N at 100 N/m
    landed = [c for c in result.events["collisions"] if c["bodies"] == ["ground", "weight"]]
    assert landed and landed[0]["time"] > snap["time"]  # then it falls to the floor


def test_limits_and_motors_measure_a_against_b_whichever_end_moves():
    post = {"name": "post", "asset": "box", "params": {"length": 0.04, "width": 0.04,
                                                       "height": 0.9},  # clear of the bar
            "material": "wood", "position": [-0.03, 0, 0], "static": True}
    scene = _arm({"a": "post", "b": "bar", "limits": [-10, 60]})
    scene = make_scene(**{**scene.model_dump(by_alias=True, exclude_none=True),
                          "bodies": [post, scene.bodies[0].model_dump(exclude_none=True)]})
    # the post against the bar within [-10, 60] is the bar against the post within [-60, 10]
    assert _bar_angle(simulate(scene).recording).max() == pytest.approx(10, abs=1.5)
    turning = _arm({"a": "post", "b": "bar", "axis": [0, 0, 1],
                    "motor": {"speed": 90, "max_force": 50}}, duration=1.0, gravity=(0, 0, 0))
    turning = make_scene(**{**turning.model_dump(by_alias=True, exclude_none=True),
                            "bodies": [post, turning.bodies[0].model_dump(exclude_none=True)]})
    rec = simulate(turning).recording
    centre = _centre(rec, "bar", 0.02)
    heading = np.degrees(np.unwrap(np.arctan2(centre[:, 1], centre[:, 0])))
    late = rec.times > 0.2
    assert np.polyfit(rec.times[late], heading[late], 1)[0] == pytest.approx(-90, rel=0.01)


def test_a_motorised_drum_on_the_world_turns():
    drum = {"name": "drum", "asset": "cylinder", "params": {"radius": 0.2, "height": 0.1},
            "position": [0, 0, 1.0]}
    scene = make_scene(duration=1.0, bodies=[drum], joints=[
        {"name": "spindle", "type": "hinge", "a": "drum", "anchor": [0, 0, 1.05],
         "axis": [0, 0, 1], "motor": {"speed": 90, "max_force": 5}}])
    spin = simulate(scene).recording.angvel["drum"]
    assert spin[-1, 2] == pytest.approx(np.radians(90), rel=0.01)


def test_a_breakable_joint_may_name_its_fixed_end_first():
    result, _ = _swung_out("ball", 1.5)
    scene = make_scene(duration=1.2, bodies=[
        _ball("bob", (math.sin(math.radians(60)), 0.0, 2.0 - math.cos(math.radians(60))), 0.05),
        {"name": "hook", "asset": "box", "params": {"length": 0.1, "width": 0.1, "height": 0.1},
         "position": [0, 0, 2.05], "static": True}],
        joints=[{"name": "pin", "type": "ball", "a": "hook", "b": "bob", "anchor": [0, 0, 2.0],
                 "breaks_at": result.events["joint_breaks"][0]["force"] - 1e-6}])
    (broke,) = simulate(scene).events["joint_breaks"]
    assert broke["time"] == pytest.approx(result.events["joint_breaks"][0]["time"], abs=0.01)


def test_a_spring_on_a_static_body_goes_with_it_once_released():
    shelf = {"name": "shelf", "asset": "box", "params": {"length": 0.3, "width": 0.3,
                                                         "height": 0.05},
             "material": "wood", "position": [0, 0, 1.5], "static": True}
    scene = make_scene(duration=1.2, bodies=[shelf, _ball("bob", (0, 0, 1.0), 0.05)],
                       joints=[{"name": "coil", "type": "spring", "a": "bob", "b": "shelf",
                                "anchor": [0, 0, 1.5], "stiffness": 200.0, "damping": 2.0}],
                       events=[{"at": 0.2, "release": "shelf"}])
    rec = simulate(scene).recording
    assert rec.pos["shelf"][-1, 2] < 0.5  # it fell ...
    assert rec.pos["bob"][-1, 2] < 0.6  # ... and the bob went down with it
