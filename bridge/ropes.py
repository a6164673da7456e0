"""A rope as what the engine simulates: a chain of cylinder segments joined by ball joints,
tied to its ends.

A taut rope's joints form a tree, so it is exact and inextensible (a rope pendulum keeps its
period). A slack rope (longer than the distance between its ends) starts hanging at rest as a
chain hangs under -z gravity (bridge/catenary.py; in other gravity that is only where it
starts), and each of its joints is a Bullet constraint between free
links: a chain of tree joints pulled straight is a singular position of its joints, and a
slack rope snapping taut, or pulled into a V by a weight, blew up. Constraints hold it instead,
stretching a little under load. The joint a `cut` event goes through is such a constraint
too, in any rope, so that the event can remove it."""
from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from bridge.catenary import hanging_chain
from bridge.joint_schema import WORLD, Joint
from bridge.rope_schema import Cut, Rope
from bridge.schema_types import Vec3

Z_DOWN = np.array([0.0, 0.0, -1.0])
SLACK = 1e-6  # a rope longer than its span by more than this fraction of it hangs slack
SLACK_SUBSTEPS = 8  # Bullet steps per physics step, at least, for a slack rope
MIN_RUN_LINKS = 1.05  # a slack rope's ends are at least this many links apart across


def rope_length(rope: Rope) -> float:
    """Its length: as given, else from start to end."""
    if rope.length is not None:
        return rope.length
    return float(np.linalg.norm(np.subtract(rope.end.at, rope.start.at)))


def is_slack(rope: Rope) -> bool:
    """Longer than the distance between its two ends."""
    return rope.end is not None and rope.length is not None and \
        rope.length > math.dist(rope.start.at, rope.end.at) * (1 + SLACK)


def link_length(rope: Rope) -> float:
    return rope_length(rope) / rope.segments


def run_across(rope: Rope) -> float:
    """How far apart its ends are horizontally (0 with no end)."""
    return 0.0 if rope.end is None else math.hypot(*np.subtract(rope.end.at, rope.start.at)[:2])


def least_run(rope: Rope) -> float:
    """How far apart across a slack rope's ends must be: a little more than a link (at one
    link, the chain would hang as straight drops on either side of one level link)."""
    return MIN_RUN_LINKS * link_length(rope)


def constrained_joints(ropes: list[Rope], cuts: Iterable[Cut] = ()) -> set[str]:
    """The joints of slack ropes, and the joints `cuts` cut: each is a constraint between
    free links, not a tree edge (a tree cannot lose an edge without being rebuilt)."""
    by_name = {rope.name: rope for rope in ropes}
    return {joint.name for rope in ropes if is_slack(rope) for joint in rope_parts(rope)[1]} \
        | {cut_joint(by_name[cut.rope], cut.at) for cut in cuts if cut.rope in by_name}


def cut_joint(rope: Rope, at: float) -> str:
    """The name of the rope's joint a cut `at` that fraction of its length goes through: its
    start tie at 0, its end tie at 1 (or its last link's, with no end), else the joint
    between two links nearest it."""
    link = round(at * rope.segments)
    if link <= 0:
        return f"{rope.name}_start"
    if link >= rope.segments:
        return f"{rope.name}_end" if rope.end is not None else \
            f"{segment_names(rope)[-1]}_joint"
    return f"{segment_names(rope)[link]}_joint"


def segment_names(rope: Rope) -> list[str]:
    return [f"{rope.name}_{k + 1}" for k in range(rope.segments)]


def rope_path(rope: Rope) -> np.ndarray:
    """[segments + 1, 3] the joints along the rope at t = 0: hanging slack, straight from
    start to end, or straight down from start when it has no end."""
    start = np.asarray(rope.start.at, float)
    # a slack rope with its ends too close across is refused (rope_checks);
    # till then it is laid straight, so that what reads its parts first need not fail
    if is_slack(rope) and run_across(rope) >= least_run(rope):
        return _hanging(rope.start.at, rope.end.at, rope.length, rope.segments).copy()
    end = start + rope_length(rope) * Z_DOWN if rope.end is None else np.asarray(rope.end.at,
                                                                                float)
    return start + np.linspace(0.0, 1.0, rope.segments + 1)[:, None] * (end - start)


