"""``python -m dashboard``: serve the page at http://ADDRESS:PORT/cevns (used by ``make serve``).

The options and their defaults are those of :mod:`dashboard.server` (``--help`` lists them).
"""

from __future__ import annotations

import sys

from dashboard.server import main

if __name__ == "__main__":
    sys.exit(main())
