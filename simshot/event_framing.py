"""Whether an event is on screen: where it is in the image at its frame, and how much of the
frame what shows it covers just after.

An event is on screen when, on the first frame that shows it, its image position lies in the
central 80% of the frame, and its instances (the fragments and liquid of a break, the two
bodies of an impact, the liquid of a spill, the body that topples) cover at least a share of
the frame on some frame of the next few (key_events.WINDOWS: 4 frames, 12 for a spill). The
render stage supplies the image positions (annotations.npz) and the visible pixels
(metadata.json).
"""
from __future__ import annotations

import numpy as np

from bridge.key_events import WINDOWS, KeyEvent
from bridge.schema import Scene

CENTRAL = 0.8  # share of each side, centred, that counts as central
EVENT_LISTS = {"fracture": "fractures", "impact": "collisions", "spill": "spills",
               "topple": "topples"}  # events.json's list of each kind
POSITIONS = {kind: f"{entries}_image_positions" for kind, entries in EVENT_LISTS.items()}


def frame_event(event: KeyEvent, scene: Scene, events: dict, visibility: dict[str, list[int]],
                positions: dict[str, np.ndarray]) -> dict:
    """The event's framing entry: frame, image position, central or not, best coverage."""
    timing = scene.time_map()
    frame = timing.frame_of(event.time)
    width, height = scene.resolution
    xy = _image_position(event, events, positions)
    margin = (1 - CENTRAL) / 2
    central = bool(xy is not None and margin * width <= xy[0] <= (1 - margin) * width
                   and margin * height <= xy[1] <= (1 - margin) * height)
    window = range(frame, min(frame + WINDOWS[event.subject.event], timing.num_frames - 1) + 1)
    pixels = [sum(visibility.get(n, [0] * timing.num_frames)[k] for n in event.involved)
              for k in window]
    return {"event": event.subject.model_dump(exclude_none=True), "label": event.label,
            "time": event.time, "frame": frame,
            "image_position": None if xy is None else [round(float(v), 1) for v in xy],
            "central": central, "coverage": round(max(pixels) / (width * height), 5),
            "window_frames": len(window)}


def _image_position(event: KeyEvent, events: dict, positions: dict[str, np.ndarray]
                    ) -> np.ndarray | None:
    """Where the renderer saw it: the annotations' entry for the matching events.json item."""
    kind = event.subject.event
    entries = events.get(EVENT_LISTS[kind], [])
    index = next((i for i, e in enumerate(entries) if e["time"] == event.time
                  and _names(kind, e) == set(event.subject.names())), None)
    found = positions.get(POSITIONS[kind])
    if index is None or found is None or index >= len(found) or not np.isfinite(
            found[index]).all():
        return None
    return np.asarray(found[index], float)


def _names(kind: str, entry: dict) -> set[str]:
    if kind in ("fracture", "topple"):
        return {entry["body"]}
    if kind == "impact":
        return set(entry["bodies"])
    return {entry["liquid"]}
