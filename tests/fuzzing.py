"""The fuzzing harness: hostile inputs as hypothesis strategies, and the property every call holds.

The property, for every call: a correct answer (checked against brute force
with the pure-Python geographiclib where that is cheap) or one of
rangecov's own errors (``rangecov.errors.RangecovError``); never an exception
from inside numpy, pandas, shapely, pyproj, geopandas or scipy; never more
than 10 s for one case (hypothesis' deadline); never a changed input.

``tests/test_fuzz.py`` runs it; ``RANGECOV_FUZZ_EXAMPLES`` sets the number
of cases per test (``make fuzz``: the long run, by hand; ``make test``: a
short profile).
"""

from __future__ import annotations

import contextlib
import io
import math
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from conftest import oracle_geodesic, oracle_matrix
from geographiclib.geodesic import Geodesic
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from shapely.geometry import GeometryCollection, LineString, MultiPoint, Point, Polygon

from rangecov.errors import RangecovError

EXAMPLES = int(os.environ.get("RANGECOV_FUZZ_EXAMPLES", "12"))

# Fixed seed: derandomize draws every test's cases from a seed of its name; no example database, so
# a run depends on nothing left by an earlier one. Deadline: the 10 s for one case.
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=10_000,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)

HALF_MERIDIAN = 20_003_931.458625  # WGS84: the distance to the antipode along a meridian

# -- coordinates ----------------------------------------------------------------------------------

SPECIAL = [
    math.nan,
    math.inf,
    -math.inf,
    90.0,
    -90.0,
    180.0,
    -180.0,
    1e300,
    -1e300,
    5e-324,
    -5e-324,
    -0.0,
    0.0,
    89.99999999,
    -179.99999999,
    360.0,
    540.0,
]
special = st.sampled_from(SPECIAL)
lon = st.floats(-180, 180)
lat = st.floats(-90, 90)
# In hostile frames: places on the Earth, the edges (±90°, ±180°, -0.0, subnormals) and the
# impossible (NaN, 1e300), the last two in one draw of four.
lon_any = st.one_of(lon, lon, lon, special)
lat_any = st.one_of(lat, lat, lat, special)


