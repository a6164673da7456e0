"""Checks that need the whole script: names, references, times and the body limit.

Each problem is `(path, message)`, where `path` is the data path of the offending field
(keys as written in the YAML, e.g. `with`), so that `bridge.locate` can give its line:col.
"""
from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from bridge import limits
from bridge.assets.openings import opening_of
from bridge.assets.registry import ASSETS
from bridge.camera_schema import EventSubject
from bridge.cloth import held_vertices, pin_vertex, pins
from bridge.cloth_schema import MAX_CLOTH_VERTICES
from bridge.errors import field_text
from bridge.joint_checks import joint_issues
from bridge.schema import (
    GROUND,
    Body,
    Contacts,
    Crushes,
    DrapesOver,
    Flutters,
    GoesOut,
    HoldsTogether,
    KeepsVolume,
    LiquidStaysIn,
    PassesThrough,
    PoursInto,
    Puddle,
    Scene,
    Sloshes,
    SpringsBack,
    StaysLit,
    breakable_settings,
    check_kind,
    check_subject,
)
from bridge.soft import mesh_problem, soft_mesh
from bridge.soft_schema import MAX_SOFT_NODES
from bridge.suggest import unknown_name

Path = tuple[str | int, ...]
Issue = tuple[Path, str]
GLOB_CHARS = "*?["
CHECK_TIMES = ("by", "before", "after")


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _body_paths(scene: Scene) -> Iterator[tuple[Path, Body]]:
    """Every body with the path of its mapping: script bodies, then spawned bodies."""
    for i, body in enumerate(scene.bodies):
        yield ("bodies", i), body
    for j, event in enumerate(scene.events):
        if event.spawn is not None:
            yield ("events", j, "spawn"), event.spawn


