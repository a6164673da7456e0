"""Soft bodies: a closed tetrahedral mesh and a skin that rides it; a squeezed rubber duck
keeps its volume and springs back; a pressed sponge gives and recovers; a ball dropped on a
foam block dents it and rests on it; reruns are bit-identical; bad scripts are refused at
their field; a shot draws the body as an instance of kind soft."""
from __future__ import annotations

import json

import numpy as np
import pytest
from pydantic import ValidationError

from bridge.instances import instances_for
from bridge.semantics import check_semantics
from bridge.shot import read_segmentation
from bridge.soft import shape_error, soft_mesh, volume
from bridge.soft_schema import Soft
from bridge.soft_skin import skin, skinned
from physics.simulate import simulate
from simshot.expectations import check_simulation
from tests.helpers import make_scene

TABLE = {"name": "table", "asset": "table", "position": [0, 0, 0], "static": True}
TOP = 0.76  # the table asset's default height
DUCK = {"name": "duck", "shape": "duck", "size": [0.1, 0.08, 0.09], "at": [0, 0, TOP + 0.046]}


def _squeeze(force: float, at: float = 0.3, duration: float = 0.6) -> dict:
    return {"at": at, "squeeze": {"soft": "duck", "force": force, "axis": [0, 1, 0],
                                  "duration": duration}}


@pytest.mark.parametrize("shape", ["ball", "box", "cylinder", "duck"])
def test_the_mesh_is_closed_faces_out_and_fills_its_size(shape):
    soft = Soft(name="s", shape=shape, size=(0.1, 0.08, 0.09), at=(0.0, 0.0, 0.5))
    mesh = soft_mesh(soft)
    edges = np.sort(np.concatenate([mesh.faces[:, [0, 1]], mesh.faces[:, [1, 2]],
                                    mesh.faces[:, [2, 0]]]), axis=1)
    assert np.all(np.unique(edges, axis=0, return_counts=True)[1] == 2)  # closed, manifold
    a, b, c = (mesh.nodes[mesh.faces[:, k]] for k in range(3))
    enclosed = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6  # > 0: faces point out
    assert enclosed == pytest.approx(volume(mesh.nodes, mesh), rel=1e-9) and enclosed > 0
    extent = np.ptp(mesh.nodes, axis=0)
    assert np.all(extent <= np.array(soft.size) * 1.03)
    if shape != "duck":  # the duck's beak and tail are finer than its mesh: its skin has them
        assert np.all(extent >= np.array(soft.size) * 0.95)


def test_the_skin_rides_the_mesh_and_fills_the_size_at_rest():
    soft = Soft(name="s", shape="duck", size=(0.1, 0.08, 0.09), at=(1.0, 2.0, 0.5),
                rotation=(0.0, 0.0, 90.0))
    mesh, carried = soft_mesh(soft), skin(soft)
    rest = skinned(carried, mesh.tets, mesh.nodes)
    assert np.ptp(rest, axis=0) == pytest.approx([0.08, 0.1, 0.09], abs=1e-6)  # turned 90
    moved = skinned(carried, mesh.tets, mesh.nodes + [0.0, 0.0, 1.0])
    assert np.allclose(moved - rest, [0.0, 0.0, 1.0])


def test_a_squeezed_rubber_duck_keeps_its_volume_and_springs_back():
    scene = make_scene(duration=1.6, bodies=[TABLE], soft=[DUCK], events=[_squeeze(10.0)],
                       expect=[{"springs_back": "duck"}, {"keeps_volume": "duck"}])
    result = simulate(scene, None)
    nodes = result.recording.soft["duck"]
    times = result.recording.times
    width = np.ptp(nodes[:, :, 1], axis=1)
    squeezed = width[(times > 0.7) & (times < 0.9)].mean()
    assert squeezed < 0.85 * width[0]  # the hands narrow it by more than 15%
    mesh = soft_mesh(scene.soft[0])
    ratio = volume(nodes, mesh) / volume(mesh.nodes, mesh)
    assert np.all(np.abs(ratio - 1) < 0.1)
    assert shape_error(nodes[-1], mesh.nodes) < 0.02
    assert nodes[-1][:, 2].min() > TOP  # it sits on the table, not in it
    checks = check_simulation(scene, result)
    assert [c["passed"] for c in checks] == [True, True], checks


