"""Hostile and malformed input files, written into a folder for the tests that read them.

A truncated GeoParquet, GeoJSON broken after a megabyte, a 10⁶-character CSV field, XML entity
bombs, zips without a shapefile, random bytes, empty files of every extension rangecov reads."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

CHUNK_ROWS = 1000  # the files damaged after their first rows have 3,000 rows or more

# Every extension rangecov.read takes, each as an empty (0-byte) file.
EMPTY = ["csv", "tsv", "txt", "csv.gz", "csv.bz2", "csv.xz", "tsv.zip", "geojson", "json", "gpkg", "shp", "fgb"]

EMPTY += ["kml", "kmz", "gml", "gpx", "parquet", "geoparquet", "zip", "shp.zip"]

HOSTILE = [
    # GeoJSON
    "broken_at_1mb.geojson",
    "deeply_nested.geojson",
    # GeoParquet
    "truncated.parquet",
    "damaged.parquet",
    "not_wkb.parquet",
    "geo_not_json.parquet",
    "geo_no_primary.parquet",
    "geo_wrong_column.parquet",
    "geo_a_list.parquet",
    "geo_bad_crs.parquet",
    # tables
    "long_field.csv",
    "long_quoted.csv",
    "long_header.csv",
    "long_late.csv",
    "not_utf8.csv",
    "random.csv.gz",
    "truncated.csv.gz",
    "random.csv.xz",
    "random.csv.bz2",
    "random.csv.zip",
    # XML entity bombs (billion laughs)
    "bomb.kml",
    "bomb.kmz",
    "bomb.gpx",
    "bomb.gml",
    # zips, random bytes, damaged GDAL formats
    "not_a_shapefile.zip",
    "not_a_shapefile.shp.zip",
    "random.gpkg",
    "random.shp",
    "damaged.gpkg",
    "damaged.fgb",
] + [f"empty.{ext}" for ext in EMPTY]


def _points(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(15)
    lon, lat = rng.uniform(30, 31, n), rng.uniform(50, 51, n)
    return gpd.GeoDataFrame(
        {"name": [f"p{i}" for i in range(n)]}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326"
    )


def _random_bytes(n: int, seed: int) -> bytes:
    return np.random.default_rng(seed).bytes(n)


def _overwrite_middle(path: Path, seed: int) -> None:
    """Random bytes over the middle third of a file, so that its header and footer still read."""
    data = bytearray(path.read_bytes())
    start, stop = len(data) // 3, 2 * len(data) // 3
    data[start:stop] = _random_bytes(stop - start, seed)
    path.write_bytes(bytes(data))


def _billion_laughs(root: str) -> str:
    """An XML prolog whose entity &lol9; expands to 10⁹ "lol"s (3 GB), if a parser lets it."""
    entities = ['<!ENTITY lol "lol">']
    for k in range(1, 10):
        inner = f"&lol{k - 1};" if k > 1 else "&lol;"
        entities.append(f'<!ENTITY lol{k} "{inner * 10}">')
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(entities) + "\n]>\n"


def _write_geojson(d: Path) -> None:
    feature = '{"type":"Feature","properties":{"name":"p%d"},"geometry":{"type":"Point","coordinates":[30.5,50.5]}}'
    parts: list[str] = []
    size = 0
    while size < 1_000_000:
        parts.append(feature % len(parts))
        size += len(parts[-1]) + 1
    text = '{"type":"FeatureCollection","features":[' + ",".join(parts) + ',{"type":"Feature","geometry":@@ garbage'
    assert text.index("@@") >= 1_000_000  # the syntax error is past the first megabyte
    (d / "broken_at_1mb.geojson").write_text(text)
    depth = 100_000
    (d / "deeply_nested.geojson").write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":'
        + "[" * depth
        + "]" * depth
        + '},"geometry":{"type":"Point","coordinates":[30,50]}}]}'
    )


def _write_parquets(d: Path) -> None:
    _points(20_000).to_parquet(d / "whole.parquet")
    data = (d / "whole.parquet").read_bytes()
    (d / "whole.parquet").unlink()
    (d / "truncated.parquet").write_bytes(data[: len(data) // 2])
    _points(5000).to_parquet(d / "damaged.parquet", row_group_size=CHUNK_ROWS)
    _overwrite_middle(d / "damaged.parquet", seed=1)
    # Broken "geo" metadata: read whole, geopandas checks it; read in chunks, rangecov parses it itself.
    _points(3000).to_parquet(d / "good.parquet")
    table = pq.read_table(d / "good.parquet")
    (d / "good.parquet").unlink()
    meta = table.schema.metadata
    geo = json.loads(meta[b"geo"])
    bad_crs = json.loads(meta[b"geo"])
    bad_crs["columns"]["geometry"]["crs"] = "not a crs"
    variants = {
        "geo_not_json": b"{not json",
        "geo_no_primary": json.dumps({"version": "1.0.0", "columns": {}}).encode(),
        "geo_wrong_column": json.dumps({**geo, "primary_column": "nope"}).encode(),
        "geo_a_list": b"[1, 2]",
        "geo_bad_crs": json.dumps(bad_crs).encode(),
    }
    for name, value in variants.items():
        broken = table.replace_schema_metadata({**meta, b"geo": value})
        pq.write_table(broken, d / f"{name}.parquet", row_group_size=CHUNK_ROWS)
    column = table.schema.get_field_index("geometry")
    garbage = table.set_column(column, "geometry", pa.array([b"\x01\x02garbage"] * table.num_rows))
    pq.write_table(garbage.replace_schema_metadata(meta), d / "not_wkb.parquet", row_group_size=CHUNK_ROWS)


def _write_tables(d: Path) -> None:
    big = "x" * 1_000_000
    rows = "".join(f"p{i},30.{i % 10},50.5\n" for i in range(3000))
    (d / "long_field.csv").write_text(f"name,lon,lat\na,30,{big}\nb,31,51\n")  # 10⁶ characters where a number goes
    (d / "long_quoted.csv").write_text(f'name,lon,lat\n"{big},30,50\nb,31,51\n')  # a quote that never closes
    (d / "long_header.csv").write_text(f"name,{'q' * 1_000_000},lat\na,30,50\n")  # no lon column, one long name
    (d / "long_late.csv").write_text(f"name,lon,lat\n{rows}z,30,{big}\n")  # after the first chunks
    (d / "not_utf8.csv").write_bytes(b"name,lon,lat\n\xff\xfe\x00bad,30,50\n")
    for ext in ("csv.gz", "csv.xz", "csv.bz2", "csv.zip"):
        (d / f"random.{ext}").write_bytes(_random_bytes(5000, seed=len(ext)))
    # Cut short after its first chunks, so that reading in chunks meets the end mid-file.
    many = "".join(f"p{i},30.{i % 10},50.5\n" for i in range(100_000))
    packed = gzip.compress(f"name,lon,lat\n{many}".encode(), compresslevel=1)
    (d / "truncated.csv.gz").write_bytes(packed[: 2 * len(packed) // 3])


def _write_xml_bombs(d: Path) -> None:
    kml = _billion_laughs("kml") + (
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&lol9;</name>'
        "<Point><coordinates>30,50</coordinates></Point></Placemark></Document></kml>\n"
    )
    (d / "bomb.kml").write_text(kml)
    with zipfile.ZipFile(d / "bomb.kmz", "w") as z:
        z.writestr("doc.kml", kml)
    (d / "bomb.gpx").write_text(
        _billion_laughs("gpx") + '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="50" lon="30"><name>&lol9;</name></wpt></gpx>\n'
    )
    (d / "bomb.gml").write_text(
        _billion_laughs("FeatureCollection")
        + '<ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" xmlns:gml="http://www.opengis.net/gml">'
        "<gml:featureMember><ogr:p><ogr:name>&lol9;</ogr:name><ogr:geometryProperty>"
        '<gml:Point srsName="EPSG:4326"><gml:coordinates>30,50</gml:coordinates></gml:Point>'
        "</ogr:geometryProperty></ogr:p></gml:featureMember></ogr:FeatureCollection>\n"
    )


def _write_gdal_files(d: Path) -> None:
    for name in ("not_a_shapefile.zip", "not_a_shapefile.shp.zip"):
        with zipfile.ZipFile(d / name, "w") as z:
            z.writestr("readme.txt", "not a shapefile\n" * 100)
    (d / "random.gpkg").write_bytes(_random_bytes(200_000, seed=2))
    (d / "random.shp").write_bytes(_random_bytes(10_000, seed=3))
    points = _points(5000)
    points.to_file(d / "damaged.gpkg")
    _overwrite_middle(d / "damaged.gpkg", seed=4)
    points.to_file(d / "damaged.fgb")
    _overwrite_middle(d / "damaged.fgb", seed=5)
    for ext in EMPTY:
        (d / f"empty.{ext}").write_bytes(b"")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A folder of the HOSTILE files (and nothing else)."""
    d = tmp_path_factory.mktemp("hostile")
    for write in (_write_geojson, _write_parquets, _write_tables, _write_xml_bombs, _write_gdal_files):
        write(d)
    assert sorted(p.name for p in d.iterdir()) == sorted(HOSTILE)
    assert all(p.stat().st_size <= 50e6 for p in d.iterdir())
    return d
