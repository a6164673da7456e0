"""Bodies at rest put to sleep one by one until something reaches them (`physics.sleep`,
issue 20).

A body that has stayed within STILL_DRIFT_M and STILL_TURN_RAD of one pose for SLEEP_AFTER_S
is frozen where it is: Bullet is given it as a static body (mass 0), so it leaves its
island, its contacts with the other sleepers and the ground are no longer solved, and the
loop stops reading it. Bullet's own sleep cannot do this: it sleeps whole islands, every
body touching another in one, and a pile of cubes never stops trembling as one island. A
sleeper wakes, its mass given back, when an awake body whose fastest point moves faster than
WAKE_SPEED_M_S comes within reach of it (its box grown by its travel over WAKE_AHEAD_S and
WAKE_REACH_M), before they meet, and so does every sleeper it
touches, directly or through others (a blow to one body of a pile passes through the pile);
when every moving body sleeps, only an event can set anything moving, and it
wakes them all. Worlds with something that acts at every step (liquids, cloth and soft
bodies, water, wind, breath, flames, joints and ropes, pours) never sleep.
"""
from __future__ import annotations

from itertools import product

import numpy as np
import pybullet as p

from bridge.schema import Scene
from physics.bodies import LiveBody
from physics.world import World

STILL_DRIFT_M = 0.001  # a trembling body that strays no further than this is at rest
STILL_TURN_RAD = 0.01
SLEEP_AFTER_S = 0.5
WAKE_SPEED_M_S = 0.03  # slower, a body is settling against its neighbours, not arriving
WAKE_REACH_M = 0.01
BLOW_SPEED_M_S = 0.5  # an arrival faster than this (a fall of 13 mm) shakes all it touches
WAKE_AHEAD_S = 0.04  # woken this long before they would meet: a sleeper has its resting
# contacts solved again (its weight on what holds it) before a blow comes


def can_sleep(world: World, scene: Scene) -> bool:
    """Whether the script asks for sleep and nothing in the world acts at every step."""
    return bool(scene.physics.sleep and not (
        scene.liquids or scene.water or scene.cloth or scene.soft or scene.flames
        or scene.wind or scene.joints or scene.ropes
        or any(e.blow is not None or e.pour is not None for e in scene.events)
        or any(live.link >= 0 for live in world.bodies.values())))


