"""Broken joints in a script: each is refused at its file:line:col with the fix."""
from __future__ import annotations

from pathlib import Path

import pytest

from bridge.errors import UserError
from bridge.joint_tree import joint_trees
from bridge.loader import load_scene
from bridge.schema import Joint

HEAD = """\
name: swing
duration: 1.0
bodies:
  - {name: bob, asset: ball, position: [0.3, 0, 0.5]}
  - {name: bob2, asset: ball, position: [0.6, 0, 0.5]}
  - {name: frame, asset: box, position: [0, 0, 0], static: true}
joints:
"""


def _problem(tmp_path: Path, text: str, fragment: str):
    path = tmp_path / "scene.yaml"
    path.write_text(text)
    with pytest.raises(UserError) as info:
        load_scene(path)
    matching = [p for p in info.value.problems if fragment in p.message]
    assert matching, info.value.problems
    return matching[0]


CASES = [
    pytest.param("  - {name: j, type: hinge, a: bobb, anchor: [0, 0, 1]}\n",
                 8, 31, "joints[0].a", "did you mean 'bob'", id="misspelled-body"),
    pytest.param("  - {name: j, type: hinge, a: world, b: bob, anchor: [0, 0, 1]}\n",
                 8, 31, "joints[0].a", "put it in `b`", id="world-as-a"),
    pytest.param("  - {name: j, type: hinge, a: bob, anchor: [0, 0, 1], axis: [0, 0, 0]}\n",
                 8, 61, "joints[0].axis", "must not be zero", id="zero-axis"),
    pytest.param("  - {name: j, type: hinge, a: bob, anchor: [0, 0, 1], limits: [30, -30]}\n",
                 8, 63, "joints[0].limits", "low below high", id="limits-reversed"),
    pytest.param("  - {name: j, type: ball, a: bob, anchor: [0, 0, 1], limits: [-30, 30]}\n",
                 8, 5, "joints[0]", "`limits` is for a hinge or a slider", id="limits-on-ball"),
    pytest.param("  - {name: j, type: spring, a: bob, anchor: [0, 0, 1]}\n",
                 8, 5, "joints[0]", "a spring needs `stiffness`", id="spring-stiffness"),
    pytest.param("  - {name: j, type: hinge, a: bob, anchor: [0, 0, 1], stiffness: 5}\n",
                 8, 5, "joints[0]", "stiffness belong to a spring", id="stiffness-on-hinge"),
    pytest.param("  - {name: j, type: hinge, a: frame, anchor: [0, 0, 1]}\n",
                 8, 31, "joints[0].a", "both fixed", id="both-fixed"),
    pytest.param("  - {name: j, type: spring, a: frame, anchor: [0, 0, 1], stiffness: 5}\n",
                 8, 32, "joints[0].a", "both fixed", id="spring-both-fixed"),
    pytest.param("  - {name: j, type: ball, a: frame, anchor: [0, 0, 1], breaks_at: 5}\n",
                 8, 30, "joints[0].a", "both fixed", id="breakable-both-fixed"),
    pytest.param("  - {name: j, type: hinge, a: bob, anchor: [0, 0, 1]}\n"
                 "  - {name: k, type: hinge, a: bob, b: frame, anchor: [0, 0, 1]}\n",
                 9, 39, "joints[1].b", "closes a loop", id="two-fixed-points"),
    pytest.param("  - {name: j, type: ball, a: bob, b: bob2, anchor: [0, 0, 1]}\n"
                 "  - {name: k, type: ball, a: bob2, b: bob, anchor: [0, 0, 1]}\n",
                 9, 39, "joints[1].b", "closes a loop", id="loop"),
    pytest.param("  - {name: j, type: hinge, a: bob, anchor: [0, 0, 1]}\n"
                 "  - {name: j, type: hinge, a: bob2, anchor: [0, 0, 1]}\n",
                 9, 12, "joints[1].name", "duplicate joint name", id="duplicate-name"),
    pytest.param("  - {name: j, type: hinge, a: bob, anchor: [0, 0, 1]}\n"
                 "events:\n  - {at: 0.5, set_velocity: {body: bob, linear: [1, 0, 0]}}\n",
                 10, 29, "events[0].set_velocity", "push it or apply a force",
                 id="set-velocity-on-held"),
]


