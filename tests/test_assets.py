"""The asset library, user meshes and their PyBullet collision shapes."""
from __future__ import annotations

import math

import numpy as np
import pybullet as p
import pytest
import trimesh

from bridge import limits
from bridge.assets import meshes
from bridge.assets.build import (
    BUILDERS,
    appearance_for,
    geometry_for,
    mass_properties,
)
from bridge.assets.furniture import CUSHION, RAIL
from bridge.assets.nesting import stack_pitch
from bridge.assets.registry import ASSETS
from bridge.errors import UserError
from bridge.materials import MATERIALS
from bridge.schema import Body
from bridge.transforms import compose, quat_to_matrix
from physics.shapes import collision_shape

BALLS = {"ball", "basketball", "tennis_ball", "bowling_ball", "billiard_ball", "soccer_ball",
         "beach_ball", "marble", "ball_bearing", "baseball"}
HOLLOW_BALLS = {"basketball", "tennis_ball", "soccer_ball", "beach_ball"}
ROUND = {"tumbler", "wine_glass", "mug", "cup", "bottle", "vase", "plate", "bowl", "can",
         "cylinder", "bowling_pin", "egg", "birthday_cake"}  # y extent 2 * radius (handles point along +x)
CUBOIDS = {"brick", "crate", "book", "box", "block"}
SLABS = {"domino", "wall", "pane"}


def expected_extents(name: str, q: dict[str, float]) -> tuple[float | None, ...]:
    """The visual's (x, y, z) extents implied by the parameters; None = not fixed by them."""
    if name in BALLS:
        return (2 * q["radius"],) * 3
    if name in ROUND:
        return None, 2 * q["radius"], q["height"]
    if name in CUBOIDS:
        return q["length"], q["width"], q["height"]
    if name in SLABS:
        return q["thickness"], q["width"], q["height"]
    special = {
        "table": lambda: (q["width"], q["depth"], q["height"]),
        "chair": lambda: (q["width"], q["depth"], q["height"]),
        "shelf": lambda: (q["width"], q["depth"], q["height"]),
        "tray": lambda: (q["width"], q["depth"], q["height"]),
        "floor_tile": lambda: (q["width"], q["depth"], q["thickness"]),
        "ramp": lambda: (q["length"], q["width"],
                         q["length"] * math.tan(math.radians(q["angle_deg"]))),
        "pool_table": lambda: (q["length"] + 2 * RAIL, q["width"] + 2 * RAIL,
                               q["height"] + CUSHION),
        # the backboard is 1.83 m wide and 1.07 m tall, its lower edge 0.15 m below the rim
        "basketball_hoop": lambda: (None, 1.83, q["height"] - 0.15 + 1.07),
        "soccer_goal": lambda: (None, q["width"] + 2 * 0.12, q["height"] + 0.12),
        # its wick stands a tenth of its height above the wax (5 to 12 mm)
        "candle": lambda: (None, 2 * q["radius"], q["height"] + 0.01),
    }
    return special[name]()


def body(asset: str, **kw) -> Body:
    return Body(name="b", asset=asset, **kw)


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SIMSHOT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_every_catalogue_asset_has_a_builder_and_expected_size():
    assert set(BUILDERS) == set(ASSETS)
    for name in ASSETS:
        expected_extents(name, ASSETS[name].params)  # raises KeyError for an unlisted asset


def part_bounds(part) -> np.ndarray:
    """[2, 3] body-frame bounds of a collision part."""
    rot = quat_to_matrix(part.quaternion)
    if part.kind == "convex":
        pts = part.vertices @ rot.T + part.position
        return np.array([pts.min(0), pts.max(0)])
    half = {"sphere": np.full(3, part.radius),
            "box": part.half_extents,
            "cylinder": np.array([part.radius, part.radius, part.height / 2])}[part.kind]
    reach = np.abs(rot) @ half
    return np.array([part.position - reach, part.position + reach])


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_asset_is_watertight_sits_on_the_ground_and_has_its_size(name):
    geometry = geometry_for(body(name), None)
    visual = geometry.visual
    assert visual.is_watertight and visual.is_volume and visual.volume > 0
    lo, hi = geometry.bounds
    size = hi - lo
    assert abs(lo[2]) < 0.005 * size[2]
    for got, want in zip(size, expected_extents(name, ASSETS[name].params), strict=True):
        if want is not None:
            assert got == pytest.approx(want, rel=0.01)
    assert geometry.parts and geometry.hollow == ASSETS[name].hollow
    tolerance = 0.01 * size.max()
    for part in geometry.parts:
        bounds = part_bounds(part)
        assert (bounds[0] >= lo - tolerance).all() and (bounds[1] <= hi + tolerance).all()


