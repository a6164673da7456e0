"""Vehicles at real masses: causality by mass, the point of the tank-and-car example."""
from __future__ import annotations

import math

import numpy as np
import pytest

from bridge.errors import UserError
from bridge.loader import load_scene, scene_from_document
from physics.simulate import simulate
from planner.offline import plan_offline
from planner.offline.claims import draft_claims
from planner.offline.layout import Plan
from planner.offline.vehicles import VEHICLES, vehicle
from simshot.expectations import check_simulation
from tests.helpers import make_scene


def _crash(prompt: str):
    scene = scene_from_document(plan_offline(prompt).document)
    result = simulate(scene, None)
    checks = {c["check"] + str(c["subject"]): c for c in check_simulation(scene, result)
              if c["passed"] is not None}  # on_screen needs the render
    assert all(c["passed"] for c in checks.values()), checks
    first = min(c["time"] for c in result.events["collisions"]
                if sorted(c["bodies"]) == ["car", "tank"])
    return result.recording, first, result.events["deformations"]


def _deepest(dents: list[dict], body: str) -> float:
    return max((d["depth"] for d in dents if d["body"] == body), default=0.0)


def _speed(rec, name: str, t: float) -> float:
    return float(rec.linvel[name][np.searchsorted(rec.times, t), 0])


@pytest.mark.parametrize(("kind", "mass"), [("car", 1400), ("tank", 60000), ("truck", 11000),
                                            ("bus", 12000), ("cart", 24),
                                            ("monster_truck", 5200)])
def test_vehicles_have_their_real_masses(kind, mass):
    assert VEHICLES[kind].mass == pytest.approx(mass, rel=0.05)


@pytest.mark.parametrize("prompt", ["A bus crashes into a car", "A truck drives into a wall",
                                    "A cart rolls into a wall"])
def test_other_vehicles_plan_and_verify(prompt):
    scene = scene_from_document(plan_offline(prompt).document)
    result = simulate(scene, None)
    checks = [c for c in check_simulation(scene, result) if c["passed"] is not None]
    assert len(checks) >= 2 and all(c["passed"] for c in checks), checks  # None: on render


def test_a_tank_shoves_a_parked_car_aside_and_drives_on():
    rec, hit, dents = _crash("A tank drives into a parked car")
    assert rec.pos["car"][-1, 0] - rec.pos["car"][0, 0] > 1.0
    # 17 kJ lost in the impact over the car's 250 kN crush force; the armour takes none
    assert 0.04 < _deepest(dents, "car") < 0.12
    assert not [d for d in dents if d["body"].startswith("tank")]
    before, after = _speed(rec, "tank", hit - 0.05), _speed(rec, "tank", hit + 0.3)
    assert after > 0.8 * before  # it keeps most of its speed
    # through the impact the pair moves on together, as a perfectly inelastic estimate says
    tank, car = VEHICLES["tank"].mass, VEHICLES["car"].mass
    estimate = tank * before / (tank + car)
    assert _speed(rec, "car", hit + 0.1) == pytest.approx(estimate, rel=0.2)


def test_a_car_driven_into_a_tank_stops_and_the_tank_barely_moves():
    rec, hit, dents = _crash("A car crashes into a tank")
    assert _deepest(dents, "car") > 0.3  # its crumple zone spent: 134 kJ at 50 km/h
    assert not [d for d in dents if d["body"].startswith("tank")]
    before = _speed(rec, "car", hit - 0.05)
    assert before == pytest.approx(VEHICLES["car"].speed, rel=0.1)
    assert abs(_speed(rec, "car", hit + 0.2)) < 0.1 * before
    assert np.linalg.norm(rec.pos["tank"][-1] - rec.pos["tank"][0]) < 0.1
    tank, car = VEHICLES["tank"].mass, VEHICLES["car"].mass
    estimate = car * before / (tank + car)  # 0.3 m/s; the tank's brakes take it back
    peak = max(_speed(rec, "tank", hit + dt) for dt in (0.02, 0.04, 0.06))
    assert peak == pytest.approx(estimate, rel=0.2)


def test_driven_vehicles_rerun_bit_identical():
    scene = scene_from_document(plan_offline("A tank drives into a car").document)
    one, two = simulate(scene, None), simulate(scene, None)
    assert one.events["deformations"] and one.events["deformations"] == \
        two.events["deformations"]
    for name in one.recording.pos:
        assert np.array_equal(one.recording.pos[name], two.recording.pos[name], equal_nan=True)


def test_a_toy_car_or_a_tank_of_water_is_no_vehicle():
    for prompt in ("A toy car rolls down a ramp", "An iron block sinks in a tank of water"):
        scene = scene_from_document(plan_offline(prompt).document)
        assert not scene.joints, prompt


def _parked(heading: int):
    plan = Plan(name="drive")
    vehicle(plan, "car", "car", 0.0, heading, None)
    return [item.data for item in plan.bodies], [item.data for item in plan.joints]


