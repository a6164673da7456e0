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
