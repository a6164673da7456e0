"""Cloth: MuJoCo flex sheets that hang, drape, flap in the wind and carry what lies on them,
coupled both ways with PyBullet's bodies; short physical checks at small resolutions."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from bridge.cloth import grid_faces, held_vertices, pins, rest_vertices
from bridge.cloth_schema import Cloth
from bridge.instances import instances_for
from bridge.semantics import check_semantics
from physics.simulate import simulate
from simshot.expectations import check_simulation
from tests.helpers import make_scene

TABLE = {"name": "table", "asset": "table", "position": [0, 0, 0], "static": True}
TABLE_TOP = 0.76  # the table asset's default height


def _cloth(**fields) -> dict:
    return {"name": "sheet", "size": [0.6, 0.6], "at": [0, 0, 1.5], "resolution": [12, 12],
            **fields}


def _run(duration: float, bodies: list[dict], cloth: list[dict], **fields):
    scene = make_scene(duration=duration, bodies=bodies, cloth=cloth, **fields)
    return scene, simulate(scene, None).recording


def _checked(duration: float, bodies: list[dict], cloth: list[dict], **fields) -> list[dict]:
    """The scene's expectations, checked on its simulation."""
    scene = make_scene(duration=duration, bodies=bodies, cloth=cloth, **fields)
    return check_simulation(scene, simulate(scene, None))


def _edge_strain(cloth: Cloth, vertices: np.ndarray) -> np.ndarray:
    faces = grid_faces(*cloth.counts)
    edges = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    rest = rest_vertices(cloth)
    now = np.linalg.norm(vertices[edges[:, 0]] - vertices[edges[:, 1]], axis=1)
    return now / np.linalg.norm(rest[edges[:, 0]] - rest[edges[:, 1]], axis=1) - 1


POLE = {"name": "pole", "asset": "box", "static": True, "position": [-0.02, 0, 0],
        "params": {"length": 0.04, "width": 0.04, "height": 2.0}}


def test_the_grid_numbers_vertices_row_by_row_from_the_bottom_left():
    cloth = Cloth.model_validate(_cloth(size=[1.0, 0.5], resolution=[3, 3], at=[0, 0, 0]))
    rest = rest_vertices(cloth)
    assert rest[0] == pytest.approx([-0.5, -0.25, 0])
    assert rest[2] == pytest.approx([0.5, -0.25, 0])
    assert rest[3] == pytest.approx([-0.5, 0, 0])
    assert held_vertices(cloth, "top").tolist() == [6, 7, 8]
    assert held_vertices(cloth, "right").tolist() == [2, 5, 8]
    standing = Cloth.model_validate(_cloth(rotation=[90, 0, 0], at=[0, 0, 1]))
    top = rest_vertices(standing)[held_vertices(standing, "top")]
    assert top[:, 2] == pytest.approx(1.3)  # stood up, its top edge is up


def test_pinnings_name_the_vertices_they_hold():
    assert len(pins(Cloth.model_validate(_cloth(pinned="corners")))) == 4
    assert len(pins(Cloth.model_validate(_cloth(pinned="edges")))) == 4 * 12 - 4
    pinned = pins(Cloth.model_validate(_cloth(pinned=[{"point": "top_left", "to": "pole"},
                                                       {"point": [1, 1]}])))
    assert pinned == [(132, "pole"), (143, None)]


def test_a_hanging_sheet_stretches_under_five_percent():
    scene, rec = _run(1.0, [POLE], [_cloth(rotation=[90, 0, 0], pinned="top", size=[1.0, 1.0],
                                           resolution=[16, 16])])
    strain = _edge_strain(scene.cloth[0], rec.cloth["sheet"][-1])
    assert strain.max() < 0.05
    top = held_vertices(scene.cloth[0], "top")
    assert np.abs(rec.cloth["sheet"][-1][top] - rest_vertices(scene.cloth[0])[top]).max() < 1e-6


def test_a_dropped_sheet_drapes_over_a_table_and_none_of_it_passes_through():
    _, rec = _run(1.5, [TABLE], [_cloth(size=[1.6, 1.2], at=[0, 0, 0.85],
                                        resolution=[20, 16])])
    frames = rec.cloth["sheet"]
    # over the top, short of its edges (a hanging hem may swing in under them)
    over = (np.abs(frames[..., 0]) < 0.5) & (np.abs(frames[..., 1]) < 0.3)
    # the top is 4 cm thick: no vertex over it ever passes into it (landing, the sheet
    # presses in by less than its own 4 mm thickness), and none is below it at the end
    inside = over & (frames[..., 2] < TABLE_TOP - 0.003) & (frames[..., 2] > TABLE_TOP - 0.04)
    assert not inside.any()
    final = frames[-1]
    assert final[over[-1], 2].min() > TABLE_TOP - 0.001
    assert over[-1].sum() > 50
    assert np.median(final[over[-1], 2]) < TABLE_TOP + 0.005  # it lies on it
    assert final[:, 2].min() < TABLE_TOP - 0.15  # and hangs over its edges


