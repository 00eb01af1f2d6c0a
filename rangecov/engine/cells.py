"""Candidate origins per cell of targets: the search of :class:`OriginIndex` for many targets at once.

``docs/exactness.md``, step 3b. Targets are binned into longitude/latitude
cells of about ``PER_CELL`` targets. The k-d tree of origins is asked once
per cell, from the cell's centre, for every origin that can be best for
*some* target of the cell: the chord from the centre to any point of the
cell is bounded (:meth:`~rangecov.geodesy.Ellipsoid.box_chord`), so bounds
from the centre hold for every target in it. Then, per target:

- one candidate: one Karney solve, nothing else (most targets);
- up to ``CELL_MAX``: chords to each, one Karney solve to the best by chord,
  and the others measured only if their lower bound lets them win;
- more: the per-target k-d search of :func:`rangecov.engine.search.best_margin`.

The per-target work runs in slices of ``SLICE`` targets over the index's
threads, each slice on one thread from end to end (numpy and Karney's C code
release the GIL), so both cores work on every stage, not only the solves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..base.tuning import CELL_FIRST_K, CELL_MAX, CELL_MORE_K, CELL_WIDTHS, GROUP_ROWS, PER_CELL, SLICE
from ..geodesy.ellipsoid import PRUNE_SLACK_M, Ellipsoid
from .groups import dense_search
from .search import Known, Points, SearchStats, Tree, best_margin, measure, settle

__all__ = [
    "Cells",
    "make_cells",
    "cell_candidates",
    "best_margin_by_cells",
    "parts",
    "run_stages",
]

# Degrees a cell is widened by on every side, so that the rounding of a
# target's cell index (~1e-13 degrees) cannot put it outside its cell.
_EDGE_DEG = 1e-9


@dataclass
class Cells:
    """Targets binned into longitude/latitude boxes.

    ``of_target`` is each target's cell (position into the other arrays);
    ``lon``/``lat`` are the cells' centres, ``radius`` a bound on the chord
    from the centre to any surface point of the cell, in metres.
    """

    of_target: NDArray[np.intp]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    radius: NDArray[np.float64]

    def __len__(self) -> int:
        return self.lon.size


def _longitude_span(x: NDArray[np.float64]) -> float:
    """Where the targets' longitudes (in [0, 360]) start: just after their widest empty gap.

    Targets across ±180° (or 0°) then form one short span instead of the
    whole circle.
    """
    bins = np.bincount(np.minimum(x.astype(np.intp), 359), minlength=360)
    occupied = np.flatnonzero(bins)
    if occupied.size == 360:
        return 0.0
    gaps = np.diff(np.r_[occupied, occupied[0] + 360])
    return float(occupied[(int(np.argmax(gaps)) + 1) % occupied.size])


def make_cells(
    ell: Ellipsoid, lon: NDArray[np.float64], lat: NDArray[np.float64], per_cell: int | None = None
) -> Cells:
    """Bin targets into cells of about ``per_cell`` targets, square in metres at the middle latitude.

    The grid spans the targets' bounding box; when most of its cells stay
    empty (targets in clusters, or on two sides of a wide gap), it is made
    finer once so that the occupied cells hold about ``per_cell`` each.
    """
    n = lon.size
    x = np.remainder(lon, 360.0)  # exact
    lon0 = _longitude_span(x)
    u = x - lon0
    u[u < 0.0] += 360.0
    box = (float(u.max()), float(lat.min()), float(lat.max()) - float(lat.min()))
    wanted = max(1.0, n / (per_cell or PER_CELL))
    grid = _grid(box, wanted)
    ids, total = _cell_ids(u, lat, box, grid)
    occupied = np.unique(ids) if total > 4 * n + 1024 else np.flatnonzero(np.bincount(ids, minlength=total))
    if occupied.size < wanted / 4:
        grid = _grid(box, wanted * wanted / max(occupied.size, 1))
        ids, total = _cell_ids(u, lat, box, grid)
    if total <= 4 * n + 1024:
        counts = np.bincount(ids, minlength=total)
        occupied = np.flatnonzero(counts)
        remap = np.empty(total, dtype=np.intp)
        remap[occupied] = np.arange(occupied.size)
        of_target = remap[ids]
    else:
        occupied, of_target = np.unique(ids, return_inverse=True)
    h_lon, h_lat, _, n_lat = grid
    ci, cj = np.divmod(occupied, n_lat)
    lat_a = box[1] + cj * h_lat
    lat_b = np.minimum(lat_a + h_lat, 90.0)
    lo, hi = lat_a - _EDGE_DEG, lat_b + _EDGE_DEG
    equatorward = np.where(lo > 0.0, lo, np.where(hi < 0.0, hi, 0.0))
    centre = (lat_a + lat_b) / 2.0
    radius = ell.box_chord(centre, (lat_b - lat_a) / 2.0 + _EDGE_DEG, min(h_lon / 2.0 + _EDGE_DEG, 180.0), equatorward)
    return Cells(of_target.astype(np.intp, copy=False), lon0 + (ci + 0.5) * h_lon, centre, radius)


def _grid(box: tuple[float, float, float], wanted: float) -> tuple[float, float, int, int]:
    """Cell sides (degrees of longitude, latitude) and counts for about ``wanted`` cells over the box."""
    width, lat_lo, height = box
    cos_mid = max(np.cos(np.radians(lat_lo + height / 2.0)), 0.01)
    side = np.sqrt(width * cos_mid * height / wanted)
    h_lat = max(side, height / wanted, 1e-7)
    h_lon = max(side / cos_mid, width / wanted, 1e-7)
    return h_lon, h_lat, int(width / h_lon) + 1, int(height / h_lat) + 1


def _cell_ids(
    u: NDArray[np.float64],
    lat: NDArray[np.float64],
    box: tuple[float, float, float],
    grid: tuple[float, float, int, int],
) -> tuple[NDArray[np.intp], int]:
    h_lon, h_lat, n_lon, n_lat = grid
    i = np.minimum((u / h_lon).astype(np.intp), n_lon - 1)
    j = np.minimum(((lat - box[1]) / h_lat).astype(np.intp), n_lat - 1)
    return i * n_lat + j, n_lon * n_lat


def cell_candidates(
    ell: Ellipsoid, groups: list[Tree], cells: Cells, workers: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Per cell, the origins that can attain some target's best margin (positions in the searched set).

    ``groups`` split the searched origins (their ``members`` are positions
    in it), each with its own k-d tree: one group for a nearest-origin
    search, one per reach value (or band of values) for margins. Returns
    ``(candidates, count)``: a table of ``CELL_MAX`` columns whose first
    ``count`` entries are the candidates; ``count`` is ``CELL_MAX + 1``
    where there may be more (those cells' targets take the per-target
    search).

    With ``d_j`` the chord from the centre to origin ``j`` and ``r`` the
    cell's radius, every target ``T`` of the cell has
    ``|c(T, j) - d_j| <= r``. So its best margin is at least
    ``floor = max_j (reach_j - U(d_j + r))`` over the first origins by chord
    of every group (``U`` the upper bound of step 4), and an origin can
    attain it only if ``s_j <= reach_j - floor``, hence
    ``d_j - r <= C(reach_j - floor)`` (step 2a). In a group of one reach,
    origins farther than the group's first for every target of the cell are
    dropped too (:func:`_dominated`).
    """
    n_c = len(cells)
    xyz = ell.ecef(cells.lon, cells.lat)
    r = cells.radius
    floor = np.full(n_c, -np.inf)
    firsts = []
    for g in groups:
        k = min(CELL_FIRST_K, len(g.members))
        found, at = g.tree.query(xyz, k=k, workers=workers)
        chord, idx = np.reshape(found, (n_c, k)), np.reshape(at, (n_c, k))
        np.maximum(floor, np.max(g.reach[idx] - ell.distance_upper(chord + r[:, None]), axis=1), out=floor)
        firsts.append((chord, idx))
    tables, counts = [], []
    for g, (chord, idx) in zip(groups, firsts):
        table, count = _group_candidates(ell, g, xyz, r, floor, chord=chord, idx=idx, workers=workers)
        tables.append(g.members[table])
        counts.append(count)
    if len(groups) == 1:
        table, count = tables[0], counts[0]
    else:
        # Each group's candidates go after the previous groups' (those beyond CELL_MAX are dropped:
        # the cell then takes the per-target search anyway).
        table = np.zeros((n_c, CELL_MAX), dtype=np.intp)
        count = np.zeros(n_c, dtype=np.intp)
        for t, c in zip(tables, counts):
            cols = np.arange(t.shape[1])
            dest = count[:, None] + cols
            ok = (cols < np.minimum(c, CELL_MAX)[:, None]) & (dest < CELL_MAX)
            row, col = np.nonzero(ok)
            table[row, dest[row, col]] = t[row, col]
            count += c
        count = np.minimum(count, CELL_MAX + 1)
    count[count == 0] = CELL_MAX + 1  # cannot happen (floor's own origin is a candidate); be safe
    if table.shape[1] < CELL_MAX:
        table = np.pad(table, ((0, 0), (0, CELL_MAX - table.shape[1])))
    return table, count


