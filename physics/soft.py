"""Soft bodies in the step loop: the hands that squeeze and press them, the air's drag on
them, and their recording. They live in the cloth's MuJoCo world (see physics.cloth), which
steps them and passes their contact forces on to PyBullet's bodies; their palms are
described in physics.soft_model.

The air drags on a soft body's surface, the faces it meets (`physics.air.drag_forces`); the
sum acts on its control nodes evenly: it moves the body, and does not reshape it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bridge.air import Air
from bridge.palms import PALM_THICKNESS
from bridge.schema import Scene
from bridge.soft import soft_mesh
from bridge.soft_schema import Press, Squeeze
from physics.air import drag_forces
from physics.cloth_model import FLEX_RADIUS
from physics.soft_model import Palm, Solid, palms_of, solids_of
from physics.world import World

PALM_GAP = 0.001  # m between a palm and the body when it is brought up to it


@dataclass
class Hand:
    """A palm pushed with a force until `ends`."""

    palm: Palm
    force: np.ndarray  # N, world frame
    ends: float


class SoftBodies:
    """The scene's soft bodies and hands, inside the cloth world's model and data."""

    def __init__(self, model, data, scene: Scene, first_flex: int, air: Air | None,
                 scene_dir: Path | None):
        self.data, self.air, self.dt = data, air, float(model.opt.timestep)
        self.solids = solids_of(model, data, scene.soft, first_flex, scene_dir)
        self.faces = [soft_mesh(solid.soft, scene_dir).faces for solid in self.solids]
        self.previous = [self.positions(solid).copy() for solid in self.solids]
        self.palms = palms_of(model, scene)
        self.hands: list[Hand] = []
        self.frames: dict[str, list[np.ndarray]] = {s.soft.name: [] for s in self.solids}
        self.palm_frames: dict[str, list[np.ndarray]] = {str(k): [] for k in self.palms}

    def squeeze(self, world: World, squeeze: Squeeze, step: int, event: int) -> None:
        """Bring two palms to the body's ends along the axis and push them together."""
        axis = np.asarray(squeeze.axis, float) / np.linalg.norm(squeeze.axis)
        ends = step * world.dt + squeeze.duration
        for palm, sign in zip(self.palms[event], (1.0, -1.0)):
            self._bring(palm, squeeze.soft, -sign * axis)  # the first palm on the +axis end
            self.hands.append(Hand(palm, -sign * squeeze.force * axis, ends))

    def press(self, world: World, press: Press, step: int, event: int) -> None:
        """Bring a palm to the side of the body the force comes from and push it."""
        force = np.asarray(press.force, float)
        palm = self.palms[event][0]
        self._bring(palm, press.soft, force / np.linalg.norm(force))
        self.hands.append(Hand(palm, force, step * world.dt + press.duration))

    def _bring(self, palm: Palm, name: str, toward: np.ndarray) -> None:
        """Put the palm against the body, on the side it will push `toward` from."""
        points = self.positions(next(s for s in self.solids if s.soft.name == name))
        centre = points.mean(axis=0)
        reach = -float(((points - centre) @ toward).min())
        target = centre - (reach + FLEX_RADIUS + PALM_THICKNESS / 2 + PALM_GAP) * toward
        self._place(palm, target - self.data.xpos[palm.body] + self.data.qpos[
            palm.qpos:palm.qpos + 3])

    def _place(self, palm: Palm, offset: np.ndarray) -> None:
        self.data.qpos[palm.qpos:palm.qpos + 3] = offset
        self.data.qvel[palm.dof:palm.dof + 3] = 0.0

    def positions(self, solid: Solid) -> np.ndarray:
        """[N, 3] the body's nodes now."""
        return self.data.flexvert_xpos[solid.flex_vertices]

    def apply(self, t: float) -> None:
        """Push each hand still holding, park the ones that let go, and blow."""
        if self.air is not None:
            self._blow(t)
        for hand in self.hands:
            if t >= hand.ends:
                self._place(hand.palm, np.zeros(3))
                self.data.xfrc_applied[hand.palm.body, :3] = 0.0
        self.hands = [hand for hand in self.hands if t < hand.ends]
        for hand in self.hands:
            self.data.xfrc_applied[hand.palm.body, :3] = hand.force

    def _blow(self, t: float) -> None:
        for k, (solid, faces) in enumerate(zip(self.solids, self.faces)):
            points = self.positions(solid).copy()
            velocity = (points - self.previous[k]) / self.dt
            self.previous[k] = points
            force = drag_forces(points, velocity, faces, self.air, t, closed=True).sum(axis=0)
            # explicit drag must not reverse the body's motion relative to the air in a step
            relative = self.air.velocity(points.mean(axis=0)[None], t)[0] - velocity.mean(axis=0)
            size = float(np.linalg.norm(force))
            limit = solid.mass * float(np.linalg.norm(relative)) / self.dt
            force *= min(1.0, limit / size) if size > 0 else 0.0
            self.data.xfrc_applied[solid.controls, :3] = force / len(solid.controls)

    def record(self) -> None:
        for solid in self.solids:
            self.frames[solid.soft.name].append(self.positions(solid).copy())
        holding = {hand.palm.body for hand in self.hands}
        for event, palms in self.palms.items():
            self.palm_frames[str(event)].append(np.array(
                [self.data.xpos[p.body] if p.body in holding else np.full(3, np.nan)
                 for p in palms]))

    def recorded(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The soft bodies' nodes [F, N, 3], and per squeeze or press event (its index) where
        its palms' centres are [F, K, 3] (NaN while they are not pressing)."""
        return ({name: np.stack(frames) for name, frames in self.frames.items()},
                {event: np.stack(frames) for event, frames in self.palm_frames.items()})
