"""A liquid's surface from its particles: a signed distance on a sparse grid, meshed as a
surface net.

The distance is Zhu and Bridson's (2005): at a grid node x, with weights
w_i = (1 - |x - x_i|^2 / R^2)^3 of the particles within R, phi(x) = |x - x_bar| - r_drawn,
where x_bar is the weighted mean of their centres. A lone drop is a sphere of r_drawn; a body
of liquid gets one smooth skin about r_drawn outside its outer particles. The plain distance
spans a film between two drops up to 2R apart (their mean lies between them), so a node's
weight must also be at least what one particle BRIDGE away would give it.

A particle with no other within 2R reaches no node another one does: its surface is exactly
a sphere, drawn as one without the grid. That keeps spray cheap.

The grid is sparse: cubic blocks of BLOCK cells, only where a particle's kernel reaches, so
drops a metre apart cost a few blocks, not a grid over the room. A block keeps two nodes more
below and one more above what it meshes; neighbouring blocks compute a shared node from the
same particles in the same order, so their meshes meet without a seam, and normals come from
central differences across the border. Blocks are filled and meshed in parallel, each into
its own rows, so the mesh is bit-identical from run to run.

The mesh is a surface net: one vertex per cell the surface passes through, at the mean of
the crossings on its edges, and one quad across each grid edge with a sign change. It gives
fewer, rounder triangles than marching cubes, which a CPU rasterizer pays for.

The kernels release the GIL (nogil): the renderer meshes the next frame on a thread while
its main thread draws this one (renderer/liquid_ahead.py).
"""
from __future__ import annotations

import functools
import math

import numpy as np
import trimesh

from bridge import threads

threads.configure()  # before numba's first parallel loop loads OpenMP
import numba
from numba import njit, prange

CELL = 1.0  # grid spacing over the particle radius: a lone drop spans 2.8 cells
KERNEL = 4.0  # kernel radius R over the particle radius: two particle spacings
DRAWN = 1.4  # a lone drop's radius over the particle radius
BRIDGE = 2.0  # how far one particle alone may be seen from a surface point, same units
BLOCK = 16  # cells along a block's side
DROP_SUBDIVISIONS = 1  # a lone drop's icosphere: 80 faces, round at the few pixels it covers
# A lone drop lying on the floor (its centre within ON_FLOOR particle radii of it) is drawn
# spread into a splat SPLAT times as wide as tall, of the same volume: a drop 6 mm across
# lies on tiles as a spot of spatter 11 mm across and 2 mm high, not as a bead. So is each
# particle of a drop of a few lying there: one with fewer than FEW others within the
# kernel's reach (in a puddle one particle deep, 3 at a corner and 5 along an edge).
ON_FLOOR = 1.5
SPLAT = 6.0
FEW = 3
PAD_LOW, PAD_HIGH = 2, 1  # nodes a block keeps beyond the edges it owns
CACHE = True
_OFFSET = 1 << 20  # block coordinates are packed as 21 bits each, shifted to be positive
# A node that no particle reaches is outside; BRIDGE < KERNEL - CELL keeps every node with
# phi < 0 at least a cell inside the reach, so no block outside the reach holds the surface.
assert BRIDGE < KERNEL - CELL
# one for the whole process: how busy its cores are is the process's, not a shot's
_THREADS = threads.ThreadChoice([numba.get_num_threads() - 1, 1], numba.get_num_threads,
                                numba.set_num_threads)