class Sleep:
    """Which moving bodies sleep; puts them to sleep when still and wakes them when reached."""

    def __init__(self, world: World):
        self.world = world
        self.after = round(SLEEP_AFTER_S / world.dt)
        self.held: dict[LiveBody, np.ndarray] = {}  # a sleeper's state [13], velocities 0
        self.boxes: dict[LiveBody, np.ndarray] = {}  # a sleeper's bounding box [2, 3]
        self.version = 0  # changes whenever a body falls asleep or wakes
        self.bodies: tuple[LiveBody, ...] = ()  # the moving bodies the arrays below follow
        self.anchor = np.empty((0, 7))  # where each began to hold still (com, quat)
        self.since = np.empty(0, int)  # and at which step
        self.radius = np.empty(0)  # its shape's farthest point from its centre
        self.steps = 0  # steps with every moving body asleep
        self.body_steps = 0  # bodies asleep, summed over the steps

    @property
    def asleep(self) -> bool:
        """Every moving body sleeps: nothing but an event can move anything."""
        return bool(self.bodies) and len(self.held) == len(self.bodies)

    def observe(self, bodies: tuple[LiveBody, ...], states: np.ndarray, step: int) -> bool:
        """Wake the sleepers the awake bodies' `states` [B, 13] are about to reach, then put
        to sleep those still for long enough; True when some fell asleep (their last slow
        motion taken away)."""
        if bodies != self.bodies:
            self._follow(bodies, states, step)
        self.body_steps += len(self.held)
        awake = np.array([live not in self.held for live in bodies], bool)
        if self.held and awake.any():
            self._wake_reached(states, awake, step)
            awake = np.array([live not in self.held for live in bodies], bool)
        moved = _strayed(states[:, :7], self.anchor)
        self.anchor[moved] = states[moved, :7]
        self.since[moved] = step
        still = np.flatnonzero(awake & ~moved & (step - self.since >= self.after))
        for k in still:
            self._freeze(bodies[k], states[k])
        return still.size > 0

    def wake_all(self, step: int) -> None:
        """Every sleeper awake again (an event is due)."""
        alive = set(self.world.bodies.values())
        for live in list(self.held):
            if live in alive:  # one broken or reshaped since is forgotten, not woken:
                self._wake(live)  # Bullet has handed its id on
            else:
                self._forget(live)
        self.since[:] = step

    def rows(self, bodies: tuple[LiveBody, ...]
             ) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray]:
        """For moving `bodies` (free bodies first, then links, which never sleep): the Bullet
        ids of the awake free ones, the awake ones' indices, and the sleepers' indices and
        held states [S, 13]."""
        asleep = np.array([live in self.held for live in bodies], bool)
        held = np.array([self.held[live] for live in bodies if live in self.held])
        awake = [live.uid for live in bodies if live.link < 0 and live not in self.held]
        return awake, np.flatnonzero(~asleep), np.flatnonzero(asleep), held.reshape(-1, 13)

    def _follow(self, bodies: tuple[LiveBody, ...], states: np.ndarray, step: int) -> None:
        """Start following another set of moving bodies (one broke, or was added): each
        keeps its anchor, a new one holds still from now; the gone are forgotten."""
        known = {live: k for k, live in enumerate(self.bodies)}
        anchor, since = states[:, :7].copy(), np.full(len(bodies), step)
        for k, live in enumerate(bodies):
            if live in known:
                anchor[k], since[k] = self.anchor[known[live]], self.since[known[live]]
        alive = set(bodies)
        for live in [live for live in self.held if live not in alive]:
            self._forget(live)
        self.bodies, self.anchor, self.since = bodies, anchor, since
        self.radius = np.array([_radius(live) for live in bodies])

    def _wake_reached(self, states: np.ndarray, awake: np.ndarray, step: int) -> None:
        """Wake the sleepers within reach of an awake body moving fast enough to matter.
        A blow passes on through all the sleepers they touch, directly or through others
        (as Bullet wakes an island), and through an awake body it strikes to the sleepers
        that one touches; a slow arrival wakes only what it reaches and their neighbours."""
        speed = np.linalg.norm(states[:, 7:10], axis=1) + \
            np.linalg.norm(states[:, 10:], axis=1) * self.radius
        fast = np.flatnonzero(awake & (speed > WAKE_SPEED_M_S))
        if fast.size == 0:
            return
        sleepers = list(self.held)
        boxes = np.stack([self.boxes[live] for live in sleepers])
        # an awake body's box from its centre and reach, not asked of Bullet at every step
        around = states[:, None, :3] + self.radius[:, None, None] * [[-1.0], [1.0]]
        near = _grown(around[fast], speed[fast] * WAKE_AHEAD_S + WAKE_REACH_M)
        woken = _touching(boxes, _overlapping(boxes, near), hops=1)
        blows = speed[fast] > BLOW_SPEED_M_S
        if blows.any():
            struck = around[awake][_overlapping(around[awake], near[blows])]
            woken |= _touching(boxes, _overlapping(boxes, _grown(struck, WAKE_REACH_M)))
        index = {live: k for k, live in enumerate(self.bodies)}
        for k in np.flatnonzero(woken):
            self._wake(sleepers[k])
            self.since[index[sleepers[k]]] = step

    def _freeze(self, live: LiveBody, state: np.ndarray) -> None:
        client = self.world.client
        p.resetBaseVelocity(live.uid, (0, 0, 0), (0, 0, 0), physicsClientId=client)
        p.changeDynamics(live.uid, -1, mass=0.0, activationState=p.ACTIVATION_STATE_SLEEP,
                         physicsClientId=client)
        self.held[live] = np.concatenate([state[:7], np.zeros(6)])
        self.boxes[live] = np.array(p.getAABB(live.uid, physicsClientId=client))
        self.version += 1

    def _wake(self, live: LiveBody) -> None:
        """Give a sleeper its mass back, awake as PyBullet made it: never put to sleep by
        Bullet."""
        self._forget(live)
        p.changeDynamics(live.uid, -1, mass=live.mass,
                         localInertiaDiagonal=live.inertia.tolist(),
                         activationState=p.ACTIVATION_STATE_DISABLE_SLEEPING,
                         physicsClientId=self.world.client)

    def _forget(self, live: LiveBody) -> None:
        del self.held[live], self.boxes[live]
        self.version += 1


def _strayed(poses: np.ndarray, anchor: np.ndarray) -> np.ndarray:
    """Which of the centre-of-mass `poses` [B, 7] moved or turned too far from `anchor`."""
    drift = np.einsum("ij,ij->i", poses[:, :3] - anchor[:, :3], poses[:, :3] - anchor[:, :3])
    # the angle between two unit quaternions: 2 acos |q1 . q2|; small angles by the cosine
    cosine = np.abs(np.einsum("ij,ij->i", poses[:, 3:], anchor[:, 3:]))
    return (drift > STILL_DRIFT_M ** 2) | (cosine < np.cos(STILL_TURN_RAD / 2))


def _overlapping(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Which of `boxes` [N, 2, 3] overlap any of `others` [M, 2, 3]."""
    if len(others) == 0:
        return np.zeros(len(boxes), bool)
    low, high = boxes[:, None, 0], boxes[:, None, 1]
    return ((low <= others[None, :, 1]) & (high >= others[None, :, 0])).all(axis=2).any(axis=1)


def _grown(boxes: np.ndarray, by: np.ndarray | float) -> np.ndarray:
    """`boxes` [N, 2, 3] grown on every side by `by` metres (one for all, or one each)."""
    by = np.broadcast_to(np.asarray(by, float), len(boxes))[:, None, None]
    return boxes + by * [[-1.0], [1.0]]


def _touching(boxes: np.ndarray, reached: np.ndarray, hops: int | None = None
              ) -> np.ndarray:
    """The `reached` of `boxes` [N, 2, 3] and every box joined to them by a chain of boxes
    within WAKE_REACH_M of each other (of at most `hops` links)."""
    grown = _grown(boxes, WAKE_REACH_M / 2)
    woken, frontier = reached.copy(), reached
    for _ in range(len(boxes) if hops is None else hops):
        if not frontier.any():
            break
        frontier = _overlapping(grown, grown[frontier]) & ~woken
        woken |= frontier
    return woken


def _radius(live: LiveBody) -> float:
    """The farthest corner of the body's bounds from its centre of mass: no point of it is
    farther."""
    corners = np.array(list(product(*np.asarray(live.geometry.bounds, float).T)))
    return float(np.linalg.norm(corners - live.offset[0], axis=1).max())
