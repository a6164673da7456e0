"""Shots at a target: the planner aims a thrown ball so that it comes down through a hoop.

For a ball released `distance` before the target's centre and `rise` below it, arriving at
`entry` degrees below the horizontal, the flight is fixed in closed form: the horizontal
speed is constant and the fall over the last stretch sets the angle, so
vx^2 = g d^2 / (2 (rise + d tan(entry))) and vz = vx tan(entry) + g d / vx at release.
Bullet's bodies fly without air drag, so the engine takes the ball where the formula says;
the check verifies it there.
"""
from __future__ import annotations

import math

import numpy as np

from bridge.assets.play import rim_centre
from bridge.assets.registry import ASSETS
from planner.offline.layout import Plan
from planner.offline.parse import Intent, Mention

G = 9.81
ENTRY_DEG = 47.0  # steep enough to clear the rim's near side with room (at least 35)
RELEASE_HEIGHT = 2.1  # m: a player's release over the head
FREE_THROW, THREE_POINT = 4.2, 6.75  # m from the release to the rim's centre, along the floor
PENALTY = 11.0  # m from the goal line
KICK_WIDE, KICK_HEIGHT, KICK_ENTRY_DEG = 2.2, 1.3, 5.0  # where and how it crosses the line
SWISH_AFTER = 0.15  # s after the centre passes the rim: the ball has dropped below it


def launch(distance: float, rise: float, entry_deg: float) -> tuple[float, float]:
    """(horizontal, vertical) release speed that passes `distance` ahead and `rise` above
    the release point descending at `entry_deg` below the horizontal."""
    slope = math.tan(math.radians(entry_deg))
    horizontal = math.sqrt(G * distance ** 2 / (2 * (rise + distance * slope)))
    return horizontal, -horizontal * slope + G * distance / horizontal


def wants_hoop(actors: list[Mention]) -> bool:
    return any(m.asset == "basketball_hoop" for m in actors)


def wants_goal(actors: list[Mention]) -> bool:
    return any(m.asset == "soccer_goal" for m in actors)


def goal_shot(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """A regulation goal and a penalty kick into it: from the spot, 11 m out, a rising shot
    that comes down into the side of the net."""
    plan.ground = {"material": "felt", "size": 40}  # green turf underfoot
    plan.body("regulation: 7.32 x 2.44 m, the net 2 m deep, mouth facing -x; the net gives, "
              "so it barely bounces", name="goal", asset="soccer_goal", static=True,
              restitution=0.05)
    radius = ASSETS["soccer_ball"].params["radius"]
    aim = np.array([0.0, KICK_WIDE, KICK_HEIGHT])  # where it crosses the line
    spot = np.array([-PENALTY, 0.0, radius])
    reach = float(np.hypot(*(aim - spot)[:2]))
    forward, up = launch(reach, aim[2] - spot[2], KICK_ENTRY_DEG)
    heading = (aim - spot)[:2] / reach
    plan.body(f"on the penalty spot, {PENALTY:g} m out, kicked at "
              f"{math.hypot(forward, up):.1f} m/s toward the goal's {KICK_WIDE:g} m-wide side",
              name="ball", asset="soccer_ball", position=[-PENALTY, 0.0, 0.0],
              velocity=[round(forward * heading[0], 4), round(forward * heading[1], 4),
                        round(up, 4)])
    flight = reach / forward
    plan.check("it goes in: through the mouth, under the bar and inside the post",
               passes_through="ball", target="goal", before=round(flight + 0.2, 2))
    plan.check("and hits the net", contacts="ball", **{"with": "goal"},
               before=round(flight + 0.6, 2))
    plan.duration = round(flight + 1.8, 1)
    plan.camera = ({"position": [-PENALTY - 5.0, -2.5, 2.2], "look_at": [-2.0, 0.5, 1.2],
                    "fov": 45.0}, "from behind the kicker, the whole goal in view")


def hoop_shot(plan: Plan, intent: Intent, actors: list[Mention]) -> None:
    """A regulation hoop and a basketball shot through it from the free-throw line (or the
    three-point line), with a real arc; verified through the rim without touching it."""
    ball = next((m for m in actors if m.asset != "basketball_hoop"), None)
    asset = ball.asset if ball is not None and ASSETS[ball.asset].params.get("radius") \
        else "basketball"
    plan.ground = {"material": "wood", "size": 30}
    plan.body("regulation: rim 3.05 m up, 45 cm across, on a pole", name="hoop",
              asset="basketball_hoop", static=True)
    rim = rim_centre(ASSETS["basketball_hoop"].params)
    distance = THREE_POINT if intent.has("three", "3-point", "three-point") else FREE_THROW
    radius = ASSETS[asset].params["radius"]
    vx, vz = launch(distance, rim[2] - RELEASE_HEIGHT, ENTRY_DEG)
    plan.body(f"released {RELEASE_HEIGHT:g} m up, {distance:g} m from the rim, at "
              f"{math.hypot(vx, vz):.2f} m/s, {math.degrees(math.atan2(vz, vx)):.0f} degrees "
              f"up: the arc that comes down through the rim at {ENTRY_DEG:g} degrees",
              name="ball", asset=asset,
              position=[round(rim[0] + distance, 4), 0.0, round(RELEASE_HEIGHT - radius, 4)],
              velocity=[round(-vx, 4), 0.0, round(vz, 4)], angular_velocity=[0, 360, 0])  # backspin
    plan.check("the ball comes down through the rim", passes_through="ball", target="hoop")
    flight = distance / vx
    # no net slows it, so it flies on into the pole behind the board: the claim ends just
    # after the ball has dropped clear of the rim
    plan.check("a swish: it touches nothing of the hoop on the way through", contacts="ball",
               **{"with": "hoop"}, before=round(flight + SWISH_AFTER, 2), **{"not": True})
    plan.check("then it bounces on the court", bounces="ball", at_least=1, on="ground")
    plan.duration = round(flight + 1.5, 1)
    plan.lead = "ball"
    plan.focus.extend([(rim[0], 0.0, rim[2]), (rim[0] + distance, 0.0, RELEASE_HEIGHT)])
    # side-on, centred a little toward the hoop so the backboard is in frame as well
    middle = rim[0] + 0.4 * distance
    back = 1.6 * distance + 2.5
    plan.camera = ({"position": [round(middle, 2), -round(back, 2), 2.3],
                    "look_at": [round(middle, 2), 0.0, 2.5], "fov": 40.0},
                   "side-on to the whole arc, from the release to the backboard")
