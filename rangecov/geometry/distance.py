"""Exact geodesic distances from points to lines and polygons, and between geometries.

A :class:`Shape` holds one line or polygon ready for queries: its vertices and
edge midpoints in k-d trees over Earth-centred coordinates, and its polygons
drawn within 1 mm for the inside test. The pruning that keeps the number of
exact solves small is proved in docs/exactness.md (steps 2a and 5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist
from shapely.geometry.base import BaseGeometry

from ..base.lonlat import wrap
from ..base.tuning import PARALLEL_MIN, SHAPE_CELL_MAX_M, SHAPE_CELLS_FROM, SMALL_SHAPE, TREE_LEAF
from ..engine import pairs_within_chord
from ..engine.cells import run_stages
from ..geodesy.ellipsoid import Ellipsoid, default_workers
from ..geodesy.segment import segment_distance
from .bounds import Nearness, in_boxes, lonlat_box, overlapping_boxes, slices, wanted_pairs
from .drawing import draw_many, exact_fills, vertices_and_edges
from .shape_cells import EdgeEnds, cell_parts, edge_ends, foot_outside

__all__ = ["Shape", "shapes_of", "origin_shapes", "distances_to_shapes", "distance_matrix"]

Floats = NDArray[np.float64]
Positions = NDArray[np.intp]
Mask = NDArray[np.bool_]
if TYPE_CHECKING:
    # A shape's search frame, its vertices' k-d tree and, per class of half-length, (members, tree, longest half).
    SearchTrees = tuple[Floats, cKDTree[Any, Any], list[tuple[Positions, cKDTree[Any, Any], float]]]

_UNSET = object()


class Shape:
    """One lon/lat geometry prepared for exact point-to-geometry distances.

    Parts are its vertices (isolated points included), its geodesic edges
    and, for polygons, the polygon drawn with edges within 1 mm of the
    geodesics (for the inside test), drawn when first needed. Build many at
    once with :func:`shapes_of`, which solves all their edges in one batch.
    """

    def __init__(self, ell: Ellipsoid, geom: BaseGeometry, fill=_UNSET, *, parts=None) -> None:
        self.ell = ell
        self.geom = geom
        v, self.vxyz, edges, length, mid, ends = edge_parts(ell, [geom])[0] if parts is None else parts
        self.vx, self.vy = v[:, 0], v[:, 1]
        keep = length > 0
        e = edges[keep]
        self.edges = e
        self.mid = mid[keep]
        self.ea, self.eb = ends[0][keep], ends[1][keep]
        # Every point of an edge is within half its length (geodesic, so
        # also by chord) of its midpoint.
        self.half = 0.5 * length[keep]
        self.small = self.vx.size + len(e) <= SMALL_SHAPE
        self.polygonal = any(part.geom_type == "Polygon" for part in shapely.get_parts(geom))
        self.box = lonlat_box(ell, self.vx, self.vy, edges, length)
        self.fill = fill
        self.drawn: BaseGeometry | None = None
        self.trees: SearchTrees | None = None
        self.ends: EdgeEnds | None = None

    def fill_geometry(self) -> BaseGeometry | None:
        """The polygons drawn within 1 mm (None without polygons); drawn on first use."""
        if self.fill is _UNSET:
            self.fill = exact_fills(self.ell, [self.geom])[0]
        return self.fill

    def search_trees(self) -> SearchTrees:
        """The search frame, and k-d trees of the vertices and, per class of half-length, of the edge
        midpoints (built on first use).

        Edges come in classes of half-length (each 4 times the last, from 64 m): a class is searched out
        to the reach plus its own longest half, so a detailed outline's 100 m edges are not gathered as
        far out as its few long ones would need. The trees hold ECEF coordinates turned to east, north
        and up at the shape's centre (chords unchanged): an outline then lies in a thin layer along the
        trees' axes, and queries from far away visit far fewer cells (1.6 times faster measured).
        """
        if self.trees is None:
            up = self.vxyz.mean(axis=0)
            up = up / np.linalg.norm(up) if np.linalg.norm(up) > 0 else np.array([0.0, 0.0, 1.0])
            east = np.cross([0.0, 0.0, 1.0], up)
            if np.linalg.norm(east) < 1e-6:  # centre near a pole: any axis across `up` will do
                east = np.cross(up, [1.0, 0.0, 0.0])
            east = east / np.linalg.norm(east)
            frame = np.stack([east, np.cross(up, east), up])
            classes = []
            if len(self.edges):
                cls = np.ceil(np.log(np.maximum(self.half, 1e-9) / 64.0) / np.log(4.0))
                cls = np.maximum(0, cls).astype(np.intp)
                mid = self.mid @ frame.T
                for c in np.unique(cls):
                    members = np.flatnonzero(cls == c)
                    tree = cKDTree(mid[members], leafsize=TREE_LEAF)
                    classes.append((members, tree, float(self.half[members].max())))
            self.trees = (frame, cKDTree(self.vxyz @ frame.T, leafsize=TREE_LEAF), classes)
        return self.trees

    def edge_ends(self) -> EdgeEnds:
        """Which edges end at each vertex, and how far each strays from its chord (built on first use)."""
        if self.ends is None:
            self.ends = edge_ends(self.vx, self.vy, self.edges, half=self.half, ea=self.ea, eb=self.eb)
        return self.ends

    def draw(self) -> BaseGeometry:
        """The geometry with edges drawn within 1 mm of the geodesics (for shapely predicates)."""
        if self.drawn is None:
            self.drawn = draw_many(self.ell, [self.geom], fills=[self.fill_geometry()])[0]
        return self.drawn

    def distance_from(self, px: np.ndarray, py: np.ndarray) -> np.ndarray:
        """Exact geodesic distance from each point to the geometry (0 inside a polygon)."""
        return distances_to_shapes(self.ell, px, py, [self])[:, 0]


def edge_parts(ell: Ellipsoid, geoms) -> list:
    """Per geometry: its distinct vertices (n, 2) and their ECEF coordinates, its edges (m, 4), their
    lengths, ECEF midpoints and ECEF ends; every geometry's solved in one batch."""
    v_own, v, e_own, e = vertices_and_edges(geoms)
    if len(v):
        # Distinct vertices per geometry, sorted by owner (then lon, then lat).
        u = np.unique(np.column_stack((v_own, v)), axis=0)
        own, v = u[:, 0].astype(np.intp), u[:, 1:].astype(np.float64, copy=False)  # float already
    else:
        own, v = np.empty(0, dtype=np.intp), np.empty((0, 2))
    if len(e):
        az, _, length = ell.inverse(e[:, 0], e[:, 1], e[:, 2], e[:, 3])
        mlon, mlat, _ = ell.forward(e[:, 0], e[:, 1], az, 0.5 * length)
        mid, ea, eb = ell.ecef(mlon, mlat), ell.ecef(e[:, 0], e[:, 1]), ell.ecef(e[:, 2], e[:, 3])
    else:
        length, mid, ea, eb = np.empty(0), np.empty((0, 3)), np.empty((0, 3)), np.empty((0, 3))
    v_cut = np.searchsorted(own, np.arange(1, len(geoms)))
    e_cut = np.searchsorted(e_own, np.arange(1, len(geoms)))
    pieces = (np.split(a, v_cut) for a in (v, ell.ecef(v[:, 0], v[:, 1])))
    e_pieces = [np.split(a, e_cut) for a in (e, length, mid, ea, eb)]
    return [(pv, px, pe, pl, pm, (pa, pb)) for (pv, px), pe, pl, pm, pa, pb in zip(zip(*pieces), *e_pieces)]


