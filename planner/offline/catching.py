"""A ball rolled along the floor into a container: 'a marble rolls across the floor into a
cup', 'a finger flicks a marble into a shoebox'. The container lies on its side, held where it
lies, its mouth toward the ball (a shoebox is an open box, its top toward the ball). A hard
ball may bounce back out of a rigid cup, so what is checked is that it rolls in through the
mouth."""
from __future__ import annotations

import math
import re

from planner.offline import actors as ac
from planner.offline.layout import SPHERES, Plan, params_of
from planner.offline.parse import Intent, Mention

# what lies on its side for a ball to roll in: a tray is an open box (a shoebox)
LAID = frozenset({"cup", "mug", "tumbler", "wine_glass", "bowl", "tray"})
FIT = 0.8  # the ball's radius, at most this share of the mouth's inner half-width
ROLLED = frozenset({"roll", "knock", "push", "slide", "hit"})
# what another scenario shows: a ball thrown, dropped or bounced in, or one off a table
NOT_ROLLED = frozenset({"throw", "fall", "bounce", "pour", "shatter", "spill", "topple"})
KNOCKS_IT_OVER = re.compile(r"\bknock\w* (?:it|them|\w+ \w+) over\b")  # a target, not a catcher
GOLF = re.compile(r"\b(?:golf|putt\w*)")  # a golf cup is a hole in the green, not a cup
ROLL = 0.4  # m of floor between the ball and the mouth
SPEED = 1.5  # m/s: a marble still rolls at 1 m/s at the lip, enough to hop a glass's 3 mm
FLICK_AT = 0.3  # s: the ball lies still a moment first


def wanted(intent: Intent, actors: list[Mention]) -> bool:
    """A ball rolled 'into' a container it fits, on the floor, with no ramp or table to roll
    off."""
    if "into" not in intent.relations or not intent.actions & ROLLED or \
            intent.actions & NOT_ROLLED or GOLF.search(intent.text.lower()) or \
            KNOCKS_IT_OVER.search(intent.text.lower()):
        return False
    ball, catcher = _ball(actors), _catcher(intent)
    return ball is not None and catcher is not None and \
        not [s for s in intent.surfaces if s is not catcher] and \
        ac.radius_of(ball, intent) < FIT * _mouth(catcher, intent)


def _ball(actors: list[Mention]) -> Mention | None:
    return next((m for m in actors if m.asset in SPHERES), None)


def _catcher(intent: Intent) -> Mention | None:
    return next((m for m in intent.mentions if m.word != intent.water and m.asset in LAID
                 and not ac.holds_liquid(m)), None)  # a cup of tea is not laid on its side


def _mouth(m: Mention, intent: Intent) -> float:
    """The inner half-width of the container's mouth."""
    p = params_of(m.asset, ac.params_for(m, intent))
    half = min(p["width"], p["depth"]) / 2 if m.asset == "tray" else p["radius"]
    return half - p["wall"]


def build(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """The ball rolls along +y, away from where the cameras stand (at -y), into the mouth."""
    ball, catcher = _ball(actors), _catcher(intent)
    mouth = ROLL / 2
    target = _lay(plan, intent, catcher, mouth)
    r = ac.radius_of(ball, intent)
    name = ac.add(plan, ball, intent, (0.0, mouth - ROLL, 0.0), "still on the floor, in line "
                  "with the mouth")
    speed = intent.speed or SPEED
    plan.event(f"the {'flick' if 'knock' in intent.actions else 'push'}: rolling at "
               f"{speed:g} m/s toward the mouth", at=FLICK_AT, set_velocity={
                   "body": name, "linear": [0.0, speed, 0.0],
                   "angular": [-round(math.degrees(speed / r), 1), 0.0, 0.0]})
    plan.check("it rolls in through the mouth", passes_through=name, target=target)
    plan.duration = 2.5
    plan.lead = name
    plan.camera = ({"shots": [{"preset": "close_up", "subject": [name, target]}]},
                   f"frames the {ball.word}'s roll and the {catcher.word}'s mouth")


def _lay(plan: Plan, intent: Intent, m: Mention, mouth: float) -> str:
    """The container on its side on its rim, its mouth at y = `mouth` facing -y (the
    camera's way, to be seen into); returns its name."""
    p = params_of(m.asset, ac.params_for(m, intent))
    # its top toward -y: its height lies along y, a tray's depth stands up
    up = p["depth"] / 2 if m.asset == "tray" else p["radius"]
    return ac.add(plan, m, intent, (0.0, mouth + p["height"], up), "lying on its side, held "
                  "there, its mouth toward the ball", rotation=[90.0, 0.0, 0.0], static=True)
