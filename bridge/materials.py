"""The material library: density, contact dynamics, fracture toughness and PBR appearance.

Densities and toughness are typical room-temperature figures from engineering tables.
Friction and restitution are per-material *factors*: Bullet multiplies the two bodies' values to
get the pair's coefficient, so the factors are set so that common pairs come out realistic
(rubber on stone: restitution 0.81, friction 0.9; billiard ball on ball: restitution 0.94,
friction 0.09; wood on wood: friction 0.42). Yield strengths are flow stresses of common
grades: mild steel 250 MPa, can and panel aluminium 200, plastics 40, corrugated board 10.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Material:
    name: str
    density: float  # kg/m^3
    friction: float  # sliding friction factor (pair coefficient = product of the two)
    rolling_friction: float  # metres (Bullet's rolling resistance length)
    spinning_friction: float  # metres (torsional)
    restitution: float  # restitution factor, 0..1 (pair coefficient = product of the two)
    toughness: float | None  # fracture toughness K_IC in MPa*sqrt(m); None = ductile
    base_color: tuple[float, float, float]
    metallic: float = 0.0
    roughness: float = 0.5
    transparency: float = 0.0  # 0 opaque .. 1 invisible
    # Soft contact for foams, None = rigid. Bullet applies it per contact point, and a face
    # touching a face makes about 4 to 8 points, so these are a fraction of the mat's values.
    contact_stiffness: float | None = None  # N/m per contact point
    contact_damping: float | None = None  # N*s/m per contact point
    brittle: bool = False  # bodies of it are breakable unless the script says otherwise
    # MPa, the flow stress of a ductile material: what a crushable body of it dents at
    # (see bridge/crushable.py); None: it does not dent plastically
    yield_strength: float | None = None
    break_color: tuple[float, float, float] | None = None  # fresh fracture surfaces
    break_roughness: float = 0.8
    color_name: str = ""  # the base colour in words, for the catalogue
    pattern: str | None = None  # procedural surface detail the renderer lays on it


def _m(name: str, density: float, friction: float, rolling: float, restitution: float,
       toughness: float | None, color: tuple[float, float, float], **appearance) -> Material:
    return Material(name, density, friction, rolling, rolling, restitution, toughness, color,
                    **appearance)


MATERIALS: dict[str, Material] = {m.name: m for m in [
    _m("glass", 2500, 0.7, 0.0002, 0.7, 0.75, (0.86, 0.93, 0.96), roughness=0.05,
       transparency=0.7, brittle=True, break_color=(0.8, 0.9, 0.85), break_roughness=0.3,
       color_name="clear, faintly blue"),
    _m("wood", 700, 0.65, 0.001, 0.65, 5.0, (0.62, 0.44, 0.26), roughness=0.7,
       color_name="light brown", pattern="wood"),
    _m("steel", 7850, 0.7, 0.0001, 0.85, None, (0.72, 0.73, 0.75), metallic=1.0, roughness=0.3,
       color_name="silver-grey", pattern="brushed_metal", yield_strength=250.0),
    _m("aluminium", 2700, 0.7, 0.0002, 0.75, None, (0.85, 0.86, 0.88), metallic=1.0,
       roughness=0.35, color_name="bright silver", pattern="brushed_metal",
       yield_strength=200.0),
    _m("iron", 7870, 0.75, 0.0002, 0.6, None, (0.36, 0.35, 0.34), metallic=1.0, roughness=0.6,
       color_name="dark grey", pattern="brushed_metal", yield_strength=200.0),
    _m("rubber", 1100, 1.0, 0.002, 0.9, None, (0.12, 0.12, 0.12), roughness=0.9,
       color_name="near-black"),
    _m("plastic", 1000, 0.6, 0.0005, 0.75, None, (0.85, 0.2, 0.2), roughness=0.4,
       color_name="red", yield_strength=40.0),
    _m("ceramic", 2400, 0.7, 0.0003, 0.6, 1.5, (0.92, 0.9, 0.86), roughness=0.3,
       brittle=True, break_color=(0.78, 0.7, 0.6), color_name="off-white"),
    _m("porcelain", 2400, 0.7, 0.0003, 0.62, 1.0, (0.97, 0.97, 0.98), roughness=0.15,
       brittle=True, break_color=(0.93, 0.92, 0.88), color_name="white"),
    # a floor of glazed ceramic tiles on a screed: it gives like concrete, not like a mug
    # (ceramic's 0.6), so a glass lands on it as hard as on stone
    _m("tile", 2300, 0.6, 0.0003, 0.85, 1.5, (0.88, 0.86, 0.82), roughness=0.25,
       brittle=True, break_color=(0.78, 0.7, 0.6), color_name="off-white", pattern="tiles"),
    _m("stone", 2600, 0.9, 0.0005, 0.9, 1.5, (0.5, 0.5, 0.48), roughness=0.85,
       color_name="grey", pattern="stone"),
    _m("concrete", 2400, 0.95, 0.0005, 0.85, 0.9, (0.62, 0.62, 0.6), roughness=0.95,
       color_name="light grey", pattern="concrete"),
    _m("ice", 917, 0.12, 0.0001, 0.6, 0.12, (0.85, 0.93, 1.0), roughness=0.1, transparency=0.4,
       brittle=True, break_color=(0.95, 0.97, 1.0), color_name="pale blue"),
    _m("foam", 50, 1.0, 0.01, 0.15, None, (0.9, 0.85, 0.5), roughness=1.0,
       contact_stiffness=100.0, contact_damping=0.6, color_name="pale yellow"),
    _m("cardboard", 690, 0.75, 0.002, 0.45, None, (0.7, 0.55, 0.36), roughness=0.95,
       color_name="beige", yield_strength=10.0),
    _m("eggshell", 2300, 0.65, 0.0005, 0.45, 0.3, (0.96, 0.91, 0.82), roughness=0.6,
       brittle=True, break_color=(0.98, 0.96, 0.9), color_name="cream"),
    _m("felt", 400, 0.6, 0.003, 0.6, None, (0.05, 0.4, 0.2), roughness=1.0,
       color_name="billiard-cloth green", pattern="fabric"),
    _m("resin", 1700, 0.3, 0.0002, 0.97, None, (0.95, 0.95, 0.9), roughness=0.1,
       color_name="ivory"),
    _m("leather", 900, 0.8, 0.001, 0.85, None, (0.55, 0.3, 0.15), roughness=0.8,
       color_name="brown"),
    _m("wax", 900, 0.5, 0.001, 0.3, None, (0.95, 0.92, 0.84), roughness=0.45,
       color_name="ivory"),
    _m("cake", 450, 0.9, 0.005, 0.05, None, (0.97, 0.93, 0.9), roughness=0.9,
       color_name="cream frosting"),
    _m("rope", 1150, 0.8, 0.001, 0.2, None, (0.76, 0.66, 0.47), roughness=1.0,
       color_name="hemp", pattern="fabric"),
]}


def get_material(name: str) -> Material:
    """The named material; KeyError lists the valid names."""
    try:
        return MATERIALS[name]
    except KeyError:
        from bridge.suggest import unknown_name
        raise KeyError(unknown_name("material", name, MATERIALS)) from None
