"""The liquid library: a liquid by name brings its density, colour and opacity; what the
script sets itself wins; the particles weigh what the liquid does; the render shows its
opacity."""
from __future__ import annotations

import pytest

from bridge.errors import UserError
from bridge.liquids import LIQUID_KINDS
from bridge.loader import load_scene
from bridge.yamlio import save_document
from physics.liquids import particle_count
from physics.simulate import simulate
from renderer.meshes import liquid_mesh
from tests.helpers import make_scene

GLASS = {"name": "glass", "asset": "tumbler", "position": [0.0, 0.0, 0.0], "static": True}


def liquid_scene(**liquid):
    return make_scene(bodies=[GLASS], duration=0.05,
                      liquids=[{"name": "drink", "inside": "glass", "volume_ml": 60, **liquid}])


def test_a_named_liquid_brings_its_figures_and_the_script_wins():
    milk = liquid_scene(liquid="milk").liquids[0]
    assert (milk.density, milk.color, milk.opacity) == (1033.0, LIQUID_KINDS["milk"].color, 1.0)
    dark = liquid_scene(liquid="milk", color=[0.2, 0.2, 0.2], density=1100).liquids[0]
    assert dark.color == (0.2, 0.2, 0.2) and dark.density == 1100.0
    assert dark.opacity == LIQUID_KINDS["milk"].opacity  # the rest still from the library
    plain = liquid_scene().liquids[0]
    assert plain.liquid == "water" and plain.density == 1000.0


def test_the_library_figures_are_physical():
    # honey is thousands of times as viscous as water; oil floats on water, honey sinks
    kinds = LIQUID_KINDS
    assert kinds["honey"].viscosity > 1000 * kinds["water"].viscosity
    assert kinds["oil"].density < kinds["water"].density < kinds["honey"].density
    assert kinds["oil"].surface_tension < kinds["milk"].surface_tension < \
        kinds["water"].surface_tension
    assert all(0 < k.opacity <= 1 and 0.01 < k.surface_tension < 0.1 for k in kinds.values())


def test_the_particles_weigh_what_the_liquid_does():
    masses = {}
    for kind in ("oil", "honey"):
        scene = liquid_scene(liquid=kind)
        masses[kind] = simulate(scene).masses["drink"]
        assert masses[kind] == pytest.approx(LIQUID_KINDS[kind].density * 60e-6)
    assert masses["honey"] / masses["oil"] == pytest.approx(1420 / 915)
    assert particle_count(liquid_scene(liquid="oil").liquids[0]) == \
        particle_count(liquid_scene(liquid="honey").liquids[0])


def test_milk_renders_opaque_and_water_clear():
    alpha = {kind: liquid_mesh(liquid_scene(liquid=kind).liquids[0])
             .primitives[0].material.baseColorFactor[3] for kind in ("milk", "water")}
    assert alpha["milk"] == 1.0 and alpha["water"] < 0.5


def test_an_unknown_liquid_is_refused_with_a_suggestion(tmp_path):
    path = tmp_path / "scene.yaml"
    save_document({"name": "s", "duration": 0.5, "bodies": [GLASS],
                   "liquids": [{"name": "drink", "liquid": "mlik", "inside": "glass",
                                "volume_ml": 60}]}, path)
    with pytest.raises(UserError) as caught:
        load_scene(path)
    assert "did you mean 'milk'" in str(caught.value)
