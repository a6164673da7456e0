"""The MuJoCo world the cloth lives in: its sheets as flex grids, and a shadow of every body
PyBullet holds for them to touch.

A shadow has the body's collision parts, mass and inertia, in its centre-of-mass frame (as
Bullet places it); a static body's shadow is fixed, a dynamic one's is a free body whose
state the coupling copies from PyBullet before each cloth step. Shadows touch cloth only, never
each other: PyBullet alone settles rigid contacts. MuJoCo 4's flex needs the discrete
integrator for its elasticity to act (measured; see the README's engine comparison).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from bridge.assets.geometry import CollisionPart
from bridge.cloth import pins, rest_vertices
from bridge.cloth_schema import CONTACT_RADIUS, Cloth
from bridge.materials import MATERIALS
from bridge.soft_schema import Soft
from bridge.transforms import compose, invert, quat_from_euler_deg, quat_to_matrix
from physics.bodies import LiveBody, surface_friction
from physics.world import World

FLEX_RADIUS = CONTACT_RADIUS  # m: half a flex's contact thickness (a sheet may set its own)
# MuJoCo 4's notes that its implicit flex solve converged slowly for a step
SLOW_SOLVE = ("ill-conditioned", "Inertia matrix is too close to singular")
PARKED = -1e3  # m: where a removed body's shadow, or an idle hand, waits far below everything

# Cloth contact: stiffer than MuJoCo's default (a 0.5 kg ball sinks through a sheet), not as
# hard as 1e5 (the sheet then sticks to a table's edge and will not slide off); its damping
# the one that left the dishes of the laid tables tried where they should be (measured)
CLOTH_CONTACT = 'solref="-1e4 -150"'
CLOTH_DAMPING = 1e-3  # s: the fabric's internal (Rayleigh) damping
POISSON = 0.2
# The flex's implicit solve takes at most this many iterations a step: its stretch stays
# under 2% (measured on a swinging 1.5 m x 1 m sheet) at a third of the default's cost. Where
# bodies can move, more: with 30 a slowly pulled tablecloth stalled under a plate (its
# pulled edge tore ahead), with 60 it carried the plate off (measured)
SOLVER_ITERATIONS, COUPLED_ITERATIONS = 30, 60
SHADOW, SHEET = 2, 1  # contact bits: shadows meet sheets, neither meets its own kind


@dataclass
class Sheet:
    """One cloth in the MuJoCo world."""

    cloth: Cloth
    flex_vertices: np.ndarray  # [V] MuJoCo flex vertex index of each of our vertices
    bodies: np.ndarray  # [V] MuJoCo body of each vertex (the world where pinned still)
    qpos: np.ndarray  # [V] first slide-joint qpos address, -1 where pinned still
    dofs: np.ndarray  # [V] first slide-joint dof address, -1 where pinned still
    rest: np.ndarray  # [V, 3] where each vertex starts
    carried: list[tuple[int, str]]  # (vertex, body) for vertices fastened to dynamic bodies


@dataclass
class Shadow:
    """A dynamic PyBullet body's stand-in."""

    name: str
    body: int  # MuJoCo body id
    qpos: int  # free joint's qpos address
    dof: int  # free joint's dof address


def quiet_mujoco() -> None:
    """Send MuJoCo's warnings to the `simshot.cloth` logger (by default it prints them and
    writes them to MUJOCO_LOG.TXT in the working folder): the ones a squeeze raises, its
    implicit solve converging slowly for a step, at info level (they alarm more than they
    tell: the checks judge the outcome); every other, a NaN among them, as a warning."""
    import mujoco

    log = logging.getLogger("simshot.cloth")

    def report(message: str) -> None:
        slow = any(note in message for note in SLOW_SOLVE)
        log.log(logging.INFO if slow else logging.WARNING, "MuJoCo: %s", message)

    mujoco.set_mju_user_warning(report)


