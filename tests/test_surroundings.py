"""Surroundings (`world.environment`): every place is built around the action in real
dimensions, keeps out of the action's way, faces into the room and is deterministic."""
from __future__ import annotations

import numpy as np
import pytest

from bridge.schema import ENVIRONMENTS
from renderer.rooms import build_environment
from renderer.surroundings import FLAT, MARGIN
from renderer.textures import PATTERNS

SMALL = (np.array([-0.6, -0.4, 0.0]), np.array([0.6, 0.4, 0.9]))  # a table with a glass
LARGE = (np.array([-3.0, -1.5, 0.0]), np.array([3.0, 1.5, 1.2]))  # a long domino run
PLACES = [name for name in ENVIRONMENTS if name != "none"]


def in_action(vertices: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Vertices inside the action's box grown by MARGIN, above flat floor markings."""
    inside = np.all((vertices[:, :2] > low[:2] - MARGIN + 1e-6)
                    & (vertices[:, :2] < high[:2] + MARGIN - 1e-6), axis=1)
    return inside & (vertices[:, 2] > FLAT)


@pytest.mark.parametrize("name", PLACES)
@pytest.mark.parametrize("box", [SMALL, LARGE], ids=["small", "large"])
def test_a_place_keeps_clear_of_the_action_and_stays_cheap_to_draw(name, box):
    place = build_environment(name, *box, seed=1)
    assert place.parts and place.floor is not None
    for part in place.parts:
        assert not in_action(part.mesh.vertices, *box).any(), part.name
        assert part.pattern is None or part.pattern in PATTERNS
    assert sum(len(p.mesh.faces) for p in place.parts) <= 20_000
    assert len(place.parts) <= 15


@pytest.mark.parametrize("name", ["kitchen", "living_room", "court", "space_station"])
def test_walls_face_into_the_room(name):
    place = build_environment(name, *SMALL, seed=1)
    walls = next(p for p in place.parts if p.name.endswith("/walls"))
    centre = walls.mesh.bounds.mean(axis=0)
    upright = np.abs(walls.mesh.face_normals[:, 2]) < 0.1
    inward = np.einsum("ij,ij->i", walls.mesh.face_normals,
                       centre - walls.mesh.triangles_center)
    assert upright.sum() >= 8 and np.all(inward[upright] > 0)


def test_places_are_deterministic_and_the_seed_varies_only_details():
    a, b = (build_environment("living_room", *SMALL, seed=5) for _ in range(2))
    for x, y in zip(a.parts, b.parts):
        np.testing.assert_array_equal(x.mesh.vertices, y.mesh.vertices)
    other = build_environment("living_room", *SMALL, seed=6)
    walls = [next(p for p in e.parts if p.name.endswith("/walls")) for e in (a, other)]
    np.testing.assert_array_equal(walls[0].mesh.vertices, walls[1].mesh.vertices)
    books = [sum(len(p.mesh.vertices) for p in e.parts if "books" in p.name) for e in (a, other)]
    assert books[0] > 0 and books[1] > 0


def test_kitchen_counters_and_cabinets_stand_at_real_heights():
    parts = {p.name: p for p in build_environment("kitchen", *SMALL, seed=0).parts}
    assert parts["kitchen/worktop"].mesh.bounds[1, 2] == pytest.approx(0.9, abs=0.02)
    cabinets = parts["kitchen/cabinets"].mesh
    wall_units = cabinets.vertices[cabinets.vertices[:, 2] > 1.0]
    assert wall_units[:, 2].min() == pytest.approx(1.45, abs=0.02)
    assert wall_units[:, 2].max() == pytest.approx(2.2, abs=0.02)
    assert parts["window/pane"].emissive[0] > 1.0  # the window is the brightest thing there


def test_the_court_is_regulation_size_with_5_cm_lines():
    place = build_environment("court", *SMALL, seed=0)
    lines = next(p for p in place.parts if p.name == "court/lines").mesh
    size = lines.bounds[1] - lines.bounds[0]
    assert size[0] == pytest.approx(28.0 + 0.05, abs=0.01)
    assert size[1] == pytest.approx(15.0 + 0.05, abs=0.01)
    assert lines.bounds[1, 2] <= FLAT
    # the centre line: 5 cm wide
    mid_x = lines.bounds.mean(axis=0)[0]
    near = lines.vertices[np.abs(lines.vertices[:, 0] - mid_x) < 0.1]
    assert np.ptp(near[:, 0]) == pytest.approx(0.05, abs=1e-6)


def test_no_surroundings_and_unknown_places():
    none = build_environment("none", *SMALL, seed=0)
    assert none.parts == [] and none.floor is None
    with pytest.raises(ValueError, match="kitchen"):
        build_environment("kitchn", *SMALL, seed=0)
