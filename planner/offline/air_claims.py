"""The wind and the cloth a prompt names ('a flag flapping in the wind', 'a tablecloth pulled'),
held against the script's wind fields and cloth sheets.

Wind is an agent: it acts through the air the script blows, so it is `stood_in` by a wind
field, or `dropped` when the script blows none. A cloth is an object: `planned` when the
script has a cloth sheet, else `dropped`.
"""
from __future__ import annotations

import re

from bridge.schema import Scene
from planner.offline import laundry
from planner.offline.parse import Intent
from planner.trace import Claim

WIND = re.compile(r"\b((?:gusts?|puffs?|blasts?) of (?:wind|air)|wind|winds|windy|breeze|breezy|"
                  r"gusts?|gusty|gales?|draughts?|drafts?|fan|fans|leaf blower)\b")
JET_SOURCES = frozenset({"fan", "fans"})  # a wind word a blow event may stand in for
# air blown on a thing: a breath (the script's blow events) or a wind
# ('blows over the candles' is a knock: not here)
BLOWN_ON = re.compile(r"\b((?:blows?|blew|blowing)(?: \w+ly)? (?:on|at|onto|across))\b")
CLOTH = re.compile(r"\b(table ?cloths?|cloths?|flags?|banners?|curtains?|drapes|towels?|"
                   r"blankets?|bed ?sheets?|sheets? of cloth|napkins?|scarf|scarves|"
                   rf"{laundry.PIECE_WORDS})\b")


def air_claims(intent: Intent, scene: Scene | None, taken: set[str]) -> list[Claim]:
    """The first wind word and each cloth word of the prompt, not already claimed."""
    text = intent.text.lower()
    claims = []
    fields = len(scene.wind) if scene is not None else 0
    breaths = sum(e.blow is not None for e in scene.events) if scene is not None else 0
    wind = WIND.search(text)
    if wind and wind.group(1) not in taken:
        claims.append(Claim(wind.group(1), "agent", "stood_in", (
            "the script's wind field blows" if fields else "the script's blow event blows "
            "from where it stands") + ": the air is simulated, its source is not")
            if fields or breaths and wind.group(1) in JET_SOURCES else
            Claim(wind.group(1), "agent", "dropped", "no wind in the script"))
    blown = BLOWN_ON.search(text)
    if blown and blown.group(1) not in taken:
        claims.append(Claim(blown.group(1), "outcome", "planned", (
            f"{breaths} blow event{'s' * (breaths != 1)} in the script" if breaths
            else "the script's wind field")
            + "; the checks on the flames or bodies test what it does") if breaths or fields
            else Claim(blown.group(1), "outcome", "dropped", "no breath or wind in the script"))
    firsts: dict[str, re.Match] = {}
    for found in CLOTH.finditer(text):
        firsts.setdefault(found.group(1), found)
    for word, found in firsts.items():
        if word in taken:
            continue
        sheets = _sheets(scene, word)
        # 'three shirts': as many as the script hangs
        count = laundry.counted(text, found.start()) or 1
        claims.append(Claim(f"{count} x {word}" if count > 1 else word, "object", "planned",
                            f"in the script as the cloth {', '.join(sheets[:3])}")
                      if len(sheets) >= count else
                      Claim(word, "object", "dropped", f"asked for {count}, the script has "
                            f"{len(sheets)}" if sheets else f"no {word} in the script"))
    return claims


def _sheets(scene: Scene | None, word: str) -> list[str]:
    """The script's sheets a cloth word holds: washing, its own kind's (shirt_1, shirt_2);
    else any."""
    names = [c.name for c in scene.cloth] if scene is not None else []
    piece = laundry.LAUNDRY.fullmatch(word)
    washing = [n for n in names if n.rsplit("_", 1)[0] in laundry.SHEET_KINDS]
    if piece is None or not washing:
        return names
    return [n for n in washing if n.rsplit("_", 1)[0] == laundry.sheet_kind(piece.group(1))]
