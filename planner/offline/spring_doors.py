"""Saloon doors: two short leaves on spring hinges, shoved open, that flap back and forth.

A spring hinge turns a leaf back toward closed with a torque in proportion to its angle. Here
it is a spring joint from the leaf's centre of mass to where that centre stands closed, with
no rest length: its torque about the hinge is k r^2 sin(angle), a pendulum's, so a small swing
takes 2 pi sqrt(I / (k r^2)) there and back (I about the hinge, r from the hinge to the
centre). A light dashpot on the same spring lets the swing die away over several periods.
"""
from __future__ import annotations

import math
import re

from bridge.materials import MATERIALS
from planner.offline.layout import Plan
from planner.offline.parse import Intent

# a pair of them: 'a swinging door' or 'the cafe door' is an ordinary door
SALOON = re.compile(r"\b(?:saloon|batwing)\s+doors?\b|\b(?:swinging|cafe|café)\s+doors\b")
LEAF = (0.025, 0.46, 1.0)  # thickness, width, height of each leaf, metres
HANG = 0.5  # m: the leaves hang from hip to head height, clear of the floor
OPENING = 1.0  # m between the posts
# m from a post to its leaf's hinge edge: more than half the leaf's thickness, which its
# corner swings toward the post
POST_GAP = 0.02
PERIOD = 1.2  # s: a small swing there and back
DAMPING_RATIO = 0.04  # of critical: the swing halves in about three periods
SWING = 50.0  # degrees the shove opens each leaf to, about
TOLERANCE = 0.1  # of the period: a 50-degree swing is about 5% slower than a small one


def wanted(intent: Intent) -> bool:
    """'the saloon doors', 'swinging doors'."""
    return SALOON.search(intent.text.lower()) is not None


def build(plan: Plan, intent: Intent) -> None:
    """Two posts, two leaves hinged on them, a spring hinge each, and a shove at their
    meeting edges."""
    thick, wide, high = LEAF
    mass = thick * wide * high * MATERIALS["wood"].density
    arm = wide / 2  # hinge to centre of mass
    inertia = mass * (wide ** 2 + thick ** 2) / 12 + mass * arm ** 2
    torsion = inertia * (2 * math.pi / PERIOD) ** 2  # N m per radian, small swings
    stiffness = torsion / arm ** 2
    damping = DAMPING_RATIO * 2 * math.sqrt(torsion * inertia) / arm ** 2
    # the shove that opens a leaf to SWING: its energy the spring's at that angle
    reach = wide - 0.06  # the push's arm, near the meeting edge
    impulse = math.sqrt(2 * torsion * (1 - math.cos(math.radians(SWING))) * inertia) / reach
    post = 0.1
    for side, sign in (("left", -1), ("right", 1)):
        plan.body(f"the {side} post (fixed)", name=f"post_{side}",
                  asset="box", material="wood", static=True,
                  params={"length": post, "width": post, "height": HANG + high + 0.3},
                  position=[0.0, round(sign * (OPENING / 2 + post / 2), 4), 0.0])
    for side, sign in (("left", -1), ("right", 1)):
        name, hinge = f"door_{side}", sign * (OPENING / 2 - POST_GAP)
        middle = hinge - sign * wide / 2
        plan.body(f"the {side} leaf, {wide * 100:.0f} x {high * 100:.0f} cm of wood, "
                  f"{mass:.1f} kg, closed", name=name, asset="box", material="wood",
                  params={"length": thick, "width": wide, "height": high},
                  position=[0.0, round(middle, 4), HANG])
        plan.joint("its hinge on the post, free to swing either way" if side == "left" else "",
                   name=f"hinge_{side}", type="hinge", a=name,
                   anchor=[0.0, round(hinge, 4), HANG], axis=[0, 0, 1],
                   limits=[-100, 100])
        plan.joint(f"the hinge's spring: {torsion:.1f} N m a radian back toward closed, a "
                   f"swing of {PERIOD:g} s, damped to {DAMPING_RATIO:.0%} of critical"
                   if side == "left" else "", name=f"spring_{side}", type="spring", a=name,
                   anchor=[0.0, round(middle, 4), round(HANG + high / 2, 4)],
                   stiffness=round(stiffness, 1), damping=round(damping, 2), rest_length=0.0)
        point = [0.0, round(-sign * (reach - arm), 4), high / 2]  # in the leaf's own frame
        plan.event(f"a hand's shove near the meeting edge, {impulse:.1f} N s: it opens to "
                   f"about {SWING:g} degrees" if side == "left" else "", at=0.5,
                   push={"body": name, "impulse": [round(impulse, 2), 0.0, 0.0],
                         "point": point})
        plan.check("it flaps back and forth on its spring hinge, a swing there and back "
                   f"every {PERIOD:g} s", swings=name, period=PERIOD, tolerance=TOLERANCE)
    plan.duration = 5.0
    plan.camera = ({"position": [3.0, -2.2, 1.5], "look_at": [0.2, 0.0, HANG + high / 2],
                    "fov": 45.0},
                   "three-quarter view of both leaves, from the side they swing out to")