def test_a_jelly_squeezed_on_a_contact_springs_back_to_its_sagged_shape():
    jelly = {"name": "jelly", "shape": "cylinder", "size": [0.1, 0.1, 0.07],
             "at": [0, 0, TOP + 0.038], "material": "jelly"}
    ball = {"name": "ball", "asset": "ball", "position": [0.3, 0, TOP + 0.3]}
    squeeze = {"on_contact": ["ball", "table"], "squeeze": {"soft": "jelly", "force": 4,
                                                            "axis": [0, 1, 0], "duration": 0.5}}
    scene = make_scene(duration=1.5, bodies=[TABLE, ball], soft=[jelly], events=[squeeze],
                       expect=[{"springs_back": "jelly"}])
    (check,) = check_simulation(scene, simulate(scene, None))
    assert check["passed"], check  # against the mesh at rest, its sag alone would fail it


def test_springs_back_fails_for_a_body_never_deformed():
    scene = make_scene(duration=0.4, bodies=[TABLE], soft=[DUCK],
                       expect=[{"springs_back": "duck"}])
    (check,) = check_simulation(scene, simulate(scene, None))
    assert not check["passed"] and "never deformed" in check["detail"]


def test_a_pressed_sponge_gives_under_the_palm_and_recovers():
    sponge = {"name": "sponge", "shape": "box", "size": [0.12, 0.08, 0.04],
              "at": [0, 0, TOP + 0.021], "material": "sponge", "resolution": 6}
    press = {"at": 0.2, "press": {"soft": "sponge", "force": [0, 0, -30], "duration": 0.5}}
    scene = make_scene(duration=1.4, bodies=[TABLE], soft=[sponge], events=[press],
                       expect=[{"springs_back": "sponge"}])
    result = simulate(scene, None)
    nodes, times = result.recording.soft["sponge"], result.recording.times
    height = nodes[:, :, 2].max(axis=1) - nodes[:, :, 2].min(axis=1)
    assert height[(times > 0.5) & (times < 0.7)].mean() < 0.9 * height[0]
    assert check_simulation(scene, result)[0]["passed"]


def test_a_basketball_dropped_on_a_foam_block_dents_it_and_rests_on_it():
    foam = {"name": "foam", "shape": "box", "size": [0.3, 0.3, 0.1], "at": [0, 0, TOP + 0.051],
            "material": "foam", "resolution": 7}
    ball = {"name": "ball", "asset": "basketball", "position": [0, 0, TOP + 0.6]}
    scene = make_scene(duration=1.2, bodies=[TABLE, ball], soft=[foam])
    result = simulate(scene, None)
    nodes = result.recording.soft["foam"]
    top = nodes[:, :, 2].max(axis=1)
    on_top = np.flatnonzero(nodes[0][:, 2] > top[0] - 1e-6)
    centre = on_top[np.argmin(np.linalg.norm(nodes[0][on_top, :2], axis=1))]
    dip = nodes[0][centre, 2] - nodes[:, centre, 2].min()
    assert dip > 0.005  # the ball pushes the block's top down where it lands
    bottom = result.recording.pos["ball"][:, 2]  # the ball's origin is its lowest point
    assert bottom.min() > TOP + 0.02  # the block stops it before the table does
    assert abs(bottom[-1] - top[-1]) < 0.01  # it rests on the block, a little sunk in
    assert np.linalg.norm(result.recording.linvel["ball"][-1]) < 0.1


