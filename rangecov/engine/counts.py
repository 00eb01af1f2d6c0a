"""Exact counts of targets within each origin's reach, without listing the pairs.

The targets go into a k-d tree whose leaves are boxes; whole boxes are counted
or skipped by chord bounds (docs/exactness.md, steps 2a and 4), and only the
targets in the band between the two bounds are measured exactly.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from ..geodesy import Ellipsoid
from .search import Points

__all__ = ["count_within"]


def _leaves(tree: cKDTree) -> tuple[np.ndarray, np.ndarray]:
    """Start and end positions (into ``tree.indices``) of the tree's leaves, in order."""
    starts, ends = [], []
    stack = [tree.tree]
    while stack:
        node = stack.pop()
        if node.split_dim == -1:
            starts.append(node.start_idx)
            ends.append(node.end_idx)
        else:
            stack.extend((node.lesser, node.greater))
    order = np.argsort(starts)
    return np.asarray(starts, dtype=np.intp)[order], np.asarray(ends, dtype=np.intp)[order]


def count_within(
    ell: Ellipsoid, origins: Points, reach: np.ndarray, targets: Points, workers: int | None = None
) -> np.ndarray:
    """For each origin, the number of targets with geodesic distance ``<= reach_j``, exactly.

    The targets go into a k-d tree whose leaves are treated as boxes. A box
    wholly within the chord that surely keeps ``s <= reach`` (bound 3) is
    counted whole; a box wholly beyond chord ``C(reach)`` (step 2a) is skipped;
    points of the boxes in between are tested by chord, and the few in the
    ambiguous band between the two chords are measured exactly.
    """
    n_o, n_t = len(origins), len(targets)
    counts = np.zeros(n_o, dtype=np.int64)
    if n_o == 0 or n_t == 0:
        return counts
    tree = cKDTree(targets.xyz, leafsize=64)
    starts, ends = _leaves(tree)
    sizes = ends - starts
    pts = targets.xyz[tree.indices]
    lo = np.minimum.reduceat(pts, starts, axis=0)
    hi = np.maximum.reduceat(pts, starts, axis=0)
    inner = ell.chord_surely_within(reach)
    outer = ell.chord_reach(reach)
    pair_o, pair_t = [], []
    chunk = max(1, 500_000 // starts.size)
    for c0 in range(0, n_o, chunk):
        js = np.arange(c0, min(n_o, c0 + chunk))
        o = origins.xyz[js][:, None, :]
        gap = np.maximum(0.0, np.maximum(lo[None] - o, o - hi[None]))
        dmin = np.sqrt(np.einsum("ijk,ijk->ij", gap, gap))
        far = np.maximum(np.abs(o - lo[None]), np.abs(o - hi[None]))
        dmax = np.sqrt(np.einsum("ijk,ijk->ij", far, far))
        full = dmax <= inner[js, None]
        counts[js] += (full * sizes[None]).sum(axis=1)
        jj, ll = np.nonzero((dmin <= outer[js, None]) & ~full)
        if jj.size == 0:
            continue
        lens = sizes[ll]
        total = int(lens.sum())
        offset = np.repeat(np.cumsum(lens) - lens, lens)
        pos = np.repeat(starts[ll], lens) + (np.arange(total) - offset)
        jj = js[np.repeat(jj, lens)]
        chord = np.linalg.norm(pts[pos] - origins.xyz[jj], axis=1)
        sure = chord <= inner[jj]
        counts += np.bincount(jj[sure], minlength=n_o)
        maybe = ~sure & (chord <= outer[jj])
        pair_o.append(jj[maybe])
        pair_t.append(tree.indices[pos[maybe]])
    if pair_o:
        po = np.concatenate(pair_o)
        pt = np.concatenate(pair_t)
        s = ell.distance(origins.lon[po], origins.lat[po], targets.lon[pt], targets.lat[pt], workers=workers)
        counts += np.bincount(po[s <= reach[po]], minlength=n_o)
    return counts
