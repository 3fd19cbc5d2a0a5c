"""Handlers of the served dashboard's gate (:class:`dashboard.guard.Guard`).

Every handler class the guard routes to gets :class:`_Guarded` mixed in (security headers, the
page's script nonce, page builds taking their turn) or, for the websocket,
:class:`_GuardedWebSocket` (connections counted per client, messages limited and checked by
:func:`check_fragment`, closed once their login ends). A refused request is answered by
:func:`refused_handler`'s short page.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import html
import json
import math
import re
import time
from typing import Any

from .limits import Limits, Refusal, check_url, client_key

__all__ = ["check_fragment", "inline_handler_hashes", "refused_handler"]

_SCRIPT_TAG = re.compile(r"<script(?=[\s>])")
_START_TAG = re.compile(r"<[a-z][^<>]*>", re.IGNORECASE)
_HANDLER_ATTR = re.compile(r"""\son[a-z]+\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_URL_ATTR = re.compile(r'"attr"\s*:\s*"(?:search|href|hash)"')


def _add_nonce(chunk: str | bytes, nonce: str) -> str | bytes:
    if isinstance(chunk, bytes):
        return _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', chunk.decode("utf-8")).encode()
    return _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', chunk)


def inline_handler_hashes(page: str | bytes) -> list[str]:
    """CSP sources (``'sha256-…'``) of the inline event handlers of ``page``, sorted.

    Panel's page template has a few (``onclick="closeNav()"``, the theme switch's
    ``onchange``, the full-screen buttons'); a nonce does not cover attributes, so the policy
    lists their hashes under ``'unsafe-hashes'`` (CSP level 3): these handlers run, and any
    other inline handler (one injected into the page) does not.
    """
    text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
    values = {
        html.unescape(m.group(2))
        for tag in _START_TAG.finditer(text)
        for m in _HANDLER_ATTR.finditer(tag.group(0))
    }
    digests = (hashlib.sha256(v.encode("utf-8")).digest() for v in values)
    return sorted(f"'sha256-{base64.b64encode(d).decode('ascii')}'" for d in digests)


_SLOW_BINARY = (
    "pages sent more binary data (uploads) than --max-upload-size per second: slowed down"
)


