"""The result vocabulary: every column name, status, JSON key and number format a result uses.

One place, so that the in-memory report, streamed chunks, dask partitions, the
maps, the command's tables and its JSON all say the same words, and a
rename is one edit. ``tests/test_schema.py`` walks the package and fails where
one of these names is spelled out as a string anywhere else. The module sits in
the base layer (it imports nothing of the package's but :func:`rangecov.units.format_distance`,
which it names with the rest) so that every layer may use it; ``docs/cli.md`` documents the JSON documents.

>>> STATUS_CATEGORIES
('in', 'marginal', 'out')
>>> format_share(5 / 17), format_share(float("nan"))
('29.4%', 'n/a')
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

# Distances are formatted where they are parsed (rangecov.units, public); named here with the rest.
from ..units import format_distance

__all__ = [
    "IN",
    "MARGINAL",
    "OUT",
    "STATUS_CATEGORIES",
    "DISTANCE_M",
    "NEAREST_ORIGIN",
    "MARGIN_M",
    "COVERING_ORIGIN",
    "IN_REACH",
    "STATUS",
    "COVERED_SHARE",
    "TARGET_COLUMNS",
    "RESULT_COLUMNS",
    "TARGETS_IN_REACH",
    "ORIGIN_COLUMNS",
    "TOTAL",
    "COUNT",
    "SHARE",
    "COUNT_COLUMNS",
    "SUMMARY_COLUMNS",
    "WEIGHT_TOTAL",
    "WEIGHT_IN",
    "WEIGHT_MARGINAL",
    "WEIGHTED_SHARE",
    "WEIGHT_SUMS",
    "WEIGHT_COLUMNS",
    "REACH_M",
    "FACTOR",
    "AREA_KM2",
    "COVERED_KM2",
    "COVERED_GEOMETRY",
    "AREA_COLUMNS",
    "ERROR_BOUND",
    "RASTER_COLUMNS",
    "INNER_M",
    "OUTER_M",
    "CHANGE",
    "UNCHANGED",
    "MARGIN_CHANGE_M",
    "RANK",
    "IS_FIXED",
    "MARGINAL_WEIGHT",
    "COVERED_WEIGHT",
    "CHOSEN_COLUMNS",
    "COLUMN_NAMES",
    "COVERAGE_SCHEMA",
    "AREA_SCHEMA",
    "PLACE_SCHEMA",
    "JsonDocument",
    "COVERAGE_JSON",
    "GROUP_JSON",
    "TARGET_JSON",
    "AREA_JSON",
    "REGION_JSON",
    "PLACE_JSON",
    "CHOSEN_JSON",
    "json_number",
    "json_value",
    "format_share",
    "format_weight",
    "format_distance",
]

# -- a target's status ---------------------------------------------------------------------------
IN = "in"  # within the (low) reach of some origin
MARGINAL = "marginal"  # a status, and the column counting targets of that status
OUT = "out"  # beyond the (high) reach of every origin
# The order is the codes' (0, 1, 2): ``status`` is a categorical with these categories.
STATUS_CATEGORIES = (IN, MARGINAL, OUT)

# -- columns appended to the targets (report.targets, streamed rows, dask partitions) --------------
DISTANCE_M = "distance_m"
NEAREST_ORIGIN = "nearest_origin"
MARGIN_M = "margin_m"
COVERING_ORIGIN = "covering_origin"
IN_REACH = "in_reach"  # also the raster table's weight within reach
STATUS = "status"  # also the solver's status in a placement curve
COVERED_SHARE = "covered_share"  # how="area", and area_coverage()
TARGET_COLUMNS = (DISTANCE_M, NEAREST_ORIGIN, MARGIN_M, COVERING_ORIGIN, IN_REACH, STATUS)
RESULT_COLUMNS = TARGET_COLUMNS + (COVERED_SHARE,)  # every column any coverage may append
# -- columns appended to the origins (report.origins) ---------------------------------------------
TARGETS_IN_REACH = "targets_in_reach"
ORIGIN_COLUMNS = (TARGETS_IN_REACH,)

# -- totals: summary tables, the headline's numbers, JSON -----------------------------------------
TOTAL = "total"
COUNT = "count"
SHARE = "share"
COUNT_COLUMNS = (TOTAL, COUNT, MARGINAL)  # the integer counts every way of running adds up
SUMMARY_COLUMNS = (TOTAL, COUNT, SHARE, MARGINAL)
WEIGHT_TOTAL = "weight_total"
WEIGHT_IN = "weight_in"
WEIGHT_MARGINAL = "weight_marginal"
WEIGHTED_SHARE = "weighted_share"
WEIGHT_SUMS = (WEIGHT_TOTAL, WEIGHT_IN, WEIGHT_MARGINAL)  # exact sums (Fractions), in COUNT_COLUMNS' order
WEIGHT_COLUMNS = (WEIGHT_TOTAL, WEIGHT_IN, WEIGHTED_SHARE, WEIGHT_MARGINAL)

# -- curves -----------------------------------------------------------------------------------------
REACH_M = "reach_m"
FACTOR = "factor"

# -- area_coverage() and raster_coverage() --------------------------------------------------------
AREA_KM2 = "area_km2"
COVERED_KM2 = "covered_km2"
COVERED_GEOMETRY = "covered_geometry"
AREA_COLUMNS = (AREA_KM2, COVERED_KM2, COVERED_SHARE, COVERED_GEOMETRY)
ERROR_BOUND = "error_bound"
RASTER_COLUMNS = (TOTAL, IN_REACH, MARGINAL, SHARE, ERROR_BOUND)

# -- rings() --------------------------------------------------------------------------------------
INNER_M = "inner_m"
OUTER_M = "outer_m"

# -- compare() ------------------------------------------------------------------------------------
CHANGE = "change"
UNCHANGED = "unchanged"
MARGIN_CHANGE_M = "margin_change_m"

# -- place() ----------------------------------------------------------------------------------------
RANK = "rank"
IS_FIXED = "is_fixed"
MARGINAL_WEIGHT = "marginal_weight"
COVERED_WEIGHT = "covered_weight"
CHOSEN_COLUMNS = (RANK, IS_FIXED, MARGINAL_WEIGHT)

# Every name above that a result table or its rows may carry: tests/test_schema.py refuses
# these as string constants anywhere but here.
COLUMN_NAMES = frozenset(
    STATUS_CATEGORIES
    + RESULT_COLUMNS
    + ORIGIN_COLUMNS
    + SUMMARY_COLUMNS
    + WEIGHT_COLUMNS
    + (REACH_M, FACTOR)
    + AREA_COLUMNS
    + RASTER_COLUMNS
    + (INNER_M, OUTER_M, CHANGE, UNCHANGED, MARGIN_CHANGE_M)
    + CHOSEN_COLUMNS
    + (COVERED_WEIGHT,)
)

# -- JSON documents (docs/cli.md) -------------------------------------------------------------------
COVERAGE_SCHEMA = "rangecov.coverage/1"
AREA_SCHEMA = "rangecov.area/1"
PLACE_SCHEMA = "rangecov.place/1"


class JsonDocument:
    """The keys of one JSON object, in their documented order: the ``required`` ones always, the
    ``optional`` ones when given. :meth:`record` builds the object, :meth:`rows` one object per row of
    columns (the keys checked once, not per row), so that a key is named once, here.

    >>> doc = JsonDocument(("id", "status"), optional=("weight",))
    >>> doc.record(status="in", id=3)
    {'id': 3, 'status': 'in'}
    >>> doc.rows(id=[1, 2], status=["in", "out"])
    [{'id': 1, 'status': 'in'}, {'id': 2, 'status': 'out'}]
    """

    def __init__(self, required: tuple[str, ...], *, optional: tuple[str, ...] = ()) -> None:
        self.required = required
        self.optional = optional
        self.keys = required + optional

    def _ordered(self, given: Iterable[str]) -> list[str]:
        """The keys ``given``, in the documented order; a missing or undocumented key is a bug here."""
        given = set(given)
        missing = [k for k in self.required if k not in given]
        unknown = sorted(given - set(self.keys))
        if missing or unknown:  # the code building the document, not the user, is wrong
            raise RuntimeError(f"JSON keys missing {missing} or not documented {unknown}")
        return [k for k in self.keys if k in given]

    def record(self, **values: Any) -> dict[str, Any]:
        """The object with ``values`` in the documented order."""
        return {k: values[k] for k in self._ordered(values)}

    def rows(self, **columns: Iterable[Any]) -> list[dict[str, Any]]:
        """One object per row of ``columns`` (iterables of equal length), keys in the documented order."""
        keys = self._ordered(columns)
        return [dict(zip(keys, row)) for row in zip(*(columns[k] for k in keys), strict=True)]


# ``report.to_dict()`` and ``rangecov coverage --format json``.
COVERAGE_JSON = JsonDocument(
    (
        "schema",
        "rangecov_version",
        "headline",
        "reach",
        "reach_kind",
        REACH_M,
        "reach_high_m",
        "how",
        "ellipsoid",
        "origins",
        TOTAL,
        COUNT,
        MARGINAL,
        OUT,
        SHARE,
        "nouns",
    ),
    optional=("weight",) + WEIGHT_COLUMNS + ("groups", "targets"),
)
GROUP_JSON = JsonDocument(("group", TOTAL, COUNT, MARGINAL, SHARE), optional=WEIGHT_COLUMNS)
TARGET_JSON = JsonDocument(("id", DISTANCE_M, NEAREST_ORIGIN, MARGIN_M, COVERING_ORIGIN, STATUS))
# ``rangecov area --format json``.
AREA_JSON = JsonDocument(
    ("schema", "rangecov_version", "reach", "ellipsoid", "origins", AREA_KM2, COVERED_KM2, COVERED_SHARE, "regions")
)
REGION_JSON = JsonDocument(("id", AREA_KM2, COVERED_KM2, COVERED_SHARE))
# ``placement.to_dict()`` and ``rangecov place --format json``.
PLACE_JSON = JsonDocument(
    (
        "schema",
        "headline",
        "mode",
        "k",
        "share_goal",
        "method",
        STATUS,
        "guarantee",
        "objective",
        "bound",
        "gap",
        "reach",
        "weight",
        "total_weight",
        COVERED_WEIGHT,
        SHARE,
        "marginal_only",
        "chosen",
    )
)
CHOSEN_JSON = JsonDocument(("id", RANK, "fixed", MARGINAL_WEIGHT, "lon", "lat"))


# -- numbers as people and JSON read them ---------------------------------------------------------


def json_number(x: Any) -> float | None:
    """A float for JSON: NaN and infinities become None (JSON has neither).

    >>> json_number(0.5), json_number(float("inf"))
    (0.5, None)
    """
    x = float(x)
    return x if math.isfinite(x) else None


def json_value(x: Any) -> Any:
    """Index labels and group keys as JSON scalars (numpy types unwrapped, NaN/None/pd.NA as None)."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or type(x).__name__ == "NAType":
        return None
    if hasattr(x, "item") and type(x).__module__ == "numpy":  # a numpy scalar: its Python value
        x = x.item()
    return x if isinstance(x, (str, int, float, bool)) else str(x)


def format_share(x: float | None) -> str:
    """A share as headlines and tables show it: ``"29.4%"``, or ``"n/a"`` when undefined (nothing to measure)."""
    return "n/a" if x is None or math.isnan(x) else f"{100 * x:.1f}%"


def format_weight(x: float | None) -> str:
    """A sum of weights as a headline shows it: whole numbers with thousands separators, else 4 figures.

    >>> format_weight(1234.0), format_weight(0.123456)
    ('1,234', '0.1235')
    """
    if x is None or not math.isfinite(x):
        return str(x)
    return f"{x:,.0f}" if x == int(x) or abs(x) >= 1000 else f"{x:,.4g}"