def test_hollow_containers_have_many_wall_pieces():
    for name, spec in ASSETS.items():
        if spec.hollow:
            assert len(geometry_for(body(name), None).parts) >= 5, name


@pytest.mark.parametrize("name", sorted(n for n, s in ASSETS.items() if s.mass is not None))
def test_default_mass_is_the_real_objects(name):
    geometry = geometry_for(body(name), None)
    assert mass_properties(geometry, body(name)).mass == pytest.approx(ASSETS[name].mass)


def test_mass_from_density_override_and_scale():
    block = body("block")
    assert mass_properties(geometry_for(block, None), block).mass == pytest.approx(0.7)
    steel = body("block", material="steel")
    assert mass_properties(geometry_for(steel, None), steel).mass == pytest.approx(7.85)
    given = body("basketball", mass=1.0)
    assert mass_properties(geometry_for(given, None), given).mass == 1.0
    # A non-default material ignores the catalogue mass: density x shell volume.
    glass = body("basketball", material="glass")
    shell = geometry_for(glass, None).visual.volume
    assert mass_properties(geometry_for(glass, None), glass).mass == pytest.approx(2500 * shell)
    # The catalogue mass belongs to the default size; a doubled ball weighs 8 times as much.
    big = body("basketball", scale=2.0)
    assert mass_properties(geometry_for(big, None), big).mass == pytest.approx(8 * 0.62)


@pytest.mark.parametrize("name", ["ball", "marble", "billiard_ball", "bowling_ball"])
def test_solid_sphere_inertia_is_two_fifths_m_r_squared(name):
    b = body(name)
    props = mass_properties(geometry_for(b, None), b)
    r = ASSETS[name].params["radius"]
    np.testing.assert_allclose(props.inertia_diagonal, 0.4 * props.mass * r**2, rtol=0.01)
    np.testing.assert_allclose(props.com, [0, 0, r], atol=1e-6)


@pytest.mark.parametrize("name", sorted(HOLLOW_BALLS))
def test_hollow_ball_inertia_exceeds_a_solid_balls(name):
    b = body(name)
    props = mass_properties(geometry_for(b, None), b)
    ratio = props.inertia_diagonal / (props.mass * ASSETS[name].params["radius"] ** 2)
    assert (ratio > 0.5).all() and (ratio < 2 / 3 + 1e-6).all()


def test_principal_axes_rebuild_the_inertia_tensor():
    mug = body("mug")
    geometry = geometry_for(mug, None)
    props = mass_properties(geometry, mug)
    rot = quat_to_matrix(props.inertia_quat)
    tensor = geometry.visual.moment_inertia * props.mass / geometry.visual.mass
    np.testing.assert_allclose(rot @ np.diag(props.inertia_diagonal) @ rot.T, tensor,
                               atol=1e-9)
    assert props.com[0] > 0  # the handle pulls the centre of mass toward +x


def test_params_and_scale_change_dimensions():
    wide = geometry_for(body("tumbler", params={"radius": 0.05}), None)
    assert wide.bounds[1][1] == pytest.approx(0.05, rel=0.01)
    doubled = geometry_for(body("block", scale=2.0), None)
    np.testing.assert_allclose(doubled.bounds[1] - doubled.bounds[0], [0.2] * 3)
    np.testing.assert_allclose(doubled.parts[0].half_extents, [0.1] * 3)
    stretched = geometry_for(body("block", scale=(1.0, 2.0, 3.0)), None)
    np.testing.assert_allclose(stretched.parts[0].half_extents, [0.05, 0.1, 0.15])
    np.testing.assert_allclose(stretched.parts[0].position, [0, 0, 0.15])


def test_ball_scale_keeps_a_sphere_only_when_uniform():
    uniform = geometry_for(body("ball", scale=0.5), None).parts[0]
    assert uniform.kind == "sphere" and uniform.radius == pytest.approx(0.05)
    squashed = geometry_for(body("ball", scale=(1.0, 1.0, 0.5)), None)
    (part,) = squashed.parts
    assert part.kind == "convex"
    np.testing.assert_allclose(part_bounds(part)[:, 2], [0, 0.1], atol=1e-3)
    assert squashed.bounds[1][2] == pytest.approx(0.1, rel=0.01)


