"""Surroundings (renderer/environments.py): every place builds around small, large and tall
actions without entering the action's clear box, walls face in, real dimensions hold
(counter 0.9 m, wall cabinets from 1.45 m, FIBA court lines), the same seed builds the same
place, and each place stays within its triangle and draw budgets."""
from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from bridge.schema import ENVIRONMENTS
from renderer.environments import Environment, Part, build_environment

PLACES = [n for n in ENVIRONMENTS if n != "none"]
PATTERNS = {"wood", "planks", "tiles", "concrete", "stone", "fabric", "brushed_metal"}
MARGIN, FLAT = 0.5, 0.002
ACTIONS = {  # low, high corners of the action box
    "table_with_glass": ((-0.6, -0.4, 0.0), (0.6, 0.4, 0.9)),
    "six_by_three": ((-3.0, -1.5, 0.0), (3.0, 1.5, 2.0)),
    "ball_thrown_high": ((1.0, 2.0, 0.0), (2.0, 2.6, 3.5)),  # off the origin, above a ceiling
}
ROOMS = ["kitchen", "living_room", "space_station", "court"]


@cache
def place(name: str, action: str = "table_with_glass", seed: int = 7) -> Environment:
    low, high = ACTIONS[action]
    return build_environment(name, np.array(low), np.array(high), seed)


def part(env: Environment, key: str) -> Part:
    found = [p for p in env.parts if p.name == f"{env.name}/{key}"]
    assert found, f"{env.name} has no part {key}: {[p.name for p in env.parts]}"
    return found[0]


def _clip(polygon: np.ndarray, axis: int, bound: float, keep_above: bool) -> np.ndarray:
    """Sutherland-Hodgman: the part of a convex polygon on one side of an axis plane."""
    out = []
    for a, b in zip(polygon, np.roll(polygon, -1, axis=0)):
        da, db = (a[axis] - bound, b[axis] - bound) if keep_above else (bound - a[axis],
                                                                        bound - b[axis])
        if da >= 0:
            out.append(a)
        if (da >= 0) != (db >= 0):
            out.append(a + (b - a) * da / (da - db))
    return np.array(out)


def intrusions(mesh, low: np.ndarray, high: np.ndarray) -> int:
    """How many triangles have some area strictly inside the box (exact: each candidate
    triangle is clipped to the box's six planes)."""
    tri = mesh.triangles
    near = np.all((tri.max(axis=1) > low) & (tri.min(axis=1) < high), axis=1)
    count = 0
    for t in tri[near]:
        poly = t
        for axis in range(3):
            poly = _clip(poly, axis, low[axis], True) if len(poly) else poly
            poly = _clip(poly, axis, high[axis], False) if len(poly) else poly
        if len(poly) >= 3 and np.ptp(poly, axis=0).max() > 1e-6:
            count += 1
    return count


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("name", PLACES)
def test_nothing_but_the_floor_and_flat_markings_enters_the_clear_box(name, action):
    low, high = (np.array(c, float) for c in ACTIONS[action])
    # the action's box grown by MARGIN in x and y; from FLAT up, so markings may lie under it
    clear_low = np.array([low[0] - MARGIN, low[1] - MARGIN, max(low[2], FLAT)]) + 1e-6
    clear_high = np.array([high[0] + MARGIN, high[1] + MARGIN, high[2]]) - 1e-6
    env = place(name, action)
    for p in env.parts:
        assert intrusions(p.mesh, clear_low, clear_high) == 0, p.name
    floor = env.floor.mesh
    assert np.allclose(floor.vertices[:, 2], 0.0)
    assert np.all(floor.bounds[0, :2] <= clear_low[:2])
    assert np.all(floor.bounds[1, :2] >= clear_high[:2])


def test_the_intrusion_check_catches_a_wall_through_the_box():
    import trimesh

    wall = trimesh.Trimesh([[0, -5, 0], [0, 5, 0], [0, 5, 3], [0, -5, 3]], [[0, 1, 2], [0, 2, 3]])
    assert intrusions(wall, np.array([-1.0, -1, 0.01]), np.array([1.0, 1, 1])) == 1
    assert intrusions(wall, np.array([0.5, -1, 0.01]), np.array([1.0, 1, 1])) == 0


@pytest.mark.parametrize("action", ["table_with_glass", "six_by_three"])
@pytest.mark.parametrize("name", ROOMS)
def test_walls_and_ceilings_face_into_the_room(name, action):
    walls = part(place(name, action), "walls").mesh
    inside = walls.bounds.mean(axis=0)
    towards = inside - walls.triangles_center
    assert np.all(np.einsum("ij,ij->i", walls.face_normals, towards) > 0)
    assert (walls.face_normals[:, 2] < -0.99).sum() == 2  # a ceiling, facing down


