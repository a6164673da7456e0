"""Liquid particles: count rule, cavity filling, containment, pouring and determinism."""
from __future__ import annotations

import math

import numpy as np
import pybullet as p
import pytest

from bridge import limits
from bridge.schema import Liquid
from bridge.transforms import compose, quat_from_euler_deg
from physics.liquids import GAP, LiquidParticles, particle_count
from physics.world import World
from tests.helpers import make_scene

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

RADIUS = 0.005  # coarser than the default so that the suite stays fast


def juice(volume_ml: float = 120.0, radius: float = RADIUS) -> Liquid:
    return Liquid(name="juice", inside="glass", volume_ml=volume_ml, particle_radius=radius)


def poured(asset: str = "tumbler", volume_ml: float = 120.0, seed: int = 3,
           rotation: tuple[float, float, float] = (0.0, 0.0, 0.0), height: float = 0.0,
           ) -> tuple[World, LiquidParticles]:
    scene = make_scene(bodies=[{"name": "glass", "asset": asset, "position": [0.1, -0.2, height],
                                "rotation": list(rotation), "static": True}])
    world = World(scene, None)
    liquid = LiquidParticles(world.client, juice(volume_ml), world.bodies["glass"].geometry,
                             world.pose("glass"), seed)
    return world, liquid


@pytest.fixture
def tumbler():
    world, liquid = poured()
    yield world, liquid
    world.close()


def steps(world: World, seconds: float) -> None:
    for _ in range(round(seconds / world.dt)):
        world.step()


def inside(world: World, liquid: LiquidParticles) -> np.ndarray:
    return liquid.inside_hull(liquid.positions(), world.bodies["glass"].geometry,
                              world.pose("glass"))


def clear_of_walls(world: World, liquid: LiquidParticles) -> bool:
    """No particle touches or penetrates the container (Bullet's own distance query)."""
    glass = world.bodies["glass"].uid
    return all(min(c[8] for c in p.getClosestPoints(uid, glass, 0.05,
                                                   physicsClientId=world.client)) > 0.0
               for uid in liquid.uids)


def test_count_follows_volume_and_radius_and_is_capped():
    assert particle_count(juice(180, 0.004)) == round(180e-6 / 0.008 ** 3)
    assert particle_count(juice(360, 0.004)) == pytest.approx(
        2 * particle_count(juice(180, 0.004)), abs=1)
    assert particle_count(juice(180, 0.008)) == pytest.approx(
        particle_count(juice(180, 0.004)) / 8, abs=1)
    assert particle_count(juice(5000, 0.004)) == limits.MAX_LIQUID_PARTICLES
    assert particle_count(juice(0.001, 0.01)) == 1


def test_particles_start_in_the_cavity_clear_of_the_walls(tumbler):
    world, liquid = tumbler
    assert len(liquid.uids) == particle_count(juice())
    assert clear_of_walls(world, liquid)
    positions = liquid.positions()
    gaps = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
    assert gaps[np.triu_indices(len(positions), 1)].min() >= 2 * RADIUS
    assert inside(world, liquid).all()


def test_mass_is_the_volume_share():
    world, liquid = poured()
    total = sum(p.getDynamicsInfo(u, -1, physicsClientId=world.client)[0] for u in liquid.uids)
    world.close()
    assert total == pytest.approx(0.120)  # 120 ml of water


def test_settled_liquid_stays_in_and_fills_to_its_level(tumbler):
    world, liquid = tumbler
    steps(world, 0.5)
    positions = liquid.positions()
    assert inside(world, liquid).all()
    # tumbler defaults: radius 0.04, wall 0.003, floor 0.009; the cavity widens 0.033 -> 0.037
    inner = 0.035
    level = 0.009 + 120e-6 / (math.pi * inner ** 2)
    surface = np.percentile(positions[:, 2], 90) + RADIUS
    assert surface == pytest.approx(level, rel=0.15)
    assert np.abs(positions[:, :2] - [0.1, -0.2]).max() < 0.037
    speeds = [np.linalg.norm(p.getBaseVelocity(u, physicsClientId=world.client)[0])
              for u in liquid.uids]
    assert max(speeds) < 0.1  # settled, not boiling


def test_tipping_the_glass_pours_the_liquid_out():
    world, liquid = poured(height=0.3)  # held in the air, so its rim clears the ground
    steps(world, 0.2)
    live = world.bodies["glass"]
    for k in range(60):  # turn it over by 2 degrees a step about its base
        com = compose(live.body.position, quat_from_euler_deg((2.0 * (k + 1), 0, 0)),
                      *live.offset)
        p.resetBasePositionAndOrientation(live.uid, com[0].tolist(), com[1].tolist(),
                                          physicsClientId=world.client)
        world.step()
    steps(world, 0.4)
    outside = ~inside(world, liquid)
    world.close()
    assert outside.mean() > 0.9


def test_same_seed_gives_bit_identical_particles():
    runs = []
    for seed in (5, 5, 6):
        world, liquid = poured(seed=seed)
        start = liquid.positions()
        steps(world, 0.1)
        runs.append((start, liquid.positions()))
        world.close()
    assert np.array_equal(runs[0][0], runs[1][0]) and np.array_equal(runs[0][1], runs[1][1])
    assert not np.array_equal(runs[0][0], runs[2][0])


@pytest.mark.parametrize(("asset", "volume_ml"), [("mug", 150), ("bottle", 300), ("bowl", 200)])
def test_other_containers_hold_their_liquid(asset, volume_ml):
    world, liquid = poured(asset, volume_ml)
    assert len(liquid.uids) == particle_count(juice(volume_ml))
    assert inside(world, liquid).all()
    steps(world, 0.25)
    held = inside(world, liquid)
    world.close()
    assert held.all()


def test_an_overfull_container_is_filled_to_the_rim_without_error():
    world, liquid = poured(volume_ml=1000)
    top = liquid.positions()[:, 2].max() + RADIUS
    world.close()
    assert 0 < len(liquid.uids) < particle_count(juice(1000))
    assert top <= 0.1  # the tumbler's rim


def test_a_tilted_container_is_filled_level():
    world, liquid = poured(rotation=(25.0, 0.0, 0.0))
    assert len(liquid.uids) == particle_count(juice())
    assert clear_of_walls(world, liquid)
    z = liquid.positions()[:, 2]
    world.close()
    # whole layers of one world grid: every height is a layer's, give or take the jitter
    offset = (z - z.min()) / (2 * RADIUS * (1 + GAP))
    assert np.abs(offset - np.round(offset)).max() < 2 * GAP
