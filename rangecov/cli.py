"""The ``rangecov`` command line (also ``python -m rangecov``).

Exit codes: 0 success, 2 bad input or usage (a one-line message on stderr).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from . import __version__

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    print(run_demo())
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rangecov",
        description="Exact geodesic reach coverage: which targets lie within reach of which origins.",
        epilog="example:\n  rangecov demo        # the bundled ATACMS / Kursk 2024 scenario",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rangecov {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="run the bundled ATACMS / Kursk (Nov 2024) scenario")
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    return args.func(args)
