"""``python -m cevns_core.cli``: the ``cevns`` command."""

import sys

from .entry_point import main

__all__: list[str] = []

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