def test_the_cyclorama_sweeps_up_from_the_floor_facing_the_action():
    env = place("studio")
    cyc = part(env, "cyclorama").mesh
    towards = np.array([0.0, 0.0, 1.0]) - cyc.triangles_center  # a point over the action
    assert np.all(np.einsum("ij,ij->i", cyc.face_normals, towards) > 0)
    assert cyc.bounds[0, 2] == pytest.approx(0.0) and cyc.bounds[1, 2] == pytest.approx(4.0)
    # it wraps the two back sides (+y and -x): the walls stand there, not at the front
    wall = cyc.vertices[cyc.vertices[:, 2] > 1.01]
    assert wall[:, 1].max() > 1.5 and wall[:, 0].min() < -1.5
    assert not np.any((wall[:, 0] > 0.5) & (wall[:, 1] < 0.5))
    assert part(env, "cyclorama").roughness >= 0.85


@pytest.mark.parametrize("name", PLACES)
def test_markings_lie_flat_and_face_up(name):
    env = place(name)
    for p in [env.floor, *env.parts]:
        if p.mesh.bounds[1, 2] <= FLAT:
            assert np.all(p.mesh.face_normals[:, 2] > 0.99), p.name


@pytest.mark.parametrize("name", PLACES)
def test_the_same_seed_builds_the_same_place(name):
    low, high = (np.array(c) for c in ACTIONS["table_with_glass"])
    a, b = (build_environment(name, low, high, 11) for _ in range(2))
    assert [p.name for p in a.parts] == [p.name for p in b.parts]
    for pa, pb in zip([a.floor, *a.parts], [b.floor, *b.parts]):
        assert np.array_equal(pa.mesh.vertices, pb.mesh.vertices)
        assert np.array_equal(pa.mesh.faces, pb.mesh.faces)
        assert (pa.color, pa.pattern, pa.emissive) == (pb.color, pb.pattern, pb.emissive)
    assert (a.sky, a.background) == (b.sky, b.background)


@pytest.mark.parametrize("name", ["kitchen", "living_room", "street"])
def test_the_seed_varies_small_things(name):
    def signature(env: Environment) -> tuple:
        return tuple((p.name, p.color, len(p.mesh.faces), round(float(p.mesh.area), 6))
                     for p in env.parts)
    assert len({signature(place(name, seed=s)) for s in range(6)}) > 1


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("name", PLACES)
def test_triangle_and_draw_budgets(name, action):
    env = place(name, action)
    assert sum(len(p.mesh.faces) for p in [env.floor, *env.parts]) <= 20_000
    assert len(env.parts) <= 15


@pytest.mark.parametrize("name", PLACES)
def test_looks_are_valid(name):
    env = place(name)
    for p in [env.floor, *env.parts]:
        assert p.pattern is None or p.pattern in PATTERNS, p.name
        for value in (*p.color, *p.emissive, p.roughness, p.metallic, p.alpha):
            assert 0.0 <= value <= 1.0, p.name
    for colour in (env.sky.zenith, env.sky.horizon, env.sky.ground, env.background):
        assert len(colour) == 3 and all(0.0 <= c <= 1.0 for c in colour)


def test_kitchen_counter_wall_cabinets_and_window_in_real_dimensions():
    env = place("kitchen")
    assert env.floor.pattern == "tiles"
    worktop = part(env, "worktop")
    assert worktop.pattern == "stone"
    assert worktop.mesh.bounds[1, 2] == pytest.approx(0.9, abs=0.02)
    cabinets = part(env, "cabinets").mesh.vertices
    wall_cabinets = cabinets[cabinets[:, 2] > 1.0]
    assert wall_cabinets[:, 2].min() == pytest.approx(1.45, abs=0.02)
    assert wall_cabinets[:, 2].max() == pytest.approx(2.2, abs=0.02)
    assert cabinets[cabinets[:, 2] < 1.0][:, 2].max() <= 0.9
    # the counters stand along the back walls (+y and -x), 0.6 m deep
    walls = part(env, "walls").mesh.bounds
    top = worktop.mesh.vertices
    assert np.isclose(top[:, 1].max(), walls[1, 1]) and np.isclose(top[:, 0].min(), walls[0, 0])
    pane = part(env, "window_pane")
    size = np.sort(pane.mesh.extents)
    assert size[1:] == pytest.approx([1.0, 1.2], abs=0.01)  # 1.2 wide, 1.0 high, flat
    assert pane.mesh.bounds[0, 2] == pytest.approx(1.0, abs=0.05)
    assert min(pane.emissive) > 0.5
    assert walls[1, 2] == pytest.approx(2.6)


