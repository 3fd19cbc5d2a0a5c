"""Quiet logs of the served dashboard (``dashboard/log_filters.py``): a client's invalid message
is one WARNING line without traceback, at most one per period; other records pass."""

from __future__ import annotations

import logging
import sys

from dashboard.log_filters import ClientErrorFilter


def _record(exc: BaseException | None, message: str = "message failed", level=logging.ERROR):
    exc_info = None
    if exc is not None:
        try:
            raise exc
        except BaseException:
            exc_info = sys.exc_info()
    return logging.LogRecord("bokeh.server.views.ws", level, __file__, 1, message, (), exc_info)


def test_a_client_error_becomes_one_warning_line_and_repeats_are_counted() -> None:
    f = ClientErrorFilter()
    record = _record(ValueError("invalid value 'x' for Float"))
    assert f.filter(record)
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage() == (
        "refused a message from a page: ValueError: invalid value 'x' for Float"
    )
    assert not any(f.filter(_record(KeyError("k"))) for _ in range(5))  # within the period
    f._last -= 3600  # the period is over: the next line says how many were dropped
    record = _record(TypeError("bad"))
    assert f.filter(record) and "(5 more since the last report)" in record.getMessage()


def test_server_errors_and_long_lines() -> None:
    f = ClientErrorFilter()
    record = _record(RuntimeError("a bug of the server"))
    assert f.filter(record)  # not the client's: unchanged, traceback kept
    assert record.levelno == logging.ERROR and record.exc_info is not None
    record = _record(None, "x" * 10_000, level=logging.INFO)
    assert f.filter(record)
    text = record.getMessage()
    assert len(text) < 2100 and text.endswith("(10,000 characters)")  # cut, and says so
