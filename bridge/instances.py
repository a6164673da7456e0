"""Instances: every body, fragment, liquid, flame, cloth and soft body, with its stable
segmentation id."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bridge.schema import Body, Cloth, Flame, Liquid, Scene, Soft

FRAGMENT_SEPARATOR = "/frag_"


@dataclass(frozen=True)
class Instance:
    id: int  # segmentation id, >= 1, stable for the whole shot
    name: str
    kind: Literal["rigid", "fragment", "liquid", "flame", "cloth", "soft"]
    body: Body | None  # rigid: the body; fragment: the original (unbroken) script body
    parent: str | None = None  # fragment: the name of the body or fragment it broke from
    liquid: Liquid | None = None
    fragment: tuple[int, ...] = ()  # fragment: piece index per fracture level, from the top
    flame: Flame | None = None
    cloth: Cloth | None = None
    soft: Soft | None = None


def fragment_name(parent: str, k: int) -> str:
    """`glass/frag_3`; a fragment of that fragment is `glass/frag_3/frag_1`."""
    return f"{parent}{FRAGMENT_SEPARATOR}{k}"


def parse_fragment(name: str) -> tuple[str, tuple[int, ...]] | None:
    """(root body, piece indices) for a fragment name, else None."""
    root, *pieces = name.split(FRAGMENT_SEPARATOR)
    return (root, tuple(int(k) for k in pieces)) if pieces else None


def instances_for(scene: Scene, names: list[str] | None = None) -> list[Instance]:
    """Script bodies, spawned bodies, liquids, flames, cloth and soft bodies, numbered from 1 in
    that order; then the fragments among `names` (the trajectory's instances, in the order
    they appeared)."""
    found = [Instance(i + 1, b.name, "rigid", b) for i, b in enumerate(scene.all_bodies())]
    found += [Instance(len(found) + i + 1, liquid.name, "liquid", None, liquid=liquid)
              for i, liquid in enumerate(scene.liquids)]
    found += [Instance(len(found) + i + 1, flame.name, "flame", None, flame=flame)
              for i, flame in enumerate(scene.flames)]
    found += [Instance(len(found) + i + 1, cloth.name, "cloth", None, cloth=cloth)
              for i, cloth in enumerate(scene.cloth)]
    found += [Instance(len(found) + i + 1, soft.name, "soft", None, soft=soft)
              for i, soft in enumerate(scene.soft)]
    bodies = {b.name: b for b in scene.all_bodies()}
    for name in names or []:
        parsed = parse_fragment(name)
        if parsed is not None:
            root, pieces = parsed
            parent = name.rsplit(FRAGMENT_SEPARATOR, 1)[0]
            found.append(Instance(len(found) + 1, name, "fragment", bodies[root], parent,
                                  fragment=pieces))
    return found
