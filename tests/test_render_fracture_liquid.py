"""Renderer: fragments (ids, break-surface colour, hidden before the break), liquid particles
(ids, coverage, flow that follows each particle) and water (tints colour only)."""
from __future__ import annotations

import sys
import types
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
import trimesh
from scipy.spatial import cKDTree
from scipy.spatial.transform import Rotation

from bridge import shot as shotfiles
from bridge.assets.geometry import Geometry
from bridge.instances import instances_for
from bridge.schema import Scene, breakable_settings
from bridge.trajectory import Trajectory
from bridge.transforms import quat_to_matrix
from renderer.outputs import ShotWriter
from renderer.passes import FramePasses
from renderer.render import RenderResult, render_shot
from tests.helpers import IDENTITY, make_scene, project, trajectory_of

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

W, H = 160, 120
FRONT_VIEW = {"position": [0.0, -2.0, 0.6], "look_at": [0.0, 0.0, 0.1]}
BLUE = [0.1, 0.2, 0.8]
FAR = [30.0, 30.0, 0.0]


def render(scene: Scene, traj: Trajectory, out: Path, names: list[str] | None = None,
           passes: frozenset[str] = shotfiles.ALL_PASSES) -> tuple[RenderResult, list[FramePasses]]:
    """Render the shot, and keep every frame's passes as the render stage hands them over."""
    seen: list[FramePasses] = []
    submit = ShotWriter.submit

    def record(writer: ShotWriter, frame: int, frame_passes: FramePasses) -> None:
        seen.append(frame_passes)
        submit(writer, frame, frame_passes)

    with mock.patch.object(ShotWriter, "submit", record):
        result = render_shot(scene, traj, instances_for(scene, names), out, None, passes)
    return result, seen


def pixel(camera: dict, frame: int, point) -> tuple[int, int]:
    """(row, col) of the pixel a world point projects into."""
    x, y = project(camera, frame, point)
    return int(y), int(x)


def lift(camera: dict, frame: int, rows: np.ndarray, cols: np.ndarray,
         depth: np.ndarray) -> np.ndarray:
    """[K,3] world points seen at pixel centres with their depths (metres along the view)."""
    k = np.asarray(camera["intrinsics"])
    local = np.stack([(cols + 0.5 - k[0, 2]) / k[0, 0] * depth,
                      -(rows + 0.5 - k[1, 2]) / k[1, 1] * depth, -depth], axis=1)
    rot = quat_to_matrix(np.asarray(camera["quaternions"][frame]))
    return local @ rot.T + np.asarray(camera["positions"][frame])


# --- fragments -------------------------------------------------------------------------

HALF = 0.1  # the block is 0.2 m on a side, origin at its bottom centre


def half_block(piece: int):
    """Piece 0: x <= 0; piece 1: x >= 0; the faces on the cut x = 0 are interior."""
    low, high = [-HALF, -HALF, 0.0], [HALF, HALF, 2 * HALF]
    (high if piece == 0 else low)[0] = 0.0
    box = trimesh.creation.box(bounds=[low, high])
    inward = 1.0 if piece == 0 else -1.0
    return types.SimpleNamespace(geometry=Geometry(box, []),
                                 interior=box.face_normals[:, 0] * inward > 0.5)


@pytest.fixture
def fracture_calls(monkeypatch) -> list[tuple]:
    """A stand-in for bridge.assets.fracture that splits a block in two, and its calls."""
    calls: list[tuple] = []

    def fragment_geometry(body, scene_dir, seed, settings, pieces):
        calls.append((body.name, seed, settings, pieces))
        return half_block(pieces[0])

    fake = types.SimpleNamespace(fracture_seed=lambda seed, name, settings: 1000 * seed + len(name),
                                 fragment_geometry=fragment_geometry)
    monkeypatch.setitem(sys.modules, "bridge.assets.fracture", fake)
    return calls


