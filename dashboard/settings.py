"""Server-side limits of the dashboard, one place, each with a safe default (no Panel).

These bound what one process spends on results and scans whatever its users ask for. The
defaults suit a 2-core lab machine; :func:`configure` changes them (``cevns serve`` options, or
a notebook before building pages):

======================  ==================  ==============================================
setting                 default             meaning
======================  ==================  ==============================================
``cache_bytes``         256 MiB             results cached per process (LRU by bytes)
``scan_max_points``     40 000 (200 × 200)  grid points of one scan request
``scans_per_session``   1                   scans one session may run or queue at once
``scans_per_server``    1                   scans computed at once in one process
``scan_queue``          4                   scans waiting for a slot; more → "busy"
======================  ==================  ==============================================

Scans run in their own thread pool of ``scans_per_server`` workers, so a scan never takes the
workers that update other people's plots.
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["SETTINGS", "Settings", "configure"]


@dataclasses.dataclass
class Settings:
    """The limits (see the module docstring)."""

    cache_bytes: int = 256 * 2**20
    scan_max_points: int = 40_000
    scans_per_session: int = 1
    scans_per_server: int = 1
    scan_queue: int = 4

    def check(self) -> None:
        """Raise ValueError naming a setting out of its range."""
        lows = {
            "cache_bytes": 0,
            "scan_max_points": 4,
            "scans_per_session": 1,
            "scans_per_server": 1,
            "scan_queue": 0,
        }
        for name, low in lows.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be a whole number ≥ {low}, got {value!r}")


#: The process's settings (read them here; change them with :func:`configure`).
SETTINGS = Settings()


def configure(**changes: Any) -> Settings:
    """Change settings (e.g. ``configure(cache_bytes=512 * 2**20, scans_per_server=2)``).

    The result cache is resized at once; the scan pool and slots follow on the next scan.

    Raises
    ------
    ValueError
        For an unknown setting or a value out of its range (nothing changes).
    """
    unknown = [k for k in changes if k not in {f.name for f in dataclasses.fields(Settings)}]
    if unknown:
        raise ValueError(f"unknown dashboard setting(s): {', '.join(unknown)}")
    candidate = dataclasses.replace(SETTINGS, **changes)
    candidate.check()
    for key, value in changes.items():
        setattr(SETTINGS, key, value)
    from .cache import CACHE

    CACHE.resize(SETTINGS.cache_bytes)
    return SETTINGS
