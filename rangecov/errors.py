"""The exceptions rangecov raises for mistakes a user can fix.

Each is a subclass of the built-in type that code catches today
(``ValueError``, ``TypeError``, the ``OSError`` family, ``ImportError``,
``NotImplementedError``), so existing ``except`` clauses keep working, and of
:class:`RangecovError`, so one clause catches them all.

>>> from rangecov import errors
>>> issubclass(errors.InputError, ValueError), issubclass(errors.InputError, errors.RangecovError)
(True, True)
"""

from __future__ import annotations

__all__ = [
    "RangecovError",
    "InputError",
    "InputTypeError",
    "MissingCRSError",
    "FileMissingError",
    "FileFormatError",
    "OutputExistsError",
    "PathIsFolderError",
    "OutputWriteError",
    "MissingDependencyError",
    "UnsupportedError",
    "UnreachableShareError",
]


class RangecovError(Exception):
    """Base of every error rangecov raises on purpose."""


class InputError(RangecovError, ValueError):
    """An argument has a value rangecov cannot use; the message names it and what is accepted."""


class InputTypeError(RangecovError, TypeError):
    """An argument has a type rangecov cannot use; the message names it and what is accepted."""


class MissingCRSError(InputError):
    """Spatial data without a coordinate reference system (its coordinates cannot be placed on the Earth)."""


class FileMissingError(RangecovError, FileNotFoundError):
    """An input file (or the folder of an output file) does not exist."""


class FileFormatError(InputError):
    """An input file exists but cannot be read as what it claims to be (truncated, malformed, another format)."""


class OutputExistsError(RangecovError, FileExistsError):
    """An output file exists and replacing it was not asked for."""


class PathIsFolderError(RangecovError, IsADirectoryError):
    """A file path was expected and a folder was given."""


class OutputWriteError(RangecovError, OSError):
    """An output could not be written (e.g. the disk is full); nothing of it is left behind."""


class MissingDependencyError(RangecovError, ImportError):
    """An optional extra is needed (the message says which ``pip install`` brings it)."""


class UnsupportedError(RangecovError, NotImplementedError):
    """A valid request outside what rangecov computes (e.g. line buffers beyond 9,000 km)."""


class UnreachableShareError(InputError):
    """``place(share=...)`` asks for more than every candidate together covers; ``best_share`` is what they do."""

    def __init__(self, message: str, best_share: float) -> None:
        super().__init__(message)
        self.best_share = best_share