def test_drapes_over_passes_for_a_sheet_on_a_table_and_fails_for_one_beside_it():
    drop = {"size": [1.6, 1.2], "resolution": [20, 16]}
    expect = [{"drapes_over": "sheet", "body": "table"}]
    on, beside = (_checked(1.2, [TABLE], [_cloth(at=at, **drop)], expect=expect)[0]
                  for at in ([0, 0, 0.85], [2.0, 0, 0.85]))
    assert on["passed"], on["detail"]
    assert not beside["passed"] and "does not cover" in beside["detail"]


def test_a_flag_in_steady_wind_keeps_moving():
    flag = _cloth(name="flag", size=[0.9, 0.6], at=[0.45, 0, 1.65], rotation=[90, 0, 0],
                  pinned="left", resolution=[16, 12], material="canvas")
    scene, rec = _run(2.0, [POLE], [flag], wind=[{"velocity": [8, 0, 0]}])
    free = held_vertices(scene.cloth[0], "right")
    edge = rec.cloth["flag"][:, free]
    assert edge[-1, :, 0].mean() > 0.6  # blown out straight from the pole
    # its free edge still moves in the last half second as much as in the half before
    late, earlier = (np.linalg.norm(np.diff(edge[rec.frame_of(t0):rec.frame_of(t0 + 0.5)],
                                            axis=0), axis=2).sum(axis=0).mean()
                     for t0 in (1.5, 1.0))
    assert late > 0.05 and late > 0.3 * earlier


def test_a_ball_bounces_on_a_trampoline_and_rests_on_it():
    ball = {"name": "ball", "asset": "ball", "params": {"radius": 0.06}, "mass": 0.5,
            "position": [0, 0, 1.2]}
    sheet = _cloth(size=[0.8, 0.8], at=[0, 0, 0.8], pinned="edges", material="rubber_sheet",
                   resolution=[14, 14])
    _, rec = _run(1.5, [ball], [sheet])
    z = rec.pos["ball"][:, 2]
    lowest = int(np.argmin(z))
    assert 0.5 < z[lowest] < 0.8  # the sheet gave under it: it held it, below its rim
    assert z[lowest:].max() > z[lowest] + 0.05  # and threw it back up
    assert z[-1] > 0.5


def _tablecloth(x: float, speed: float, pulled_for: float, duration: float):
    """A plate on a tablecloth pulled off the table: the run's stays_on check, recording."""
    plate = {"name": "plate", "asset": "plate", "position": [x, 0, 0.765]}
    cloth = _cloth(name="cloth", size=[1.6, 1.0], at=[0, 0, 0.7625], resolution=[32, 20])
    pull = {"at": 0.2, "pull": {"cloth": "cloth", "edge": "left", "velocity": [-speed, 0, 0],
                                "duration": pulled_for}}
    scene = make_scene(duration=duration, bodies=[TABLE, plate], cloth=[cloth], events=[pull],
                       expect=[{"stays_on": "plate", "on": "table"}])
    result = simulate(scene, None)
    return check_simulation(scene, result)[0], result.recording


def test_a_ball_on_a_trampoline_beside_a_wall_still_rests_on_the_sheet():
    # a static body beside it is not one holding it up through the cloth
    ball = {"name": "ball", "asset": "ball", "params": {"radius": 0.06}, "mass": 0.5,
            "position": [0.0, 0, 0.9]}
    wall = {"name": "wall", "asset": "box", "static": True, "position": [0.0633, 0, 0],
            "params": {"length": 0.004, "width": 1.0, "height": 1.5}}
    sheet = _cloth(size=[0.8, 0.8], at=[0, 0, 0.8], pinned="edges", material="rubber_sheet",
                   resolution=[14, 14])
    _, rec = _run(1.0, [ball, wall], [sheet])
    assert rec.pos["ball"][-1][2] > 0.5


def test_a_tablecloth_snatched_at_3_m_per_s_leaves_the_plate_on_the_table():
    stays_on, rec = _tablecloth(0.1, 3.0, 0.8, 1.5)
    assert stays_on["passed"], stays_on["detail"]
    assert rec.cloth["cloth"][-1][:, 2].max() < 0.5  # the cloth is off the table
    x, y, z = rec.pos["plate"][-1]
    assert abs(x) < 0.55 and abs(y) < 0.35 and z == pytest.approx(TABLE_TOP, abs=0.005)
    assert rec.pos["plate"][:, 2].max() < TABLE_TOP + 0.01  # not thrown: it slid