def test_appearance_prefers_script_then_asset_then_material():
    assert appearance_for(body("basketball")).base_color == pytest.approx((0.85, 0.35, 0.08))
    assert appearance_for(body("basketball", color=(0, 0, 1))).base_color == (0, 0, 1)
    steel = appearance_for(body("basketball", material="steel"))
    assert steel.base_color == MATERIALS["steel"].base_color and steel.metallic == 1.0
    assert appearance_for(body("tumbler")).alpha == pytest.approx(0.3)


# --- PyBullet -------------------------------------------------------------------------------


@pytest.fixture
def client():
    cid = p.connect(p.DIRECT)
    p.setGravity(0, 0, -9.81, physicsClientId=cid)
    p.createMultiBody(0, p.createCollisionShape(p.GEOM_PLANE, physicsClientId=cid),
                      physicsClientId=cid)
    yield cid
    p.disconnect(cid)


def spawn(client: int, b: Body) -> int:
    """A dynamic body whose base frame is its centre of mass and principal axes."""
    geometry = geometry_for(b, None)
    props = mass_properties(geometry, b)
    frame = (props.com, props.inertia_quat)
    pos, quat = compose(np.array(b.position), np.array([0.0, 0, 0, 1]), *frame)
    uid = p.createMultiBody(props.mass, collision_shape(client, geometry, frame),
                            basePosition=pos, baseOrientation=quat, physicsClientId=client)
    p.changeDynamics(uid, -1, localInertiaDiagonal=list(props.inertia_diagonal),
                     physicsClientId=client)
    return uid


def run(client: int, seconds: float) -> None:
    for _ in range(round(seconds * 240)):
        p.stepSimulation(physicsClientId=client)


def position(client: int, uid: int) -> np.ndarray:
    return np.array(p.getBasePositionAndOrientation(uid, physicsClientId=client)[0])


def test_collision_shape_lies_where_the_visual_does(client):
    """Rays hit the collision shape where they hit the visual, handle and cavity included."""
    offset = np.array([1.0, 2.0, 0.0])
    uid = spawn(client, body("mug", position=tuple(offset)))
    visual = geometry_for(body("mug"), None).visual
    starts = [[x, 0.0, 0.3] for x in (0.0, 0.02, 0.04, 0.07, 0.09)] + [[0.3, 0.0, 0.055]]
    ends = [[x, 0.0, -0.1] for x in (0.0, 0.02, 0.04, 0.07, 0.09)] + [[-0.3, 0.0, 0.055]]
    hits = p.rayTestBatch((np.array(starts) + offset).tolist(), (np.array(ends) + offset).tolist(),
                          physicsClientId=client)
    for start, end, hit in zip(starts, ends, hits, strict=True):
        direction = np.subtract(end, start) / np.linalg.norm(np.subtract(end, start))
        where, _, _ = visual.ray.intersects_location([start], [direction])
        nearest = where[np.argmin(np.linalg.norm(where - start, axis=1))]
        assert hit[0] == uid
        np.testing.assert_allclose(np.array(hit[3]) - offset, nearest, atol=0.003)


def tumbler_holds(client: int, ball: Body) -> None:
    r, h = ASSETS["tumbler"].params["radius"], ASSETS["tumbler"].params["height"]
    glass = spawn(client, body("tumbler"))
    uid = spawn(client, ball)
    run(client, 1.0)
    offset = position(client, uid) - position(client, glass)
    centre = position(client, uid)
    assert np.hypot(*offset[:2]) < r
    assert 0.01 < centre[2] < h  # above the glass's base, below its rim


def test_ball_dropped_into_a_tumbler_stays_inside(client):
    top = geometry_for(body("tumbler"), None).bounds[1][2]
    tumbler_holds(client, body("ball", params={"radius": 0.01},
                               position=(0.005, 0.0, top + 0.2)))


def test_ball_thrown_at_the_tumbler_wall_stays_inside(client):
    tumbler_holds(client, body("ball", params={"radius": 0.01}, position=(0.0, 0.0, 0.012),
                               velocity=(1.5, 0.4, 0.0)))


def test_ball_dropped_on_a_block_rests_on_it(client):
    spawn(client, body("block"))
    ball = spawn(client, body("ball", params={"radius": 0.02}, position=(0.01, 0.0, 0.4)))
    run(client, 1.0)
    assert position(client, ball)[2] == pytest.approx(0.12, abs=0.003)


# --- user meshes ----------------------------------------------------------------------------


