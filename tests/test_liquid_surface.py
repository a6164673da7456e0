"""The liquid's drawn surface (renderer/liquid_surface.py): one closed, smooth skin around
the particles, spheres for lone drops, seamless across the sparse grid's blocks."""
from __future__ import annotations

import numpy as np
import pytest
import trimesh

from renderer.liquid_surface import BLOCK, CELL, DRAWN, KERNEL, SPLAT, surface

R = 0.002  # particle radius: a 4 mm lattice


def lattice(shape: tuple[int, int, int], origin=(0.0, 0.0, 0.0)) -> np.ndarray:
    axes = [np.arange(n) * 2 * R for n in shape]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, 3)
    return grid + np.asarray(origin)


def as_mesh(centres: np.ndarray) -> trimesh.Trimesh:
    vertices, _, faces = surface(centres, R)
    mesh = trimesh.Trimesh(vertices, faces, process=False)
    mesh.merge_vertices()  # blocks repeat the vertices they share
    return mesh


def test_a_lone_particle_is_a_sphere_of_the_drawn_radius():
    vertices, normals, faces = surface(np.array([[0.1, -0.2, 0.3]]), R)
    offsets = vertices - [0.1, -0.2, 0.3]
    np.testing.assert_allclose(np.linalg.norm(offsets, axis=1), DRAWN * R, rtol=1e-5)
    np.testing.assert_allclose(normals, offsets / (DRAWN * R), atol=1e-5)
    assert trimesh.Trimesh(vertices, faces).is_watertight


def test_a_body_of_liquid_is_one_closed_skin_holding_its_volume():
    centres = lattice((10, 10, 12))
    mesh = as_mesh(centres)
    assert mesh.is_watertight and mesh.body_count == 1
    # Each particle stands for a (2r)^3 cube of liquid.
    assert mesh.volume == pytest.approx(len(centres) * (2 * R) ** 3, rel=0.15)
    # A flat skin a little outside the outer layer, not a sphere per particle.
    top = mesh.vertices[mesh.vertices[:, 2] > centres[:, 2].max()]
    inner = np.abs(top[:, 0] - 9 * R) < 5 * R  # away from the edges
    assert np.ptp(top[inner & (np.abs(top[:, 1] - 9 * R) < 5 * R), 2]) < 0.2 * R


def test_normals_point_out_of_the_liquid():
    centres = lattice((8, 8, 8))
    vertices, normals, _ = surface(centres, R)
    outward = vertices - centres.mean(axis=0)
    assert (np.einsum("ij,ij->i", normals, outward) > 0).mean() > 0.99
    np.testing.assert_allclose(np.linalg.norm(normals, axis=1), 1.0, rtol=1e-5)


def test_the_blocks_meet_without_a_seam():
    long = 3 * BLOCK * CELL * R / (2 * R)  # particles along three blocks and more
    centres = lattice((int(long) + 4, 3, 3), origin=(-0.013, 0.0071, -0.0333))
    mesh = as_mesh(centres)
    assert mesh.is_watertight and mesh.body_count == 1


def test_neighbours_join_and_distant_drops_stay_apart():
    pair = np.array([[0.0, 0.0, 0.0], [2 * R, 0.0, 0.0]])  # touching, at the rest spacing
    assert as_mesh(pair).body_count == 1
    apart = np.array([[0.0, 0.0, 0.0], [2.5 * KERNEL * R, 0.0, 0.0]])
    assert as_mesh(apart).body_count == 2
    # Two clusters a metre apart cost two small grids, not one over the metre between.
    far = np.concatenate([lattice((4, 4, 4)), lattice((4, 4, 4), origin=(1.0, 0.5, 0.2))])
    mesh = as_mesh(far)
    assert mesh.is_watertight and mesh.body_count == 2


def test_absent_particles_are_skipped_and_the_surface_is_bit_identical_on_a_rerun():
    centres = lattice((5, 6, 7)) + np.random.default_rng(3).normal(0, 0.2 * R, (210, 3))
    with_gaps = centres.copy()
    with_gaps[::7] = np.nan
    first = surface(with_gaps, R)
    again = surface(with_gaps, R)
    for a, b in zip(first, again):
        assert a.tobytes() == b.tobytes()
    assert len(first[2]) and np.isfinite(first[0]).all()
    assert [len(part) for part in surface(np.full((4, 3), np.nan), R)] == [0, 0, 0]


