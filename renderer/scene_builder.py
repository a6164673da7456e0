"""The pyrender scene of a shot: one mesh node per body, fragment, liquid, flame, cloth and soft
body, the water, the ground, the surroundings (`world.environment`) and the lights.

The ground and the surroundings carry id 0, so they are drawn (and have depth) in the
ids-only pass too. Water is no instance: it has no id and is drawn into the colour alone
(see renderer/offscreen.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bridge.assets.build import material_for
from bridge.instances import Instance
from bridge.materials import get_material
from bridge.schema import Light, Scene
from bridge.trajectory import Trajectory
from bridge.transforms import look_at_quat, pose_matrix
from renderer.cloth import cloth_mesh, pose_cloth
from renderer.cutaway import Cutaway
from renderer.dents import DentedMesh, dented_mesh
from renderer.environments import OUTDOOR_SKY, Environment, Part, Sky, build_environment
from renderer.flames import FlameNodes, add_flame, pose_flame
from renderer.framebuffer import encode_id
from renderer.liquid_surface import surface
from renderer.meshes import (
    body_mesh,
    ground_mesh,
    liquid_mesh,
    material,
    set_surface,
    shaded_primitive,
    water_mesh,
)
from renderer.offscreen import pyrender
from renderer.soft import SoftShape, palm_meshes, pose_soft, soft_shape

# metres: pieces of the surroundings no higher than this are painted on the floor: they take
# shadows and a depth offset (renderer/render.py) and never block a view
FLAT_MARKING = 0.01
SHELLS = ("/walls", "/cyclorama")  # one-sided, facing in: culled from behind, never pulled
# A ground of a material reads as a floor of it: wooden boards, tiles of ceramic or stone.
GROUND_PATTERNS = {"wood": "planks", "ceramic": "tiles", "porcelain": "tiles", "stone": "tiles"}

@dataclass
class ShotScene:
    scene: pyrender.Scene
    nodes: dict[str, pyrender.Node]  # body or fragment name -> mesh node
    liquids: dict[str, pyrender.Node]  # liquid name -> surface mesh node, remeshed per frame
    water: list[pyrender.Node]
    seg_colors: dict[pyrender.Node, tuple[int, int, int]]  # id encoded as (low, high, 0)
    bounds: dict[str, np.ndarray]  # body or fragment name -> [2,3] body-frame mesh bounds
    suns: dict[pyrender.Node, np.ndarray]  # directional light node -> travel direction
    shadows: bool  # directional shadows on
    camera: pyrender.Node
    ground: pyrender.Node | None
    surroundings: list[pyrender.Node]  # the environment's parts: drawn, id 0, cast no shadow
    patterns: dict[str, list[pyrender.Primitive]]  # surface pattern -> primitives laid with it
    sky: Sky  # the light of the surroundings (see mesh.frag's sky uniforms)
    cutaway: Cutaway | None = None  # pulls the surroundings out of the camera's sight line
    radii: dict[str, float] = field(default_factory=dict)  # liquid name -> particle radius
    dented: dict[str, DentedMesh] = field(default_factory=dict)  # body name -> its dents
    remeshed: list[pyrender.Primitive] = field(default_factory=list)  # changed this frame
    flames: dict[str, FlameNodes] = field(default_factory=dict)  # flame name -> its nodes
    cloth: dict[str, pyrender.Node] = field(default_factory=dict)  # cloth name -> its sheet
    soft: dict[str, SoftShape] = field(default_factory=dict)  # soft body name -> its skin
    # squeeze or press event -> its palms' nodes, and the rotation that faces each its way
    palms: dict[str, list[tuple[pyrender.Node, np.ndarray]]] = field(default_factory=dict)


def _add_light(pscene: pyrender.Scene, light: Light) -> pyrender.Node | None:
    color = np.asarray(light.color, float)
    if light.kind == "ambient":
        pscene.ambient_light = pscene.ambient_light + color * light.intensity
        return None
    position = np.zeros(3) if light.position is None else np.asarray(light.position, float)
    quat = np.array([0.0, 0.0, 0.0, 1.0])
    if light.direction is not None:  # sun and spot shine along their node's -z, as a camera looks
        quat = look_at_quat(position, position + np.asarray(light.direction, float))
    pose = pose_matrix(position, quat)
    kinds = {"sun": pyrender.DirectionalLight, "point": pyrender.PointLight,
             "spot": pyrender.SpotLight}
    return pscene.add(kinds[light.kind](color=color, intensity=light.intensity), pose=pose)


def build_scene(scene: Scene, instances: list[Instance], scene_dir: Path | None,
                deformations: list[dict] = ()) -> ShotScene:
    """The pyrender scene without its surroundings (`add_surroundings`); `set_frame` then
    places bodies, liquid surfaces and camera, and puts in the dents of `deformations`
    (events.json's) as they happen."""
    pscene = pyrender.Scene(ambient_light=np.zeros(3))
    nodes, liquids, radii, seg_colors, bounds, patterns = {}, {}, {}, {}, {}, {}
    dents: dict[str, list[dict]] = {}
    for dent in deformations:
        dents.setdefault(dent["body"], []).append(dent)
    dented, flames, cloth, soft = {}, {}, {}, {}
    for inst in instances:
        if inst.kind == "flame":
            flames[inst.name] = add_flame(pscene, inst.name, inst.flame.size)
            seg_colors[flames[inst.name].flame] = encode_id(inst.id)
        elif inst.kind == "cloth":
            cloth[inst.name] = pscene.add(cloth_mesh(inst.cloth), name=inst.name)
            seg_colors[cloth[inst.name]] = encode_id(inst.id)
        elif inst.kind == "soft":
            soft[inst.name] = soft_shape(inst.soft, scene_dir)
            seg_colors[pscene.add(soft[inst.name].mesh, name=inst.name)] = encode_id(inst.id)
        elif inst.kind == "liquid":
            node = liquids[inst.name] = pscene.add(liquid_mesh(inst.liquid), name=inst.name)
            seg_colors[node] = encode_id(inst.id)
            radii[inst.name] = inst.liquid.particle_radius
        else:
            if inst.name in dents and inst.kind == "rigid":
                mesh, bounds[inst.name], dented[inst.name] = dented_mesh(
                    inst, scene_dir, dents[inst.name])
            else:
                mesh, bounds[inst.name] = body_mesh(inst, scene, scene_dir)
            node = nodes[inst.name] = pscene.add(mesh, name=inst.name)
            seg_colors[node] = encode_id(inst.id)
            _lay(patterns, material_for(inst.body).pattern, mesh)
    water = [pscene.add(water_mesh(w), name=f"water:{w.name}") for w in scene.water]
    palms = {event: [(pscene.add(mesh, name=f"palm:{event}:{k}"), turn)
                     for k, (mesh, turn) in enumerate(pads)]
             for event, pads in palm_meshes(scene).items()}
    for node, _ in (pad for pads in palms.values() for pad in pads):
        seg_colors[node] = encode_id(0)
    suns = {}
    for light in scene.lights:
        node = _add_light(pscene, light)
        if light.kind == "sun":
            suns[node] = np.asarray(light.direction, float)
    shadows = any(light.kind == "sun" and light.shadows for light in scene.lights)
    aspect = scene.resolution[0] / scene.resolution[1]
    camera = pscene.add(pyrender.PerspectiveCamera(
        yfov=np.radians(scene.camera.vertical_fov(aspect)), aspectRatio=aspect,
        znear=scene.camera.near, zfar=scene.camera.far))
    return ShotScene(pscene, nodes, liquids, water, seg_colors, bounds, suns, shadows, camera,
                     None, [], patterns, OUTDOOR_SKY, radii=radii, dented=dented,
                     flames=flames, cloth=cloth, soft=soft, palms=palms)


def _lay(patterns: dict[str, list], pattern: str | None, mesh: pyrender.Mesh) -> None:
    if pattern is not None:
        patterns.setdefault(pattern, []).extend(mesh.primitives)


def _part_mesh(part: Part) -> pyrender.Mesh:
    look = material(part.color, part.metallic, part.roughness, part.alpha)
    look.emissiveFactor = np.asarray(part.emissive, float)
    return pyrender.Mesh([shaded_primitive(part.mesh, look)])


def add_surroundings(shot: ShotScene, scene: Scene, corners: np.ndarray) -> None:
    """The ground and the environment around the action (`corners`: every instance's world
    box corners over the shot). The ground takes the place's floor look, unless the script
    names the ground's material: then its look wins (a "stone floor" stays stone)."""
    low = corners.min(axis=0) if len(corners) else np.zeros(3)
    high = corners.max(axis=0) if len(corners) else np.zeros(3)
    place: Environment = build_environment(scene.world.environment, low, high, scene.seed)
    shot.sky = place.sky
    shot.scene.bg_color = np.array([*place.background, 0.0])  # alpha 0 clears the ids
    ground = scene.world.ground
    floor = None if ground is not None and "material" in ground.model_fields_set \
        else place.floor
    ground_plane = ground_mesh(scene, floor)
    parts = list(place.parts)
    if ground_plane is not None:
        shot.ground = shot.scene.add(ground_plane, name="ground")
        shot.seg_colors[shot.ground] = encode_id(0)
        _lay(shot.patterns, _ground_pattern(scene, floor), ground_plane)
    elif place.floor is not None:  # no physical ground, yet the place has a floor
        parts.append(place.floor)
    solid = {}
    for part in parts:
        mesh = _part_mesh(part)
        node = shot.scene.add(mesh, name=f"environment:{part.name}")
        shot.surroundings.append(node)
        shot.seg_colors[node] = encode_id(0)
        _lay(shot.patterns, part.pattern, mesh)
        if part.mesh.bounds[1][2] > FLAT_MARKING and not part.name.endswith(SHELLS):
            solid[node] = part.mesh
    shot.cutaway = Cutaway(solid, corners) if solid and len(corners) else None


def _ground_pattern(scene: Scene, floor: Part | None) -> str | None:
    if floor is not None:
        return floor.pattern
    return GROUND_PATTERNS.get(scene.world.ground.material,
                               get_material(scene.world.ground.material).pattern)


def _at(recorded: dict[str, np.ndarray], name: str, frame: int) -> np.ndarray | None:
    return recorded[name][frame] if name in recorded else None


def liquid_surfaces(shot: ShotScene, trajectory: Trajectory, frame: int) -> dict:
    """Each liquid's surface (vertices, normals, faces) at one frame."""
    floor = 0.0 if shot.ground is not None else None
    surfaces = {}
    for name in shot.liquids:
        particles = trajectory.particles.get(name)
        centres = np.zeros((0, 3)) if particles is None else particles[frame]
        surfaces[name] = surface(centres, shot.radii[name], floor)
    return surfaces


def set_frame(shot: ShotScene, trajectory: Trajectory, frame: int, camera_pose: np.ndarray,
              fov_deg: float, surfaces: dict | None = None) -> None:
    """Place every instance (hidden where its pose is NaN), mesh the liquids (or take their
    `surfaces` at this frame, already meshed) and place the camera at one frame."""
    for name, node in shot.nodes.items():
        pos = trajectory.pos[name][frame] if name in trajectory.pos else np.full(3, np.nan)
        quat = trajectory.quat[name][frame] if name in trajectory.quat else np.full(4, np.nan)
        visible = bool(np.all(np.isfinite(pos)) and np.all(np.isfinite(quat)))
        node.mesh.is_visible = visible
        if visible:
            shot.scene.set_pose(node, pose_matrix(pos, quat))
    shot.remeshed = []
    for name, body in shot.dented.items():
        if body.show(float(trajectory.times[frame])):
            shot.remeshed.append(body.primitive)
            shot.nodes[name].mesh._bounds = None  # pyrender caches a mesh's bounds
    for name, nodes in shot.flames.items():
        shot.remeshed += pose_flame(nodes, _at(trajectory.flames, name, frame),
                                    _at(trajectory.smoke, name, frame), shot.scene)
    for name, node in shot.cloth.items():
        shot.remeshed += pose_cloth(node.mesh, _at(trajectory.cloth, name, frame))
    for name, shape in shot.soft.items():
        shot.remeshed += pose_soft(shape, _at(trajectory.soft, name, frame))
    for event, pads in shot.palms.items():
        centres = _at(trajectory.palms, event, frame)
        for k, (node, turn) in enumerate(pads):
            centre = np.full(3, np.nan) if centres is None else centres[k]
            node.mesh.is_visible = bool(np.all(np.isfinite(centre)))
            if node.mesh.is_visible:
                shot.scene.set_pose(node, pose_matrix(centre, turn))
    if surfaces is None:
        surfaces = liquid_surfaces(shot, trajectory, frame)
    for name, node in shot.liquids.items():
        set_surface(node.mesh, *surfaces[name])
    shot.camera.camera.yfov = np.radians(fov_deg)
    shot.scene.set_pose(shot.camera, camera_pose)
    if shot.cutaway is not None:
        shot.cutaway.apply(camera_pose[:3, 3])
