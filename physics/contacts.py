"""Collision events: contact points merged into one event per contact episode.

An episode is a run of steps in which a pair of bodies touches, allowing short gaps (a body
chattering on a surface is one episode, not hundreds). Its impulse is the peak per-step normal
impulse, which for an impact is the momentum change of the impact itself.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

GAP_STEPS = 3  # steps without contact that still continue an episode
SPECULATIVE_M = 1e-4  # a force-free point farther apart than this is not a touch
# a pair of body parts is one int, the smaller part key shifted above the larger: an int
# hashes several times faster than a tuple, and the fold hashes one for every point
PAIR_SHIFT = 40  # bits: part keys stay below it for bodies of up to 2^20 links
PART_MASK = (1 << PAIR_SHIFT) - 1


@dataclass(slots=True)  # slots: an open episode's last step is set at every step
class Episode:
    bodies: tuple[str, str]
    start_step: int
    last_step: int
    impulse: float = 0.0  # peak per-step normal impulse, N*s
    position: tuple = (0.0, 0.0, 0.0)
    normal: tuple = (0.0, 0.0, 0.0)  # from the second body towards the first


class ContactRecorder:
    """After each step, folds Bullet's contact points into episodes."""

    def __init__(self, dt: float):
        self.dt = dt
        self.open: dict[int, Episode] = {}  # by the pair's key
        self.closed: list[Episode] = []
        self.started: list[Episode] = []  # episodes that began at the last step
        self._forces: dict[int, float] = {}  # per touching pair, the last step
        self._step = 0  # the last step whose contacts were read

    def after_step(self, step: int, points: list[tuple], names: dict[int, str]) -> None:
        # The hot path of the stage, run on every step: a pair that goes on touching costs a
        # dict lookup; only a new pair, or a harder impact, looks at the points again.
        self.started, self._step = [], step
        forces = self._forces = _pair_forces(points)
        dt, episodes, grown = self.dt, self.open, []
        for key, force in forces.items():
            episode = episodes.get(key)
            if episode is None or force * dt > episode.impulse:
                grown.append(key)
            else:
                episode.last_step = step
        if grown:
            self._grow(step, points, names, grown)
        if len(episodes) > len(forces) - len(grown):  # some episode may not have been touched
            for key in [k for k, e in episodes.items() if step - e.last_step > GAP_STEPS]:
                self.closed.append(episodes.pop(key))

    def _grow(self, step: int, points: list[tuple], names: dict[int, str],
              keys: list[int]) -> None:
        """Open episodes for the new pairs in `keys`, and raise the peak of the others."""
        where = _where(points, set(keys), self.dt)
        for key in keys:
            impulse, episode = self._forces[key] * self.dt, self.open.get(key)
            if episode is not None:
                episode.last_step = step
            parts = split_pair(key)
            if parts[0] not in names or parts[1] not in names:
                continue
            pair, position, normal = _named(parts, where[key], names)
            if episode is None:
                episode = self.open[key] = Episode(pair, step, step, impulse, position, normal)
                self.started.append(episode)
            else:
                episode.impulse, episode.position, episode.normal = impulse, position, normal

    def hold(self, step: int) -> None:
        """Pairs touching at the last step read go on touching to `step` (the world slept)."""
        # one already apart then is in its gap: the next step read closes it where it ended
        for episode in self.open.values():
            if episode.last_step == self._step:
                episode.last_step = step
        self._step = step

    @property
    def peaks(self) -> dict[int, tuple[float, int]]:
        """Per part key: the largest pair impulse of the last step and the part it came from
        (what breaks a body; worked out only when a scene has breakable ones)."""
        return _peaks({key: force * self.dt for key, force in self._forces.items()})

    def episodes(self) -> list[Episode]:
        """All episodes, open ones included, in order of their start."""
        return sorted(self.closed + list(self.open.values()),
                      key=lambda e: (e.start_step, e.bodies))


def split_pair(pair: int) -> tuple[int, int]:
    """A pair's two part keys, the smaller first."""
    return pair >> PAIR_SHIFT, pair & PART_MASK


def _pair_forces(points: list[tuple]) -> dict[int, float]:
    """Normal force of the step per touching pair of body parts."""
    # plain floats and ints, because numpy's per-call cost on a few numbers made it slower
    # than the physics step itself
    sums: dict[int, float] = {}
    total = sums.get
    for c in points:
        force = c[9]
        if force <= 0.0 and c[8] > SPECULATIVE_M:
            continue  # Bullet's speculative points: near, not touching, pushing nothing
        # physics.bodies.part_key, written out: a call per point would cost more here
        a, b = c[1], c[2]
        if c[3] >= 0:
            a += (c[3] + 1) << 20
        if c[4] >= 0:
            b += (c[4] + 1) << 20
        pair = (a << PAIR_SHIFT) | b if a < b else (b << PAIR_SHIFT) | a
        sums[pair] = total(pair, 0.0) + force
    return sums


def _peaks(impulses: dict[int, float]) -> dict[int, tuple[float, int]]:
    """Per part key: the largest pair impulse of the step and the part it came from."""
    peaks: dict[int, tuple[float, int]] = {}
    for pair, impulse in impulses.items():
        a, b = split_pair(pair)
        if impulse > peaks.get(a, (0.0, 0))[0]:
            peaks[a] = (impulse, b)
        if impulse > peaks.get(b, (0.0, 0))[0]:
            peaks[b] = (impulse, a)
    return peaks


def _where(points: list[tuple], keys: set[int], dt: float) -> dict[int, list[float]]:
    """For the pairs in `keys`: impulse-weighted contact position and normal sums."""
    sums: dict[int, list[float]] = {}
    for c in points:
        a = c[1] if c[3] < 0 else c[1] + ((c[3] + 1) << 20)
        b = c[2] if c[4] < 0 else c[2] + ((c[4] + 1) << 20)
        flipped = a > b
        key = (b << PAIR_SHIFT) | a if flipped else (a << PAIR_SHIFT) | b
        if key not in keys or (c[9] <= 0.0 and c[8] > SPECULATIVE_M):
            continue
        w = c[9] * dt + 1e-12
        sign = -w if flipped else w  # Bullet's normal is for its own (A, B) order
        entry = sums.setdefault(key, [0.0] * 8)
        pos, nrm = c[6], c[7]
        entry[1] += w * pos[0]
        entry[2] += w * pos[1]
        entry[3] += w * pos[2]
        entry[4] += sign * nrm[0]
        entry[5] += sign * nrm[1]
        entry[6] += sign * nrm[2]
        entry[7] += w
    return sums


def _named(parts: tuple[int, int], entry: list[float], names: dict[int, str]
           ) -> tuple[tuple[str, str], tuple, tuple]:
    """Sums keyed by Bullet ids -> a pair sorted by name, its normal from second to first.

    Bullet's normal points from its body B to its body A; the sums hold it for the id-sorted
    pair, so it is flipped again when name order differs from id order.
    """
    a, b = names[parts[0]], names[parts[1]]
    weight = entry[7]
    position = (entry[1] / weight, entry[2] / weight, entry[3] / weight)
    length = math.sqrt(entry[4] ** 2 + entry[5] ** 2 + entry[6] ** 2) or 1.0
    sign = -1.0 if b < a else 1.0
    normal = (sign * entry[4] / length, sign * entry[5] / length, sign * entry[6] / length)
    return ((b, a) if b < a else (a, b)), position, normal
