"""The ``rangecov`` command line (also ``python -m rangecov``).

Exit codes: 0 success (and the share threshold met), 1 a ``--min-share`` /
``--max-share`` threshold not met, 2 bad input or usage, each with a one-line
message on stderr (``--debug`` shows the traceback instead). The JSON output
follows the schemas in ``docs/cli.md``.

The parser is in :mod:`rangecov.cli.parser`, the subcommands in
:mod:`rangecov.cli.commands` and the steps they share (reading inputs,
writing outputs) in :mod:`rangecov.cli.steps`.
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
from collections.abc import Sequence

# The redundant "as" marks a re-export: the names rangecov.cli has always offered.
from ..errors import RangecovError
from ..frontend import AREA_SCHEMA as AREA_SCHEMA
from .parser import FORMATS as FORMATS
from .parser import build_parser
from .steps import EXIT_OK as EXIT_OK
from .steps import EXIT_THRESHOLD as EXIT_THRESHOLD
from .steps import EXIT_USAGE, as_flags

__all__ = ["main"]


_SIGTERM_EXIT = 128 + 15
# Error lines are cut to this many characters: a message that quotes a damaged or hostile
# file (a column name of 10⁶ characters) must stay one readable line.
_MAX_MESSAGE = 1000


def _one_line(text: str) -> str:
    """``text`` with its whitespace (newlines too) collapsed, cut to _MAX_MESSAGE characters ending in "..."."""
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _stop_on_sigterm():
    """Turn SIGTERM (``kill``, ``timeout``, a container stopping) into SystemExit, so that a file being
    written is removed as on Ctrl-C. Returns what puts the previous handler back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum, frame):
        raise SystemExit(_SIGTERM_EXIT)

    previous = signal.signal(signal.SIGTERM, stop)
    return lambda: signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    restore = _stop_on_sigterm()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("rangecov: interrupted", file=sys.stderr)
        return 130
    # Mistakes a user can fix are rangecov's own errors (UsageError is one) and the file system's
    # (permission denied, a path that vanished); a ValueError from inside numpy or pandas is a bug.
    except (RangecovError, OSError) as err:
        if args.debug:
            traceback.print_exc()
            return EXIT_USAGE  # not Python's 1, which would read as "threshold not met"
        message = as_flags(_one_line(str(err)) or type(err).__name__)
        print(f"rangecov {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as stop:
        if stop.code == _SIGTERM_EXIT:
            print("rangecov: terminated", file=sys.stderr)
        raise
    except Exception as err:  # a bug: still exit 2, never 1, which would read as "threshold not met"
        if args.debug:
            traceback.print_exc()
            return EXIT_USAGE
        message = _one_line(str(err))
        print(
            f"rangecov {args.command}: internal error ({type(err).__name__}: {message}); "
            "rerun with --debug and report it",
            file=sys.stderr,
        )
        return EXIT_USAGE
    finally:
        restore()
