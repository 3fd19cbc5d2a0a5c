"""The served dashboard's gate: every HTTP request and websocket message passes here first.

:meth:`Guard.install` wraps the Tornado application's routing (``find_handler``) of a Bokeh/Panel
server before it starts. For each request, before any Panel code runs:

* the URL and each query value are checked against ``--max-url-length`` / ``--max-url-value``
  (414, before Panel parses the query);
* requests per client address are limited (``--max-request-rate``, 429), and so are requests that
  create a session (a page, or a websocket for an unknown session): ``--max-page-rate`` per
  address, ``--max-sessions-per-client`` open sessions per address and ``--max-sessions`` in all
  (429 / 503, each with a message naming the limit). Pages are built one at a time and spaced
  (:data:`PAGE_PAUSE_SHARE`, :data:`CLIENT_PAUSE_SHARE`), so that new pages do not stall the
  open ones;
* ``/components/<module>/…`` (Panel's resources of custom components) is served only for modules
  already imported by the server under ``panel`` (nothing is imported on request), and only
  after login; Bokeh's ``autoload.js`` (embedding the page in other sites) is not offered;
* every response carries frame protection and a content-security policy (:data:`APP_CSP`): only
  the server's own scripts, styles, images and websocket. The page's inline scripts get a
  per-response nonce. Panel needs ``'unsafe-eval'`` (its ReactiveHTML components, e.g. the
  notification area, compile their scripts with ``new Function``), ``blob:`` scripts
  (es-module-shims) and ``'unsafe-inline'`` styles (Bokeh and Panel set styles from script);
* open websockets per client address are limited like its sessions
  (``--max-sessions-per-client``); a page may ask for its document once; the messages of a
  client's pages are limited to ``--max-message-rate`` per second and their binary data
  (uploads) to ``--max-upload-size`` per second (a faster client waits: Tornado reads a
  connection's next message only then);
* websocket messages that change the page's URL (``search``/``href``/``hash`` of Panel's
  ``Location``) are checked like a URL, and binary data inline in a message's JSON (which Bokeh
  would gunzip without a size limit) is refused: the connection is closed with code 1008.

Refusals are one WARNING line each (repeats from the same address are counted, reported at
most every :data:`WARN_EVERY_S` s); the access log shortens URLs to :data:`LOG_URI_CHARS`
characters; :func:`install_log_filters` turns Bokeh's and Panel's tracebacks for invalid client
messages into one WARNING line (:mod:`dashboard.log_filters`).

The handler mixins and the websocket message checks are :mod:`dashboard.guard_handlers`'.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
import time
from collections import Counter
from typing import Any

from .guard_handlers import _Guarded, _GuardedWebSocket, check_fragment, refused_handler
from .limits import (
    FRAMES_PER_MESSAGE,
    MESSAGE_BURST_S,
    PAGE_BURST,
    REQUEST_BURST,
    Limits,
    RateLimiter,
    Refusal,
    check_url,
    client_key,
)
from .log_filters import WARN_EVERY_S, ClientErrorFilter, install_log_filters
from .spare_pages import visitor_sessions
from .text import truncated

__all__ = [
    "APP_CSP",
    "CLIENT_PAUSE_SHARE",
    "LOG_URI_CHARS",
    "PAGE_PAUSE_SHARE",
    "SECURITY_HEADERS",
    "WARN_EVERY_S",
    "ClientErrorFilter",
    "Guard",
    "install_log_filters",
]

log = logging.getLogger("dashboard.server")
access_log = logging.getLogger("tornado.access")

#: Content-security policy of the dashboard (``{nonce}``: per response).
APP_CSP = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}' 'unsafe-eval' blob:; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: Refusals of one kind from one address are logged at most this often (the rest are counted).
#: Characters of a URL written to the access log.
LOG_URI_CHARS = 200
#: Page builds hold the event loop (about a second each): after a page took T seconds, the next
#: page starts T × PAGE_PAUSE_SHARE later, and the next page of the same client address
#: T × CLIENT_PAUSE_SHARE later. The pages already open keep at least a fifth of the time while
#: many people open the page, and two thirds while one address asks for page after page.
PAGE_PAUSE_SHARE = 0.25
CLIENT_PAUSE_SHARE = 2.0
#: Top-level packages whose component resources ``/components/`` may serve (if imported).
COMPONENT_PACKAGES = ("panel", "dashboard")  # dashboard: the vendored KaTeX


class Guard:
    """Limits, headers and logging for one server; see the module docstring."""

    def __init__(self, limits: Limits, *, login: Any = None) -> None:
        self.limits = limits
        self.login = login
        self.pages = RateLimiter(limits.page_rate, max(PAGE_BURST, limits.page_rate))
        self.requests = RateLimiter(limits.request_rate, max(REQUEST_BURST, limits.request_rate))
        #: Refusals so far, by kind (``"url"``, ``"requests"``, ``"pages"``, ...).
        self.refused: Counter[str] = Counter()
        self._classes: dict[type, type] = {}
        self._warned: dict[tuple[str, str], list[float]] = {}
        self._inflight: Counter[str] = Counter()
        #: Open websockets per client.
        self.sockets: Counter[str] = Counter()
        #: When an open page last sent a message (time.monotonic; 0: never).
        self.last_message = 0.0
        #: Websocket frames per client (a Bokeh message is FRAMES_PER_MESSAGE frames).
        frame_rate = limits.message_rate * FRAMES_PER_MESSAGE
        self.frames = RateLimiter(frame_rate, frame_rate * MESSAGE_BURST_S)
        #: Bytes of binary websocket frames per client: one --max-upload-size per second.
        self.binary = RateLimiter(limits.max_upload_bytes, 2 * limits.max_message_bytes)
        self._build_lock: asyncio.Lock | None = None
        self._build_started = self._next_build = 0.0
        self._client_next_build: dict[str, float] = {}
        self.app: Any = None
        #: Pages are built off the event loop (:mod:`dashboard.page_builds`): no pause needed.
        self.builds_off_loop = False

    # ------------------------------------------------------------------ installation
    def install(self, server: Any) -> None:
        """Route every request of ``server`` (a Bokeh/Panel ``Server``, not yet started)."""
        app = server._tornado
        self.app = app
        route = app.find_handler

        def find_handler(request: Any, **kwargs: Any) -> Any:
            return self._route(request, route(request, **kwargs))

        app.find_handler = find_handler
        app.settings["log_function"] = self.log_request

    def _route(self, request: Any, delegate: Any) -> Any:
        try:
            refusal = self._check(request, delegate)
        except Exception:  # a bug here must not open the gate: refuse, with the details logged
            log.exception("request check failed")
            refusal = Refusal(500, "The server could not check this request.")
        if refusal is not None:
            return self.app.get_handler_delegate(
                request, self._guarded(refused_handler()), {"refusal": refusal}
            )
        delegate.handler_class = self._guarded(delegate.handler_class)
        return delegate

    def _guarded(self, cls: type) -> type:
        """``cls`` with the guard's headers (and websocket checks) mixed in; one per class."""
        guarded = self._classes.get(cls)
        if guarded is None:
            from tornado.websocket import WebSocketHandler

            mixin = _GuardedWebSocket if issubclass(cls, WebSocketHandler) else _Guarded
            guarded = type(cls.__name__, (mixin, cls), {"_cevns_guard": self})
            self._classes[cls] = guarded
        return guarded

    # ------------------------------------------------------------------ checks
    def _check(self, request: Any, delegate: Any) -> Refusal | None:
        from bokeh.server.views.autoload_js_handler import AutoloadJsHandler
        from bokeh.server.views.doc_handler import DocHandler
        from panel.io.server import ComponentResourceHandler
        from tornado.websocket import WebSocketHandler

        key = client_key(request.remote_ip)
        refusal = check_url(request.uri, self.limits)
        if refusal is not None:
            return self.refuse(key, "url", refusal)
        wait = self.requests.allow(key)
        if wait:
            message = (
                "Too many requests from your address: wait a moment "
                f"(at most {self.limits.request_rate:g} per second, option --max-request-rate)."
            )
            return self.refuse(key, "requests", Refusal(429, message, wait))
        cls = delegate.handler_class
        if issubclass(cls, AutoloadJsHandler):
            return self.refuse(key, "autoload", Refusal(404, "Embedding is not offered."))
        if issubclass(cls, ComponentResourceHandler):
            return self._check_component(key, request)
        if (
            issubclass(cls, WebSocketHandler)
            and self.sockets[key] >= self.limits.max_sessions_per_client
        ):
            message = (
                f"Too many open connections from your address ({self.sockets[key]}, at most "
                f"{self.limits.max_sessions_per_client}, option --max-sessions-per-client)."
            )
            return self.refuse(key, "connections", Refusal(429, message, 10))
        new_page = issubclass(cls, DocHandler) or (
            issubclass(cls, WebSocketHandler) and self._opens_new_session(request, delegate)
        )
        if new_page:
            return self._check_new_page(key, building=issubclass(cls, DocHandler))
        return None

    def _check_component(self, key: str, request: Any) -> Refusal | None:
        if self.login is not None and self.login.user_of(request) is None:
            return self.refuse(key, "components", Refusal(403, "Sign in first."))
        rest = request.path.split("/components/", 1)[-1]
        module = rest.split("/", 1)[0]
        if module.partition(".")[0] not in COMPONENT_PACKAGES or module not in sys.modules:
            return self.refuse(
                key, "components", Refusal(404, "No such component resource on this server.")
            )
        return None

    def _opens_new_session(self, request: Any, delegate: Any) -> bool:
        from bokeh.util.token import get_session_id

        parts = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        context = delegate.handler_kwargs.get("application_context")
        if len(parts) != 2 or context is None:
            return False  # Bokeh refuses it without creating a session
        try:
            context.get_session(get_session_id(parts[1]))
        except Exception:
            return True
        return False

    def _check_new_page(self, key: str, *, building: bool) -> Refusal | None:
        limits = self.limits
        wait = self.pages.allow(key)
        if wait:
            message = (
                "Too many new pages from your address: wait a few seconds and reload "
                f"(at most {limits.page_rate:g} per second, option --max-page-rate)."
            )
            return self.refuse(key, "pages", Refusal(429, message, wait))
        total, mine = self.session_counts(key)
        if total >= limits.max_sessions:
            message = (
                f"The server is full ({total} open pages, option --max-sessions): "
                "try again in a minute."
            )
            return self.refuse(key, "sessions", Refusal(503, message, 60))
        if mine >= limits.max_sessions_per_client:
            message = (
                f"Too many open pages from your address ({mine}, at most "
                f"{limits.max_sessions_per_client}, option --max-sessions-per-client): close "
                "some tabs; closed pages are released about a minute later."
            )
            return self.refuse(key, "sessions-per-client", Refusal(429, message, 30))
        if building:  # counted until the page is sent (its session exists by then)
            self._inflight[key] += 1
        return None

    def session_counts(self, key: str) -> tuple[int, int]:
        """Open sessions of the process, and those opened from ``key`` (pages being built
        included)."""
        total = mine = 0
        for session in visitor_sessions(self.app.applications.values())[0]:
            total += 1
            request = getattr(session.document.session_context, "request", None)
            if request is not None and client_key(request.remote_ip) == key:
                mine += 1
        inflight = sum(self._inflight.values())
        return total + inflight, mine + self._inflight[key]

    async def start_page(self, handler: Any) -> None:
        """Wait for this page's turn: pages are built one at a time, spaced by
        :data:`PAGE_PAUSE_SHARE` of the previous build's time and by :data:`CLIENT_PAUSE_SHARE`
        of the previous build for the same client (the open pages' updates run in between).

        With :attr:`builds_off_loop` (pages built in a worker thread: the open pages keep
        updating meanwhile) there is no pause between pages, and a client waits for its
        share only while pages of other clients are waiting (a class behind one address is
        not slowed down when it is alone)."""
        key = handler._cevns_page
        wait = self._client_next_build.get(key, 0.0) - time.monotonic()
        if wait > 0 and (not self.builds_off_loop or self._others_waiting(key)):
            await asyncio.sleep(wait)  # not holding the lock: other clients' pages go first
        if self._build_lock is None:
            self._build_lock = asyncio.Lock()
        await self._build_lock.acquire()
        handler._cevns_building = True
        wait = self._next_build - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._build_started = time.monotonic()

    def _others_waiting(self, key: str) -> bool:
        return any(n > 0 for k, n in self._inflight.items() if k != key)

    def finished_page(self, handler: Any) -> None:
        key = getattr(handler, "_cevns_page", None)
        if key is not None:
            handler._cevns_page = None
            self._inflight[key] -= 1
            if self._inflight[key] <= 0:
                del self._inflight[key]
        if getattr(handler, "_cevns_building", False) and self._build_lock is not None:
            handler._cevns_building = False
            now = time.monotonic()
            took = now - self._build_started
            self._next_build = now + (0.0 if self.builds_off_loop else PAGE_PAUSE_SHARE) * took
            if key is not None:
                if len(self._client_next_build) > 10_000:
                    self._client_next_build = {
                        k: t for k, t in self._client_next_build.items() if t > now
                    }
                self._client_next_build[key] = now + CLIENT_PAUSE_SHARE * took
            self._build_lock.release()

    def check_fragment(self, fragment: str | bytes) -> tuple[str, Refusal] | None:
        """``(kind, refusal)`` if a websocket text frame must be refused, else None
        (:func:`dashboard.guard_handlers.check_fragment` with this server's limits)."""
        return check_fragment(fragment, self.limits)

    # ------------------------------------------------------------------ responses and logs
    def refuse(self, key: str, kind: str, refusal: Refusal) -> Refusal:
        self.refused[kind] += 1
        now = time.monotonic()
        entry = self._warned.get((key, kind))
        if entry is not None and now - entry[0] < WARN_EVERY_S:
            entry[1] += 1
            return refusal
        if len(self._warned) > 10_000:
            self._warned = {k: v for k, v in self._warned.items() if now - v[0] < WARN_EVERY_S}
        more = f" ({int(entry[1])} more since the last report)" if entry and entry[1] else ""
        self._warned[(key, kind)] = [now, 0]
        log.warning("refused (%s) from %s: %s%s", kind, key, refusal.message, more)
        return refusal

    def secure(self, handler: Any) -> None:
        """Security headers of every response (called from ``set_default_headers``)."""
        for name, value in SECURITY_HEADERS.items():
            handler.set_header(name, value)
        csp = getattr(handler, "content_security_policy", None)
        if csp is None:
            handler._cevns_nonce = secrets.token_urlsafe(18)
            csp = APP_CSP.format(nonce=handler._cevns_nonce)
        handler.set_header("Content-Security-Policy", csp)

    def log_request(self, handler: Any) -> None:
        """Tornado's access log line, with the URL shortened; refusals at INFO (the guard
        already wrote their one WARNING line)."""
        status = handler.get_status()
        if status < 400 or getattr(handler, "_cevns_refused", False):
            level = logging.INFO
        elif status < 500:
            level = logging.WARNING
        else:
            level = logging.ERROR
        if not access_log.isEnabledFor(level):
            return
        request = handler.request
        access_log.log(
            level,
            "%d %s %s (%s) %.2fms",
            status,
            request.method,
            truncated(request.uri, LOG_URI_CHARS),
            request.remote_ip,
            1000.0 * request.request_time(),
        )