def test_soft_bodies_rerun_bit_identically():
    scene = make_scene(duration=0.6, bodies=[TABLE], soft=[DUCK], events=[_squeeze(8.0, 0.1)])
    first, second = (simulate(scene, None).recording.soft["duck"] for _ in range(2))
    assert np.array_equal(first, second)


def test_a_soft_body_is_an_instance_after_the_cloth():
    cloth = {"name": "sheet", "size": [0.5, 0.5], "at": [0, 0, 1.5], "resolution": [6, 6]}
    found = instances_for(make_scene(bodies=[TABLE], soft=[DUCK], cloth=[cloth]))
    assert [(i.kind, i.name, i.id) for i in found[1:]] == [("cloth", "sheet", 2),
                                                           ("soft", "duck", 3)]


def test_bad_soft_scripts_name_the_field_and_the_fix():
    ball = {"name": "ball", "asset": "ball", "position": [0, 0, 2]}
    scene = make_scene(bodies=[TABLE], soft=[{**DUCK, "name": "table"}, DUCK], events=[
        {"at": 0.1, "squeeze": {"soft": "duk", "force": 5, "duration": 0.5}},
        {"at": 0.1, "spawn": ball}], expect=[{"springs_back": "goose"}])
    issues = dict(check_semantics(scene))
    assert "already a body" in issues[("soft", 0, "name")]
    assert "duk" in issues[("events", 0, "squeeze", "soft")]
    assert "soft bodies meet only bodies as they are at t = 0" in \
        issues[("events", 1, "spawn")]
    assert "goose" in issues[("expect", 0, "springs_back")]
    with pytest.raises(ValidationError, match="at least 4 mm apart"):
        make_scene(bodies=[TABLE], soft=[{**DUCK, "size": [0.03, 0.03, 0.03],
                                          "resolution": 16}])
    with pytest.raises(ValidationError, match="axis"):
        make_scene(bodies=[TABLE], soft=[DUCK], events=[
            {"at": 0.1, "squeeze": {"soft": "duck", "force": 5, "axis": [0, 0, 0],
                                    "duration": 0.5}}])
    flat = {**DUCK, "name": "disc", "shape": "ball", "size": [0.3, 0.3, 0.02], "at": [0, 0, 1]}
    assert "make its thinnest side thicker" in dict(check_semantics(make_scene(
        bodies=[TABLE], soft=[flat])))[("soft", 0, "resolution")]  # no cell inside it
    many = [{**DUCK, "name": f"d{k}", "at": [k, 0, 1], "resolution": 16} for k in range(8)]
    assert "the limit is 4000" in dict(check_semantics(make_scene(soft=many,
                                                                  bodies=[TABLE])))[("soft",)]


def test_a_shot_draws_the_duck_as_a_soft_instance(tmp_path):
    from bridge.loader import load_scene
    from simshot.pipeline import run_shot

    path = tmp_path / "duck.yaml"
    path.write_text("name: duck\nduration: 0.3\nresolution: [64, 48]\n"
                    "bodies:\n  - {name: table, asset: table, position: [0, 0, 0], "
                    "static: true}\n"
                    "soft:\n  - {name: duck, shape: duck, size: [0.1, 0.08, 0.09], "
                    "at: [0, 0, 0.806]}\n"
                    "camera: {position: [0.3, 0, 0.9], look_at: [0, 0, 0.8]}\n")
    run_shot(load_scene(path), tmp_path / "shot")
    meta = json.loads((tmp_path / "shot" / "metadata.json").read_text())
    duck = next(i for i in meta["instances"] if i["name"] == "duck")
    assert duck["kind"] == "soft"
    ids = read_segmentation(tmp_path / "shot" / "segmentation" / "segmentation_00000.png")
    assert (ids == duck["id"]).mean() > 0.05  # it fills part of the frame


