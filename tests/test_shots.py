"""Camera language end to end: framing presets, moves, cuts, slow motion and lenses."""
from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from bridge.errors import UserError
from bridge.loader import load_scene
from bridge.timing import time_map
from bridge.trajectory import SamplePlan
from physics.simulate import simulate
from simshot.pipeline import run_shot
from tests.helpers import make_scene

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

BOX = {"name": "box", "asset": "block", "params": {"length": 0.1, "width": 0.1, "height": 0.3}}


def _shot(tmp_path: Path, text: str) -> tuple[Path, dict]:
    script = tmp_path / "scene.yaml"
    script.write_text(text)
    out = tmp_path / "shot"
    run_shot(load_scene(script), out)
    return out, json.loads((out / "metadata.json").read_text())


def _bbox(meta: dict, name: str, frame: int) -> list[int]:
    inst = next(i for i in meta["instances"] if i["name"] == name)
    return inst["bbox_2d"][frame]


def test_time_map_cuts_on_whole_frames_and_stretches_slow_motion():
    scene = make_scene(duration=1.5, fps=24, bodies=[BOX], camera={"shots": [
        {"from": 0}, {"from": 0.5, "slow_motion": 0.25}, {"from": 1.0}]})
    timing = scene.time_map()
    # 0.5 s at normal speed, 0.5 s played 4x slower (2 s), then 0.5 s: 3 s of video.
    assert timing.num_frames == 72 and timing.cuts == (0, 12, 60)
    assert timing.times[12] == pytest.approx(0.5) and timing.times[60] == pytest.approx(1.0)
    assert np.diff(timing.times[12:60]) == pytest.approx(np.full(47, 0.25 / 24))
    assert list(timing.shot[[0, 11, 12, 59, 60, 71]]) == [0, 0, 1, 1, 2, 2]


def test_a_speed_ramp_lasts_its_integral():
    ramp = [{"at": 0.0, "speed": 1.0}, {"at": 1.0, "speed": 0.2}]
    shots = make_scene(duration=1.0, bodies=[BOX], camera={"shots": [{"ramp": ramp}]}).camera.shots
    timing = time_map(shots, 1.0, 24)
    video_s = np.log(1.0 / 0.2) / (1.0 - 0.2)  # integral of dt / (1 - 0.8 t) over [0, 1]
    assert timing.num_frames == round(video_s * 24)
    # where playback is slow the simulated steps between frames shrink
    steps = np.diff(timing.times)
    assert steps[0] == pytest.approx(1 / 24, rel=0.02) and steps[-1] < 0.3 / 24


def test_without_shots_frames_sit_on_physics_steps():
    plan = SamplePlan.for_times(np.arange(48) / 24, 1 / 240, 481)
    assert np.all(plan.weight == 0) and list(plan.lower[:3]) == [0, 10, 20]


def test_slow_motion_frames_blend_the_physics_steps_around_them():
    common = {"duration": 0.5, "physics": {"timestep": 1 / 120},
              "bodies": [{"name": "ball", "asset": "ball", "position": [0, 0, 3.0],
                          "angular_velocity": [0, 0, 200]}]}
    every_step = simulate(make_scene(fps=120, **common)).trajectory
    slow = simulate(make_scene(fps=24, camera={"shots": [{"slow_motion": 0.3}]}, **common))
    times = slow.trajectory.times
    assert np.diff(times) == pytest.approx(np.full(len(times) - 1, 0.3 / 24))
    steps = times * 120
    assert np.any(np.abs(steps - np.rint(steps)) > 0.2)  # frames fall between steps
    expected = np.stack([np.interp(times, every_step.times, every_step.pos["ball"][:, k])
                         for k in range(3)], axis=1)
    assert slow.trajectory.pos["ball"] == pytest.approx(expected, abs=1e-9)
    quats = slow.trajectory.quat["ball"]
    assert np.linalg.norm(quats, axis=1) == pytest.approx(np.ones(len(quats)))
    yaw = np.unwrap(2 * np.arctan2(quats[:, 2], quats[:, 3]))
    assert np.diff(yaw) == pytest.approx(np.radians(200) * 0.3 / 24, rel=1e-3)  # slerp: even spin


def test_a_fracture_between_frames_shows_on_the_first_frame_after_it(tmp_path):
    out, meta = _shot(tmp_path, """\
name: slowbreak
duration: 0.45
resolution: [64, 48]
bodies:
  - {name: glass, asset: wine_glass, position: [0, 0, 0.6], rotation: [90, 0, 0]}
camera:
  shots:
    - {from: 0, position: [0, -1.2, 0.4], look_at: [0, 0, 0.1]}
    - {from: 0.2, position: [0, -0.8, 0.3], look_at: [0, 0, 0.05], slow_motion: 0.2}
""")
    events = json.loads((out / "events.json").read_text())
    fracture = events["fractures"][0]
    times = np.asarray(meta["frames"]["sim_time"])
    frame = fracture["frame"]
    assert times[frame - 1] < fracture["time"] <= times[frame]
    assert meta["frames"]["shot"][frame] == 1  # inside the slow-motion shot
    ids = {i["name"]: i["id"] for i in meta["instances"]}
    visible = [i for i in meta["instances"] if i["parent"] == "glass"]
    assert all(i["visibility"][frame - 1] == 0 for i in visible)
    assert sum(i["visibility"][frame] for i in visible) > 0
    glass = next(i for i in meta["instances"] if i["id"] == ids["glass"])
    assert glass["visibility"][frame - 1] > 0 and glass["visibility"][frame] == 0


