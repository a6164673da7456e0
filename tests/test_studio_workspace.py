"""The studio's workspace: every name from the browser lands inside it or is refused."""
from __future__ import annotations

import os

import pytest

from bridge.errors import UserError
from simshot.studio_jobs import preview_size
from simshot.studio_workspace import Workspace, checked_name, examples


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path / "ws")


@pytest.mark.parametrize("relative", ["/etc/passwd", "../outside", "a/../../b", "~/x",
                                      "..\\x", "\\\\server\\share", ""])
def test_paths_that_leave_the_workspace_are_refused(ws, relative):
    with pytest.raises(UserError):
        ws.inside(relative)


def test_a_symlink_out_of_the_workspace_is_refused(ws, tmp_path):
    (tmp_path / "secret").mkdir()
    os.symlink(tmp_path / "secret", ws.root / "shots")
    with pytest.raises(UserError, match="outside the workspace"):
        ws.shot("juice")
    assert ws.inside("assets/teapot.obj") == ws.root / "assets" / "teapot.obj"


@pytest.mark.parametrize("name", ["../x", "a/b", "Juice", "-x", "", "x" * 65, "a b", "é"])
def test_names_must_be_safe_file_names(name):
    with pytest.raises(UserError, match="cannot name a script"):
        checked_name(name)


def test_scripts_are_saved_atomically_and_listed(ws):
    ws.save_script("drop", "name: drop\n")
    ws.save_script("alpha", "name: alpha\n")
    (ws.root / "Not_A_Script.yaml").write_text("x: 1\n")
    assert ws.scripts() == ["alpha", "drop"]
    assert ws.script("drop").read_text() == "name: drop\n"
    assert not [p for p in ws.root.iterdir() if p.name.endswith(".tmp")]


def test_uploads_keep_a_safe_name_and_a_mesh_suffix(ws, tmp_path):
    mesh = tmp_path / "Teapot.OBJ"
    mesh.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    assert ws.save_upload(mesh, "../../Teapot.OBJ") == "assets/teapot.obj"
    assert (ws.root / "assets" / "teapot.obj").read_text() == mesh.read_text()
    with pytest.raises(UserError, match="a mesh must be one of"):
        ws.save_upload(mesh, "run.sh")
    with pytest.raises(UserError, match="name the file"):
        ws.save_upload(mesh, "my teapot.obj")


def test_examples_open_by_name_only(ws):
    assert "projectile" in examples()
    assert ws.open_example("projectile").startswith(("#", "name"))
    for bad in ("../pyproject", "nope"):
        with pytest.raises(UserError):
            ws.open_example(bad)


def test_preview_size_keeps_the_aspect_on_even_sides():
    assert preview_size((512, 512)) == (256, 256)
    assert preview_size((640, 360)) == (256, 144)
    assert preview_size((256, 128)) is None