def surface(centres: np.ndarray, radius: float, floor: float | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices [V,3] float32, outward unit normals [V,3] float32 and triangles [T,3] uint32
    of the surface around the [N,3] particle centres (NaN rows are absent particles); lone
    drops, and drops of a few, on the `floor` (its height, None for none) are splats.

    It leaves a core to the shot writer's thread, which encodes the frames meanwhile (on 2
    cores the juice example rendered at 73 ms a frame with the surface on one thread, 87 ms
    with it on both, in one pair of runs), and on more cores runs on one thread alone where
    that measures faster (another process, such as a dataset worker, keeping them busy)."""
    return _THREADS.run(lambda: _surface(centres, radius, floor))


def _surface(centres: np.ndarray, radius: float, floor: float | None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = centres[np.isfinite(centres).all(axis=1)].astype(np.float64)
    # no other within twice the kernel's reach: its kernel reaches no node another's does,
    # and its surface is a sphere
    lone = (_crowds(x, 2 * KERNEL * radius, 1) == 0) if len(x) else np.zeros(0, np.bool_)
    drawn = DRAWN * radius
    if floor is None:
        parts = [_drops(x[lone], (drawn, drawn, drawn))]
        meshed = ~lone
    else:
        lying = x[:, 2] - floor < ON_FLOOR * radius
        few = lying & ~lone
        if few.any():
            few &= _crowds(x, KERNEL * radius, FEW) < FEW
        parts = [_drops(x[lone & ~lying], (drawn, drawn, drawn)),
                 _splats(x[(lone & lying) | few], drawn, floor)]
        meshed = ~lone & ~few
    if meshed.any():
        h = CELL * radius
        keys, order, starts = _pairs(x[meshed], h, KERNEL * radius, BLOCK)
        phi, inside = _field(x[meshed], h, KERNEL * radius, DRAWN * radius, BRIDGE * radius,
                             keys, order, starts, BLOCK)
        parts.append(_mesh(phi, inside, keys, h, BLOCK))
    vertices, normals, faces, count = [], [], [], 0
    for v, n, f in parts:
        vertices.append(v)
        normals.append(n)
        faces.append(f + count)
        count += len(v)
    return (np.concatenate(vertices).astype(np.float32),
            np.concatenate(normals).astype(np.float32), np.concatenate(faces).astype(np.uint32))


@functools.cache
def _unit_sphere() -> trimesh.Trimesh:
    return trimesh.creation.icosphere(subdivisions=DROP_SUBDIVISIONS)


def _drops(x: np.ndarray, axes: tuple[float, float, float]
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An icosphere stretched to the semi-axes `axes` around each of the centres `x`: a
    sphere of the drawn radius around a lone particle is what the distance gives there."""
    sphere = _unit_sphere()
    vertices = (x[:, None] + sphere.vertices[None] * axes).reshape(-1, 3)
    normals = sphere.vertex_normals / axes  # an ellipsoid's: the sphere's over its axes
    normals = np.tile(normals / np.linalg.norm(normals, axis=1, keepdims=True), (len(x), 1))
    faces = (sphere.faces[None] + len(sphere.vertices) * np.arange(len(x))[:, None, None])
    return vertices, normals, faces.reshape(-1, 3)


