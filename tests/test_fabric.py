"""The planner's cloth: a flag in the wind, a curtain in a breeze, a cloth dropped over a body
and the tablecloth pulled from under the dishes, planned, simulated and checked; other cloth
is still refused."""
from __future__ import annotations

import pytest

from bridge.errors import RefusedError
from bridge.loader import scene_from_document
from planner.offline import laundry, plan_offline
from planner.offline.claims import draft_claims
from planner.offline.parse import parse
from tests.helpers import planned

pytestmark = pytest.mark.slow  # each simulates a planned scene


def test_a_flag_in_the_wind_streams_from_its_pole_and_keeps_moving():
    _, scene, results = planned("A silk flag flaps in a strong wind")
    (flag,) = scene.cloth
    assert flag.material == "silk" and flag.pinned == "left"
    assert scene.wind[0].velocity[0] == 12.0  # a strong wind (Beaufort 6)
    assert [(r["check"], r["passed"]) for r in results] == [("flutters", True)], results
    assert scene.world.environment == "none"


@pytest.mark.parametrize("prompt, fast", [
    ("A magician pulls the tablecloth from under the dishes", True),
    ("A man slowly pulls the tablecloth and the plates fall off the table", False),
])
def test_a_tablecloth_pulled_fast_leaves_the_dishes_and_slowly_takes_them(prompt, fast):
    draft, scene, results = planned(prompt)
    (pull,) = [e.pull for e in scene.events if e.pull is not None]
    assert (abs(pull.velocity[0]) >= 3.0) == fast
    stays = [r for r in results if r["check"] == "stays_on"]
    assert len(stays) == len(scene.bodies) - 1 and all(r["negated"] != fast for r in stays)
    # a snatch leaves the tall cup standing too, and that is checked
    assert [(r["check"], r["subject"], r["negated"]) for r in results if r not in stays] == (
        [("falls_over", "cup", True)] if fast else [])
    assert all(r["passed"] for r in results), results
    if fast:
        assert {b.asset for b in scene.bodies} == {"table", "plate", "bowl", "cup"}
    else:  # the man is not a body: the pull is what the shot simulates, and the trace says so
        (claim,) = [c for c in draft.claims if c.text == "man"]
        assert claim.fate == "stood_in" and "pull" in claim.detail


def test_dishes_that_fly_off_are_flung_off_not_left_on_the_table():
    """Before, 'fly off' was not read: the cloth was snatched and every bowl was checked to
    stay on the table, the opposite of the prompt. Then it was a slow pull, on which the
    bowls slid down the hanging cloth and landed too gently to break."""
    from planner.offline import plan_offline

    document = plan_offline("A tablecloth is pulled off a dinner table and the 3 ceramic "
                            "bowls on it fly off").document
    (pull,) = [e["pull"] for e in document["events"] if "pull" in e]
    assert 1.0 <= abs(pull["velocity"][0]) < 3.0
    stays = [e for e in document["expect"] if "stays_on" in e]
    assert len(stays) == 3 and all(e["not"] for e in stays)
    assert not any("shatters" in e for e in document["expect"])  # they are not said to break
    # the cloth that flies off is the trick: the plates stay
    snatched = plan_offline("a magician yanks the tablecloth and it flies off, leaving the "
                            "plates untouched").document
    (pull,) = [e["pull"] for e in snatched["events"] if "pull" in e]
    assert abs(pull["velocity"][0]) >= 3.0


def test_three_ceramic_bowls_flung_off_the_table_break_on_the_floor():
    draft, scene, results = planned("A tablecloth is pulled off a dinner table and the 3 "
                                    "ceramic bowls on it fly off and shatter on the floor")
    assert [r["subject"] for r in results if r["check"] == "shatters"] == [
        "bowl", "bowl_2", "bowl_3"]
    assert scene.world.ground.material == "stone"  # a floor hard enough for it
    assert all(r["passed"] for r in results), results
    claims = {c.text: c for c in draft_claims(draft, scene, results)}
    assert claims["shatter"].fate == "checked"
    assert claims["fly off"].fate == "planned" and "leave the table" in claims["fly off"].detail


