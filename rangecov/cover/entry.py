"""``coverage()``: which targets lie within geodesic reach of the origins.

Points against points go to the exact search of :mod:`rangecov.engine`;
anything with lines or polygons to :mod:`rangecov.cover.shapes`. Both hand
their per-target columns to :meth:`rangecov.results.report.CoverageReport.from_columns`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, overload

import geopandas as gpd
import numpy as np

from ..base import progress as progress_bars
from ..base.schema import RESULT_COLUMNS, STATUS, TARGET_COLUMNS
from ..base.tuning import POINT_CHUNK
from ..engine import OriginIndex
from ..geodesy.ellipsoid import get_ellipsoid
from ..inputs import frames
from ..inputs.options import (
    How,
    check_chunk_size,
    check_how,
    check_progress,
    check_weight_name,
    parse_nouns,
    parse_reach,
    status_codes,
)
from ..inputs.weights import weight_column, weight_values
from ..results.report import CoverageReport, result_columns
from ..units import Distance, Reach
from .shapes import shape_coverage

if TYPE_CHECKING:
    # Imported when a dask frame is met: cover.dask_frames builds on this module (PreparedCoverage).
    from .dask_frames import DaskCoverageReport, DaskFrame

# PreparedCoverage and partition_rows serve streaming and dask in this package; coverage() is the API.
__all__ = ["coverage"]


@overload
def coverage(
    origins: gpd.GeoDataFrame | gpd.GeoSeries,
    targets: gpd.GeoDataFrame | gpd.GeoSeries,
    reach: Reach,
    *,
    how: How = "any",
    min_covered: float = 0.5,
    tolerance: Distance | None = None,
    ellipsoid: str = "WGS84",
    progress: bool | None = None,
    chunk_size: int | None = None,
    nouns: tuple | None = None,
    weight: str | None = None,
) -> CoverageReport: ...


@overload
def coverage(
    origins: gpd.GeoDataFrame | gpd.GeoSeries,
    targets: DaskFrame,
    reach: Reach,
    *,
    how: How = "any",
    min_covered: float = 0.5,
    tolerance: Distance | None = None,
    ellipsoid: str = "WGS84",
    progress: bool | None = None,
    chunk_size: int | None = None,
    nouns: tuple | None = None,
    weight: str | None = None,
) -> DaskCoverageReport: ...


def coverage(
    origins: gpd.GeoDataFrame | gpd.GeoSeries,
    targets: gpd.GeoDataFrame | gpd.GeoSeries | DaskFrame,
    reach: Reach,
    *,
    how: How = "any",
    min_covered: float = 0.5,
    tolerance: Distance | None = None,
    ellipsoid: str = "WGS84",
    progress: bool | None = None,
    chunk_size: int | None = None,
    nouns: tuple | None = None,
    weight: str | None = None,
) -> CoverageReport | DaskCoverageReport:
    """Which targets lie within geodesic reach of the origins, exactly.

    Parameters
    ----------
    origins : GeoDataFrame or GeoSeries
        Points, lines or polygons (and multi-parts, mixed), in any CRS
        pyproj knows. The distance to a line or polygon is to its nearest
        point, with edges read as geodesics (the short way, also across
        ±180°); a target inside an origin polygon is at distance 0. A ring
        around a pole encloses the smaller of the two sides it makes,
        whichever way it runs. Not modified.
    targets : GeoDataFrame or GeoSeries
        Points, lines or polygons (mixed allowed). Not modified. A
        dask-geopandas frame gives a lazy report, one ``map_partitions``
        over its partitions; GeoParquet files are read faster on dask by
        :func:`rangecov.dask_coverage`.
    reach : distance, column name or (low, high)
        A distance (a number is metres; a string carries its unit, e.g.
        ``"190 mi"``, see :func:`rangecov.parse_distance`); or the name of a
        column of ``origins`` holding a distance per origin (mixed systems);
        or a ``(low, high)`` pair for an uncertain reach: a target is
        ``"in"`` when some origin is within ``low``, ``"out"`` when none is
        within ``high``, and ``"marginal"`` otherwise (both ends inclusive).
    how : {"any", "all", "centroid", "area"}, default "any"
        When a line or polygon target counts as in reach: any part of it
        within reach; all of it; its centroid (shapely's, in lon/lat, taken
        after unwrapping geometries cut at ±180°); or
        the covered share of its area (polygons only; ``covered_share``
        column, ``"in"`` when the share is at least ``min_covered``). For
        point targets the first three agree.
    min_covered : float, default 0.5
        With ``how="area"``: the share of a target's area that must be in
        reach, in (0, 1].
    tolerance : distance, optional
        With ``how="all"`` or ``"area"``: the tolerance of the reach regions
        the decision is drawn from (:func:`rangecov.buffer`); default 10 m or
        1% of the smallest reach (at least 1 mm).
    ellipsoid : str, default "WGS84"
        Any ``ellps`` name pyproj knows, including ``"sphere"``.
    progress : bool or None, default None
        A tqdm bar on stderr: ``None`` shows one only when stderr is a
        terminal and the work lasts more than about a second; ``True``
        always (needs ``tqdm``); ``False`` never.
    chunk_size : int, optional
        Targets handled per step (one step of the bar): by default 1,048,576
        points against points, up to 32,768 points against lines or polygons
        (fewer against many of them), or 1,024 line and polygon targets. Any positive whole number is
        honoured exactly; the answer does not depend on it, only memory,
        speed (points are searched per cell of a chunk's targets, so small
        chunks search slower) and the bar's steps do.
    nouns : (origins, targets), optional
        What to call them in the headline, the summary and the map title:
        ``nouns=("launch sites", "airfields")`` gives "5 of 17 airfields
        (29.4%) within 190 mi of 7 launch sites". Each a plural, or a
        (singular, plural) pair; default ``("origins", "targets")``.
    weight : str, optional
        A column of ``targets`` holding a finite number >= 0 per target
        (aircraft based there, people living there). The report then also
        gives ``weight_total``, ``weight_in``, ``weight_marginal`` and
        ``weighted_share`` (``weight_in / weight_total``; NaN when the total
        is 0), in ``summary()`` too. A target's weight counts where its
        status puts it, whatever ``how``. Sums are exact (rounded once), so
        equal weights give ``weighted_share == share`` and a target of
        weight 0 changes nothing.

    Returns
    -------
    CoverageReport
        ``report.targets`` is the caller's targets (same index, order, columns
        and CRS) plus ``distance_m`` (to the nearest point of the target;
        for ``how="centroid"`` of its centroid), ``nearest_origin``,
        ``margin_m``, ``covering_origin`` (the origin whose reach covers the
        target with the largest margin; None for a target out of reach),
        ``in_reach`` and ``status`` (and
        ``covered_share`` for ``how="area"``); ``report.origins`` adds
        ``targets_in_reach`` (targets any part of which is within that
        origin's own reach; centroids for ``how="centroid"``);
        ``report.count``, ``report.share`` and ``report.summary()`` give the
        totals. For ``how="all"`` and ``"area"`` the decision may rest on
        several origins together, so ``margin_m`` is NaN and
        ``covering_origin`` is None.

    Notes
    -----
    Model: geodesics on the chosen ellipsoid, points on its surface (height 0).

    Error bound: ``distance_m`` is exact. For points it is Karney's geodesic
    distance (pyproj's C port of GeographicLib, within 15 nm of the true
    ellipsoidal distance); to lines and polygons it is exact to 1 mm
    (``docs/exactness.md``, "Distance to a geodesic segment"). With
    ``how="any"`` or ``"centroid"`` the in/out decision is made on it, so it
    agrees with GeographicLib except within those bounds of the boundary.

    With ``how="all"`` and ``"area"`` the decision rests on reach regions
    drawn within ``tolerance`` of the true boundary: drawn at ``reach -
    tolerance`` they lie inside the true region, drawn at ``reach +
    tolerance`` they contain it. A target is ``"in"`` only if it qualifies
    against the inner drawing, ``"out"`` only if it fails against the outer
    one, and ``"marginal"`` (not counted in ``count``) when the two
    disagree, i.e. when the answer depends on the boundary within the
    tolerance. ``covered_share`` is measured against the region drawn at the
    reach itself; its error is at most ``tolerance`` times the length of the
    reach boundary inside the target, divided by the target's area.

    When two origins are equally near (bit-for-bit equal distances, or equal
    margins), the lower position in ``origins`` is reported.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> origins = gpd.GeoSeries([Point(34.80, 50.91)], index=["Sumy"], crs="EPSG:4326")
    >>> targets = gpd.GeoDataFrame(
    ...     {"name": ["Kursk-Khalino", "Engels-2"]},
    ...     geometry=[Point(36.2956, 51.7506), Point(46.21, 51.48)], crs="EPSG:4326")
    >>> report = coverage(origins, targets, "190 mi")
    >>> report
    1 of 2 targets (50.0%) within 190 mi (305.8 km) of 1 origin
    >>> report.targets[["name", "status"]]
                name status
    0  Kursk-Khalino     in
    1       Engels-2    out
    """
    # Every argument is checked once, here, before any work: the options, then each frame.
    ell = get_ellipsoid(ellipsoid)
    check_progress(progress)
    check_chunk_size(chunk_size)
    called = parse_nouns(nouns)
    weight = check_weight_name(weight, RESULT_COLUMNS)
    checked_origins = frames.checked(origins, "origins")
    if frames.is_dask_frame(targets):
        from .dask_frames import frame_coverage

        prepared = PreparedCoverage(
            checked_origins, reach, ell, how=how, min_covered=min_covered, tolerance=tolerance, workers=1
        )
        if weight is not None:
            weight_column(targets, weight)
        lazy = frame_coverage(targets, prepared, weight=weight)
        lazy.nouns = called
        return lazy
    checked_targets = frames.checked(targets, "targets")
    weighing = None if weight is None else (weight, weight_values(weight_column(targets, weight), weight))
    prepared = PreparedCoverage(checked_origins, reach, ell, how=how, min_covered=min_covered, tolerance=tolerance)
    report = prepared.report(checked_targets, chunk_size=chunk_size, progress=progress)
    report.nouns = called
    if weighing is not None:
        report.weigh(*weighing)
    return report


class PointCoverage:
    """Point origins and their reach, prepared once for any number of chunks of point targets.

    Holds the :class:`rangecov.engine.OriginIndex` (built once), the parsed
    reach and the origins' index labels, and pickles to those (the index to
    its arrays), so that streamed chunks and dask partitions all use one
    index. Every target's answer depends on the origins alone, so the
    columns of a chunk are those of the same rows in one call over all
    targets, to the bit.

    Parameters
    ----------
    origins : GeoDataFrame, GeoSeries or rangecov.inputs.frames.Checked
        Points only (checked here unless checked already).
    reach : distance, column name or (low, high)
        As for :func:`coverage`.
    ellipsoid : Ellipsoid
    workers : int, optional
        Threads of the engine per call (default: the cores, at most 8).
    """

    def __init__(self, origins, reach: Reach, ellipsoid, *, workers: int | None = None) -> None:
        origins = frames.checked(origins, "origins")
        o_lon, o_lat = origins.lonlat()
        self.spec = parse_reach(reach, origins.frame, o_lon.size)
        self.ellipsoid = ellipsoid
        self.labels = origins.frame.index
        self.index = OriginIndex(o_lon, o_lat, reach=self.spec.low, ellipsoid=ellipsoid, workers=workers)

    def columns(self, t_lon: np.ndarray, t_lat: np.ndarray, *, chunk_size: int = 0, progress=False) -> dict:
        """Per target: ``distance``, ``nearest`` and ``covering`` (origin positions, None without origins),
        ``margin``, ``status`` (codes), as :meth:`CoverageReport.from_columns` takes them.

        ``chunk_size`` > 0 splits the call into steps of that many targets (one step of a bar each).
        """
        spec, index = self.spec, self.index
        n_t = t_lon.size
        distance, nearest = np.empty(n_t), np.empty(n_t, dtype=np.intp)
        # With one reach for all the margins follow from the distances; else each
        # target's best origin by margin (and that margin) is searched for too.
        best = None if spec.uniform else (np.empty(n_t), np.empty(n_t, dtype=np.intp))
        # Each target's answer is independent of the others, so steps change
        # nothing but let a bar advance; the index (and its trees) is built once.
        step = chunk_size if chunk_size > 0 else max(n_t, 1)
        # One step and no bar asked for: one call (progress.chunks would yield just that slice).
        one = 0 < n_t <= step and not progress
        parts = (
            [slice(0, n_t)]
            if one
            else progress_bars.chunks(n_t, step, desc="coverage", unit="target", progress=progress)
        )
        for part in parts:
            if best is None:
                nearest[part], distance[part] = index.nearest(t_lon[part], t_lat[part])
            else:
                nearest[part], distance[part], best[0][part], best[1][part] = index.nearest_and_margin(
                    t_lon[part], t_lat[part]
                )
        if best is None:
            low, high = (spec.low[0], spec.high[0]) if spec.low.size else (0.0, 0.0)
            margin, high_margin, covering = low - distance, high - distance, nearest
        else:
            margin, covering = best
            high_margin = margin  # per-origin reach has no band
        no_origins = len(index) == 0
        return {
            "distance": distance,
            "nearest": None if no_origins else nearest,
            "margin": margin,
            "covering": None if no_origins else covering,
            STATUS: status_codes(margin, high_margin),
        }

    def rows(self, targets, columns: dict) -> gpd.GeoDataFrame:
        """A copy of ``targets`` with the result columns appended (what ``report.targets`` holds)."""
        out = frames.as_frame(targets, "targets", TARGET_COLUMNS)
        for name, values in result_columns(self.labels, out.index, **columns).items():
            out[name] = values
        return out

    def report(self, origins, targets, t_lon: np.ndarray, t_lat: np.ndarray, columns: dict) -> CoverageReport:
        """The report of ``targets`` (whose lon/lat are ``t_lon``, ``t_lat``) from their :meth:`columns`."""
        index = self.index
        return CoverageReport.from_columns(
            origins,
            targets,
            self.spec,
            **columns,
            count_origins=lambda: index.count_within(t_lon, t_lat),
            factors=lambda: index.min_ratio(t_lon, t_lat),
            how="any",
            tolerance=None,
            ellipsoid=self.ellipsoid,
        )


class PreparedCoverage:
    """Origins prepared once for any number of batches of targets: all of them in memory
    (:func:`coverage`), stream chunks, dask partitions.

    Points against points go to one :class:`PointCoverage` (one engine
    index); anything else to :func:`rangecov.cover.shapes.shape_coverage`.
    Picklable.
    """

    def __init__(
        self, origins, reach: Reach, ellipsoid, *, how: How, min_covered: float, tolerance, workers: int | None = None
    ) -> None:
        check_how(how, min_covered)
        checked = frames.checked(origins, "origins")
        origins = checked.frame
        point_origins = how != "area" and checked.points_only()
        self.points = PointCoverage(checked, reach, ellipsoid, workers=workers) if point_origins else None
        self.spec = self.points.spec if self.points is not None else parse_reach(reach, origins, len(origins))
        self.origins = origins
        self.reach = reach
        self.ellipsoid = ellipsoid
        self.options = {"how": how, "min_covered": min_covered, "tolerance": tolerance}

    def _point_targets(self, targets: frames.Checked) -> tuple[PointCoverage, np.ndarray, np.ndarray] | None:
        """The point origins, and the targets' longitude and latitude, when the engine answers them (points
        against points), else None."""
        if self.points is None or not targets.points_only():
            return None
        return (self.points, *targets.lonlat())

    def report(self, targets, *, chunk_size: int | None = None, progress: bool | None = False) -> CoverageReport:
        """The full report of ``targets`` (what :func:`coverage` returns); checked here unless checked already."""
        checked = frames.checked(targets, "targets")
        targets = checked.frame
        engine = self._point_targets(checked)
        if engine is not None:
            points, t_lon, t_lat = engine
            columns = points.columns(t_lon, t_lat, chunk_size=chunk_size or POINT_CHUNK, progress=progress)
            return points.report(self.origins, targets, t_lon, t_lat, columns)
        options = self.options
        return shape_coverage(
            self.ellipsoid,
            self.origins,
            targets,
            self.reach,
            how=options["how"],
            min_covered=options["min_covered"],
            tolerance=options["tolerance"],
            progress=progress,
            chunk_size=chunk_size,
        )

    @overload
    def answer(self, targets, *, rows: Literal[True] = True) -> tuple[gpd.GeoDataFrame, np.ndarray]: ...

    @overload
    def answer(self, targets, *, rows: Literal[False]) -> tuple[None, np.ndarray]: ...

    def answer(self, targets, *, rows: bool = True) -> tuple[gpd.GeoDataFrame | None, np.ndarray]:
        """The rows of ``targets`` with the result columns (None unless ``rows``), and their status codes."""
        checked = frames.checked(targets, "targets")
        engine = self._point_targets(checked)
        if engine is not None:
            points, t_lon, t_lat = engine
            columns = points.columns(t_lon, t_lat)
            return (points.rows(targets, columns) if rows else None), columns[STATUS]
        out = self.report(checked).targets
        return out, out[STATUS].cat.codes.to_numpy()


def partition_rows(targets, prepared: PreparedCoverage) -> gpd.GeoDataFrame:
    """One batch's rows with the result columns (the function dask maps over the partitions)."""
    return prepared.answer(targets)[0]