def shapes_of(ell: Ellipsoid, geoms) -> list[Shape]:
    """:class:`Shape` for each geometry, with all their edges solved in one batch."""
    return [Shape(ell, g, parts=p) for g, p in zip(geoms, edge_parts(ell, geoms))]


def distances_to_shapes(
    ell: Ellipsoid,
    px: np.ndarray,
    py: np.ndarray,
    shapes: list[Shape],
    *,
    end_pruning: bool = True,
    want: np.ndarray | None = None,
    nearness: Nearness | None = None,
    cells: bool | None = None,
) -> np.ndarray:
    """Exact geodesic distances (n_points, n_shapes) from points to geometries (0 inside a polygon).

    Per geometry: an upper bound ``u`` is the exact distance to the vertex
    nearest by chord; other vertices can only win with chord ``<= c(u)``, an
    edge with midpoint ``M`` and length ``L`` only with
    ``chord(P, M) - L/2 <= c(u)``, where ``c(u) <= u`` is
    :meth:`Ellipsoid.chord_reach` (docs/exactness.md, steps 2a and 5). Small
    geometries are searched by brute force, together; large ones through
    k-d trees; the same pairs pass either way. The survivors are measured
    together. ``want`` (n_points, n_shapes), if given, names the pairs to
    measure (the others stay infinite); ``nearness`` is the :class:`Nearness` of
    the same points and shapes, when already at hand. ``end_pruning=False``
    also measures the edges that :func:`foot_outside` proves are nearest at an
    end (slower, same distances; for testing that rule). ``cells``: search large
    shapes per cell of points wherever the bounds allow (True), per point
    (False), or per cell from ``SHAPE_CELLS_FROM`` points up in cells of at
    most ``SHAPE_CELL_MAX_M`` (None); the distances are the same.
    """
    px = wrap(np.asarray(px, dtype=float))  # the drawn fills lie in [-180, 180]
    py = np.asarray(py, dtype=float)
    n, m = px.size, len(shapes)
    best = np.full((n, m), np.inf)
    if n == 0 or m == 0:
        return best
    xyz = ell.ecef(px, py)
    want = np.ones((n, m), dtype=bool) if want is None else want
    found: list = []
    small = [k for k, sh in enumerate(shapes) if sh.small and sh.vx.size]
    if small:
        parts = sum(shapes[k].vx.size + len(shapes[k].edges) for k in small)
        sub = [shapes[k] for k in small]
        for rows in slices(np.flatnonzero(want[:, small].any(axis=1)), parts):
            found += small_candidates(
                ell,
                px,
                py,
                xyz,
                rows,
                shapes=sub,
                cols=np.asarray(small),
                want=want,
                best=best,
                end_pruning=end_pruning,
            )

    def search(k: int) -> tuple[Positions, Positions, Floats]:
        rows = np.flatnonzero(want[:, k])
        got = None if nearness is None else nearness.near[k]
        near = None if got is None else (got[0][rows], got[1][rows])
        return tree_candidates(
            ell, px, py, xyz, rows, sh=shapes[k], k=k, near=near, best=best, end_pruning=end_pruning, cells=cells
        )

    large = [k for k, sh in enumerate(shapes) if not sh.small and want[:, k].any()]
    # Each shape writes only its own column of `best`: several shapes run on threads side by side.
    threads = default_workers() if len(large) > 1 and n >= PARALLEL_MIN else 1
    found += run_stages(threads, (search, large)) if large else []
    rows = np.concatenate([r for r, _, _ in found]) if found else np.empty(0, dtype=np.intp)
    if rows.size:
        cols = np.concatenate([c for _, c, _ in found])
        seg = np.concatenate([e for _, _, e in found])
        # Capped by the vertices' distance: an edge that cannot beat it need not be certified far away.
        alon, alat, blon, blat = seg.T
        d, _ = segment_distance(
            ell, px[rows], py[rows], alon=alon, alat=alat, blon=blon, blat=blat, cap=best[rows, cols]
        )
        np.minimum.at(best, (rows, cols), d)
    inside_to_zero(ell, px, py, shapes, best=best, want=want)
    return best


