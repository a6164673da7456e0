"""Ropes and chains: linked segments that hang, swing and go taut, and never stretch."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import brentq

from bridge.errors import UserError
from bridge.loader import load_scene
from bridge.transforms import quat_to_matrix
from physics.simulate import simulate
from physics.world import World
from tests.helpers import make_scene

G = 9.81


def _bob(centre, radius=0.05) -> dict:
    return {"name": "bob", "asset": "ball", "params": {"radius": radius}, "material": "steel",
            "position": [centre[0], centre[1], centre[2] - radius]}


def test_a_rope_pendulum_swings_at_the_period_of_its_length():
    length, theta, radius = 1.0, math.radians(8), 0.05
    tie = (length * math.sin(theta), 0.0, 2.0 - length * math.cos(theta))
    centre = (tie[0] + radius * math.sin(theta), 0.0, tie[2] - radius * math.cos(theta))
    scene = make_scene(duration=4.5, bodies=[_bob(centre, radius)], ropes=[
        {"name": "rope", "start": {"at": [0, 0, 2]}, "end": {"body": "bob", "at": list(tie)},
         "segments": 8}])
    rec = simulate(scene).recording
    x = rec.pos["bob"][:, 0]
    k = np.flatnonzero((x[:-1] > 0) & (x[1:] <= 0))
    crossings = rec.times[k] + x[k] / (x[k] - x[k + 1]) * (rec.times[1] - rec.times[0])
    # a light rope and a heavy bob: nearly a simple pendulum to the bob's centre
    assert np.diff(crossings).mean() == pytest.approx(
        2 * math.pi * math.sqrt((length + radius) / G), rel=0.02)


def test_a_rope_swung_wide_keeps_its_weight_at_its_length():
    tie = (0.8 * math.sin(math.radians(50)), 0.0, 2.0 - 0.8 * math.cos(math.radians(50)))
    scene = make_scene(duration=1.5, bodies=[_bob((tie[0] + 0.03, 0.0, tie[2] - 0.04))],
                       ropes=[{"name": "rope", "start": {"at": [0, 0, 2]},
                               "end": {"body": "bob", "at": list(tie)}, "segments": 10}])
    rec = simulate(scene).recording
    ends = rec.pos["rope_10"] + 0.08 * np.array(
        [quat_to_matrix(q)[:, 2] for q in rec.quat["rope_10"]])
    reach = np.linalg.norm(ends - [0, 0, 2], axis=1)
    assert reach.max() < 0.8 + 1e-3  # it never stretches
    assert rec.pos["bob"][:, 0].min() < -0.3  # and swings through to the other side


def test_a_hanging_chain_stays_linked():
    scene = make_scene(duration=1.0, ropes=[
        {"name": "chain", "start": {"at": [0, 0, 1.5]}, "length": 1.0, "segments": 10,
         "material": "steel", "radius": 0.01}],
        bodies=[{"name": "floor_block", "asset": "block", "position": [2, 0, 0]}],
        events=[{"at": 0.1, "push": {"body": "chain_10", "impulse": [0.2, 0, 0]}}])
    rec = simulate(scene).recording
    first = rec.pos["chain_1"]
    assert np.abs(first - [0, 0, 1.5]).max() < 1e-6  # tied where it hangs from
    for k in range(1, 10):
        near, far = rec.pos[f"chain_{k}"], rec.pos[f"chain_{k + 1}"]
        axis = np.array([quat_to_matrix(q)[:, 2] for q in rec.quat[f"chain_{k}"]])
        assert np.abs(np.linalg.norm(near + 0.1 * axis - far, axis=1)).max() < 1e-4
    assert np.ptp(rec.pos["chain_10"][:, 0]) > 0.05  # the push swung it


def test_ropes_rerun_bit_identical():
    scene = make_scene(duration=0.5, bodies=[_bob((0.65, 0.0, 1.5))], ropes=[
        {"name": "rope", "start": {"at": [0, 0, 2]}, "end": {"body": "bob", "at": [0.6, 0, 1.5]},
         "segments": 6}])
    one, two = simulate(scene).recording, simulate(scene).recording
    for name in one.pos:
        assert np.array_equal(one.pos[name], two.pos[name])


HEAD = """\
name: ropes
bodies:
  - {name: bob, asset: ball, position: [0, 0, 0.5]}
  - {name: hook, asset: box, position: [0, 0, 3], static: true}
