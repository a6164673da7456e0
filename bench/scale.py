"""How the simulate stage scales with dynamic bodies, printed as JSON (issue 20).

    python -m bench.scale [--repeats N] [--counts 10,50,200,500] [--out FILE]

Three scenes are built at each body count: a pile of boxes dropped in a bin, a field of
dominoes toppled by a push, and a ball pit poured into a bin. For each the stage time and the
stepping loop's time are divided by the time spent inside Bullet's own stepSimulation during
the same run (targets: loop / Bullet <= 1.5 at 10 bodies, <= 1.15 at 200 and 500). The 500-ball
pit's real-time factor is reported too, and each scene at the largest count once more with
`physics.record_every: 10` (the bodies read every tenth step, as a dataset needing only the
video's frames may ask). The `sleep` rows run each scene at 10, 200 and 500 bodies for 4 s
awake and with `physics.sleep`: the fraction of steps with the whole world asleep, of body
steps asleep, and the stage's speed-up.

The process first runs the smallest scene a few times untimed, and each row runs its scene
once untimed before the timed runs. Each row also has the floor: the same world stepped by a
bare loop that makes only the PyBullet calls the stage cannot do without (stepSimulation; the
step's contact list, which collision episodes and breaks are made of; and each dynamic body's
pose and velocity at every recorded step), and nothing else. `floor_ratio` is that loop over
its own Bullet time: what PyBullet's API costs before any of simshot's Python runs, and the
least `ratio_loop` can be.
"""
from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

from bench.run import emit
from bridge.schema import Scene

DURATION = 2.0  # s: long enough for a pile to land and settle
SPARSE = 10  # physics.record_every of the extra rows: 240 Hz steps recorded at 24 Hz
SLEEP_DURATION = 4.0  # s: the sleep rows' scenes, long enough for some to come to rest
SLEEP_COUNTS = (10, 200, 500)
# runs of the smallest scene before any row: a process's first runs are slower than the
# ones after (the first measure of the pile of 10 gave 1.58, then 1.48 to 1.50), which
# would charge the first row for costs no step pays
WARM_UP_RUNS = 3


def _bin(half: float, height: float = 0.4) -> list[dict]:
    """Four static wooden walls around a square floor patch of side 2 * `half` metres."""
    side, thick = 2 * half + 0.1, 0.05
    places = [((half + thick, 0), (thick, side)), ((-half - thick, 0), (thick, side)),
              ((0, half + thick), (side, thick)), ((0, -half - thick), (side, thick))]
    return [{"name": f"wall_{k}", "asset": "box", "static": True, "material": "wood",
             "params": {"length": length, "width": width, "height": height},
             "position": [x, y, 0.0]} for k, ((x, y), (length, width)) in enumerate(places)]


