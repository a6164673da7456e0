"""Still air: a feather levels off at its terminal speed and lands when bridge.drag says it
will; a bowling ball let go beside it falls as in a vacuum."""
from __future__ import annotations

import math

import numpy as np
import pytest
import trimesh

from bridge.air import Air
from bridge.drag import STILL_AIR_TERMINAL, drag_factor, fall_time, terminal_speed
from physics.air import AirDrag
from physics.simulate import simulate
from physics.world import World
from tests.helpers import make_scene

G = 9.81
SIZE = (0.15, 0.03, 0.003)
FEATHER = {"name": "feather", "asset": "box", "material": "felt", "mass": 0.0001,
           "params": dict(zip(("length", "width", "height"), SIZE)), "position": [0, 0, 1.0]}
BALL = {"name": "ball", "asset": "bowling_ball", "position": [0.5, 0, 1.0]}


@pytest.fixture(scope="module")
def recording():
    scene = make_scene(duration=1.6, world={"ground": {"material": "wood"}},
                       bodies=[FEATHER, BALL])
    return simulate(scene).recording


def _terminal() -> float:
    hull = trimesh.creation.box(SIZE).convex_hull.area
    return terminal_speed(drag_factor("box", hull), 0.0001, G)


def test_a_feather_levels_off_at_its_terminal_speed(recording):
    speed = _terminal()
    assert speed == pytest.approx(0.805, rel=0.01)  # sqrt(m g / (1/2 rho Cd A))
    falling = -recording.linvel["feather"][:, 2]
    times = recording.times
    cruising = falling[(times > 0.6) & (times < 1.1)]
    assert cruising == pytest.approx(np.full(len(cruising), speed), rel=0.02)


def test_it_lands_when_the_planner_says_it_will(recording):
    bottom = recording.pos["feather"][:, 2] - SIZE[2] / 2
    landed = recording.times[np.argmax(bottom < 1e-3)]
    assert landed == pytest.approx(fall_time(1.0, _terminal(), G), abs=0.03)


def test_a_bowling_ball_beside_it_falls_as_in_a_vacuum(recording):
    times = recording.times
    before = np.argmax(times >= 0.4)  # it lands at 0.45 s
    assert recording.linvel["ball"][before, 2] == pytest.approx(-G * times[before], rel=0.005)


def test_fall_time_is_free_fall_without_drag_and_steady_far_down():
    assert fall_time(1.0, math.inf, G) == pytest.approx(math.sqrt(2 / G))
    assert fall_time(1.0, 1e4, G) == pytest.approx(math.sqrt(2 / G), rel=1e-4)
    # far below the speed-up, each metre takes 1 / vt, plus (vt / g) ln 2 for the start
    assert fall_time(50.0, 0.8, G) == pytest.approx(50 / 0.8 + 0.8 / G * math.log(2))


def test_still_air_drags_only_what_falls_slower_than_the_limit():
    scene = make_scene(bodies=[FEATHER, BALL,
                               {"name": "beach", "asset": "beach_ball", "position": [1, 0, 0]},
                               {"name": "tennis", "asset": "tennis_ball",
                                "position": [2, 0, 0]}])
    world = World(scene, None)
    try:
        # a beach ball levels off at about 5 m/s: its fall and the aims thrown with it stay
        # drag-free
        drag = AirDrag(world, Air([], 0), STILL_AIR_TERMINAL, share=1.0)
        assert drag.names == ["feather"]
    finally:
        world.close()


def test_in_a_vacuum_the_feather_falls_like_the_ball():
    scene = make_scene(duration=0.5, world={"ground": {"material": "wood"}, "air": False},
                       bodies=[FEATHER, BALL])
    falling = simulate(scene).recording
    times = falling.times
    before = np.argmax(times >= 0.4)
    for name in ("feather", "ball"):
        assert falling.linvel[name][before, 2] == pytest.approx(-G * times[before], rel=0.005)


def test_wind_breath_and_flame_need_air():
    from bridge.errors import UserError
    from bridge.loader import scene_from_document

    document = {"name": "vacuum", "duration": 1.0, "world": {"air": False},
                "bodies": [{"name": "candle", "asset": "candle", "position": [0, 0, 0]}],
                "wind": [{"velocity": [2.0, 0, 0]}],
                "flames": [{"name": "flame", "on": "candle"}]}
    with pytest.raises(UserError) as raised:
        scene_from_document(document)
    message = str(raised.value)
    assert "wind[0]" in message and "flames[0]" in message
    assert "world.air is false" in message and "set world.air: true" in message
