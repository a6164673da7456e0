"""The scene script: pydantic v2 models, strict (`extra="forbid"`, no NaN or infinity).

Angles are degrees in the script; code converts them to radians. Units are SI, z is up.
Cross-references (event bodies, expectation subjects) are checked in `bridge.semantics`,
which needs the whole script.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bridge import limits
from bridge.air_schema import MAX_FLAMES, MAX_WIND_FIELDS, Blow, Flame, Wind
from bridge.assets.registry import ASSETS
from bridge.camera_schema import Camera
from bridge.check_schema import (  # noqa: F401 - re-exported: the checks' public names
    CHECKS,
    Bounces,
    ComesToRest,
    Contacts,
    Crushes,
    DrapesOver,
    Expectation,
    FallsOver,
    Floats,
    Flutters,
    GoesOut,
    HoldsTogether,
    KeepsVolume,
    LiquidStaysIn,
    MovesLessThan,
    OnScreen,
    PassesThrough,
    PoursInto,
    Puddle,
    Shatters,
    Sinks,
    Sloshes,
    SpringsBack,
    StaysLit,
    StaysOn,
    StaysWithin,
    Swings,
    Visible,
    check_kind,
    check_subject,
)
from bridge.cloth_schema import MAX_CLOTHS, Cloth, Pull
from bridge.crushable import Crushable
from bridge.joint_schema import Joint, Motor  # noqa: F401 - re-exported
from bridge.liquid_schema import Liquid, Source  # noqa: F401 - re-exported
from bridge.materials import MATERIALS
from bridge.refine_schema import RefineSettings
from bridge.rope_schema import Cut, Rope, RopeEnd  # noqa: F401 - re-exported
from bridge.ropes import rope_parts
from bridge.schema_types import (  # noqa: F401 - re-exported: the schema's public names
    GROUND,
    MESH_SUFFIXES,
    NAME_PATTERN,
    RGB,
    SUBJECT_PATTERN,
    Name,
    Positive,
    StrictModel,
    Subject,
    Time,
    Vec3,
)
from bridge.soft_schema import MAX_SOFTS, Press, Soft, Squeeze
from bridge.suggest import unknown_name
from bridge.timing import TimeMap, time_map
from bridge.vehicle_schema import Drive, Steer


def _check_material(name: str | None) -> str | None:
    if name is not None and name not in MATERIALS:
        raise PydanticCustomError("unknown_material", unknown_name("material", name, MATERIALS))
    return name


# parameters whose 0 means the part is not there (a container's lid)
ABSENT_AT_ZERO = frozenset({"lid"})


class Breakable(StrictModel):
    """Pre-fractured into seeded Voronoi pieces; breaks when a contact pushes hard enough."""

    pieces: Annotated[int, Field(ge=2, le=limits.MAX_FRAGMENTS)] = 16
    threshold: Positive | None = Field(
        None, description="peak contact force in N that breaks it; default: from the "
        "material's toughness and the body's size")
    depth: Annotated[int, Field(ge=1, le=limits.MAX_FRACTURE_DEPTH)] = Field(
        1, description="2: large fragments can break again")
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] | None = Field(
        None, description="default: derived from the scene seed and the body name")


class Body(StrictModel):
    """A rigid body: a library asset or a mesh file, placed by its bottom centre."""

    name: Name
    asset: str | None = Field(None, description="library asset name, e.g. tumbler, basketball")
    mesh: str | None = Field(None, description="OBJ/GLB/GLTF/STL/PLY path relative to the script")
    params: dict[str, float] = Field(default_factory=dict,
                                     description="asset dimensions, e.g. {radius: 0.05}")
    scale: Positive | tuple[Positive, Positive, Positive] = 1.0
    material: str | None = Field(None, description="defaults to the asset's material")
    color: RGB | None = Field(None, description="base colour override, linear RGB 0..1")
    position: Vec3 = (0.0, 0.0, 0.0)
    rotation: Vec3 = Field((0.0, 0.0, 0.0),
                           description="degrees about x, y, z (roll, pitch, yaw), applied x first")
    velocity: Vec3 = (0.0, 0.0, 0.0)
    angular_velocity: Vec3 = Field((0.0, 0.0, 0.0), description="degrees per second")
    mass: Positive | None = Field(None, description="kg; defaults to density x volume")
    friction: Annotated[float, Field(ge=0, le=10)] | None = None
    restitution: Annotated[float, Field(ge=0, le=1)] | None = None
    static: bool = Field(False, description="fixed in place until a `release` event")
    breakable: Breakable | bool | None = Field(
        None, description="true, false, or settings; default: true for brittle materials "
        "(glass, ceramic, porcelain, ice, eggshell)")
    crushable: Crushable | bool = Field(
        False, description="true or settings: dents where it is hit hard (a car's body, a can, "
        "a bin); needs a material that yields (steel, aluminium, iron, plastic, cardboard) or "
        "a crush_force")

    @field_validator("asset")
    @classmethod
    def _asset_known(cls, name: str | None) -> str | None:
        if name is not None and name not in ASSETS:
            raise PydanticCustomError("unknown_asset", unknown_name("asset", name, ASSETS))
        return name

    _material_known = field_validator("material")(_check_material)

    @field_validator("mesh")
    @classmethod
    def _mesh_path_safe(cls, path: str | None) -> str | None:
        if path is None:
            return None
        if path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
            raise PydanticCustomError(
                "mesh_path", "mesh path must be relative to the script's folder, not absolute")
        if ".." in path.replace("\\", "/").split("/"):
            raise PydanticCustomError("mesh_path", "mesh path must not contain '..'")
        if not path.lower().endswith(MESH_SUFFIXES):
            raise PydanticCustomError(
                "mesh_path", "mesh file must end in one of: " + ", ".join(MESH_SUFFIXES))
        return path

    @field_validator("params")
    @classmethod
    def _params_known(cls, params: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        asset = info.data.get("asset")
        known = ASSETS[asset].params if asset in ASSETS else {}
        for key, value in params.items():
            if asset in ASSETS and key not in known:
                raise PydanticCustomError(
                    "unknown_param", unknown_name(f"parameter of '{asset}'", key, known),
                    {"key": key})
            if value < 0 or (value == 0 and key not in ABSENT_AT_ZERO):
                raise PydanticCustomError(
                    "param_positive", f"params.{key} must be > 0, got {value}", {"key": key})
        return params

    @model_validator(mode="after")
    def _one_shape(self) -> Body:
        if (self.asset is None) == (self.mesh is None):
            raise PydanticCustomError("shape", "give exactly one of `asset` or `mesh`")
        if self.mesh is not None and self.params:
            raise PydanticCustomError("mesh_params", "`params` only applies to library assets")
        return self

    @model_validator(mode="after")
    def _dents_yield(self) -> Body:
        if self.crushable is False:
            return self
        if self.breakable is True or isinstance(self.breakable, Breakable):
            raise PydanticCustomError("crushable_breakable",
                                      "a body either breaks or dents: drop `breakable` or "
                                      "`crushable`")
        from bridge.assets.registry import default_material

        material = self.material or default_material(self.asset)
        given = isinstance(self.crushable, Crushable) and self.crushable.crush_force is not None
        if not given and MATERIALS[material].yield_strength is None:
            ductile = ", ".join(m.name for m in MATERIALS.values() if m.yield_strength)
            raise PydanticCustomError(
                "crushable_material", f"crushable: material '{material}' does not dent; give "
                f"a ductile material ({ductile}) or crushable.crush_force in N")
        return self


class Ground(StrictModel):
    material: str = "stone"
    size: Positive = Field(40.0, description="side of the square ground, metres")
    color: RGB | None = None

    _material_known = field_validator("material")(_check_material)


ENVIRONMENTS = ("none", "studio", "kitchen", "living_room", "court", "street", "space_station")
Environment = Literal["none", "studio", "kitchen", "living_room", "court", "street",
                      "space_station"]


class World(StrictModel):
    gravity: Vec3 = (0.0, 0.0, -9.81)
    ground: Ground | None = Field(default_factory=Ground, description="null for no ground")
    environment: Environment = Field(
        "none", description="surroundings drawn around the action, in real dimensions: "
        "studio (a cyclorama), kitchen, living_room, court, street, space_station, or none. "
        "They are look alone: the physics never sees them, and they carry segmentation id 0")
    allow_interpenetration: bool = Field(
        False, description="allow bodies to overlap at t = 0 (they will be pushed apart)")
    air: bool = Field(
        True, description="false for a vacuum (the Moon, a vacuum chamber): nothing feels "
        "drag, so a feather falls like a hammer; no wind, breath or flame there")


class PhysicsSettings(StrictModel):
    timestep: Annotated[float, Field(ge=1 / 2000, le=1 / 60)] = 1 / 240
    solver_iterations: Annotated[int, Field(ge=1, le=1000)] = 50
    max_speed: Annotated[float, Field(gt=0, le=10_000)] = limits.MAX_SPEED_M_S
    record_every: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        None, description="physics steps between the recorded samples of simulation.npz; "
        "default: every step, or as few as keep a long, crowded scene's recording within "
        "256 MB. Video frames are sampled from the recording, so the camera (slow motion "
        "included) never re-runs the simulation")
    sleep: bool = Field(
        False, description="put each body to sleep once it has held still (within 1 mm and "
        "0.01 rad) for 0.5 s: it is held where it is, costing next to nothing, until a body "
        "moving faster than 3 cm/s comes within reach of it or of what it touches, or an "
        "event is due: a settled pile then costs little. Only for rigid bodies alone: a "
        "scene with liquids, cloth, soft bodies, water, air, flames, joints or ropes never "
        "sleeps")


class Push(StrictModel):
    body: Name
    impulse: Vec3 = Field(description="N*s, world frame")
    point: Vec3 | None = Field(
        None, description="where it is applied, metres from the body's origin in its own frame "
        "(e.g. [0, 0, 0.09] near the top of a domino); default: the centre of mass")


class Force(StrictModel):
    body: Name
    force: Vec3 = Field(description="N, world frame")
    duration: Positive = Field(description="seconds the force is held")
    point: Vec3 | None = Field(
        None, description="where it is applied, metres from the body's origin in its own frame "
        "(a foot at a can's rim: it tips the can and what it holds); default: the centre of "
        "mass")


class SetVelocity(StrictModel):
    body: Name
    linear: Vec3 | None = None
    angular: Vec3 | None = Field(None, description="degrees per second")


class Pour(StrictModel):
    """A hand tips a container about its rim and holds it there: it turns by `angle` at an
    even rate over `duration`, pivoting on the rim edge on the `toward` side, and is held
    still (against gravity) from then to the end. A static container is released first."""

    body: Name
    angle: Annotated[float, Field(gt=0, le=180)] = Field(110.0, description="degrees")
    duration: Positive = Field(1.5, description="seconds the tilt takes")
    toward: Vec3 = Field((1.0, 0.0, 0.0), description="the way it tips (the spout side); "
                         "horizontal, any length")

    @field_validator("toward")
    @classmethod
    def _horizontal(cls, toward: tuple[float, float, float]) -> tuple[float, float, float]:
        if abs(toward[0]) + abs(toward[1]) < 1e-9:
            raise PydanticCustomError("toward", "`toward` needs a horizontal part, e.g. [1, 0, 0]")
        return toward


ACTIONS = ("push", "force", "set_velocity", "release", "remove", "spawn", "gravity", "break",
           "pour", "drive", "brake", "steer", "blow", "pull", "squeeze", "press", "cut")


class Event(StrictModel):
    """One action, fired at a time (`at`) or on first contact between two bodies."""

    at: Time | None = None
    on_contact: tuple[Name, Name] | None = None
    delay: Time = Field(0.0, description="seconds after the trigger")
    push: Push | None = None
    force: Force | None = None
    set_velocity: SetVelocity | None = None
    release: Name | None = Field(None, description="a static body becomes dynamic")
    remove: Name | None = None
    spawn: Body | None = None
    gravity: Vec3 | None = Field(None, description="new gravity vector from then on")
    break_: Name | None = Field(None, alias="break",
                                description="shatter a breakable body now, whatever the force")
    pour: Pour | None = None
    drive: Drive | None = None
    brake: Name | None = Field(None, description="hold a vehicle's wheels still: a drive at "
                               "0 m/s")
    steer: Steer | None = None
    blow: Blow | None = None
    pull: Pull | None = None
    squeeze: Squeeze | None = None
    press: Press | None = None
    cut: Cut | None = None

    @model_validator(mode="after")
    def _one_trigger_one_action(self) -> Event:
        if (self.at is None) == (self.on_contact is None):
            raise PydanticCustomError("trigger", "give exactly one of `at` or `on_contact`")
        given = [a for a in ACTIONS if getattr(self, _attribute(a)) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "action", "give exactly one action of: " + ", ".join(ACTIONS)
                + (f" (got {', '.join(given)})" if given else ""))
        return self

    @property
    def action(self) -> str:
        return next(a for a in ACTIONS if getattr(self, _attribute(a)) is not None)

    @property
    def value(self) -> Any:
        """The action's settings (a body name, a vector or a model)."""
        return getattr(self, _attribute(self.action))

    @property
    def target(self) -> str | None:
        """The body the event acts on, if any."""
        value = self.value
        if self.action in ("release", "remove", "break", "brake"):
            return value
        if self.action in ("drive", "steer"):
            return value.vehicle
        if self.action == "spawn":
            return value.name
        return getattr(value, "body", None)


