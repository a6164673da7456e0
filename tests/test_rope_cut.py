"""Cutting a rope: a `cut` event lets go of one of its joints for good, and what hung from
it falls freely from then on."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from bridge.errors import UserError
from bridge.loader import load_scene
from bridge.rope_schema import Rope
from bridge.ropes import constrained_joints, cut_joint
from physics.simulate import simulate
from tests.helpers import make_scene

G = 9.81
CUT_AT = 0.5


def _hanging_weight(cut: dict | None, rope: dict | None = None):
    """A 7 kg iron ball hung by a 1 m rope of 10 links from a point 2 m up."""
    return make_scene(duration=1.2, bodies=[
        {"name": "weight", "asset": "ball", "material": "iron", "params": {"radius": 0.06},
         "position": [0, 0, 0.88]}],
        ropes=[{"name": "rope", "start": {"at": [0, 0, 2.0]},
                "end": {"body": "weight", "at": [0, 0, 1.0]}, "segments": 10, **(rope or {})}],
        events=[{"at": CUT_AT, "cut": cut}] if cut else [])


@pytest.mark.parametrize("rope", [{}, {"length": 1.05}])  # taut, and slack
def test_a_weight_hangs_until_its_rope_is_cut_then_falls_freely(rope):
    rec = simulate(_hanging_weight({"rope": "rope"}, rope)).recording
    z = rec.pos["weight"][:, 2]
    before = rec.times < CUT_AT - 1e-9
    hung = z[before]
    assert np.ptp(hung[len(hung) // 2:]) < 0.003  # it hangs still until then
    after = (rec.times > CUT_AT + 0.05) & (rec.times < CUT_AT + 0.35)
    fall = z[before][-1] - 0.5 * G * (rec.times[after] - CUT_AT) ** 2
    assert np.abs(z[after] - fall).max() < 0.01  # free fall, the rope's lower half with it
    # the upper half stays tied to the hook
    top = rec.pos["rope_1"][-1]
    assert math.dist(top, (0, 0, 2.0)) < 0.02


def test_an_uncut_rope_holds_its_weight():
    rec = simulate(_hanging_weight(None)).recording
    assert np.ptp(rec.pos["weight"][:, 2]) < 0.003


@pytest.mark.parametrize("at, joint", [(0.0, "rope_start"), (1.0, "rope_end"),
                                       (0.5, "rope_6_joint"), (0.33, "rope_4_joint")])
def test_a_cut_goes_through_the_joint_nearest_its_place(at, joint):
    rope = Rope.model_validate({"name": "rope", "start": {"at": [0, 0, 2]},
                                "end": {"at": [1, 0, 2]}, "segments": 10})
    assert cut_joint(rope, at) == joint


def test_only_the_cut_joint_of_a_taut_rope_is_a_constraint():
    scene = _hanging_weight({"rope": "rope", "at": 0.5})
    assert constrained_joints(scene.ropes, scene.cuts()) == {"rope_6_joint"}
    assert constrained_joints(scene.ropes) == set()


def test_a_cut_of_a_rope_the_script_lacks_is_located_with_its_fix(tmp_path: Path):
    path = tmp_path / "scene.yaml"
    path.write_text("name: t\nduration: 1\nbodies:\n  - {name: b, asset: ball, "
                    "position: [0, 0, 1]}\nropes:\n  - {name: line, start: {at: [0, 0, 2]}, "
                    "end: {body: b, at: [0, 0, 1.1]}}\nevents:\n"
                    "  - {at: 0.5, cut: {rope: lines}}\n")
    with pytest.raises(UserError) as info:
        load_scene(path)
    found = [p for p in info.value.problems if "did you mean 'line'" in p.message]
    assert found and found[0].field == "events[0].cut.rope", info.value.problems
    assert found[0].location.line == 8
