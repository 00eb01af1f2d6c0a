"""The ``rangecov`` command as a whole: exit codes, one-line errors, ``--debug``, hostile files, termination."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from command_line import call, one_line_error
from hostile_files import CHUNK_ROWS, HOSTILE

import rangecov
from rangecov.cli import main

SCRIPT = Path(sys.executable).parent / "rangecov"

BAD = [
    ([], "usage"),
    (["launch"], "invalid choice"),
    (["coverage", "sites.csv", "airfields.geojson"], "one of the arguments --reach --reach-column --band is required"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--band", "1 km", "2 km"], "not allowed with"),
    (["coverage", "sites.csv", "airfields.geojson", "--band", "1 km"], "expected 2 arguments"),
    (["coverage", "sites.csv", "airfields.geojson", "--band", "2 km", "1 km"], "must not exceed high"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "-5 km"], "--reach"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--min-share", "1.5"], "between 0 and 1"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--min-share", "most"], "is not a share"),
    (
        ["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--min-share", "0.5", "--max-share", "0.6"],
        "not allowed with",
    ),
    (
        ["coverage", "sites.csv", "airfields.geojson", "--reach-column", "range"],
        "--reach-column 'range' is not a column",
    ),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--by", "kind"], "--by 'kind' is not a column"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--how", "most"], "invalid choice"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--format", "xml"], "invalid choice"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--out", "r.txt"], "unknown extension"),
    (
        ["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--format", "csv", "--out", "r.json"],
        "does not match",
    ),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--out", "regions.gpkg"], "pass --force"),
    (
        ["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--out", "no/such/dir/r.json"],
        "does not exist",
    ),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--lon", "east"], "east"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--crs", "EPSG:999999"], "crs"),
    (["coverage", "nocoords.csv", "airfields.geojson", "--reach", "1 km"], "name, where"),
    (["coverage", "badnum.csv", "airfields.geojson", "--reach", "1 km"], "row"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--ellipsoid", "flat"], "flat"),
    (["coverage", "sites.csv", "regions.gpkg", "--reach", "1 km", "--how", "all", "--tolerance", "5 km"], "tolerance"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--how", "area"], "polygons"),
    (["reach", "sites.csv", "--reach", "190 mi"], "--out"),
    (["reach", "sites.csv", "--reach", "190 mi", "--out", "r.json.txt"], "unknown extension"),
    (["area", "sites.csv", "airfields.geojson", "--reach", "300 km"], "polygons"),
    (["demo", "--plot", "map.txt"], ".png"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "300000"], "unit"),
]

MAX_SECONDS = 10.0

MAX_RSS_MB = 1024.0

MAX_LINE = 1100  # rangecov.cli cuts a message to 1,000 characters; the prefix comes on top

REACH = ["--reach", "100 km"]


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A folder with a good ORIGINS table, and a valid table whose one name has 10⁷ characters."""
    d = tmp_path_factory.mktemp("good")
    (d / "origins.csv").write_text("name,lon,lat\nA,30,50\nB,31,51\n")
    rows = "".join(f"p{i},30.{i % 10},50.5\n" for i in range(30))
    (d / "long_name.csv").write_text(f"name,lon,lat\n{'x' * 10_000_000},30,50\n{rows}")
    return d


