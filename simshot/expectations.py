"""Expectations: the script's claims about what happens, checked against the recorded outcome.

Each check reads only artifacts (trajectory, events, visibility), so it can be re-run on a shot
folder. A check over several subjects (a list or a glob) passes when every subject passes.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bridge.assets.openings import opening_of
from bridge.assets.registry import ASSETS
from bridge.camera_schema import EventSubject
from bridge.dent_shape import depth_at
from bridge.key_events import find, key_events
from bridge.schema import Scene, check_kind, check_subject
from bridge.trajectory import Trajectory
from bridge.transforms import quat_to_matrix, tilt_deg
from physics.liquids import inside_hull, piece_sizes
from simshot.bounds import body_geometry, script_body, world_bounds
from simshot.cloth_checks import drapes_over, flutters, stays_on
from simshot.event_framing import frame_event
from simshot.liquid_motion import sloshes
from simshot.soft_checks import keeps_volume, springs_back
from simshot.surfaces import surface_at

REST_SPEED = 0.05  # m/s: slower than this counts as at rest
REST_SPIN = 0.5  # rad/s
BOUNCE_DV = 0.1  # m/s: an impact must change the body's speed by this much to count as a bounce
MIN_VISIBLE_PIXELS = 4
PUDDLE_DEPTH_M = 0.03  # a puddle lies this low: spilled liquid, not liquid still falling
SPRAY_SHARE, SPRAY_TOTAL = 0.01, 0.1  # holds_together: a drop under 1% is spray; 10% in all


@dataclass
class Outcome:
    """What the checks read: the trajectory, events.json content, masses, optional visibility."""

    scene: Scene
    trajectory: Trajectory
    events: dict
    masses: dict[str, float]
    visibility: dict[str, list[int]] | None = None
    scene_dir: Path | None = None  # where mesh files resolve
    bbox_2d: dict[str, list] | None = None  # per frame [x0, y0, x1, y1] or None
    image_positions: dict[str, np.ndarray] | None = None  # annotations.npz's *_image_positions


def framing(outcome: Outcome) -> dict[str, dict[str, float]] | None:
    """Per script body: the fraction of frames in which it is visible, and in which it is
    visible and whole inside the frame (its box clear of every edge); None before rendering."""
    if outcome.visibility is None:
        return None
    width, height = outcome.scene.resolution
    out = {}
    for body in outcome.scene.all_bodies():
        counts = np.asarray(outcome.visibility.get(body.name) or [], float)
        if not len(counts):
            continue
        seen = counts >= MIN_VISIBLE_PIXELS
        boxes = (outcome.bbox_2d or {}).get(body.name) or [None] * len(counts)
        inside = seen & np.array([b is not None and b[0] > 0 and b[1] > 0 and b[2] < width
                                  and b[3] < height for b in boxes])
        out[body.name] = {"visible": round(float(seen.mean()), 4),
                          "inside": round(float(inside.mean()), 4)}
    return out


def check_simulation(scene: Scene, result, scene_dir: Path | None = None) -> list[dict]:
    """The script's checks on a physics result (physics.simulate's SimResult), before any
    render: on the recording at the physics rate, never on video frames. Mesh files
    resolve in `scene_dir`."""
    return check_all(Outcome(scene, result.recording, result.events, result.masses,
                             scene_dir=scene_dir))


def check_all(outcome: Outcome) -> list[dict]:
    """One result per expectation: {check, subject, passed (bool or None), detail}."""
    return [_check_one(outcome, e) for e in outcome.scene.expect]


def all_passed(results: list[dict]) -> bool:
    """True when no evaluated check failed (checks that could not run are not failures)."""
    return all(r["passed"] is not False for r in results)


def subjects(scene: Scene, subject: str | list[str]) -> list[str]:
    """Body names a subject denotes: a list, a glob, or one name."""
    names = [b.name for b in scene.all_bodies()]
    if isinstance(subject, list):
        return subject
    return [n for n in names if fnmatch.fnmatchcase(n, subject)] or [subject]


def event_framing(outcome: Outcome) -> list[dict] | None:
    """report.json's `event_framing`: each fracture and spill, where it is on screen and how
    much of the frame it covers just after (simshot.event_framing); None before rendering."""
    if outcome.visibility is None:
        return None
    return [frame_event(event, outcome.scene, outcome.events, outcome.visibility,
                        outcome.image_positions or {})
            for event in key_events(outcome.scene, outcome.events, outcome.trajectory.names)]


def _check_one(outcome: Outcome, check) -> dict:
    kind = check_kind(check)
    subject = check_subject(check)
    if isinstance(subject, EventSubject):  # one event, not bodies to expand
        names, subject = [subject], subject.model_dump(exclude_none=True)
    else:
        names = subjects(outcome.scene, subject)
    results = [_CHECKS[kind](outcome, check, name) for name in names]
    if any(passed is None for passed, _ in results):
        passed = None
    else:
        passed = all(passed for passed, _ in results)
        if check.not_:
            passed = not passed
    detail = "; ".join(detail for _, detail in results)
    return {"check": kind, "subject": subject, "negated": check.not_, "passed": passed,
            "detail": detail}


def _collisions(outcome: Outcome, a: str, b: str | None = None) -> list[dict]:
    """`a`'s collisions (with `b`: a name, or a glob that any other body matches)."""
    return [c for c in outcome.events["collisions"] if a in c["bodies"] and (
        b is None or b in c["bodies"] or any(fnmatch.fnmatchcase(other, b)
                                             for other in c["bodies"] if other != a))]


