"""Turning mentioned objects into bodies: names, materials, sizes, fill and breakability."""
from __future__ import annotations

import math

from bridge.assets.build import geometry_for, solid_volume
from bridge.assets.geometry import Geometry
from bridge.assets.nesting import stack_pitch as nested_pitch
from bridge.assets.registry import ASSETS, default_material
from bridge.liquid_schema import Liquid
from bridge.materials import MATERIALS
from bridge.schema import Body
from planner.offline import lexicon as lx
from planner.offline.layout import SPHERES, Item, Plan, density, extent, params_of
from planner.offline.parse import Intent, Mention

FILL = 0.4  # share of a container's inner volume a 'full' one holds, so it can slosh
MAX_FILL_ML = 400.0  # keeps the particle count, and the simulation time, small
# A plan's liquid in at most this many particles over BUDGET_SECONDS, fewer for a longer
# shot (the juice glass's 180 ml is 2,113 at the schema's 2.2 mm, about 7 s to simulate its
# 3 s here): more liquid gets coarser particles.
PARTICLE_BUDGET, BUDGET_SECONDS = 2200, 3.0
FINE_RADIUS = Liquid.model_fields["particle_radius"].default

# m between nested things (plates) in a stack at t = 0: Bullet's contact margins hold them
# about 2 mm apart, so they start at rest on each other; eight ceramic plates on a tipping
# tray started 2.5 mm or more apart fell into each other and broke (measured)
NEST_GAP = 0.0015


def material_of(m: Mention) -> str:
    return m.material or ASSETS[m.asset].material


# m: a plastic cup's or bottle's wall. The library's cups have ceramic's 3 mm, which made a
# plastic one twice a real one's weight (five marbles could not knock it over)
PLASTIC_WALL = 0.0015


def params_for(m: Mention, intent: Intent) -> dict[str, float]:
    """Dimension overrides: the noun's own, then a stated size for balls and blocks."""
    params = dict(m.noun.params)
    wall = ASSETS[m.asset].params.get("wall")
    if m.material == "plastic" and wall is not None and wall > PLASTIC_WALL \
            and not m.noun.stand_in:  # a bucket's wall is a bucket's
        params.setdefault("wall", PLASTIC_WALL)
    if intent.size and m.asset in SPHERES:
        params["radius"] = round(intent.size / 2, 4)
    elif intent.size and "length" in ASSETS[m.asset].params:
        params.update(length=intent.size, width=intent.size, height=intent.size)
    return params


def brittle(m: Mention) -> bool:
    return MATERIALS[material_of(m)].brittle


def body_fields(m: Mention, intent: Intent, name: str, position: tuple[float, float, float],
                **extra) -> dict:
    """A body mapping for a mention at `position` (its bottom centre)."""
    data: dict = {"name": name, "asset": m.asset}
    params = params_for(m, intent)
    if params:
        data["params"] = params
    if m.material and m.material != ASSETS[m.asset].material:
        data["material"] = m.material
    if m.color:
        data["color"] = list(m.color)
    data["position"] = [round(v, 4) for v in position]
    weight = lx.WEIGHT_WORDS.get(next((a for a in lx.WEIGHT_WORDS if a in m.adjectives), ""))
    drink = can_density(m, intent)
    if drink is not None:
        can = params_of(m.asset, params)
        data["mass"] = round(drink * math.pi * can["radius"] ** 2 * can["height"], 4)
    elif weight is not None:
        data["mass"] = round(mass_estimate(m, intent) * weight, 4)
    elif m.noun.mass is not None:
        data["mass"] = m.noun.mass
    if m.noun.breaks_at is not None:
        data["breakable"] = {"threshold": m.noun.breaks_at}
    data.update(extra)
    if brittle(m) and m.asset in SPHERES and "breakable" not in data:
        data["breakable"] = False  # a glass ball is solid; it does not shatter like a glass
    return data


def add(plan: Plan, m: Mention, intent: Intent, position: tuple[float, float, float],
        why: str, index: int = 0, **extra) -> str:
    """Add one body for a mention (the index-th of its count) and its liquid; return its name."""
    base = m.noun.label or m.asset
    name = plan.unique(f"{base}_{index + 1:02d}" if m.count > 1 else base)
    plan.body(why, **body_fields(m, intent, name, position, **extra))
    if holds_liquid(m):
        add_liquid(plan, name, m.asset, params_for(m, intent), m.liquid or "water")
    return name


def holds_liquid(m: Mention) -> bool:
    """A hollow container named with a liquid ('a glass of juice') or called full."""
    named = bool(m.liquid) or bool(lx.FULL_WORDS & m.adjectives)
    return named and ASSETS[m.asset].hollow and lx.EMPTY_WORD not in m.adjectives


def capacity_ml(m: Mention, intent: Intent) -> float:
    """About what a hollow container holds: its inner cylinder."""
    return _inner_ml(m.asset, params_for(m, intent))


def _inner_ml(asset: str, params: dict[str, float]) -> float:
    p = params_of(asset, params)
    return math.pi * (p["radius"] - p.get("wall", 0.003)) ** 2 * p["height"] * 1e6


def add_liquid(plan: Plan, container: str, asset: str, params: dict[str, float],
               liquid: str) -> None:
    volume = round(min(_inner_ml(asset, params) * FILL, MAX_FILL_ML))
    item = _liquid_item(container, liquid, volume)
    item.data["name"] = plan.unique(item.data["name"])  # four glasses of water: water_2...
    plan.liquids.append(item)