# Runs rangecov.cli.main once per case in this one process, with file descriptors 1 and 2 (so
# also what GDAL prints from C) sent to files, and writes a JSON line per case: exit code,
# output, seconds and the peak RSS so far (ru_maxrss never falls, so the last is the largest).
_RUNNER = """
import json, os, resource, sys, tempfile, time
from rangecov.cli import main

cases = json.loads(open(sys.argv[1]).read())
with open(sys.argv[2], "a") as log:
    for label, argv in cases:
        log.write(json.dumps({"start": label}) + "\\n")
        log.flush()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            sys.stdout.flush(); sys.stderr.flush()
            saved = os.dup(1), os.dup(2)
            os.dup2(out.fileno(), 1); os.dup2(err.fileno(), 2)
            start = time.perf_counter()
            try:
                code = main(argv)
            except SystemExit as stop:
                code = stop.code
            except BaseException as exc:
                code = "raised " + type(exc).__name__
            seconds = time.perf_counter() - start
            sys.stdout.flush(); sys.stderr.flush()
            os.dup2(saved[0], 1); os.dup2(saved[1], 2)
            os.close(saved[0]); os.close(saved[1])
            out.seek(0); err.seek(0)
            stdout, stderr = out.read(), err.read()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        log.write(json.dumps({
            "case": label, "code": code, "seconds": seconds, "rss_mb": rss,
            "stdout_bytes": len(stdout), "stderr": stderr[:5000].decode("utf-8", "replace"),
            "stderr_bytes": len(stderr),
        }) + "\\n")
        log.flush()
"""


def _run_cases(cases: list[tuple[str, list[str]]], tmp_path: Path) -> list[dict]:
    """Run the command line on each (label, argv) in one subprocess; one result per case."""
    case_file, log_file = tmp_path / "cases.json", tmp_path / "results.jsonl"
    case_file.write_text(json.dumps(cases))
    timeout = 30 + MAX_SECONDS * len(cases) / 10
    try:
        subprocess.run(
            [sys.executable, "-c", _RUNNER, str(case_file), str(log_file)],
            timeout=timeout,
            check=True,
            capture_output=True,
        )
    except subprocess.TimeoutExpired:
        started = log_file.read_text().splitlines()[-1:] if log_file.exists() else ["(none)"]
        pytest.fail(f"the runner hung ({timeout:.0f} s) in the case after {started[0]}")
    except subprocess.CalledProcessError as crash:  # a segfault in GDAL, or an uncaught error
        last = log_file.read_text().splitlines()[-1:] if log_file.exists() else []
        pytest.fail(f"the runner died ({crash.returncode}) after {last}: {crash.stderr[-2000:]!r}")
    results = [json.loads(line) for line in log_file.read_text().splitlines()]
    return [r for r in results if "case" in r]


def _hostile_cases(hostile: Path, origins: Path, out: Path) -> list[tuple[str, list[str]]]:
    cases = []
    for name in HOSTILE:
        path = str(hostile / name)
        cases.append((f"TARGETS {name}", ["coverage", str(origins), path, *REACH]))
        cases.append((f"ORIGINS {name}", ["coverage", path, str(origins), *REACH]))
        chunked = ["coverage", str(origins), path, *REACH, "--chunk-rows", str(CHUNK_ROWS), "--out"]
        cases.append((f"TARGETS in chunks {name}", [*chunked, str(out / f"{name}.parquet")]))
    return cases


def test_console_script_is_installed(files):
    out = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("rangecov ")


@pytest.mark.parametrize("argv, phrase", BAD, ids=[" ".join(a) or "(none)" for a, _ in BAD])
def test_mistakes_exit_2_with_one_line_naming_the_problem(argv, phrase, files, capsys, monkeypatch):
    monkeypatch.chdir(files)
    code, out, err = call(argv, capsys)
    assert code == 2
    assert phrase in err, err
    assert "Traceback" not in err
    if argv:  # with no command at all, the help is the message
        one_line_error(err)


def test_debug_shows_the_traceback_and_still_exits_2(files, capsys, monkeypatch):
    monkeypatch.chdir(files)
    code, _, err = call(["coverage", "nocoords.csv", "airfields.geojson", "--reach", "1 km", "--debug"], capsys)
    assert code == 2 and "Traceback" in err