def test_fragments_show_their_ids_and_break_colour_only_after_the_break(tmp_path,
                                                                         fracture_calls):
    frames = 3
    scene = make_scene(
        seed=3, duration=frames / 24, resolution=[W, H], camera=FRONT_VIEW,
        bodies=[{"name": "vase", "asset": "block", "material": "ceramic", "color": BLUE,
                 "position": [0.0, 0.0, 0.0],
                 "params": {"length": 2 * HALF, "width": 2 * HALF, "height": 2 * HALF}}])
    names = ["vase", "vase/frag_0", "vase/frag_1"]
    traj = trajectory_of(scene, {})
    traj.pos["vase"][1:] = traj.quat["vase"][1:] = np.nan  # broken from frame 1 on
    # Piece 0 turns its cut face to the camera (-y); both rise 5 cm in frame 2.
    lift_by = np.array([[0, 0, 0], [0, 0, 0], [0, 0, 0.05]])
    turned = Rotation.from_euler("z", -90, degrees=True).as_quat()
    for name, offset, quat in ((names[1], [-0.3, 0, 0], turned), (names[2], [0.3, 0, 0], IDENTITY)):
        traj.pos[name] = np.array(offset, float) + lift_by
        traj.quat[name] = np.tile(quat, (frames, 1))
        traj.pos[name][0] = traj.quat[name][0] = np.nan  # not yet broken
        traj.linvel[name] = traj.angvel[name] = np.zeros((frames, 3))
    result, seen = render(scene, traj, tmp_path, names)

    settings = breakable_settings(scene.bodies[0])
    assert sorted(fracture_calls) == [("vase", 3000 + 4, settings, (0,)),
                                      ("vase", 3000 + 4, settings, (1,))]
    vase, frag0, frag1 = instances_for(scene, names)
    assert result.visibility[frag0.name][0] == result.visibility[frag1.name][0] == 0
    assert seen[0].segmentation[pixel(result.camera, 0, [0, -HALF, HALF])] == vase.id
    assert result.visibility[vase.name][1] == 0
    cut_face, skin = [-0.3, 0.0, HALF], [0.35, -HALF, HALF]
    assert seen[1].segmentation[pixel(result.camera, 1, cut_face)] == frag0.id
    assert seen[1].segmentation[pixel(result.camera, 1, skin)] == frag1.id
    red, _, blue = seen[1].rgb[pixel(result.camera, 1, cut_face)].astype(int)
    assert red > blue + 20  # the ceramic's beige break colour
    red, _, blue = seen[1].rgb[pixel(result.camera, 1, skin)].astype(int)
    assert blue > red + 40  # the body's own blue
    forward = np.load(shotfiles.FORWARD_FLOW.path(tmp_path, 1))
    for point in (cut_face, skin):
        expected = np.subtract(project(result.camera, 2, np.add(point, [0, 0, 0.05])),
                               project(result.camera, 1, point))
        np.testing.assert_allclose(forward[pixel(result.camera, 1, point)], expected, atol=0.05)


# --- liquids ---------------------------------------------------------------------------

RADIUS = 0.02


def liquid_scene(frames: int) -> Scene:
    return make_scene(
        duration=frames / 24, resolution=[W, H], camera=FRONT_VIEW,
        bodies=[{"name": "cup", "asset": "block", "position": FAR}],
        liquids=[{"name": "juice", "inside": "cup", "volume_ml": 100,
                  "color": [0.9, 0.5, 0.1], "particle_radius": RADIUS}])


def with_particles(scene: Scene, particles: np.ndarray) -> Trajectory:
    traj = trajectory_of(scene, {})
    traj.particles["juice"] = particles
    return traj


def test_the_liquid_surface_carries_the_liquid_id_and_covers_more_with_more_particles(tmp_path):
    # clear of the floor, where a lone drop would lie as a splat
    grid = np.array([[x, 0.0, z] for z in (0.04, 0.16, 0.28, 0.4) for x in (-0.3, -0.1, 0.1, 0.3)])
    particles = np.stack([grid, grid])
    particles[0, 4:] = np.nan  # 4 particles in frame 0, all 16 in frame 1
    scene = liquid_scene(2)
    traj = with_particles(scene, particles)
    result, seen = render(scene, traj, tmp_path / "lit")
    _, unlit = render(scene, traj, tmp_path / "ids", passes=frozenset({"segmentation"}))
    juice = instances_for(scene)[1]
    for lit, ids in zip(seen, unlit):  # the ids-only pass agrees
        np.testing.assert_array_equal(ids.segmentation, lit.segmentation)
        np.testing.assert_array_equal(ids.depth, lit.depth)
    for frame in (0, 1):
        for k, centre in enumerate(grid):
            shown = seen[frame].segmentation[pixel(result.camera, frame, centre)] == juice.id
            assert shown == (frame == 1 or k < 4), (frame, k)
    counts = result.visibility["juice"]
    assert counts[1] > 2.5 * counts[0] > 0  # 4 times the drops, each 10 to 14 pixels here


def blob(count: int, spacing: float, seed: int) -> np.ndarray:
    """`count` particles packed on a jittered lattice around (0, 0, 0.3)."""
    side = int(np.ceil(count ** (1 / 3))) + 2
    axis = (np.arange(side) - (side - 1) / 2) * spacing
    lattice = np.stack(np.meshgrid(axis, axis, axis, indexing="ij"), -1).reshape(-1, 3)
    nearest = lattice[np.argsort(np.linalg.norm(lattice, axis=1), kind="stable")[:count]]
    jitter = np.random.default_rng(seed).uniform(-0.1, 0.1, nearest.shape) * spacing
    return nearest + jitter + [0.0, 0.0, 0.3]


