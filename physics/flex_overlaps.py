"""Soft bodies that start inside a rigid body or the ground: found in the MuJoCo world they
live in, before anything steps (MuJoCo pushes them out violently, or they fall through).
Cloth may start through a body (a sheet hung beside a pole, through it): MuJoCo pushes its
light vertices out, and it settles."""
from __future__ import annotations

from bridge.schema import GROUND, Scene
from physics.cloth_model import COUPLED_ITERATIONS, model_xml, quiet_mujoco
from physics.soft_model import solid_xml
from physics.world import World

FLEX_OVERLAP_M = 0.005  # deeper than this at t = 0 is refused


def flex_overlaps(world: World, scene: Scene) -> list[tuple[tuple, str]]:
    """(script path, message) for each soft body deeper than FLEX_OVERLAP_M inside a body or
    the ground at t = 0: its deepest overlap."""
    import mujoco

    quiet_mujoco()
    xml = model_xml(world, scene.cloth, [solid_xml(s, world.scene_dir) for s in scene.soft],
                    1.0, world.dt, COUPLED_ITERATIONS)
    model = mujoco.MjModel.from_xml_string(xml)
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    flexes = [None] * len(scene.cloth) + [("soft", i, s.name) for i, s in
                                          enumerate(scene.soft)]
    deepest: dict[int, tuple[float, str]] = {}
    for i in range(data.ncon):
        flex, geom = int(data.contact.flex[i].max()), int(data.contact.geom[i].max())
        depth = -float(data.contact.dist[i])
        if flex < len(scene.cloth) or geom < 0 \
                or depth <= max(FLEX_OVERLAP_M, deepest.get(flex, (0, ""))[0]):
            continue
        deepest[flex] = (depth, _owner(model, geom))
    items = []
    for flex, (depth, other) in sorted(deepest.items()):
        section, index, name = flexes[flex]
        items.append(((section, index, "at"), World.overlap_message(name, other, depth)))
    return items


def _owner(model, geom: int) -> str:
    """The script name of the body a shadow geom belongs to ('ground' for the ground's)."""
    import mujoco

    body = int(model.geom_bodyid[geom])
    name = mujoco.mj_id2name(model, mujoco.mjtObj.mjOBJ_BODY, body) or ""
    return name.split(":", 1)[1] if ":" in name else GROUND