def test_cli_without_command_is_usage_error():
    proc = subprocess.run([sys.executable, "-m", "rangecov"], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage: rangecov" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "rangecov", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("rangecov ")


def test_command_reports_a_mistake_in_one_line(tmp_path, capsys):
    # A mistake: one line, exit 2, no "internal error".
    targets = tmp_path / "t.csv"
    targets.write_text("name,lon,lat\na,36.3,151.75\n")
    assert main(["coverage", str(targets), str(targets), "--reach", "300 km"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" not in err and "beyond ±90°" in err


def test_command_reports_a_bug_as_internal(tmp_path, capsys, monkeypatch):
    # A fault injected where no user input reaches: a ValueError from inside is a bug, not "bad input".
    def broken(*args, **kwargs):
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr(rangecov.cover.entry.PreparedCoverage, "report", broken)
    targets = tmp_path / "t.csv"
    targets.write_text("name,lon,lat\na,36.3,51.75\n")
    assert main(["coverage", str(targets), str(targets), "--reach", "300 km"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (ValueError: operands" in err and "--debug" in err


def test_command_refuses_each_hostile_file_in_one_line(hostile, good, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    results = _run_cases(_hostile_cases(hostile, good / "origins.csv", out), tmp_path)
    assert len(results) == 3 * len(HOSTILE)
    assert list(out.iterdir()) == []  # a failed run leaves no output, not even a partial one
    problems = []
    for r in results:
        role, name = r["case"].split(" ", 1)[0], r["case"].rsplit(" ", 1)[1]
        lines = r["stderr"].splitlines()
        line = lines[0] if lines else ""
        expected = f"rangecov coverage: error: {role}: "
        if r["code"] != 2:
            problems.append(f"{r['case']}: exit {r['code']}")
        if len(lines) != 1 or not line.startswith(expected) or name not in line:
            problems.append(f"{r['case']}: stderr {r['stderr'][:300]!r} ({r['stderr_bytes']:,} bytes)")
        if r["stderr_bytes"] > MAX_LINE or r["stdout_bytes"]:
            problems.append(f"{r['case']}: {r['stderr_bytes']:,} bytes on stderr, {r['stdout_bytes']:,} on stdout")
        if r["seconds"] > MAX_SECONDS or r["rss_mb"] > MAX_RSS_MB:
            problems.append(f"{r['case']}: {r['seconds']:.1f} s, peak RSS {r['rss_mb']:.0f} MB")
    assert not problems, "\n".join(problems)


def test_command_prints_a_table_with_a_ten_million_character_name(good, tmp_path):
    """A valid file, but its one long name once made the printed table take gigabytes (pandas pads
    every cell of a column to its widest); the table now cuts long labels."""
    origins, long_name = str(good / "origins.csv"), str(good / "long_name.csv")
    cases = [
        ("TARGETS long_name.csv", ["coverage", origins, long_name, *REACH]),
        ("ORIGINS long_name.csv", ["coverage", long_name, origins, *REACH]),
        ("JSON long_name.csv", ["coverage", origins, long_name, *REACH, "--format", "json"]),
    ]
    results = _run_cases(cases, tmp_path)
    for r in results:
        assert r["code"] == 0, r
        assert r["seconds"] <= MAX_SECONDS and r["rss_mb"] <= MAX_RSS_MB, r
    table, _, as_json = results
    assert table["stdout_bytes"] < 20_000  # the name is shown cut, not whole
    assert as_json["stdout_bytes"] > 10_000_000  # JSON keeps it whole


def test_command_terminated_leaves_no_file(data, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    _, origins, _, _, _ = data
    sites = tmp_path / "sites.geojson"
    origins.reset_index().to_file(sites)
    n = 200_000
    rng = np.random.default_rng(3)
    table = pd.DataFrame({"lon": rng.uniform(25, 45, n).round(4), "lat": rng.uniform(44, 56, n).round(4)})
    table.to_csv(tmp_path / "many.csv", index=False)
    command = [sys.executable, "-m", "rangecov", "coverage", str(sites), str(tmp_path / "many.csv")]
    command += ["--reach", "300 km", "--chunk-rows", "500", "--out", str(tmp_path / "rows.gpkg"), "--quiet"]
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not [p for p in tmp_path.iterdir() if p.name.startswith(".")] and time.monotonic() < deadline:
        time.sleep(0.05)  # until the temporary output exists
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 143 and "terminated" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.csv", "sites.geojson"]
