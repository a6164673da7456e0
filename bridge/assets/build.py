"""Public entry points of the asset library: geometry, mass properties and appearance.

Library geometry is cached in-process: treat a returned Geometry as read-only.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import trimesh
from scipy.spatial.transform import Rotation

from bridge.assets import furniture, objects, play, tableware
from bridge.assets.geometry import Geometry
from bridge.assets.meshes import load_user_mesh
from bridge.assets.registry import ASSETS, default_material
from bridge.assets.shapes import scale_shape
from bridge.materials import Material, get_material
from bridge.schema import Body

BUILDERS = {**furniture.BUILDERS, **tableware.BUILDERS, **play.BUILDERS, **objects.BUILDERS}

# Colours of the real objects, used while a body keeps its asset's default material.
ASSET_COLORS: dict[str, tuple[float, float, float]] = {
    "ball": (0.8, 0.12, 0.1), "basketball": (0.85, 0.35, 0.08),
    "tennis_ball": (0.8, 0.9, 0.2), "soccer_ball": (0.95, 0.95, 0.95),
    "beach_ball": (0.95, 0.3, 0.25), "billiard_ball": (0.95, 0.95, 0.92),
    "bowling_ball": (0.08, 0.1, 0.3), "baseball": (0.95, 0.93, 0.88),
    "bowling_pin": (0.97, 0.97, 0.95), "brick": (0.6, 0.25, 0.16), "book": (0.2, 0.3, 0.55),
}


@dataclass(frozen=True)
class MassProperties:
    mass: float  # kg
    com: np.ndarray  # [3] centre of mass, body frame
    inertia_diagonal: np.ndarray  # [3] principal moments, kg m^2
    inertia_quat: np.ndarray  # [4] xyzw orientation of the principal axes, body frame


@dataclass(frozen=True)
class Appearance:
    base_color: tuple[float, float, float]  # linear RGB
    metallic: float
    roughness: float
    alpha: float  # 1 - transparency


def asset_params(body: Body) -> dict[str, float]:
    """The body's asset parameters with the script's overrides applied."""
    return {**ASSETS[body.asset].params, **body.params}


def geometry_for(body: Body, scene_dir: Path | None) -> Geometry:
    """The body's visual mesh and collision parts, with params and scale applied."""
    scale = tuple(float(s) for s in np.broadcast_to(body.scale, 3))
    if body.mesh is not None:
        shape = load_user_mesh(body.name, body.mesh, scene_dir)
        return Geometry(*scale_shape(shape, np.array(scale)))
    return _library(body.asset, tuple(sorted(asset_params(body).items())), scale)


def library_geometry(asset: str, params: dict[str, float]) -> Geometry:
    """A library asset's geometry at its size, `params` over its defaults."""
    return _library(asset, tuple(sorted({**ASSETS[asset].params, **params}.items())),
                    (1.0, 1.0, 1.0))


@lru_cache(maxsize=512)
def _library(asset: str, params: tuple[tuple[str, float], ...],
             scale: tuple[float, float, float]) -> Geometry:
    shape = BUILDERS[asset](dict(params))
    if scale != (1.0, 1.0, 1.0):
        shape = scale_shape(shape, np.array(scale))
    return Geometry(*shape, hollow=ASSETS[asset].hollow)


def material_for(body: Body) -> Material:
    """The body's material: its own, else its asset's (or a user mesh's) default."""
    return get_material(body.material or default_material(body.asset))


def mass_properties(geometry: Geometry, body: Body) -> MassProperties:
    """Mass, centre of mass and principal inertia of the body's solid visual mesh."""
    return properties_with_mass(geometry, _mass(body, solid_volume(geometry)))


def solid_volume(geometry: Geometry) -> float:
    return float(_solid(geometry).mass_properties.volume)


def properties_with_mass(geometry: Geometry, mass: float) -> MassProperties:
    """Centre of mass and principal inertia of the solid, scaled to `mass`."""
    props = _solid(geometry).mass_properties  # at unit density, so props.mass is the volume
    moments, quat = _principal(props.inertia * (mass / props.mass))
    return MassProperties(float(mass), np.asarray(props.center_mass), moments, quat)


def _solid(geometry: Geometry) -> trimesh.Trimesh:
    """The visual mesh, or its hull when it is open (no inside to weigh)."""
    return geometry.visual if geometry.visual.is_watertight else geometry.visual.convex_hull


def _mass(body: Body, volume: float) -> float:
    """The script's mass, else the real object's (scaled with volume), else density x volume."""
    if body.mass is not None:
        return body.mass
    spec = ASSETS.get(body.asset) if body.asset else None
    if spec is not None and spec.mass is not None and body.material in (None, spec.material):
        default = _library(spec.name, tuple(sorted(spec.params.items())), (1.0, 1.0, 1.0))
        return spec.mass * volume / default.visual.volume
    return material_for(body).density * volume


def _principal(inertia: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Principal moments and the xyzw rotation of their axes; identity when already diagonal."""
    diagonal = np.diag(inertia).copy()
    if np.abs(inertia - np.diag(diagonal)).max() <= 1e-9 * np.abs(diagonal).max():
        return diagonal, np.array([0.0, 0.0, 0.0, 1.0])
    moments, axes = np.linalg.eigh(inertia)
    if np.linalg.det(axes) < 0:
        axes[:, 0] = -axes[:, 0]
    return moments, Rotation.from_matrix(axes).as_quat()


def appearance_for(body: Body) -> Appearance:
    """Base colour from the script, else the real object's, else the material's."""
    material = material_for(body)
    color = body.color
    if color is None and body.material in (None, default_material(body.asset)):
        color = ASSET_COLORS.get(body.asset or "")
    return Appearance(tuple(color or material.base_color), material.metallic,
                      material.roughness, 1.0 - material.transparency)
