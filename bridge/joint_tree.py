"""Joints grouped into trees: each tree becomes one articulated body in the engine.

Reduced coordinates make a joint exact (a pendulum keeps its period; a constraint between free
bodies sags and drifts), but they need a tree. A joint to the world or to a static body holds
its body to a fixed point, so it roots a tree of its own: two balls hung from one frame stay
two trees and still collide, which bodies inside one tree do not. Springs are forces and
breakable joints constraints between trees, never tree edges.
"""
from __future__ import annotations

from dataclasses import dataclass

from bridge.joint_schema import WORLD, Joint


@dataclass(frozen=True)
class Link:
    """A body held to its parent (None: a fixed point) by `joint`. `sign` is -1 when the
    body is the joint's `b`: its joint axis is turned round, so that the joint's position
    still measures `a` against `b`, as the script's limits and motor do."""

    body: str
    parent: str | None
    joint: Joint
    index: int  # the joint's position in the script's `joints`

    @property
    def sign(self) -> int:
        return 1 if self.body == self.joint.a else -1


@dataclass(frozen=True)
class Tree:
    """An articulated body: a free `root` body (None: fixed to a point) and its links,
    each after its parent."""

    root: str | None
    links: tuple[Link, ...]

    @property
    def bodies(self) -> list[str]:
        return ([self.root] if self.root else []) + [link.body for link in self.links]


def is_fixed_end(name: str, static: set[str]) -> bool:
    return name == WORLD or name in static


def joint_trees(joints: list[Joint], static: set[str], order: list[str],
                constrained: set[str] = frozenset()
                ) -> tuple[list[Tree], list[tuple[int, str, str]]]:
    """The trees the script's joints make, and the joints that cannot be built, as (index,
    field, message): one that closes a loop, or one whose two ends are both fixed. The joints
    named in `constrained` (a slack rope's) are Bullet constraints, like breakable ones."""
    rank = {name: i for i, name in enumerate(order)}
    problems = [(i, "a", (f"'{j.a}' and '{j.b}' are both fixed (static or the world): the joint "
                 "holds nothing; make one of them a dynamic body"))
                for i, j in enumerate(joints)
                if is_fixed_end(j.a, static) and is_fixed_end(j.b, static)]
    def pinned(j: Joint) -> bool:
        return j.type != "spring" and (j.breaks_at is not None or j.name in constrained)

    edges = [(i, j) for i, j in enumerate(joints) if j.type != "spring" and not pinned(j)
             and not (is_fixed_end(j.a, static) and is_fixed_end(j.b, static))]
    trees, seen = [], set()
    for name in sorted({n for _, j in edges for n in (j.a, j.b) if n in rank
                        and n not in static}, key=rank.__getitem__):
        if name in seen:
            continue
        component = _component(name, edges, static)
        seen |= component
        tree, loop = _grow(component, edges, static, rank)
        trees.append(tree)
        problems += loop
    held = {n for j in joints if pinned(j) for n in (j.a, j.b) if n in rank
            and n not in static and n not in seen}
    # a constraint is between multibodies, so its bodies must be ones
    trees += [Tree(name, ()) for name in sorted(held, key=rank.__getitem__)]
    return trees, problems


def _component(start: str, edges: list[tuple[int, Joint]], static: set[str]) -> set[str]:
    """The dynamic bodies joined to `start` through dynamic bodies."""
    component, frontier = {start}, [start]
    while frontier:
        name = frontier.pop()
        for _, joint in edges:
            if name in (joint.a, joint.b):
                other = joint.b if name == joint.a else joint.a
                if not is_fixed_end(other, static) and other not in component:
                    component.add(other)
                    frontier.append(other)
    return component


def _grow(component: set[str], edges: list[tuple[int, Joint]], static: set[str],
          rank: dict[str, int]) -> tuple[Tree, list[tuple[int, str, str]]]:
    """Breadth first from the fixed point (or the first body in script order)."""
    mine = [(i, j) for i, j in edges if j.a in component or j.b in component]
    grounded = [(i, j) for i, j in mine if is_fixed_end(j.a, static) or is_fixed_end(j.b, static)]
    links: list[Link] = []
    if grounded:
        i, joint = grounded[0]
        body = joint.b if is_fixed_end(joint.a, static) else joint.a
        root, placed, used = None, [body], {i}
        links.append(Link(body, None, joint, i))
    else:
        root = min(component, key=rank.__getitem__)
        placed, used = [root], set()
    for name in placed:  # grows while it is read
        for i, joint in mine:
            if i in used or name not in (joint.a, joint.b):
                continue
            other = joint.b if name == joint.a else joint.a
            if is_fixed_end(other, static) or other in placed:
                continue
            used.add(i)
            placed.append(other)
            links.append(Link(other, name, joint, i))
    loops = [(i, "b", (f"joint '{j.name}' closes a loop ('{j.a}' is already held to '{j.b}' "
              "through other joints, or both are held to fixed points); joints must form "
              "a tree: remove one")) for i, j in mine if i not in used]
    return Tree(root, _depth_first(links, root)), loops


def _depth_first(links: list[Link], root: str | None) -> tuple[Link, ...]:
    """The links with each followed by its own subtree: PyBullet numbers a multibody's links
    depth first whatever order they are given in, and the link indices here must be its."""
    children: dict[str | None, list[Link]] = {}
    for link in links:
        children.setdefault(link.parent, []).append(link)
    ordered: list[Link] = []

    def visit(parent: str | None) -> None:
        for link in children.get(parent, []):
            ordered.append(link)
            visit(link.body)

    visit(root)
    return tuple(ordered)