def _inline_bytes(obj: Any) -> bool:
    """True if ``obj`` (decoded JSON) holds a Bokeh bytes value with inline (base64) data."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "bytes" and isinstance(item.get("data"), str):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def check_fragment(fragment: str | bytes, limits: Limits) -> tuple[str, Refusal] | None:
    """``(kind, refusal)`` if a websocket text frame must be refused, else None.

    Two things a page never sends are refused: a URL for the page's location that
    :func:`~dashboard.limits.check_url` refuses (the only text Panel parses as a query), and
    binary data inline in the JSON (Bokeh decompresses such gzip data without a size limit;
    browsers send binary data as binary frames). Only frames that mention either are parsed.
    """
    if not isinstance(fragment, str):
        return None
    url, inline = _URL_ATTR.search(fragment) is not None, '"bytes"' in fragment
    if not (url or inline):
        return None
    try:
        message = json.loads(fragment)
    except ValueError:
        return None  # not JSON: Bokeh refuses it
    if inline and _inline_bytes(message):
        return "inline bytes", Refusal(400, "Binary data inline in a message is not accepted.")
    events = message.get("events", []) if isinstance(message, dict) else []
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict) or event.get("attr") not in ("search", "href", "hash"):
            continue
        value = event.get("new")
        if isinstance(value, str):
            refusal = check_url(value if "?" in value else f"?{value}", limits)
            if refusal is not None:
                return "websocket url", refusal
    return None


# ------------------------------------------------------------------------------------ handlers
class _Guarded:
    """Mixed into every handler class the guard routes to."""

    _cevns_guard: Any  # the Guard
    _cevns_nonce: str | None = None
    _cevns_page: str | None = None

    def set_default_headers(self) -> None:
        super().set_default_headers()  # type: ignore[misc]
        self._cevns_guard.secure(self)

    def prepare(self) -> Any:
        from bokeh.server.views.doc_handler import DocHandler

        if isinstance(self, DocHandler):
            self._cevns_page = client_key(self.request.remote_ip)  # type: ignore[attr-defined]
            return self._prepare_page()
        return super().prepare()  # type: ignore[misc]

    async def _prepare_page(self) -> None:
        await self._cevns_guard.start_page(self)
        result = super().prepare()  # type: ignore[misc]
        if result is not None:
            await result

    def write(self, chunk: Any) -> None:
        content_type = self._headers.get("Content-Type", "")  # type: ignore[attr-defined]
        if self._cevns_nonce and isinstance(chunk, (str, bytes)) and "html" in content_type:
            chunk = _add_nonce(chunk, self._cevns_nonce)
            hashes = inline_handler_hashes(chunk)
            if hashes:
                nonce = f"'nonce-{self._cevns_nonce}'"
                csp = self._headers.get("Content-Security-Policy", "")  # type: ignore[attr-defined]
                allowed = " ".join([nonce, "'unsafe-hashes'", *hashes])
                self.set_header("Content-Security-Policy", csp.replace(nonce, allowed, 1))  # type: ignore[attr-defined]
        super().write(chunk)  # type: ignore[misc]

    def on_finish(self) -> None:
        self._cevns_guard.finished_page(self)
        super().on_finish()  # type: ignore[misc]


class _GuardedWebSocket(_Guarded):
    """A websocket: counted per client, messages limited and checked, closed once its login
    ends."""

    _cevns_client: str | None = None
    _cevns_pulled = False

    def open(self, *args: Any, **kwargs: Any) -> Any:
        guard = self._cevns_guard
        self._cevns_client = client_key(self.request.remote_ip)  # type: ignore[attr-defined]
        guard.sockets[self._cevns_client] += 1
        result = super().open(*args, **kwargs)  # type: ignore[misc]
        if guard.login is not None:
            guard.login.attach(self)
        return result

    def on_close(self) -> None:
        guard = self._cevns_guard
        if guard.login is not None:
            guard.login.detach(self)
        if self._cevns_client is not None:
            guard.sockets[self._cevns_client] -= 1
            if guard.sockets[self._cevns_client] <= 0:
                del guard.sockets[self._cevns_client]
            self._cevns_client = None
        super().on_close()  # type: ignore[misc]

    async def on_message(self, fragment: str | bytes) -> None:
        guard = self._cevns_guard
        guard.last_message = time.monotonic()  # open pages in use (spare pages wait)
        if isinstance(fragment, str) and '"PULL-DOC-REQ"' in fragment:
            # a page asks for its document once; each answer serialises the whole page
            if self._cevns_pulled:
                key = client_key(self.request.remote_ip)  # type: ignore[attr-defined]
                guard.refuse(key, "document", Refusal(429, "a page asked twice for its document"))
                self.close(1008, "refused: document asked twice")  # type: ignore[attr-defined]
                return None
            self._cevns_pulled = True
        key = self._cevns_client or "?"
        if isinstance(fragment, bytes):  # binary data (upload chunks): bytes per second too
            wait = guard.binary.allow(key, len(fragment))
            while wait:
                guard.refuse(key, "binary", Refusal(429, _SLOW_BINARY))
                await asyncio.sleep(wait)
                wait = guard.binary.allow(key, len(fragment))
        wait = guard.frames.allow(key)
        if wait:
            # Tornado reads this connection's next frame only when this returns: a client that
            # sends too fast is slowed down, without taking time from the others
            message = (
                f"pages sent more than {guard.limits.message_rate:g} messages per second "
                "(option --max-message-rate): slowed down"
            )
            guard.refuse(key, "messages", Refusal(429, message))
            while wait:
                await asyncio.sleep(wait)
                wait = guard.frames.allow(key)
        refused = check_fragment(fragment, guard.limits)
        if refused is not None:
            kind, refusal = refused
            key = client_key(self.request.remote_ip)  # type: ignore[attr-defined]
            guard.refuse(key, kind, refusal)
            self.close(1008, f"refused: {kind}")  # type: ignore[attr-defined]
            return None
        return await super().on_message(fragment)  # type: ignore[misc]


@functools.cache
def refused_handler() -> type:
    from tornado.web import RequestHandler

    class RefusedHandler(RequestHandler):
        """Answers a refused request: status, ``Retry-After``, a short page with the reason."""

        content_security_policy = "default-src 'none'; frame-ancestors 'none'"
        _cevns_refused = True

        def initialize(self, refusal: Refusal) -> None:
            self.refusal = refusal

        def prepare(self) -> None:
            import html

            refusal = self.refusal
            self.set_status(refusal.status)
            if refusal.retry_after_s:
                self.set_header("Retry-After", str(max(1, math.ceil(refusal.retry_after_s))))
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(
                '<!doctype html><html lang="en"><head><meta charset="utf-8">'
                "<title>CEvNS workbench</title></head><body><h1>CEvNS workbench</h1>"
                f"<p>{html.escape(refusal.message)}</p></body></html>"
            )

    return RefusedHandler
