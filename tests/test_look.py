"""The coarse render's look: anti-aliasing, surface patterns, surroundings, motion blur and
the automatic camera. Whatever the look, the exact passes stay exact: depth, ids and flow
describe the surface point at each pixel's centre."""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
import tifffile
import trimesh
from scipy import ndimage

from bridge import shot as shotfiles
from bridge.camera_schema import Camera
from bridge.errors import UserError
from bridge.instances import instances_for
from bridge.loader import load_scene
from bridge.yamlio import save_document
from renderer.antialias import smooth_edges
from renderer.camera import camera_track, trajectory_corners
from renderer.cutaway import Cutaway
from renderer.offscreen import Offscreen
from renderer.render import render_shot
from renderer.scene_builder import add_surroundings, build_scene, set_frame
from simshot.pipeline import run_shot
from tests.helpers import make_scene, trajectory_of

W, H = 128, 96
BLOCK = {"name": "block", "asset": "block", "position": [0.0, 0.0, 0.0],
         "params": {"length": 0.4, "width": 0.4, "height": 0.4}}
VIEW = {"position": [1.3, -1.6, 0.9], "look_at": [0.0, 0.0, 0.2]}


def frames(out: Path) -> list[np.ndarray]:
    with av.open(str(out / shotfiles.RGB)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def render(tmp: Path, name: str, style: dict | None = None, poses=None, seed: int = 0,
           environment: str = "none", duration: float = 1 / 24, world: dict | None = None):
    scene = make_scene(bodies=[BLOCK], duration=duration, resolution=[W, H], camera=VIEW,
                       style=style or {}, seed=seed,
                       world={"environment": environment, **(world or {})})
    out = tmp / name
    render_shot(scene, trajectory_of(scene, poses or {}), instances_for(scene), out, None,
                frozenset({"rgb", "depth", "segmentation"}))
    return out


def passes(out: Path, frame: int = 0) -> tuple[np.ndarray, np.ndarray]:
    return (tifffile.imread(shotfiles.DEPTH.path(out, frame)),
            shotfiles.read_segmentation(shotfiles.SEGMENTATION.path(out, frame)))


def edge_band(segmentation: np.ndarray) -> np.ndarray:
    """Pixels beside an id change, horizontally or vertically."""
    band = np.zeros(segmentation.shape, bool)
    across = segmentation[:, 1:] != segmentation[:, :-1]
    down = segmentation[1:] != segmentation[:-1]
    band[:, 1:] |= across
    band[:, :-1] |= across
    band[1:] |= down
    band[:-1] |= down
    return band


def lit_passes(multisample: bool, width: int = W, height: int = H, textures: bool = False,
               renders: int = 1) -> tuple[np.ndarray, ...]:
    """Colour, depth and ids of the block straight from the renderer (no video encoding,
    which would blur the edges either way); `multisample` multisamples the colour. With
    `renders` > 1, the colours of the first renders and then the last render's passes."""
    scene = make_scene(bodies=[BLOCK], duration=1 / 24, resolution=[width, height], camera=VIEW,
                       style={"textures": textures})
    trajectory = trajectory_of(scene, {})
    shot = build_scene(scene, instances_for(scene), None)
    corners = trajectory_corners(shot.bounds, trajectory)
    add_surroundings(shot, scene, corners)
    track = camera_track(scene.camera, scene.resolution, np.zeros(1), corners)
    renderer = Offscreen(width, height)
    try:
        renderer.set_ids(shot.seg_colors)
        renderer.set_surface(shot.sky, shot.patterns if textures else {}, scene.seed)
        renderer.multisample = multisample
        set_frame(shot, trajectory, 0, track.pose(0), track.fov_deg[0])
        first = [renderer.render_lit(shot.scene, shadows=True)[0] for _ in range(renders - 1)]
        return (*first, *renderer.render_lit(shot.scene, shadows=True)[:3])
    finally:
        renderer.delete()


def between(rgb: np.ndarray, band: np.ndarray) -> float:
    """Share of edge pixels whose lightness lies strictly between their neighbours': one
    sample per pixel takes one side's colour; an anti-aliased edge blends the two."""
    luma = rgb.astype(float).mean(axis=2)
    pad = np.pad(luma, 1, mode="edge")
    around = np.stack([pad[:-2, 1:-1], pad[2:, 1:-1], pad[1:-1, :-2], pad[1:-1, 2:]])
    inside = (luma > around.min(axis=0) + 6) & (luma < around.max(axis=0) - 6)
    return float(inside[band].mean())


@pytest.fixture(scope="module")
def block_views() -> dict[str, tuple[np.ndarray, ...]]:
    """The block one sample a pixel, multisampled, and at 4x the size as the reference."""
    return {"sharp": lit_passes(False), "msaa": lit_passes(True),
            "x4": lit_passes(False, 4 * W, 4 * H)}


def test_multisampling_smooths_the_colour_and_leaves_depth_and_ids_exact(block_views):
    sharp, smooth = block_views["sharp"], block_views["msaa"]
    for a, b in zip(sharp[1:], smooth[1:]):
        np.testing.assert_array_equal(a, b)  # bit for bit: the labels never see the samples
    band = edge_band(sharp[2])
    assert between(smooth[0], band) > max(0.2, 2.5 * between(sharp[0], band))
    away = ~band
    assert np.abs(sharp[0].astype(int) - smooth[0])[away].mean() < 1.0  # elsewhere the same


def test_the_edge_filter_blends_edges_towards_the_supersampled_truth(block_views):
    sharp = block_views["sharp"]
    filtered = smooth_edges(sharp[0])
    band = edge_band(sharp[2])
    assert between(filtered, band) > max(0.2, 2.5 * between(sharp[0], band))
    # the truth at the edges: a 4x render averaged down (16 samples a pixel)
    truth = block_views["x4"][0].astype(float).reshape(H, 4, W, 4, 3).mean(axis=(1, 3))
    error = [np.abs(img.astype(float) - truth)[band].mean() for img in (sharp[0], filtered)]
    assert error[1] < 0.9 * error[0], error
    flat = np.abs(sharp[0].astype(int) - filtered)[~band]
    assert flat.mean() < 0.2  # away from edges the colour is left alone
    np.testing.assert_array_equal(smooth_edges(np.full((8, 8, 3), 90, np.uint8)), 90)


@pytest.mark.parametrize(("written", "means"), [(True, "filter"), (False, "off"),
                                                  ("msaa", "msaa")])
def test_antialias_takes_a_switch_or_a_method(written, means):
    scene = make_scene(bodies=[BLOCK], style={"antialias": written})
    assert scene.style.antialias == means


def test_an_unknown_antialias_method_is_refused_with_the_choices(tmp_path):
    path = tmp_path / "scene.yaml"
    save_document({"duration": 0.5, "bodies": [BLOCK], "style": {"antialias": "fxaa"}}, path)
    with pytest.raises(UserError) as caught:
        load_scene(path)
    message = str(caught.value)
    assert "antialias" in message and "msaa" in message and "filter" in message


def test_filtered_shots_keep_their_labels(tmp_path):
    off = render(tmp_path, "off", {"antialias": "off"})
    on = render(tmp_path, "on", {"antialias": "filter"})
    for a, b in zip(passes(off), passes(on)):
        np.testing.assert_array_equal(a, b)
    assert np.abs(frames(off)[0].astype(int) - frames(on)[0]).max() > 20  # edges changed


def test_the_first_frame_with_patterns_is_lit_like_the_next():
    """Uploading a pattern's texture on the first draw once took the sun's shadow map off its
    texture unit: the first frame came out unlit and without shadows."""
    first, second = lit_passes(False, textures=True, renders=2)[:2]
    np.testing.assert_array_equal(first, second)


def test_surface_patterns_are_seeded_and_deterministic(tmp_path):
    boards = {"ground": {"material": "wood"}}  # a wooden floor is laid as boards
    first = frames(render(tmp_path, "a", seed=3, world=boards))[0]
    again = frames(render(tmp_path, "b", seed=3, world=boards))[0]
    other = frames(render(tmp_path, "c", seed=4, world=boards))[0]
    plain = frames(render(tmp_path, "d", {"textures": False}, seed=3, world=boards))[0]
    np.testing.assert_array_equal(first, again)
    depth, ids = passes(tmp_path / "a")
    floor = (ids == 0) & (depth > 0)
    assert np.abs(first.astype(int) - other)[floor].mean() > 2.0  # another seed, other boards
    # the boards' joints and grain vary the floor where the plain one is smooth shading
    detail = [np.abs(np.diff(img.astype(float).mean(axis=2), axis=1))[floor[:, 1:]].mean()
              for img in (first, plain)]
    assert detail[0] > 2 * detail[1], detail


@pytest.mark.parametrize("environment", ["studio", "kitchen", "court", "living_room"])
def test_surroundings_are_drawn_around_the_action_and_never_hide_it(tmp_path, environment):
    # the block stands on the floor: painted lines and rugs lie on it, under the block
    bare = render(tmp_path, "bare")
    placed = render(tmp_path, environment, environment=environment)
    np.testing.assert_array_equal(passes(bare)[1], passes(placed)[1])  # ids: the block intact
    depth_bare, depth_placed = passes(bare)[0], passes(placed)[0]
    sky = depth_bare == 0
    assert sky.any() and (depth_placed[sky] > 0).mean() > 0.9  # walls where the sky was
    again = render(tmp_path, environment + "-again", environment=environment)
    np.testing.assert_array_equal(frames(placed)[0], frames(again)[0])


def test_motion_blur_streaks_a_moving_body_along_its_motion_only(tmp_path):
    steps = np.arange(3)[:, None]
    moving = {"block": (np.hstack([0.25 * steps - 0.25, 0 * steps, 0 * steps]),
                        np.tile([0.0, 0.0, 0.0, 1.0], (3, 1)))}
    sharp = render(tmp_path, "sharp", {"textures": False}, moving, duration=3 / 24)
    blurred = render(tmp_path, "blurred", {"textures": False, "motion_blur": True}, moving,
                     duration=3 / 24)
    for a, b in zip(passes(sharp, 1), passes(blurred, 1)):
        np.testing.assert_array_equal(a, b)
    luma = [frames(out)[1].astype(float).mean(axis=2) for out in (sharp, blurred)]
    band = edge_band(passes(sharp, 1)[1])
    vertical = np.abs(np.diff(luma[0], axis=1))  # edges the sideways motion crosses
    strong = band[:, 1:] & (vertical > 20)
    assert strong.any()
    soft = np.abs(np.diff(luma[1], axis=1))[strong]
    assert soft.mean() < 0.7 * vertical[strong].mean()
    still = ~ndimage.binary_dilation(band, iterations=12)  # the ground far from the block
    assert np.abs(luma[0] - luma[1])[still].mean() < 1.0


JUICE = Path(__file__).resolve().parents[1] / "scenes" / "juice_glass_falls.yaml"


@pytest.mark.slow
def test_the_automatic_camera_frames_the_break(tmp_path):
    """No camera section: the camera finds the scene's key event, the glass's break (not the
    juice that left it in flight first), and frames it as the planner's shots do (central,
    its pieces and juice big enough)."""
    doc = load_scene(JUICE).doc
    del doc["camera"]
    doc["resolution"] = [160, 120]
    doc["duration"] = 2.0  # the break is at 1.29 s; the last check looks up to 2 s
    doc["liquids"][0]["particle_radius"] = 0.003  # coarser juice: a quicker run, same story
    script = tmp_path / "auto.yaml"
    save_document(doc, script)
    loaded = load_scene(script)
    assert loaded.scene.camera == Camera()
    report = run_shot(loaded, tmp_path / "out", page=False).report
    framed = {e["label"]: e for e in report["event_framing"]}
    assert framed["fracture of glass"]["central"], framed
    assert framed["fracture of glass"]["coverage"] >= 0.02, framed
    # the key event's check passes; the juice that leaves in flight, before the break, begins
    # above this wide shot of the floor (the automatic camera frames one event)
    (break_check,) = [e for e in report["expectations"] if e["check"] == "on_screen"
                      and e["subject"] == {"event": "fracture", "body": "glass"}]
    assert break_check["passed"], break_check


def test_the_cutaway_pulls_what_stands_in_a_sight_line_and_nothing_else():
    cabinet = trimesh.creation.box(extents=(0.4, 0.4, 1.0))
    cabinet.apply_translation((0.0, 2.0, 0.5))  # between the camera and the block
    aside = trimesh.creation.box(extents=(0.4, 0.4, 1.0))
    aside.apply_translation((3.0, 2.0, 0.5))
    block = np.array([[x, y, z] for x in (-0.1, 0.1) for y in (-0.1, 0.1) for z in (0.0, 0.2)])
    cutaway = Cutaway({"cabinet": cabinet, "aside": aside}, block)
    cameras = np.array([[0.0, 4.0, 0.6], [0.0, -4.0, 0.6], [0.0, 4.0, 3.0]])
    expected = [{"cabinet"}, set(), set()]  # from above, the sight lines clear the cabinet
    assert [set(cutaway.blocking(c)) for c in cameras] == expected
    cutaway.plan(cameras)  # the whole shot at once finds the same
    assert [set(cutaway.blocking(c)) for c in cameras] == expected


@pytest.mark.parametrize("environment", ["kitchen", "living_room"])
def test_furniture_between_a_camera_behind_the_room_and_the_action_is_pulled(tmp_path,
                                                                            environment):
    """From behind the back wall (culled) the camera would see the back of the cabinets or
    the sofa; the cutaway pulls what stands in the sight line, so the block shows whole."""
    behind = {"position": [-0.3, 6.0, 1.0], "look_at": [0.0, 0.0, 0.2]}
    lifted = {"block": (np.array([[0.0, 0.0, 0.005]]), np.array([[0.0, 0.0, 0.0, 1.0]]))}
    shots = []
    for name, env in (("bare", "none"), ("placed", environment)):
        scene = make_scene(bodies=[BLOCK], duration=1 / 24, resolution=[W, H], camera=behind,
                           world={"environment": env})
        out = tmp_path / name
        render_shot(scene, trajectory_of(scene, lifted), instances_for(scene), out, None,
                    frozenset({"segmentation"}))
        shots.append(shotfiles.read_segmentation(shotfiles.SEGMENTATION.path(out, 0)))
    assert (shots[0] == 1).sum() > 50
    np.testing.assert_array_equal(shots[0], shots[1])