@pytest.mark.parametrize("heading", [1, -1])
def test_a_parked_car_drives_forward_when_told_and_stops_when_braked(heading):
    bodies, joints = _parked(heading)
    scene = make_scene(duration=4.0, bodies=bodies, joints=joints, events=[
        {"at": 0.2, "drive": {"vehicle": "car", "speed": 8.0}}, {"at": 2.5, "brake": "car"}])
    result = simulate(scene, None)
    rec = result.recording
    assert _speed(rec, "car", 0.15) == pytest.approx(0.0, abs=1e-3)  # parked: braked
    assert heading * _speed(rec, "car", 2.4) == pytest.approx(8.0, rel=0.02)  # forward
    assert abs(_speed(rec, "car", 3.9)) < 0.05  # braked to a stop
    assert [e["kind"] for e in result.events["events"]] == ["drive", "brake"]


@pytest.mark.parametrize(("vehicle", "fragment"), [("crate", "no wheels"),
                                                  ("crat", "did you mean 'crate'")])
def test_a_drive_needs_a_body_with_wheels(tmp_path, vehicle, fragment):
    path = tmp_path / "scene.yaml"
    path.write_text("name: x\nbodies:\n  - {name: crate, asset: box}\n"
                    f"events:\n  - {{at: 0.5, drive: {{vehicle: {vehicle}, speed: 3}}}}\n")
    with pytest.raises(UserError) as info:
        load_scene(path)
    (problem,) = info.value.problems
    assert problem.field == "events[0].drive.vehicle" and fragment in problem.message


def test_a_car_listed_wheel_first_still_drives_at_its_speed():
    bodies, joints = _parked(1)
    bodies = bodies[2:3] + bodies[:2] + bodies[3:]  # a wheel roots the tree: the hull is `b`
    scene = make_scene(duration=3.0, bodies=bodies, joints=joints,
                       events=[{"at": 0.2, "drive": {"vehicle": "car", "speed": 8.0}}])
    rec = simulate(scene, None).recording
    assert _speed(rec, "car", 2.9) == pytest.approx(8.0, rel=0.02)


@pytest.mark.parametrize("prompt", ["A ball rolls into a fish tank",
                                    "A bus stop sign is hit by a ball",
                                    "A ball hits a parked car"])
def test_a_vehicle_word_that_is_not_the_subject_is_no_crash(prompt):
    assert plan_offline(prompt).notes[0] != "scenario: vehicles"


def _steered(angle: float, duration: float = 2.5):
    """A car at 5 m/s, steerable (front wheels on knuckles), steered at t = 0.3 s."""
    plan = Plan(name="turn")
    vehicle(plan, "car", "car", 0.0, 1, 5.0, steerable=True)
    return scene_from_document({
        "name": "turn", "duration": duration,
        "world": {"ground": {"material": "concrete", "size": 150}},
        "bodies": [b.data for b in plan.bodies], "joints": [j.data for j in plan.joints],
        "events": [{"at": 0.3, "steer": {"vehicle": "car", "angle": angle}}]})


def _yaw_rate(rec, start: float, end: float) -> tuple[float, float]:
    """Mean yaw rate (rad/s) of the car's hull and its mean speed over [start, end]."""
    frames = slice(np.searchsorted(rec.times, start), np.searchsorted(rec.times, end))
    spin = rec.angvel["car"][frames, 2].mean()
    return float(spin), float(np.linalg.norm(rec.linvel["car"][frames, :2], axis=1).mean())


@pytest.mark.parametrize("angle", [15.0, -15.0])
def test_a_steered_car_turns_as_its_wheelbase_says(angle):
    """Low-speed cornering (the bicycle model): yaw rate = v tan(angle) / wheelbase."""
    rec = simulate(_steered(angle), None).recording
    rate, speed = _yaw_rate(rec, 0.8, 2.5)
    wheelbase = 2 * VEHICLES["car"].axle_span
    assert rate == pytest.approx(speed * math.tan(math.radians(angle)) / wheelbase, rel=0.15)
    straight, _ = _yaw_rate(rec, 0.0, 0.3)
    assert abs(straight) < 0.01  # held straight until steered


def test_steering_a_vehicle_without_knuckles_is_refused():
    plan = Plan(name="turn")
    vehicle(plan, "car", "car", 0.0, 1, 5.0)
    document = {"name": "turn", "bodies": [b.data for b in plan.bodies],
                "joints": [j.data for j in plan.joints],
                "events": [{"at": 0.3, "steer": {"vehicle": "car", "angle": 10}}]}
    with pytest.raises(UserError, match="has no steering") as raised:
        scene_from_document(document)
    assert "events[0].steer.vehicle" in str(raised.value)


