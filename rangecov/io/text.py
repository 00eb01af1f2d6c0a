"""Text tables (CSV, TSV, TXT, compressed or not): their separator, decimal commas, and reading them
with their failures reported as the file's errors. Used by :func:`rangecov.io.read` and by the
chunked reader (:mod:`rangecov.io.chunk_reader`), so that both read a file alike.
"""

from __future__ import annotations

import csv
import lzma
import re
import zipfile
import zlib
from pathlib import Path

import pandas as pd

from ..errors import FileFormatError, InputError, InputTypeError, MissingDependencyError
from .writer import first_line

__all__ = [
    "COMPRESSIONS",
    "TABLE_SEPARATORS",
    "suffixes",
    "check_separator",
    "table_separator",
    "decimal_commas",
    "read_table",
    "damaged_archive",
]

# The separator a table has when its header line does not show one (a single column).
TABLE_SEPARATORS = {".csv": ",", ".tsv": "\t", ".txt": ","}
# Separators found in a header line; the most frequent wins, ties in this order.
_SEPARATORS = (",", "\t", ";", "|")
# A number written with a decimal comma ("50,91"), as spreadsheets in much of Europe save
# ";"-separated files; an optional sign and no thousands separators.
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?(\d+,\d*|,\d+|\d+)\s*$")
COMPRESSIONS = {".gz", ".bz2", ".xz", ".zst", ".zip"}


def suffixes(path: Path) -> tuple[str, str]:
    """The last extension and the one before it, lower-case (".csv", ".gz" for "a.csv.gz")."""
    suffixes = [s.lower() for s in path.suffixes]
    last = suffixes[-1] if suffixes else ""
    before = suffixes[-2] if len(suffixes) > 1 else ""
    return last, before


def check_separator(sep) -> None:
    """An error naming ``sep=`` unless it is None or a non-empty string."""
    if sep is not None and (not isinstance(sep, str) or not sep):
        raise InputTypeError(f'sep= must be a separator such as ",", ";", "\\t" or "|", got {sep!r}')


def table_separator(path: Path, sep: str | None = None) -> str:
    """The separator of a table file: ``sep`` if given, else found in its header line, else by its extension."""
    if sep is not None:
        return sep
    last, before = suffixes(path)
    extension = last if last not in COMPRESSIONS else before
    header = _header_line(path)
    # Quoted names may hold any character ("Name, full"); only separators outside quotes count.
    bare = re.sub(r'"[^"]*"', "", header)
    counts = [bare.count(candidate) for candidate in _SEPARATORS]
    if TABLE_SEPARATORS.get(extension) == "\t" and "\t" in bare:
        return "\t"  # a .tsv is tab-separated when its header has a tab, whatever else its names hold
    if max(counts, default=0) > 0:
        return _SEPARATORS[counts.index(max(counts))]
    if extension == ".txt" and len(header.split()) > 1:
        return r"\s+"  # columns aligned with spaces
    return TABLE_SEPARATORS.get(extension, ",")


def _header_line(path: Path) -> str:
    """The first non-blank line of a table file (decompressed as pandas would), or "" if it can't be read.

    Read by pandas with a separator that text files do not hold (U+001F), so that every compression
    pandas reads is read here too; what fails here is reported by read_table, which reads the file.
    """
    try:
        first = pd.read_csv(path, sep="\x1f", header=None, nrows=1, dtype=str, quoting=csv.QUOTE_NONE, encoding="utf-8")
    except Exception:  # noqa: BLE001 - read_table reads the file again and says what is wrong
        return ""
    value = first.iloc[0, 0] if first.shape[0] and first.shape[1] == 1 else None
    return value if isinstance(value, str) else ""  # read as text: a string, or NaN where the line is empty


def decimal_commas(table: pd.DataFrame, columns=None) -> pd.DataFrame:
    """``table`` with its text columns of decimal-comma numbers ("50,91") as floats.

    A column is converted when every value present is such a number and at least one has a comma
    (``columns``: convert these, which must then hold such numbers, as later chunks of a file do).
    Returns the table (a copy when anything changed).
    """
    chosen = []
    for name in table.columns if columns is None else columns:
        values = table[name]
        if columns is None:
            if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
                continue
            present = values.dropna()
            if not len(present) or not all(isinstance(v, str) for v in present):
                continue
            text = present.astype(str)
            if not (text.str.contains(",", regex=False).any() and text.str.fullmatch(_DECIMAL_COMMA).all()):
                continue
        chosen.append(name)
    if not chosen:
        return table
    table = table.copy()
    for name in chosen:
        text = table[name].astype("string")
        bad = text.notna() & ~text.str.fullmatch(_DECIMAL_COMMA).fillna(True)
        if bad.any():  # only when told which columns: a later chunk of a file
            rows = ", ".join(f"{int(i) + 1:,}" for i in table.index[bad.to_numpy()][:5])
            shown = ", ".join(repr(v)[:40] for v in text[bad].head(5))
            raise InputError(
                f"column {name!r} holds numbers with decimal commas in the first rows, but {shown} "
                f"at data row(s) {rows}; correct those values"
            )
        table[name] = pd.to_numeric(text.str.replace(",", ".", regex=False).str.strip()).astype(float)
    return table


def read_table(path: Path, *, sep: str | None = None, commas: bool = True, **options) -> pd.DataFrame:
    """A table file read by pandas (``options`` go to ``read_csv``), its failures as the file's errors.

    The separator is :func:`table_separator`'s; with ``";"`` (and ``commas``), decimal commas are
    read as numbers.
    """
    sep = table_separator(path, sep)
    try:
        table = pd.read_csv(path, sep=sep, **options)
    except pd.errors.EmptyDataError:
        raise FileFormatError(f"{path} is empty; a table needs at least a header line naming its columns") from None
    except UnicodeDecodeError:
        raise FileFormatError(
            f"{path} is not UTF-8 text; save it as UTF-8 (e.g. 'CSV UTF-8' in a spreadsheet)"
        ) from None
    except (pd.errors.ParserError, ValueError) as err:
        # The parser's own message says where (e.g. "Expected 3 fields in line 4, saw 5").
        raise FileFormatError(f"{path} could not be read as a table: {first_line(err)}") from None
    except ImportError as err:  # a compression whose module is missing (.zst needs zstandard)
        raise MissingDependencyError(f"reading {path} needs a package: {first_line(err)}") from None
    except Exception as err:
        if not damaged_archive(err):
            raise
        raise FileFormatError(f"{path} could not be decompressed: {first_line(err)}") from None
    return decimal_commas(table) if sep == ";" and commas else table


def damaged_archive(err: BaseException) -> bool:
    """Whether ``err`` is a decompressor's complaint about a damaged ``.gz``/``.bz2``/``.xz``/``.zip`` table.

    Python's decompressors raise EOFError (a file cut short), zipfile.BadZipFile, lzma.LZMAError,
    zlib.error (a damaged gzip or zip body)
    and OSError without an errno (gzip, bz2); an OSError of the system (permission denied) has one.
    """
    if isinstance(err, OSError):
        return err.errno is None
    return isinstance(err, (EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error))
