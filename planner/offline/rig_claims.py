"""The rigs a scenario builds from a word rather than from an object it reads: a door or a
gate on its hinge, a seesaw, a pendulum or a Newton's cradle on its strings, a flagpole, a
bowling lane. Each is `planned` when the script holds what plays it, else `dropped`."""
from __future__ import annotations

import re

from bridge.schema import Scene
from planner.offline import fabric, laundry
from planner.offline.parse import Intent
from planner.trace import Claim


def _hinged(scene: Scene) -> str:
    return " and ".join(f"{j.a} on the hinge {j.name}" for j in _hinges(scene))


def _hinges(scene: Scene) -> list:
    return [j for j in scene.joints if j.type == "hinge"]


def _hung(scene: Scene) -> str:
    if scene.ropes:
        return f"hung on the rope {scene.ropes[0].name}"
    held = next((j for j in scene.joints if j.type in ("hinge", "ball")), None)
    return f"{held.a} hung on the joint {held.name}" if held else ""


def _body(word: str):
    def find(scene: Scene) -> str:
        body = next((b.name for b in scene.bodies if word in b.name), None)
        return f"the body {body}" if body else ""
    return find


def _ground(scene: Scene) -> str:
    ground = scene.world.ground
    return f"the {ground.material} ground" if ground is not None else ""


# word pattern -> what in the script plays it
RIGS = {
    r"\b(doors?|gates?|lids?|see-?saws?)\b": _hinged,
    # hung "on a chain": a domino chain or a chain reaction is no chain
    (r"\b(pendulums?|newton's cradle|cradle)\b|\b(?:on|from|by) (?:a |an |the )?(?:\w+ )?"
     r"(chains?|strings?|cables?)\b"): _hung,
    r"\b(flag ?poles?)\b": _body("pole"),
    r"\b((?:bowling )?lanes?)\b": _ground,
    r"\b(net|goal)\b": _body("goal"),
    laundry.LINE.pattern: _body("clothesline"),
    fabric.RACK.pattern: _body("rack"),
}


def rig_claims(intent: Intent, scene: Scene | None, taken: set[str]) -> list[Claim]:
    """One claim per rig word the prompt uses and no other claim holds."""
    text = intent.text.lower()
    claims = []
    for pattern, find in RIGS.items():
        found = re.search(pattern, text)
        word = found and next(g for g in found.groups() if g)
        if found is None or word in taken:
            continue
        held = find(scene) if scene is not None else ""
        # 'the saloon doors': as many as the script hangs, where the word is plural
        count = len(_hinges(scene)) if held and find is _hinged and word.endswith("s") else 1
        text = f"{count} x {word}" if count > 1 else word
        claims.append(Claim(text, "object", "planned", f"in the script as {held}")
                      if held else Claim(word, "object", "dropped",
                                         "nothing in the script plays it"))
    return claims
