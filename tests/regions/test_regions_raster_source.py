"""Rasters as raster_coverage reads them (rangecov.regions.raster_source): the missing extra, remote files."""

from __future__ import annotations

import builtins

import geopandas as gpd
import pytest
from shapely import Point

import rangecov
from rangecov.errors import InputError, MissingDependencyError

pytest.importorskip("rioxarray")

pytest.importorskip("exactextract")

SITES = gpd.GeoSeries([Point(35.0, 51.0), Point(36.5, 50.2)], index=["A", "B"], crs="EPSG:4326")

REACH = 200_000.0


def test_missing_extra_says_how_to_install(monkeypatch):
    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name.startswith("exactextract"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    import importlib

    real_module = importlib.import_module

    def fake_module(name, package=None):
        # A dotted name must come back as that module (builtins.__import__ gives the top package,
        # which sent rangecov's lazy attributes round in circles when nothing had loaded them yet).
        if name.startswith("exactextract"):
            raise ImportError(name)
        return real_module(name, package)

    monkeypatch.setattr(builtins, "__import__", fake)
    monkeypatch.setattr(importlib, "import_module", fake_module)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[raster\]"'):
        rangecov.raster_coverage(SITES, "x.tif", REACH)


def test_a_remote_raster_is_read_only_when_allowed():
    with pytest.raises(InputError, match="is a remote source.*allow_remote=True"):
        rangecov.raster_coverage(SITES, "https://example.org/people.tif", REACH)
    with pytest.raises(InputError, match="remote source"):
        rangecov.raster_coverage(SITES, "/vsicurl/https://example.org/people.tif", REACH)