def _splats(x: np.ndarray, drawn: float, floor: float
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each drop on the floor flattened to a splat of its volume, resting on the floor."""
    wide = drawn * SPLAT ** (1 / 3)  # wide^2 tall = drawn^3, with wide = SPLAT tall
    tall = wide / SPLAT
    resting = x.copy()
    resting[:, 2] = floor + tall
    return _drops(resting, (wide, wide, tall))


@njit(cache=CACHE, parallel=True, nogil=True)
def _crowds(x: np.ndarray, gap: float, cap: int) -> np.ndarray:
    """Each particle's count of others within `gap`, up to `cap` (at least 1)."""
    cells = np.empty((len(x), 3), np.int64)
    keys = np.empty(len(x), np.int64)
    for i in range(len(x)):
        for k in range(3):
            cells[i, k] = math.floor(x[i, k] / gap)
        keys[i] = _pack(cells[i, 0], cells[i, 1], cells[i, 2])
    order = np.argsort(keys)
    ordered = keys[order]
    counts = np.zeros(len(x), np.int64)
    gap2 = gap * gap
    for i in prange(len(x)):
        for c in range(27):
            key = _pack(cells[i, 0] + c % 3 - 1, cells[i, 1] + (c // 3) % 3 - 1,
                        cells[i, 2] + c // 9 - 1)
            for s in range(np.searchsorted(ordered, key), np.searchsorted(ordered, key + 1)):
                j = order[s]
                d2 = (x[i, 0] - x[j, 0]) ** 2 + (x[i, 1] - x[j, 1]) ** 2 + \
                    (x[i, 2] - x[j, 2]) ** 2
                if j != i and d2 < gap2:
                    counts[i] += 1
                    if counts[i] >= cap:
                        break
            if counts[i] >= cap:  # the cap settles it: a particle in a glass has hundreds
                break
    return counts


@njit(cache=CACHE, nogil=True)
def _pack(bx: int, by: int, bz: int) -> int:
    return ((bx + _OFFSET) << 42) | ((by + _OFFSET) << 21) | (bz + _OFFSET)


@njit(cache=CACHE, nogil=True)
def _node_range(x: float, h: float, reach: float) -> tuple:
    return math.ceil((x - reach) / h), math.floor((x + reach) / h)


@njit(cache=CACHE, nogil=True)
def _pairs(x: np.ndarray, h: float, reach: float, block: int) -> tuple:
    """The blocks to mesh: sorted keys of those that own a node within `reach` of a
    particle. With them, the particles that reach each block's padded nodes: block b's are
    order[starts[b]:starts[b + 1]], in index order."""
    owned, pair_keys, pair_particles = [], [], []
    for i in range(len(x)):
        lo = np.empty(3, np.int64)
        hi = np.empty(3, np.int64)
        for k in range(3):
            lo[k], hi[k] = _node_range(x[i, k], h, reach)
        for b in range(lo[0] // block, hi[0] // block + 1):
            for c in range(lo[1] // block, hi[1] // block + 1):
                for d in range(lo[2] // block, hi[2] // block + 1):
                    owned.append(_pack(b, c, d))
        # node n is in block b's padded range when b*B - PAD_LOW <= n <= b*B + B + PAD_HIGH
        for b in range(-(-(lo[0] - block - PAD_HIGH) // block),
                       (hi[0] + PAD_LOW) // block + 1):
            for c in range(-(-(lo[1] - block - PAD_HIGH) // block),
                           (hi[1] + PAD_LOW) // block + 1):
                for d in range(-(-(lo[2] - block - PAD_HIGH) // block),
                               (hi[2] + PAD_LOW) // block + 1):
                    pair_keys.append(_pack(b, c, d))
                    pair_particles.append(i)
    keys = np.unique(np.array(owned, np.int64))
    pk = np.array(pair_keys, np.int64)
    pp = np.array(pair_particles, np.int64)
    sort = np.argsort(pk, kind="mergesort")  # stable: each block's particles in index order
    pk, pp = pk[sort], pp[sort]
    starts = np.searchsorted(pk, keys)
    stops = np.searchsorted(pk, keys, side="right")
    count = stops - starts
    begin = np.zeros(len(keys) + 1, np.int64)
    begin[1:] = np.cumsum(count)
    order = np.empty(begin[-1], np.int64)
    for b in range(len(keys)):
        order[begin[b]:begin[b + 1]] = pp[starts[b]:stops[b]]
    return keys, order, begin


@njit(cache=CACHE, parallel=True, nogil=True)
def _field(x: np.ndarray, h: float, reach: float, drawn: float, bridge: float,
           keys: np.ndarray, order: np.ndarray, starts: np.ndarray, block: int) -> tuple:
    """[K,S,S,S] float32 signed distance at every block's padded nodes, and [K,2,3] the
    lowest and highest node of each block that lies inside (phi < 0; low > high where none
    does). A node's weight also stands for the distance at which one particle alone would
    give it; that distance has to be under `bridge`.

    Only the box of nodes the block's particles reach is summed: a spray of drops over the
    floor touches hundreds of blocks with a few particles each, and zeroing and reading
    every block whole was most of a frame's meshing."""
    size = block + PAD_LOW + PAD_HIGH + 1
    phi = np.empty((len(keys), size, size, size), np.float32)
    inside = np.empty((len(keys), 2, 3), np.int64)
    for b in prange(len(keys)):
        phi[b] = reach  # by the thread that fills the rest: a block is then in its cache
        bx, by, bz = _unpack(keys[b])
        base = np.array([bx, by, bz]) * block - PAD_LOW
        low, high = _reached(x, h, reach, order[starts[b]:starts[b + 1]], base, size)
        extent = high - low + 1
        sums = np.zeros((extent[0], extent[1], extent[2], 4))  # a node's four side by side
        _sum_weights(x, h, reach, order[starts[b]:starts[b + 1]], base + low, extent, sums)
        inside[b, 0, :] = size
        inside[b, 1, :] = -1
        for j in range(extent[0]):
            for k in range(extent[1]):
                for m in range(extent[2]):
                    value = np.float32(_distance(sums[j, k, m, 0], sums[j, k, m, 1],
                                                 sums[j, k, m, 2], sums[j, k, m, 3], reach,
                                                 drawn, bridge))
                    phi[b, low[0] + j, low[1] + k, low[2] + m] = value
                    if value < 0:
                        for a, at in enumerate((low[0] + j, low[1] + k, low[2] + m)):
                            inside[b, 0, a] = min(inside[b, 0, a], at)
                            inside[b, 1, a] = max(inside[b, 1, a], at)
    return phi, inside


@njit(cache=CACHE, nogil=True)
def _reached(x: np.ndarray, h: float, reach: float, particles: np.ndarray, base: np.ndarray,
             size: int) -> tuple:
    """The lowest and highest padded node (block coordinates) any of `particles` reaches."""
    low = np.full(3, size - 1, np.int64)
    high = np.zeros(3, np.int64)
    for i in particles:
        for a in range(3):
            lo, hi = _node_range(x[i, a], h, reach)
            low[a] = min(low[a], max(lo - base[a], 0))
            high[a] = max(high[a], min(hi - base[a], size - 1))
    return low, high


@njit(cache=CACHE, nogil=True)
def _sum_weights(x: np.ndarray, h: float, reach: float, particles: np.ndarray,
                 base: np.ndarray, extent: np.ndarray, sums: np.ndarray) -> None:
    """Adds each particle's weight and weighted offset to the nodes of the box from `base`
    (world node indices) over `extent` nodes, particle by particle in the given order.
    A particle's offsets along z are worked out once, not once a column."""
    reach2 = reach * reach
    offsets = np.empty((int(2 * reach / h) + 3, 2))  # dz and dz^2 along the particle's column
    for i in particles:
        lx, hx = _node_range(x[i, 0], h, reach)
        ly, hy = _node_range(x[i, 1], h, reach)
        lz, hz = _node_range(x[i, 2], h, reach)
        first, last = max(lz, base[2]), min(hz, base[2] + extent[2] - 1)
        for nz in range(first, last + 1):
            offsets[nz - first, 0] = nz * h - x[i, 2]
            offsets[nz - first, 1] = offsets[nz - first, 0] ** 2
        for nx in range(max(lx, base[0]), min(hx, base[0] + extent[0] - 1) + 1):
            dx = nx * h - x[i, 0]
            for ny in range(max(ly, base[1]), min(hy, base[1] + extent[1] - 1) + 1):
                dy = ny * h - x[i, 1]
                across = dx * dx + dy * dy
                if across >= reach2:
                    continue
                for c in range(last - first + 1):
                    d2 = across + offsets[c, 1]
                    if d2 >= reach2:
                        continue
                    q = 1.0 - d2 / reach2
                    w = q * q * q
                    j, k, m = nx - base[0], ny - base[1], first + c - base[2]
                    sums[j, k, m, 0] += w
                    sums[j, k, m, 1] += w * dx
                    sums[j, k, m, 2] += w * dy
                    sums[j, k, m, 3] += w * offsets[c, 0]


@njit(cache=CACHE, inline="always")
def _distance(w: float, sx: float, sy: float, sz: float, reach: float, drawn: float,
              bridge: float) -> float:
    """A node's signed distance from its weight w and weighted offset sums."""
    if w <= 0:
        return reach
    gap = math.sqrt(sx ** 2 + sy ** 2 + sz ** 2) / w - drawn
    if gap >= reach - bridge or w >= 1.0:
        # the lone-particle distance cannot win: it is at most reach - bridge, and it is
        # -bridge where the weight is 1 or more (the cube root is the costly part)
        return max(gap, -bridge)
    alone = reach * math.sqrt(max(0.0, 1.0 - w ** (1.0 / 3.0)))
    return max(gap, alone - bridge)


@njit(cache=CACHE, nogil=True)
def _unpack(key: int) -> tuple:
    mask = (1 << 21) - 1
    return ((key >> 42) & mask) - _OFFSET, ((key >> 21) & mask) - _OFFSET, (key & mask) - _OFFSET


@njit(cache=CACHE, parallel=True, nogil=True)
def _mesh(phi: np.ndarray, inside: np.ndarray, keys: np.ndarray, h: float,
          block: int) -> tuple:
    """Every block's surface net, joined in block order: vertices, normals and triangles.
    Blocks are counted, then filled, in parallel; each writes its own rows. Only cells
    and edges that touch a block's inside box can hold the surface."""
    counts = np.zeros((len(keys), 2), np.int64)
    for b in prange(len(keys)):
        counts[b, 0], counts[b, 1] = _count(phi[b], inside[b], block)
    starts = np.zeros((len(keys) + 1, 2), np.int64)
    for b in range(len(keys)):
        starts[b + 1] = starts[b] + counts[b]
    vertices = np.empty((starts[-1, 0], 3))
    normals = np.empty((starts[-1, 0], 3))
    faces = np.empty((starts[-1, 1], 3), np.int64)
    for b in prange(len(keys)):
        bx, by, bz = _unpack(keys[b])
        base = (bx * block - PAD_LOW, by * block - PAD_LOW, bz * block - PAD_LOW)
        _net(phi[b], inside[b], base, h, block, starts[b, 0], starts[b, 1], vertices, normals,
             faces)
    return vertices, normals, faces


@njit(cache=CACHE, inline="always")
def _mixed(phi: np.ndarray, i: int, j: int, k: int) -> bool:
    """Whether the cell with lower corner (i, j, k) has corners on both sides."""
    first = phi[i, j, k] < 0
    for c in range(1, 8):
        if (phi[i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1)] < 0) != first:
            return True
    return False


@njit(cache=CACHE, nogil=True)
def _around(inside: np.ndarray, axis: int, first: int, stop: int) -> range:
    """Lower corners, from `first` up to `stop`, of the cells or edges along `axis` that
    have a node in the inside box (a corner one below it counts)."""
    return range(max(first, inside[0, axis] - 1), min(stop, inside[1, axis] + 1))


@njit(cache=CACHE, nogil=True)
def _count(phi: np.ndarray, inside: np.ndarray, block: int) -> tuple:
    """How many vertices (mixed cells) and triangles (2 per owned edge with a sign change)."""
    cells = 0
    for i in _around(inside, 0, PAD_LOW - 1, PAD_LOW + block):
        for j in _around(inside, 1, PAD_LOW - 1, PAD_LOW + block):
            for k in _around(inside, 2, PAD_LOW - 1, PAD_LOW + block):
                cells += _mixed(phi, i, j, k)
    edges = 0
    for i in _around(inside, 0, PAD_LOW, PAD_LOW + block):
        for j in _around(inside, 1, PAD_LOW, PAD_LOW + block):
            for k in _around(inside, 2, PAD_LOW, PAD_LOW + block):
                within = phi[i, j, k] < 0
                edges += (phi[i + 1, j, k] < 0) != within
                edges += (phi[i, j + 1, k] < 0) != within
                edges += (phi[i, j, k + 1] < 0) != within
    return cells, 2 * edges


@njit(cache=CACHE, inline="always")
def _corner(c: int, axis: int) -> int:
    return (c >> axis) & 1


@njit(cache=CACHE, nogil=True)
def _cell_vertex(phi: np.ndarray, i: int, j: int, k: int, out: np.ndarray,
                 normal: np.ndarray) -> None:
    """The mean of the crossings on a mixed cell's edges, in cell coordinates ([0,1]^3), and
    the unit normal there from the corners' central-difference gradients."""
    out[:] = 0.0
    crossings = 0
    for c0 in range(8):
        for axis in range(3):
            if _corner(c0, axis):
                continue
            c1 = c0 | (1 << axis)
            p0 = phi[i + _corner(c0, 0), j + _corner(c0, 1), k + _corner(c0, 2)]
            p1 = phi[i + _corner(c1, 0), j + _corner(c1, 1), k + _corner(c1, 2)]
            if (p0 < 0) != (p1 < 0):
                t = p0 / (p0 - p1)
                for a in range(3):
                    out[a] += _corner(c0, a) + (t if a == axis else 0.0)
                crossings += 1
    out /= crossings
    normal[:] = 0.0
    for c in range(8):
        weight = 1.0
        for a in range(3):
            weight *= out[a] if _corner(c, a) else 1.0 - out[a]
        ci, cj, ck = i + _corner(c, 0), j + _corner(c, 1), k + _corner(c, 2)
        normal[0] += weight * (phi[ci + 1, cj, ck] - phi[ci - 1, cj, ck])
        normal[1] += weight * (phi[ci, cj + 1, ck] - phi[ci, cj - 1, ck])
        normal[2] += weight * (phi[ci, cj, ck + 1] - phi[ci, cj, ck - 1])
    length = math.sqrt(normal[0] ** 2 + normal[1] ** 2 + normal[2] ** 2)
    if length > 0:
        normal /= length


@njit(cache=CACHE, nogil=True)
def _net(phi: np.ndarray, inside: np.ndarray, base: tuple, h: float, block: int, vertex: int,
         face: int, vertices: np.ndarray, normals: np.ndarray, faces: np.ndarray) -> None:
    """One block's surface net, written from rows `vertex` and `face` on. It meshes the edges
    the block owns (lower node in [PAD_LOW, PAD_LOW + block) on every axis); the cells
    around them start one node lower."""
    cells = block + 1
    low = PAD_LOW - 1
    index = np.full((cells, cells, cells), -1, np.int64)
    point = np.empty(3)
    for i in _around(inside, 0, low, low + cells):
        for j in _around(inside, 1, low, low + cells):
            for k in _around(inside, 2, low, low + cells):
                if not _mixed(phi, i, j, k):
                    continue
                _cell_vertex(phi, i, j, k, point, normals[vertex])
                vertices[vertex, 0] = (base[0] + i + point[0]) * h
                vertices[vertex, 1] = (base[1] + j + point[1]) * h
                vertices[vertex, 2] = (base[2] + k + point[2]) * h
                index[i - low, j - low, k - low] = vertex
                vertex += 1
    quad = np.empty(4, np.int64)
    c = np.empty(3, np.int64)
    for i in _around(inside, 0, PAD_LOW, PAD_LOW + block):
        for j in _around(inside, 1, PAD_LOW, PAD_LOW + block):
            for k in _around(inside, 2, PAD_LOW, PAD_LOW + block):
                within = phi[i, j, k] < 0
                for a in range(3):
                    if (phi[i + (a == 0), j + (a == 1), k + (a == 2)] < 0) == within:
                        continue
                    u, v = (a + 1) % 3, (a + 2) % 3
                    for corner in range(4):  # cells around the edge, counter-clockwise about +a
                        c[0], c[1], c[2] = i - low, j - low, k - low
                        c[u] -= corner in (0, 3)
                        c[v] -= corner in (0, 1)
                        quad[corner] = index[c[0], c[1], c[2]]
                    if not within:  # the liquid lies above the edge: the quad faces -a
                        quad[1], quad[3] = quad[3], quad[1]
                    faces[face, 0], faces[face, 1], faces[face, 2] = quad[0], quad[1], quad[2]
                    faces[face + 1, 0], faces[face + 1, 1], faces[face + 1, 2] = \
                        quad[0], quad[2], quad[3]
                    face += 2