def true_flow(camera: dict, passes: FramePasses, liquid_id: int, centres: np.ndarray,
              moved: np.ndarray, to: int, frame: int) -> tuple[np.ndarray, np.ndarray]:
    """Per liquid pixel of `frame`: (row, col) and the flow of its surface point carried by
    the particle it shows, found as the centre nearest the point."""
    rows, cols = np.nonzero(passes.segmentation == liquid_id)
    points = lift(camera, frame, rows, cols, passes.depth[rows, cols])
    shown = cKDTree(centres).query(points)[1]
    landed = np.array([project(camera, to, p) for p in points + moved[shown] - centres[shown]])
    return np.stack([rows, cols], 1), landed - np.stack([cols + 0.5, rows + 0.5], 1)


@pytest.mark.parametrize("case", ["translation", "shear"])
def test_liquid_flow_follows_the_particle_each_pixel_shows(tmp_path, case):
    if case == "translation":
        start = blob(150, 1.6 * RADIUS, seed=1)
        step = np.tile([0.03, 0.0, 0.02], (len(start), 1))
    else:  # layers sliding past each other: each pixel has its own motion
        start = blob(400, 1.6 * RADIUS, seed=2)
        step = np.zeros_like(start)
        step[:, 0] = 0.8 * (start[:, 2] - 0.3)  # each layer slides by its height
    particles = np.stack([start, start + step])
    scene = liquid_scene(2)
    result, seen = render(scene, with_particles(scene, particles), tmp_path)
    juice = instances_for(scene)[1]
    for frame, to in ((0, 1), (1, 0)):
        flow = np.load((shotfiles.FORWARD_FLOW if to > frame else shotfiles.BACKWARD_FLOW).path(tmp_path, frame))
        where, expected = true_flow(result.camera, seen[frame], juice.id, particles[frame],
                                    particles[to], to, frame)
        assert len(where) > 200
        error = np.linalg.norm(flow[where[:, 0], where[:, 1]] - expected, axis=1)
        assert np.mean(error < 1.0) >= 0.9, (case, frame, np.mean(error < 1.0))


# --- water -----------------------------------------------------------------------------

WATER = {"min": [-0.4, -0.4, 0.0], "max": [0.4, 0.4, 0.3]}


def rays_through_box(camera: dict, low, high) -> np.ndarray:
    """[H,W] bool: pixels whose rays (through any point of the pixel) may meet the box."""
    k = np.asarray(camera["intrinsics"])
    rot = quat_to_matrix(np.asarray(camera["quaternions"][0]))
    origin = np.asarray(camera["positions"][0])
    v, u = np.mgrid[0:H, 0:W] + 0.5
    rays = np.stack([(u - k[0, 2]) / k[0, 0], -(v - k[1, 2]) / k[1, 1], -np.ones_like(u)], -1)
    rays = rays @ rot.T
    with np.errstate(divide="ignore", invalid="ignore"):
        t0, t1 = (np.asarray(low) - origin) / rays, (np.asarray(high) - origin) / rays
    near = np.nanmax(np.minimum(t0, t1), axis=-1)
    far = np.nanmin(np.maximum(t0, t1), axis=-1)
    hit = near <= far
    grown = hit.copy()  # a pixel partly covered counts: grow by one pixel each way
    for axis in (0, 1):
        for shift in (1, -1):
            grown |= np.roll(hit, shift, axis=axis)
    return grown


def test_water_tints_the_colour_but_keeps_depth_and_ids_of_what_lies_under_it(tmp_path):
    view = {"position": [0.8, -1.6, 1.2], "look_at": [0.0, 0.0, 0.1]}
    fields = {"duration": 1 / 24, "resolution": [W, H], "camera": view,
              "bodies": [{"name": "rock", "asset": "block", "position": [0.0, 0.0, 0.0],
                          "params": {"length": 0.2, "width": 0.2, "height": 0.2}}]}
    dry = make_scene(**fields)
    wet = make_scene(**fields, water=[{"region": WATER, "color": [0.1, 0.4, 0.7]}])
    result, (plain,) = render(dry, trajectory_of(dry, {}), tmp_path / "dry")
    _, (tinted,) = render(wet, trajectory_of(wet, {}), tmp_path / "wet")
    _, (ids_only,) = render(wet, trajectory_of(wet, {}), tmp_path / "ids",
                            passes=frozenset({"depth", "segmentation"}))
    for passes in (tinted, ids_only):
        np.testing.assert_array_equal(passes.segmentation, plain.segmentation)
        np.testing.assert_array_equal(passes.depth, plain.depth)
    rock = pixel(result.camera, 0, [0.0, -0.1, 0.1])
    assert plain.segmentation[rock] == 1
    changed = np.abs(tinted.rgb.astype(int) - plain.rgb.astype(int)).sum(axis=2) > 6
    inside = rays_through_box(result.camera, WATER["min"], WATER["max"])
    assert changed[rock] and changed[inside].mean() > 0.9
    assert not changed[~inside].any()  # no shadow of the water, nothing outside it
    red, _, blue = tinted.rgb[rock].astype(int) - plain.rgb[rock].astype(int)
    assert blue > red  # towards the water's blue
