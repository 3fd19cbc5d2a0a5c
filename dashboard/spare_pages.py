"""Spare pages: a few pages built ahead, while a server process is idle, for its next visitors.

A page costs the server most of a second of CPU (its Bokeh models, its first results); a class
opening the page together waited for the builds in turn (20 people on 2 cores: connect and
first document after 5.5–6.5 s at the median). :class:`SparePages` keeps ``count`` pages built
per server process, as sessions that nobody holds yet:

* a spare is built like any page (the application's handlers, in the page builder's thread),
  for a stand-in request of the plain page: no query, no cookie, no header;
* a new session whose request asks for the plain page (its token carries no query argument)
  gets a spare instead of a new build: the spare takes the session's id, token and request
  (what Bokeh records for a new session), and it is the visitor's from then on. A request
  with a query (a shared link, ``?theme=``) is built as before, for its options;
* the pool is filled again one page at a time once, for :data:`QUIET_S` seconds, nobody has
  asked the process for a page and its open pages have sent nothing (``busy``), so that
  refilling competes neither with a class arriving nor with the pages' updates;
* a spare is not a visitor's session: it never expires unused, and it is counted neither in
  the limits of open pages (:mod:`dashboard.guard`) nor as a session that keeps memory from
  being released (:mod:`dashboard.memory`).

Not with a login (``--basic-auth``): a page shows who is signed in, which a page built ahead
cannot know. ``cevns serve --spare-pages N`` (default 0).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["QUIET_S", "SparePages", "is_spare", "visitor_sessions"]

log = logging.getLogger("dashboard.server")

#: Seconds without a new page, and without a message from an open page, before the pool is
#: filled again.
QUIET_S = 2.0
#: How often the pool is looked at (milliseconds).
CHECK_MS = 500
_MARK = "_cevns_spare"


def is_spare(session: Any) -> bool:
    """True for a spare page's session (built ahead, held by nobody yet)."""
    return bool(getattr(session, _MARK, False))


def visitor_sessions(contexts: Iterable[Any]) -> tuple[list[Any], int]:
    """The sessions of the application contexts ``contexts`` held by visitors, and the number
    of spare pages among their sessions."""
    sessions = [s for context in contexts for s in list(context.sessions)]
    visitors = [s for s in sessions if not is_spare(s)]
    return visitors, len(sessions) - len(visitors)


def _plain_page(token: str | None) -> bool:
    """Whether the session ``token`` asks for the plain page (no query argument)."""
    from bokeh.util.token import get_token_payload

    if not token:
        return False
    try:
        payload = get_token_payload(token)
    except Exception:  # Bokeh refuses a malformed token itself
        return False
    return not payload.get("arguments")


class SparePages:
    """``count`` spare pages per server process for the application at ``path``.

    :meth:`install` on a server not yet started; :attr:`spares` holds the spare sessions.
    ``busy`` (e.g. ``lambda: builds.pending > 0``) tells when pages are being built for
    visitors or used.
    """

    def __init__(self, count: int, *, busy: Callable[[], bool] = lambda: False) -> None:
        if count < 0:
            raise ValueError(f"spare pages must be ≥ 0, got {count}")
        self.count = count
        self.spares: list[Any] = []
        self._busy = busy
        self._last_page = time.monotonic()
        self._filling = False
        self._context: Any = None
        self._create: Any = None
        self._checker: Any = None
        self._filler: Any = None  # the task filling the pool, referenced until it is done

    def install(self, server: Any, path: str) -> None:
        """Give spares to ``server``'s application at ``path`` and fill the pool when idle."""
        from tornado.ioloop import PeriodicCallback

        context = server._tornado.applications[path]
        self._context = context
        self._create = context.create_session_if_needed
        context.create_session_if_needed = self._create_session_if_needed
        self._checker = PeriodicCallback(self._check, CHECK_MS)
        server.io_loop.add_callback(self._checker.start)

    # ------------------------------------------------------------------ giving out
    async def _create_session_if_needed(
        self, session_id: str, request: Any = None, token: str | None = None
    ) -> Any:
        context = self._context
        new = session_id not in context._sessions and session_id not in context._pending_sessions
        if new:
            self._last_page = time.monotonic()
        if new and request is not None and self.spares and _plain_page(token):
            return self._give(self.spares.pop(0), session_id, request, token)
        return await self._create(session_id, request, token)

    def _give(self, session: Any, session_id: str, request: Any, token: str | None) -> Any:
        """The spare ``session`` becomes the new session ``session_id`` of ``request``: what
        Bokeh records for a new session (id, token, request) is the visitor's."""
        from bokeh.server.contexts import _RequestProxy
        from bokeh.server.session import current_time
        from bokeh.util.token import get_token_payload

        context = self._context
        session_context = context._session_contexts.pop(session.id)
        del context._sessions[session.id]
        payload = get_token_payload(token) if token else {}
        session_context._id = session_id
        session_context._token = token
        session_context._request = _RequestProxy(
            request,
            arguments=payload.get("arguments"),
            cookies=payload.get("cookies"),
            headers=payload.get("headers"),
        )
        session._id = session_id
        session._token = token
        session._last_unsubscribe_time = current_time()  # the visitor's unused-page delay
        setattr(session, _MARK, False)
        session.unblock_expiration()
        context._sessions[session_id] = session
        context._session_contexts[session_id] = session_context
        log.info("spare page given (%d left)", len(self.spares))
        return session

    # ------------------------------------------------------------------ filling
    def _check(self) -> None:
        quiet = time.monotonic() - self._last_page >= QUIET_S
        if self._filling or len(self.spares) >= self.count or not quiet or self._busy():
            return
        self._filling = True
        self._filler = asyncio.ensure_future(self._fill_one())

    async def _fill_one(self) -> None:
        from bokeh.util.token import generate_session_id
        from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

        context = self._context
        try:
            session_id = generate_session_id(secret_key=None, signed=False)
            path = context.url or "/"
            # the plain page, as a visitor without cookies would ask for it
            start = RequestStartLine("GET", path, "HTTP/1.1")
            headers = HTTPHeaders({"Host": "localhost"})  # the browser reports its own location
            request = HTTPServerRequest(start_line=start, headers=headers)
            session = await self._create(session_id, request, None)
            session.block_expiration()
            setattr(session, _MARK, True)
            self.spares.append(session)
        except Exception:
            log.exception("building a spare page failed")
        finally:
            self._filling = False
