"""Test-wide settings: headless rendering through EGL unless the caller chose otherwise."""
import os

os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