def ring(lon0: float, lat0: float, radius_deg: float, n: int) -> list[tuple[float, float]]:
    """A closed ring of n vertices around (lon0, lat0) in lon/lat degrees (may cross ±180° or a pole)."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return list(zip(lon0 + radius_deg * np.cos(t), np.clip(lat0 + radius_deg * np.sin(t), -90, 90)))


SPECIAL_GEOMETRIES = [
    Point(),
    None,
    Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]),  # a bow tie: invalid
    LineString([(0, 0), (1, 1), (0, 1), (1, 0)]),  # self-intersecting, valid as a line
    Point(10, 20, 30),  # 3-D
    GeometryCollection([Point(0, 0), LineString([(0, 0), (1, 1)])]),
    MultiPoint([(0, 0), (170, 10)]),
    Polygon([(170, -10), (-170, -10), (-170, 10), (170, 10)]),  # across ±180° read the short way
    Polygon([(0, 80), (90, 80), (180, 80), (-90, 80)]),  # around the North Pole
    Polygon([(-180, 80), (180, 80), (180, 90), (-180, 90)]),  # a lon/lat box around a pole: refused
    Polygon(),
    LineString([(5, 5), (5, 5)]),  # zero length
    Polygon([(0, 0), (1e-12, 0), (0, 1e-12)]),  # a sliver
]


@st.composite
def geometry(draw, kinds=("point", "line", "polygon", "special"), max_vertices: int = 10_000, hostile: bool = True):
    """One geometry of the asked kinds; ``hostile``: with odd coordinates and, one in four, a special one."""
    plain = [k for k in kinds if k != "special"]
    kind = (
        "special" if "special" in kinds and hostile and draw(st.integers(0, 3)) == 0 else draw(st.sampled_from(plain))
    )
    x, y = (lon_any, lat_any) if hostile else (lon, lat)
    if kind == "point":
        return Point(draw(x), draw(y))
    if kind == "special":
        return draw(st.sampled_from(SPECIAL_GEOMETRIES))
    if kind == "line":
        return LineString(draw(st.lists(st.tuples(x, y), min_size=2, max_size=6)))
    # Rings up to 10^4 vertices, rarely: most cases stay cheap.
    n = draw(st.sampled_from([v for v in (3, 4, 5, 8, 16, 64, 3, 4, 10_000) if v <= max_vertices]))
    centre_lon, centre_lat = draw(lon), draw(lat)
    return Polygon(ring(centre_lon, centre_lat, draw(st.floats(1e-6, 30)), n))


CRSS = [
    "EPSG:4326",
    None,
    "EPSG:3857",  # projected, metres
    "EPSG:2227",  # projected, US feet
    "EPSG:4978",  # geocentric
    "IAU_2015:49900",  # Mars
    "EPSG:32633",
]


@st.composite
def labels(draw, n: int) -> pd.Index:
    """Index labels: default, strings, duplicates, tuples (a MultiIndex) or with NaN."""
    kind = draw(st.sampled_from(["range", "strings", "duplicates", "tuples", "nan"]))
    if kind == "strings":
        return pd.Index([f"site {i}" for i in range(n)])
    if kind == "duplicates":
        return pd.Index(["dup"] * n)
    if kind == "tuples" and n:
        return pd.MultiIndex.from_tuples([(i % 2, f"x{i}") for i in range(n)])
    if kind == "nan":
        return pd.Index([math.nan if i % 2 == 0 else float(i) for i in range(n)])
    return pd.RangeIndex(n)


GOOD_REACH_VALUES = [10_000.0, "300 km", "190 mi", HALF_MERIDIAN, 0.0, 1000]
REACH_VALUES = GOOD_REACH_VALUES + [math.nan, "abc", None, -5.0, True, "", math.inf]


@st.composite
def frame(draw, kinds=("point", "line", "polygon", "special"), max_rows: int = 5, crs=None, max_vertices=10_000):
    """A GeoDataFrame; one in three is hostile (odd coordinates, special geometry, an odd CRS), so that
    most calls get past the checks and compute while every check is still met."""
    hostile = draw(st.integers(0, 2)) == 0
    n = draw(st.integers(0, max_rows)) if draw(st.integers(0, 7)) == 0 else draw(st.integers(1, max_rows))
    geoms = [draw(geometry(kinds, max_vertices, hostile)) for _ in range(n)]
    # A reach column with a hostile value in one frame of four.
    values = REACH_VALUES if draw(st.integers(0, 3)) == 0 else GOOD_REACH_VALUES
    columns = {"reach": [draw(st.sampled_from(values)) for _ in range(n)], "name": [f"n{i}" for i in range(n)]}
    chosen_crs = crs if crs is not None else draw(st.sampled_from(CRSS)) if hostile else "EPSG:4326"
    out = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(geoms, dtype="geometry"), crs=chosen_crs)
    out.index = draw(labels(n))
    return out


HOSTILE_REACHES = [
    "300 km",
    "190 mi",
    0,
    0.0,
    "0 m",
    HALF_MERIDIAN,
    2.5e7,
    1e300,
    math.nan,
    math.inf,
    -1.0,
    "abc",
    "10 parsecs",
    "",
    ("10 km", "300 km"),
    ("300 km", "10 km"),
    ("1 km", "2 km", "3 km"),
    "reach",
    "no such column",
    True,
    None,
    [1000, 2000],  # a list for one row or two
    b"300 km",
]


def _zero(value) -> bool:
    return isinstance(value, (int, float, str)) and not isinstance(value, bool) and value in (0, "0 m")


def reaches(least: float = 0.0):
    """Reaches: plain ones (three draws in four) from ``least`` up to beyond the antipode, or hostile ones."""
    plain = st.one_of(st.floats(least, 2.1e7), st.sampled_from(["300 km", "190 mi", "5 km", HALF_MERIDIAN]))
    # A reach of 0 draws the origins themselves within 1 mm: as slow as a metre's reach (below) where
    # regions are drawn, so drawn cases leave it out (18.4 s, make fuzz 2026-12-01: how="all" around
    # a line of 10,000 km edges). Undrawn cases keep it.
    hostile = [v for v in HOSTILE_REACHES if least <= 1.0 or not _zero(v)]
    return st.one_of(plain, plain, plain, st.sampled_from(hostile + ([1.0] if least <= 1.0 else [])))


reach = reaches()
# Where reach regions are drawn: drawing costs grow as (edge length) / sqrt(tolerance), and a
# metre's reach (1 cm default tolerance) around a 5,000 km edge takes 15-25 s, legitimately
# (bench/RESULTS.md, fuzzing). Drawn cases use reaches from 1 km.
drawn_reach = reaches(1000.0)


# -- the property ---------------------------------------------------------------------------------


def snapshot(obj):
    """What must not change: index, columns and values, geometry as WKB, CRS."""
    if isinstance(obj, (gpd.GeoDataFrame, gpd.GeoSeries)):
        geoms = obj.geometry if isinstance(obj, gpd.GeoDataFrame) else obj
        rest = obj.drop(columns=obj.geometry.name) if isinstance(obj, gpd.GeoDataFrame) else None
        wkb = [None if g is None else shapely.to_wkb(g, include_srid=False) for g in geoms.array]
        return ("geo", obj.index.copy(), None if rest is None else rest.copy(deep=True), wkb, obj.crs)
    return ("other", repr(obj))


def unchanged(before, after) -> bool:
    if before[0] != after[0]:
        return False
    if before[0] == "other":
        return before == after
    _, index_b, rest_b, wkb_b, crs_b = before
    _, index_a, rest_a, wkb_a, crs_a = after
    same_rest = rest_b is None or (rest_a is not None and rest_b.equals(rest_a))
    return index_b.equals(index_a) and same_rest and wkb_b == wkb_a and crs_b == crs_a


def holds(call, *inputs):
    """Run ``call``; return its result, or None when it raised one of rangecov's errors.

    Anything else raised propagates (hypothesis shrinks it); a changed input fails.
    """
    before = [snapshot(x) for x in inputs]
    try:
        with contextlib.redirect_stderr(io.StringIO()), np.errstate(all="ignore"):
            result = call()
    except RangecovError as err:
        event(f"refused: {type(err).__name__}" + (f" {str(err)[:60]}" if os.environ.get("RANGECOV_FUZZ_WHY") else ""))
        result = None
    else:
        event("answered")
    for b, x in zip(before, inputs):
        assert unchanged(b, snapshot(x)), "an input was changed"
    return result


def plain_points(frame_: gpd.GeoDataFrame) -> bool:
    """Finite lon/lat points on the Earth, so brute force applies."""
    if frame_.crs is None or not frame_.crs.equals("EPSG:4326") or len(frame_) == 0:
        return False
    g = frame_.geometry.array
    if any(x is None or x.geom_type != "Point" or x.is_empty or x.has_z for x in g):
        return False
    x, y = frame_.geometry.x.to_numpy(), frame_.geometry.y.to_numpy()
    return bool(np.isfinite(x).all() and np.isfinite(y).all() and (np.abs(y) <= 90).all() and (np.abs(x) <= 540).all())


def check_points_answer(report, origins, targets, metres: float) -> None:
    """Every column of a points-against-points report against the brute-force matrix."""
    o = origins.geometry
    t = targets.geometry
    d = oracle_matrix(o.x.to_numpy(), o.y.to_numpy(), t.x.to_numpy(), t.y.to_numpy())
    got = report.targets
    np.testing.assert_allclose(got["distance_m"].to_numpy(), d.min(axis=1), rtol=0, atol=1e-6)
    close = np.abs(d.min(axis=1) - metres) < 1e-6  # a tie with the reach: either side is right
    expected = d.min(axis=1) <= metres
    assert (got["in_reach"].to_numpy() == expected)[~close].all()
    assert list(got.index) == list(targets.index) or got.index.equals(targets.index)


def check_disk(buffered: gpd.GeoSeries, centre: tuple[float, float], metres: float, tol: float) -> None:
    """A point's buffer holds its centre, holds what is within r - 2 tol, and nothing beyond r + 2 tol."""
    poly = buffered.iloc[0]
    assert poly is not None and poly.is_valid and not poly.is_empty
    g = oracle_geodesic()
    lon0, lat0 = centre
    # math.remainder is exact: (lon + 180) % 360 would round away a longitude of 1e300.
    assert poly.covers(Point(math.remainder(lon0, 360.0), lat0)) or metres < 2 * tol
    for azimuth in (0.0, 45.0, 90.0, 180.0, 270.0, 333.0):
        for s, inside in ((metres - 2 * tol, True), (metres + 2 * tol, False)):
            if s <= 0 or s >= HALF_MERIDIAN:
                continue
            p = g.Direct(lat0, lon0, azimuth, s, Geodesic.LATITUDE | Geodesic.LONGITUDE | Geodesic.LONG_UNROLL)
            # Beyond the cut locus the point is nearer than s by another path: no claim then.
            true = g.Inverse(lat0, lon0, p["lat2"], p["lon2"], Geodesic.DISTANCE)["s12"]
            if abs(true - s) > 1e-3:
                continue
            q = Point(math.remainder(p["lon2"], 360.0), p["lat2"])
            assert poly.covers(q) == inside, (azimuth, s, inside)
