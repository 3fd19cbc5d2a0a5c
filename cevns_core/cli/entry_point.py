"""The entry point of the ``cevns`` command: parse, run, and turn errors into one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from ..errors import CevnsError
from ..form_factors import form_factor_models
from .arguments import whole_grid_sizes
from .parser import build_parser

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = build_parser()
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        unavailable = parser.serve_unavailable
        if unavailable is not None and words[:1] == ["serve"] and "--help" not in words:
            raise CevnsError(unavailable)  # whatever the server options: they need it
        args = parser.parse_args(argv)
        if getattr(args, "list", False):
            sys.stdout.write("\n".join(form_factor_models()) + "\n")
            return 0
        whole_grid_sizes(args)
        command: Callable[[argparse.Namespace], None] = args.func
        command(args)
    except CevnsError as exc:
        sys.stderr.write(f"cevns: error: {' '.join(str(exc).splitlines())}\n")
        return 2
    except MemoryError:  # a request within every limit that this machine still cannot hold
        sys.stderr.write("cevns: error: not enough memory for this request; use smaller grids\n")
        return 2
    return 0