@pytest.mark.parametrize(("joints", "line", "col", "field", "fragment"), CASES)
def test_a_broken_joint_is_located_with_its_fix(tmp_path, joints, line, col, field, fragment):
    problem = _problem(tmp_path, HEAD + joints, fragment)
    assert (problem.location.line, problem.location.col, problem.field) == (line, col, field)


def test_a_held_body_cannot_start_moving_but_its_free_root_can(tmp_path):
    joint = "  - {name: j, type: ball, a: bob2, b: bob, anchor: [0.45, 0, 0.55]}\n"
    moving_link = HEAD.replace("position: [0.6, 0, 0.5]}", "position: [0.6, 0, 0.5], "
                               "velocity: [1, 0, 0]}")
    problem = _problem(tmp_path, moving_link + joint, "give the starting velocity to 'bob'")
    assert problem.field == "bodies[1].velocity"
    moving_root = HEAD.replace("position: [0.3, 0, 0.5]}", "position: [0.3, 0, 0.5], "
                               "velocity: [1, 0, 0]}")
    path = tmp_path / "root.yaml"
    path.write_text(moving_root + joint)
    assert load_scene(path).scene.joints[0].name == "j"


def _joint(name: str, a: str, b: str = "world") -> Joint:
    return Joint(name=name, type="hinge", a=a, b=b, anchor=(0, 0, 1))


def test_each_fixed_point_roots_its_own_tree_so_hung_bodies_still_collide():
    spring = Joint(name="s", type="spring", a="ball0", b="ball1", anchor=(0, 0, 1),
                   stiffness=10)
    joints = [_joint("j0", "ball0"), _joint("j1", "ball1", "frame"),
              _joint("j2", "arm", "ball1"), spring]
    trees, problems = joint_trees(joints, {"frame"}, ["ball0", "ball1", "arm", "frame"])
    assert problems == []
    assert [(t.root, [(lk.body, lk.parent) for lk in t.links]) for t in trees] == [
        (None, [("ball0", None)]), (None, [("ball1", None), ("arm", "ball1")])]
    assert trees[1].links[1].sign == 1


def test_a_tree_without_a_fixed_point_is_rooted_at_its_first_body_and_keeps_the_sense():
    trees, problems = joint_trees([_joint("j", "cart", "wheel")], set(), ["wheel", "cart"])
    assert problems == []
    assert trees[0].root == "wheel" and trees[0].links[0].sign == 1
    trees, _ = joint_trees([_joint("j", "wheel", "cart")], set(), ["cart", "wheel"])
    assert trees[0].root == "cart" and trees[0].links[0].sign == 1
    trees, _ = joint_trees([_joint("j", "cart", "wheel")], set(), ["cart", "wheel"])
    assert trees[0].root == "cart" and trees[0].links[0].body == "wheel"
    assert trees[0].links[0].sign == -1  # the wheel is `b`: its angle is the cart's, negated


@pytest.mark.parametrize(("joint", "fragment"), [
    ("{name: j, type: slider, a: bob, anchor: [0, 0, 1], breaks_at: 50}", "not a slider"),
    ("{name: j, type: hinge, a: bob, anchor: [0, 0, 1], breaks_at: 50, limits: [-5, 5]}",
     "no `limits` yet"),
])
def test_what_a_breakable_joint_cannot_have_yet_is_refused(tmp_path, joint, fragment):
    problem = _problem(tmp_path, HEAD + f"  - {joint}\n", fragment)
    assert problem.field == "joints[0]"


def test_links_come_depth_first_as_pybullet_numbers_them():
    """A hull with two knuckles, each holding a wheel: each knuckle is followed by its own
    wheel, as PyBullet numbers the links, so the link indices here are its."""
    joints = [_joint("k1", "knuckle1", "hull"), _joint("k2", "knuckle2", "hull"),
              _joint("w1", "wheel1", "knuckle1"), _joint("w2", "wheel2", "knuckle2")]
    trees, _ = joint_trees(joints, set(), ["hull", "knuckle1", "knuckle2", "wheel1", "wheel2"])
    assert [lk.body for lk in trees[0].links] == ["knuckle1", "wheel1", "knuckle2", "wheel2"]