def test_a_tablecloth_pulled_at_0_3_m_per_s_carries_the_plate_off_the_table():
    # from 0.35 m short of the middle: from 0.25 the carry is at the edge of what 60 coupled
    # iterations hold, and on one machine's CPU the cloth slid out from under the plate
    stays_on, rec = _tablecloth(-0.35, 0.3, 2.2, 3.0)
    assert not stays_on["passed"] and "leaves table" in stays_on["detail"]
    # it went over the edge with the cloth (and may break on the floor)
    assert np.nanmin(rec.pos["plate"][:, 2]) < TABLE_TOP - 0.1


def test_cloth_reruns_bit_identically():
    flag = _cloth(name="flag", rotation=[90, 0, 0], pinned="left", resolution=[10, 8])
    scene = make_scene(duration=0.5, bodies=[POLE], cloth=[flag],
                       wind=[{"velocity": [6, 1, 0], "turbulence": 0.3}])
    first, second = (simulate(scene, None).recording.cloth["flag"] for _ in range(2))
    assert np.array_equal(first, second)


def test_cloth_is_an_instance_after_the_flames():
    scene = make_scene(bodies=[POLE], cloth=[_cloth()])
    found = instances_for(scene)
    assert (found[-1].kind, found[-1].name, found[-1].id) == ("cloth", "sheet", 2)


def test_bad_cloth_scripts_name_the_field_and_the_fix():
    scene = make_scene(bodies=[POLE], cloth=[_cloth(name="pole", pinned=[
        {"point": "top_left", "to": "mast"}])], events=[
        {"at": 0.1, "pull": {"cloth": "sheat", "edge": "left", "velocity": [1, 0, 0],
                             "duration": 0.5}}])
    issues = dict(check_semantics(scene))
    assert "already a body" in issues[("cloth", 0, "name")]
    assert "mast" in issues[("cloth", 0, "pinned", 0, "to")]
    assert "sheat" in issues[("events", 0, "pull", "cloth")]
    with pytest.raises(ValidationError, match="velocity"):
        make_scene(bodies=[POLE], cloth=[_cloth()], events=[
            {"at": 0.1, "pull": {"cloth": "sheet", "edge": "left", "velocity": [0, 0, 0],
                                 "duration": 0.5}}])
    with pytest.raises(ValidationError, match="resolution"):
        make_scene(bodies=[POLE], cloth=[_cloth(resolution=[2, 100])])
    # vertices closer than the sheet's contact thickness: MuJoCo would refuse the grid
    with pytest.raises(ValidationError, match="at least 5 mm apart"):
        make_scene(bodies=[POLE], cloth=[_cloth(size=[0.2, 0.2], resolution=[64, 64])])
    # a thicker sheet needs its vertices farther apart than it is thick
    with pytest.raises(ValidationError, match="at least 25 mm apart"):
        make_scene(bodies=[POLE], cloth=[_cloth(contact_radius=0.012, resolution=[32, 32])])


CHAIR = {"name": "chair", "asset": "chair", "position": [0, 0, 0], "static": True}


def test_a_thick_enough_sheet_catches_on_a_chairs_thin_back_where_a_thin_one_slides_off():
    """A chair's 2 cm back board passes between a coarse sheet's vertices, or lets it slide
    off to lie on the seat; 1.2 cm thick where it touches, the sheet hangs from the back."""
    sheet = {"size": [1.8, 1.8], "at": [0.11, 0, 1.0], "resolution": [48, 48]}
    expect = [{"drapes_over": "sheet", "body": "chair"}]
    thin, thick = (_checked(2.0, [CHAIR], [_cloth(**sheet, **extra)], expect=expect)[0]
                   for extra in ({}, {"contact_radius": 0.012}))
    assert thick["passed"], thick["detail"]
    assert not thin["passed"] and "does not cover the top" in thin["detail"]


def test_what_cloth_cannot_do_yet_is_refused_not_ignored():
    ball = {"name": "ball", "asset": "ball", "position": [0, 0, 2]}
    scene = make_scene(bodies=[POLE], cloth=[_cloth(pinned="left", rotation=[90, 0, 0]),
                                             _cloth(name="other", at=[0, 1, 1], pinned=[
                                                 {"point": [0, 0]}, {"point": [0.01, 0]}])],
                       events=[{"at": 0.1, "spawn": ball},
                               {"at": 0.2, "pull": {"cloth": "sheet", "edge": "left",
                                                    "velocity": [1, 0, 0], "duration": 0.5}}])
    issues = dict(check_semantics(scene))
    assert "meets only bodies as they are at t = 0" in issues[("events", 0, "spawn")]
    assert "pinned still" in issues[("events", 1, "pull", "edge")]
    assert "lands on the vertex of pin 0" in issues[("cloth", 1, "pinned", 1, "point")]
    many = [_cloth(name=f"s{k}", at=[k, 0, 1], size=[3, 3], resolution=[64, 64])
            for k in range(3)]
    assert "the limit is 8192" in dict(check_semantics(make_scene(bodies=[POLE],
                                                                  cloth=many)))[("cloth",)]
