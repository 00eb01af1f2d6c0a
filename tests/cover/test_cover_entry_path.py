"""coverage() follows one straight path: options and frames checked once, the engine, the report.

bench/trace_call.py traces the call (50 point origins x 2,000 point targets,
.targets and .share read) with sys.setprofile and threading.setprofile and
lists the rangecov modules whose functions ran; the goal of the layout is at
most 10 modules in at most 5 packages below the root.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "trace_call.py"


def _trace_call():
    spec = importlib.util.spec_from_file_location("trace_call", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("trace_call", module)
    spec.loader.exec_module(module)
    return module


def test_coverage_runs_through_ten_modules_at_most():
    found = _trace_call().trace()
    assert len(found["modules"]) <= 10, found["modules"]
    assert len(found["packages"]) <= 5, found["packages"]
    # The path itself: the entry, the frame and option checks, the engine, the report.
    assert {
        "rangecov.cover.entry",
        "rangecov.inputs.frames",
        "rangecov.engine.index",
        "rangecov.results.report",
    } <= set(found["modules"])


def test_each_frame_is_checked_once():
    """check_frame runs once for the origins and once for the targets."""
    import threading

    import rangecov
    from rangecov.inputs import frames

    origins, targets = _trace_call().make_frames(5, 20)
    rangecov.coverage(origins, targets, "300 km")  # imports, untraced
    seen = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code is frames.check_frame.__code__:
            seen.append(frame.f_locals["argname"])

    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        rangecov.coverage(origins, targets, "300 km")
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    assert sorted(seen) == ["origins", "targets"]
