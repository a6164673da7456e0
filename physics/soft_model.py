"""Soft bodies in the cloth's MuJoCo world, and the hands that squeeze and press them.

A soft body is a flex of tetrahedra whose motion is interpolated from 27 control nodes
(MuJoCo's `dof="quadratic"`): it squashes, bulges and wobbles, at a cost that does not grow
with its mesh. Its volumetric elasticity on every node (`dof="full"`) was measured and
dropped: MuJoCo 4's implicit solve did not converge for it, and a squeezed duck collapsed.

A hand is a palm: a flat box that meets only the flexes, weightless, free to slide but not
to turn, and parked far below the scene until its event. A squeeze brings two palms to the
body's two ends along its axis, a press one palm to the side the force comes from; each is
then pushed with the event's force, so the force reaches the body through contact, spread
over the palm as a hand's is.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bridge.palms import PALM_THICKNESS, palm_shapes
from bridge.schema import Scene
from bridge.soft import soft_mesh, volume
from bridge.soft_schema import Soft
from physics.cloth_model import (
    CLOTH_CONTACT,
    FLEX_RADIUS,
    PARKED,
    SHADOW,
    flex_contact,
    match_vertices,
)

PALM_MASS = 0.3  # kg: about a hand's; gravity does not act on it
# N s/m on each slide: a hand closes at F / 60 m/s at most, slow enough not to pass through
# what it squeezes (a 50 g palm with no damping went through a sponge: measured)
PALM_DAMPING = 60.0
PALM_FRICTION = 1.0  # skin holds what it squeezes (MuJoCo takes the larger of two frictions)


@dataclass
class Solid:
    """One soft body in the MuJoCo world."""

    soft: Soft
    flex_vertices: np.ndarray  # [N] MuJoCo flex vertex of each of our nodes
    controls: np.ndarray  # the MuJoCo bodies of the control nodes that carry them
    mass: float  # kg


@dataclass
class Palm:
    """One hand's palm in the MuJoCo world."""

    body: int
    qpos: int  # first of its three slides' addresses (x, y, z, world frame)
    dof: int


def solid_xml(soft: Soft, scene_dir: Path | None) -> str:
    """A soft body's flexcomp: its nodes and tetrahedra, as the script's mesh has them."""
    mesh = soft_mesh(soft, scene_dir)
    mechanics = soft.mechanics
    points = " ".join(f"{v:.9g}" for v in mesh.nodes.ravel())
    elements = " ".join(str(k) for k in mesh.tets.ravel())
    mass = mechanics.density * float(volume(mesh.nodes, mesh))
    return (f'<flexcomp name="{soft.name}" type="direct" dim="3" dof="quadratic" '
            f'point="{points}" element="{elements}" radius="{FLEX_RADIUS}" mass="{mass:.9g}">'
            '<edge equality="false"/>'
            f'<elasticity young="{mechanics.young:.9g}" poisson="{mechanics.poisson}" '
            f'damping="{mechanics.damping:.9g}"/>'
            f'{flex_contact(mechanics.friction)}</flexcomp>')


def palms_xml(scene: Scene) -> str:
    """The palms of every squeeze and press in the script, parked."""
    bodies = []
    for index, shape in palm_shapes(scene).items():
        bodies += [_palm_xml(index, k, shape.half_side, shape.quat) for k in range(shape.count)]
    return "".join(bodies)


def _palm_xml(event: int, k: int, side: float, quat: np.ndarray) -> str:
    name = palm_name(event, k)
    slides = "".join(f'<joint name="{name}/{axis}" type="slide" axis="{vector}" '
                     f'damping="{PALM_DAMPING}"/>'
                     for axis, vector in (("x", "1 0 0"), ("y", "0 1 0"), ("z", "0 0 1")))
    x, y, z, w = (float(v) for v in quat)
    return (f'<body name="{name}" pos="0 0 {PARKED - event - k / 2:.9g}" gravcomp="1">{slides}'
            f'<geom type="box" size="{side:.9g} {side:.9g} {PALM_THICKNESS / 2:.9g}" '
            f'quat="{w:.12g} {x:.12g} {y:.12g} {z:.12g}" mass="{PALM_MASS}" '
            f'friction="{PALM_FRICTION}" contype="{SHADOW}" conaffinity="0" {CLOTH_CONTACT}/>'
            '</body>')


def palm_name(event: int, k: int) -> str:
    return f"palm:{event}:{k}"


def solids_of(model, data, softs: list[Soft], first_flex: int,
              scene_dir: Path | None) -> list[Solid]:
    """Each soft body's node map into the compiled model (its flexes follow the cloth's)."""
    found = []
    for index, soft in enumerate(softs, start=first_flex):
        start, count = model.flex_vertadr[index], model.flex_vertnum[index]
        mesh = soft_mesh(soft, scene_dir)
        order = match_vertices(mesh.nodes, data.flexvert_xpos[start:start + count]) + start
        first, nodes = model.flex_nodeadr[index], model.flex_nodenum[index]
        controls = model.flex_nodebodyid[first:first + nodes]
        found.append(Solid(soft, order, controls, float(model.body_mass[controls].sum())))
    return found


def palms_of(model, scene: Scene) -> dict[int, list[Palm]]:
    """Per squeeze or press event, its palms in the compiled model."""
    import mujoco

    found: dict[int, list[Palm]] = {}
    for index, shape in palm_shapes(scene).items():
        for k in range(shape.count):
            body = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_BODY, palm_name(index, k))
            joint = model.body_jntadr[body]
            found.setdefault(index, []).append(
                Palm(body, int(model.jnt_qposadr[joint]), int(model.jnt_dofadr[joint])))
    return found
