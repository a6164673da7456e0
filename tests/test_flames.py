"""Flames: a candle's flame leans in a draught and stays lit, goes out in a wind over its
blow-out speed or in a breath aimed at it, smokes after, follows its candle, and is drawn as
a glowing instance of kind flame."""
from __future__ import annotations

import json

import av
import numpy as np
import pytest

from bridge.air import CANDLE_BLOW_OUT_SPEED
from bridge.errors import UserError
from bridge.loader import load_scene
from bridge.shot import read_segmentation
from physics.flames import buoyant_speed
from physics.simulate import simulate
from simshot.expectations import check_simulation
from tests.helpers import make_scene

CANDLE = {"name": "candle", "asset": "candle", "static": True, "position": [0, 0, 0]}
FLAME = {"name": "flame", "on": "candle"}
WICK = np.array([0.0, 0.0, 0.11])  # the default candle: 10 cm of wax, a 1 cm wick


def _candle(duration: float = 1.5, **fields):
    scene = make_scene(duration=duration, bodies=[CANDLE], flames=[FLAME], **fields)
    return scene, simulate(scene)


def _wind(speed: float) -> list[dict]:
    return [{"velocity": [speed, 0.0, 0.0], "turbulence": 0.0}]


def _lean_deg(row: np.ndarray) -> float:
    axis = row[3:6] - row[:3]
    return float(np.degrees(np.arctan2(axis[0], axis[2])))


def test_in_still_air_a_flame_stands_up_over_its_wick_and_burns_on():
    scene, result = _candle(expect=[{"stays_lit": "flame"}])
    rows = result.recording.flames["flame"]
    assert np.allclose(rows[:, :3], WICK)
    assert np.all(rows[:, 7] == 1)
    assert abs(_lean_deg(rows[-1])) < 1e-6
    heights = rows[:, 5] - rows[:, 2]
    assert heights.min() > 0.033 and heights.max() < 0.037  # 3.5 cm, flickering 3%
    assert check_simulation(scene, result)[0]["passed"]
    assert result.events["flame_outs"] == []


def test_a_draught_of_half_a_metre_a_second_leans_it_and_it_stays_lit():
    scene, result = _candle(wind=_wind(0.5), expect=[{"stays_lit": "flame"}])
    rows = result.recording.flames["flame"]
    expected = np.degrees(np.arctan2(0.5, buoyant_speed(0.035)))
    assert _lean_deg(rows[-1]) == pytest.approx(expected, abs=0.5)  # tan = u / U_B
    assert check_simulation(scene, result)[0]["passed"]


def test_a_wind_of_five_metres_a_second_blows_it_out_and_it_smokes():
    scene, result = _candle(wind=_wind(5.0), expect=[{"goes_out": "flame", "before": 0.5}])
    (out,) = result.events["flame_outs"]
    assert out["flame"] == "flame" and out["cause"] == "blown out"
    assert out["airspeed"] > CANDLE_BLOW_OUT_SPEED
    # the wind rises over its first 0.25 s: out once past 2.5 m/s for 0.03 s
    assert 0.12 < out["time"] < 0.2
    assert check_simulation(scene, result)[0]["passed"]
    recording = result.recording
    after = recording.times > out["time"]
    assert np.all(recording.flames["flame"][after, 7] == 0)
    smoke = recording.smoke["flame"]
    assert np.isnan(smoke[~after]).all()  # no smoke while it burns
    assert np.isfinite(smoke[-1, :, 0]).sum() > 20
    # it drifts downwind and rises
    assert np.nanmean(smoke[-1, :, 0]) > 0.1 and np.nanmean(smoke[-1, :, 2]) > WICK[2]


def test_a_breath_aimed_at_the_flame_blows_it_out_and_one_beside_it_does_not():
    def blown(toward) -> list[dict]:
        blow = {"from": [-0.3, 0.0, 0.2], "toward": toward, "speed": 12.0, "duration": 0.4}
        return simulate(make_scene(duration=1.2, bodies=[CANDLE], flames=[FLAME],
                                   events=[{"at": 0.2, "blow": blow}])).events["flame_outs"]

    (out,) = blown("flame")
    # 12 m/s from a 2 cm mouth reaches 0.32 m away at 4.4 m/s, its front in about 0.1 s
    assert 0.27 < out["time"] < 0.36
    assert blown([-0.3, 0.3, 0.2]) == []  # aimed 90 degrees away


