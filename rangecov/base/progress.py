"""Progress bars for long work: tqdm on stderr, only where someone is watching.

``progress=None`` (the default of every public function that takes it) shows a
bar only when tqdm is installed, stderr is a terminal, and the work is still
running after about a second (tqdm's ``delay``): short calls, captured output
and CI logs stay clean. Work split by :func:`chunks` into one chunk shows no
automatic bar: it would sit at 0% through the one step it could count. ``progress=True`` always
shows one (tqdm required); ``progress=False`` never does. The argument is
checked where the user passes it (:func:`rangecov.inputs.options.check_progress`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import MissingDependencyError

__all__: list[str] = []

# Work that finishes within this many seconds never shows a bar in auto mode.
AUTO_DELAY_S = 1.0


def _tqdm(progress):
    """The tqdm class to use, or None for no bar."""
    if progress is False:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        if progress:
            raise MissingDependencyError(
                'progress=True needs the tqdm package: pip install "rangecov[progress]"'
            ) from None
        return None
    if progress is None:
        stream = sys.stderr
        if stream is None or not getattr(stream, "isatty", lambda: False)():
            return None
    return tqdm


class _Silent:
    def update(self, n: int = 1) -> None:
        pass


@contextmanager
def bar(total: int | None, *, desc: str, unit: str, progress) -> Iterator:
    """A bar with ``.update(n)`` (``total`` None when not known ahead); a silent stand-in when no bar is wanted."""
    tqdm = _tqdm(progress)
    if tqdm is None:
        yield _Silent()
        return
    delay = AUTO_DELAY_S if progress is None else 0.0
    with tqdm(total=total, desc=desc, unit=unit, delay=delay, file=sys.stderr, leave=False) as pb:
        yield pb


def chunks(n: int, size: int, *, desc: str, unit: str, progress) -> Iterator[slice]:
    """Slices covering ``range(n)`` in steps of ``size``, advancing a bar by each slice's length.

    Work in one step has no bar unless one is asked for (``progress=True``).
    """
    if 0 < n <= size and not progress:
        yield slice(0, n)
        return
    with bar(n, desc=desc, unit=unit, progress=progress) as pb:
        for start in range(0, n, size):
            stop = min(n, start + size)
            yield slice(start, stop)
            pb.update(stop - start)
