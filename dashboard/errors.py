"""Error reporting for the dashboard: errors become notifications, the page keeps serving."""

from __future__ import annotations

import logging

import panel as pn

from cevns_core import CevnsError

__all__ = ["handle_exception", "notify_error"]

log = logging.getLogger("dashboard")


def notify_error(exc: Exception) -> None:
    """Show ``exc`` as an error notification in the current session (log it otherwise).

    Invalid user input (:class:`cevns_core.CevnsError`) is expected and logged at INFO level;
    anything else is a bug and is logged with its traceback.
    """
    if isinstance(exc, CevnsError):
        log.info("invalid input: %s", exc)
        message = str(exc)
    else:
        log.error("callback failed", exc_info=exc)
        message = f"{type(exc).__name__}: {exc}"
    notifications = pn.state.notifications
    if notifications is not None:
        notifications.error(message, duration=8000)


def handle_exception(exc: Exception) -> None:
    """``pn.extension(exception_handler=...)``: route any callback exception to a notification."""
    notify_error(exc)