def model_xml(world: World, cloths: list[Cloth], solids: list[str], fabric: float, dt: float,
              iterations: int) -> str:
    """The MJCF of the cloth world: the sheets, then the soft bodies' flexes (`solids`).
    `fabric` is the friction the shadows meet every flex with (see `flex_friction`)."""
    assets, bodies = [], []
    for live in world.bodies.values():
        bodies.append(_shadow_xml(live, world, assets, fabric * _friction(live, world)))
    ground = world.scene.world.ground
    if ground is not None:
        bodies.insert(0, f'<geom name="ground" type="plane" size="0 0 1" priority="1" '
                      f'{_bits(SHADOW)} friction="{fabric * _friction(None, world):.4g}" '
                      f'{CLOTH_CONTACT}/>')
    sheets = [_sheet_xml(cloth, _still_pins(cloth, world)) for cloth in cloths]
    gravity = " ".join(f"{g:.9g}" for g in world.gravity)
    return (f'<mujoco><compiler angle="radian"/>'
            f'<option timestep="{dt:.9g}" gravity="{gravity}" integrator="discrete" '
            f'solver="CG" tolerance="1e-8" iterations="{iterations}"/>'
            f'<asset>{"".join(assets)}</asset><worldbody>{"".join(bodies)}{"".join(sheets)}'
            f'{"".join(solids)}</worldbody></mujoco>')


def sheets_of(model, cloths: list[Cloth], world: World) -> list[Sheet]:
    """Each cloth's vertex maps into the compiled model."""
    import mujoco

    found = []
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    for index, cloth in enumerate(cloths):
        start, count = model.flex_vertadr[index], model.flex_vertnum[index]
        rest = rest_vertices(cloth)
        placed = data.flexvert_xpos[start:start + count]
        order = match_vertices(rest, placed) + start
        bodies = model.flex_vertbodyid[order]
        moving = model.body_jntnum[bodies] > 0
        joints = model.body_jntadr[bodies]
        qpos = np.where(moving, model.jnt_qposadr[joints], -1)
        dofs = np.where(moving, model.jnt_dofadr[joints], -1)
        carried = [(k, body) for k, body in pins(cloth)
                   if body is not None and not world.bodies[body].static]
        found.append(Sheet(cloth, order, bodies, qpos, dofs, rest, carried))
    return found


def shadows_of(model, world: World) -> list[Shadow]:
    import mujoco

    found = []
    for name, live in world.bodies.items():
        if live.static:
            continue
        body = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_BODY, shadow_name(name))
        joint = model.body_jntadr[body]
        found.append(Shadow(name, body, int(model.jnt_qposadr[joint]),
                            int(model.jnt_dofadr[joint])))
    return found


def match_vertices(rest: np.ndarray, placed: np.ndarray) -> np.ndarray:
    """For each of our vertices, the flex vertex that sits where it does."""
    distance, order = cKDTree(placed).query(rest)
    if len(set(order.tolist())) != len(order) or distance.max() > 1e-4:
        raise RuntimeError("the flex MuJoCo built does not match the script's")
    return order


def _still_pins(cloth: Cloth, world: World) -> list[int]:
    """Our vertices held still: pinned in place, or to a static body."""
    return [k for k, body in pins(cloth) if body is None or world.bodies[body].static]


