"""Test-wide settings: headless rendering through EGL unless the caller chose otherwise."""
import os

os.environ.setdefault("PYOPENGL_PLATFORM", "egl")

import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's ~/.cache/simshot."""
    monkeypatch.setenv("SIMSHOT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(autouse=True)
def _no_refiner_from_the_shell(monkeypatch):
    """A developer's SIMSHOT_REFINE_MODEL must not make `simshot make` load real weights."""
    monkeypatch.delenv("SIMSHOT_REFINE_MODEL", raising=False)


@pytest.fixture(scope="session")
def tiny_coarse_shot(tmp_path_factory):
    """One rendered tiny shot (tests.tiny_models.SHOT_SCRIPT) for the refiner tests."""
    from tests.tiny_models import render_tiny_shot

    return render_tiny_shot(tmp_path_factory.mktemp("coarse"))


@pytest.fixture
def shot(tiny_coarse_shot, tmp_path):
    """A private copy of the tiny shot, for a test that refines it."""
    import shutil

    copy = tmp_path / "shot"
    shutil.copytree(tiny_coarse_shot, copy)
    return copy
