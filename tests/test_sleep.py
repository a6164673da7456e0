"""physics.sleep: bodies at rest sleep one by one, keep their record honest, and wake when
something reaches them or an event is due."""
from __future__ import annotations

import numpy as np
import pytest

from physics.simulate import simulate
from physics.sleep import _touching
from tests.helpers import make_scene

CUBES = [{"name": f"cube_{k}", "asset": "box", "material": "wood", "position": [0.2 * k, 0, 0.1],
          "params": {"length": 0.08, "width": 0.08, "height": 0.08}} for k in range(3)]


def _both(**fields):
    """The same scene simulated awake and with sleep."""
    awake = simulate(make_scene(**fields))
    physics = {**fields.pop("physics", {}), "sleep": True}
    return awake, simulate(make_scene(physics=physics, **fields))


def test_dropped_cubes_at_rest_sleep_and_end_where_they_would_awake():
    awake, slept = _both(duration=1.5, bodies=CUBES)
    assert awake.timings_s["asleep_steps"] == 0
    # they land and stop by about 0.5 s, and sleep once still for 0.5 s more
    assert slept.timings_s["asleep_steps"] > 0.25 * slept.steps
    rec = slept.recording
    for name in rec.pos:
        assert np.abs(rec.pos[name][-1] - awake.recording.pos[name][-1]).max() < 1e-3
        still = rec.times > rec.times[-1] - 0.3
        assert np.ptp(rec.pos[name][still], axis=0).max() == 0.0  # asleep: not a tremor
        assert not rec.linvel[name][still].any() and not rec.angvel[name][still].any()


def test_resting_contacts_stay_one_episode_each_through_the_sleep():
    awake, slept = _both(duration=1.5, bodies=CUBES)
    assert len(slept.events["collisions"]) == len(awake.events["collisions"])
    resting = {c["bodies"][0]: c for c in slept.events["collisions"] if "ground" in c["bodies"]}
    assert sorted(resting) == [c["name"] for c in CUBES]  # each cube's last touch lasts
    assert all(c["end_time"] == pytest.approx(1.5) for c in resting.values())


def test_an_event_wakes_the_world_and_acts_as_it_would_on_a_world_awake():
    push = [{"at": 1.2, "push": {"body": "cube_1", "impulse": [0.2, 0, 0]}}]
    awake, slept = _both(duration=1.6, bodies=CUBES, events=push)
    rec = slept.recording
    before = rec.times < 1.2
    assert not rec.linvel["cube_1"][before][-10:].any()  # asleep when it came
    assert 0 < slept.timings_s["asleep_steps"] < slept.steps
    moved = rec.pos["cube_1"][-1, 0] - rec.pos["cube_1"][before][-1, 0]
    assert moved > 0.02  # 0.2 N s into a 0.31 kg cube: it slides
    x = awake.recording.pos["cube_1"][:, 0]
    assert moved == pytest.approx(x[-1] - x[before][-1], abs=1e-3)


def test_bodies_at_rest_sleep_while_another_rolls_on_as_it_would_awake():
    # the cubes are at rest by 0.5 s; the ball rolls on, far from them
    rolling = CUBES + [{"name": "ball", "asset": "ball", "position": [0, 1, 0.05],
                        "velocity": [0.5, 0, 0], "material": "rubber"}]
    awake, slept = _both(duration=1.2, bodies=rolling)
    assert slept.timings_s["asleep_steps"] == 0  # the world as a whole never sleeps
    assert slept.timings_s["asleep_body_steps"] > 3 * 0.2 * slept.steps  # the cubes do
    rec = slept.recording
    still = rec.times > rec.times[-1] - 0.2
    for cube in CUBES:
        assert np.ptp(rec.pos[cube["name"]][still], axis=0).max() == 0.0
    assert np.array_equal(rec.pos["ball"], awake.recording.pos["ball"])


BOX = {"length": 0.08, "width": 0.08, "height": 0.08}
ROW = [{"name": f"row_{k}", "asset": "box", "material": "wood", "position": [0.08 * k, 0, 0],
        "params": BOX} for k in range(10)]
ROLLING_BALL = {"name": "ball", "asset": "ball", "material": "steel", "params": {"radius": 0.04},
                "position": [-2.0, 0, 0], "velocity": [2.0, 0, 0],
                "angular_velocity": [0, 2865, 0]}  # rolling: 50 rad/s at 4 cm


def test_a_ball_rolling_into_a_row_of_sleeping_cubes_wakes_them_all_and_pushes_the_last():
    awake, slept = _both(duration=1.6, bodies=ROW + [ROLLING_BALL])
    rec = slept.recording
    coming = (rec.times > 0.6) & (rec.times < 0.85)  # it reaches the row at about 0.98 s
    for cube in ROW:
        assert not rec.linvel[cube["name"]][coming].any()  # asleep as it came
    # the blow runs down the row at once, as down an awake row (within 3 steps there); a
    # row woken a cube at a time stops it at the first cube still asleep, a wall to it
    moving = [np.flatnonzero(np.linalg.norm(rec.linvel[c["name"]], axis=1) > 0.05)
              for c in ROW]
    assert all(len(m) for m in moving)
    assert max(m[0] for m in moving) - min(m[0] for m in moving) <= 4
    last, last_awake = (r.pos["row_9"][-1, 0] - r.pos["row_9"][0, 0]
                        for r in (rec, awake.recording))
    assert last > 0.03 and last_awake > 0.03  # about 9 and 7 cm