def test_six_dishes_stay_put_the_glasses_standing_where_least_cloth_slides_under_them():
    draft, scene, results = planned("a magician yanks the tablecloth out from under 4 plates "
                                    "and 2 wine glasses and everything stays put")
    dishes = [b for b in scene.bodies if b.asset != "table"]
    assert sorted(b.asset for b in dishes) == ["plate"] * 4 + ["wine_glass"] * 2
    glasses = [b.position[0] for b in dishes if b.asset == "wine_glass"]
    assert min(glasses) > max(b.position[0] for b in dishes if b.asset == "plate")
    upright = [r for r in results if r["check"] == "falls_over"]
    assert [r["subject"] for r in upright] == ["wine_glass", "wine_glass_2"]
    assert all(r["passed"] for r in results), results
    fates = {c.text: c.fate for c in draft_claims(draft, scene, results)}
    assert fates["stays put"] == "checked" and fates["magician"] == "stood_in"
    assert fates["yanks the tablecloth out"] == "planned"  # the pull is an event
    assert "dropped" not in fates.values(), fates


@pytest.mark.parametrize("prompt, support", [
    ("A towel falls onto a table and drapes over it", "table"),
    ("A blanket is thrown over a box", "box"),
])
def test_a_cloth_dropped_over_a_body_drapes_over_it(prompt, support):
    _, scene, results = planned(prompt)
    (cloth,) = scene.cloth
    assert cloth.pinned == "none" and cloth.at[2] > scene.bodies[0].position[2]
    assert [(r["check"], r["passed"]) for r in results] == [("drapes_over", True)], results
    assert [b.asset for b in scene.bodies] == [support]


def test_a_curtain_billows_in_a_breeze_hung_from_its_rail():
    _, scene, results = planned("A curtain blows in the breeze")
    (curtain,) = scene.cloth
    assert curtain.pinned == "top" and scene.wind[0].velocity[1] == 1.0  # indoor air
    assert [(r["check"], r["passed"]) for r in results] == [("flutters", True)], results
    assert scene.world.environment == "living_room"


@pytest.mark.parametrize("prompt", ["A towel falls onto the floor",
                                    "A man pulls a rope", "A curtain catches fire",
                                    "A flag falls off a table",
                                    "A ball rolls over the napkin",  # the cloth is no subject
                                    "A heavy box falls over the towel"])
def test_other_cloth_is_still_refused(prompt):
    with pytest.raises(RefusedError):
        plan_offline(prompt)


def test_a_sheet_of_steel_is_no_cloth():
    draft = plan_offline("A steel sheet drops onto the box")
    assert "cloth" not in draft.document


def test_the_dishes_under_a_tablecloth_are_of_the_material_the_prompt_names():
    from planner.offline import plan_offline

    document = plan_offline("a magician yanks the tablecloth out from under 2 plastic plates, "
                            "a porcelain plate and a glass bowl").document
    materials = {b["name"]: b.get("material") for b in document["bodies"]}
    assert materials == {"table": None, "plate": "plastic", "plate_2": "plastic",
                         "plate_3": "porcelain", "bowl": "glass"}


def test_a_curtain_before_an_open_window_has_the_window_behind_it():
    draft, scene, results = planned("a sheer curtain billows in front of an open window on a "
                                    "windy day")
    assert [(r["check"], r["passed"]) for r in results] == [("flutters", True)], results
    (window,) = [b for b in scene.bodies if b.asset == "pane"]
    (curtain,) = scene.cloth
    (wind,) = scene.wind
    # upwind of the curtain, its open casement out of the air's way (its plane holds y)
    assert window.static and window.position[1] < curtain.at[1] and wind.velocity[1] > 0
    sill = next(b for b in scene.bodies if b.name == "window_sill")
    assert window.position[1] < sill.position[1] - 0.4  # swung out, away from the room
    assert sill.position[2] + 0.05 + window.params["height"] < 2.2  # under the curtain's rail
    claims = {c.text: c.fate for c in draft_claims(draft, scene, results)}
    assert claims["window"] == "planned"


SHIRTS = "Wide shot: three shirts hanging on a clothesline flap in the breeze"


