"""Things dropped together: when each lands, and the checks that hold the order the air gives.

In still air a bowling ball and a hammer fall as in a vacuum and land together; a feather
levels off at its terminal speed and lands long after (bridge/drag.py, the numbers the
physics uses); on the Moon or in a vacuum chamber it lands with the hammer. A prompt that
drops things 'at the same time' gets them let go from one height, and checks of the order:
the first down lands before the midpoint between the first and the next landings, and the
others do not; things that fall alike land within a tick of each other.
"""
from __future__ import annotations

import math
from itertools import pairwise

from bridge.drag import STILL_AIR_TERMINAL, drag_factor, fall_time, terminal_speed
from planner.offline import actors as ac
from planner.offline.layout import Plan
from planner.offline.parse import Intent, Mention

RACE_WORDS = ("same time", "at once", "together", "simultaneously", "same height", "first",
              "side by side", "race")
TOGETHER_S = 0.1  # s: landings this close are one landing at 24 frames a second
APART_S = 0.3  # s: landings further apart than this are an order the eye sees


def wanted(intent: Intent, count: int) -> bool:
    """Several things dropped and the prompt compares their falls, or drops them where
    there is no air (the point of a vacuum chamber)."""
    return count >= 2 and (intent.has(*RACE_WORDS) or intent.airless is not None)


def terminal(m: Mention, intent: Intent, plan: Plan) -> float:
    """m/s the thing levels off at in the plan's still air; inf in a vacuum or where the
    physics leaves it undragged (it falls faster than STILL_AIR_TERMINAL)."""
    if not plan.air:
        return math.inf
    factor = drag_factor(m.asset, ac.geometry_of(m, intent).visual.convex_hull.area)
    speed = terminal_speed(factor, ac.mass_estimate(m, intent), _gravity(plan))
    return speed if speed < STILL_AIR_TERMINAL else math.inf


def landing(plan: Plan, height: float, terminal_speed_: float) -> float:
    """Seconds after a thing of `terminal_speed_` (`terminal`) is let go from `height` (its
    bottom) that it lands."""
    return fall_time(height, terminal_speed_, _gravity(plan))


def _gravity(plan: Plan) -> float:
    return -plan.gravity[2]


def check_order(plan: Plan, dropped: list[tuple[str, float, float]]) -> None:
    """Checks for things let go together: `dropped` holds (name, landing time, terminal
    speed) for each. Landings less than APART_S after a group's first make one group; each
    thing lands after the midpoint between its group and the one before, and before the
    midpoint to the next."""
    order = sorted(dropped, key=lambda d: d[1])
    groups = [[order[0]]]
    for item in order[1:]:
        if item[1] - groups[-1][0][1] < APART_S:
            groups[-1].append(item)
        else:
            groups.append([item])
    if len(groups) == 1:
        _together(plan, order)
        return
    cuts = [round((a[-1][1] + b[0][1]) / 2, 2) for a, b in pairwise(groups)]
    for g, group in enumerate(groups):
        for name, t, speed in group:
            why = f"the air holds it to {speed:.2f} m/s" if math.isfinite(speed) else \
                "it falls as in a vacuum"
            if g < len(cuts):
                plan.check(f"{why}: it lands at about {t:.2f} s, before the "
                           f"{'others' if g == 0 else 'next'}", contacts=name,
                           **{"with": "ground"}, before=cuts[g])
            if g > 0:
                plan.check(f"{why}: it lands at about {t:.2f} s, after the first",
                           contacts=name, **{"with": "ground"}, before=cuts[g - 1],
                           **{"not": True})


def _together(plan: Plan, order: list[tuple[str, float, float]]) -> None:
    """Things that fall alike land together: none before a tick ahead of the first landing
    foreseen, each by a tick after the last."""
    first, last = order[0][1], order[-1][1]
    for name, t, _ in order:
        plan.check(f"they fall alike: it lands with the others, at about {t:.2f} s",
                   contacts=name, **{"with": "ground"}, before=round(last + TOGETHER_S, 2))
        plan.check("and not before them", contacts=name, **{"with": "ground"},
                   before=round(first - TOGETHER_S, 2), **{"not": True})