def _attribute(action: str) -> str:
    """`break` is a Python keyword, so its field is `break_`."""
    return "break_" if action == "break" else action


class Box(StrictModel):
    min: Vec3
    max: Vec3

    @model_validator(mode="after")
    def _ordered(self) -> Box:
        if any(lo >= hi for lo, hi in zip(self.min, self.max, strict=True)):
            raise PydanticCustomError("box", "each `min` coordinate must be below `max`")
        return self


class Water(StrictModel):
    """A body of water: buoyancy from the submerged volume, and drag."""

    name: Name = "water"
    region: Box
    density: Positive = Field(1000.0, description="kg/m^3")
    linear_drag: Annotated[float, Field(ge=0)] = Field(
        5.0, description="1/s per unit of submerged fraction: F = -c * m * v * fraction")
    quadratic_drag: Annotated[float, Field(ge=0)] = Field(
        1.0, description="drag coefficient Cd on the submerged cross-section")
    color: RGB = (0.2, 0.45, 0.6)


class Light(StrictModel):
    kind: Literal["sun", "point", "spot", "ambient"]
    direction: Vec3 | None = Field(None, description="sun and spot: the way the light travels")
    position: Vec3 | None = Field(None, description="point and spot")
    color: RGB = (1.0, 1.0, 1.0)
    intensity: Annotated[float, Field(ge=0)] = 3.0
    shadows: bool = True

    @model_validator(mode="after")
    def _placed(self) -> Light:
        if self.kind in ("sun", "spot") and self.direction is None:
            raise PydanticCustomError("light", f"a {self.kind} light needs `direction`")
        if self.kind in ("point", "spot") and self.position is None:
            raise PydanticCustomError("light", f"a {self.kind} light needs `position`")
        return self