ropes:
"""


@pytest.mark.parametrize(("rope", "field", "fragment"), [
    ("{name: r, start: {at: [0, 0, 2]}}", "ropes[0]", "give it a `length`"),
    ("{name: r, start: {at: [0, 0, 2]}, end: {body: bob, at: [0, 0, 1]}, length: 0.5}",
     "ropes[0].length", "shorter than the 1 m between its ends"),
    ("{name: r, start: {at: [0, 0, 2]}, end: {body: hook, at: [0, 0, 3]}}",
     "ropes[0].end", "give it a `length` over the 1 m between them to hang slack"),
    ("{name: r, start: {at: [0, 0, 2]}, end: {body: hook, at: [0.05, 0, 3]}, length: 2}",
     "ropes[0].end.at", "at least 0.131 m apart across (a little more than one of its links); these are 0.05 m"),
    (("{name: j, start: {at: [0, 0, 2]}, length: 1}\njoints:\n"
     "  - {name: j_start, type: hinge, a: bob, anchor: [0, 0, 1]}"),
     "ropes[0].name", "its joints would be named 'j_start'"),
    ("{name: r, start: {at: [0, 0, 2]}, end: {at: [1, 0, 2]}, length: 3, segments: 3}",
     "ropes[0].end.at", "at least 1.05 m apart across"),
    ("{name: r, start: {at: [-1, 0, 1]}, end: {body: hook, at: [1, 0, 1]}, length: 3.2}",
     "ropes[0].length", "would sag into the ground: at most 2.97"),
    ("{name: r, start: {body: bobb, at: [0, 0, 2]}, length: 1}", "ropes[0].start.body",
     "did you mean 'bob'"),
    ("{name: bob, start: {at: [0, 0, 2]}, length: 1, segments: 2}", "ropes[0].name", None),
])
def test_a_broken_rope_is_located_with_its_fix(tmp_path: Path, rope, field, fragment):
    text = HEAD + f"  - {rope}\n"
    if fragment is None:  # segments 'bob_1', 'bob_2' clash only if a body has that name
        text = text.replace("{name: hook", "{name: bob_2")
        fragment = "'bob_2', which is taken"
    path = tmp_path / "scene.yaml"
    path.write_text(text)
    with pytest.raises(UserError) as info:
        load_scene(path)
    found = [p for p in info.value.problems if fragment in p.message]
    assert found and found[0].field == field, info.value.problems


def _posts_and_rope(length: float, **rope) -> dict:
    """Two 1.5 m posts 2 m apart with a rope tied to their inner faces 1.45 m up."""
    posts = [{"name": name, "asset": "box", "params": {"length": 0.1, "width": 0.1,
              "height": 1.5}, "position": [x, 0, 0], "static": True}
             for name, x in (("post_a", 0.0), ("post_b", 2.0))]
    return {"bodies": posts, "ropes": [
        {"name": "rope", "start": {"body": "post_a", "at": [0.05, 0, 1.45]},
         "end": {"body": "post_b", "at": [1.95, 0, 1.45]}, "length": length, **rope}]}


def _link_ends(rec, name: str, length: float) -> np.ndarray:
    """[F, 3] the far end of a rope link of `length`."""
    return rec.pos[name] + length * np.array([quat_to_matrix(q)[:, 2] for q in rec.quat[name]])


def test_a_slack_rope_hangs_still_in_its_catenary_between_two_posts():
    length, span, segments = 2.4, 1.9, 16
    scene = make_scene(duration=2.0, **_posts_and_rope(length, segments=segments,
                                                       radius=0.015))
    rec = simulate(scene).recording
    # the textbook catenary of a level span: length = 2a sinh(span / 2a), sag a (cosh - 1)
    a = brentq(lambda a: 2 * a * math.sinh(span / (2 * a)) - length, 0.1, 100)
    sag = a * (math.cosh(span / (2 * a)) - 1)
    lowest = np.min([rec.pos[f"rope_{k}"][:, 2] for k in range(1, segments + 1)], axis=0)
    # straight links between points on the curve sit a hair above it at their joints
    assert lowest[0] == pytest.approx(1.45 - sag, abs=2e-3)
    assert np.ptp(lowest) < 1e-3  # the shape a chain hangs in holds it still
    tied = _link_ends(rec, f"rope_{segments}", length / segments)
    assert np.abs(tied - [1.95, 0, 1.45]).max() < 2e-3  # its last tie holds


def test_a_slack_chain_pushed_swings_and_stays_tied():
    scene = make_scene(duration=1.5, **_posts_and_rope(2.2, segments=12, material="steel"),
                       events=[{"at": 0.2, "push": {"body": "rope_6", "impulse": [0, 0.5, 0]}}])
    rec = simulate(scene).recording
    assert np.ptp(rec.pos["rope_6"][:, 1]) > 0.05  # it swings out of its plane
    tied = _link_ends(rec, "rope_12", 2.2 / 12)
    assert np.abs(tied - [1.95, 0, 1.45]).max() < 2e-3
    assert np.abs(rec.pos["rope_1"] - [0.05, 0, 1.45]).max() < 2e-3


def _stretch(rec, segments: int, link: float) -> np.ndarray:
    """[F] how much longer the rope is than its links: the gaps opened at its joints."""
    return sum(np.linalg.norm(_link_ends(rec, f"rope_{k}", link) - rec.pos[f"rope_{k + 1}"],
                              axis=1) for k in range(1, segments))


def test_a_weight_on_a_slack_rope_falls_until_the_rope_snaps_taut_and_then_swings():
    # a 4 kg bob tied by its centre to a 1 m rope from a hook 0.3 m away, level with it
    scene = make_scene(duration=2.0, bodies=[_bob((0.3, 0.0, 2.0))], ropes=[
        {"name": "rope", "start": {"at": [0, 0, 2]}, "end": {"body": "bob", "at": [0.3, 0, 2]},
         "length": 1.0, "segments": 12}])
    rec = simulate(scene).recording
    centre = rec.pos["bob"] + [0, 0, 0.05]
    reach = np.linalg.norm(centre - [0, 0, 2], axis=1)
    assert reach.max() < 1.04  # the jerks stretch it 4% at most
    # free fall until the rope goes taut 0.954 m down
    taut = int(np.argmax(reach > 0.995))
    assert rec.times[taut] == pytest.approx(math.sqrt(2 * 0.954 / G), abs=0.01)
    # the jerk throws it back up, but loses energy: it climbs back less than 60% of its fall
    low = taut + int(np.argmin(centre[taut:taut + 30, 2]))
    climb = centre[low:low + 150, 2].max() - centre[low, 2]
    assert 0.05 < climb < 0.6 * (2.0 - centre[low, 2])
    assert rec.pos["bob"][taut:, 0].min() < -0.3  # and it swings across under the hook
    assert _stretch(rec, 12, 1 / 12).max() < 0.05


def test_a_heavy_ball_dropped_on_a_rope_between_posts_is_caught():
    scene = make_scene(duration=1.2, **_posts_and_rope(2.4, segments=16, radius=0.015))
    scene = make_scene(duration=1.2, bodies=[*(b.model_dump() for b in scene.bodies),
                                             {"name": "ball", "asset": "ball", "mass": 2.5,
                                              "params": {"radius": 0.1}, "material": "rubber",
                                              "position": [1.0, 0.0, 1.4]}],
                       ropes=[r.model_dump() for r in scene.ropes])
    rec = simulate(scene).recording
    assert rec.pos["ball"][:, 2].min() > 0.4  # caught well above the floor
    assert rec.pos["ball"][-1, 2] > 0.6  # and bounced back up, not through
    assert _stretch(rec, 16, 0.15).max() < 0.024  # under 1% of the rope
    tied = _link_ends(rec, "rope_16", 0.15)
    assert np.abs(tied - [1.95, 0, 1.45]).max() < 2e-3


def test_a_slack_ropes_substeps_miss_no_impact_elsewhere_in_the_scene():
    # a slack rope steps Bullet 8 times a step; the impacts of every substep are read
    ball = {"name": "ball", "asset": "tennis_ball", "position": [5, 0, 0.5]}
    rope = _posts_and_rope(2.4, segments=16)
    hits = []
    for scene in (make_scene(duration=1.5, bodies=[ball]),
                  make_scene(duration=1.5, bodies=[*rope["bodies"], ball], ropes=rope["ropes"])):
        events = simulate(scene).events["collisions"]
        hits.append([e["impulse"] for e in events if "ball" in e["bodies"]])
    assert len(hits[0]) == len(hits[1]) == 3
    assert hits[1] == pytest.approx(hits[0], rel=0.03)


def test_a_crushable_can_on_a_slack_rope_dents_and_stays_tied():
    # a rebuilt (dented) collision shape would drop the rope's constraint: it is drawn dented
    scene = make_scene(duration=1.5, bodies=[
        {"name": "can", "asset": "can", "crushable": {"crush_force": 5},
         "position": [0.4, 0, 0.75]}], ropes=[
        {"name": "r", "start": {"at": [0, 0, 0.9]}, "end": {"body": "can", "at": [0.367, 0, 0.81]},
         "length": 1.2, "segments": 8}])
    result = simulate(scene)
    assert result.events["deformations"]
    rec = result.recording
    local = quat_to_matrix(rec.quat["can"][0]).T @ (np.array([0.367, 0, 0.81]) - rec.pos["can"][0])
    tie = rec.pos["can"] + np.einsum("fij,j->fi", quat_to_matrix(rec.quat["can"]), local)
    assert np.linalg.norm(_link_ends(rec, "r_8", 0.15) - tie, axis=1).max() < 2e-3


def test_a_light_rope_under_a_heavy_weight_is_stepped_finer():
    light = make_scene(duration=0.1, bodies=[_bob((0.0, 0.0, 1.2), 0.1)], ropes=[
        {"name": "rope", "start": {"at": [0, 0, 2]}, "end": {"body": "bob", "at": [0, 0, 1.3]},
         "segments": 12}])
    chain = make_scene(duration=0.1, bodies=[{"name": "b", "asset": "block",
                                              "position": [2, 0, 0]}],
                       ropes=[{"name": "chain", "start": {"at": [0, 0, 1.5]}, "length": 1.0,
                               "segments": 10, "material": "steel"}])
    worlds = [World(scene, None) for scene in (light, chain)]
    try:
        assert worlds[0].substeps >= 4 and worlds[1].substeps == 1
    finally:
        for world in worlds:
            world.close()


def test_rope_links_count_toward_the_body_limit(tmp_path: Path):
    ropes = "".join(f"  - {{name: r{k}, start: {{at: [{k}, 0, 2]}}, length: 1, segments: 64}}\n"
                    for k in range(16))
    path = tmp_path / "scene.yaml"
    path.write_text(HEAD + ropes)
    with pytest.raises(UserError) as info:
        load_scene(path)
    (problem,) = info.value.problems
    assert problem.field == "ropes[15].segments" and "1026 bodies" in problem.message