def nearest_vertices(
    ell: Ellipsoid, px: Floats, py: Floats, rows: Positions, cols: Positions, *, vx: Floats, vy: Floats, best: Floats
) -> None:
    """Lower ``best[rows, cols]`` to the exact distances from the points to the vertices ``(vx, vy)``."""
    if rows.size:
        np.minimum.at(best, (rows, cols), ell.distance(px[rows], py[rows], vx, vy))


def edge_survivors(
    ell: Ellipsoid,
    xyz: Floats,
    rows: Positions,
    chord: Floats,
    reach: Floats,
    *,
    ea: Floats,
    eb: Floats,
    half: Floats,
    end_pruning: bool,
) -> Mask:
    """Which (point, edge) pairs may hold a point nearer than the bound (docs/exactness.md, step 5).

    ``rows`` index ``xyz`` for each pair; the other arrays are per pair.
    """
    keep = chord - half <= reach
    if end_pruning:
        keep[keep] = ~foot_outside(xyz[rows[keep]], ea[keep], eb[keep], half[keep], ell.a)
    return keep


def small_candidates(
    ell: Ellipsoid,
    px: Floats,
    py: Floats,
    xyz: Floats,
    rows: Positions,
    *,
    shapes: list[Shape],
    cols: Positions,
    want: Mask,
    best: Floats,
    end_pruning: bool,
) -> list[tuple[Positions, Positions, Floats]]:
    """Vertices measured and edges to measure for small shapes, by brute force over all their parts.

    The same tests as :func:`tree_candidates`, on every wanted (point, part)
    pair of ``rows``: the vertex nearest by chord of each shape is measured,
    then the other vertices within ``c(u)``, and the edges passing the
    midpoint test are returned as (rows, columns, edges).
    """
    nv = np.array([sh.vx.size for sh in shapes])
    ne = np.array([len(sh.edges) for sh in shapes])
    v_col = np.repeat(np.arange(len(shapes)), nv)
    e_col = np.repeat(np.arange(len(shapes)), ne)
    vx = np.concatenate([sh.vx for sh in shapes])
    vy = np.concatenate([sh.vy for sh in shapes])
    half = np.concatenate([sh.half for sh in shapes])
    wanted = want[np.ix_(rows, cols)]
    u = np.full(wanted.shape, np.inf)
    c = cdist(xyz[rows], np.concatenate([sh.vxyz for sh in shapes]))
    # The vertex nearest by chord of each shape (ties all measured) gives u.
    first = (c <= np.minimum.reduceat(c, np.r_[0, np.cumsum(nv)[:-1]], axis=1)[:, v_col]) & wanted[:, v_col]
    r, v = np.nonzero(first)
    nearest_vertices(ell, px[rows], py[rows], r, v_col[v], vx=vx[v], vy=vy[v], best=u)
    r, v = np.nonzero((c <= ell.chord_reach(u)[:, v_col]) & ~first & wanted[:, v_col])
    nearest_vertices(ell, px[rows], py[rows], r, v_col[v], vx=vx[v], vy=vy[v], best=u)
    best[np.ix_(rows, cols)] = u
    if not half.size:
        return []
    mid = np.concatenate([sh.mid for sh in shapes])
    r, e = np.nonzero((cdist(xyz[rows], mid) - half[None, :] <= ell.chord_reach(u)[:, e_col]) & wanted[:, e_col])
    chord = np.linalg.norm(xyz[rows[r]] - mid[e], axis=1)
    ea = np.concatenate([sh.ea for sh in shapes])[e]
    eb = np.concatenate([sh.eb for sh in shapes])[e]
    reach = ell.chord_reach(u[r, e_col[e]])
    keep = edge_survivors(ell, xyz[rows], r, chord, reach, ea=ea, eb=eb, half=half[e], end_pruning=end_pruning)
    seg = np.concatenate([sh.edges for sh in shapes])
    return [(rows[r[keep]], cols[e_col[e[keep]]], seg[e[keep]])]


