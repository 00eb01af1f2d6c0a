"""``python -m rangecov`` runs the command line (see :mod:`rangecov.cli`)."""

import sys

from .cli import main

sys.exit(main())
