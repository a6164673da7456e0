"""Instances: every body (later also fragment and liquid) with its stable segmentation id."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bridge.schema import Body, Scene


@dataclass(frozen=True)
class Instance:
    id: int  # segmentation id, >= 1, stable for the whole shot
    name: str
    kind: Literal["rigid", "fragment", "liquid"]
    body: Body
    parent: str | None = None


def instances_for(scene: Scene) -> list[Instance]:
    """Script bodies then spawned bodies, numbered from 1 in that order."""
    return [Instance(i + 1, b.name, "rigid", b) for i, b in enumerate(scene.all_bodies())]
