"""Pages built off the event loop (``dashboard/page_builds.py``), without a server: the build
runs in the worker thread while the event loop keeps running, once per document, and is then
given to the loop's thread (Panel's owner of the document), with Bokeh's
patched current document kept per thread; a failed build is done again on the loop."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from bokeh.document import Document
from bokeh.io import doc as bokeh_doc
from bokeh.io.doc import curdoc, patch_curdoc
from panel.io.state import state as panel_state

from dashboard.page_builds import OffLoopBuilds, _PerThreadStack, thread_safe_curdoc


class FakeApplication:
    """What Bokeh's session creation uses of an application: the two hooks, in this order."""

    def __init__(self, build: Any) -> None:
        self.build = build
        self.created: list[Any] = []
        self.builds: list[str] = []

    async def on_session_created(self, session_context: Any) -> None:
        self.created.append(session_context)

    def initialize_document(self, doc: Any) -> None:
        self.builds.append(threading.current_thread().name)
        self.build(doc)


def _server_with(application: Any) -> Any:
    context = SimpleNamespace(application=application)
    return SimpleNamespace(_tornado=SimpleNamespace(applications={"/cevns": context}))


async def _create_session(application: Any) -> Any:
    """Bokeh's ``ApplicationContext.create_session_if_needed``, reduced to the two hooks."""
    doc = Document()
    await application.on_session_created(SimpleNamespace(_document=doc))
    application.initialize_document(doc)
    return doc


@pytest.fixture
def builds():
    builds = OffLoopBuilds()
    yield builds
    builds.shutdown()


async def test_a_page_is_built_in_the_worker_thread_while_the_loop_runs(builds) -> None:
    loop_ran = threading.Event()

    def build(doc: Any) -> None:
        # only a running event loop can set the event: a build on the loop would wait in vain
        assert loop_ran.wait(timeout=30)
        panel_state._thread_id_[doc] = threading.get_ident()  # as Panel does while building
        doc.title = "built"

    application = FakeApplication(build)
    builds.install(_server_with(application))

    async def meanwhile() -> None:
        await asyncio.sleep(0)
        loop_ran.set()

    doc, _ = await asyncio.gather(_create_session(application), meanwhile())
    assert doc.title == "built"
    # then given to the event loop's thread, where Panel processes the page's events at once
    assert panel_state._thread_id_[doc] == threading.get_ident()
    assert application.builds == ["cevns-page_0"]  # once, in the worker thread
    assert len(application.created) == 1 and builds.built == 1 and builds.fallbacks == 0


async def test_a_failed_build_is_done_again_on_the_loop(builds) -> None:
    def build(doc: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("no page in this thread")
        doc.title = "built on the loop"

    application = FakeApplication(build)
    builds.install(_server_with(application))
    doc = await _create_session(application)
    assert doc.title == "built on the loop"
    assert application.builds == ["cevns-page_0", "MainThread"]
    assert builds.fallbacks == 1 and builds.built == 0


def test_only_the_given_paths_are_built_off_the_loop(builds) -> None:
    application = FakeApplication(lambda doc: None)
    hooks = (application.on_session_created, application.initialize_document)
    builds.install(_server_with(application), {"/admin"})
    assert (application.on_session_created, application.initialize_document) == hooks


def test_patched_current_documents_are_per_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bokeh_doc, "_PATCHED_CURDOCS", list(bokeh_doc._PATCHED_CURDOCS))
    thread_safe_curdoc()
    assert isinstance(bokeh_doc._PATCHED_CURDOCS, _PerThreadStack)
    thread_safe_curdoc()  # once: the stack is not wrapped twice
    assert isinstance(bokeh_doc._PATCHED_CURDOCS._main, list)
    main_doc, thread_doc = Document(), Document()
    inside, seen = threading.Event(), {}

    def other_thread() -> None:
        with patch_curdoc(thread_doc):
            inside.set()
            seen["thread"] = curdoc()
            done.wait(timeout=30)
            seen["thread later"] = curdoc()

    done = threading.Event()
    worker = threading.Thread(target=other_thread)
    with patch_curdoc(main_doc):
        worker.start()
        assert inside.wait(timeout=30)
        assert curdoc() is main_doc  # the other thread's patch is not seen here
        done.set()
        worker.join(timeout=30)
        assert curdoc() is main_doc  # and its end does not pop this thread's patch
    assert seen == {"thread": thread_doc, "thread later": thread_doc}
    assert len(bokeh_doc._PATCHED_CURDOCS) == 0


async def test_busy_is_reported_once_while_builds_are_pending(builds) -> None:
    """``on_busy``: ``True`` when the first of overlapping builds starts, ``False`` after the
    last (what a ``--num-procs`` worker uses to stop taking connections, accept_balance.py)."""
    changes: list[tuple[bool, int]] = []
    builds.on_busy = lambda busy: changes.append((busy, builds.pending))
    release = threading.Event()
    application = FakeApplication(lambda doc: release.wait(timeout=30))
    builds.install(_server_with(application))

    async def release_when_both_wait() -> None:
        while builds.pending < 2:
            await asyncio.sleep(0.01)
        release.set()

    await asyncio.gather(
        _create_session(application), _create_session(application), release_when_both_wait()
    )
    assert changes == [(True, 1), (False, 0)]
    assert builds.built == 2 and builds.pending == 0


async def test_a_failed_build_ends_the_busy_state(builds) -> None:
    changes: list[bool] = []
    builds.on_busy = changes.append

    def build(doc: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("no page in this thread")

    application = FakeApplication(build)
    builds.install(_server_with(application))
    await _create_session(application)
    assert changes == [True, False] and builds.pending == 0
