"""The parts of a large line or polygon that can be nearest to many points, found once per cell of points.

``docs/exactness.md``, step 5b. The points are binned into cells of about
``SHAPE_PER_CELL`` (the point engine's :func:`~rangecov.engine.cells.make_cells`)
and the cells into groups. One k-d query per group, from its centre, gives
every vertex that can matter to one of its points (a bound that holds for the
whole group, less what step 3b (c)'s linear bound proves farther), and each
cell keeps from that list what can matter to its own points. Each point then
meets only its cell's few vertices: the one nearest by chord is measured, the
others within the search radius are bounded by step 3c from the group's centre
and measured only if they can be nearer, and the edges worth a segment solve
are found through their ends (an edge passes near a point only if one of its
ends does, and dips below its ends by at most ``L**2 / 2(s - L)``). No
per-point k-d search is left. Slices of points run on threads. Points in cells
too far for these bounds (beyond ``CELL_DOMINANCE_M``), or too wide to pay
(``SHAPE_CELL_MAX_M``), are handed back for the per-point search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.spatial.distance import cdist

from ..base.tuning import (
    CELL_DOMINANCE_M,
    SHAPE_CELL_GROUP,
    SHAPE_CELL_MAX_M,
    SHAPE_GROUP_GROWTH,
    SHAPE_GROUP_PIECE,
    SHAPE_PAIRS,
    SHAPE_PER_CELL,
    SHORT_EDGE_M,
)
from ..engine import pairs_within_chord
from ..engine.cells import Cells, make_cells, parts, run_stages
from ..engine.search import ragged
from ..geodesy.ellipsoid import PRUNE_SLACK_M, Ellipsoid, default_workers

__all__ = ["ShapeParts", "EdgeEnds", "edge_ends", "CellParts", "cell_parts", "segment_chord", "foot_outside"]

Floats = NDArray[np.float64]
Positions = NDArray[np.intp]


class ShapeParts(Protocol):
    """What :func:`cell_parts` reads of a :class:`rangecov.geometry.distance.Shape`."""

    vx: Floats
    vy: Floats
    vxyz: Floats
    ea: Floats
    eb: Floats
    mid: Floats
    half: Floats

    def search_trees(self) -> Any: ...

    def edge_ends(self) -> EdgeEnds: ...


@dataclass(frozen=True)
class EdgeEnds:
    """Which edges each vertex of a shape ends, and how far each edge strays from its straight chord.

    ``start``/``edges``: the edges ending at vertex ``i`` are ``edges[start[i]:start[i + 1]]``
    (short edges only); ``long`` the edges found by their midpoints instead; ``stray`` per edge,
    a bound on the distance from any point of the geodesic edge to the straight segment between
    its ends (step 5b); ``reach_stray`` and ``reach_chord`` the largest stray and chord of the short
    edges; ``longest`` per vertex, the geodesic length of the longest short edge ending there.
    """

    start: Positions
    edges: Positions
    long: Positions
    stray: Floats
    reach_stray: float
    reach_chord: float
    longest: Floats


def edge_ends(vx: Floats, vy: Floats, edges: Floats, *, half: Floats, ea: Floats, eb: Floats) -> EdgeEnds:
    """:class:`EdgeEnds` of a shape with vertices ``(vx, vy)`` (sorted by longitude, then latitude, as
    :func:`rangecov.geometry.distance.edge_parts` gives them) and edges ``(lon1, lat1, lon2, lat2)``
    of geodesic half-lengths ``half`` and ECEF ends ``ea``, ``eb``."""
    chord = _norm(eb - ea)
    length = 2.0 * half
    # Grown so that rounding in the length (Karney's, ~15 nm) and the chord can only widen it.
    grown = length * (1.0 + 1e-9) + 1e-6
    stray = 0.5 * np.sqrt(np.maximum(grown * grown - chord * chord, 0.0)) + PRUNE_SLACK_M
    key = vx + 1j * vy  # sorted: complex numbers sort by real part, then imaginary
    ends = []
    for lon, lat in ((edges[:, 0], edges[:, 1]), (edges[:, 2], edges[:, 3])):
        at = np.minimum(np.searchsorted(key, lon + 1j * lat), max(key.size - 1, 0))
        ends.append(np.where((vx[at] == lon) & (vy[at] == lat), at, -1) if key.size else np.full(lon.size, -1))
    short = (chord <= SHORT_EDGE_M) & (ends[0] >= 0) & (ends[1] >= 0)
    e = np.flatnonzero(short)
    vert = np.concatenate([ends[0][e], ends[1][e]])
    owner = np.concatenate([e, e])
    order = np.argsort(vert, kind="stable")
    start = np.searchsorted(vert[order], np.arange(vx.size + 1))
    longest = np.zeros(vx.size)
    np.maximum.at(longest, vert, np.concatenate([length[e], length[e]]))
    return EdgeEnds(
        start=start.astype(np.intp),
        edges=owner[order].astype(np.intp),
        long=np.flatnonzero(~short),
        stray=stray,
        reach_stray=float(stray[e].max()) if e.size else 0.0,
        reach_chord=float(chord[e].max()) if e.size else 0.0,
        longest=longest,
    )


def segment_chord(p: Floats, a: Floats, b: Floats) -> Floats:
    """Euclidean distance from each point ``p`` to the straight segment ``[a, b]`` (all (n, 3))."""
    ab = b - a
    t = np.einsum("ij,ij->i", p - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-300)
    foot = a + np.clip(t, 0.0, 1.0)[:, None] * ab
    out: Floats = _norm(p - foot)
    return out


def foot_outside(p: np.ndarray, a: np.ndarray, b: np.ndarray, half: np.ndarray, radius: float) -> np.ndarray:
    """Edges whose nearest point to ``p`` is surely an end (so the vertex distances decide).

    At an end, if the chord to ``p`` and the chord along the edge make an
    obtuse angle with margin (cosine below -0.01), the geodesic leaves that end
    moving away from ``p`` (at A) or arrives still approaching it (at B): the
    distance along an edge of at most 1,000 km then has no interior minimum
    (docs/exactness.md, step 5). Only applied within half an Earth radius,
    where chord and geodesic directions agree to well under 0.01 rad.
    """
    ab = b - a
    ap = p - a
    bp = p - b
    n_ab = _norm(ab)
    n_ap = _norm(ap)
    n_bp = _norm(bp)
    away_a = np.einsum("ij,ij->i", ab, ap) < -0.01 * n_ab * n_ap
    on_at_b = np.einsum("ij,ij->i", -ab, bp) < -0.01 * n_ab * n_bp
    close = (n_ap < 0.5 * radius) & (n_bp < 0.5 * radius) & (2.0 * half <= 1_000_000.0)
    return (away_a | on_at_b) & close


@dataclass
class CellParts:
    """What :func:`cell_parts` found for the points it settled.

    ``rows``: the positions (into the call's points) it settled; ``upper``: for each, the least
    measured vertex distance (every vertex within its search radius measured); ``at``/``edge``:
    (position into ``rows``, edge) pairs left for a segment solve; ``rest``: the positions handed
    back for the per-point search.
    """

    rows: Positions
    upper: Floats
    at: Positions
    edge: Positions
    rest: Positions


def _norm(d: Floats) -> Floats:
    """Row lengths of an (n, 3) array (``np.linalg.norm(d, axis=1)``, faster)."""
    out: Floats = np.sqrt(np.einsum("ij,ij->i", d, d))
    return out


def _radius(ell: Ellipsoid, ends: EdgeEnds, d1: Floats, r: Floats) -> tuple[NDArray[np.bool_], Floats, Floats]:
    """Per cell: whether its bounds hold, the search radius ``C(U(d1 + r))`` and the radius ``rho``
    within which a vertex may matter to one of its points (step 5b)."""
    upper = ell.distance_upper(d1 + r)
    # Where C(U(c)) - c grows with c, so that the bound at the cell's largest chord holds for all
    # of its points: C(s) = s there, which needs the angle bound of step 2a to exceed s.
    by_angle = np.hypot(ell.a - ell.b, 2.0 * ell.a * np.sin(np.minimum(upper, CELL_DOMINANCE_M) / (2.0 * ell.b)))
    settled = np.isfinite(upper) & (upper <= CELL_DOMINANCE_M) & (by_angle >= upper)
    reach = ell.chord_reach(np.where(settled, upper, 0.0))
    return settled, reach, np.hypot(reach + ends.reach_stray, 0.5 * ends.reach_chord)


def _kept(d: Floats, spread: Floats, *, d1: Floats, r: Floats, rho: Floats) -> NDArray[np.bool_]:
    """Step 3b (c) per (cell, vertex) pair: False where the vertex is farther than ``rho`` from every
    point of the cell. ``d``: its chord from the centre; ``spread``: its chord from the cell's first
    vertex, at chord ``d1`` from the centre; ``r``: the cell's radius."""
    lhs = d * d - d1 * d1 - 2.0 * r * spread
    keep: NDArray[np.bool_] = lhs <= rho * rho - (d1 + r) ** 2 + 2.0 * (d + r) * PRUNE_SLACK_M
    return keep


def _first(d: Floats, start: Positions) -> Positions:
    """Per run ``d[start[i]:start[i + 1]]`` (none empty): the position of its least value (ties: the earliest)."""
    seg = start[:-1]
    least = np.minimum.reduceat(d, seg)
    run = np.repeat(np.arange(seg.size), np.diff(start))
    pos: Positions = np.minimum.reduceat(np.where(d == least[run], np.arange(d.size), d.size), seg)
    return pos


def cell_parts(
    ell: Ellipsoid,
    px: Floats,
    py: Floats,
    xyz: Floats,
    *,
    shape: ShapeParts,
    end_pruning: bool,
    widest: float = SHAPE_CELL_MAX_M,
) -> CellParts:
    """Candidate vertices and edges of one shape for the points ``(px, py)`` (ECEF ``xyz``), per cell.

    ``end_pruning``: leave out the edges :func:`foot_outside` proves nearest at an end; ``widest``:
    cells of a larger radius (m) send their points to the per-point search (a speed choice). Cells
    come in two sizes: groups of ``SHAPE_CELL_GROUP`` cells of ``SHAPE_PER_CELL`` points; a group's k-d query gives its cells their candidates, and each cell
    keeps those that can matter to its own points.
    """
    frame, vtree, _ = shape.search_trees()
    vertices = (shape.vx, shape.vy, shape.vxyz)
    ends, edges = shape.edge_ends(), (shape.ea, shape.eb, shape.mid, shape.half)
    vxyz = vertices[2]
    fine = make_cells(ell, px, py, per_cell=SHAPE_PER_CELL)
    if not (fine.radius <= widest).any():  # sparse points: every one to the per-point search
        empty = np.empty(0, dtype=np.intp)
        return CellParts(rows=empty, upper=np.empty(0), at=empty, edge=empty, rest=np.arange(px.size))
    f_xyz = ell.ecef(fine.lon, fine.lat)
    g_lon, g_lat, g_xyz, g_r, g_of, d1, first, (g_ok, g_reach, g_rho) = _settled_groups(
        ell, fine, f_xyz, ends=ends, tree=(frame, vtree), widest=widest
    )
    first = first.astype(np.intp)
    ok = np.flatnonzero(g_ok)

    def query(some: Positions) -> tuple[Positions, Positions]:
        """The groups' ball queries, less the vertices step 3b (c) drops for the whole group."""
        at, idx = pairs_within_chord(vtree, g_xyz[some] @ frame.T, g_rho[some] + g_r[some], workers=1)
        cell = some[at]
        spread = _norm(vxyz[idx] - vxyz[first[cell]])
        keep = _kept(_norm(g_xyz[cell] - vxyz[idx]), spread, d1=d1[cell], r=g_r[cell], rho=g_rho[cell])
        return cell[keep], idx[keep]

    # Pieces of groups, so that a thick shell's pairs are held a piece at a time, on threads.
    found = run_stages(default_workers(), (query, [ok[s] for s in parts(ok.size, SHAPE_GROUP_PIECE)]))
    cell = np.concatenate([c for c, _ in found]) if found else np.empty(0, dtype=np.intp)
    idx = np.concatenate([i for _, i in found]) if found else np.empty(0, dtype=np.intp)
    order = np.argsort(cell, kind="stable")
    cell, idx = cell[order], idx[order]
    g_start = np.searchsorted(cell, np.arange(g_lon.size + 1))
    # Each candidate measured once from its group's centre, the pivot of the bound of step 3c.
    toward, _, pivot = ell.inverse(g_lon[cell], g_lat[cell], vertices[0][idx], vertices[1][idx])
    # Then each cell of a settled group keeps the candidates that can matter to its points.
    f_ok, lists = _cell_lists(ell, ends, fine, f_xyz, groups=(g_ok, g_of, g_start), idx=idx, vxyz=vxyz)
    f_ok &= fine.radius <= widest
    longs = _long_edges(g_xyz, g_r, g_reach, ok, ends=ends, mid=edges[2], half=edges[3])
    of = fine.of_target
    rows = np.flatnonzero(f_ok[of])
    rows = rows[np.argsort(of[rows], kind="stable")]
    pivots = (idx, pivot, toward, g_lon, g_lat, g_of)
    count = np.diff(lists[0])[of[rows]]
    # Slices of points, so that the (point, candidate) arrays stay within SHAPE_PAIRS; each slice on
    # one thread from end to end (numpy and Karney's C code release the GIL).
    cuts = np.searchsorted(np.cumsum(count), np.arange(SHAPE_PAIRS, int(count.sum()) + SHAPE_PAIRS, SHAPE_PAIRS))
    spans = _spans(np.r_[0, np.minimum(cuts + 1, rows.size), rows.size])
    workers = default_workers() if len(spans) > 1 else 1

    def settle(span: tuple[int, int]) -> tuple[Floats, Positions, Positions]:
        part = np.arange(*span)
        u, a, e = _settle_slice(
            ell,
            px,
            py,
            xyz,
            rows[part],
            cell_of=of[rows[part]],
            lists=lists,
            pivots=pivots,
            longs=longs,
            vertices=vertices,
            ends=ends,
            edges=edges,
            workers=1 if workers > 1 else None,
        )
        if end_pruning:
            keep = ~foot_outside(xyz[rows[part[a]]], shape.ea[e], shape.eb[e], shape.half[e], ell.a)
            a, e = a[keep], e[keep]
        return u, part[a], e

    done = run_stages(workers, (settle, spans))
    empty = np.empty(0, dtype=np.intp)
    return CellParts(
        rows=rows,
        upper=np.concatenate([d[0] for d in done]) if done else np.empty(0),
        at=np.concatenate([d[1] for d in done]) if done else empty,
        edge=np.concatenate([d[2] for d in done]) if done else empty,
        rest=np.flatnonzero(~f_ok[of]),
    )


def _cell_lists(
    ell: Ellipsoid,
    ends: EdgeEnds,
    fine: Cells,
    f_xyz: Floats,
    *,
    groups: tuple[NDArray[np.bool_], Positions, Positions],
    idx: Positions,
    vxyz: Floats,
) -> tuple[NDArray[np.bool_], tuple[Positions, Positions]]:
    """Per cell, the candidates of its group it keeps (step 5b (c), from the cell's own centre):
    which cells are settled, and ``(start, entry)`` with cell ``i``'s entries (positions into the
    groups' candidate arrays) ``entry[start[i]:start[i + 1]]``."""
    g_ok, g_of, g_start = groups
    f_in = np.flatnonzero(g_ok[g_of])
    count = np.diff(g_start)[g_of[f_in]]
    f_pair = np.repeat(f_in, count)
    gp = ragged(g_start[g_of[f_in]], count)
    d = _norm(f_xyz[f_pair] - vxyz[idx[gp]])
    f_run = np.r_[0, np.cumsum(count)]
    lead = _first(d, f_run)
    f_d1 = np.full(len(fine), np.inf)
    f_d1[f_in] = d[lead]
    f_ok, _, f_rho = _radius(ell, ends, np.where(np.isfinite(f_d1), f_d1, 0.0), fine.radius)
    f_ok &= g_ok[g_of]
    spread = _norm(vxyz[idx[gp]] - np.repeat(vxyz[idx[gp[lead]]], count, axis=0))
    keep = _kept(d, spread, d1=f_d1[f_pair], r=fine.radius[f_pair], rho=f_rho[f_pair]) & f_ok[f_pair]
    f_start = np.searchsorted(f_pair[keep], np.arange(len(fine) + 1))
    return f_ok, (f_start, gp[keep])


def _settled_groups(
    ell: Ellipsoid, fine: Cells, f_xyz: Floats, *, ends: EdgeEnds, tree: tuple[Floats, Any], widest: float
) -> tuple[Floats, Floats, Floats, Floats, Positions, Floats, Positions, tuple[NDArray[np.bool_], Floats, Floats]]:
    """The groups of cells (:func:`_groups`), each with its first vertex (chord ``d1``, position) and
    :func:`_radius`; the cells of a group that does not qualify become groups of their own."""
    frame, vtree = tree
    g_lon, g_lat, g_xyz, g_r, g_of = _groups(ell, fine, f_xyz)
    d1, first = (np.asarray(a) for a in vtree.query(g_xyz @ frame.T, k=1))
    g_ok, g_reach, g_rho = _radius(ell, ends, d1, g_r)
    # A speed choice, not a bound: a wide cell keeps a thick shell of the outline, and its points are
    # searched faster one by one (a few sparse points over a country).
    wide = np.full(g_r.size, SHAPE_GROUP_GROWTH * widest)
    g_ok &= g_r <= wide
    # The cells of a group too wide for its bounds try on their own.
    alone = np.flatnonzero(~g_ok[g_of] & (fine.radius <= widest))
    if alone.size:
        g_of[alone] = g_lon.size + np.arange(alone.size)
        g_lon, g_lat, g_r = np.r_[g_lon, fine.lon[alone]], np.r_[g_lat, fine.lat[alone]], np.r_[g_r, fine.radius[alone]]
        g_xyz = np.concatenate([g_xyz, f_xyz[alone]])
        d, i = vtree.query(f_xyz[alone] @ frame.T, k=1)
        d1, first = np.r_[d1, d], np.r_[first, i]
        g_ok, g_reach, g_rho = _radius(ell, ends, d1, g_r)
        g_ok &= g_r <= np.r_[wide, np.full(alone.size, widest)]
    return g_lon, g_lat, g_xyz, g_r, g_of, d1, first, (g_ok, g_reach, g_rho)


def _groups(ell: Ellipsoid, fine: Cells, f_xyz: Floats) -> tuple[Floats, Floats, Floats, Floats, Positions]:
    """Cells binned into groups of about ``SHAPE_CELL_GROUP``: their centres (lon, lat, ECEF), radii
    (from their cells' centres and radii, by the triangle inequality; grown for rounding) and each
    cell's group."""
    group = make_cells(ell, fine.lon, fine.lat, per_cell=SHAPE_CELL_GROUP)
    g_xyz, g_of = ell.ecef(group.lon, group.lat), group.of_target.copy()
    g_r = np.zeros(len(group))
    np.maximum.at(g_r, g_of, _norm(f_xyz - g_xyz[g_of]) + fine.radius)
    return group.lon, group.lat, g_xyz, g_r * (1.0 + 1e-12) + PRUNE_SLACK_M, g_of


def _spans(cuts: Positions) -> list[tuple[int, int]]:
    """The non-empty ``(lo, hi)`` spans between sorted cut positions."""
    cuts = np.unique(cuts)
    return [(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def _long_edges(
    g_xyz: Floats, g_r: Floats, g_reach: Floats, ok: Positions, *, ends: EdgeEnds, mid: Floats, half: Floats
) -> tuple[Positions, Positions]:
    """Per group, the long edges that pass the midpoint test of step 5 for all its points:
    ``(start, edge)``, the group ``i``'s being ``edge[start[i]:start[i + 1]]``."""
    long = ends.long
    if long.size and ok.size:
        lc = cdist(g_xyz[ok], mid[long])
        lo_c, lo_e = np.nonzero(lc - half[long][None, :] - g_r[ok][:, None] <= g_reach[ok][:, None])
        l_cell, l_edge = ok[lo_c], long[lo_e]
    else:
        l_cell, l_edge = np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    return np.searchsorted(l_cell, np.arange(g_r.size + 1)), l_edge


def _settle_slice(
    ell: Ellipsoid,
    px: Floats,
    py: Floats,
    xyz: Floats,
    rows: Positions,
    *,
    cell_of: Positions,
    lists: tuple[Positions, Positions],
    pivots: tuple[Positions, Floats, Floats, Floats, Floats, Positions],
    longs: tuple[Positions, Positions],
    vertices: tuple[Floats, Floats, Floats],
    ends: EdgeEnds,
    edges: tuple[Floats, Floats, Floats, Floats],
    workers: int | None = None,
) -> tuple[Floats, Positions, Positions]:
    """For points ``rows`` (sorted by cell): the least measured vertex distance, and the
    (position into ``rows``, edge) pairs that may hold a nearer point (step 5b)."""
    vlon, vlat, vxyz = vertices
    ea, eb, mid, half = edges
    f_start, f_gp = lists
    idx, pivot, toward, g_lon, g_lat, g_of = pivots
    n = rows.size
    count = f_start[cell_of + 1] - f_start[cell_of]
    pair = np.repeat(np.arange(n), count)
    gp = f_gp[ragged(f_start[cell_of], count)]
    v = idx[gp]
    p = xyz[rows]
    group = g_of[cell_of]
    # The candidate nearest by chord (ties: the earliest) is measured first.
    low = _norm(p[pair] - vxyz[v])
    best = v[_first(low, np.r_[0, np.cumsum(count)])]
    u = ell.distance(px[rows], py[rows], vlon[best], vlat[best], workers=workers)
    # Far away many vertices lie within the search radius (step 2a) of that distance; for them the
    # bound of step 3c, with the group's centre as the pivot, is much tighter than the chord.
    more = np.flatnonzero((low <= ell.chord_reach(u)[pair]) & (v != best[pair]))
    if more.size:
        new_row = np.r_[True, pair[more][1:] != pair[more][:-1]]  # pairs come sorted by point
        ask, back = pair[more][new_row], np.cumsum(new_row) - 1
        heading, _, step = ell.inverse(
            g_lon[group[ask]], g_lat[group[ask]], px[rows[ask]], py[rows[ask]], workers=workers
        )
        beside = ell.lower_bound_beside(pivot[gp[more]], toward[gp[more]], step[back], heading[back])
        low[more] = np.maximum(low[more], beside)
        more = more[low[more] - PRUNE_SLACK_M <= u[pair[more]]]
    if more.size:
        t = rows[pair[more]]
        np.minimum.at(u, pair[more], ell.distance(px[t], py[t], vlon[v[more]], vlat[v[more]], workers=workers))
    # Short edges through their ends: only an edge whose distance has an interior minimum below `u`
    # needs solving, and then each end is within `interior_dip` of that minimum (step 5b).
    # (The dip falls as the bound grows, so pairs beyond `u` plus the dip at `u` are out at once.)
    near = np.flatnonzero(low <= (u + interior_dip(u, np.full(n, ends.longest.max(initial=0.0))))[pair])
    near = near[low[near] - interior_dip(low[near], ends.longest[v[near]]) - PRUNE_SLACK_M <= u[pair[near]]]
    nv = v[near]
    deg = ends.start[nv + 1] - ends.start[nv]
    e = ends.edges[ragged(ends.start[nv], deg)]
    at = np.repeat(pair[near], deg)
    end_low = np.repeat(low[near], deg)
    keep = end_low - interior_dip(end_low, 2.0 * half[e]) - PRUNE_SLACK_M <= u[at]
    # An edge with both ends near comes twice: once is enough.
    key = np.sort(at[keep] * half.size + e[keep])
    once = np.ones(key.size, dtype=bool)
    once[1:] = key[1:] != key[:-1]
    at, e = np.divmod(key[once], half.size)
    l_start, l_edge = longs
    l_count = l_start[group + 1] - l_start[group]
    l_at = np.repeat(np.arange(n), l_count)
    le = l_edge[ragged(l_start[group], l_count)]
    l_keep = _norm(p[l_at] - mid[le]) - half[le] <= ell.chord_reach(u)[l_at]
    return u, np.r_[at, l_at[l_keep]].astype(np.intp), np.r_[e, le[l_keep]].astype(np.intp)


def interior_dip(low: Floats, length: Floats) -> Floats:
    """How far below an end's distance (at least ``low``) an edge of this length can dip inside (step 5b).

    ``length**2 / (2 D)`` with ``D = low - length`` a lower bound on the distance to every point of
    the edge; infinite where that bound is not positive.
    """
    floor = low - length
    with np.errstate(divide="ignore"):
        return np.where(floor > 0.0, length * length / (2.0 * np.where(floor > 0.0, floor, 1.0)), np.inf)
