"""The ``cevns`` command line (DESIGN.md §4).

Every command prints machine-readable output (CSV with units in the header, or JSON) on stdout;
errors print one line to stderr and exit with status 2 (bad input, or a request the machine
has not the memory for); JSON output writes NaN and ±inf (an open interval's error) as null.
"""

from .arguments import nuclear_overrides as nuclear_overrides
from .entry_point import main
from .parser import build_parser

_build_parser = build_parser  # the name of the single-module CLI

__all__ = ["build_parser", "main"]
