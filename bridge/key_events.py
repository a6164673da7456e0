"""The events a shot is about, read from events.json: when they happen and which instances
show them.

A fracture is shown by the body, its fragments and the liquid it held; an impact by the two
bodies that meet (the ground has no pixels of its own); a spill by the liquid; a topple by
the body that falls over. The scene's key event, which the automatic camera frames, is its
first fracture (a glass's break, even when a little of its liquid left it on the way
down), else its first spill, else its first topple (the pins going down, not the ball
reaching them), else its first impact. An impact is a contact between two bodies (or one and the
ground) that begins after the start, when something hits something: contacts present from
the start (a glass on its table, a ball rolling down its lane) are not impacts.
"""
from __future__ import annotations

from dataclasses import dataclass

from bridge.camera_schema import EventSubject
from bridge.schema import GROUND, Scene

# frames after it in which it must show
WINDOWS = {"fracture": 4, "impact": 4, "spill": 12, "topple": 4}
IMPACT_AFTER_S = 0.05  # a contact that begins this long after the start is an impact


@dataclass(frozen=True)
class KeyEvent:
    subject: EventSubject
    time: float  # simulated seconds
    involved: tuple[str, ...]  # instance names whose pixels show it
    position: tuple[float, float, float] | None  # world point: the contact, the escaping liquid

    @property
    def label(self) -> str:
        return f"{self.subject.event} of {' and '.join(self.subject.names())}"


def find(subject: EventSubject, scene: Scene, events: dict, names: list[str]
         ) -> KeyEvent | None:
    """The first event of the run matching the subject; None when it never happens."""
    kind = subject.event
    if kind == "fracture":
        hit = next((e for e in events.get("fractures", []) if e["body"] == subject.body), None)
        if hit is None:
            return None
        held = [liquid.name for liquid in scene.liquids if liquid.inside == subject.body]
        shards = [n for n in names if n.startswith(f"{subject.body}/")]
        return KeyEvent(subject, hit["time"], (subject.body, *shards, *held), None)
    if kind == "impact":
        pair = set(subject.bodies)
        hit = next((e for e in events.get("collisions", []) if set(e["bodies"]) == pair
                    and e["time"] >= IMPACT_AFTER_S), None)
        if hit is None:
            return None
        return KeyEvent(subject, hit["time"], tuple(n for n in subject.bodies if n != GROUND),
                        tuple(hit["position"]))
    if kind == "topple":
        hit = next((e for e in events.get("topples", []) if e["body"] == subject.body), None)
        return None if hit is None else KeyEvent(subject, hit["time"], (subject.body,),
                                                 tuple(hit["position"]))
    hit = next((e for e in events.get("spills", []) if e["liquid"] == subject.liquid), None)
    if hit is None:
        return None
    return KeyEvent(subject, hit["time"], (subject.liquid,), tuple(hit["position"]))


def key_events(scene: Scene, events: dict, names: list[str]) -> list[KeyEvent]:
    """What the report frames: every fracture of the run, then every spill, each in time
    order, or when there is none, its first topple, else its first impact; the first is the
    scene's key event."""
    subjects = [EventSubject(event="fracture", body=e["body"])
                for e in events.get("fractures", []) if "/" not in e["body"]]
    subjects += [EventSubject(event="spill", liquid=e["liquid"])
                 for e in events.get("spills", [])]
    found = [find(s, scene, events, names) for s in subjects]
    if not subjects:
        topple = next(iter(events.get("topples", [])), None)
        found.append(first_impact(scene, events, names) if topple is None else
                     find(EventSubject(event="topple", body=topple["body"]), scene, events, names))
    return sorted((e for e in found if e is not None),
                  key=lambda e: (e.subject.event != "fracture", e.time))


def first_impact(scene: Scene, events: dict, names: list[str]) -> KeyEvent | None:
    """The run's first impact between bodies of the script (fragments aside); None if none."""
    hit = next((e for e in events.get("collisions", []) if e["time"] >= IMPACT_AFTER_S
                and not any("/" in body for body in e["bodies"])), None)
    if hit is None:
        return None
    return find(EventSubject(event="impact", bodies=list(hit["bodies"])), scene, events, names)
