"""A world at rest put to sleep until an event acts on it (`physics.sleep`, issue 20).

Bullet skips a sleeping body's contacts, solving and integration, and the loop skips reading
it: a world that has settled costs little. The whole world sleeps at once, when every moving
body has been slower than SLEEP_SPEED_M_S and SLEEP_SPIN_RAD_S at every recorded step for
SLEEP_AFTER_S: then nothing but an event can set anything moving again. Bodies cannot sleep
apart: Bullet wakes a sleeping body whose bounding box an awake one overlaps, which PyBullet
does not report, so it would move unrecorded. Worlds with something that acts at every step
(liquids, cloth and soft bodies, water, wind, breath, flames, joints and the bodies they
hold, pours) never sleep.
"""
from __future__ import annotations

import numpy as np
import pybullet as p

from bridge.schema import Scene
from physics.world import World

SLEEP_SPEED_M_S = 0.005  # 2.5 mm over SLEEP_AFTER_S: a body slower than this is at rest
SLEEP_SPIN_RAD_S = 0.05
SLEEP_AFTER_S = 0.5


def can_sleep(world: World, scene: Scene) -> bool:
    """Whether the script asks for sleep and nothing in the world acts at every step."""
    return bool(scene.physics.sleep and not (
        scene.liquids or scene.water or scene.cloth or scene.soft or scene.flames
        or scene.wind or scene.joints
        or any(e.blow is not None or e.pour is not None for e in scene.events)
        or any(live.link >= 0 for live in world.bodies.values())))


class Sleep:
    """Puts every moving body to sleep together once all are at rest, and wakes them all."""

    def __init__(self, world: World):
        self.world = world
        self.after = round(SLEEP_AFTER_S / world.dt)
        self.since: int | None = None  # the first step of the current run at rest
        self.asleep = False
        self.steps = 0  # steps spent asleep

    def observe(self, states: np.ndarray, step: int) -> bool:
        """True when the moving bodies' `states` [B, 13] put the world to sleep at `step`."""
        lin, spin = states[:, 7:10], states[:, 10:]
        if (np.einsum("ij,ij->i", lin, lin) >= SLEEP_SPEED_M_S ** 2).any() or \
                (np.einsum("ij,ij->i", spin, spin) >= SLEEP_SPIN_RAD_S ** 2).any():
            self.since = None
            return False
        if self.since is None:
            self.since = step
        if step - self.since < self.after:
            return False
        for uid in self._uids():
            p.resetBaseVelocity(uid, (0, 0, 0), (0, 0, 0), physicsClientId=self.world.client)
            p.changeDynamics(uid, -1, activationState=p.ACTIVATION_STATE_SLEEP,
                             physicsClientId=self.world.client)
        self.asleep = True
        return True

    def wake(self) -> None:
        """Every body awake again, as PyBullet made it: never put to sleep by Bullet."""
        for uid in self._uids():
            p.changeDynamics(uid, -1, activationState=p.ACTIVATION_STATE_DISABLE_SLEEPING,
                             physicsClientId=self.world.client)
        self.asleep, self.since = False, None

    def _uids(self) -> list[int]:
        return [live.uid for live in self.world.bodies.values() if not live.static]
