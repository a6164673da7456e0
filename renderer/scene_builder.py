"""The pyrender scene of a shot: one mesh node per instance, the ground, the lights.

The ground carries id 0, so it is drawn (and has depth) in the ids-only pass too.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import trimesh

from bridge.instances import Instance
from bridge.materials import get_material
from bridge.schema import Light, Scene
from bridge.trajectory import Trajectory
from bridge.transforms import look_at_quat, pose_matrix
from renderer.offscreen import encode_id, pyrender

SKY_COLOR = (0.62, 0.74, 0.88, 0.0)  # display colour, not lit; alpha 0 clears the ids
SMOOTH_ANGLE = np.radians(35)  # edges sharper than this stay sharp in shading


@dataclass
class ShotScene:
    scene: pyrender.Scene
    nodes: dict[str, pyrender.Node]  # instance name -> mesh node
    seg_colors: dict[pyrender.Node, tuple[int, int, int]]  # id encoded as (low, high, 0)
    bounds: dict[str, np.ndarray]  # instance name -> [2,3] body-frame bounds of its mesh
    suns: dict[pyrender.Node, np.ndarray]  # directional light node -> travel direction
    shadows: bool  # directional shadows on
    camera: pyrender.Node
    ground: pyrender.Node | None


def _material(rgb, metallic: float, roughness: float, alpha: float = 1.0):
    return pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[*rgb, alpha], metallicFactor=metallic, roughnessFactor=roughness,
        alphaMode="BLEND" if alpha < 1 else "OPAQUE")


def _mesh(visual: trimesh.Trimesh, material) -> pyrender.Mesh:
    shaded = trimesh.graph.smooth_shade(visual, angle=SMOOTH_ANGLE)
    return pyrender.Mesh([pyrender.Primitive(
        positions=shaded.vertices, normals=shaded.vertex_normals, indices=shaded.faces,
        material=material)])


def _ground_mesh(scene: Scene) -> pyrender.Mesh | None:
    ground = scene.world.ground
    if ground is None:
        return None
    half = ground.size / 2
    quad = trimesh.Trimesh(vertices=[[-half, -half, 0], [half, -half, 0], [half, half, 0],
                                     [-half, half, 0]], faces=[[0, 1, 2], [0, 2, 3]])
    material = get_material(ground.material)
    color = ground.color if ground.color is not None else material.base_color
    return _mesh(quad, _material(color, material.metallic, material.roughness))


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


def build_scene(scene: Scene, instances: list[Instance], scene_dir: Path | None) -> ShotScene:
    """The static pyrender scene; `set_frame` then places bodies and camera per frame."""
    from bridge.assets.build import appearance_for, geometry_for

    pscene = pyrender.Scene(bg_color=SKY_COLOR, ambient_light=np.zeros(3))
    nodes, seg_colors, bounds = {}, {}, {}
    for inst in instances:
        geometry = geometry_for(inst.body, scene_dir)
        look = appearance_for(inst.body)
        material = _material(look.base_color, look.metallic, look.roughness, look.alpha)
        node = pscene.add(_mesh(geometry.visual, material), name=inst.name)
        nodes[inst.name] = node
        seg_colors[node] = encode_id(inst.id)
        bounds[inst.name] = np.asarray(geometry.bounds, float)
    ground_mesh = _ground_mesh(scene)
    ground = None if ground_mesh is None else pscene.add(ground_mesh, name="ground")
    if ground is not None:
        seg_colors[ground] = encode_id(0)
    suns = {}
    for light in scene.lights:
        node = _add_light(pscene, light)
        if light.kind == "sun":
            suns[node] = np.asarray(light.direction, float)
    shadows = any(light.kind == "sun" and light.shadows for light in scene.lights)
    camera = pscene.add(pyrender.PerspectiveCamera(
        yfov=np.radians(scene.camera.fov), aspectRatio=scene.resolution[0] / scene.resolution[1],
        znear=scene.camera.near, zfar=scene.camera.far))
    return ShotScene(pscene, nodes, seg_colors, bounds, suns, shadows, camera, ground)


def set_frame(shot: ShotScene, trajectory: Trajectory, frame: int, camera_pose: np.ndarray,
              fov_deg: float) -> None:
    """Place every instance (hidden where its pose is NaN) and the camera at one frame."""
    for name, node in shot.nodes.items():
        pos = trajectory.pos[name][frame] if name in trajectory.pos else np.full(3, np.nan)
        quat = trajectory.quat[name][frame] if name in trajectory.quat else np.full(4, np.nan)
        visible = bool(np.all(np.isfinite(pos)) and np.all(np.isfinite(quat)))
        node.mesh.is_visible = visible
        if visible:
            shot.scene.set_pose(node, pose_matrix(pos, quat))
    shot.camera.camera.yfov = np.radians(fov_deg)
    shot.scene.set_pose(shot.camera, camera_pose)
