"""Reading the user's files into GeoDataFrames, and writing result tables.

:func:`read` turns a spatial file (GeoJSON, GeoPackage, Shapefile, GeoParquet,
anything GDAL reads) or a table with longitude/latitude columns (CSV, TSV,
Parquet) into a GeoDataFrame with a CRS. :func:`write_frame` writes a
GeoDataFrame by the extension of the path, so that :func:`read` gets it back.

Every user mistake (a missing file, an unknown extension, a column that is not
there, a value that is not a number) is caught here and reported in one
sentence that names the argument and the fix, before pandas or GDAL can answer
with a traceback from deep inside.

The reading is in :mod:`rangecov.io.reader` (files) and
:mod:`rangecov.io.coordinates` (longitude/latitude columns made into points); the
writing is in :mod:`rangecov.io.writer`, below the front ends, because
:meth:`rangecov.CoverageReport.to_file` uses it too.
"""

from __future__ import annotations

from .chunk_reader import open_chunks as open_chunks
from .chunk_reader import rows_beyond as rows_beyond
from .coordinates import LAT_NAMES as LAT_NAMES
from .coordinates import LON_NAMES as LON_NAMES
from .naming import label_columns as label_columns
from .reader import SUPPORTED_READ as SUPPORTED_READ
from .reader import file_kind as file_kind
from .reader import read

# The redundant "as" marks a re-export: these are part of rangecov.io's
# interface (the command line uses them) without being in __all__.
from .writer import SUPPORTED_WRITE as SUPPORTED_WRITE
from .writer import frame_text as frame_text
from .writer import list_columns as list_columns
from .writer import remove_file as remove_file
from .writer import temporary_beside as temporary_beside
from .writer import write_frame

__all__ = ["read", "write_frame"]