def default_lights() -> list[Light]:
    return [Light(kind="sun", direction=(-0.35, 0.45, -1.0), intensity=3.5),
            Light(kind="ambient", intensity=0.35)]


class Style(StrictModel):
    prompt: str = Field("", max_length=2000, description="appearance prompt for the refiner")
    negative: str = Field("", max_length=2000)
    antialias: Literal["filter", "msaa", "off"] = Field(
        "filter", description="smooth the RGB pass's edges: `filter` blends the colour along "
        "its edges (fast), `msaa` renders it with 4 samples a pixel (sharper; on a CPU a "
        "second full render pass), `off`; true means filter, false off. Depth, segmentation "
        "and flow stay exact at pixel centres")
    textures: bool = Field(
        True, description="procedural surface detail per material: wood grain, tiles, "
        "concrete, stone, fabric, brushed metal (seeded by the scene's seed)")
    motion_blur: bool = Field(
        False, description="blur the RGB pass along each pixel's exact motion during the "
        "frame (the other passes stay sharp)")

    @field_validator("antialias", mode="before")
    @classmethod
    def _antialias_switch(cls, value: Any) -> Any:
        # a plain switch, as scripts wrote it before there were two ways
        return {True: "filter", False: "off"}.get(value, value) if isinstance(value, bool) \
            else value