def write_u_shape(path) -> None:
    """A U: two posts on a bar, clearly not convex."""
    parts = [trimesh.creation.box([0.3, 0.1, 0.05]).apply_translation([0, 0, 0.025]),
             *[trimesh.creation.box([0.05, 0.1, 0.2]).apply_translation([x, 0, 0.15])
               for x in (-0.125, 0.125)]]
    trimesh.boolean.union(parts, engine="manifold").apply_translation([5, 5, 5]).export(path)


def test_concave_mesh_is_decomposed_once_and_cached(tmp_path, cache_dir, monkeypatch):
    write_u_shape(tmp_path / "u.obj")
    b = Body(name="u", mesh="u.obj")
    first = geometry_for(b, tmp_path)
    assert len(first.parts) > 1
    np.testing.assert_allclose(first.bounds, [[-0.15, -0.05, 0], [0.15, 0.05, 0.25]],
                               atol=1e-6)
    assert list((cache_dir / "convex").glob("*.npz"))

    def fail(*args, **kwargs):
        raise AssertionError("coacd ran although the decomposition was cached")

    monkeypatch.setattr(meshes.coacd, "run_coacd", fail)
    second = geometry_for(b, tmp_path)
    assert len(second.parts) == len(first.parts)
    for a, c in zip(first.parts, second.parts, strict=True):
        np.testing.assert_array_equal(a.vertices, c.vertices)


def test_convex_mesh_is_one_part_and_gets_density_mass(tmp_path, monkeypatch):
    trimesh.creation.box([0.1, 0.2, 0.3]).export(tmp_path / "box.stl")
    monkeypatch.setattr(meshes.coacd, "run_coacd", None)  # must not be needed
    b = Body(name="m", mesh="box.stl", material="steel")
    geometry = geometry_for(b, tmp_path)
    assert len(geometry.parts) == 1 and geometry.parts[0].kind == "convex"
    assert geometry.bounds[0][2] == pytest.approx(0.0)
    assert mass_properties(geometry, b).mass == pytest.approx(7850 * 0.006)


def test_mesh_paths_outside_the_scene_folder_are_refused(tmp_path):
    scene = tmp_path / "scene"
    scene.mkdir()
    write_u_shape(tmp_path / "outside.obj")
    (scene / "link.obj").symlink_to(tmp_path / "outside.obj")
    for path in [str(tmp_path / "outside.obj"), "../outside.obj", "link.obj", "missing.obj"]:
        with pytest.raises(UserError, match="mesh") as info:
            meshes.load_user_mesh("thing", path, scene)
        assert "thing" in str(info.value) and path in str(info.value)


def test_oversized_and_unparseable_meshes_are_refused(tmp_path, monkeypatch):
    (tmp_path / "junk.ply").write_bytes(b"ply\nthis is not a mesh\n")
    with pytest.raises(UserError, match="could not be parsed|no triangles"):
        meshes.load_user_mesh("junk", "junk.ply", tmp_path)
    write_u_shape(tmp_path / "u.obj")
    monkeypatch.setattr(limits, "MAX_MESH_BYTES", 100)
    with pytest.raises(UserError, match="over the limit"):
        meshes.load_user_mesh("big", "u.obj", tmp_path)


def test_open_mesh_takes_its_mass_from_its_convex_hull(tmp_path, caplog):
    cube = trimesh.creation.box([0.1, 0.1, 0.1])
    open_box = trimesh.Trimesh(cube.vertices, cube.faces[2:])  # one side missing
    open_box.export(tmp_path / "open.obj")
    b = Body(name="open", mesh="open.obj", material="wood")
    geometry = geometry_for(b, tmp_path)
    assert not geometry.visual.is_watertight
    assert mass_properties(geometry, b).mass == pytest.approx(700 * 0.001)
    assert "not watertight" in caplog.text


def test_plates_and_bowls_nest_while_blocks_stack_at_their_height():
    plate, bowl = ASSETS["plate"].params, ASSETS["bowl"].params
    assert stack_pitch("block") == pytest.approx(ASSETS["block"].params["height"], abs=1e-9)
    assert stack_pitch("ball") == pytest.approx(2 * ASSETS["ball"].params["radius"], abs=1e-6)
    # a plate rests on the one below where its rim rises from its base: its base (5 mm)
    # and a little of the rim, not its 22 mm
    assert plate["wall"] < stack_pitch("plate") < plate["height"] / 2
    assert stack_pitch("bowl") < 0.6 * bowl["height"]
    assert stack_pitch("plate", {"wall": 0.008}) > stack_pitch("plate")
