"""Camera moves: exact geometry, smooth tracking and bounded handheld shake."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from bridge.transforms import look_at_quat
from renderer.moves import crane, dolly, ease, orbit, pan, shake, tilt, track
from tests.helpers import project

U = np.linspace(0.0, 1.0, 25)
CAMERA = np.array([3.0, -1.0, 1.5])
TARGET = np.array([0.5, 0.5, 0.2])


def _angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    """Signed angle from a to b about +z, of their horizontal parts."""
    return float(np.degrees(np.arctan2(a[0] * b[1] - a[1] * b[0], a[0] * b[0] + a[1] * b[1])))


def _pitch_deg(v: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(v[..., 2], np.hypot(v[..., 0], v[..., 1])))


@pytest.mark.parametrize("kind", ["linear", "ease_in_out"])
def test_ease_runs_from_zero_to_one_monotonically(kind):
    e = ease(U, kind)
    assert e[0] == 0.0 and e[-1] == 1.0 and np.all(np.diff(e) > 0)
    assert ease(np.array([0.5]), kind)[0] == pytest.approx(0.5)


def test_ease_in_out_starts_and_stops_gently():
    e = ease(U, "ease_in_out")
    assert e[1] < U[1] / 2 and 1 - e[-2] < (1 - U[-2]) / 2
    with pytest.raises(ValueError, match="ease_in_out"):
        ease(U, "bounce")


@pytest.mark.parametrize("degrees", [90.0, -45.0])
def test_orbit_keeps_radius_and_height_and_turns_by_the_angle(degrees):
    positions, targets = orbit(CAMERA, TARGET, degrees, U)
    offsets = positions - TARGET
    radius = np.hypot(*(CAMERA - TARGET)[:2])
    assert np.allclose(np.hypot(offsets[:, 0], offsets[:, 1]), radius, rtol=0, atol=1e-12)
    assert np.all(positions[:, 2] == CAMERA[2]) and np.all(targets == TARGET)
    assert _angle_deg(CAMERA - TARGET, offsets[-1]) == pytest.approx(degrees)
    # Linear by default: the angle grows evenly.
    assert _angle_deg(CAMERA - TARGET, offsets[12]) == pytest.approx(degrees / 2)


def test_full_orbit_returns_to_the_start():
    positions, _ = orbit(CAMERA, TARGET, 360.0, U, ease="ease_in_out")
    assert np.allclose(positions[-1], CAMERA) and not np.allclose(positions[12], CAMERA)


def test_dolly_ends_at_the_exact_distance_along_the_view_line():
    gap = np.linalg.norm(TARGET - CAMERA)
    for distance in (1.0, -2.0):
        positions, targets = dolly(CAMERA, TARGET, distance, U)
        assert np.linalg.norm(TARGET - positions[-1]) == pytest.approx(gap - distance)
        assert np.allclose(np.cross(positions - TARGET, CAMERA - TARGET), 0)
        assert np.allclose(positions[0], CAMERA) and np.all(targets == TARGET)


def test_dolly_refuses_to_reach_or_pass_the_target():
    gap = np.linalg.norm(TARGET - CAMERA)
    dolly(CAMERA, TARGET, gap - 0.06, U)
    for distance in (gap - 0.04, gap + 1.0):
        with pytest.raises(ValueError, match="0.05 m of the target"):
            dolly(CAMERA, TARGET, distance, U)


@pytest.mark.parametrize("degrees", [30.0, -70.0])
def test_pan_turns_the_view_about_the_fixed_camera(degrees):
    positions, targets = pan(CAMERA, TARGET, degrees, U)
    views = targets - CAMERA
    assert np.all(positions == CAMERA)
    assert _angle_deg(TARGET - CAMERA, views[-1]) == pytest.approx(degrees)
    assert np.allclose(np.linalg.norm(views, axis=1), np.linalg.norm(TARGET - CAMERA))
    assert np.allclose(targets[:, 2], TARGET[2])


def test_pan_left_is_counter_clockwise():
    _, targets = pan([0, 0, 1], [1, 0, 1], 90.0, U)
    assert np.allclose(targets[-1], [0, 1, 1])


@pytest.mark.parametrize("degrees", [20.0, -25.0])
def test_tilt_pitches_the_view_and_keeps_its_heading(degrees):
    positions, targets = tilt(CAMERA, TARGET, degrees, U)
    views = targets - CAMERA
    assert np.all(positions == CAMERA)
    assert _pitch_deg(views[-1]) - _pitch_deg(TARGET - CAMERA) == pytest.approx(degrees)
    assert np.allclose([_angle_deg(TARGET - CAMERA, v) for v in views], 0, atol=1e-9)


def test_tilt_up_raises_the_target():
    _, targets = tilt([0, 0, 1], [2, 0, 1], 45.0, U)
    assert np.allclose(targets[-1], [np.sqrt(2), 0, 1 + np.sqrt(2)])


def test_tilt_refuses_to_reach_vertical():
    start = float(_pitch_deg(TARGET - CAMERA))
    tilt(CAMERA, TARGET, 88.0 - start, U)
    for degrees in (89.5 - start, -89.5 - start):
        with pytest.raises(ValueError, match="89"):
            tilt(CAMERA, TARGET, degrees, U)


def test_crane_changes_only_the_height():
    positions, targets = crane(CAMERA, TARGET, -0.7, U)
    assert positions[-1][2] == pytest.approx(CAMERA[2] - 0.7)
    assert np.all(positions[:, :2] == CAMERA[:2]) and np.all(targets == TARGET)
    assert np.all(np.diff(positions[:, 2]) <= 0)


FPS, SECONDS, FOV, WIDTH, HEIGHT = 24, 3.0, 40.0, 640, 360
TIMES = np.arange(int(SECONDS * FPS) + 1) / FPS


def _runner() -> np.ndarray:
    """3 m/s along x with a bounce in z."""
    return np.column_stack([3.0 * TIMES - 4.5, np.zeros_like(TIMES),
                            0.5 + 0.15 * np.abs(np.sin(np.pi * 1.5 * TIMES))])


def _tracked_pixels(subject: np.ndarray, smoothing_s: float) -> np.ndarray:
    start = np.nan_to_num(subject[0])
    base = start + 3.0 * np.array([0.3, -0.9, 0.3]) / np.linalg.norm([0.3, -0.9, 0.3])
    positions, targets = track(base, start, subject, TIMES, smoothing_s)
    f = (HEIGHT / 2) / np.tan(np.radians(FOV) / 2)
    camera = {"intrinsics": [[f, 0, WIDTH / 2], [0, f, HEIGHT / 2], [0, 0, 1]],
              "positions": positions,
              "quaternions": [look_at_quat(p, t) for p, t in zip(positions, targets)]}
    assert np.allclose(positions - targets, base - start)
    return np.array([project(camera, i, s) for i, s in enumerate(subject)])


def test_track_keeps_a_moving_subject_in_the_centre():
    pixels = _tracked_pixels(_runner(), smoothing_s=0.25)
    assert np.all(np.abs(pixels[:, 0] - WIDTH / 2) < 0.1 * WIDTH)
    assert np.all(np.abs(pixels[:, 1] - HEIGHT / 2) < 0.1 * HEIGHT)


def test_track_has_no_lag_behind_steady_motion():
    subject = np.column_stack([3.0 * TIMES, np.zeros((len(TIMES), 2))])
    _, targets = track([0, -3, 1], [0, 0, 0], subject, TIMES, smoothing_s=1.0)
    assert np.allclose(targets, subject, atol=1e-9)


def test_track_with_non_uniform_times():
    times = np.sort(np.random.default_rng(1).uniform(0, 3, 50))
    subject = np.column_stack([2.0 * times, -times, np.ones_like(times)])
    _, targets = track([0, -3, 1], [0, 0, 0], subject, times, smoothing_s=0.5)
    assert np.allclose(targets, subject, atol=1e-9)


def test_track_smooths_jitter():
    rng = np.random.default_rng(7)
    subject = _runner() + rng.normal(0.0, 0.02, (len(TIMES), 3))
    positions, _ = track([0, -3, 1], [0, 0, 0], subject, TIMES, smoothing_s=0.25)

    def accel_rms(path: np.ndarray) -> float:
        return float(np.sqrt(np.mean(np.diff(path, 2, axis=0) ** 2)))

    assert accel_rms(positions) < 0.2 * accel_rms(subject)


def test_track_with_no_smoothing_follows_exactly():
    subject = _runner()
    positions, targets = track([1, 2, 3], [0, 0, 0], subject, TIMES, smoothing_s=0.0)
    assert np.array_equal(targets, subject) and np.allclose(positions, subject + [1, 2, 3])


def test_track_holds_the_subject_where_it_is_missing():
    subject = _runner()
    subject[:5] = np.nan
    subject[40:50] = np.nan
    _, targets = track([1, 2, 3], [0, 0, 0], subject, TIMES, smoothing_s=0.0)
    assert np.all(targets[:5] == subject[5]) and np.all(targets[40:50] == subject[39])
    _, smooth = track([1, 2, 3], [0, 0, 0], subject, TIMES, smoothing_s=0.25)
    assert np.isfinite(smooth).all()
    with pytest.raises(ValueError, match="never exists"):
        track([1, 2, 3], [0, 0, 0], np.full((3, 3), np.nan), TIMES[:3], 0.2)


def _base_quats() -> np.ndarray:
    return Rotation.from_euler("z", np.linspace(0, 40, len(TIMES))[:, None],
                              degrees=True).as_quat()


def _deviation_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.degrees((Rotation.from_quat(a).inv() * Rotation.from_quat(b)).magnitude())


def test_shake_is_deterministic_per_generator():
    a = shake(_base_quats(), TIMES, 1.5, 2.0, np.random.default_rng(3))
    b = shake(_base_quats(), TIMES, 1.5, 2.0, np.random.default_rng(3))
    c = shake(_base_quats(), TIMES, 1.5, 2.0, np.random.default_rng(4))
    assert np.array_equal(a, b) and not np.allclose(a, c)


def test_shake_stays_within_the_amplitude_and_is_smooth():
    base = _base_quats()
    shaken = shake(base, TIMES, 1.5, 2.0, np.random.default_rng(5))
    assert np.allclose(np.linalg.norm(shaken, axis=1), 1.0)
    deviation = _deviation_deg(base, shaken)
    assert deviation.max() <= 1.5 + 1e-9 and deviation.max() > 1.4
    # Shake relative to the base view, frame to frame: a fraction of the amplitude at 24 fps.
    offsets = Rotation.from_quat(base).inv() * Rotation.from_quat(shaken)
    step = np.degrees((offsets[:-1].inv() * offsets[1:]).magnitude())
    assert step.max() < 0.4 * 1.5


def test_shake_rolls_less_than_it_yaws():
    base = _base_quats()
    offsets = Rotation.from_quat(base).inv() * Rotation.from_quat(
        shake(base, TIMES, 2.0, 2.0, np.random.default_rng(6)))
    wobble = np.abs(offsets.as_rotvec())
    assert wobble[:, 2].max() < 0.5 * wobble[:, :2].max()


def test_zero_shake_returns_the_input():
    base = _base_quats()
    assert np.array_equal(shake(base, TIMES, 0.0, 2.0, np.random.default_rng(0)), base)
