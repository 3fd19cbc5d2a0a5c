"""Text that reaches the page: escaped and bounded in one place.

Notifications, Markdown and HTML panes render HTML. Anything that may carry user input (URL values,
keys and values of uploaded configurations, exception messages quoting them) goes through
:func:`plain` before it is shown, so that ``<img onerror=...>`` appears as text, never as an
element, and a 16 MB value cannot become a 16 MB notification or log line.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = [
    "MAX_SHOWN_CHARS",
    "MAX_VALUE_CHARS",
    "clipped",
    "plain",
    "shown_value",
    "truncated",
]

#: Longest message shown in a notification or pane (characters, before escaping).
MAX_SHOWN_CHARS = 400
#: Longest quoted value inside a message or a log line.
MAX_VALUE_CHARS = 60


def truncated(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis and the full length when cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def clipped(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (for names inside a sentence)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: Any, limit: int = MAX_SHOWN_CHARS) -> str:
    """``text`` as inert HTML: cut to ``limit`` characters, then every markup character escaped."""
    return html.escape(truncated(str(text), limit), quote=True)


def shown_value(value: Any, limit: int = MAX_VALUE_CHARS) -> str:
    """A user-supplied value quoted in a message or log line (``repr``, truncated; not escaped)."""
    return truncated(repr(value), limit)