def _lattice(count: int, spacing: float, base: float) -> list[tuple[float, float, float]]:
    """`count` points on a square lattice, layer over layer, centred over the origin."""
    side = max(1, math.ceil(math.sqrt(count / max(1, round(count ** (1 / 3))))))
    return [((k % side - (side - 1) / 2) * spacing, ((k // side) % side - (side - 1) / 2)
             * spacing, base + (k // (side * side)) * spacing) for k in range(count)]


def pile(count: int) -> dict:
    """Wooden cubes of 8 cm dropped on a lattice into a bin."""
    points = _lattice(count, 0.1, 0.05)
    half = max(abs(p[0]) for p in points) + 0.15
    bodies = [{"name": f"cube_{k}", "asset": "box", "material": "wood",
               "params": {"length": 0.08, "width": 0.08, "height": 0.08},
               "position": list(p), "rotation": [0, 0, 7 * k % 40]}
              for k, p in enumerate(points)]
    return {"bodies": bodies + _bin(half)}


def dominoes(count: int) -> dict:
    """Rows of dominoes 4 cm apart, the first of each row pushed over."""
    rows = max(1, round(math.sqrt(count / 4)))
    per_row = math.ceil(count / rows)
    bodies, events = [], []
    for k in range(count):
        row, col = divmod(k, per_row)
        bodies.append({"name": f"domino_{k}", "asset": "domino",
                       "position": [col * 0.04 - per_row * 0.02, row * 0.1, 0.0]})
        if col == 0:
            events.append({"at": 0.05, "push": {"body": f"domino_{k}",
                                                "impulse": [0.002, 0, 0],
                                                "point": [0, 0, 0.04]}})
    return {"bodies": bodies, "events": events}


def ball_pit(count: int) -> dict:
    """Rubber balls of 3.5 cm radius poured on a lattice into a bin."""
    points = _lattice(count, 0.08, 0.1)
    half = max(abs(p[0]) for p in points) + 0.12
    bodies = [{"name": f"ball_{k}", "asset": "ball", "material": "rubber",
               "params": {"radius": 0.035}, "position": list(p)}
              for k, p in enumerate(points)]
    return {"bodies": bodies + _bin(half)}


SCENES = {"pile": pile, "dominoes": dominoes, "ball_pit": ball_pit}


def scale_scene(kind: str, count: int, record_every: int | None = None,
                duration: float = DURATION, sleep: bool = False) -> Scene:
    """One of the SCENES with `count` dynamic bodies, validated."""
    data = {"name": f"{kind}_{count}", "duration": duration, "fps": 24,
            "resolution": [64, 48], **SCENES[kind](count), "physics": {"sleep": sleep}}
    if record_every:
        data["physics"]["record_every"] = record_every
    return Scene.model_validate(data)


def api_floor(scene: Scene, total: int, every: int) -> tuple[float, float]:
    """Seconds of the bare loop (see the module's docstring) over `total` steps, reading
    the bodies every `every` steps as the stage did, and of Bullet within it."""
    import pybullet as p

    from physics.world import World

    world = World(scene, Path("."))
    client = world.client
    dynamic = [live.uid for live in world.bodies.values() if not live.static]
    pose, velocity, contacts, step = (p.getBasePositionAndOrientation, p.getBaseVelocity,
                                      p.getContactPoints, p.stepSimulation)
    bullet = 0.0
    try:
        started = time.perf_counter()
        for k in range(total + 1):
            if k % every == 0:
                for uid in dynamic:
                    pose(uid, client), velocity(uid, client)
            if k < total:
                before = time.perf_counter()
                step(physicsClientId=client)
                bullet += time.perf_counter() - before
                contacts(physicsClientId=client)
        return time.perf_counter() - started, bullet
    finally:
        world.close()


def measure(kind: str, count: int, repeats: int, record_every: int | None = None) -> dict:
    """Stage, loop and Bullet seconds (medians) for one scene."""
    from physics.simulate import simulate

    scene = scale_scene(kind, count, record_every)
    stage, loop, bullet, floor = [], [], [], []
    simulate(scene, Path("."))  # untimed: the process's first runs pay one-off costs
    for _ in range(repeats):
        started = time.perf_counter()
        result = simulate(scene, Path("."))
        stage.append(time.perf_counter() - started)
        loop.append(result.timings_s["loop"])
        bullet.append(result.timings_s["bullet"])
        every = round(result.interval / scene.physics.timestep)
        bare, stepping = api_floor(scene, result.steps, every)
        floor.append(bare / stepping)
    median = statistics.median
    return {"scene": kind, "bodies": count, "steps": result.steps,
            "record_every": record_every or 1,
            "bullet_s": round(median(bullet), 4), "loop_s": round(median(loop), 4),
            "stage_s": round(median(stage), 4),
            "ratio_loop": round(median(loop) / median(bullet), 3),
            "ratio_stage": round(median(stage) / median(bullet), 3),
            "floor_ratio": round(median(floor), 3),
            "real_time_factor": round(DURATION / median(stage), 3)}


def measure_sleep(kind: str, count: int, repeats: int) -> dict:
    """The stage over SLEEP_DURATION awake and with `physics.sleep` (medians): how long the
    world slept and what that saved."""
    from physics.simulate import simulate

    scenes = {sleep: scale_scene(kind, count, duration=SLEEP_DURATION, sleep=sleep)
              for sleep in (False, True)}
    stage: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(repeats):
        for sleep, scene in scenes.items():
            started = time.perf_counter()
            result = simulate(scene, Path("."))
            stage[sleep].append(time.perf_counter() - started)
    awake, slept = (statistics.median(stage[s]) for s in (False, True))
    asleep = result.timings_s["asleep_steps"] / result.steps  # the last run, with sleep
    bodies = result.timings_s["asleep_body_steps"] / (result.steps * count)
    return {"scene": kind, "bodies": count, "duration_s": SLEEP_DURATION,
            "asleep_fraction": round(asleep, 3), "asleep_body_fraction": round(bodies, 3),
            "stage_awake_s": round(awake, 4), "stage_sleep_s": round(slept, 4),
            "speedup": round(awake / slept, 3),
            "real_time_factor_sleep": round(SLEEP_DURATION / slept, 3)}


def warm_up(kind: str, count: int) -> None:
    """Run one scene WARM_UP_RUNS times, untimed."""
    from physics.simulate import simulate

    scene = scale_scene(kind, count)
    for _ in range(WARM_UP_RUNS):
        simulate(scene, Path("."))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--counts", default="10,50,200,500")
    parser.add_argument("--scenes", default=",".join(SCENES))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    warm_up(args.scenes.split(",")[0], min(counts))
    rows = [measure(kind, count, args.repeats) for kind in args.scenes.split(",")
            for count in counts]
    # a dataset that needs the video's frames alone can record at 24 Hz: the loop then
    # reads the bodies every tenth step, and only contacts are read at every one
    rows += [measure(kind, max(counts), args.repeats, SPARSE) for kind in args.scenes.split(",")]
    sleep = [measure_sleep(kind, count, args.repeats) for kind in args.scenes.split(",")
             for count in SLEEP_COUNTS]
    emit({"benchmark": "scale", "duration_s": DURATION, "repeats": args.repeats,
          "warm_up_runs": WARM_UP_RUNS,
          "targets": {"ratio_loop_at_10": 1.5, "ratio_loop_at_200_and_500": 1.15},
          "rows": rows, "sleep": sleep}, args.out)


if __name__ == "__main__":
    main()
