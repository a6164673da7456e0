"""Where a body's mesh file may come from: a file inside the script's folder, within the size
limit. Kept apart from the mesh loader so that validating a script never imports trimesh."""
from __future__ import annotations

from pathlib import Path, PureWindowsPath

from bridge import limits


def checked_mesh_path(mesh: str, scene_dir: Path | None) -> tuple[Path | None, str | None]:
    """(the real path, None), or (None, why it cannot be used, with the fix)."""
    def refuse(problem: str, fix: str) -> tuple[None, str]:
        return None, f"mesh '{mesh}' {problem}; {fix}"

    if scene_dir is None:
        return refuse("cannot be resolved without the script's folder",
                      "load the script from a file")
    if Path(mesh).is_absolute() or PureWindowsPath(mesh).is_absolute():
        return refuse("is an absolute path", "give a path relative to the script's folder")
    root = Path(scene_dir).resolve()
    path = (root / mesh).resolve()
    if not path.is_relative_to(root):
        return refuse(f"resolves outside the script's folder {root}",
                      "copy the mesh into that folder and refer to it there")
    if not path.is_file():
        return refuse(f"does not exist in {root}", "check the path; it is relative to the "
                      "script")
    size = path.stat().st_size
    if size > limits.MAX_MESH_BYTES:
        return refuse(f"is {size:,} bytes, over the limit of {limits.MAX_MESH_BYTES:,}",
                      "simplify or decimate it")
    return path, None
