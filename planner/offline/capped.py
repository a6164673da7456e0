"""A bottle in water said empty or full has its cap on: 'an empty plastic bottle floats while
a full one sinks'. An open bottle would fill and sink; capped, the empty one displaces water
with all of its inside (a sealed cavity). A full one's water is held as its mass, not as a
liquid: it cannot move inside the closed bottle."""
from __future__ import annotations

from dataclasses import dataclass, replace

from bridge.assets.build import geometry_for
from bridge.liquids import LIQUID_KINDS
from bridge.materials import MATERIALS
from bridge.schema import Body
from planner.offline import actors as ac
from planner.offline import lexicon as lx
from planner.offline.parse import Intent, Mention

PET = 1380.0  # kg/m^3: a drinks bottle's plastic (the library's plastic is 1000)
CAP = 0.003  # m: the screw cap on the neck


@dataclass(frozen=True)
class Capped:
    mention: Mention  # without the drink: its water is its mass
    params: dict[str, float]
    mass: float  # kg
    density: float  # kg/m^3 over its whole outside


def capped(m: Mention, intent: Intent) -> Capped | None:
    """The capped bottle a mention in water is, or None where it is no bottle said empty or
    full."""
    full = bool(m.adjectives & lx.FULL_WORDS)
    if m.asset != "bottle" or not (full or lx.EMPTY_WORD in m.adjectives):
        return None
    params = {**ac.params_for(m, intent), "lid": CAP}
    mesh = geometry_for(Body(name="bottle", asset="bottle", params=params), None).visual
    volumes = [part.volume for part in mesh.split(only_watertight=False)]
    outside, inside = max(volumes), -min(volumes)  # the cavity's surface faces inward
    material = ac.material_of(m)
    shell = PET if material == "plastic" else MATERIALS[material].density
    mass = mesh.volume * shell + (inside * LIQUID_KINDS["water"].density if full else 0.0)
    bare = replace(m, adjectives=m.adjectives - lx.FULL_WORDS, liquid=None)
    return Capped(bare, params, round(float(mass), 4), float(mass / outside))
