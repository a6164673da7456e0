"""Doors a spring turns: saloon doors that flap back and forth, and a door that swings shut on
its own and slams.

A spring hinge turns a leaf back toward closed with a torque in proportion to its angle. Here
it is a spring joint from the leaf's centre of mass to where that centre stands closed, with
no rest length: its torque about the hinge is k r^2 sin(angle), a pendulum's, so a small swing
takes 2 pi sqrt(I / (k r^2)) there and back (I about the hinge, r from the hinge to the
centre). A light dashpot on the same spring lets the swing die away over several periods.
A door that swings shut on its own (hung out of plumb, or on a closer) feels the same torque:
gravity's about a tilted hinge is m g r sin(tilt) sin(angle), a spring's k r^2 sin(angle).
"""
from __future__ import annotations

import math
import re

from bridge.materials import MATERIALS
from planner.offline.hinged import DOOR, DOOR_GAP, door_posts
from planner.offline.layout import Plan
from planner.offline.motion_claims import denied_before
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


# a door that closes by itself: said to swing, fall or slam shut, or close on its own
SHUTS = re.compile(r"\b(?:swings?|swung|slams?|slammed|falls?|blows?) shut\b|"
                   r"\b(?:shuts?|closes?|slams?) (?:on its own|by itself)\b")
SHUT_OPEN = 80.0  # degrees the door stands open at the start
SHUT_PERIOD = 7.0  # s: a small swing of the closing torque: the door takes about 2 s to shut
SHUT_PAST = 3.0  # degrees past its stop the spring would take it: it ends pressed to the stop
SHUT_DAMPING = 0.02  # of critical
STOP = (0.02, 0.09)  # m: the stop bead's thickness and depth on the latch post
# a slammed door hardly rebounds: its latch and the bead take the blow (wood on wood's 0.65
# bounced it off the bead again and again, as no door does)
SLAM_RESTITUTION = 0.1


def wants_shut(intent: Intent) -> bool:
    """'a heavy wooden door slowly swings shut on its own and slams'; not a door shoved (it
    opens), nor one said not to shut."""
    said = SHUTS.search(intent.text.lower())
    return intent.has("door") and said is not None and "push" not in intent.actions \
        and not denied_before(intent.text.lower(), said.start())


def wanted(intent: Intent) -> bool:
    """'the saloon doors', 'swinging doors'."""
    return SALOON.search(intent.text.lower()) is not None


def build(plan: Plan, intent: Intent) -> None:
    """Two posts, two leaves hinged on them, a spring hinge each, and a shove at their
    meeting edges."""
    thick, wide, high = LEAF
    mass, inertia, torsion, stiffness, damping = _spring_hinge(LEAF, PERIOD, DAMPING_RATIO)
    arm = wide / 2  # hinge to centre of mass
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


def shut_door(plan: Plan, intent: Intent) -> None:
    """A door standing open in its frame swings shut on its own and slams on its stop."""
    thick, wide, high = DOOR
    mass, _, torsion, stiffness, damping = _spring_hinge(DOOR, SHUT_PERIOD, SHUT_DAMPING)
    arm, hinge = wide / 2, -wide / 2
    door_posts(plan, wide, high)
    depth, across = STOP
    plan.body("the stop bead on the latch post, behind the closed door (fixed)",
              name="door_stop", asset="box", material="wood", static=True,
              params={"length": depth, "width": across, "height": high},
              position=[round(-(thick + depth) / 2, 4),
                        round(-hinge + DOOR_GAP - across / 2, 4), 0.02])
    opened = math.radians(SHUT_OPEN)
    centre = [arm * math.sin(opened), hinge + arm * math.cos(opened)]
    plan.body(f"a heavy {wide * 100:.0f} x {high * 100:.0f} cm wooden door, {mass:.0f} kg, "
              f"standing {SHUT_OPEN:g} degrees open", name="door", asset="box",
              material="wood", params={"length": thick, "width": wide, "height": high},
              rotation=[0.0, 0.0, -SHUT_OPEN], restitution=SLAM_RESTITUTION,
              position=[round(centre[0], 4), round(centre[1], 4), 0.02])
    plan.joint("hinged on its left edge", name="hinges", type="hinge", a="door",
               anchor=[0.0, hinge, 0.02], axis=[0, 0, 1], limits=[-5.0, SHUT_OPEN + 5.0])
    past = math.radians(SHUT_PAST)  # where the torque would rest it: just behind the stop
    plan.joint(f"what shuts it: {torsion:.1f} N m a radian toward a little past closed, as "
               "a door hung out of plumb or on a closer has (a swing of "
               f"{SHUT_PERIOD:g} s), damped to {SHUT_DAMPING:.0%} of critical",
               name="closer", type="spring", a="door",
               anchor=[round(-arm * math.sin(past), 4), round(hinge + arm * math.cos(past), 4),
                       round(0.02 + high / 2, 4)],
               stiffness=round(stiffness, 2), damping=round(damping, 2), rest_length=0.0)
    plan.check("it swings shut slowly and slams on its stop", contacts="door",
               **{"with": "door_stop", "after": 1.0})
    plan.check("and ends shut, at rest against the stop", comes_to_rest="door", on="door_stop")
    plan.duration = 6.0
    # from above the latch side: the gap between the door and its post is seen to close (from
    # in front of the open door, its face open and shut looked much alike)
    plan.camera = ({"position": [2.2, 2.0, 3.2], "look_at": [0.25, -0.15, 0.8], "fov": 45.0},
                   "from above the latch side, the gap to the post closing")


def _spring_hinge(size: tuple[float, float, float], period: float, ratio: float
                  ) -> tuple[float, float, float, float, float]:
    """A wooden leaf's (thickness, width, height) mass and inertia about its hinge edge, and
    the torsion (N m a radian), stiffness and damping of the spring from its centre of mass
    that gives a small swing of `period` s, damped to `ratio` of critical."""
    thick, wide, high = size
    mass = thick * wide * high * MATERIALS["wood"].density
    arm = wide / 2
    inertia = mass * (wide ** 2 + thick ** 2) / 12 + mass * arm ** 2
    torsion = inertia * (2 * math.pi / period) ** 2
    damping = ratio * 2 * math.sqrt(torsion * inertia) / arm ** 2
    return mass, inertia, torsion, torsion / arm ** 2, damping
