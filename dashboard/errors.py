"""Error reporting for the dashboard: errors become notifications, the page keeps serving.

Invalid input (:class:`cevns_core.CevnsError`, or a parameter value out of its bounds) is expected:
it is logged at INFO level and shown as an error notification naming the problem. Anything else is
a bug: it is logged with its traceback and shown by type and message only (never a traceback).
Every message is escaped and truncated (:mod:`dashboard.text`): user input quoted in it is shown
as text, never as markup. One change can make several plots fail with the same message: a message
shown less than :data:`REPEAT_S` seconds ago in the same session is not shown again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import panel as pn

from cevns_core import CevnsError

from .text import MAX_SHOWN_CHARS, plain, truncated

__all__ = [
    "REPEAT_S",
    "begin_page",
    "handle_exception",
    "notify_error",
    "notify_warnings",
]

log = logging.getLogger("dashboard")

#: Seconds during which the same message is not repeated in a session.
REPEAT_S = 2.0

_recent: dict[tuple[int, str], float] = {}
#: Messages of pages being built, by document: shown once the page exists.
_pending: dict[int, list[tuple[str, str, int]]] = {}


def begin_page() -> None:
    """Hold the notifications of the page being built until it exists (a notification sent
    before the page is rendered would be lost); :func:`pn.state.onload` shows them."""
    doc = pn.state.curdoc
    if doc is None or doc.session_context is None:
        return
    key = id(doc)
    _pending[key] = []

    def flush() -> None:
        for kind, message, duration in _pending.pop(key, []):
            _show(kind, message, duration)

    pn.state.onload(flush)
    pn.state.on_session_destroyed(lambda _ctx: _pending.pop(key, None))


def _show(kind: str, message: str, duration: int) -> None:
    doc = pn.state.curdoc
    if doc is not None and id(doc) in _pending:
        _pending[id(doc)].append((kind, message, duration))
        return
    notifications = pn.state.notifications
    if notifications is not None:
        getattr(notifications, kind)(plain(message, len(message)), duration=duration)


def _fresh(message: str, window_s: float = REPEAT_S) -> bool:
    """True if ``message`` was not shown in this session during the last ``window_s`` seconds."""
    doc = pn.state.curdoc
    key = (id(doc), message)
    now = time.monotonic()
    # forget old entries (bounded: at most a few per session and second)
    for k in [k for k, t in _recent.items() if now - t > max(window_s, 60.0)]:
        del _recent[k]
    last = _recent.get(key)
    _recent[key] = now
    return last is None or now - last > window_s


def message_of(exc: BaseException) -> str:
    """What the user reads: the message of an input error, type and message of anything else."""
    if isinstance(exc, CevnsError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def notify_error(exc: BaseException) -> None:
    """Show ``exc`` as an error notification in the current session (log it otherwise)."""
    message = truncated(message_of(exc))
    if isinstance(exc, CevnsError):
        log.info("invalid input: %s", message)
    elif isinstance(exc, ValueError) and "parameter" in str(exc).lower():
        log.info("invalid value: %s", message)  # param's bounds/type checks on a widget value
    else:
        log.error("callback failed", exc_info=exc)
    if _fresh(message):
        _show("error", message, 8000)


def notify_warnings(
    messages: Iterable[str], duration: int = 6000, limit: int = MAX_SHOWN_CHARS
) -> None:
    """Show the core's warnings (e.g. a model used beyond its range) as warning notifications
    (``limit``: characters shown of each)."""
    for message in messages:
        message = truncated(message, limit)
        log.info("core warning: %s", message)
        if _fresh(message, window_s=30.0):
            _show("warning", message, duration)


def handle_exception(exc: Exception) -> None:
    """``pn.extension(exception_handler=...)``: route any callback exception to a notification."""
    notify_error(exc)