def test_a_soft_body_started_inside_a_body_is_refused_at_its_field():
    from bridge.errors import SceneError
    from physics.simulate import check_overlaps

    sunk = {**DUCK, "at": [0, 0, TOP + 0.03]}  # 1.6 cm into the table top
    cloth = {"name": "sheet", "size": [0.5, 0.5], "at": [0, 0.3, TOP - 0.01],
             "resolution": [6, 6]}  # through the table top: cloth settles, it is let be
    with pytest.raises(SceneError) as refused:
        check_overlaps(make_scene(bodies=[TABLE], soft=[sunk], cloth=[cloth]), None)
    found = dict(refused.value.items)
    assert list(found) == [("soft", 0, "at")]
    assert "'duck' overlaps 'table' by 1" in found[("soft", 0, "at")]
    check_overlaps(make_scene(bodies=[TABLE], soft=[DUCK]), None)  # resting on it is fine


def test_a_light_foam_ball_is_blown_along_by_the_wind_and_stays_in_still_air():
    ball = {"name": "puff", "shape": "ball", "size": [0.3, 0.3, 0.3], "at": [0, 0, 0.152],
            "material": "foam", "resolution": 5}
    moved = {}
    for speed in (0.0, 10.0):
        scene = make_scene(duration=1.0, bodies=[{"name": "post", "asset": "box",
                                                  "position": [3, 3, 0], "static": True}],
                           soft=[ball], wind=[{"velocity": [speed, 0, 0], "turbulence": 0}])
        nodes = simulate(scene, None).recording.soft["puff"]
        moved[speed] = nodes[-1].mean(axis=0) - nodes[0].mean(axis=0)
    assert abs(moved[0.0][0]) < 0.01
    assert moved[10.0][0] > 0.3 and abs(moved[10.0][1]) < 0.1 * moved[10.0][0]  # downwind


def test_a_closed_mesh_file_is_made_soft_and_an_open_one_is_refused(tmp_path):
    import trimesh

    from bridge.errors import SceneError, UserError
    from bridge.loader import load_scene

    trimesh.creation.capsule(height=0.06, radius=0.03, count=[12, 12]).export(
        tmp_path / "bean.stl")
    trimesh.creation.box(extents=[1, 1, 1]).slice_plane([0, 0, 0.4], [0, 0, -1]).export(
        tmp_path / "open.stl")  # its top cut off: no inside
    text = ("name: bean\nduration: 1.2\nresolution: [64, 48]\n"
            "bodies:\n  - {name: table, asset: table, position: [0, 0, 0], static: true}\n"
            "soft:\n  - {name: bean, shape: mesh, mesh: MESH, size: [0.06, 0.06, 0.12], "
            "at: [0, 0, 0.825]}\n"
            "events:\n  - {at: 0.2, squeeze: {soft: bean, force: 8, axis: [1, 0, 0], "
            "duration: 0.5}}\n"
            "expect:\n  - {springs_back: bean}\n")
    (tmp_path / "bean.yaml").write_text(text.replace("MESH", "bean.stl"))
    loaded = load_scene(tmp_path / "bean.yaml")
    result = simulate(loaded.scene, tmp_path)
    nodes = result.recording.soft["bean"]
    assert np.ptp(nodes[0], axis=0) == pytest.approx([0.06, 0.06, 0.12], rel=0.1)
    (check,) = check_simulation(loaded.scene, result, scene_dir=tmp_path)
    assert check["passed"], check
    coarse = text.replace("MESH", "bean.stl").replace("at: [0, 0, 0.825]}",
                                                      "at: [0, 0, 0.825], resolution: 3}")
    (tmp_path / "coarse.yaml").write_text(coarse)
    with pytest.raises(SceneError, match="cannot fill its mesh file's shape"):
        simulate(load_scene(tmp_path / "coarse.yaml").scene, tmp_path)
    (tmp_path / "open.yaml").write_text(text.replace("MESH", "open.stl"))
    with pytest.raises(UserError, match="not closed"):
        simulate(load_scene(tmp_path / "open.yaml").scene, tmp_path)
    with pytest.raises(ValidationError, match="give `mesh`"):
        make_scene(bodies=[TABLE], soft=[{**DUCK, "shape": "mesh"}])