def test_a_small_cluster_is_drawn_near_the_size_of_its_drops_without_a_film_between():
    """Particles too close to be lone drops go through the grid: a pair 2 spacings apart is
    one body about as wide as its drops (a coarser grid shrank such pairs to slivers), and a
    pair 3 spacings apart is two drops, with no blob at their midpoint."""
    low, high = as_mesh(np.array([[0.0, 0.0, 0.0], [4 * R, 0.0, 0.0]])).bounds
    assert low[0] < -0.75 * DRAWN * R and high[0] > 4 * R + 0.75 * DRAWN * R
    assert high[2] > 0.75 * DRAWN * R
    assert as_mesh(np.array([[0.0, 0.0, 0.0], [6 * R, 0.0, 0.0]])).body_count == 2


def test_meshing_only_around_the_inside_nodes_gives_what_meshing_every_cell_gives():
    """Blocks mesh the cells around their inside nodes alone (a spray over the floor touches
    hundreds of blocks); the whole of every block gives the same arrays, row for row."""
    from renderer.liquid_surface import BRIDGE, _field, _mesh, _pairs

    rng = np.random.default_rng(4)
    puddle = lattice((14, 14, 2))
    drops = rng.uniform(-0.08, 0.12, (12, 3))
    spray = np.concatenate([drops, drops + [2.5 * R, 0, 0]])  # pairs of drops
    x = np.concatenate([puddle, spray])
    keys, order, starts = _pairs(x, CELL * R, KERNEL * R, BLOCK)
    phi, inside = _field(x, CELL * R, KERNEL * R, DRAWN * R, BRIDGE * R, keys, order, starts,
                         BLOCK)
    assert len(keys) > 20 and (inside[:, 0] > inside[:, 1]).any()  # some blocks hold no inside
    whole = np.empty_like(inside)
    whole[:, 0], whole[:, 1] = 0, phi.shape[1] - 1
    for near, every in zip(_mesh(phi, inside, keys, CELL * R, BLOCK),
                           _mesh(phi, whole, keys, CELL * R, BLOCK)):
        assert np.array_equal(near, every)
    assert len(_mesh(phi, inside, keys, CELL * R, BLOCK)[2]) > 1000


def test_a_lone_drop_on_the_floor_is_a_splat_of_its_volume_and_in_the_air_a_sphere():
    resting = np.array([[0.1, -0.2, 0.01 + 1.1 * R]])  # on a floor at 1 cm
    vertices, normals, faces = surface(resting, R, floor=0.01)
    splat = trimesh.Trimesh(vertices, faces)
    low, high = splat.bounds
    assert low[2] == pytest.approx(0.01, abs=1e-7)  # lies on the floor
    wide, tall = (high - low)[0], (high - low)[2]
    assert wide / tall == pytest.approx(SPLAT, rel=1e-3)
    drop = trimesh.Trimesh(*surface(resting, R)[::2])  # no floor: the drop itself
    assert splat.is_watertight and splat.volume == pytest.approx(drop.volume, rel=1e-6)
    assert np.allclose(np.linalg.norm(normals, axis=1), 1.0, atol=1e-5)
    flying = surface(resting + [0, 0, 0.05], R, floor=0.01)[0]
    assert np.ptp(flying, axis=0) == pytest.approx(np.full(3, 2 * DRAWN * R), rel=0.05)


def test_a_drop_of_a_few_on_the_floor_lies_as_splats_and_a_puddle_is_meshed():
    floor, spacing = 0.01, 2 * R
    pair = np.array([[0.1, -0.2, floor + 1.1 * R], [0.1 + spacing, -0.2, floor + 1.1 * R]])
    vertices, _, faces = surface(pair, R, floor=floor)
    tall = DRAWN * R * SPLAT ** (1 / 3) / SPLAT
    assert np.ptp(vertices[:, 2]) == pytest.approx(2 * tall, rel=1e-3)  # flat, not a bead
    assert len(faces) == 2 * len(surface(pair[:1], R, floor=floor)[2])  # a splat each
    # the same pair in the air is one round drop of the sparse grid's surface
    flying = surface(pair + [0, 0, 0.05], R, floor=floor)[0]
    assert np.ptp(flying[:, 2]) > 4 * tall
    # a puddle one particle deep keeps one smooth skin, its corners (3 others near) included
    puddle = lattice((8, 8, 1), origin=(0.1, -0.2, floor + 1.1 * R))
    vertices, _, faces = surface(puddle, R, floor=floor)
    mesh = trimesh.Trimesh(vertices, faces, process=False)
    mesh.merge_vertices()
    assert mesh.body_count == 1 and np.ptp(mesh.vertices[:, 2]) > 2 * tall
