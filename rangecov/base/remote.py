"""Remote sources (URLs, GDAL's network paths): recognised, and refused unless the caller allows them.

rangecov reads local files unless told otherwise; the vector reader, the
chunked reader, the command and ``raster_coverage`` share this rule.
"""

from __future__ import annotations

import os
import re

from ..errors import InputError

__all__ = ["is_remote", "refuse_remote"]

# URL schemes, and GDAL's virtual file systems that reach over a network.
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_NETWORK_VSI = re.compile(r"/vsi(curl|s3|gs|az|adls|oss|swift|webhdfs|hdfs)", re.IGNORECASE)


def is_remote(path) -> bool:
    """Whether ``path`` names a remote source (a URL other than ``file://``, or a network ``/vsi…/`` path)."""
    text = os.fspath(path) if isinstance(path, (str, os.PathLike)) else ""
    text = text if isinstance(text, str) else ""
    return bool(_URL.match(text) and not text.lower().startswith("file://")) or bool(_NETWORK_VSI.search(text))


def refuse_remote(path, allow_remote: bool, flag: str = "allow_remote=True") -> None:
    """An InputError for a remote source unless it was allowed."""
    if not allow_remote:
        raise InputError(
            f"{os.fspath(path)} is a remote source; rangecov reads local files unless told otherwise: "
            f"pass {flag} to fetch it, or download it first"
        )