def test_a_world_asleep_between_two_samples_records_where_its_bodies_stopped():
    # a cube sliding until about 1.05 s, recorded once a second: asleep before t = 2 s
    cube = {"name": "cube", "asset": "box", "material": "wood", "params": BOX,
            "velocity": [6.5, 0, 0]}
    awake, slept = _both(duration=2.0, bodies=[cube], physics={"record_every": 240})
    assert slept.timings_s["asleep_steps"] > 0
    x, x_awake = slept.recording.pos["cube"][:, 0], awake.recording.pos["cube"][:, 0]
    assert x[-1] - x[-2] > 0.03  # it slid on after the sample at 1 s
    assert x[-1] == pytest.approx(x_awake[-1], abs=1e-4)


def _pile() -> list[dict]:
    """48 wooden cubes on a 4 x 4 x 3 lattice, dropped into a bin of four static walls."""
    cubes = [{"name": f"cube_{k}", "asset": "box", "material": "wood", "params": BOX,
              "position": [0.1 * (k % 4) - 0.15, 0.1 * (k // 4 % 4) - 0.15,
                           0.05 + 0.1 * (k // 16)], "rotation": [0, 0, 7 * k % 40]}
             for k in range(48)]
    walls = [{"name": f"wall_{k}", "asset": "box", "material": "wood", "static": True,
              "params": {"length": length, "width": width, "height": 0.4},
              "position": [x, y, 0]}
             for k, (x, y, length, width) in enumerate(
                 ((0.3, 0, 0.05, 0.65), (-0.3, 0, 0.05, 0.65),
                  (0, 0.3, 0.65, 0.05), (0, -0.3, 0.65, 0.05)))]
    return cubes + walls


def test_a_settled_pile_sleeps_and_sleeps_the_same_on_a_rerun():
    scene = make_scene(duration=2.5, physics={"sleep": True}, bodies=_pile())
    first, again = simulate(scene), simulate(scene)
    assert first.timings_s["asleep_body_steps"] > 0.4 * 48 * first.steps
    assert first.timings_s["asleep_steps"] > 0  # every cube asleep before the end
    for name, pos in first.recording.pos.items():
        assert np.array_equal(pos, again.recording.pos[name], equal_nan=True)


def test_a_blow_passes_through_every_sleeper_touching_another_a_nudge_one_link():
    # three boxes in a row, a hair apart, and one far off
    boxes = np.array([[[x, 0, 0], [x + 0.1, 0.1, 0.1]] for x in (0.0, 0.105, 0.21, 5.0)])
    reached = np.array([True, False, False, False])
    assert _touching(boxes, reached).tolist() == [True, True, True, False]
    assert _touching(boxes, reached, hops=1).tolist() == [True, True, False, False]


def test_a_world_with_joints_never_sleeps():
    bodies = CUBES + [{"name": "door", "asset": "box", "position": [0, 1, 0.02],
                       "params": {"length": 0.04, "width": 0.5, "height": 1.0}}]
    joints = [{"name": "hinges", "type": "hinge", "a": "door", "b": "world",
               "anchor": [0, 0.75, 0.02], "axis": [0, 0, 1]}]
    slept = simulate(make_scene(duration=1.2, bodies=bodies, joints=joints,
                                physics={"sleep": True}))
    assert slept.timings_s["asleep_body_steps"] == 0


def test_progress_still_ends_done_through_a_sleep():
    calls = []
    simulate(make_scene(duration=1.5, bodies=CUBES, physics={"sleep": True}),
             progress=lambda done, total: calls.append((done, total)))
    assert calls[-1][0] == calls[-1][1]


def test_an_event_due_as_the_world_would_fall_asleep_still_acts():
    # the cubes sleep at the first recorded step after 0.5 s at rest; a push due then acts
    first = simulate(make_scene(duration=1.5, bodies=CUBES, physics={"sleep": True}))
    falls_asleep = (first.steps - first.timings_s["asleep_steps"] - 1) / 240
    push = [{"at": falls_asleep, "push": {"body": "cube_1", "impulse": [0.2, 0, 0]}}]
    awake, slept = _both(duration=1.5, bodies=CUBES, events=push)
    x, x_awake = slept.recording.pos["cube_1"][:, 0], awake.recording.pos["cube_1"][:, 0]
    assert x[-1] - x[0] == pytest.approx(x_awake[-1] - x_awake[0], abs=1e-3)



def test_a_world_with_a_rope_never_sleeps():
    # a slack rope's links are free bodies tied by constraints the wake does not follow
    rope = [{"name": "line", "start": {"at": [0, 1, 0.5]}, "end": {"at": [0.6, 1, 0.5]},
             "length": 1.0, "segments": 6}]
    slept = simulate(make_scene(duration=1.2, bodies=CUBES, ropes=rope,
                                physics={"sleep": True}))
    assert slept.timings_s["asleep_body_steps"] == 0
