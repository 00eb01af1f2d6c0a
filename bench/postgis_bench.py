"""PostGIS baseline for bench/points.py and bench/shapes.py: `EXISTS (... ST_DWithin(geography))`.

Needs Debian's PostgreSQL 15 and PostGIS 3 (`apt-get install postgresql-15
postgresql-15-postgis-3`; installed here on first use when running as root).
A throw-away cluster is created in a temporary folder, started on 127.0.0.1
on a free port, and stopped and deleted afterwards, whatever happens.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import subprocess
import tempfile
import time

import numpy as np

PG_BIN = "/usr/lib/postgresql/15/bin"
POSTGIS_PACKAGE = "postgresql-15-postgis-3"


def _ensure_installed() -> None:
    have_pg = os.path.exists(os.path.join(PG_BIN, "postgres"))
    have_postgis = os.path.exists("/usr/share/postgresql/15/extension/postgis.control")
    if have_pg and have_postgis:
        return
    if os.geteuid() != 0:
        raise RuntimeError(f"PostGIS is not installed; run: sudo apt-get install postgresql-15 {POSTGIS_PACKAGE}")
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "postgresql-15", POSTGIS_PACKAGE], check=True, capture_output=True
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _cluster():
    _ensure_installed()
    root = tempfile.mkdtemp(prefix="rangecov-pg-")
    data = os.path.join(root, "data")
    # PostgreSQL refuses to run as root: run it as the packaged `postgres` user.
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_pg:
        shutil.chown(root, "postgres")
    port = _free_port()
    subprocess.run(
        [*as_pg, f"{PG_BIN}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    opts = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_parallel_workers_per_gather=2 "
        "-c shared_buffers=1GB -c work_mem=256MB -c fsync=off -c synchronous_commit=off"
    )
    subprocess.run(
        [*as_pg, f"{PG_BIN}/pg_ctl", "-D", data, "-o", opts, "-w", "-l", os.path.join(root, "log"), "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield port
    finally:
        subprocess.run([*as_pg, f"{PG_BIN}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _psql(port: int, sql: str, stdin: str | None = None) -> str:
    proc = subprocess.run(
        [
            "psql",
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            sql,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


def _csv(ids: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> str:
    buf = io.StringIO()
    np.savetxt(buf, np.c_[ids, lon, lat], fmt=["%d", "%.12f", "%.12f"], delimiter=",")
    return buf.getvalue()


def postgis_exists(o_lon, o_lat, t_lon, t_lat, reach_m: float, *, origin_wkt: list[str] | None = None):
    """In-reach mask from PostGIS, seconds to load + index, seconds for the query.

    ``origin_wkt``: origins as WKT lon/lat geometries (lines, polygons) instead of points.
    """
    with _cluster() as port:
        _psql(port, "CREATE EXTENSION postgis;")
        t0 = time.perf_counter()
        loads = [("t", t_lon, t_lat)]
        if origin_wkt is None:
            loads.insert(0, ("o", o_lon, o_lat))
        else:
            _psql(port, "CREATE UNLOGGED TABLE o_raw (id int, wkt text);")
            rows = "".join(f'{k},"{w}"\n' for k, w in enumerate(origin_wkt))
            _psql(port, "COPY o_raw FROM STDIN WITH (FORMAT csv);", stdin=rows)
            _psql(port, "CREATE UNLOGGED TABLE o AS SELECT id, ST_GeogFromText('SRID=4326;' || wkt) AS g FROM o_raw;")
        for name, lon, lat in loads:
            _psql(port, f"CREATE UNLOGGED TABLE {name}_raw (id int, lon float8, lat float8);")
            _psql(port, f"COPY {name}_raw FROM STDIN WITH (FORMAT csv);", stdin=_csv(np.arange(lon.size), lon, lat))
            _psql(
                port,
                f"CREATE UNLOGGED TABLE {name} AS SELECT id, "
                f"ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS g FROM {name}_raw;",
            )
        _psql(port, "CREATE INDEX ON o USING gist (g); ANALYZE o; ANALYZE t;")
        load_s = time.perf_counter() - t0
        query = (
            f"COPY (SELECT t.id FROM t WHERE EXISTS "
            f"(SELECT 1 FROM o WHERE ST_DWithin(o.g, t.g, {reach_m!r}))) TO STDOUT;"
        )
        t0 = time.perf_counter()
        out = _psql(port, query)
        query_s = time.perf_counter() - t0
    inside = np.zeros(t_lon.size, dtype=bool)
    ids = np.array(out.split(), dtype=np.int64)
    inside[ids] = True
    return inside, load_s, query_s
