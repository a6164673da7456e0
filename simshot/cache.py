"""Stage keys: a hash of everything a stage's output depends on, so a cached result is never
stale.

A key covers the script's fields the stage reads, the mesh files it loads, the source of every
module the stage can run and the versions of the libraries it calls. By the layer rule a stage
runs only its own package and `bridge` (tests/test_layers.py holds this), so those two folders
are its source. A field is left out of the simulate key only when it is known to be look
alone, so a field added later invalidates the cache rather than going stale.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path

from bridge.loader import LoadedScene
from bridge.schema import REFINER_STYLE, Scene
from simshot import __version__

LOOK = ("name", "fps", "resolution", "camera", "lights", "style", "refine", "expect")
LOOK_OF_WORLD = ("environment",)
NOT_RENDERED = ("name", "refine", "expect")
SOURCE_SUFFIXES = (".py", ".vert", ".frag", ".json")
LIBRARIES = {"simulate": ("numpy", "pybullet", "trimesh", "coacd", "manifold3d"),
             "render": ("numpy", "pyrender2", "PyOpenGL", "trimesh", "av", "tifffile",
                        "pillow")}
STAGE_PACKAGES = {"simulate": ("bridge", "physics"), "render": ("bridge", "renderer")}


def physics_fields(scene: Scene) -> dict:
    """The script's fields the simulation reads: all but the look (camera, colours, ...)."""
    fields = {k: _colourless(v) for k, v in scene.model_dump(mode="json", by_alias=True).items()
              if k not in LOOK}
    fields["world"] = {k: v for k, v in fields["world"].items() if k not in LOOK_OF_WORLD}
    return fields


def stage_keys(loaded: LoadedScene, passes: frozenset[str]) -> dict[str, str]:
    """The simulate key (physics inputs only: never the camera) and the render key."""
    scene = loaded.scene.model_dump(mode="json", by_alias=True)
    meshes = _mesh_hashes(loaded)
    sim = _digest({"script": physics_fields(loaded.scene), "meshes": meshes,
                   "code": code_digest("simulate")})
    look = {k: v for k, v in scene.items() if k not in NOT_RENDERED}
    look["style"] = {k: v for k, v in look["style"].items() if k not in REFINER_STYLE}
    render = _digest({"script": look, "meshes": meshes, "sim": sim, "passes": sorted(passes),
                      "code": code_digest("render")})
    return {"simulate": sim, "render": render}


def _colourless(value: object) -> object:
    """The value with every `color` key dropped (colour is look, at any depth)."""
    if isinstance(value, dict):
        return {k: _colourless(v) for k, v in value.items() if k != "color"}
    if isinstance(value, list):
        return [_colourless(v) for v in value]
    return value


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:20]


@functools.lru_cache
def code_digest(stage: str) -> str:
    """The stage's source files (its package and bridge), simshot's version and the versions of
    the libraries it calls."""
    digest = hashlib.sha256(__version__.encode())
    for package in STAGE_PACKAGES[stage]:
        root = package_dir(package)
        for file in sorted(root.rglob("*")):
            if file.suffix in SOURCE_SUFFIXES and file.is_file():
                digest.update(file.relative_to(root.parent).as_posix().encode())
                digest.update(file.read_bytes())
    for library in LIBRARIES[stage]:
        digest.update(f"{library}=={_version(library)}".encode())
    return digest.hexdigest()[:20]


def package_dir(package: str) -> Path:
    """Where a top-level package of the project is installed (not imported)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {package!r} package of simshot is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def same_physics(simulated: Scene, loaded: LoadedScene) -> bool:
    """Whether a run of `simulated` (made in this process, with no mesh files) is a run of
    the loaded script's physics."""
    return not _mesh_hashes(loaded) and physics_fields(simulated) == physics_fields(loaded.scene)


def _mesh_hashes(loaded: LoadedScene) -> dict[str, str]:
    hashes = {}
    for body in loaded.scene.all_bodies():
        if body.mesh:
            path = loaded.folder / body.mesh
            hashes[body.mesh] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() \
                else "missing"
    return hashes
