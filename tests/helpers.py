"""Scenes built in code for tests: small and short so the suite stays fast."""
from __future__ import annotations

import numpy as np

from bridge.loader import scene_from_document
from bridge.schema import Scene
from bridge.trajectory import Trajectory
from bridge.transforms import quat_to_matrix
from physics.simulate import simulate
from planner.offline import plan_offline
from simshot.expectations import check_simulation

IDENTITY = np.array([0.0, 0.0, 0.0, 1.0])


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_scene(**fields) -> Scene:
    """A validated Scene with small defaults; keyword fields override."""
    data = {"name": "test", "duration": 1.0, "fps": 24, "resolution": [64, 48]}
    data.update(fields)
    return Scene.model_validate(data)


def trajectory_of(scene: Scene, poses: dict[str, tuple[np.ndarray, np.ndarray]]) -> Trajectory:
    """A trajectory at t = i / fps: given (pos [F,3], quat [F,4]) per name, else the script's
    position and no rotation throughout."""
    n = scene.num_frames
    traj = Trajectory(times=np.arange(n) / scene.fps)
    for body in scene.all_bodies():
        pos, quat = poses.get(body.name, (np.tile(body.position, (n, 1)), np.tile(IDENTITY, (n, 1))))
        traj.pos[body.name] = np.asarray(pos, float)
        traj.quat[body.name] = np.asarray(quat, float)
        traj.linvel[body.name] = np.zeros((n, 3))
        traj.angvel[body.name] = np.zeros((n, 3))
    return traj


def project(camera: dict, frame: int, point) -> tuple[float, float]:
    """A world point to continuous pixel coordinates, from the metadata camera alone."""
    k = np.asarray(camera["intrinsics"])
    k = k[frame] if k.ndim == 3 else k
    rot = quat_to_matrix(np.asarray(camera["quaternions"][frame]))
    local = rot.T @ (np.asarray(point, float) - np.asarray(camera["positions"][frame]))
    # OpenGL camera (looks along -z, y up) to image coordinates (x right, y down).
    return k[0, 0] * local[0] / -local[2] + k[0, 2], -k[1, 1] * local[1] / -local[2] + k[1, 2]


def modes_under(folder) -> dict[str, set[str]]:
    """The permission bits found under a folder: {'files': {'0o644'}, 'dirs': {'0o755'}}."""
    from pathlib import Path

    found: dict[str, set[str]] = {"files": set(), "dirs": set()}
    for path in Path(folder).rglob("*"):
        kind = "dirs" if path.is_dir() else "files"
        found[kind].add(oct(path.stat().st_mode & 0o777))
    return found


def planned(prompt: str):
    """The offline planner's draft for `prompt`, its scene, and the scene's checks simulated."""
    draft = plan_offline(prompt)
    scene = scene_from_document(draft.document)
    return draft, scene, check_simulation(scene, simulate(scene))
