"""What a Bullet body is in the world: its solid, its script body, and its part key."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bridge.assets.build import MassProperties, material_for
from bridge.assets.geometry import Geometry
from bridge.schema import Body
from bridge.transforms import invert


@dataclass(frozen=True)
class Solid:
    """What a Bullet body is made of: geometry, mass properties and a collision shape."""

    geometry: Geometry  # body frame (a fragment: its parent's frame)
    props: MassProperties
    shape: int  # Bullet collision shape id, built in the centre-of-mass frame

    @property
    def offset(self) -> tuple[np.ndarray, np.ndarray]:
        """The centre-of-mass frame (principal axes) in the body frame."""
        return np.asarray(self.props.com, float), np.asarray(self.props.inertia_quat, float)


def surface_friction(body: Body) -> float:
    """A body's own friction coefficient: its script's, else its material's."""
    return body.friction if body.friction is not None else material_for(body).friction


def part_key(uid: int, link: int) -> int:
    """One int per Bullet body part, as contacts name them: the uid for a free body (link
    -1), above 2^20 for a link of an articulated body."""
    return uid if link < 0 else uid + ((link + 1) << 20)


@dataclass(eq=False)  # one Bullet body: equal only to itself (its solid holds arrays)
class LiveBody:
    name: str
    uid: int
    body: Body  # the script's body; for a fragment, the body it broke from
    solid: Solid
    static: bool
    link: int = -1  # its link in an articulated body; -1: the base (or a free body)
    articulated: bool = False  # part of a multibody held together by joints

    def __post_init__(self) -> None:
        position, quat = invert(*self.solid.offset)
        self.to_origin = (position.tolist(), quat.tolist())  # COM frame -> asset origin
        self.key = part_key(self.uid, self.link)

    @property
    def mass(self) -> float:
        return self.solid.props.mass

    @property
    def inertia(self) -> np.ndarray:
        """Principal moments, kg m^2."""
        return np.asarray(self.solid.props.inertia_diagonal)

    @property
    def offset(self) -> tuple[np.ndarray, np.ndarray]:
        return self.solid.offset

    @property
    def geometry(self) -> Geometry:
        return self.solid.geometry
