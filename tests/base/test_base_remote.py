"""Remote sources are read only when asked: ``allow_remote=True`` / ``--allow-remote``.

A file name taken from elsewhere (a web form, a config) must not make rangecov
fetch anything. The allowed path is tested against a local HTTP server.
"""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

import rangecov
from rangecov.cli import main
from rangecov.errors import InputError, UnsupportedError

REMOTE = [
    "https://example.org/airfields.csv",
    "http://example.org/a.geojson",
    "s3://bucket/targets.parquet",
    "gs://bucket/targets.parquet",
    "/vsicurl/https://example.org/a.fgb",
    "/vsizip//vsicurl/https://example.org/a.zip/a.shp",
    "/vsis3/bucket/a.gpkg",
]


@pytest.mark.parametrize("source", REMOTE)
def test_remote_sources_are_refused_by_default(source):
    with pytest.raises(InputError, match="is a remote source; .* pass allow_remote=True"):
        rangecov.read(source)
    sites = rangecov.datasets.atacms_kursk_2024().launch_sites
    with pytest.raises(InputError, match="is a remote source"):
        rangecov.stream_coverage(sites, source, "300 km")


@pytest.fixture
def server(tmp_path):
    s = rangecov.datasets.atacms_kursk_2024()
    s.airfields.reset_index().to_file(tmp_path / "airfields.geojson")
    (tmp_path / "sites.csv").write_text(
        "name,lon,lat\n" + "\n".join(f"{n},{p.x},{p.y}" for n, p in zip(s.launch_sites.index, s.launch_sites.geometry))
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.log_message = lambda *args: None
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", tmp_path
    httpd.shutdown()


def test_allowed_remote_sources_are_read(server, capsys):
    url, folder = server
    sites = rangecov.read(f"{url}/sites.csv", allow_remote=True)
    fields = rangecov.read(f"{url}/airfields.geojson", allow_remote=True)
    assert len(sites) == 7 and len(fields) == 17
    with pytest.raises(UnsupportedError, match="not read in chunks; download the file first"):
        rangecov.stream_coverage(sites, f"{url}/airfields.geojson", "300 km", allow_remote=True)
    argv = ["coverage", f"{url}/sites.csv", f"{url}/airfields.geojson", "--reach", "190 mi", "--format", "json"]
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "is a remote source" in err and "pass --allow-remote" in err and err.count("\n") == 1
    assert main([*argv, "--allow-remote"]) == 0
    assert '"count": 5' in capsys.readouterr().out