def _sheet_xml(cloth: Cloth, still: list[int]) -> str:
    columns, rows = cloth.counts
    du, dv = cloth.size[0] / (columns - 1), cloth.size[1] / (rows - 1)
    # MuJoCo numbers a grid's vertices i * rows + j; ours are j * columns + i
    held = " ".join(str((k % columns) * rows + k // columns) for k in still)
    pin = f'<pin id="{held}"/>' if held else ""
    q = quat_from_euler_deg(cloth.rotation)
    fabric = cloth.fabric
    return (f'<flexcomp name="{cloth.name}" type="grid" dim="2" count="{columns} {rows} 1" '
            f'spacing="{du:.9g} {dv:.9g} 1" pos="{_vec(cloth.at)}" '
            f'quat="{q[3]:.12g} {q[0]:.12g} {q[1]:.12g} {q[2]:.12g}" '
            f'radius="{cloth.contact_radius:.9g}" mass="{cloth.mass:.9g}">'
            '<edge equality="false"/>'
            f'<elasticity young="{fabric.young:.9g}" poisson="{POISSON}" '
            f'thickness="{fabric.thickness:.9g}" elastic2d="stretch" damping="{CLOTH_DAMPING}"/>'
            f'{flex_contact(fabric.friction)}{pin}</flexcomp>')


def flex_contact(friction: float) -> str:
    """A flex's contact: it meets the shadows (never another flex, nor itself)."""
    return (f'<contact selfcollide="none" condim="3" friction="{friction:.4g}" '
            f'{_bits(SHEET)} {CLOTH_CONTACT}/>')


def _shadow_xml(live: LiveBody, world: World, assets: list[str], friction: float) -> str:
    """A body's shadow at its current pose, in its centre-of-mass frame."""
    (com, quat), _ = world.read(live)
    to_com = invert(*live.offset)
    geoms = "".join(_geom_xml(f"{live.name}/{i}", part, to_com, assets, friction)
                    for i, part in enumerate(_touching_parts(live.geometry)))
    inertia = " ".join(f"{max(i, 1e-9):.9g}" for i in live.inertia)
    joint = "" if live.static else "<freejoint/>"
    return (f'<body name="{shadow_name(live.name)}" pos="{_vec(com)}" quat="{_wxyz(quat)}">{joint}'
            f'<inertial pos="0 0 0" mass="{max(live.mass, 1e-6):.9g}" diaginertia="{inertia}"/>'
            f'{geoms}</body>')


def _touching_parts(geometry) -> list[CollisionPart]:
    """The parts cloth meets: the primitives, and one convex hull around all convex parts (the
    pieces a concave body is split into have seams and walls a sliding sheet catches on)."""
    primitives = [part for part in geometry.parts if part.kind != "convex"]
    hulls = [part for part in geometry.parts if part.kind == "convex"]
    if len(hulls) <= 1:
        return primitives + hulls
    points = np.concatenate([part.vertices @ quat_to_matrix(part.quaternion).T + part.position
                             for part in hulls])
    return primitives + [CollisionPart("convex", vertices=points)]


def _geom_xml(name: str, part: CollisionPart, to_com: tuple, assets: list[str],
              friction: float) -> str:
    position, quat = compose(*to_com, part.position, part.quaternion)
    common = (f'name="{name}" pos="{_vec(position)}" quat="{_wxyz(quat)}" {_bits(SHADOW)} '
              f'friction="{friction:.4g}" priority="1" {CLOTH_CONTACT} mass="0"')
    if part.kind == "sphere":
        return f'<geom type="sphere" size="{part.radius:.9g}" {common}/>'
    if part.kind == "box":
        return f'<geom type="box" size="{_vec(part.half_extents)}" {common}/>'
    if part.kind == "cylinder":
        return f'<geom type="cylinder" size="{part.radius:.9g} {part.height / 2:.9g}" {common}/>'
    mesh = f"hull{len(assets)}"
    points = " ".join(f"{x:.7g}" for x in np.asarray(part.vertices).ravel())
    assets.append(f'<mesh name="{mesh}" vertex="{points}" inertia="shell"/>')
    return f'<geom type="mesh" mesh="{mesh}" {common}/>'


def flex_friction(cloths: list[Cloth], softs: list[Soft]) -> float:
    """The friction every flex meets the shadows with: the highest of the fabrics', or where
    there is no cloth of the soft materials' (a soft body beside cloth takes the cloth's).
    PyBullet multiplies two surfaces' friction; MuJoCo takes the larger, or the values of the
    geom of higher priority: the shadows take priority, with this times their own (and the
    cloth's contact stiffness)."""
    if cloths:
        return max(c.fabric.friction for c in cloths)
    return max(s.mechanics.friction for s in softs)


def cloth_friction(world: World, name: str, fabric: float) -> float:
    """The friction between a body and the cloth, as the cloth world has it."""
    return fabric * _friction(world.bodies[name], world)


def _friction(live: LiveBody | None, world: World) -> float:
    """The body's (or the ground's) friction, as PyBullet has it."""
    if live is None:
        return MATERIALS[world.scene.world.ground.material].friction
    return surface_friction(live.body)


def shadow_name(body: str) -> str:
    """A shadow's MuJoCo name (flexcomp names its own vertex bodies)."""
    return f"shadow:{body}"


def _bits(kind: int) -> str:
    other = SHEET if kind == SHADOW else SHADOW
    return f'contype="{kind}" conaffinity="{other}"'


def _vec(values) -> str:
    return " ".join(f"{float(v):.9g}" for v in values)


def _wxyz(xyzw) -> str:
    x, y, z, w = (float(v) for v in xyzw)
    return f"{w:.12g} {x:.12g} {y:.12g} {z:.12g}"
