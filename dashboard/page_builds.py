"""Pages built off the event loop, so that the open pages keep updating while people arrive.

A page build (the dashboard's ``create_app`` and its Bokeh models: about a second of CPU) runs,
in Bokeh's server, on the event loop, which then serves nobody else: an update of an open page
that arrives meanwhile waits for the whole build, and a class opening the page together made
the open pages wait for many builds in a row. :class:`OffLoopBuilds` moves the build of each new
session's document to one worker thread:

* Bokeh creates a session as usual (its document, session context and request), then awaits
  the application's ``on_session_created``: there the document is built in the worker thread
  (the application's handlers, exactly what ``initialize_document`` would run), and the
  application's ``initialize_document`` then finds it built. The session exists only after
  that, as before: nothing else touches the document while it is built;
* one build at a time (one thread): builds do not compete with each other for the
  interpreter; the event loop runs the open pages' callbacks in between (Python switches
  threads every few milliseconds), so an update takes about twice its own time while a page is
  being built instead of waiting for the build;
* Panel records the thread that built a document as its own; once built, the document is
  given to the event loop's thread, where the session uses it;
* Bokeh's stack of patched current documents (``bokeh.io.doc._PATCHED_CURDOCS``, pushed and
  popped around every document callback and around a build) is global; it is made per thread
  (:class:`_PerThreadStack`), so that a build and a callback on the event loop never see each
  other's document. Panel's own current document is a context variable (per thread already).

A build that fails in the thread is retried on the event loop (Bokeh's usual path), so a page is
never lost to this module. ``cevns serve --build-pages-on-loop`` turns it off.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

__all__ = ["OffLoopBuilds", "thread_safe_curdoc"]

log = logging.getLogger("dashboard.server")


class _PerThreadStack:
    """A list-like stack with one list per thread (what ``bokeh.io.doc`` uses of a list)."""

    def __init__(self, initial: list[Any] | None = None) -> None:
        self._local = threading.local()
        self._main = list(initial or [])
        self._main_thread = threading.main_thread()

    def _items(self) -> list[Any]:
        if threading.current_thread() is self._main_thread:
            return self._main
        items = getattr(self._local, "items", None)
        if items is None:
            items = self._local.items = []
        return items

    def append(self, item: Any) -> None:
        self._items().append(item)

    def pop(self, index: int = -1) -> Any:
        return self._items().pop(index)

    def clear(self) -> None:
        self._items().clear()

    def __len__(self) -> int:
        return len(self._items())

    def __getitem__(self, index: Any) -> Any:
        return self._items()[index]

    def __iter__(self) -> Any:
        return iter(list(self._items()))

    def __bool__(self) -> bool:
        return bool(self._items())


def thread_safe_curdoc() -> None:
    """Make Bokeh's stack of patched current documents per thread (once per process)."""
    from bokeh.io import doc as bokeh_doc

    stack = bokeh_doc._PATCHED_CURDOCS
    if not isinstance(stack, _PerThreadStack):
        bokeh_doc._PATCHED_CURDOCS = _PerThreadStack(list(stack))


def _claim_for_this_thread(doc: Any) -> None:
    """Give the document to the event loop's thread.

    Panel records the thread that built a document as the document's own (its events are
    processed at once there, and scheduled on the event loop from any other thread); a page
    built in the worker thread is used on the event loop's thread.
    """
    try:
        from panel.io.state import state
    except ImportError:  # pragma: no cover - a Bokeh application without Panel
        return
    if doc in state._thread_id_:
        state._thread_id_[doc] = threading.get_ident()


class OffLoopBuilds:
    """Builds the documents of new sessions of a Bokeh/Panel server in one worker thread.

    :meth:`install` on the server (before it starts); :attr:`built` counts the documents built
    in the thread, :attr:`fallbacks` those built on the event loop after a failure there,
    :attr:`pending` those waiting for or in the thread. :attr:`on_busy`, if set, is called with
    ``True`` when a build starts with none pending and with ``False`` when the last one ends
    (:class:`dashboard.accept_balance.AcceptWhenIdle` listens to it).
    """

    def __init__(self) -> None:
        self.built = 0
        self.fallbacks = 0
        self.pending = 0
        self.on_busy: Callable[[bool], None] | None = None
        self._executor: ThreadPoolExecutor | None = None

    @property
    def executor(self) -> ThreadPoolExecutor:
        # created on first use: after --num-procs has forked (threads do not survive a fork)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cevns-page")
        return self._executor

    def install(self, server: Any, paths: Any = None) -> None:
        """Build the pages of ``server``'s applications at ``paths`` (default: all) off the
        event loop."""
        thread_safe_curdoc()
        for path, context in server._tornado.applications.items():
            if paths is None or path in paths:
                self._wrap(context.application)

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _count(self, change: int) -> None:
        was_busy = self.pending > 0
        self.pending += change
        if self.on_busy is not None and (self.pending > 0) != was_busy:
            self.on_busy(self.pending > 0)

    def _wrap(self, application: Any) -> None:
        original_created = application.on_session_created
        original_initialize = application.initialize_document
        ready: weakref.WeakSet[Any] = weakref.WeakSet()
        builds = self

        async def on_session_created(session_context: Any) -> None:
            await original_created(session_context)
            doc = session_context._document
            loop = asyncio.get_running_loop()
            builds._count(+1)
            try:
                await loop.run_in_executor(builds.executor, original_initialize, doc)
            except Exception:
                log.exception("building a page in the worker thread failed; built again")
                doc.clear()
                builds.fallbacks += 1
                return
            finally:
                builds._count(-1)
            _claim_for_this_thread(doc)
            builds.built += 1
            ready.add(doc)

        def initialize_document(doc: Any) -> None:
            if doc in ready:
                ready.discard(doc)
                return
            original_initialize(doc)

        application.on_session_created = on_session_created
        application.initialize_document = initialize_document