def _group_candidates(
    ell: Ellipsoid,
    g: Tree,
    xyz: NDArray[np.float64],
    r: NDArray[np.float64],
    floor: NDArray[np.float64],
    *,
    chord: NDArray[np.float64],
    idx: NDArray[np.intp],
    workers: int,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """One group's candidates per cell (positions in the group): from its first ``k`` by chord and, for the
    cells whose ``k``-th is still within the radius, from the first ``CELL_MORE_K[0]``, then ``CELL_MORE_K[1]``, ...
    (as step 3 widens its search); ``CELL_MAX + 1`` where even the last may not hold them all."""
    n_c, k = chord.shape
    n_g = len(g.members)
    radius = ell.chord_reach(g.reach.max() - floor) + r
    table = np.zeros((n_c, min(CELL_MAX, n_g)), dtype=np.intp)
    count = np.zeros(n_c, dtype=np.intp)
    todo = np.flatnonzero(chord[:, 0] <= radius)  # other cells get nothing from this group
    chord, idx = chord[todo], idx[todo]
    while True:
        more = (chord[:, -1] <= radius[todo]) & (k < n_g)
        rows = todo[~more]
        table[rows, :k], count[rows] = _keep(
            ell, g, chord[~more], idx[~more], radius[rows], floor=floor[rows], r=r[rows]
        )
        if not more.any():
            break
        chord = chord[more]
        todo = todo[more]
        if k >= CELL_MAX:
            count[todo] = CELL_MAX + 1  # more than the table holds: the per-target search
            break
        if k >= CELL_MORE_K[0]:
            # A speed choice, not a bound: where the k nearest fill a shell much thinner than the
            # search radius, far more than CELL_MAX would follow; skip the wider query.
            spread = np.maximum(chord[:, -1] - chord[:, 0], 1.0)
            hopeless = (k - 1) * (radius[todo] - chord[:, 0]) / spread > 2 * CELL_MAX
            count[todo[hopeless]] = CELL_MAX + 1
            todo = todo[~hopeless]
            if todo.size == 0:
                break
        k = min(next(w for w in CELL_MORE_K if w > k), n_g)
        found, at = g.tree.query(xyz[todo], k=k, workers=workers)
        chord, idx = np.reshape(found, (todo.size, k)), np.reshape(at, (todo.size, k))
    return table, count


def _keep(
    ell: Ellipsoid,
    g: Tree,
    chord: NDArray[np.float64],
    idx: NDArray[np.intp],
    radius: NDArray[np.float64],
    *,
    floor: NDArray[np.float64],
    r: NDArray[np.float64],
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The candidates among each cell's nearest origins (sorted by chord), moved to the front, and their count."""
    reach = g.reach
    if reach[0] == reach.min() == reach.max():
        inside = chord <= radius[:, None]
        inside[:, 1:] &= ~_dominated(ell, g, chord, idx, r)
    else:
        inside = chord <= ell.chord_reach(reach[idx] - floor[:, None]) + r[:, None]
    order = np.argsort(~inside, axis=1, kind="stable")
    return np.take_along_axis(idx, order, axis=1), inside.sum(axis=1)


def _dominated(
    ell: Ellipsoid, sub: Tree, chord: NDArray[np.float64], idx: NDArray[np.intp], r: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Which candidates (columns 1.. of a cell's table) are farther than the first for every target of the cell.

    One reach for all origins, so the first by chord from the centre
    (``O1``, chord ``d1``) bounds every target's distance by
    ``U(c1) <= U(d1 + r)``. For ``T`` within ``r`` of the centre ``X``,
    ``c_j(T)^2 - c_1(T)^2 = d_j^2 - d_1^2 - 2 (T - X)·(O_j - O_1)`` is
    linear in ``T``, so at least ``d_j^2 - d_1^2 - 2 r |O_j - O_1|``; when that
    exceeds ``U(d1 + r)^2 - (d1 + r)^2`` (which bounds ``U(c1)^2 - c1^2``, an
    increasing function of ``c1``), ``s_j >= c_j > U(c_1) >= s_1`` for every
    target of the cell (docs/exactness.md, step 3b). The slack ``2 (d_j + r) ε``
    covers the rounding of the squares.
    """
    xyz = sub.points.xyz
    d1, dj = chord[:, :1], chord[:, 1:]
    far = d1 + r[:, None]
    gap = np.take(xyz, idx[:, 1:], axis=0) - np.take(xyz, idx[:, :1], axis=0)
    sep = np.sqrt(np.einsum("ijk,ijk->ij", gap, gap))
    lower = (dj - d1) * (dj + d1) - 2.0 * r[:, None] * sep
    need = ell.distance_upper(far) ** 2 - far**2 + 2.0 * (dj + r[:, None]) * PRUNE_SLACK_M
    with np.errstate(invalid="ignore"):
        dominated: NDArray[np.bool_] = np.isfinite(dj) & (lower > need)
    return dominated


def _settle_group(
    ell: Ellipsoid,
    sub: Tree,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    cand: NDArray[np.integer[Any]],
    *,
    count: NDArray[np.intp],
    known: Known | None,
    stats: SearchStats,
) -> tuple[NDArray[np.float64], NDArray[np.integer[Any]], NDArray[np.float64]]:
    """Best margin of targets with a few candidates each (``cand``: one row per target, ``count`` valid)."""
    origins, reach = sub.points, sub.reach
    n, width = cand.shape
    xyz = ell.ecef(lon, lat)
    d = xyz[:, None, :] - np.take(origins.xyz, cand, axis=0)
    chord = np.sqrt(np.einsum("ijk,ijk->ij", d, d))
    valid = np.arange(width) < count[:, None]
    upper = np.where(valid, reach[cand] - chord, -np.inf)  # s >= chord (step 1)
    if known is not None:
        # A measured origin's margin is exact: taken first when it is best by these bounds,
        # it costs no solve and prunes the others with an exact value.
        at_known = valid & (origins.lon[cand] == known.lon[:, None]) & (origins.lat[cand] == known.lat[:, None])
        upper = np.where(at_known, reach[cand] - known.s[:, None], upper)
    rows = np.arange(n)
    col = np.argmax(upper, axis=1)
    arg = cand[rows, col]
    s1, toward = measure(ell, origins, lon, lat, arg, known=known, workers=1, stats=stats)
    best = reach[arg] - s1
    # An origin beats the first only if s_j <= reach_j - best, so its chord is within
    # C(reach_j - best) (step 2a): the angle bound, much tighter than the chord far away.
    if reach[0] == reach.min() == reach.max():
        within = ell.chord_reach(reach[0] - best)[:, None]
    else:
        within = ell.chord_reach(reach[cand] - best[:, None])
    others = valid & (chord <= within)
    others[rows, col] = False
    tgt, c = np.nonzero(others)
    settle(
        ell,
        sub,
        Points(lon, lat, xyz),
        best=best,
        arg=arg,
        toward=toward,
        s1=s1,
        tgt=tgt,
        cand=cand[tgt, c],
        workers=1,
        stats=stats,
        known=known,
    )
    return best, arg, toward


def _run_slice(
    ell: Ellipsoid,
    sub: Tree,
    groups: list[Tree],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    *,
    table: Callable[[NDArray[np.intp], int], NDArray[np.integer[Any]]],
    count: NDArray[np.intp],
    out: tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]],
    known: Known | None,
) -> SearchStats:
    """One slice of targets (views into the caller's arrays), on the calling thread.

    ``table`` gives each target's cell's candidates (a row per target, read
    lazily: only the columns a target's group needs are gathered); ``out``
    are views of the caller's best, arg and toward, written in place.
    """
    best, arg, toward = out
    origins, reach = sub.points, sub.reach
    stats = SearchStats(targets=lon.size)

    def part(rows: NDArray[np.intp]) -> Known | None:
        return None if known is None else known.take(rows)

    single = np.flatnonzero(count == 1)
    if single.size:
        j = table(single, 1)[:, 0]
        s, toward[single] = measure(
            ell, origins, lon[single], lat[single], j, known=part(single), workers=1, stats=stats
        )
        best[single], arg[single] = reach[j] - s, j
        stats.single += single.size
    low = 1
    for high in CELL_WIDTHS:
        group = np.flatnonzero((count > low) & (count <= high))
        for at in range(0, group.size, GROUP_ROWS):
            rows = group[at : at + GROUP_ROWS]
            best[rows], arg[rows], toward[rows] = _settle_group(
                ell, sub, lon[rows], lat[rows], table(rows, high), count=count[rows], known=part(rows), stats=stats
            )
        low = high
    rest = np.flatnonzero(count > CELL_MAX)
    if rest.size:
        x, y = lon[rest], lat[rest]
        extra = SearchStats()
        best[rest], arg[rest], toward[rest] = _per_target(ell, groups, Points(x, y, ell.ecef(x, y)), part(rest), extra)
        extra.targets = 0  # counted above
        stats.add(extra)
    return stats


def _per_target(
    ell: Ellipsoid, groups: list[Tree], targets: Points, known: Known | None, stats: SearchStats
) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
    """The per-target k-d search in every group, the best margin over the groups (lowest position on ties)."""
    best = np.full(len(targets), -np.inf)
    arg = np.full(len(targets), np.iinfo(np.intp).max)
    toward = np.zeros(len(targets))
    for g in groups:
        m, a, az = best_margin(ell, g, targets, workers=1, stats=stats, known=known, dense=dense_search)
        a = g.members[a]
        better = (m > best) | ((m == best) & (a < arg))
        best[better], arg[better], toward[better] = m[better], a[better], az[better]
    return best, arg, toward


def best_margin_by_cells(
    ell: Ellipsoid,
    sub: Tree,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    *,
    workers: int,
    stats: SearchStats,
    groups: list[Tree] | None = None,
    known: Known | None = None,
    cells: Cells | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
    """For each target, ``max_j (reach_j - s_j)`` over ``sub``, the ``j`` attaining it (lowest on ties) and
    the azimuth at that origin toward the target.

    The same answer as :func:`rangecov.engine.search.best_margin`, found per
    cell of targets (module docstring; docs/exactness.md, step 3b).
    ``groups`` split ``sub`` for the candidate search (their ``members`` are
    positions in ``sub``); by default ``sub`` is one group. ``known``: a
    measured origin per target whose distance is reused (see
    :class:`~rangecov.engine.search.Known`). ``cells``: the targets' cells, when
    the caller has them from another search over the same targets.
    """
    groups = [sub.whole()] if groups is None else groups
    n = lon.size
    best, arg, toward = np.empty(n), np.empty(n, dtype=np.intp), np.empty(n)
    if n == 0:
        return best, arg, toward
    cells = make_cells(ell, lon, lat) if cells is None else cells
    n_c = len(cells)
    stats.cells += n_c
    # Positions in 4 bytes (the table is wide) unless there are 2**31 origins or more.
    table = np.empty((n_c, CELL_MAX), dtype=np.int32 if len(sub.points) < 2**31 else np.intp)
    cell_count = np.empty(n_c, dtype=np.intp)

    def lookup(part: slice) -> None:
        piece = Cells(cells.of_target, cells.lon[part], cells.lat[part], cells.radius[part])
        table[part], cell_count[part] = cell_candidates(ell, groups, piece, 1)

    def run(part: slice) -> SearchStats:
        cell = cells.of_target[part]

        def rows(which: NDArray[np.intp], width: int) -> NDArray[np.integer[Any]]:
            return table[cell[which], :width]  # 4-byte positions: numpy indexes with them directly

        mine = None if known is None else known.take(part)
        out = (best[part], arg[part], toward[part])
        return _run_slice(
            ell, sub, groups, lon[part], lat[part], table=rows, count=cell_count[cell], out=out, known=mine
        )

    for result in run_stages(workers, (lookup, parts(n_c, 2048)), (run, parts(n, SLICE))):
        stats.add(result)
    return best, arg, toward


def parts(n: int, size: int) -> list[slice]:
    """``range(n)`` as slices of ``size``."""
    return [slice(a, min(n, a + size)) for a in range(0, n, size)]


def run_stages(workers: int, *stages: tuple[Callable[[Any], Any], Sequence[Any]]) -> list[Any]:
    """Each stage's function over its pieces, stage after stage, on ``workers`` threads.

    Every piece runs on one thread from end to end (numpy and Karney's C
    code release the GIL, so both cores work on every stage); returns the
    last stage's results, in order.
    """
    results: list[Any] = []
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            for func, pieces in stages:
                results = list(pool.map(func, pieces))
    else:
        for func, pieces in stages:
            results = [func(piece) for piece in pieces]
    return results