def test_a_flame_rides_its_candle_and_goes_out_when_the_candle_is_gone():
    moving = dict(CANDLE, static=False, position=[0, 0, 1.0])
    scene = make_scene(duration=1.0, world={"gravity": [0, 0, 0], "ground": None},
                       bodies=[moving], flames=[FLAME],
                       events=[{"at": 0.1, "set_velocity": {"body": "candle",
                                                             "linear": [0.0, 0.2, 0.0]}},
                               {"at": 0.6, "remove": "candle"}])
    result = simulate(scene)
    rows = result.recording.flames["flame"]
    at = {round(t, 3): row for t, row in zip(result.recording.times, rows)}
    assert at[0.5][1] == pytest.approx(0.2 * 0.4, abs=1e-3)  # carried along
    # weightless, it has no rise of its own: moving along +y, it trails straight behind
    assert at[0.5][3] == pytest.approx(at[0.5][0]) and at[0.5][4] < at[0.5][1]
    (out,) = result.events["flame_outs"]
    assert out["cause"] == "its body is gone" and out["time"] == pytest.approx(0.6, abs=0.01)


def test_flames_and_smoke_are_bit_identical_on_a_rerun():
    scene = make_scene(duration=1.0, bodies=[CANDLE], flames=[FLAME],
                       wind=[{"velocity": [4.0, 0, 0], "turbulence": 0.3, "gusts": 0.2}])
    first, second = simulate(scene).recording, simulate(scene).recording
    for group in ("flames", "smoke"):
        a, b = getattr(first, group)["flame"], getattr(second, group)["flame"]
        assert np.array_equal(np.isnan(a), np.isnan(b))
        assert np.array_equal(np.nan_to_num(a), np.nan_to_num(b))


@pytest.mark.parametrize("yaml, where", [
    ("flames:\n  - {name: flame, on: candel}\n", "flames[0].on"),
    ("flames:\n  - {name: candle, on: candle}\n", "flames[0].name"),
    ("flames:\n  - {name: flame, on: candle}\nexpect:\n  - {goes_out: flam}\n",
     "expect[0].goes_out"),
    (("flames:\n  - {name: flame, on: late}\nevents:\n  - {at: 0.5, spawn: {name: late, "
     "asset: candle, position: [1, 0, 0]}}\n"), "flames[0].on"),
    (("flames:\n  - {name: flame, on: candle}\nevents:\n  - {at: 0.1, blow: {from: [0, 0, 1], "
     "toward: flam}}\n"), "events[0].blow.toward"),
])
def test_a_bad_flame_reference_is_refused_at_its_field(tmp_path, yaml, where):
    path = tmp_path / "s.yaml"
    path.write_text("name: t\nbodies:\n  - {name: candle, asset: candle, position: [0, 0, 0]}\n"
                    + yaml)
    with pytest.raises(UserError) as err:
        load_scene(path)
    assert where in str(err.value)


def test_a_shot_shows_the_flame_glowing_until_it_goes_out(tmp_path):
    from simshot.pipeline import run_shot

    path = tmp_path / "candle.yaml"
    path.write_text("name: candle\nduration: 0.6\nresolution: [64, 48]\n"
                    "bodies:\n  - {name: candle, asset: candle, position: [0, 0, 0]}\n"
                    "flames:\n  - {name: flame, on: candle}\n"
                    "wind:\n  - {velocity: [6, 0, 0], turbulence: 0}\n"
                    "camera: {position: [0.3, -0.3, 0.2], look_at: [0, 0, 0.1]}\n")
    run_shot(load_scene(path), tmp_path / "shot")
    events = json.loads((tmp_path / "shot" / "events.json").read_text())
    (out,) = events["flame_outs"]
    assert out["flame"] == "flame" and out["frame"] >= 1
    meta = json.loads((tmp_path / "shot" / "metadata.json").read_text())
    flame = next(i for i in meta["instances"] if i["name"] == "flame")
    assert flame["kind"] == "flame"
    seen = np.array(flame["visibility"])
    assert np.all(seen[:out["frame"]] > 0) and np.all(seen[out["frame"] + 1:] == 0)
    ids = read_segmentation(tmp_path / "shot" / "segmentation" / "segmentation_00000.png")
    with av.open(str(tmp_path / "shot" / "rgb.mp4")) as video:
        first = next(video.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    glow = first[ids == flame["id"]]
    assert glow[:, 0].mean() > 200 and glow[:, 0].mean() > glow[:, 2].mean() + 30  # warm
