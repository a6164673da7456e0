"""The soft-body checks: a body squashed and let go springs back to the shape it had before,
and a body keeps its volume while it is deformed."""
from __future__ import annotations

import numpy as np

from bridge.soft import SoftMesh, shape_error, soft_mesh, volume

STILL = 0.01  # m/s: no node of a body moving faster than this, it has settled


def springs_back(outcome, check, name: str) -> tuple[bool, str]:
    """Deformed by more than `within` at some time, and back within it at the end (wherever
    the body has moved or turned to). The shape it springs back to is the one it settled
    into before it was deformed: a jelly sags under its own weight, and stays sagged."""
    nodes = outcome.trajectory.soft.get(name)
    if nodes is None:
        return False, f"{name} is not in the trajectory"
    before = nodes[_before(outcome, name, nodes, _mesh(outcome, name).nodes)]
    errors = np.array([shape_error(frame, before) for frame in nodes])
    most, last = float(errors.max()), float(errors[-1])
    if most <= check.within:
        return False, (f"{name} is never deformed by more than {check.within:.0%} of its size "
                       f"(at most {most:.1%}): nothing to spring back from")
    detail = (f"{name} is {last:.1%} of its size from its shape before at the end (deformed "
              f"{most:.1%} at most; needs {check.within:.0%})")
    return last <= check.within, detail


def _before(outcome, name: str, nodes: np.ndarray, rest: np.ndarray) -> int:
    """The frame of the shape it springs back to: the last before the first squeeze or press
    on it fired (at a time or on a contact); for a body deformed by other bodies, the last
    still frame before its worst."""
    starts = [fired["time"] for fired in outcome.events.get("events", [])
              if fired["kind"] in ("squeeze", "press") and fired[fired["kind"]]["soft"] == name]
    if starts:
        return max(0, outcome.trajectory.frame_of(min(starts)) - 1)
    return _settled(nodes, outcome.trajectory.times, rest)


def _settled(nodes: np.ndarray, times: np.ndarray, rest: np.ndarray) -> int:
    """The last frame before it is most deformed at which the body is still and less than
    half as deformed (from its mesh at rest) as it will be; else the first."""
    errors = np.array([shape_error(frame, rest) for frame in nodes])
    worst = int(np.argmax(errors))
    speed = np.linalg.norm(np.diff(nodes, axis=0), axis=2).max(axis=1) / np.diff(times)
    still = np.flatnonzero((speed[:worst] < STILL) & (errors[1:worst + 1] < errors[worst] / 2))
    return int(still[-1]) + 1 if len(still) else 0


def keeps_volume(outcome, check, name: str) -> tuple[bool, str]:
    """Its volume within `within` of its rest volume at every frame."""
    nodes = outcome.trajectory.soft.get(name)
    if nodes is None:
        return False, f"{name} is not in the trajectory"
    mesh = _mesh(outcome, name)
    ratio = volume(nodes, mesh) / volume(mesh.nodes, mesh)
    worst = float(np.abs(ratio - 1).max())
    detail = (f"{name}'s volume stays within {worst:.1%} of its rest volume (between "
              f"{ratio.min():.3f} and {ratio.max():.3f}; needs {check.within:.0%})")
    return worst <= check.within, detail


def _mesh(outcome, name: str) -> SoftMesh:
    return soft_mesh(next(s for s in outcome.scene.soft if s.name == name), outcome.scene_dir)
