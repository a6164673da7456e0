"""Dents: crushable bodies give way by the energy an impact dissipates over their crush force,
their collision shape follows, and the renderer draws the same dent."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from bridge.assets.build import geometry_for
from bridge.crushable import Crushable, crush_force
from bridge.dent_shape import dented, dented_geometry, depth_at
from bridge.loader import scene_from_document
from bridge.materials import MATERIALS
from bridge.schema import breakable_settings
from bridge.semantics import check_semantics
from physics.dents import RESHAPE_M
from physics.simulate import simulate
from simshot.expectations import check_simulation
from tests.helpers import make_scene

G = 9.81
CAN_FORCE = 13.06 * 200e6 * 1e-4 ** (5 / 3) * 0.066 ** (1 / 3)  # 0.1 mm aluminium, 66 mm across


def _weight_on_can(drop: float, **can) -> tuple:
    """A 4.1 kg steel ball dropped `drop` metres onto a drinks can standing on concrete."""
    bodies = [{"name": "can", "asset": "can", "crushable": True, **can},
              {"name": "weight", "asset": "ball_bearing", "params": {"radius": 0.05},
               "restitution": 0.0, "position": [0.0, 0.0, 0.122 + drop]}]
    scene = make_scene(bodies=bodies, duration=0.5, world={"ground": {"material": "concrete"}})
    return scene, simulate(scene, None)


def test_crush_force_is_the_thin_walled_tube_formula():
    can = crush_force(Crushable(), MATERIALS["aluminium"], "can", {},
                      (0.066, 0.066, 0.122))
    assert can == pytest.approx(CAN_FORCE)
    car = crush_force(Crushable(wall=0.003), MATERIALS["steel"], "box", {}, (4.4, 1.75, 0.72))
    assert car == pytest.approx(246e3, rel=0.01)  # a car's front: 170 kJ over about 0.6 m
    assert crush_force(Crushable(crush_force=500.0), MATERIALS["rubber"], None, {},
                       (1.0, 1.0, 1.0)) == 500.0


def test_a_dropped_weight_dents_a_can_by_its_energy_over_the_crush_force():
    _, result = _weight_on_can(0.1)
    (dent,) = [d for d in result.events["deformations"] if d["time"] < 0.2]
    energy = result.masses["weight"] * G * 0.1
    assert dent["body"] == "can" and dent["by"] == "weight"
    assert dent["energy"] == pytest.approx(energy, rel=0.06)
    assert dent["depth"] == pytest.approx(dent["energy"] / CAN_FORCE, rel=2e-3)  # polygon
    assert dent["depth"] > 0.01  # 4 J over 227 N: about 18 mm
    assert np.allclose(dent["direction"], [0, 0, -1], atol=0.05)  # pressed in from the top
    assert dent["local"][2] == pytest.approx(0.122, abs=0.003)


def test_the_cap_holds_a_dent_to_its_share_of_the_body():
    _, capped = _weight_on_can(0.3, crushable={"max_depth": 0.2})
    assert max(d["depth"] for d in capped.events["deformations"]) <= 0.2 * 0.1222


def test_a_body_at_rest_or_a_rigid_one_is_not_dented():
    bodies = [{"name": "crate", "asset": "box", "material": "steel", "crushable": True,
               "params": {"length": 0.5, "width": 0.5, "height": 0.5}}]
    scene = make_scene(bodies=bodies, duration=1.0, world={"ground": {"material": "stone"}})
    assert simulate(scene, None).events["deformations"] == []
    _, result = _weight_on_can(0.1, crushable=False)
    assert result.events["deformations"] == []
    _, resting = _weight_on_can(0.0)  # placed on the can, touching: its weight crushes nothing
    assert resting.events["deformations"] == []


@pytest.mark.parametrize("drop", [0.1, 0.2])
def test_a_slab_crushes_a_box_until_its_crush_force_holds_it(drop):
    """The slab falls on through the crush as the box's collision shape follows its dents,
    and spends m g (h + d) = P d in all; it comes to rest on the crushed top (0.2 m high
    undented)."""
    bodies = [{"name": "box", "asset": "box", "material": "steel",
               "crushable": {"wall": 0.0002},
               "params": {"length": 0.2, "width": 0.2, "height": 0.2}},
              {"name": "slab", "asset": "block", "material": "steel", "restitution": 0.0,
               "mass": 20.0, "params": {"length": 0.3, "width": 0.3, "height": 0.05},
               "position": [0.0, 0.0, 0.2 + drop]}]
    scene = make_scene(bodies=bodies, duration=0.6, world={"ground": {"material": "concrete"}})
    result = simulate(scene, None)
    force = crush_force(Crushable(wall=0.0002), MATERIALS["steel"], "box", {}, (0.2,) * 3)
    weight = 20.0 * G
    crushed = sum(d["depth"] for d in result.events["deformations"])
    assert crushed == pytest.approx(weight * drop / (force - weight), rel=0.08)
    # the shape follows each RESHAPE_M of crushing; a convex hull's margin is a millimetre
    assert result.recording.pos["slab"][-1, 2] == pytest.approx(0.2 - crushed,
                                                                 abs=RESHAPE_M + 0.002)


def test_dents_rerun_bit_identical():
    one, two = _weight_on_can(0.1)[1], _weight_on_can(0.1)[1]
    assert one.events["deformations"] == two.events["deformations"]
    assert np.array_equal(one.recording.pos["weight"], two.recording.pos["weight"])


def test_crushes_checks_the_deepest_dent():
    scene, result = _weight_on_can(0.1)
    doc = scene.model_dump(by_alias=True, exclude_defaults=True)
    doc["expect"] = [{"crushes": "can", "depth": 0.01}, {"crushes": "can", "depth": 0.05},
                     {"crushes": "can", "before": 0.01}]
    checks = check_simulation(scene_from_document(doc), result)
    assert [c["passed"] for c in checks] == [True, False, False]
    assert "dented" in checks[0]["detail"] and "not dented" in checks[2]["detail"]


def test_crushable_needs_a_material_that_yields_and_a_crushes_check_a_crushable_body():
    with pytest.raises(ValidationError, match="does not dent"):
        make_scene(bodies=[{"name": "ball", "asset": "ball", "crushable": True}])
    with pytest.raises(ValidationError, match="breaks or dents"):
        make_scene(bodies=[{"name": "can", "asset": "can", "crushable": True,
                            "breakable": True}])
    make_scene(bodies=[{"name": "ball", "asset": "ball", "crushable": {"crush_force": 50}}])
    glass = make_scene(bodies=[{"name": "glass", "asset": "tumbler",
                                "crushable": {"crush_force": 50}}]).bodies[0]
    assert breakable_settings(glass) is None  # it dents instead of breaking, though glass
    scene = make_scene(bodies=[{"name": "ball", "asset": "ball"}],
                       expect=[{"crushes": "ball", "not": True}])
    (issue,) = check_semantics(scene)
    assert issue[0] == ("expect", 0, "crushes") and "not crushable" in issue[1]


def test_a_dent_pushes_the_face_in_and_squeezes_behind_it_without_folding():
    face = np.array([[0.0, y, z] for y in np.linspace(-0.4, 0.4, 9)
                     for z in np.linspace(-0.4, 0.4, 9)])
    behind = np.array([[x, 0.0, 0.0] for x in np.linspace(0.0, 2.0, 41)])
    dent = {"local": [0.0, 0.0, 0.0], "direction": [1.0, 0.0, 0.0], "depth": 0.3,
            "radius": 0.6}
    moved = dented(face, [dent], 1.0)
    assert np.allclose(moved[:, 0], 0.3)  # the whole patch goes in by the depth
    line = dented(behind, [dent], 1.0)[:, 0]
    assert np.all(np.diff(line) > 0)  # squeezed, never passing one another
    assert np.allclose(line[behind[:, 0] >= 0.75], behind[behind[:, 0] >= 0.75, 0])
    far = dented(np.array([[0.0, 2.0, 0.0]]), [dent], 1.0)
    assert np.allclose(far, [[0.0, 2.0, 0.0]])  # beyond the patch and its fade: untouched


def test_a_dented_part_becomes_the_hull_of_its_dented_surface():
    body = make_scene(bodies=[{"name": "car", "asset": "box", "material": "steel",
                               "params": {"length": 4.0, "width": 1.8, "height": 0.8}}]
                      ).bodies[0]
    geometry = geometry_for(body, None)
    dent = {"local": [2.0, 0.0, 0.4], "direction": [-1.0, 0.0, 0.0], "depth": 0.5,
            "radius": 1.0}
    (part,) = dented_geometry(geometry, [dent]).parts
    assert part.kind == "convex"
    assert part.vertices[:, 0].max() == pytest.approx(1.5, abs=0.01)  # 0.5 m shorter
    assert part.vertices[:, 0].min() == pytest.approx(-2.0, abs=1e-6)  # the back untouched
    missed = {**dent, "local": [9.0, 0.0, 0.4]}
    assert dented_geometry(geometry, [missed]).parts[0].kind == "box"  # exact where missed


def test_the_render_draws_each_dent_from_its_time_on(tmp_path):
    """A box seen side-on is drawn whole until its dent's time and shorter by the dent after
    it, in the segmentation as in the colour."""
    from bridge import shot as shotfiles
    from bridge.instances import instances_for
    from renderer.render import render_shot
    from tests.helpers import trajectory_of

    body = {"name": "box", "asset": "box", "material": "steel", "crushable": True,
            "params": {"length": 1.0, "width": 0.4, "height": 0.4}}
    scene = make_scene(bodies=[body], duration=4 / 24, resolution=[96, 64],
                       camera={"position": [0.0, -3.0, 0.2], "look_at": [0.0, 0.0, 0.2]})
    dent = {"body": "box", "by": "wall", "time": 2 / 24, "depth": 0.3, "radius": 0.3,
            "local": [0.5, 0.0, 0.2], "direction": [-1.0, 0.0, 0.0]}
    render_shot(scene, trajectory_of(scene, {}), instances_for(scene), tmp_path, None,
                frozenset({"rgb", "segmentation"}), events={"deformations": [dent]})
    widths = []
    for frame in range(4):
        ids = shotfiles.read_segmentation(shotfiles.SEGMENTATION.path(tmp_path, frame))
        widths.append(np.ptp(np.flatnonzero((ids > 0).any(axis=0))))
    assert widths[0] == widths[1]
    assert widths[2] == widths[3] < widths[1] * 0.85  # 0.3 m off a 1 m box


def test_a_dent_grows_evenly_from_its_time_to_its_end_time():
    dent = {"time": 1.0, "end_time": 2.0, "depth": 0.4}
    assert [depth_at(dent, t) for t in (0.5, 1.0, 1.5, 2.0, 3.0)] == pytest.approx(
        [0.0, 0.0, 0.2, 0.4, 0.4])
    assert depth_at({"time": 1.0, "depth": 0.1}, 1.0) == 0.1  # an impact's: whole at once


def test_a_spawned_crushable_body_dents_too():
    box = {"name": "box", "asset": "box", "material": "steel", "crushable": {"wall": 0.0002},
           "params": {"length": 0.2, "width": 0.2, "height": 0.2}}
    slab = {"name": "slab", "asset": "block", "material": "steel", "restitution": 0.0,
            "mass": 20.0, "params": {"length": 0.3, "width": 0.3, "height": 0.05},
            "position": [0.0, 0.0, 0.4]}
    scene = make_scene(bodies=[slab], duration=0.6, world={"ground": {"material": "concrete"}},
                       events=[{"at": 0.05, "spawn": box}])
    (first, *_) = simulate(scene, None).events["deformations"]
    assert first["body"] == "box" and first["depth"] > 0.01
