"""File upload with its size limit enforced on the server, chunk by chunk.

Panel's ``FileDropper`` refuses large files in the browser only: a client that sends upload
chunks straight over the websocket makes the server buffer all of them. :class:`BoundedFileDropper`
checks every chunk before keeping it: at most ``--max-upload-size`` bytes per file
(:func:`upload_limit`), chunks in order, one file buffered at a time. A refused upload drops
what was buffered, is logged as one WARNING line and shown as a notification.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any, ClassVar

import panel as pn
import param

from .limits import DEFAULT_LIMITS, Limits, format_size
from .text import shown_value

__all__ = ["REPORT_EVERY_S", "BoundedFileDropper", "set_upload_limits", "upload_limit"]

log = logging.getLogger("dashboard.upload")

#: A refused upload is logged and shown at most this often per widget (the others are counted).
REPORT_EVERY_S = 5.0

_limits: Limits = DEFAULT_LIMITS


def set_upload_limits(limits: Limits) -> None:
    """Use ``limits`` for the upload widgets built from now on (the server calls this)."""
    global _limits
    _limits = limits


def upload_limit() -> int:
    """Largest accepted file in bytes (``--max-upload-size``)."""
    return _limits.max_upload_bytes


class BoundedFileDropper(pn.widgets.FileDropper):
    """A ``FileDropper`` whose size limit (``max_bytes``) also holds on the server."""

    max_bytes = param.Integer(
        default=None,
        allow_None=True,
        bounds=(1, None),
        doc="""
        Largest accepted file in bytes (default: the server's --max-upload-size).""",
    )

    _rename: ClassVar[dict[str, str | None]] = {
        **pn.widgets.FileDropper._rename,
        "max_bytes": None,  # server side only
    }

    def __init__(self, **params: Any) -> None:
        limits = _limits
        max_bytes = params.pop("max_bytes", None) or limits.max_upload_bytes
        params.setdefault("max_file_size", f"{max(1, max_bytes // 1000)}KB")  # the browser's check
        params.setdefault("chunk_size", min(max_bytes, limits.upload_chunk_bytes))
        super().__init__(max_bytes=max_bytes, **params)
        # fixed here: the page may change chunk_size, the limits must not follow
        self._max_chunks = math.ceil((self.max_bytes + 1) / self.chunk_size)
        self._received: dict[str, int] = {}  # bytes buffered per file name
        self._refused: set[str] = set()  # names whose further chunks are dropped silently
        self._reported_at, self._unreported = -math.inf, 0

    def _process_event(self, event: Any) -> None:
        if event.event_name != "upload_event":
            return super()._process_event(event)
        problem = self._check_chunk(event.data)
        if problem is None:
            return super()._process_event(event)
        data = event.data if isinstance(event.data, dict) else {}
        name = data.get("name") if isinstance(data.get("name"), str) else "?"
        self._drop(name)
        if name in self._refused:
            return
        if len(self._refused) < 100:
            self._refused.add(name)
        now = time.monotonic()
        if now - self._reported_at < REPORT_EVERY_S:
            self._unreported += 1  # a flood of refused uploads: one line and message per period
            return
        more = f" ({self._unreported} more refused before)" if self._unreported else ""
        self._reported_at, self._unreported = now, 0
        log.warning("upload refused: %s (file %s)%s", problem, shown_value(name), more)
        if pn.state.notifications is not None:
            pn.state.notifications.error(f"Upload refused: {problem}.", duration=8000)

    def _check_chunk(self, data: Any) -> str | None:
        """Why this chunk is refused (None: keep it)."""
        if not isinstance(data, dict):
            return "not an upload message"
        name, chunk, total = data.get("name"), data.get("chunk"), data.get("total_chunks")
        content = data.get("data")
        if not isinstance(name, str) or not name or len(name) > 255:
            return "invalid file name"
        if not isinstance(content, bytes) or not isinstance(data.get("type"), str):
            return "invalid file data"
        if not (isinstance(chunk, int) and isinstance(total, int) and 1 <= chunk <= total):
            return "invalid chunk numbers"
        if chunk == 1:
            self._received.clear()  # one file at a time: a new one drops any unfinished other
            self._file_buffer.clear()
            self._refused.discard(name)
        elif name in self._refused:
            return "the rest of a refused file"
        elif self._received.get(name) is None or len(self._file_buffer.get(name, [])) != chunk - 1:
            return "chunks out of order"
        size = self._received.get(name, 0) + len(content)
        if size > self.max_bytes or total > self._max_chunks:
            return f"the file is larger than {format_size(self.max_bytes)} (this server's limit)"
        self._received[name] = size
        if chunk == total:
            del self._received[name]
        return None

    def _drop(self, name: str) -> None:
        self._received.pop(name, None)
        self._file_buffer.pop(name, None)
