"""The air field: a breath is a turbulent round jet that slows, widens and takes time to
arrive; a wind swings with its gusts and flutters, seeded; light bodies feel it."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from bridge.air import CORE_DIAMETERS, Air, Jet
from bridge.air_schema import Blow, Wind
from physics.air import AirDrag, fastest_air
from physics.simulate import simulate
from physics.world import World
from tests.helpers import make_scene

MOUTH = [0.0, 0.0, 1.0]


def _jet(speed: float = 10.0, duration: float = 1.0) -> Jet:
    blow = Blow.model_validate({"from": MOUTH, "toward": [1.0, 0.0, 1.0], "speed": speed,
                                "duration": duration})
    return Jet.aimed(blow, 0.0, np.array([1.0, 0.0, 1.0]))


def _on_axis(jet: Jet, distances, t: float) -> np.ndarray:
    points = np.array([[d, 0.0, 1.0] for d in distances])
    return jet.velocity(points, t)


def test_a_breath_slows_as_one_over_distance_past_its_core():
    jet = _jet()
    core = CORE_DIAMETERS * 0.02
    near, mid, far = _on_axis(jet, [core / 2, 0.3, 0.6], t=0.5)[:, 0]
    assert near == pytest.approx(10.0)
    assert mid == pytest.approx(10.0 * core / 0.3)
    assert far == pytest.approx(mid / 2)  # twice as far: half as fast


def test_a_breath_halves_at_its_spread_angle_and_blows_only_forward():
    jet = _jet()
    half = 0.4 * np.tan(np.radians(5.4))
    axis, off, behind = jet.velocity(np.array([[0.4, 0, 1.0], [0.4, half, 1.0],
                                               [-0.2, 0, 1.0]]), 0.5)
    assert off[0] == pytest.approx(axis[0] / 2, rel=1e-3)
    assert np.all(behind == 0)


def test_a_breath_takes_time_to_arrive_and_leaves_after_it_stops():
    jet = _jet(duration=0.3)
    arrive = jet.reach  # how far its front has got
    assert arrive(0.01) == pytest.approx(0.05)  # half of 10 m/s in its core
    late = next(t for t in np.arange(0, 1, 0.001) if arrive(t) >= 0.4)
    assert 0.1 < late < 0.2  # slower once it has slowed down
    assert _on_axis(jet, [0.4], late - 0.01)[0, 0] == 0
    assert _on_axis(jet, [0.4], late + 0.01)[0, 0] > 0
    assert _on_axis(jet, [0.4], 0.3 + late + 0.01)[0, 0] == 0  # its tail has passed


def test_a_blow_at_its_own_mouth_is_refused():
    with pytest.raises(ValidationError, match="the mouth itself"):
        Blow.model_validate({"from": MOUTH, "toward": MOUTH})


def test_a_wind_swings_with_its_gusts_and_is_seeded():
    wind = Wind.model_validate({"velocity": [4.0, 0, 0], "gusts": 0.5, "gust_period": 2.0,
                                "turbulence": 0.0})
    air = Air([wind], seed=3)
    speeds = [air.velocity(np.zeros((1, 3)), t)[0, 0] for t in np.arange(0.3, 4.3, 0.01)]
    assert min(speeds) == pytest.approx(2.0, abs=0.05)
    assert max(speeds) == pytest.approx(6.0, abs=0.05)
    flutter = Wind.model_validate({"velocity": [4.0, 0, 0], "turbulence": 0.3})
    points = np.random.default_rng(0).uniform(-1, 1, (5, 3))
    same = [Air([flutter], seed=1).velocity(points, 1.7) for _ in range(2)]
    assert np.array_equal(*same)
    assert not np.array_equal(same[0], Air([flutter], seed=2).velocity(points, 1.7))
    # its flutter's strength is as asked: 30% of the mean, rms over time
    rows = np.array([Air([flutter], seed=1).velocity(np.zeros((1, 3)), t)[0]
                     for t in np.arange(1, 61, 0.05)])
    rms = np.sqrt(np.mean(np.sum((rows - [4.0, 0, 0]) ** 2, axis=1)))
    assert rms == pytest.approx(1.2, rel=0.15)


def test_a_wind_starts_and_stops_when_asked():
    air = Air([Wind.model_validate({"velocity": [3.0, 0, 0], "turbulence": 0.0,
                                    "start": 1.0, "end": 2.0})], seed=0)
    at = {t: air.velocity(np.zeros((1, 3)), t)[0, 0] for t in (0.5, 1.5, 2.5)}
    assert at == {0.5: 0.0, 1.5: 3.0, 2.5: 0.0}


@pytest.mark.parametrize("wind, message", [
    ({"velocity": [80.0, 0, 0]}, "beyond the air model"),
    ({"velocity": [1.0, 0, 0], "start": 2.0, "end": 1.0}, "after `start`"),
    ({"velocity": [1.0, 0, 0], "gusts": 1.5}, "less than or equal to 1"),
])
def test_a_wind_out_of_range_is_refused(wind, message):
    with pytest.raises(ValidationError, match=message):
        Wind.model_validate(wind)


def _in_wind(asset: str, speed: float, **body) -> np.ndarray:
    scene = make_scene(duration=0.5, world={"gravity": [0, 0, 0], "ground": None},
                       bodies=[{"name": "thing", "asset": asset, "position": [0, 0, 1],
                                **body}],
                       wind=[{"velocity": [speed, 0, 0], "turbulence": 0.0}])
    return simulate(scene).recording.linvel["thing"]


def test_a_beach_ball_is_blown_along_by_the_wind_toward_its_speed():
    velocity = _in_wind("beach_ball", 8.0)[:, 0]
    # once the wind is up (0.25 s): drag 1/2 rho Cd A (u - v)^2 on 0.15 kg (Cd 0.47, r 0.25)
    i = int(0.3 * 240)
    pull = (velocity[i + 2] - velocity[i]) * 120
    relative = 8.0 - velocity[i + 1]
    assert pull == pytest.approx(0.5 * 1.2 * 0.47 * np.pi * 0.25 ** 2 * relative ** 2 / 0.15,
                                 rel=0.03)
    assert 0 < velocity[-1] < 8.0  # gaining on the wind, never past it


def test_only_bodies_the_air_can_move_are_pushed():
    scene = make_scene(bodies=[{"name": "brick", "asset": "brick", "position": [0, 0, 0]},
                               {"name": "ball", "asset": "beach_ball", "position": [1, 0, 0]},
                               {"name": "wall", "asset": "wall", "position": [3, 0, 0],
                                "static": True}],
                       wind=[{"velocity": [8.0, 0, 0]}])
    world = World(scene, None)
    try:
        # a 3.7 kg brick takes 0.8 N at 8 m/s: 2% of its weight, held by friction anyway
        assert AirDrag(world, Air(scene.wind, 0), fastest_air(scene)).names == ["ball"]
    finally:
        world.close()
