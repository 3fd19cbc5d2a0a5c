"""The core's warnings (``CevnsWarning``) recorded for the page instead of printed.

Kept apart from :mod:`dashboard.results` so that the modules it re-exports (scans) can use it
without importing it back.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import cevns_core as cc

__all__ = ["collect_warnings"]


@contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Record the core's warnings (CevnsWarning) instead of printing them; others pass on."""
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.CevnsWarning)
        yield messages
    for w in caught:
        if issubclass(w.category, cc.CevnsWarning):
            text = str(w.message)
            if text not in messages:
                messages.append(text)
        else:  # anything else goes on as it would have
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
