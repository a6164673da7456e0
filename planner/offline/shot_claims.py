"""The prompt's camera wishes and arrangements as claims, held against the script's camera and
the bodies' starting places.

Both are `planned` when the script holds them (a shot with the preset, move or slow motion
named; bodies of the arranged kind laid out as said) and `dropped` when it does not. Neither
is checked: a camera is look alone, and a layout is set at t = 0, before any physics.
"""
from __future__ import annotations

from collections.abc import Set as AbstractSet
from itertools import pairwise

import numpy as np

from bridge.assets.registry import default_material
from bridge.schema import Scene
from planner.offline import lexicon as lx
from planner.offline.parse import Intent, noun_after
from planner.trace import Claim

# how far apart (m) two bodies' bottoms may be and still share a layer or a line (less than
# a stack of nested plates rises by, 8 mm a plate)
LEVEL_TOL = 0.005
LINE_TOL = 0.05
FOOTPRINT = 0.2  # m: bodies whose bottoms are this close across stand in one stack


def camera_claims(intent: Intent, scene: Scene | None) -> list[Claim]:
    """One claim per camera concept the prompt names, by the words that named it."""
    text = intent.text.lower()
    shots = list(scene.camera.shots) if scene is not None else []
    claims = []
    for key in sorted(intent.camera, key=list(lx.CAMERA).index):
        concept = lx.CAMERA[key]
        words = next(w for w in concept.words if w in text)
        held = [s for s in shots if holds(s, concept)]
        claims.append(Claim(words, "camera", "planned", f"the camera's shot: {concept.trace}"
                            .replace("{lead}", "lead").replace(" at {speed:g}x", ""))
                      if held else Claim(words, "camera", "dropped",
                                         "the script's camera does not hold it"))
    return claims


def holds(shot, concept: lx.CameraConcept) -> bool:
    """Whether a camera shot has what the concept names: its preset, move or slow motion."""
    if concept.preset:
        return shot.preset == concept.preset
    if concept.slow_motion:
        return shot.slow_motion is not None and shot.slow_motion < 1
    move = shot.move
    return move is not None and getattr(move, concept.move or "", None) is not None


def arrangement_claim(intent: Intent, scene: Scene | None,
                      taken: AbstractSet[str] = frozenset()) -> list[Claim]:
    """The arrangement the prompt names ('a pyramid of cans', 'in a row'), as one claim,
    unless a claim in `taken` (a scenario's own: 'row of 5 cars') holds its words."""
    if intent.arrangement is None:
        return []
    words = _phrase(intent, next(k for k, v in lx.ARRANGEMENTS.items()
                                 if v == intent.arrangement and intent.has(k)))
    if any(words in text for text in taken):
        return []
    # "a jenga tower" names no kind: any of the script's bodies may form it
    kinds = {m.asset for m in intent.mentions} or {b.asset for b in (scene.bodies if scene
                                                                     else [])}
    bodies = [b for b in (scene.bodies if scene else []) if b.asset in kinds]
    # by asset and material: a pickup truck's steel boxes are not the cardboard boxes it hits
    by_kind: dict[tuple[str, str], list] = {}
    for body in bodies:
        by_kind.setdefault((body.asset, body.material or default_material(body.asset)),
                           []).append(body)
    shaped = [kind for kind, group in by_kind.items() if _laid_out(group, intent.arrangement)]
    if shaped:
        return [Claim(words, "arrangement", "planned", f"{len(by_kind[shaped[0]])} "
                      f"{shaped[0][0]} bodies laid out as a {intent.arrangement} at t = 0")]
    return [Claim(words, "arrangement", "dropped", f"no bodies of what is named laid out as a "
                  f"{intent.arrangement} in the script")]


def _phrase(intent: Intent, key: str) -> str:
    """The arrangement's words up to the noun it arranges: 'pyramid of cans', 'wall of bricks'."""
    size = len(key.split())
    at = next(i for i in range(len(intent.tokens))
              if intent.tokens[i:i + size] == key.split())
    end = noun_after(intent, at + size)
    return " ".join(intent.tokens[at:end + 1]) if end is not None else key


def _laid_out(group: list, arrangement: str) -> bool:
    """Whether the bodies' starting bottoms form the arrangement."""
    if len(group) < 2:
        return False
    points = np.array([b.position for b in group], float)
    levels = _levels(points[:, 2])
    if arrangement == "tower":  # one stack, or stacks side by side ('a stack of 12 boxes')
        return _one_stack(points) or _stacks(points)
    if arrangement == "row":
        return levels == 1 and _collinear(points[:, :2])
    if arrangement == "triangle":  # a rack on the table, or a pyramid of layers
        return len(group) >= 3 and (levels > 1 and _narrowing(points) or (
            levels == 1 and not _collinear(points[:, :2])))
    if arrangement == "wall":  # courses of two or more, one on another
        return levels > 1 and len(group) >= 2 * levels
    if arrangement == "circle":
        centre = points[:, :2].mean(axis=0)
        radii = np.linalg.norm(points[:, :2] - centre, axis=1)
        return len(group) >= 3 and float(np.ptp(radii)) < LINE_TOL
    return False


def _one_stack(points: np.ndarray) -> bool:
    """Each body on its own level, all within the first one's footprint."""
    spread = np.linalg.norm(points[:, :2] - points[0, :2], axis=1)
    return _levels(points[:, 2]) == len(points) and bool(np.all(spread < FOOTPRINT))


def _stacks(points: np.ndarray) -> bool:
    """Two or more columns (bodies within a footprint of each other's), each a stack of two
    or more."""
    columns: list[list[np.ndarray]] = []
    for point in points:
        column = next((c for c in columns
                       if np.linalg.norm(c[0][:2] - point[:2]) < FOOTPRINT), None)
        if column is None:
            columns.append([point])
        else:
            column.append(point)
    return len(columns) > 1 and all(len(c) > 1 and _one_stack(np.array(c)) for c in columns)


def _levels(heights: np.ndarray) -> int:
    ordered = np.sort(heights)
    return 1 + int(np.sum(np.diff(ordered) > LEVEL_TOL))


def _collinear(xy: np.ndarray) -> bool:
    if len(xy) < 3:
        return True
    centred = xy - xy.mean(axis=0)
    return bool(np.linalg.svd(centred, compute_uv=False)[-1] / np.sqrt(len(xy)) < LINE_TOL)


def _narrowing(points: np.ndarray) -> bool:
    """Fewer bodies on each higher layer: a pyramid."""
    heights = np.round(points[:, 2] / LEVEL_TOL)
    counts = [int(np.sum(heights == h)) for h in np.unique(heights)]
    return all(a > b for a, b in pairwise(counts))