def test_living_room_sofa_rug_shelf():
    env = place("living_room")
    assert env.floor.pattern == "planks"
    sofa = part(env, "sofa")
    assert sofa.pattern == "fabric"
    assert sofa.mesh.bounds[1, 2] == pytest.approx(0.85, abs=0.01)
    tops = sofa.mesh.triangles_center[sofa.mesh.face_normals[:, 2] > 0.99][:, 2]
    assert np.any(np.isclose(tops, 0.45))  # the seat
    width, depth = np.sort(sofa.mesh.extents[:2])[::-1]
    assert width == pytest.approx(2.0, abs=0.05) and depth == pytest.approx(0.9, abs=0.05)
    rug = part(env, "rug")
    assert rug.pattern == "fabric" and rug.mesh.bounds[1, 2] <= FLAT
    assert any(p.name.startswith("living_room/books_") for p in env.parts)
    wood = part(env, "woodwork").mesh.vertices  # the bookshelf stands on the -x wall
    x0 = part(env, "walls").mesh.bounds[0, 0]
    assert wood[wood[:, 0] < x0 + 0.4][:, 2].max() == pytest.approx(1.9, abs=0.01)


def test_court_is_fiba_sized_with_five_centimetre_lines():
    env = place("court")
    assert env.floor.pattern == "planks"
    lines = part(env, "lines").mesh
    assert np.all(np.abs(lines.vertices[:, 2]) <= FLAT)  # painted on the floor itself
    extent = lines.extents[:2]
    assert extent == pytest.approx([28.0, 15.0], abs=1e-6)
    straight = [piece for piece in lines.split(only_watertight=False) if len(piece.vertices) == 4]
    assert len(straight) >= 10
    for piece in straight:
        assert min(piece.extents[:2]) == pytest.approx(0.05, abs=1e-6)
    # the centre circle: 1.8 m to the line's outer edge
    x_end, y_mid = lines.bounds[0, 0], lines.bounds[:, 1].mean()
    r = np.hypot(lines.vertices[:, 0] - (x_end + 14.0), lines.vertices[:, 1] - y_mid)
    ring = r[(r > 1.5) & (r < 2.0)]
    assert ring.min() == pytest.approx(1.75, abs=1e-6)
    assert ring.max() == pytest.approx(1.8, abs=1e-6)
    # the three-point arc: 6.75 m from the -x basket (1.575 m in from the end line)
    r = np.hypot(lines.vertices[:, 0] - (x_end + 1.575), lines.vertices[:, 1] - y_mid)
    assert np.isclose(r, 6.75, atol=1e-6).sum() >= 10
    # the action stands in the -x key, between the basket and the free-throw line
    centre = np.mean(ACTIONS["table_with_glass"], axis=0)
    assert x_end + 1.575 < centre[0] < x_end + 5.8 and abs(centre[1] - y_mid) < 2.45


def test_street_has_a_road_sidewalks_and_buildings():
    env = place("street")
    assert env.floor.pattern == "concrete" and max(env.floor.color) < 0.2  # dark asphalt
    curbs = part(env, "curbs").mesh
    assert curbs.bounds[1, 2] == pytest.approx(0.15)
    faces = [p.mesh for p in env.parts if p.name.startswith("street/buildings_")]
    heights = [b.bounds[1, 2] for mesh in faces for b in mesh.split(only_watertight=False)]
    assert 8.0 <= min(heights) and max(heights) <= 15.0
    high = ACTIONS["table_with_glass"][1]
    assert all(mesh.bounds[0, 1] > high[1] + MARGIN for mesh in faces)  # behind the action
    assert env.sky.zenith[2] > env.sky.zenith[0]  # a blue sky


def test_space_station_is_dark_outside_and_lit_inside():
    env = place("space_station")
    assert max(env.background) < 0.05
    assert part(env, "walls").mesh.bounds[1, 2] == pytest.approx(2.4)
    assert part(env, "walls").pattern == "brushed_metal"
    assert min(part(env, "light_strips").emissive) > 0.5
    porthole = part(env, "porthole")
    assert porthole.emissive == (0.0, 0.0, 0.0) and max(porthole.color) < 0.05


def test_ceilings_rise_above_a_tall_action():
    walls = part(place("kitchen", "ball_thrown_high"), "walls").mesh
    assert walls.bounds[1, 2] >= 3.5 + 0.3


def test_none_is_empty_under_todays_sky():
    env = build_environment("none", np.zeros(3), np.ones(3), 0)
    assert (env.name, env.floor, env.parts) == ("none", None, [])
    assert env.background == (0.62, 0.74, 0.88)
    assert env.sky.zenith[2] > env.sky.zenith[0]


def test_an_unknown_place_names_the_valid_ones():
    with pytest.raises(ValueError) as caught:
        build_environment("kitchn", np.zeros(3), np.ones(3), 0)
    message = str(caught.value)
    assert "kitchen" in message
    assert all(name in message for name in ENVIRONMENTS)
