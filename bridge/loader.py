"""Scene scripts from files or documents: YAML, then the schema, then the semantic checks.

Every problem found is reported at once, each as `file:line:col: field: message`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from bridge.distributions import has_randomness
from bridge.errors import Location, Problem, SceneError, UserError
from bridge.locate import located, sort_problems, validation_problems
from bridge.mesh_paths import checked_mesh_path
from bridge.schema import Scene
from bridge.semantics import check_semantics
from bridge.yamlio import load_document


@dataclass
class LoadedScene:
    """A validated scene with the document it came from (comments kept for saving)."""

    scene: Scene
    doc: CommentedMap
    path: Path
    folder: Path  # the script's folder: mesh paths resolve inside it


def scene_from_document(doc: Any, name: str = "<string>") -> Scene:
    """Validate an in-memory document (e.g. planner output) that was read from `name`."""
    if not isinstance(doc, dict):
        raise UserError([Problem(Location(name), "", "the top level must be a mapping "
                                 "(name: ..., bodies: ...)")])
    try:
        scene = Scene.model_validate(doc)
    except ValidationError as err:
        raise UserError(validation_problems(err, doc, name)) from None
    issues = check_semantics(scene)
    if issues:
        raise UserError(sort_problems([located(doc, name, path, message)
                                       for path, message in issues]))
    return scene


def load_scene(path: Path) -> LoadedScene:
    """Load, validate and check a scene script file; raise one UserError listing every problem."""
    return loaded_scene(load_document(path), path)


def loaded_scene(doc: CommentedMap, path: Path) -> LoadedScene:
    """Validate and check a document read from (or edited for) the file at `path`; its meshes
    resolve beside that file."""
    if has_randomness(doc):
        raise UserError([Problem(Location(str(path)), "", (
            "holds distributions or repeat blocks, so it describes many scenes; make them "
            f"with `simshot dataset {path} -n N -o DIR`, or write fixed values to render one"))])
    scene = scene_from_document(doc, str(path))
    folder = path.resolve().parent
    missing = [located(doc, str(path), where, problem) for where, mesh in _meshes(scene)
               if (problem := checked_mesh_path(mesh, folder)[1])]
    if missing:
        raise UserError(sort_problems(missing))
    return LoadedScene(scene=scene, doc=doc, path=path, folder=folder)


def _meshes(scene: Scene) -> list[tuple[tuple, str]]:
    """(data path, mesh file) of every body that names a mesh, spawned bodies and soft bodies
    included."""
    bodies = [(("bodies", i, "mesh"), b.mesh) for i, b in enumerate(scene.bodies)]
    spawned = [(("events", j, "spawn", "mesh"), e.spawn.mesh) for j, e in enumerate(scene.events)
               if e.spawn is not None]
    softs = [(("soft", i, "mesh"), s.mesh) for i, s in enumerate(scene.soft)]
    return [(where, mesh) for where, mesh in bodies + spawned + softs if mesh]


def locate_scene_error(loaded: LoadedScene, error: SceneError) -> UserError:
    """A SceneError raised past validation, with its paths turned into file:line:col."""
    name = str(loaded.path)
    return UserError(sort_problems([located(loaded.doc, name, path, message)
                                    for path, message in error.items]))
