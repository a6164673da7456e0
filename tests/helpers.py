"""Scenes built in code for tests: small and short so the suite stays fast."""
from __future__ import annotations

from bridge.schema import Scene


def make_scene(**fields) -> Scene:
    """A validated Scene with small defaults; keyword fields override."""
    data = {"name": "test", "duration": 1.0, "fps": 24, "resolution": [64, 48]}
    data.update(fields)
    return Scene.model_validate(data)