def test_shirts_on_a_clothesline_are_three_sheets_pegged_to_a_line_that_flap_in_a_breeze():
    draft, scene, results = planned(SHIRTS)
    cloths = draft.document["cloth"]
    assert [c["name"] for c in cloths] == ["shirt_1", "shirt_2", "shirt_3"]
    assert all(c["pinned"] == "top" and c["size"] == [0.5, 0.7] for c in cloths)
    line = next(b for b in draft.document["bodies"] if b["name"] == "clothesline")
    tops = {round(c["at"][2] + c["size"][1] / 2, 3) for c in cloths}
    assert tops == {round(line["position"][2] + 0.004, 3)}  # each hangs from the line
    assert draft.document["world"]["environment"] == "none"  # out of doors
    assert [r["passed"] for r in results if r["check"] == "flutters"] == [True] * 3
    claims = {c.text: c for c in draft_claims(draft, scene, results)}
    assert claims["3 x shirts"].fate == "planned" and claims["clothesline"].fate == "planned"
    assert claims["flap"].fate == "checked" and claims["breeze"].fate == "stood_in"


def test_washing_named_without_a_count_is_a_few_pieces_and_no_line_is_no_washing():
    cloths = plan_offline("towels on a washing line blowing in the wind").document["cloth"]
    assert len(cloths) == 3 and cloths[0]["size"] == [0.5, 0.9]
    assert not laundry.wanted(parse("three shirts flap in the breeze"))


def test_washing_counts_read_past_colours_and_another_kind_is_not_claimed_as_shirts():
    draft = plan_offline("two white shirts and a towel on a washing line flap in the wind")
    assert [c["name"] for c in draft.document["cloth"]] == ["shirt_1", "shirt_2"]
    claims = {c.text: c for c in draft_claims(draft, scene_from_document(draft.document), [])}
    assert claims["2 x shirts"].fate == "planned"
    assert claims["towel"].fate == "dropped"  # only the first kind is hung


def test_a_towel_slides_off_a_drying_rack_and_drapes_over_the_bucket_below():
    """Refused before: a towel dropped over anything but a table, box or ball, and a rack
    read as a triangle of balls."""
    draft, scene, results = planned("towel falls off a drying rack and drapes over a bucket")
    bodies = {b.name: b for b in scene.bodies}
    assert {"bucket", "rack", "rack_post", "rack_post_2"} <= set(bodies)
    (towel,) = scene.cloth
    rail = bodies["rack"]
    # it starts across the rail, higher than the bucket, most of it on the bucket's side
    assert towel.at[2] > rail.position[2] > bodies["bucket"].params["height"]
    assert towel.at[0] - towel.size[0] / 2 < rail.position[0] < 0.0 < towel.at[0]
    assert [(r["check"], r["passed"]) for r in results] == [("drapes_over", True)], results
    claims = {c.text: c for c in draft_claims(draft, scene, results)}
    assert claims["drying rack"].fate == "planned" and "rack" in claims["drying rack"].detail
    assert claims["bucket"].fate == "stood_in"
    assert not [c for c in claims.values() if c.fate == "dropped"]


def test_a_drying_rack_is_furniture_and_a_rack_of_balls_a_triangle():
    assert parse("towel falls off a drying rack onto a box").arrangement is None
    assert parse("the cue ball breaks the rack of balls").arrangement == "triangle"
    # 'cracks' holds the letters of a rack, not the word
    assert parse("a towel falls off a drying rack onto a box and the box cracks"
                 ).arrangement is None


def test_a_bedsheet_dropped_over_a_chair_hangs_from_its_back_like_a_ghost():
    """Before: the chair was dropped from a metre and the bedsheet left out."""
    draft, scene, results = planned("A white bedsheet dropped over a chair like a ghost "
                                    "costume")
    (sheet,) = scene.cloth
    assert sheet.size == (1.8, 1.8) and sheet.contact_radius > 0.01
    assert [b.name for b in scene.bodies] == ["chair"] and scene.bodies[0].static
    assert [(r["check"], r["passed"]) for r in results] == [("drapes_over", True)], results
    claims = {c.text: c.fate for c in draft_claims(draft, scene, results)}
    assert claims["over a chair"] == "checked" and claims["bedsheet"] == "planned"
