"""The bounds that spare exact solves for lines and polygons never change an answer.

``distance_matrix(reach=...)`` leaves infinite the (target, origin) pairs
that bounds prove cannot matter; every answer coverage reads from the matrix
must be that of the full matrix, and every pair it does measure must be
measured to the bit. The lon/lat boxes that decide which fills are drawn must
hold the drawn geometry.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from rangecov.geodesy.ellipsoid import get_ellipsoid
from rangecov.geometry.bounds import in_boxes, lonlat_box
from rangecov.geometry.distance import distance_matrix, shapes_of

ELL = get_ellipsoid("WGS84")


def random_geometries(rng, n, lon0, lat0, spread, kinds=("point", "line", "polygon")):
    """Points, lines and (some large, some concave) polygons around (lon0, lat0)."""
    out = []
    for k in range(n):
        kind = kinds[k % len(kinds)]
        x, y = lon0 + rng.uniform(-spread, spread), np.clip(lat0 + rng.uniform(-spread, spread) / 2, -80, 80)
        size = rng.choice([0.05, 0.5, 3.0])
        if kind == "point":
            out.append(shapely.Point(x, y))
        elif kind == "line":
            steps = rng.normal(0.0, size, (rng.integers(2, 8), 2))
            out.append(
                shapely.LineString(np.column_stack((x + np.cumsum(steps[:, 0]), y + np.cumsum(steps[:, 1]) / 2)))
            )
        else:
            m = int(rng.integers(4, 40))
            ang = np.sort(rng.uniform(0, 2 * np.pi, m))
            rad = size * rng.uniform(0.3, 1.0, m)  # star-shaped, so often concave
            out.append(shapely.Polygon(np.column_stack((x + rad * np.cos(ang), y + 0.5 * rad * np.sin(ang)))))
    return np.asarray(out, dtype=object)


def answers(dist, low, high):
    """What coverage reads from a distance matrix (shape_coverage and report)."""
    rows = np.arange(dist.shape[0])
    nearest = np.argmin(dist, axis=1)
    covering = np.argmax(low[None, :] - dist, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            low[None, :] > 0, dist / np.where(low > 0, low, 1.0)[None, :], np.where(dist == 0, 0.0, np.inf)
        )
    return {
        "nearest": nearest,
        "distance": dist[rows, nearest],
        "covering": covering,
        "margin": low[covering] - dist[rows, covering],
        "high_margin": (high[None, :] - dist).max(axis=1),
        "within_low": dist <= low[None, :],
        "within_high": dist <= high[None, :],
        "ratio": ratio.min(axis=1),
    }


@pytest.mark.parametrize(
    "case",
    [
        ("one reach", 0),
        ("reach per origin", 1),
        ("bands", 2),
        ("zero reach for some", 3),
        ("across the antimeridian", 4),
        ("far apart", 5),
        ("far apart, bands", 6),
    ],
)
def test_pruned_matrix_gives_every_answer_of_the_full_one(case):
    name, seed = case
    rng = np.random.default_rng(100 + seed)
    lon0 = 179.5 if "antimeridian" in name else 30.0
    spread = 60.0 if "far" in name else 6.0
    origins = random_geometries(rng, 12, lon0, 50.0, spread)
    targets = random_geometries(rng, 60, lon0, 50.0, spread)
    n_o = len(origins)
    if name == "one reach":
        low = high = np.full(n_o, 300_000.0)
    elif "bands" in name:
        low = rng.uniform(50_000, 400_000, n_o)
        high = low + rng.uniform(0, 200_000, n_o)
    else:
        low = high = rng.uniform(20_000, 900_000, n_o)
    if "zero" in name:
        low = high = np.where(np.arange(n_o) % 3 == 0, 0.0, low)
    full = distance_matrix(ELL, origins, targets)
    pruned = distance_matrix(ELL, origins, targets, reach=(low, high))
    measured = np.isfinite(pruned)
    # Measured to the bit, or an upper bound standing in for a pair surely within reach.
    exact = pruned == full
    assert np.all(pruned[measured & ~exact] >= full[measured & ~exact])
    assert np.all(
        pruned[measured & ~exact] <= np.minimum(low, high)[None, :].repeat(len(targets), 0)[measured & ~exact]
    )
    assert measured.mean() < 1.0 or "zero" in name or spread < 10  # something was spared somewhere
    a, b = answers(full, low, high), answers(pruned, low, high)
    for key in a:
        assert np.array_equal(a[key], b[key]), key


@pytest.mark.parametrize(
    "origins, targets, low, high",
    [
        # A point deep inside a big polygon, far from its vertices: only the inside test sees the 0.
        (
            [shapely.Polygon([(20, 40), (40, 40), (40, 60), (20, 60)]), shapely.Point(31.0, 50.5)],
            [shapely.Point(30.0, 50.0), shapely.Point(31.0, 50.4)],
            [10_000.0, 10_000.0],
            [10_000.0, 10_000.0],
        ),
        # Two bars crossing, no vertex of either near the other, a point origin nearer than their vertices.
        (
            [shapely.Polygon([(25, 49.9), (35, 49.9), (35, 50.1), (25, 50.1)]), shapely.Point(30.15, 45.0)],
            [shapely.Polygon([(29.9, 45), (30.1, 45), (30.1, 55), (29.9, 55)])],
            [10_000.0, 10_000.0],
            [10_000.0, 10_000.0],
        ),
        # Nothing covers the target; the best margin under the high reach is the far origin's band.
        (
            [shapely.Point(31.0, 50.0), shapely.box(36.0, 49.99, 36.02, 50.01)],
            [shapely.Point(30.0, 50.0)],
            [50_000.0, 0.0],
            [50_000.0, 425_000.0],
        ),
    ],
)
def test_zero_distances_and_band_margins_survive_pruning(origins, targets, low, high):
    origins, targets = np.asarray(origins, dtype=object), np.asarray(targets, dtype=object)
    low, high = np.asarray(low), np.asarray(high)
    full = distance_matrix(ELL, origins, targets)
    pruned = distance_matrix(ELL, origins, targets, reach=(low, high))
    a, b = answers(full, low, high), answers(pruned, low, high)
    for key in a:
        assert np.array_equal(a[key], b[key]), key


def test_pruning_spares_far_pairs():
    rng = np.random.default_rng(7)
    origins = random_geometries(rng, 10, 30.0, 50.0, 40.0, kinds=("polygon",))
    targets = random_geometries(rng, 200, 30.0, 50.0, 40.0)
    low = high = np.full(len(origins), 100_000.0)
    pruned = distance_matrix(ELL, origins, targets, reach=(low, high))
    assert np.isfinite(pruned).mean() < 0.5


@pytest.mark.parametrize("lon0, lat0", [(30.0, 50.0), (179.9, 10.0), (-179.9, -60.0), (0.0, 85.0), (100.0, -87.5)])
def test_drawn_geometry_lies_in_its_box(lon0, lat0):
    rng = np.random.default_rng(abs(int(lon0 * 10 + lat0)))
    geoms = random_geometries(rng, 40, lon0, lat0, 3.0, kinds=("line", "polygon"))
    # Long edges bulge poleward of their ends: the box must hold the bulge.
    geoms = np.append(geoms, shapely.LineString([(lon0 - 20, lat0 - 1), (lon0 + 20, lat0 - 1)]))
    for sh in shapes_of(ELL, geoms):
        if sh.box is None:
            assert (
                abs(lat0) > 80
                or sh.edges.size
                and np.abs(((sh.edges[:, 2] - sh.edges[:, 0]) + 180) % 360 - 180).max() > 179
            )
            continue
        xy = shapely.get_coordinates(sh.draw())
        assert in_boxes([sh.box], xy[:, 0], xy[:, 1]).all()


def test_a_ring_around_a_pole_gets_no_box():
    ring = np.column_stack((np.linspace(-180, 180, 13)[:-1], np.full(12, 70.0)))
    sh = shapes_of(ELL, [shapely.Polygon(ring)])[0]
    assert sh.box is None
    assert lonlat_box(ELL, np.empty(0), np.empty(0), np.empty((0, 4)), np.empty(0)) is None
