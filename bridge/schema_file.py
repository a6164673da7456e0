"""The committed JSON Schema file that editors read through the yaml-language-server modeline."""
from __future__ import annotations

import json
from pathlib import Path

from bridge.files import atomic_write
from bridge.schema import json_schema

MODELINE = "# yaml-language-server: $schema=scene.schema.json"


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def write_schema(path: Path) -> None:
    """Write atomically, so an editor never reads half a schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, schema_text())