def test_cuts_land_on_the_exact_frame(tmp_path):
    out, meta = _shot(tmp_path, """\
name: cuts
duration: 0.75
fps: 12
resolution: [64, 48]
bodies:
  - {name: box, asset: block}
camera:
  shots:
    - {from: 0, preset: wide, subject: box}
    - {from: 0.25, preset: close_up, subject: box}
    - {from: 0.5, preset: top_down, subject: box}
""")
    positions = np.asarray(meta["camera"]["positions"])
    jumps = np.flatnonzero(np.linalg.norm(np.diff(positions, axis=0), axis=1) > 1e-6) + 1
    assert list(jumps) == [3, 6] and [s["first_frame"] for s in meta["shots"]] == [0, 3, 6]
    assert meta["frames"]["shot"] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    with av.open(str(out / "rgb.mp4")) as video:
        assert sum(1 for _ in video.decode(video=0)) == 9


@pytest.mark.parametrize(("preset", "fill"), [("close_up", 0.6), ("medium", 0.45)])
def test_a_preset_fills_its_share_of_the_frame_height(tmp_path, preset, fill):
    _, meta = _shot(tmp_path, f"""\
name: framing
duration: 0.1
resolution: [96, 96]
bodies:
  - {json.dumps(BOX)}
camera: {{shots: [{{preset: {preset}, subject: box}}]}}
""")
    x0, y0, x1, y1 = _bbox(meta, "box", 0)
    assert (y1 - y0) / 96 == pytest.approx(fill, rel=0.1)
    assert x0 > 0 and x1 < 96 and y0 > 0 and y1 < 96


def test_a_wide_shot_keeps_every_subject_in_frame(tmp_path):
    _, meta = _shot(tmp_path, """\
name: wide
duration: 0.1
resolution: [96, 64]
bodies:
  - {name: left, asset: block, position: [-1.5, 0, 0]}
  - {name: right, asset: crate, position: [1.5, 0.5, 0]}
camera: {shots: [{preset: wide, subject: [left, right]}]}
""")
    for name in ("left", "right"):
        x0, y0, x1, y1 = _bbox(meta, name, 0)
        assert x0 > 0 and y0 > 0 and x1 < 96 and y1 < 64


def test_tracking_keeps_a_moving_subject_in_the_central_fifth(tmp_path):
    _, meta = _shot(tmp_path, """\
name: track
duration: 1.5
resolution: [80, 60]
bodies:
  - {name: ball, asset: bowling_ball, velocity: [3, 0, 0]}
  - {name: lane, asset: block, params: {length: 8, width: 1, height: 0.01}, position: [3, 0, -0.01],
     static: true}
camera: {shots: [{preset: medium, move: {track: {body: ball, smoothing: 0.3}}}]}
""")
    traj = np.load(tmp_path / "shot" / "trajectory.npz")
    assert np.ptp(traj["pos/ball"][:, 0]) > 3.0  # it really travels
    for frame in range(len(traj["times"])):
        x0, y0, x1, y1 = _bbox(meta, "ball", frame)
        assert abs((x0 + x1) / 2 - 40) < 8 and abs((y0 + y1) / 2 - 30) < 6, frame


def test_orbit_radius_and_angle_are_exact(tmp_path):
    _, meta = _shot(tmp_path, """\
name: orbit
duration: 0.5
fps: 12
resolution: [64, 48]
bodies:
  - {name: box, asset: block}
camera: {shots: [{preset: medium, subject: box, move: {orbit: {degrees: 120, direction: cw}}}]}
""")
    positions = np.asarray(meta["camera"]["positions"])
    box = next(i for i in meta["instances"] if i["name"] == "box")
    assert box["visibility"][0] > 0
    target_xy = _orbit_centre(positions[:, :2])
    radius = np.linalg.norm(positions[:, :2] - target_xy, axis=1)
    assert radius == pytest.approx(np.full(len(radius), radius[0]), rel=1e-9)
    start, end = positions[0, :2] - target_xy, positions[-1, :2] - target_xy
    turned = np.degrees(np.arctan2(start[0] * end[1] - start[1] * end[0], start @ end))
    assert turned == pytest.approx(-120.0, abs=1e-6)  # clockwise seen from above
    assert np.ptp(positions[:, 2]) < 1e-9


