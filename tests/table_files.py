"""Small inputs for the tests of rangecov.io: tables written as text, frames of points."""

from __future__ import annotations

import geopandas as gpd


def _points(lon=(30.5, 31.25, 32.0), lat=(50.0, 50.5, 51.0), crs="EPSG:4326", **columns):
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(lon, lat), crs=crs)


def _write_text(path, text):
    path.write_text(text, encoding="utf-8")
    return path
