"""Water volumes: buoyancy from the sampled submerged volume, and drag (physical checks)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest

from bridge.assets.build import geometry_for
from bridge.schema import Body
from bridge.transforms import quat_to_matrix
from physics.water import WaterVolumes, sample_solid
from physics.world import World
from tests.helpers import IDENTITY, make_scene

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

G = 9.81
POOL = {"min": [-1, -1, 0], "max": [1, 1, 0.5]}  # the surface is at z = 0.5
BLOCK = 0.1  # the block asset's side, metres
BALL_VOLUME = 4 / 3 * np.pi * 0.1 ** 3  # the ball asset, radius 0.1


@contextmanager
def pool(bodies: list[dict], water: dict | None = None, **world) -> Iterator[
        tuple[World, WaterVolumes]]:
    """A World with one water box (POOL unless `water` says otherwise) and its hook."""
    scene = make_scene(bodies=bodies, water=[{"region": POOL, **(water or {})}],
                       world=world or {})
    live_world = World(scene, None)
    try:
        yield live_world, WaterVolumes(scene.water, live_world.gravity)
    finally:
        live_world.close()


def run(world: World, water: WaterVolumes | None, seconds: float, name: str) -> np.ndarray:
    """Step with the hook (None: without it); the body's COM position after each step."""
    path = []
    for step in range(round(seconds / world.dt)):
        if water is not None:
            water.before_step(world, step)
        world.step()
        path.append(world.state(name)[0])
    return np.array(path)


def first_step_velocity(world: World, water: WaterVolumes, name: str) -> np.ndarray:
    """The velocity after one step from rest: (buoyancy + weight) / m * dt, drag still 0."""
    run(world, water, world.dt, name)
    return world.state(name)[2]


def block(z: float, **fields) -> dict:
    return {"name": "block", "asset": "block", "position": [0, 0, z], **fields}


def test_sampling_weights_sum_to_the_volume_and_fill_sealed_cavities():
    cube = sample_solid(geometry_for(Body(name="b", asset="block"), None).visual,
                        (np.array([0, 0, BLOCK / 2]), IDENTITY))
    assert cube.weights.sum() == pytest.approx(BLOCK ** 3)
    assert np.abs(cube.weights @ cube.points).max() < 1e-12  # centred on the COM
    ball = geometry_for(Body(name="b", asset="basketball"), None).visual
    radius = ball.extents[0] / 2
    shell = sample_solid(ball, (np.array([0, 0, radius]), IDENTITY))
    assert ball.volume < 0.2 * shell.volume  # the mesh is the rubber shell, yet
    assert shell.volume == pytest.approx(4 / 3 * np.pi * radius ** 3, rel=0.01)  # air displaces


def test_wood_block_floats_with_its_density_ratio_submerged():
    with pool([block(0.3)]) as (world, water):  # released fully under water
        path = run(world, water, 4.0, "block")
        assert water.submerged_fraction(world, "block") == pytest.approx(0.7, rel=0.05)
        assert np.abs(path[-24:, 2] - path[-1, 2]).max() < 1e-3  # settled


def test_iron_block_sinks_slower_than_free_fall_and_stays_on_the_bottom():
    with pool([block(0.3, material="iron")]) as (world, water):
        assert first_step_velocity(world, water, "block")[2] == pytest.approx(
            -G * (1 - 1000 / 7870) * world.dt, rel=1e-3)  # from rest: no drag yet
        path = run(world, water, 2.0, "block")
        assert path[-1, 2] == pytest.approx(BLOCK / 2, abs=0.002)  # resting on the ground
        assert np.abs(path[-48:, 2] - path[-1, 2]).max() < 1e-4
        assert water.submerged_fraction(world, "block") == pytest.approx(1.0, abs=1e-3)


def _bob(linear_drag: float, quadratic_drag: float) -> tuple[float, float]:
    """Peak-to-peak height of a block dropped onto the water, early and late."""
    with pool([block(0.55)], {"linear_drag": linear_drag,
                              "quadratic_drag": quadratic_drag}) as (world, water):
        z = run(world, water, 3.0, "block")[:, 2]
    early, late = z[120:240], z[-120:]  # 0.5-1 s and the last half second
    return np.ptp(early), np.ptp(late)