def tree_candidates(
    ell: Ellipsoid,
    px: Floats,
    py: Floats,
    xyz: Floats,
    rows: Positions,
    *,
    sh: Shape,
    k: int,
    near: tuple[Positions, Floats] | None,
    best: Floats,
    end_pruning: bool,
    cells: bool | None = None,
) -> tuple[Positions, Positions, Floats]:
    """Vertices measured and edges to measure for one large shape and the points ``rows``.

    Many points (``SHAPE_CELLS_FROM``) are searched per cell of points (:func:`cell_parts`),
    others (and points of cells too far for its bounds) through the shape's k-d trees, per point.
    ``near``: the vertex nearest by chord of each of ``rows`` and the chord to the second nearest,
    if known; ``cells`` as in :func:`distances_to_shapes`.
    """
    frame, vtree, classes = sh.search_trees()
    if (rows.size >= SHAPE_CELLS_FROM if cells is None else cells) and rows.size and classes:
        widest = np.inf if cells else SHAPE_CELL_MAX_M  # cells=True: every cell its bounds allow
        cp = cell_parts(ell, px[rows], py[rows], xyz[rows], shape=sh, end_pruning=end_pruning, widest=widest)
        best[rows[cp.rows], k] = cp.upper
        rest = cp.rest
        near = None if near is None else (near[0][rest], near[1][rest])
        o_at, _, o_seg = tree_candidates(
            ell, px, py, xyz, rows[rest], sh=sh, k=k, near=near, best=best, end_pruning=end_pruning, cells=False
        )
        at = rows[cp.rows[cp.at]]
        return np.r_[at, o_at], np.full(at.size + o_at.size, k), np.concatenate([sh.edges[cp.edge], o_seg])
    sub = xyz[rows]
    turned = sub @ frame.T  # for the trees
    if near is None:
        c, i = vtree.query(turned, k=2)
        nearest, second = np.asarray(i)[:, 0], np.asarray(c)[:, 1]
    else:
        nearest, second = near
    u = ell.distance(px[rows], py[rows], sh.vx[nearest], sh.vy[nearest])
    # Other vertices within the search radius only where the second nearest is.
    more = np.flatnonzero(second <= ell.chord_reach(u))
    at, idx = pairs_within_chord(vtree, turned[more], ell.chord_reach(u[more]))
    at = more[at]
    keep = idx != nearest[at]
    if keep.any():
        np.minimum.at(
            u, at[keep], ell.distance(px[rows[at[keep]]], py[rows[at[keep]]], sh.vx[idx[keep]], sh.vy[idx[keep]])
        )
    best[rows, k] = u
    if not classes:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp), np.empty((0, 4))
    reach = ell.chord_reach(u)
    found = [pairs_within_chord(tree, turned, reach + longest) for _, tree, longest in classes]
    at = np.concatenate([r for r, _ in found])
    idx = np.concatenate([members[i] for (members, _, _), (_, i) in zip(classes, found)])
    chord = np.linalg.norm(sub[at] - sh.mid[idx], axis=1)
    keep = edge_survivors(
        ell, sub, at, chord, reach[at], ea=sh.ea[idx], eb=sh.eb[idx], half=sh.half[idx], end_pruning=end_pruning
    )
    return rows[at[keep]], np.full(int(keep.sum()), k), sh.edges[idx[keep]]


