"""Pre-warming: one page built and discarded before the server listens.

What the first visitor would otherwise pay (lazy imports, the core's caches for the default
preset, HoloViews' and Bokeh's classes, the serialisation of a whole document) is paid once at
start-up, before ``--num-procs`` forks, so that every worker starts warm.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

__all__ = ["prewarm"]

log = logging.getLogger("dashboard.server")


class _WarmUpContext:
    """Stands in for the session of the warm-up page when its clean-up callbacks run."""

    id = "cevns-prewarm"

    def __init__(self, document: Any) -> None:
        self._document = document
        self.server_context = None


def prewarm(app: Callable[[], Any], *, every_tab: bool = True) -> float:
    """Build one page of ``app`` outside any session, then discard it; the seconds it took.

    What the first visitor would otherwise pay is paid once at start-up: the imports done
    lazily, the core's caches for the default preset, HoloViews' and Bokeh's classes and the
    serialisation of a whole document; with ``every_tab`` each tab is shown once (its first
    plot and computation). Outside a session the page computes everything in this thread, so
    nothing is left running: the server can fork its ``--num-procs`` workers afterwards, and
    they start warm (copy-on-write). Errors are logged, never raised: a server that could not
    pre-warm still serves.
    """
    import panel as pn
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    t0 = time.perf_counter()
    doc = Document()
    try:
        with set_curdoc(doc):
            page = app()
            page.server_doc(doc)
            if every_tab:
                for tabs in page.select(pn.Tabs):
                    shown = tabs.active
                    for index in range(len(tabs)):
                        tabs.active = index
                    tabs.active = shown
            doc.to_json()
    except Exception:
        log.exception("pre-warming the page failed (the server serves anyway)")
    finally:
        _discard(doc)
    took = time.perf_counter() - t0
    log.info("page pre-warmed in %.1f s", took)
    return took


def _discard(doc: Any) -> None:
    """Run the clean-up a session's end would run for ``doc`` (Panel's and the page's)."""
    import gc

    import panel as pn

    context = _WarmUpContext(doc)
    for callback in list(doc.callbacks.session_destroyed_callbacks):
        with contextlib.suppress(Exception):
            callback(context)
    # views Panel keeps past a session's end (the notification area's): none of this page's
    for ref, view in list(pn.state._views.items()):
        if view[2] is doc:
            del pn.state._views[ref]
    with contextlib.suppress(Exception):
        doc.clear()
    gc.collect()