def test_floating_block_bobbing_decays_by_drag():
    early, late = _bob(5.0, 1.0)
    assert early > 0.005
    assert late < 0.05 * early
    free_early, free_late = _bob(0.0, 0.0)  # no drag: it bobs on
    assert free_late > 0.5 * free_early


def test_light_ball_released_under_water_rises_then_floats():
    ball = {"name": "ball", "asset": "ball", "position": [0, 0, 0.2],
            "mass": 300 * BALL_VOLUME}
    deep = {"min": [-1, -1, 0], "max": [1, 1, 1.5]}
    with pool([ball], {"region": deep}) as (world, water):
        assert first_step_velocity(world, water, "ball")[2] == pytest.approx(
            G * (1000 / 300 - 1) * world.dt, rel=1e-3)
        path = run(world, water, 0.5, "ball")
        assert path[-1, 2] - path[0, 2] > 0.2
        run(world, water, 4.0, "ball")
        assert water.submerged_fraction(world, "ball") == pytest.approx(0.3, rel=0.05)


def test_no_force_outside_the_region():
    # the dry block stands 1 cm beside the pool, close enough to have its samples weighed
    bodies = [block(0.2), block(0.2, name="dry", position=[1.06, 0, 0.2])]
    ends = []
    for hooked in (True, False):
        with pool(bodies, ground=None) as (world, water):  # no landing to tip it over
            dry = run(world, water if hooked else None, 0.3, "dry")
            ends.append((dry, world.state("block")[0]))
            if hooked:
                assert water.submerged_fraction(world, "dry") == 0.0
    (dry_with, wet_with), (dry_without, wet_without) = ends
    assert np.array_equal(dry_with, dry_without)  # the hook never touched it
    assert wet_with[2] > wet_without[2] + 0.05  # while the block in the pool was held up


def test_denser_liquid_floats_the_block_higher():
    heights = {}
    for density in (1000.0, 1400.0):
        with pool([block(0.43)], {"density": density}) as (world, water):
            heights[density] = run(world, water, 3.0, "block")[-1, 2]
            assert water.submerged_fraction(world, "block") == pytest.approx(
                700 / density, rel=0.05)
    assert heights[1400.0] - heights[1000.0] == pytest.approx(0.2 * BLOCK, abs=0.005)


def test_zero_gravity_gives_no_buoyancy_but_drag_still_slows():
    moving = block(0.2, velocity=[0.5, 0, 0])
    linear_only = {"linear_drag": 5.0, "quadratic_drag": 0.0}
    with pool([moving], linear_only, gravity=[0, 0, 0], ground=None) as (world, water):
        path = run(world, water, 0.5, "block")
        _, _, velocity, _ = world.state("block")
        assert np.abs(path[:, 2] - path[0, 2]).max() < 1e-9  # no lift at all
        assert velocity[0] == pytest.approx(0.5 * np.exp(-5.0 * 0.5), rel=1e-3)  # v0 e^-ct


@pytest.mark.parametrize("gravity", [[0, 0, -3.0], [-G, 0, 0]])
def test_buoyancy_follows_gravity_when_it_changes(gravity):
    with pool([block(0.2)], ground=None) as (world, water):
        world.set_gravity(np.array(gravity))  # as a gravity event does, after the hook exists
        velocity = first_step_velocity(world, water, "block")
        lift = -(1000 / 700 - 1) * np.array(gravity) * world.dt  # net of weight, one step
        assert velocity == pytest.approx(lift, rel=1e-3, abs=1e-9)


def test_tilted_board_rights_itself():
    board = {"name": "board", "asset": "block", "position": [0, 0, 0.45],
             "params": {"length": 0.3, "width": 0.3, "height": 0.04}, "rotation": [20, 0, 0]}
    with pool([board]) as (world, water):
        run(world, water, 3.0, "board")
        up = quat_to_matrix(world.pose("board")[1])[:, 2]
        assert np.degrees(np.arccos(up[2])) < 2.0
        assert water.submerged_fraction(world, "board") == pytest.approx(0.7, rel=0.05)