def inside_to_zero(ell: Ellipsoid, px: Floats, py: Floats, shapes: list[Shape], *, best: Floats, want: Mask) -> None:
    """Set to 0 the distances of points inside a polygon (its fill drawn within 1 mm; on the boundary counts).

    Only points in a shape's :func:`lonlat_box` are tested, and only the
    shapes that have such points are drawn (in one batch).
    """
    polygonal = [k for k, sh in enumerate(shapes) if sh.polygonal]
    if not polygonal:
        return
    hits = in_boxes([shapes[k].box for k in polygonal], px, py) & want[:, polygonal]
    maybe = {k: np.flatnonzero(hits[:, j]) for j, k in enumerate(polygonal) if hits[:, j].any()}
    todo = [k for k in maybe if shapes[k].fill is _UNSET]
    for k, fill in zip(todo, exact_fills(ell, [shapes[k].geom for k in todo])):
        shapes[k].fill = fill
    for k, rows in maybe.items():
        # A point on ±180° where the fill is cut counts as inside.
        if shapes[k].fill is not None:
            best[rows[shapely.intersects_xy(shapes[k].fill, px[rows], py[rows])], k] = 0.0


def distance_matrix(
    ell: Ellipsoid,
    origins: np.ndarray,
    targets: np.ndarray,
    o_shapes: list | None = None,
    *,
    end_pruning: bool = True,
    reach: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Exact geodesic distances (n_targets, n_origins) between lon/lat geometries.

    The distance between two geometries is that between their nearest
    points: 0 if they meet, else attained at a vertex of one of them (two
    geodesic edges that do not cross are nearest at an end of one of them),
    so it is the smallest vertex-to-geometry distance either way.
    ``o_shapes`` may pass :func:`origin_shapes` of ``origins`` built once for
    several calls (targets handled in slices). ``end_pruning`` as in
    :func:`distances_to_shapes`.

    ``reach``: ``(low, high)`` per origin, for coverage. Then only the pairs
    that can matter are measured: a pair is left out when bounds
    (:class:`Nearness`) prove that it is not the nearest, gives a smaller
    margin under ``low`` and under ``high`` and a larger ratio to ``low``
    than another origin surely does, and either lies beyond ``high``
    (infinite in the result) or surely within both reaches (an upper bound
    on its distance in the result). So the nearest origin and its distance,
    the best margins, the least ratio and every "within ``low``/``high``" of
    a target are those of the full matrix.
    """
    n_o, n_t = len(origins), len(targets)
    out = np.full((n_t, n_o), np.inf)
    if n_o == 0 or n_t == 0:
        return out
    o_point = np.asarray(shapely.get_type_id(origins)) == shapely.GeometryType.POINT
    t_point = np.asarray(shapely.get_type_id(targets)) == shapely.GeometryType.POINT
    # All vertices and their owner positions (ring closings repeat; harmless).
    t_xy, t_owner = shapely.get_coordinates(targets, return_index=True)
    o_xy, o_owner = shapely.get_coordinates(origins, return_index=True)
    o_idx, t_idx = np.flatnonzero(~o_point), np.flatnonzero(~t_point)
    if o_shapes is None:
        o_shapes = origin_shapes(ell, origins)
    t_shapes = shapes_of(ell, targets[t_idx])
    # Point targets to every point origin (a line or polygon target is measured from the origins below).
    if o_point.any() and t_point.any():
        ox, oy = shapely.get_x(origins[o_point]), shapely.get_y(origins[o_point])
        tx, ty = shapely.get_x(targets[t_point]), shapely.get_y(targets[t_point])
        d = ell.distance(np.repeat(tx, ox.size), np.repeat(ty, ox.size), np.tile(ox, tx.size), np.tile(oy, tx.size))
        out[np.ix_(np.flatnonzero(t_point), np.flatnonzero(o_point))] = d.reshape(tx.size, ox.size)
    o_hit, t_hit = overlapping_boxes([sh.box for sh in o_shapes], [sh.box for sh in t_shapes])
    near_a = near_b = want_a = want_b = None
    if reach is not None:
        near_a = Nearness(ell, t_xy[:, 0], t_xy[:, 1], o_shapes) if o_shapes else None
        near_b = Nearness(ell, o_xy[:, 0], o_xy[:, 1], t_shapes) if t_shapes else None
        a_at = (t_owner[:, None], o_idx[None, :])
        b_at = (t_idx[None, :], o_owner[:, None])
        want, stand_in = wanted_pairs(out, near_a=near_a, near_b=near_b, a_at=a_at, b_at=b_at, reach=reach)
        out = np.minimum(out, stand_in)
        want_a = want[np.ix_(t_owner, o_idx)]
        want_b = want[np.ix_(t_idx, o_owner)].T
    # Target vertices to every line/polygon origin.
    if o_shapes:
        d = distances_to_shapes(
            ell, t_xy[:, 0], t_xy[:, 1], o_shapes, end_pruning=end_pruning, want=want_a, nearness=near_a
        )
        np.minimum.at(out, (t_owner[:, None], o_idx[None, :]), d)
    # Origin vertices (point origins included) to every line/polygon target.
    if t_shapes:
        d = distances_to_shapes(
            ell, o_xy[:, 0], o_xy[:, 1], t_shapes, end_pruning=end_pruning, want=want_b, nearness=near_b
        )
        np.minimum.at(out, (t_idx[None, :], o_owner[:, None]), d)
    # Lines and polygons that meet are at distance 0 (edges drawn within 1 mm); only shapes whose
    # boxes overlap can meet, and only those are drawn.
    if o_hit.size:
        o_drawn = draw_shapes(ell, [o_shapes[i] for i in np.unique(o_hit)])
        t_drawn = draw_shapes(ell, [t_shapes[j] for j in np.unique(t_hit)])
        o_geom = np.asarray(o_drawn, dtype=object)[np.searchsorted(np.unique(o_hit), o_hit)]
        t_geom = np.asarray(t_drawn, dtype=object)[np.searchsorted(np.unique(t_hit), t_hit)]
        meet = shapely.intersects(o_geom, t_geom)
        out[t_idx[t_hit[meet]], o_idx[o_hit[meet]]] = 0.0
    return out


def draw_shapes(ell: Ellipsoid, shapes: list[Shape]) -> list[BaseGeometry]:
    """Each shape's :meth:`Shape.draw`, the missing fills and drawings made in one batch."""
    todo = [sh for sh in shapes if sh.fill is _UNSET]
    for sh, fill in zip(todo, exact_fills(ell, [sh.geom for sh in todo])):
        sh.fill = fill
    todo = [sh for sh in shapes if sh.drawn is None]
    for sh, drawn in zip(todo, draw_many(ell, [sh.geom for sh in todo], fills=[sh.fill for sh in todo])):
        sh.drawn = drawn
    return [sh.draw() for sh in shapes]  # drawn above: draw() only returns them


def origin_shapes(ell: Ellipsoid, origins: np.ndarray) -> list:
    """The :class:`Shape` of every line/polygon origin, in order (points are measured directly)."""
    o_point = np.asarray(shapely.get_type_id(origins)) == shapely.GeometryType.POINT
    return shapes_of(ell, origins[np.flatnonzero(~o_point)])