class _Checker:
    """Collects issues for one scene."""

    def __init__(self, scene: Scene):
        self.scene = scene
        self.bodies = {body.name: body for body in scene.all_bodies()}
        self.names = sorted(self.bodies)
        self.liquids = [liquid.name for liquid in scene.liquids]
        self.flames = [flame.name for flame in scene.flames]
        self.spawned = {e.spawn.name for e in scene.events if e.spawn is not None}
        self.has_ground = scene.world.ground is not None
        self.issues: list[Issue] = []

    def add(self, path: Path, message: str) -> None:
        self.issues.append((path, message))

    def reference(self, path: Path, name: str, ground_ok: bool = False) -> None:
        """`name` must be a body, or the ground where `ground_ok`."""
        if name in self.names:
            return
        if name == GROUND and ground_ok:
            if not self.has_ground:
                self.add(path, "the scene has no ground (world.ground is null)")
        elif name == GROUND:
            self.add(path, f"'{GROUND}' is the ground plane; name a body here")
        else:
            known = self.names + [GROUND] if ground_ok and self.has_ground else self.names
            self.add(path, unknown_name("body", name, known))

    def names_unique(self) -> None:
        first: dict[str, Path] = {}
        for path, body in _body_paths(self.scene):
            where = path + ("name",)
            if body.name == GROUND:
                self.add(where, f"'{GROUND}' is reserved for the ground plane; choose another name")
            elif body.name in first:
                self.add(where, f"duplicate body name '{body.name}' "
                         f"(first used at {field_text(first[body.name])})")
            else:
                first[body.name] = where

    def liquids_placed(self) -> None:
        taken = set(self.names)
        for i, liquid in enumerate(self.scene.liquids):
            base: Path = ("liquids", i)
            if liquid.name in taken or liquid.name == GROUND:
                self.add(base + ("name",), f"'{liquid.name}' is already a body or liquid name")
            taken.add(liquid.name)
            if liquid.inside is None:
                continue  # it runs from a source
            self.reference(base + ("inside",), liquid.inside)
            container = self.bodies.get(liquid.inside)
            if container is not None and not (container.asset and ASSETS[container.asset].hollow):
                hollow = sorted(name for name, spec in ASSETS.items() if spec.hollow)
                self.add(base + ("inside",), f"'{liquid.inside}' is not a hollow container; "
                         f"a liquid needs one of: {', '.join(hollow)}")

    def name_free(self, base: Path, name: str, taken: set[str], kinds: str) -> None:
        """`name` is not taken yet (then it is)."""
        if name in taken:
            self.add(base + ("name",), f"'{name}' is already a {kinds} name")
        taken.add(name)

    def flames_placed(self) -> None:
        taken = set(self.names) | set(self.liquids) | {GROUND}
        for i, flame in enumerate(self.scene.flames):
            base: Path = ("flames", i)
            self.name_free(base, flame.name, taken, "body, liquid or flame")
            self.reference(base + ("on",), flame.on)
            if flame.on in self.spawned:
                self.add(base + ("on",), f"'{flame.on}' is spawned by an event; a flame "
                         "burns on a body there from the start")

    def air_needed(self) -> None:
        """Wind, breaths and flames need air: none of them in a vacuum."""
        if self.scene.world.air:
            return
        needs = [(("wind", i), "a wind") for i in range(len(self.scene.wind))]
        needs += [(("events", i, "blow"), "a breath") for i, e in enumerate(self.scene.events)
                  if e.blow is not None]
        needs += [(("flames", i), "a flame") for i in range(len(self.scene.flames))]
        for base, what in needs:
            self.add(base, f"{what} needs air, and world.air is false (a vacuum): remove it "
                     "or set world.air: true")

    def cloth_placed(self) -> None:
        taken = set(self.names) | set(self.liquids) | set(self.flames) | {GROUND}
        for i, cloth in enumerate(self.scene.cloth):
            base: Path = ("cloth", i)
            self.name_free(base, cloth.name, taken, "body, liquid, flame or cloth")
            for k, pin in enumerate(cloth.pinned if isinstance(cloth.pinned, list) else []):
                if pin.to is None:
                    continue
                self.reference(base + ("pinned", k, "to"), pin.to)
                if pin.to in self.spawned:
                    self.add(base + ("pinned", k, "to"), f"'{pin.to}' is spawned by an "
                             "event; a cloth is pinned to a body there from the start")

    def cloth_limits(self) -> None:
        """The vertex budget, and pins that land on one vertex."""
        cloths = self.scene.cloth
        if not cloths:
            return
        total = sum(c.counts[0] * c.counts[1] for c in cloths)
        if total > MAX_CLOTH_VERTICES:
            self.add(("cloth",), f"{total} cloth vertices in all; the limit is "
                     f"{MAX_CLOTH_VERTICES}: lower `resolution`")
        for i, cloth in enumerate(cloths):
            if isinstance(cloth.pinned, list):
                held = [pin_vertex(cloth, pin) for pin in cloth.pinned]
                for k, vertex in enumerate(held):
                    if vertex in held[:k]:
                        self.add(("cloth", i, "pinned", k, "point"), "this pin lands on the "
                                 f"vertex of pin {held.index(vertex)}; move it or raise the "
                                 "cloth's `resolution`")
        for j, event in enumerate(self.scene.events):
            if event.action == "pull":
                self.pull_free(("events", j, "pull", "edge"), event.pull)

    def soft_placed(self) -> None:
        taken = set(self.names) | set(self.liquids) | set(self.flames) | {GROUND} | {
            cloth.name for cloth in self.scene.cloth}
        for i, soft in enumerate(self.scene.soft):
            self.name_free(("soft", i), soft.name, taken, "body, liquid, flame, cloth or soft "
                           "body")
            problem = None if soft.shape == "mesh" else mesh_problem(soft)  # files: at run
            if problem:
                self.add(("soft", i, "resolution"), problem)
        total = sum(len(soft_mesh(soft).nodes) for soft in self.scene.soft
                    if soft.shape != "mesh")
        if total > MAX_SOFT_NODES:
            self.add(("soft",), f"{total} soft-body nodes in all; the limit is "
                     f"{MAX_SOFT_NODES}: lower `resolution`")

    def flex_events(self) -> None:
        """What cloth and soft bodies cannot meet yet: bodies that appear or change later."""
        kinds = " and ".join(k for k, there in (("cloth", self.scene.cloth),
                                                ("soft bodies", self.scene.soft)) if there)
        for j, event in enumerate(self.scene.events if kinds else ()):
            if event.action in ("spawn", "release", "pour"):
                self.add(("events", j, event.action), f"a `{event.action}` event in a scene "
                         f"with {kinds}: the {kinds} meet{'s' * (kinds == 'cloth')} only "
                         "bodies as they are at t = 0 "
                         "(put the body in `bodies`, dynamic, from the start)")

    def pull_free(self, path: Path, pull) -> None:
        cloth = next((c for c in self.scene.cloth if c.name == pull.cloth), None)
        if cloth is None:
            return
        still = {k for k, body in pins(cloth) if body is None or self.bodies.get(body) is not None
                 and self.bodies[body].static}
        if set(held_vertices(cloth, pull.edge).tolist()) <= still:
            self.add(path, f"all of '{pull.edge}' is pinned still, so the pull would move "
                     "nothing; pull another edge or pin less")

    def named(self, path: Path, name: str, kind: str, known: list[str], section: str) -> None:
        """`name` is one of the scene's `known` things of this kind (listed under `section`)."""
        if name not in known:
            self.add(path, unknown_name(kind, name, known) if known
                     else f"the scene has no {kind} '{name}' (add it under `{section}`)")

    def cloth_reference(self, path: Path, name: str) -> None:
        self.named(path, name, "cloth", [cloth.name for cloth in self.scene.cloth], "cloth")

    def soft_reference(self, path: Path, name: str) -> None:
        self.named(path, name, "soft body", [soft.name for soft in self.scene.soft], "soft")

    def flame_reference(self, path: Path, name: str) -> None:
        self.named(path, name, "flame", self.flames, "flames")

    def blow_target(self, path: Path, toward: object) -> None:
        if isinstance(toward, str) and toward not in self.flames + self.names:
            self.add(path, unknown_name("flame or body", toward, self.flames + self.names))

    def passes_through(self, base: Path, check: PassesThrough) -> None:
        self.reference(base + ("passes_through",), check.passes_through)
        self.reference(base + ("target",), check.target)
        target = self.bodies.get(check.target)
        if target is not None and opening_of(target) is None:
            self.add(base + ("target",), f"'{check.target}' has no opening to pass "
                     "through; name a basketball_hoop, a soccer_goal or a hollow container "
                     "(tumbler, bowl, ...) without a lid")

    def crushable(self, path: Path, subject: str | list[str]) -> None:
        """A body that cannot dent passes `crushes ... not: true` by default: refuse it."""
        for k, name in enumerate([subject] if isinstance(subject, str) else subject):
            body = self.bodies.get(name)
            if body is not None and not body.crushable:
                self.add(path if isinstance(subject, str) else path + (k,),
                         f"'{name}' is not crushable: give it `crushable: true` (a steel, "
                         "aluminium, iron, plastic or cardboard body) to check its dents")

    def body_count(self) -> None:
        paths = [path for path, _ in _body_paths(self.scene)]
        paths += [("ropes", r, "segments") for r, rope in enumerate(self.scene.ropes)
                  for _ in range(rope.segments)]
        if len(paths) > limits.MAX_BODIES:
            self.add(paths[limits.MAX_BODIES], f"{len(paths)} bodies including spawned ones "
                     f"and rope links; the limit is {limits.MAX_BODIES}")

    def event_references(self) -> None:
        static = {body.name for body in self.scene.all_bodies() if body.static}
        for j, event in enumerate(self.scene.events):
            base: Path = ("events", j)
            for k, name in enumerate(event.on_contact or ()):
                self.reference(base + ("on_contact", k), name, ground_ok=True)
            action = event.action
            if action in ("push", "force", "set_velocity"):
                self.reference(base + (action, "body"), getattr(event, action).body)
            elif action == "blow":
                self.blow_target(base + ("blow", "toward"), event.blow.toward)
            elif action == "pull":
                self.cloth_reference(base + ("pull", "cloth"), event.pull.cloth)
            elif action in ("squeeze", "press"):
                self.soft_reference(base + (action, "soft"), event.value.soft)
            elif action == "break":
                self.reference(base + ("break",), event.break_)
                body = self.bodies.get(event.break_)
                if body is not None and breakable_settings(body) is None:
                    self.add(base + ("break",), f"'{event.break_}' is not breakable (give it "
                             "`breakable: true`, or a brittle material such as glass)")
            elif action in ("release", "remove"):
                name = getattr(event, action)
                self.reference(base + (action,), name)
                if action == "release" and name in self.names and name not in static:
                    self.add(base + (action,), f"release needs a static body; '{name}' is not "
                             "static (give it `static: true`)")

    def event_times(self) -> None:
        end = self.scene.duration
        for j, event in enumerate(self.scene.events):
            base: Path = ("events", j)
            start = (event.at or 0.0) + event.delay
            if event.at is not None and event.at > end:
                self.add(base + ("at",), f"at {_seconds(event.at)} is after the end of the shot "
                         f"(duration {_seconds(end)})")
                continue
            if start > end:
                self.add(base + ("delay",), f"the event fires at {_seconds(start)} (trigger + "
                         f"delay), after the end of the shot (duration {_seconds(end)})")
                continue
            if event.force is not None and start + event.force.duration > end:
                self.add(base + ("force", "duration"), "the force lasts until "
                         f"{_seconds(start + event.force.duration)}, after the end of the shot "
                         f"(duration {_seconds(end)})")

    def camera_times(self) -> None:
        previous = None
        for k, key in enumerate(self.scene.camera.keyframes):
            path: Path = ("camera", "keyframes", k, "at")
            if key.at > self.scene.duration:
                self.add(path, f"keyframe at {_seconds(key.at)} is after the end of the shot "
                         f"(duration {_seconds(self.scene.duration)})")
            elif previous is not None and key.at <= previous:
                self.add(path, f"keyframe times must increase: {_seconds(key.at)} comes after "
                         f"{_seconds(previous)}")
            previous = key.at
        for k, shot in enumerate(self.scene.camera.shots):
            base: Path = ("camera", "shots", k)
            if k and shot.from_ >= self.scene.duration:
                self.add(base + ("from",), f"the cut at {_seconds(shot.from_)} is not before "
                         f"the end of the shot (duration {_seconds(self.scene.duration)})")
            if shot.subject is not None:
                self.subject(base + ("subject",), shot.subject)
            if shot.move is not None and shot.move.track is not None:
                self.reference(base + ("move", "track", "body"), shot.move.track.body)

    def frame_count(self) -> None:
        frames = self.scene.num_frames
        if frames > limits.MAX_FRAMES:
            self.add(("camera", "shots") if self.scene.camera.shots else ("duration",),
                     f"{frames} video frames (duration x fps, stretched by slow motion); the "
                     f"limit is {limits.MAX_FRAMES}: shorten the shot or slow it down less")

    def subject(self, path: Path, subject: str | list[str] | EventSubject) -> None:
        if isinstance(subject, EventSubject):
            self.event_subject(path, subject)
        elif isinstance(subject, list):
            for k, name in enumerate(subject):
                self.reference(path + (k,), name)
        elif any(c in subject for c in GLOB_CHARS):
            if not any(fnmatchcase(name, subject) for name in self.names):
                self.add(path, f"pattern '{subject}' matches no body "
                         f"(bodies: {', '.join(self.names)})")
        else:
            self.reference(path, subject)

    def event_subject(self, path: Path, event: EventSubject) -> None:
        if event.event == "spill":
            self.liquid_reference(path + ("liquid",), event.liquid)
        elif event.event == "impact":
            for k, name in enumerate(event.bodies):
                self.reference(path + ("bodies", k), name, ground_ok=True)
        else:
            self.reference(path + ("body",), event.body)

    def liquid_reference(self, path: Path, name: str) -> None:
        self.named(path, name, "liquid", self.liquids, "liquids")

    def expectations(self) -> None:
        for i, check in enumerate(self.scene.expect):
            base: Path = ("expect", i)
            if isinstance(check, (LiquidStaysIn, PoursInto, Sloshes)):
                key = check_kind(check)
                self.liquid_reference(base + (key,), getattr(check, key))
                self.reference(base + ("container",), check.container)
            elif isinstance(check, PassesThrough):
                self.passes_through(base, check)
            elif isinstance(check, (GoesOut, StaysLit)):
                key = check_kind(check)
                self.flame_reference(base + (key,), getattr(check, key))
            elif isinstance(check, DrapesOver):
                self.cloth_reference(base + ("drapes_over",), check.drapes_over)
                self.reference(base + ("body",), check.body)
            elif isinstance(check, Flutters):
                self.cloth_reference(base + ("flutters",), check.flutters)
            elif isinstance(check, (SpringsBack, KeepsVolume)):
                key = check_kind(check)
                self.soft_reference(base + (key,), getattr(check, key))
            elif isinstance(check, (Puddle, HoldsTogether)):
                key = check_kind(check)
                self.liquid_reference(base + (key,), getattr(check, key))
            else:
                self.subject(base + (check_kind(check),), check_subject(check))
            if isinstance(check, Crushes):
                self.crushable(base + ("crushes",), check.crushes)
            for key in ("on", "with_"):
                name = getattr(check, key, None)
                if name is not None and any(c in name for c in GLOB_CHARS):
                    self.subject(base + (key.rstrip("_"),), name)
                elif name is not None:
                    self.reference(base + (key.rstrip("_"),), name, ground_ok=True)
            for key in CHECK_TIMES:
                value = getattr(check, key, None)
                if value is not None and value > self.scene.duration:
                    self.add(base + (key,), f"{key} {_seconds(value)} is after the end of the "
                             f"shot (duration {_seconds(self.scene.duration)})")
            if isinstance(check, Contacts) and None not in (check.before, check.after) \
                    and check.after >= check.before:
                self.add(base + ("after",), "`after` must be earlier than `before`")


def check_semantics(scene: Scene) -> list[Issue]:
    """Every cross-field problem of a schema-valid scene, as (data path, message)."""
    checker = _Checker(scene)
    checker.names_unique()
    checker.body_count()
    checker.liquids_placed()
    checker.flames_placed()
    checker.air_needed()
    checker.cloth_placed()
    checker.cloth_limits()
    checker.soft_placed()
    checker.flex_events()
    checker.event_references()
    checker.event_times()
    checker.camera_times()
    checker.frame_count()
    checker.expectations()
    return checker.issues + joint_issues(scene)
