"""Origins and targets for the tests of streamed and dask coverage, and the row-for-row comparison."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

import rangecov


def read_rows(path, **options):
    """read() with the rows numbered, as a stream reads them (the file's name column stays a column)."""
    return rangecov.read(path, names=None, **options)


REACH = 300_000.0

_GEOD = Geod(ellps="WGS84")

RESULT = ["distance_m", "nearest_origin", "margin_m", "covering_origin", "in_reach", "status"]


def _origins() -> gpd.GeoDataFrame:
    lon = [34.80, 36.23, 179.5, -179.2, 10.0, 0.0]
    lat = [50.91, 49.99, 65.0, -16.5, 89.0, -45.0]
    reach = [300_000.0, 250_000.0, 300_000.0, 400_000.0, 300_000.0, 300_000.0]
    return gpd.GeoDataFrame(
        {"site": ["Sumy", "Kharkiv", "Chukotka", "Fiji", "Pole", "South"], "reach": reach},
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    ).set_index("site")


def _targets(n: int = 2400, seed: int = 7) -> gpd.GeoDataFrame:
    """Points near the origins, over the globe, across ±180°, near a pole, and at the reach ± 1 cm."""
    rng = np.random.default_rng(seed)
    o = _origins()
    lon = [rng.uniform(-180, 180, n // 3), rng.uniform(178, 182, n // 6) - 0.0]
    lat = [np.degrees(np.arcsin(rng.uniform(-1, 1, n // 3))), rng.uniform(60, 70, n // 6)]
    near = rng.integers(0, len(o), n // 3)
    az, dist = rng.uniform(-180, 180, near.size), rng.uniform(0, 600_000, near.size)
    x, y, _ = _GEOD.fwd(o.geometry.x.to_numpy()[near], o.geometry.y.to_numpy()[near], az, dist)
    lon.append(np.asarray(x))
    lat.append(np.asarray(y))
    # Exactly at the reach of an origin, and 1 cm either side.
    for i in range(len(o)):
        for d in (REACH - 0.01, REACH + 0.01):
            x, y, _ = _GEOD.fwd(o.geometry.x.iloc[i], o.geometry.y.iloc[i], 37.0 * (i + 1), d)
            lon.append(np.array([x]))
            lat.append(np.array([y]))
    lon_all, lat_all = np.concatenate(lon), np.concatenate(lat)
    lon_all = (lon_all + 180) % 360 - 180
    m = lon_all.size
    group = np.array(["a", "b", "c", None], dtype=object)[rng.integers(0, 4, m)]
    # Weights floats hold inexactly (tenths, over eight orders of magnitude): sums of chunks must still agree.
    w = np.round(rng.uniform(0, 100, m), 1) * 10.0 ** rng.integers(-4, 4, m)
    return gpd.GeoDataFrame(
        {"group": group, "k": rng.integers(0, 3, m), "name": [f"t{i}" for i in range(m)], "w": w},
        geometry=gpd.points_from_xy(lon_all, lat_all),
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stream")
    origins, targets = _origins(), _targets()
    parquet = folder / "targets.parquet"
    targets.to_parquet(parquet, row_group_size=500)
    csv = folder / "targets.csv"
    table = pd.DataFrame(targets.drop(columns="geometry"))
    table["lon"], table["lat"] = targets.geometry.x, targets.geometry.y
    table.to_csv(csv, index=False)
    return folder, origins, targets, parquet, csv


def _same_rows(rows: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert len(rows) == len(expected)
    assert np.array_equal(rows["distance_m"].to_numpy(), expected["distance_m"].to_numpy())  # bit for bit
    assert np.array_equal(rows["margin_m"].to_numpy(), expected["margin_m"].to_numpy(), equal_nan=True)
    for column in ("nearest_origin", "covering_origin", "status", "name"):
        assert rows[column].astype(str).tolist() == expected[column].astype(str).tolist(), column
    assert rows["in_reach"].astype(bool).tolist() == expected["in_reach"].tolist()