@lru_cache(maxsize=256)
def _hanging(start: Vec3, end: Vec3, length: float, segments: int) -> np.ndarray:
    """hanging_chain, solved once per rope: the scene's bodies are listed many times."""
    return hanging_chain(np.asarray(start, float), np.asarray(end, float), length, segments)


def rope_parts(rope: Rope) -> tuple[list[dict], list[Joint]]:
    """The rope's segment bodies (as script mappings) and the ball joints that hold them to
    each other and to its ends."""
    points = rope_path(rope)
    names = segment_names(rope)
    bodies = [_segment(name, points[k], points[k + 1], rope)
              for k, name in enumerate(names)]
    joints = [Joint(name=f"{names[k]}_joint", type="ball", a=names[k], b=names[k - 1],
                    anchor=tuple(points[k])) for k in range(1, len(names))]
    joints.append(Joint(name=f"{rope.name}_start", type="ball", a=names[0], b=rope.start.body,
                        anchor=rope.start.at))
    if rope.end is not None:
        # the tied body is `a`, so a body on a rope from the world hangs as its last link
        tied = rope.end.body != WORLD
        joints.append(Joint(name=f"{rope.name}_end", type="ball",
                            a=rope.end.body if tied else names[-1],
                            b=names[-1] if tied else WORLD, anchor=rope.end.at))
    return bodies, joints


def _segment(name: str, start: np.ndarray, end: np.ndarray, rope: Rope) -> dict:
    """A cylinder from `start` to `end` (its origin is the centre of its first face)."""
    along = end - start
    length = float(np.linalg.norm(along))
    d = along / length
    # extrinsic x, y, z turns: tilt z toward +x by `pitch`, then turn it about z by `yaw`
    pitch, yaw = math.degrees(math.acos(np.clip(d[2], -1, 1))), math.degrees(
        math.atan2(d[1], d[0]))
    rotation: Vec3 = (0.0, round(pitch, 6), round(yaw, 6) if pitch > 1e-9 else 0.0)
    return {"name": name, "asset": "cylinder", "material": rope.material,
            "params": {"radius": rope.radius, "height": round(length, 6)},
            "position": [round(float(v), 6) for v in start], "rotation": list(rotation)}


def substeps(rope: Rope, mass: dict[str, float], dt: float) -> int:
    """Bullet steps per physics step that keep the rope's fastest wave resolved.

    A chain of light links of mass m and length l under tension T rings at up to
    2 sqrt(T / (m l)) rad/s; a step must stay under half a radian of it, or the chain gains
    energy until it flies apart (a 4 kg bob on a 0.3 kg rope swung from 50 degrees reached
    185 m/s at 1/240 s, and swung true at 1/1000 s). T is taken as three times the weight the
    rope can hang, as a swing from level pulls. `mass` holds the dynamic bodies' masses.

    A slack rope's constraints stretch less the finer the step: at least SLACK_SUBSTEPS (a
    2.4 m rope hanging between posts stretched 6.5 mm in one step per 1/240 s, 0.4 mm in four;
    a 2.5 kg ball dropped 0.7 m on it, 19 cm and 3.5 cm)."""
    names = segment_names(rope)
    ends = [tie.body for tie in (rope.start, rope.end) if tie is not None]
    hung = sum(mass[n] for n in names) + sum(mass.get(name, 0.0) for name in ends)
    tension = 3 * 9.81 * hung
    ring = 2 * math.sqrt(tension / (mass[names[0]] * rope_length(rope) / rope.segments))
    return max(SLACK_SUBSTEPS if is_slack(rope) else 1, math.ceil(ring * dt / 0.5))
