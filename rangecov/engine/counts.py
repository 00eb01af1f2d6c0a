"""Exact counts of targets within each origin's reach, without listing the pairs.

The targets are binned into the cells of :mod:`rangecov.engine.cells`. For
each origin, a cell wholly within the chord that surely keeps ``s <= reach``
(bound 3, step 4) is counted whole, a cell wholly beyond the chord ``C(reach)``
(step 2a) is skipped, and only the targets of the cells in between are tested
by chord; the few in the shell between the two chords are measured exactly.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from ..base.tuning import COUNT_ROWS, PAIRS_PER_STEP
from ..geodesy.ellipsoid import Ellipsoid
from .cells import make_cells, parts, run_stages
from .search import Points, ragged

__all__ = ["count_within"]


def count_within(
    ell: Ellipsoid,
    origins: Points,
    reach: NDArray[np.float64],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    *,
    workers: int = 1,
) -> NDArray[np.int64]:
    """For each origin, the number of targets with geodesic distance ``<= reach_j``, exactly.

    A cell of radius ``r`` (docs/exactness.md, step 3b) whose centre is at
    chord ``d`` from origin ``j`` holds only targets with chord in
    ``[d - r, d + r]``: it is counted whole when ``d + r`` is within the
    chord that surely keeps ``s <= reach_j`` (step 4), skipped when
    ``d - r > C(reach_j)`` (step 2a), and otherwise its targets are tested
    one by one: by chord first, then, in the shell between the two chords,
    by Karney's distance.
    """
    n_o, n_t = len(origins), lon.size
    counts = np.zeros(n_o, dtype=np.int64)
    if n_o == 0 or n_t == 0:
        return counts
    cells = make_cells(ell, lon, lat, 16)
    size = np.bincount(cells.of_target, minlength=len(cells))
    order = np.argsort(cells.of_target)  # any order within a cell will do: no need for a stable sort
    start = np.r_[0, np.cumsum(size)]
    t_xyz = np.empty((n_t, 3))  # the targets' ECEF in cell order
    centres = ell.ecef(cells.lon, cells.lat)
    tree = cKDTree(centres)
    inner = ell.chord_surely_within(reach)
    outer = ell.chord_reach(reach)
    radius = outer + cells.radius.max()
    per_origin = tree.query_ball_point(origins.xyz, radius, workers=workers, return_length=True)
    steps = _steps(np.asarray(per_origin, dtype=np.int64))

    def place(part: slice) -> None:
        t_xyz[part] = ell.ecef(lon[order[part]], lat[order[part]])

    def step(js: NDArray[np.intp]) -> NDArray[np.int64]:
        lists = tree.query_ball_point(origins.xyz[js], radius[js], return_sorted=False)
        lengths = np.fromiter(map(len, lists), dtype=np.intp, count=len(lists))
        j = np.repeat(js, lengths)
        c = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.intp, count=int(lengths.sum()))
        gap = np.take(centres, c, axis=0) - np.take(origins.xyz, j, axis=0)
        d = np.sqrt(np.einsum("ij,ij->i", gap, gap))
        r = cells.radius[c]
        full = d + r <= inner[j]
        out = np.bincount(j[full], weights=size[c[full]], minlength=n_o).astype(np.int64)
        part = np.flatnonzero(~full & (d - r <= outer[j]))
        # Every target of the partial cells, paired with the origin.
        lens = size[c[part]]
        pos = ragged(start[c[part]], lens)
        jj = np.repeat(j[part], lens)
        diff = np.take(t_xyz, pos, axis=0) - np.take(origins.xyz, jj, axis=0)
        chord = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        sure = chord <= inner[jj]
        out += np.bincount(jj[sure], minlength=n_o)
        maybe = np.flatnonzero(~sure & (chord <= outer[jj]))
        if maybe.size:
            jm, tm = jj[maybe], order[pos[maybe]]
            s = ell.distance(origins.lon[jm], origins.lat[jm], lon[tm], lat[tm], workers=1)
            out += np.bincount(jm[s <= reach[jm]], minlength=n_o)
        return out

    for part in run_stages(workers, (place, parts(n_t, COUNT_ROWS)), (step, steps)):
        counts += part
    return counts


def _steps(pairs: NDArray[np.int64]) -> list[NDArray[np.intp]]:
    """Origins split into runs of about ``PAIRS_PER_STEP`` (origin, cell) pairs (one origin at least)."""
    bounds = np.searchsorted(np.cumsum(pairs), np.arange(PAIRS_PER_STEP, int(pairs.sum()), PAIRS_PER_STEP))
    edges = np.unique(np.r_[0, bounds + 1, pairs.size])
    edges = edges[edges <= pairs.size]
    return [np.arange(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]