def _comes_to_rest(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    t = outcome.trajectory
    frames = np.flatnonzero(t.times >= check.by) if check.by is not None else [len(t.times) - 1]
    speed = np.linalg.norm(t.linvel[name][frames], axis=1)
    spin = np.linalg.norm(t.angvel[name][frames], axis=1)
    if np.isnan(speed).any():
        return False, f"{name} does not exist to the end"
    if speed.max() >= REST_SPEED or spin.max() >= REST_SPIN:
        return False, f"{name} still moving ({speed.max():.3f} m/s, {spin.max():.2f} rad/s)"
    if check.on is not None:
        end = t.times[-1] - 2 / outcome.scene.fps
        if not any(c["end_time"] >= end for c in _collisions(outcome, name, check.on)):
            return False, f"{name} at rest but not touching {check.on} at the end"
    where = f" on {check.on}" if check.on else ""
    return True, f"{name} at rest{where}"


def _contacts(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    lo = check.after if check.after is not None else -np.inf
    hi = check.before if check.before is not None else np.inf
    times = [c["time"] for c in _collisions(outcome, name, check.with_) if lo <= c["time"] <= hi]
    if times:
        return True, f"{name} touches {check.with_} at t = {times[0]:.3f} s"
    return False, f"{name} never touches {check.with_} in the window"


def _bounces(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    mass = outcome.masses.get(name, 0.0)
    last = outcome.trajectory.times[-1] - 2 / outcome.scene.fps
    hits = [c for c in _collisions(outcome, name, check.on)
            if c["impulse"] >= mass * BOUNCE_DV and c["end_time"] < last]
    return len(hits) >= check.at_least, f"{name} bounces {len(hits)} times (needs {check.at_least})"


def _stays_within(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    pos = outcome.trajectory.pos[name]
    pos = pos[~np.isnan(pos[:, 0])]
    inside = np.all((pos >= check.min) & (pos <= check.max), axis=1)
    if inside.all():
        return True, f"{name} stays inside the region"
    first = int(np.argmin(inside))
    return False, f"{name} leaves the region at {pos[first].round(3).tolist()}"


def _moves_less_than(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    pos = outcome.trajectory.pos[name]
    pos = pos[~np.isnan(pos[:, 0])]
    moved = float(np.linalg.norm(pos - pos[0], axis=1).max()) if len(pos) else 0.0
    return moved < check.distance, f"{name} moves {moved:.4f} m (limit {check.distance} m)"


def _falls_over(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    t = outcome.trajectory
    exists = t.exists(name)
    tilt = np.full(len(t.times), np.nan)
    tilt[exists] = tilt_deg(t.quat[name][exists])
    over = np.flatnonzero(tilt > check.angle)
    # a body that broke is judged as it last stood whole: over when it broke
    final = tilt[exists][-1] if exists.any() else float("nan")
    broke = exists.any() and not exists[-1] and _fracture_time(outcome, name) is not None
    if not len(over) or not final > check.angle:
        return False, f"{name} ends tilted {final:.0f} deg (needs > {check.angle:g})" + (
            ", when it broke" if broke else "")
    when = t.times[over[0]]
    if check.before is not None and when > check.before:
        return False, f"{name} falls at t = {when:.2f} s, after {check.before} s"
    return True, f"{name} falls over at t = {when:.2f} s" + (
        f" (tilted {final:.0f} deg when it broke)" if broke else "")


def _visible(outcome: Outcome, check, name: str) -> tuple[bool | None, str]:
    shares = framing(outcome)
    if shares is None:
        return None, "needs the render stage"
    key = "inside" if check.inside else "visible"
    fraction = shares.get(name, {}).get(key, 0.0)
    what = "whole inside the frame" if check.inside else "visible"
    return fraction >= check.fraction, (f"{name} {what} in {fraction:.0%} of frames "
                                       f"(needs {check.fraction:.0%})")


def _shatters(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    limit = check.before if check.before is not None else np.inf
    broke = _fracture_time(outcome, name)
    if broke is not None and broke <= limit:
        return True, f"{name} shatters at t = {broke:.3f} s"
    late = f" before {check.before} s (it does at {broke:.3f} s)" if broke is not None else ""
    return False, f"{name} does not shatter{late}"


def _crushes(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    limit = check.before if check.before is not None else np.inf
    dents = [(depth_at(d, limit), d) for d in outcome.events.get("deformations", [])
             if d["body"] == name and d["time"] <= limit]
    if not dents:
        return False, f"{name} is not dented" + (f" before {check.before} s" if
                                                  check.before is not None else "")
    depth, deepest = max(dents, key=lambda entry: entry[0])
    by = f" by t = {check.before} s" if check.before is not None else ""
    return depth >= check.depth, (
        f"{name} dented {depth * 100:.1f} cm deep{by} by {deepest['by']} from t = "
        f"{deepest['time']:.3f} s (needs {check.depth * 100:.1f} cm)")


def _flame_out(outcome: Outcome, name: str) -> dict | None:
    return next((f for f in outcome.events.get("flame_outs", []) if f["flame"] == name), None)


def _goes_out(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    out = _flame_out(outcome, name)
    limit = check.before if check.before is not None else np.inf
    if out is not None and out["time"] <= limit:
        return True, (f"{name} goes out at t = {out['time']:.3f} s ({out['cause']}, air at "
                      f"{out['airspeed']:.2f} m/s)")
    late = f" before {check.before} s (it does at {out['time']:.3f} s)" if out else ""
    return False, f"{name} does not go out{late}"


def _stays_lit(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    out = _flame_out(outcome, name)
    if out is None:
        return True, f"{name} burns to the end"
    return False, f"{name} goes out at t = {out['time']:.3f} s ({out['cause']})"


def _liquid(outcome: Outcome, name: str):
    return next(liquid for liquid in outcome.scene.liquids if liquid.name == name)


def _frames_from(outcome: Outcome, t: float | None) -> np.ndarray:
    times = outcome.trajectory.times
    return np.flatnonzero(times >= t) if t is not None else np.array([len(times) - 1])


def _floats(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    for frame in _frames_from(outcome, check.after):
        when = outcome.trajectory.times[frame]
        bounds = world_bounds(outcome, name, frame)
        found = None if bounds is None else surface_at(outcome, name, bounds, frame)
        if found is None:
            return False, f"{name} is not in water at t = {when:.2f} s"
        surface, held = found
        if not held:
            return False, f"{name} rests on the bottom, no liquid under it, at t = {when:.2f} s"
        if not bounds[0, 2] < surface < bounds[1, 2]:
            where = "under" if bounds[1, 2] <= surface else "above"
            return False, f"{name} is {where} the surface at t = {when:.2f} s"
    return True, f"{name} floats at the surface"


def _sinks(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    frame = _frames_from(outcome, check.before)[0]
    when = outcome.trajectory.times[frame]
    bounds = world_bounds(outcome, name, frame)
    found = None if bounds is None else surface_at(outcome, name, bounds, frame)
    if found is None:
        return False, f"{name} is not in water at t = {when:.2f} s"
    surface = found[0]
    if bounds[1, 2] < surface:
        return True, f"{name} is under the surface at t = {when:.2f} s"
    return False, (f"{name} still reaches {bounds[1, 2]:.3f} m, above the surface at "
                   f"{surface:.3f} m, at t = {when:.2f} s")


def _liquid_stays_in(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    t = outcome.trajectory
    particles = t.particles[name]
    container = check.container
    liquid = _liquid(outcome, name)
    geometry = body_geometry(outcome, container)
    exists = t.exists(container)
    broke = _fracture_time(outcome, container)
    worst, when = 1.0, None
    for frame in range(len(t.times)):
        if not exists[frame]:
            if check.until_fracture and broke is not None and t.times[frame] >= broke:
                break
            worst, when = 0.0, t.times[frame]
            break
        pose = (t.pos[container][frame], t.quat[container][frame])
        inside = float(inside_hull(particles[frame], geometry, pose,
                                                   liquid.particle_radius).mean())
        if inside < worst:
            worst, when = inside, t.times[frame]
    until = " until it broke" if check.until_fracture and broke is not None else ""
    if when is None:
        return True, f"all of {name} stays in {container}{until}"
    return worst >= check.fraction, (f"{worst:.0%} of {name} in {container} at "
                                     f"t = {when:.2f} s (needs {check.fraction:.0%}){until}")


def _pours_into(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    t = outcome.trajectory
    container, last = check.container, len(t.times) - 1
    if not t.exists(container)[last]:
        return False, f"{container} is gone at the end"
    liquid = _liquid(outcome, name)
    pose = (t.pos[container][last], t.quat[container][last])
    inside = float(inside_hull(t.particles[name][last], body_geometry(outcome, container), pose,
                               liquid.particle_radius).mean())
    return inside >= check.fraction, (f"{inside:.0%} of {name} ends in {container} "
                                      f"(needs {check.fraction:.0%})")


def _puddle(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    """Most of the liquid lies low and together at the end, out in the open: within
    `max_radius` of its median, horizontally, at most PUDDLE_DEPTH_M above its lowest
    particle, and in no container (water in a bowl is not a puddle)."""
    x = outcome.trajectory.particles[name][-1]
    x = x[np.isfinite(x).all(axis=1)]
    if not len(x):
        return False, f"{name} has no particles at the end"
    centre = np.median(x, axis=0)
    near = np.hypot(*(x - centre)[:, :2].T) <= check.max_radius
    low = x[:, 2] <= x[:, 2].min() + PUDDLE_DEPTH_M
    share = float((near & low & ~_in_containers(outcome, x)).mean())
    return share >= check.fraction, (
        f"{share:.0%} of {name} lies within {check.max_radius:g} m of its centre and "
        f"{PUDDLE_DEPTH_M * 100:.0f} cm of the floor (needs {check.fraction:.0%})")


def _holds_together(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    """At the end the liquid is in at most `max_blobs` pieces (particles 1.5 spacings apart
    or closer joined), not counting spray: drops of under SPRAY_SHARE of it, which may hold
    SPRAY_TOTAL in all."""
    liquid = _liquid(outcome, name)
    x = outcome.trajectory.particles[name][-1]
    sizes = piece_sizes(x, 3 * liquid.particle_radius)
    if not len(sizes):
        return False, f"{name} has no particles at the end"
    total = sizes.sum()
    blobs = int((sizes >= SPRAY_SHARE * total).sum())
    spray = float(sizes[blobs:].sum() / total)
    return blobs <= check.max_blobs and spray <= SPRAY_TOTAL, (
        f"{name} ends in {blobs} blob(s) (at most {check.max_blobs}), {spray:.0%} of it in "
        f"{len(sizes) - blobs} stray drop(s) (at most {SPRAY_TOTAL:.0%})")


def _passes_through(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    """The body's centre passes through the target's opening (into it from its normal's
    side), by `before` if given."""
    t = outcome.trajectory
    hole = opening_of(script_body(outcome, check.target))
    middle = body_geometry(outcome, name).visual.bounds.mean(axis=0)  # a ball's centre
    seen = t.exists(name) & t.exists(check.target)
    if check.before is not None:
        seen &= t.times <= check.before
    centre = t.pos[name] + np.einsum("fij,j->fi", quat_to_matrix(t.quat[name]), middle)
    rot = quat_to_matrix(t.quat[check.target])
    local = np.einsum("fji,fj->fi", rot, centre - t.pos[check.target]) - hole.centre
    height = local @ hole.normal
    down = np.flatnonzero(seen[:-1] & seen[1:] & (height[:-1] > 0) & (height[1:] <= 0))
    if not len(down):
        return False, f"{name} never passes the plane of {check.target}'s opening"
    share = height[down] / (height[down] - height[down + 1])
    crossing = local[down] + share[:, None] * (local[down + 1] - local[down])
    crossing -= (crossing @ hole.normal)[:, None] * hole.normal
    miss = np.array([hole.outside(point) for point in crossing])
    at = t.times[down] + share * (t.times[down + 1] - t.times[down])
    best = int(np.argmin(miss))
    inside = miss[best] <= 0
    where = (f"{np.linalg.norm(crossing[best]) * 100:.0f} cm from its centre" if inside else
             f"{miss[best] * 100:.0f} cm outside")
    return bool(inside), (f"{name} passes {check.target}'s opening plane at t = "
                          f"{at[best]:.2f} s, {where} ({'inside' if inside else 'outside'} "
                          f"{hole.size_text()})")


def _in_containers(outcome: Outcome, points: np.ndarray) -> np.ndarray:
    """[N] whether each point lies within the hull of a hollow body standing at the end."""
    t, inside = outcome.trajectory, np.zeros(len(points), bool)
    for body in outcome.scene.all_bodies():
        if body.asset not in ASSETS or not ASSETS[body.asset].hollow \
                or not t.exists(body.name)[-1]:
            continue
        pose = (t.pos[body.name][-1], t.quat[body.name][-1])
        inside |= inside_hull(points, body_geometry(outcome, body.name), pose)
    return inside


def _on_screen(outcome: Outcome, check, subject: EventSubject) -> tuple[bool | None, str]:
    if outcome.visibility is None:
        return None, "needs the render stage"
    event = find(subject, outcome.scene, outcome.events, outcome.trajectory.names)
    label = f"{subject.event} of {' and '.join(subject.names())}"
    if event is None:
        return False, f"no {label} happens"
    entry = frame_event(event, outcome.scene, outcome.events, outcome.visibility,
                        outcome.image_positions or {})
    where = ("not seen" if entry["image_position"] is None else
             f"at ({entry['image_position'][0]:.0f}, {entry['image_position'][1]:.0f}) px, "
             f"{'inside' if entry['central'] else 'outside'} the central 80%")
    detail = (f"{label} on frame {entry['frame']}: {where}; covers {entry['coverage']:.1%} "
              f"of the frame at best in the next {entry['window_frames'] - 1} frames (needs "
              f"{check.min_fraction * 100:g}%)")
    return entry["central"] and entry["coverage"] >= check.min_fraction, detail


def _swings(outcome: Outcome, check, name: str) -> tuple[bool, str]:
    """The period of the body's sway along its widest horizontal direction."""
    t = outcome.trajectory
    exists = t.exists(name)
    flat = t.pos[name][exists, :2]
    if len(flat) < 3:
        return False, f"{name} is not in the shot long enough to swing"
    flat = flat - flat.mean(axis=0)
    direction = np.linalg.svd(flat, full_matrices=False)[2][0]
    sway = flat @ direction
    sway = sway - (sway.max() + sway.min()) / 2
    times = t.times[exists]
    k = np.flatnonzero((sway[:-1] > 0) & (sway[1:] <= 0))
    crossings = times[k] + sway[k] / (sway[k] - sway[k + 1]) * (times[k + 1] - times[k])
    if len(crossings) < 2 or np.ptp(sway) < 1e-3:
        return False, f"{name} does not swing a full period ({np.ptp(sway) * 100:.1f} cm sway)"
    period = float(np.diff(crossings).mean())
    ok = abs(period / check.period - 1) <= check.tolerance
    return ok, (f"{name} swings with a period of {period:.3f} s (expected "
                f"{check.period:.3f} s within {check.tolerance:.0%})")


def _fracture_time(outcome: Outcome, body: str) -> float | None:
    return next((f["time"] for f in outcome.events["fractures"] if f["body"] == body), None)


_CHECKS = {
    "comes_to_rest": _comes_to_rest, "contacts": _contacts, "bounces": _bounces,
    "stays_within": _stays_within, "moves_less_than": _moves_less_than,
    "falls_over": _falls_over, "visible": _visible, "shatters": _shatters,
    "crushes": _crushes,
    "floats": _floats, "sinks": _sinks, "liquid_stays_in": _liquid_stays_in,
    "sloshes": sloshes,
    "pours_into": _pours_into, "puddle": _puddle, "holds_together": _holds_together,
    "passes_through": _passes_through, "swings": _swings,
    "on_screen": _on_screen,
    "goes_out": _goes_out, "stays_lit": _stays_lit,
    "drapes_over": drapes_over, "stays_on": stays_on, "flutters": flutters,
    "springs_back": springs_back, "keeps_volume": keeps_volume,
}
