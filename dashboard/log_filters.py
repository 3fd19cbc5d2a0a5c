"""Quiet logs for the served dashboard: a client's invalid message is one WARNING line.

:func:`install_log_filters` puts :class:`ClientErrorFilter` on Bokeh's and Panel's message
loggers (:func:`dashboard.server.serve` does so before serving).
"""

from __future__ import annotations

import logging
import math
import time

from .text import truncated

__all__ = ["WARN_EVERY_S", "ClientErrorFilter", "install_log_filters"]

#: Refusals of one kind from one address are logged at most this often (the rest are counted).
WARN_EVERY_S = 10.0


class ClientErrorFilter(logging.Filter):
    """One WARNING line, without traceback, for a client message the server refused.

    Bokeh logs a websocket message that fails validation at ERROR with the whole message and a
    traceback; Panel logs a refused property change the same way. Those are the client's errors
    (invalid input), not the server's: the record becomes ``refused a message from a page:
    <error, truncated>``, at most one per :data:`WARN_EVERY_S` seconds and logger (the others are
    counted in the next line). Other records pass unchanged (a long message is truncated).
    """

    USER_ERRORS = (ValueError, TypeError, KeyError)

    def __init__(self) -> None:
        super().__init__()
        self._last, self._dropped = -math.inf, 0

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, self.USER_ERRORS) and record.levelno >= logging.WARNING:
            now = time.monotonic()
            if now - self._last < WARN_EVERY_S:  # a flood of bad messages: counted, not logged
                self._dropped += 1
                return False
            more = f" ({self._dropped} more since the last report)" if self._dropped else ""
            self._last, self._dropped = now, 0
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "refused a message from a page: %s%s"
            record.args = (truncated(f"{type(exc).__name__}: {exc}", 300), more)
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            return True
        message = record.getMessage()
        if len(message) > 2000:
            record.msg, record.args = truncated(message, 2000), ()
        return True


_FILTERED_LOGGERS = ("bokeh.server.protocol_handler", "bokeh.server.views.ws", "panel.reactive")


def install_log_filters() -> None:
    """Install :class:`ClientErrorFilter` on Bokeh's and Panel's message loggers (once)."""
    for name in _FILTERED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ClientErrorFilter) for f in logger.filters):
            logger.addFilter(ClientErrorFilter())
