"""The pyrender scene of a shot: one mesh node per body, fragment and liquid, the water,
the ground and the lights.

The ground carries id 0, so it is drawn (and has depth) in the ids-only pass too. Water is no
instance: it has no id and is drawn into the colour alone (see renderer/offscreen.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bridge.instances import Instance
from bridge.schema import Light, Scene
from bridge.trajectory import Trajectory
from bridge.transforms import look_at_quat, pose_matrix
from renderer.camera import CameraTrack
from renderer.meshes import body_mesh, ground_mesh, particle_mesh, water_mesh
from renderer.offscreen import encode_id, pyrender
from renderer.particles import particle_poses, pixels_per_metre

SKY_COLOR = (0.62, 0.74, 0.88, 0.0)  # display colour, not lit; alpha 0 clears the ids


@dataclass
class ShotScene:
    scene: pyrender.Scene
    nodes: dict[str, pyrender.Node]  # body or fragment name -> mesh node
    liquids: dict[str, pyrender.Node]  # liquid name -> instanced particle node (add_liquids)
    water: list[pyrender.Node]
    seg_colors: dict[pyrender.Node, tuple[int, int, int]]  # id encoded as (low, high, 0)
    bounds: dict[str, np.ndarray]  # body or fragment name -> [2,3] body-frame mesh bounds
    suns: dict[pyrender.Node, np.ndarray]  # directional light node -> travel direction
    shadows: bool  # directional shadows on
    camera: pyrender.Node
    ground: pyrender.Node | None


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
    """The static pyrender scene without its liquids, which `add_liquids` adds once the camera
    is known; `set_frame` then places bodies, particles and camera."""
    pscene = pyrender.Scene(bg_color=SKY_COLOR, ambient_light=np.zeros(3))
    nodes, seg_colors, bounds = {}, {}, {}
    for inst in instances:
        if inst.kind != "liquid":
            mesh, bounds[inst.name] = body_mesh(inst, scene, scene_dir)
            node = nodes[inst.name] = pscene.add(mesh, name=inst.name)
            seg_colors[node] = encode_id(inst.id)
    water = [pscene.add(water_mesh(w), name=f"water:{w.name}") for w in scene.water]
    ground_plane = ground_mesh(scene)
    ground = None if ground_plane is None else pscene.add(ground_plane, name="ground")
    if ground is not None:
        seg_colors[ground] = encode_id(0)
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
    return ShotScene(pscene, nodes, {}, water, seg_colors, bounds, suns, shadows, camera, ground)


def add_liquids(shot: ShotScene, instances: list[Instance], trajectory: Trajectory,
                camera: CameraTrack) -> None:
    """One instanced particle node per liquid, its spheres as detailed as the closest view of
    them needs."""
    for inst in instances:
        if inst.kind == "liquid":
            particles = trajectory.particles.get(inst.name, np.zeros((camera.num_frames, 0, 3)))
            mesh = particle_mesh(inst.liquid, pixels_per_metre(particles, camera))
            node = shot.liquids[inst.name] = shot.scene.add(mesh, name=inst.name)
            shot.seg_colors[node] = encode_id(inst.id)


def _place_particles(node: pyrender.Node, centres: np.ndarray | None) -> None:
    """Pose one instance per particle; hide the node when no particle exists."""
    node.mesh.is_visible = centres is not None and bool(np.isfinite(centres).all(axis=1).any())
    if node.mesh.is_visible:
        node.mesh.primitives[0].poses = particle_poses(centres)


def set_frame(shot: ShotScene, trajectory: Trajectory, frame: int, camera_pose: np.ndarray,
              fov_deg: float) -> None:
    """Place every instance (hidden where its pose is NaN), the particles and the camera at
    one frame."""
    for name, node in shot.nodes.items():
        pos = trajectory.pos[name][frame] if name in trajectory.pos else np.full(3, np.nan)
        quat = trajectory.quat[name][frame] if name in trajectory.quat else np.full(4, np.nan)
        visible = bool(np.all(np.isfinite(pos)) and np.all(np.isfinite(quat)))
        node.mesh.is_visible = visible
        if visible:
            shot.scene.set_pose(node, pose_matrix(pos, quat))
    for name, node in shot.liquids.items():
        particles = trajectory.particles.get(name)
        _place_particles(node, None if particles is None else particles[frame])
    shot.camera.camera.yfov = np.radians(fov_deg)
    shot.scene.set_pose(shot.camera, camera_pose)