def size_particles(plan: Plan) -> str | None:
    """Coarser particles for a scene with more liquid than its budget holds at the schema's
    radius (four full glasses, a bottle poured out): each particle costs about the same a
    step, so the plan simulates in seconds, not half a minute. A note, or None where the
    liquid fits."""
    total_ml = sum(item.data["volume_ml"] for item in plan.liquids)
    count = total_ml * 1e-6 / (2 * FINE_RADIUS) ** 3
    budget = round(PARTICLE_BUDGET * BUDGET_SECONDS / max(plan.duration, BUDGET_SECONDS))
    if count <= budget:
        return None
    radius = math.ceil(FINE_RADIUS * (count / budget) ** (1 / 3) * 1e4) / 1e4
    for item in plan.liquids:
        item.data["particle_radius"] = radius
        item.why += (f"; {radius * 1e3:.1f} mm particles, not {FINE_RADIUS * 1e3:.1f}: the "
                     f"scene's {total_ml:g} ml in at most {budget:,} particles (set "
                     f"{FINE_RADIUS} for finer drops, at about {count / budget:.1f}x the time)")
    return (f"liquid: {total_ml:g} ml as {radius * 1e3:.1f} mm particles (at most {budget:,} "
            f"for {plan.duration:g} s; {count:,.0f} at {FINE_RADIUS * 1e3:.1f} mm)")


def _liquid_item(container: str, liquid: str, volume: float):
    from planner.offline.layout import Item

    return Item({**liquid_fields(liquid), "inside": container, "volume_ml": volume},
                f"{liquid}, {volume} ml: about {FILL:.0%} full so it can slosh")


def liquid_fields(liquid: str) -> dict:
    """A named liquid's script name and look ('orange juice': juice, coloured orange)."""
    kind, color = lx.LIQUIDS[liquid]
    look = {"liquid": kind} if color is None else {"liquid": kind, "color": list(color)}
    return {"name": liquid.replace(" ", "_"), **look}


def height_of(m: Mention, intent: Intent) -> float:
    return extent(m.asset, params_for(m, intent))[2]


def stack_pitch(m: Mention, intent: Intent) -> float:
    """m from one piece of a stack to the next: its height, less where it nests (plates)."""
    height, nested = height_of(m, intent), nested_pitch(m.asset, params_for(m, intent))
    return height if nested > height - NEST_GAP else nested + NEST_GAP


def radius_of(m: Mention, intent: Intent) -> float:
    size = extent(m.asset, params_for(m, intent))
    return max(size[0], size[1]) / 2


def body_mass(data: dict) -> float:
    """kg of a body the plan holds: its own `mass`, else its solid's volume times its
    material's density (a tumbler's heavy base included, which mass_estimate leaves out)."""
    if "mass" in data:
        return float(data["mass"])
    body = Body(name=data["name"], asset=data["asset"], params=data.get("params", {}))
    material = data.get("material") or default_material(data["asset"])
    return solid_volume(geometry_for(body, None)) * MATERIALS[material].density


def mass_estimate(m: Mention, intent: Intent) -> float:
    """Rough mass in kg (a shell for hollow containers), to size held forces."""
    spec = ASSETS[m.asset]
    if m.noun.mass is not None:
        return m.noun.mass
    if spec.mass is not None and m.material in (None, spec.material):
        return spec.mass
    p = params_of(m.asset, params_for(m, intent))
    density = MATERIALS[material_of(m)].density
    if spec.hollow:
        area = 2 * math.pi * p["radius"] * p["height"] + math.pi * p["radius"] ** 2
        return area * p.get("wall", 0.003) * density
    x, y, z = extent(m.asset, params_for(m, intent))
    return x * y * z * density * (0.52 if m.asset in SPHERES else 1.0)


def can_density(m: Mention, intent: Intent) -> float | None:
    """A drinks can's mean density by the drink the prompt puts in it ('a can of diet soda',
    'a regular cola can'), or None."""
    if m.asset != "can":
        return None
    after = intent.tokens[m.index + 1:m.index + 4]
    words = (after[1:] if after[:1] == ["of"] else []) + intent.tokens[max(0, m.index - 2):
                                                                        m.index]
    return next((lx.CAN_DRINKS[w] for w in words if w in lx.CAN_DRINKS), None)


def mean_density(m: Mention, intent: Intent) -> float:
    """kg/m^3 over the thing's whole volume, to predict floating: a drinks can's by its
    drink, its own mass where the noun gives one (a ping pong ball's hollow shell), else its
    asset's and material's."""
    drink = can_density(m, intent)
    if drink is not None:
        return drink
    params = params_for(m, intent)
    if m.noun.mass is not None and m.asset in SPHERES:
        return m.noun.mass / (4 / 3 * math.pi * params_of(m.asset, params)["radius"] ** 3)
    return density(m.asset, m.material, params)


def restitution(m: Mention, ground: str) -> float:
    """Bullet's pair coefficient: the product of the two materials' factors."""
    return MATERIALS[material_of(m)].restitution * MATERIALS[ground].restitution


def instances(actors: list[Mention], limit: int) -> list[tuple[Mention, int]]:
    """Each object once per its count, (mention, index), at most `limit` in all."""
    return [(m, k) for m in actors for k in range(m.count)][:limit]


def liquid_item(plan: Plan, container: str) -> Item | None:
    """The plan's liquid poured into `container`, if any."""
    return next((i for i in plan.liquids if i.data.get("inside") == container), None)


def liquid_in(plan: Plan, container: str) -> str | None:
    """The name of the liquid poured into `container`, if any."""
    item = liquid_item(plan, container)
    return None if item is None else item.data["name"]


def geometry_of(m: Mention, intent: Intent) -> Geometry:
    """The library geometry of a mention's asset, with the parameters it is planned with."""
    return geometry_for(Body(name="mention", asset=m.asset, params=params_for(m, intent)), None)
