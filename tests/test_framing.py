"""Framing presets: the solved camera puts the subject where the preset says, measured in pixels."""
from __future__ import annotations

import numpy as np
import pytest

from bridge.transforms import look_at_quat, quat_to_matrix
from renderer.camera import _box_corners
from renderer.framing import INSIDE, PRESET_TABLE, PRESETS, frame_preset
from tests.helpers import project

FOV, WIDTH, HEIGHT, NEAR = 40.0, 1280, 720, 0.02
TALL = _box_corners(np.array([-0.05, -0.05, 0.0]), np.array([0.05, 0.05, 0.3]))
LONG = _box_corners(np.array([-1.0, -0.1, 0.0]), np.array([1.0, 0.1, 0.2]))


def _pixels(position: np.ndarray, target: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """[N,2] pixel coordinates of the corners seen from the pose, as the metadata describes it."""
    f = (HEIGHT / 2) / np.tan(np.radians(FOV) / 2)
    camera = {"intrinsics": [[f, 0, WIDTH / 2], [0, f, HEIGHT / 2], [0, 0, 1]],
              "positions": [position], "quaternions": [look_at_quat(position, target)]}
    return np.array([project(camera, 0, c) for c in corners])


def _frame(preset: str, corners: np.ndarray, **view) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    position, target = frame_preset(preset, corners, FOV, WIDTH / HEIGHT, NEAR, **view)
    return position, target, _pixels(position, target, corners)


def _fills(pixels: np.ndarray) -> tuple[float, float]:
    return np.ptp(pixels[:, 1]) / HEIGHT, np.ptp(pixels[:, 0]) / WIDTH


def _forward(position: np.ndarray, target: np.ndarray) -> np.ndarray:
    return -quat_to_matrix(look_at_quat(position, target))[:, 2]


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("corners", [TALL, LONG], ids=["tall", "long"])
def test_subject_is_inside_and_the_binding_limit_is_met(preset, corners):
    _, target, pixels = _frame(preset, corners)
    framing = PRESET_TABLE[preset]
    assert np.allclose(target, (corners.min(axis=0) + corners.max(axis=0)) / 2)
    assert np.all((pixels > 0) & (pixels < [WIDTH, HEIGHT]))
    fill_v, fill_w = _fills(pixels)
    assert fill_v <= framing.fill * 1.001 and fill_w <= framing.max_width_fill * 1.001
    # The solved distance is the nearest that satisfies every limit, so one of them is met.
    edge = np.abs(pixels / [WIDTH, HEIGHT] * 2 - 1).max()
    assert (abs(fill_v - framing.fill) < 0.02 * framing.fill
            or abs(fill_w - framing.max_width_fill) < 0.02 * framing.max_width_fill
            or abs(edge - INSIDE) < 1e-3)


@pytest.mark.parametrize("preset", PRESETS)
def test_tall_subject_fills_the_preset_share_of_the_height(preset):
    fill_v, _ = _fills(_frame(preset, TALL)[2])
    assert fill_v == pytest.approx(PRESET_TABLE[preset].fill, rel=0.01)


def test_close_up_fills_sixty_percent_of_the_height():
    fill_v, _ = _fills(_frame("close_up", TALL)[2])
    assert fill_v == pytest.approx(0.6, rel=0.01)


def test_wide_subject_backs_the_camera_off_to_ninety_percent_of_the_width():
    # Seen square on, the projection is symmetric and the width limit binds, not the edge.
    _, _, pixels = _frame("medium", LONG, azimuth_deg=-90.0)
    fill_v, fill_w = _fills(pixels)
    assert fill_w == pytest.approx(0.9, rel=0.01)
    assert fill_v < PRESET_TABLE["medium"].fill


@pytest.mark.parametrize("corners", [TALL, LONG], ids=["tall", "long"])
def test_top_down_fits_both_directions_at_eighty_percent(corners):
    fill_v, fill_w = _fills(_frame("top_down", corners)[2])
    assert max(fill_v, fill_w) == pytest.approx(0.8, rel=0.01)


def test_wide_gives_long_action_eighty_percent_of_the_width():
    fill_v, fill_w = _fills(_frame("wide", LONG, azimuth_deg=-90.0)[2])
    assert fill_w == pytest.approx(0.8, rel=0.01) and fill_v < PRESET_TABLE["wide"].fill


def test_closer_presets_put_the_camera_nearer():
    def distance(preset: str) -> float:
        position, target, _ = _frame(preset, TALL)
        return float(np.linalg.norm(position - target))

    assert (distance("extreme_close_up") < distance("close_up") < distance("medium")
            < distance("wide"))


def test_top_down_is_straight_above_looking_down():
    position, target, _ = _frame("top_down", LONG)
    assert np.allclose(position[:2], target[:2]) and position[2] > target[2]
    assert np.allclose(_forward(position, target), [0, 0, -1])


def test_low_angle_sits_on_the_floor_limit_and_looks_up():
    position, target, _ = _frame("low_angle", TALL)
    assert position[2] == pytest.approx(NEAR + 0.02)
    assert position[2] < target[2] and _forward(position, target)[2] > 0


def test_low_angle_of_a_raised_subject_is_below_it_at_the_preset_elevation():
    position, target, _ = _frame("low_angle", TALL + [0, 0, 2.0])
    offset = position - target
    elevation = np.degrees(np.arctan2(offset[2], np.hypot(offset[0], offset[1])))
    assert elevation == pytest.approx(PRESET_TABLE["low_angle"].elevation_deg)
    assert _forward(position, target)[2] > 0


def test_eye_level_is_level_with_the_target():
    position, target, _ = _frame("eye_level", TALL)
    assert position[2] == pytest.approx(target[2], abs=1e-9)


def test_azimuth_override_moves_the_camera_around():
    default, target, _ = _frame("medium", TALL)
    turned, _, pixels = _frame("medium", TALL, azimuth_deg=90.0)
    assert np.allclose(turned[:2] - target[:2], [0, np.linalg.norm(turned[:2] - target[:2])])
    assert not np.allclose(default, turned)
    assert _fills(pixels)[0] == pytest.approx(0.45, rel=0.01)


def test_elevation_override():
    position, target, _ = _frame("eye_level", TALL, elevation_deg=45.0)
    offset = position - target
    assert offset[2] == pytest.approx(np.hypot(offset[0], offset[1]))


def test_empty_corners_frame_the_origin():
    position, target = frame_preset("wide", np.zeros((0, 3)), FOV, WIDTH / HEIGHT, NEAR)
    assert np.allclose(target, 0) and np.linalg.norm(position) > NEAR


def test_unknown_preset_names_the_valid_ones():
    with pytest.raises(ValueError, match="close_up.*eye_level"):
        frame_preset("closeup", TALL, FOV, WIDTH / HEIGHT, NEAR)
