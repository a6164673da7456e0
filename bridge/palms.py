"""The palms of the hands that squeeze and press soft bodies: how many each event has, how
wide they are and which way they face (the physics moves them, the renderer draws them)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bridge.schema import Scene
from bridge.transforms import quat_from_two_vectors

PALM_THICKNESS = 0.02  # m: at 8 mm a squeezed sponge's corners poked through it
# a palm's width over the body's: wider, so no node meets the palm's edge (a box's top
# nodes under a palm edge to edge were pushed sideways and the palm went through: measured)
PALM_SPAN = 1.5


@dataclass(frozen=True)
class PalmShape:
    """The palms of one squeeze (two) or press (one): flat square pads facing `normal`."""

    count: int
    half_side: float  # m: a palm half as wide again as the body it presses
    normal: np.ndarray  # the way its face points: the squeeze's axis, or the press's force

    @property
    def quat(self) -> np.ndarray:
        """The rotation that turns a pad lying flat (facing +z) to face `normal`."""
        return quat_from_two_vectors(np.array([0.0, 0.0, 1.0]), self.normal)


def palm_shapes(scene: Scene) -> dict[int, PalmShape]:
    """Per squeeze or press event (by its index in the script), its palms."""
    softs = {soft.name: soft for soft in scene.soft}
    found = {}
    for index, event in enumerate(scene.events):
        if event.action in ("squeeze", "press"):
            value = event.value
            normal = value.axis if event.action == "squeeze" else value.force
            found[index] = PalmShape(2 if event.action == "squeeze" else 1,
                                     PALM_SPAN * max(softs[value.soft].size) / 2,
                                     np.asarray(normal, float) / np.linalg.norm(normal))
    return found