def _orbit_centre(points: np.ndarray) -> np.ndarray:
    """The centre of the circle through the first, middle and last points."""
    a, b, c = points[0], points[len(points) // 2], points[-1]
    m = np.array([b - a, c - a]) * 2
    rhs = np.array([b @ b - a @ a, c @ c - a @ a])
    return np.linalg.solve(m, rhs)


def test_a_lens_sets_the_field_of_view(tmp_path):
    _, meta = _shot(tmp_path, """\
name: lens
duration: 0.1
resolution: [96, 48]
bodies:
  - {name: box, asset: block}
camera: {position: [0, -2, 0.5], look_at: [0, 0, 0.1], lens: {focal_length_mm: 35}}
""")
    k = np.asarray(meta["camera"]["intrinsics"])
    assert k[0, 0] == pytest.approx(96 * 35 / 36)  # fx = width x focal / sensor width


def test_shake_is_seeded_and_bounded(tmp_path):
    script = """\
name: shake
seed: {seed}
duration: 0.5
fps: 12
resolution: [32, 32]
bodies:
  - {{name: box, asset: block}}
camera: {{shots: [{{preset: medium, subject: box, shake: {{amplitude: 1.0}}}}]}}
"""
    quats = []
    for k, seed in enumerate((1, 1, 2)):
        folder = tmp_path / str(k)
        folder.mkdir()
        quats.append(np.asarray(_shot(folder, script.format(seed=seed))[1]["camera"]["quaternions"]))
    assert np.array_equal(quats[0], quats[1]) and not np.allclose(quats[0], quats[2])


@pytest.mark.parametrize(("camera", "message"), [
    ({"shots": [{"from": 0.2}]}, "first shot must start"),
    ({"shots": [{"from": 0}, {"from": 0}]}, "increasing `from`"),
    ({"shots": [{"preset": "wide", "position": [0, 1, 1]}]}, "either `preset` or `position`"),
    ({"shots": [{"move": {"orbit": {}, "pan": {"degrees": 10}}}]}, "exactly one move"),
    ({"shots": [{"preset": "close-up"}]}, "close_up"),
    ({"position": [0, -1, 1], "shots": [{}]}, "give one of"),
    ({"fov": 30, "lens": {"focal_length_mm": 50}}, "either `fov` or `lens`"),
])
def test_bad_camera_scripts_are_refused_with_the_fix(camera, message):
    with pytest.raises(Exception, match=message):
        make_scene(bodies=[BOX], camera=camera)


def test_shot_references_are_checked_with_their_location(tmp_path):
    script = tmp_path / "scene.yaml"
    script.write_text("""\
name: refs
bodies:
  - {name: box, asset: block}
camera:
  shots:
    - {from: 0, subject: bx}
    - {from: 0.5, move: {track: {body: bol}}}
""")
    with pytest.raises(UserError) as err:
        load_scene(script)
    text = str(err.value)
    assert "scene.yaml:6:" in text and "did you mean 'box'" in text
    assert "scene.yaml:7:" in text and "bol" in text


def test_framing_shares_in_the_report_feed_the_visible_check(tmp_path):
    out, _ = _shot(tmp_path, """\
name: inframe
duration: 0.5
fps: 12
resolution: [64, 48]
bodies:
  - {name: box, asset: block}
  - {name: ball, asset: tennis_ball, position: [0.3, 0, 0.1], velocity: [1, 0, 0]}
camera: {position: [0, -1.0, 0.3], look_at: [0, 0, 0.05]}
expect:
  - {visible: box, inside: true, fraction: 1.0}
  - {visible: ball, inside: true, fraction: 0.5}
""")
    report = json.loads((out / "report.json").read_text())
    box, ball = report["framing"]["box"], report["framing"]["ball"]
    assert box == {"visible": 1.0, "inside": 1.0}
    assert ball["inside"] < ball["visible"] <= 1.0  # cut by the edge, then gone
    results = {r["subject"]: r["passed"] for r in report["expectations"]}
    assert results == {"box": True, "ball": False}


@pytest.mark.parametrize("azimuth", [None, -55])
def test_an_automatic_angle_turns_until_a_static_pillar_no_longer_hides_the_subject(
        tmp_path, azimuth):
    # the pillar stands 0.4 m from the box, on the default angle's sight line (azimuth -55,
    # a medium shot's 15 degrees up): a camera told the angle keeps it and sees the pillar
    angle = "" if azimuth is None else f", angle: {{azimuth: {azimuth}}}"
    _, meta = _shot(tmp_path, f"""\
name: pillar
duration: 0.1
resolution: [96, 96]
bodies:
  - {json.dumps(BOX)}
  - {{name: pillar, asset: block, params: {{length: 0.2, width: 0.2, height: 1.5}},
     position: [0.22, -0.32, 0], static: true}}
camera: {{shots: [{{preset: medium, subject: box{angle}}}]}}
""")
    box = _bbox(meta, "box", 0)
    if azimuth is None:
        x0, y0, x1, y1 = box
        assert (y1 - y0) / 96 == pytest.approx(0.45, rel=0.15)  # whole, at its share
        assert x0 > 0 and x1 < 96
    else:
        assert box is None or (box[3] - box[1]) / 96 < 0.2