REFINER_STYLE = ("prompt", "negative")  # the style fields only the refiner reads


def breakable_settings(body: Body) -> Breakable | None:
    """The body's fracture settings, or None when it cannot break."""
    if isinstance(body.breakable, Breakable):
        return body.breakable
    if body.breakable is None:
        if body.crushable:
            return None  # a crushable body dents instead, whatever its material
        from bridge.assets.registry import default_material

        brittle = MATERIALS[body.material or default_material(body.asset)].brittle
        return Breakable() if brittle else None
    return Breakable() if body.breakable else None


SCENE_NAME = r"^[a-z0-9][a-z0-9_-]{0,63}$"  # a slug: safe as a file and folder name


class Scene(StrictModel):
    """A complete scene-and-event script."""

    name: str = Field(pattern=SCENE_NAME,
                      description="lowercase slug, used for folder names")
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 0
    duration: Annotated[float, Field(gt=0, le=limits.MAX_DURATION_S)] = 3.0
    fps: Annotated[int, Field(ge=limits.MIN_FPS, le=limits.MAX_FPS)] = 24
    resolution: tuple[
        Annotated[int, Field(ge=limits.MIN_RESOLUTION_SIDE, le=limits.MAX_RESOLUTION[0])],
        Annotated[int, Field(ge=limits.MIN_RESOLUTION_SIDE, le=limits.MAX_RESOLUTION[1])],
    ] = Field((512, 512), description="[width, height] in pixels")
    physics: PhysicsSettings = Field(default_factory=PhysicsSettings)
    world: World = Field(default_factory=World)
    bodies: list[Body] = Field(min_length=1, max_length=limits.MAX_BODIES)
    liquids: list[Liquid] = Field(default_factory=list, max_length=limits.MAX_LIQUIDS)
    joints: list[Joint] = Field(default_factory=list, max_length=limits.MAX_JOINTS)
    ropes: list[Rope] = Field(default_factory=list, max_length=limits.MAX_ROPES)
    water: list[Water] = Field(default_factory=list, max_length=limits.MAX_WATER_VOLUMES)
    wind: list[Wind] = Field(default_factory=list, max_length=MAX_WIND_FIELDS)
    flames: list[Flame] = Field(default_factory=list, max_length=MAX_FLAMES)
    cloth: list[Cloth] = Field(default_factory=list, max_length=MAX_CLOTHS)
    soft: list[Soft] = Field(default_factory=list, max_length=MAX_SOFTS)
    events: list[Event] = Field(default_factory=list, max_length=limits.MAX_EVENTS)
    camera: Camera = Field(default_factory=Camera)
    lights: list[Light] = Field(default_factory=default_lights, max_length=16)
    style: Style = Field(default_factory=Style)
    refine: RefineSettings = Field(default_factory=RefineSettings)
    expect: list[Expectation] = Field(default_factory=list,
                                      max_length=limits.MAX_EXPECTATIONS)

    @field_validator("resolution")
    @classmethod
    def _even(cls, size: tuple[int, int]) -> tuple[int, int]:
        if size[0] % 2 or size[1] % 2:
            raise PydanticCustomError(
                "resolution", "width and height must be even (H.264 yuv420p needs it)")
        return size

    @property
    def num_frames(self) -> int:
        """Video frames: duration x fps, more with slow motion (see `bridge.timing`)."""
        return self.time_map().num_frames

    def time_map(self) -> TimeMap:
        """The simulated time and the shot of each video frame."""
        return time_map(self.camera.shots, self.duration, self.fps)

    def placed_bodies(self) -> list[Body]:
        """The bodies there at t = 0: the script's, then each rope's segments."""
        return self.bodies + [Body.model_validate(segment) for rope in self.ropes
                              for segment in rope_parts(rope)[0]]

    def all_bodies(self) -> list[Body]:
        """The bodies there at t = 0, then bodies spawned by events, in script order."""
        return self.placed_bodies() + [e.spawn for e in self.events if e.spawn is not None]

    def all_joints(self) -> list[Joint]:
        """The script's joints, then the ball joints of each rope."""
        return self.joints + [joint for rope in self.ropes for joint in rope_parts(rope)[1]]

    def cuts(self) -> list[Cut]:
        """The ropes its events cut."""
        return [event.cut for event in self.events if event.cut is not None]


def json_schema() -> dict:
    """The JSON Schema that editors use through the yaml-language-server modeline."""
    schema = Scene.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "simshot scene script"
    return schema