def test_a_tank_driven_through_a_brick_wall_meets_loose_bricks_wider_than_itself():
    document = plan_offline("a tank drives through a brick wall").document
    bricks = [b for b in document["bodies"] if b["name"].startswith("brick_")]
    assert bricks and not any(b.get("static") for b in bricks)
    across = max(b["position"][1] for b in bricks) - min(b["position"][1] for b in bricks)
    assert across > VEHICLES["tank"].hull[1]
    checks = {next(iter(e)) for e in document["expect"]}
    assert {"contacts", "moves_less_than"} <= checks and "crushes" not in checks


def test_a_pickup_truck_knocks_down_the_stack_of_boxes_the_prompt_counts():
    prompt = "A red pickup truck drives into a stack of 12 cardboard boxes in a warehouse"
    document = plan_offline(prompt).document
    boxes = [b for b in document["bodies"] if b["name"].startswith("box_")]
    assert len(boxes) == 12 and {b["material"] for b in boxes} == {"cardboard"}
    scene = scene_from_document(document)
    results = [r for r in check_simulation(scene, simulate(scene, None))
               if r["passed"] is not None]
    assert {r["check"] for r in results} == {"contacts", "moves_less_than"}
    assert all(r["passed"] for r in results), results


def test_a_tank_drives_through_a_wooden_fence_and_its_planks_fly():
    from planner.offline.claims import draft_claims

    draft = plan_offline("a battle tank drives straight through a wooden fence and the planks "
                         "go flying")
    planks = [b for b in draft.document["bodies"] if b["name"].startswith("plank_")]
    assert len(planks) > 30 and all(b["params"]["height"] == 1.0 for b in planks)
    scene = scene_from_document(draft.document)
    results = [r for r in check_simulation(scene, simulate(scene, None))
               if r["passed"] is not None]
    assert all(r["passed"] for r in results), results
    claims = {c.text: c.fate for c in draft_claims(draft, scene, results)}
    assert claims["wooden fence"] == "stood_in" and claims["planks"] == "stood_in"
    assert claims["go flying"] == "checked"


def test_a_truck_carrying_boxes_into_a_wall_keeps_the_wall_and_four_boxes_stack():
    carried = plan_offline("a truck carrying 20 boxes crashes into a wall").document
    assert any(b["name"] == "wall" and b.get("static") for b in carried["bodies"])
    four = plan_offline("a truck drives into a stack of 4 boxes").document
    assert sum(b["name"].startswith("box_") for b in four["bodies"]) == 4


def test_a_vehicle_is_the_colour_the_prompt_gives_it():
    document = plan_offline("a blue car crashes into a red truck").document
    colours = {b["name"]: b["color"] for b in document["bodies"] if b["name"] in ("car", "truck")}
    assert colours["car"][2] > colours["car"][0] and colours["truck"][0] > colours["truck"][2]


def test_a_monster_truck_flies_off_a_ramp_and_lands_on_the_cars_parked_across_its_path():
    """Before: no truck, no cars and no row; the ramp alone, with a throw of nothing."""
    draft = plan_offline("monster truck launches off a wooden ramp and lands on a row of 5 old "
                         "cars")
    scene = scene_from_document(draft.document)
    hulls = [b for b in scene.bodies if b.name == "car" or b.name.startswith("car_")
             and b.name[4:].isdigit()]
    assert len(hulls) == 5 and {b.rotation[2] for b in hulls} == {90.0}  # crosswise
    assert [b.material for b in scene.bodies if b.asset == "ramp"] == ["wood"]
    result = simulate(scene, None)
    checks = {(c["check"], c["negated"]): c for c in check_simulation(scene, result)}
    assert checks[("contacts", True)]["passed"], checks  # in the air, touching nothing
    assert checks[("contacts", False)]["passed"], checks  # then down on the cars
    peak = float(np.nanmax(result.recording.pos["monster_truck_wheel_2_left"][:, 2]))
    assert peak > 2.0  # its 0.83 m wheel well above the lip's 1.5 m
    claims = {c.text: c.fate for c in draft_claims(draft, scene, [])}
    assert claims["monster truck"] == "planned" and claims["5 x cars"] == "planned"
    assert claims["row of 5 old cars"] == "planned" and "row of" not in claims


def test_a_car_that_jumps_onto_parked_cars_is_named_apart_from_them():
    """The jumping car was 'car' and so was the first parked one: two bodies of one name."""
    document = plan_offline("a car jumps off a ramp and lands on 3 parked cars").document
    names = [b["name"] for b in document["bodies"]]
    assert len(names) == len(set(names))
    assert {"car", "car_2", "car_3", "car_4"} <= set(names)
    (landing,) = [e for e in document["expect"] if not e.get("not")]
    assert landing["with"] == "car_[2-9]*"  # the parked ones, not its own parts
    draft = plan_offline("a car jumps off a ramp and lands on 3 parked cars")
    claims = {c.text for c in draft_claims(draft, scene_from_document(draft.document), [])}
    assert "3 x cars" in claims  # not the jumping car counted among them
