"""Resource limits of the served dashboard: what one client may ask of the server.

Each limit is a ``cevns serve`` option with a safe default (:class:`Limits`); the checks here are
plain Python (no Panel, no Tornado) so that they can be tested and reused without a server:

* :func:`check_url` — length of the URL and of each query value, checked on the raw query string
  before Panel parses it (Python's ``int()`` refuses more than 4300 digits, and Panel turns every
  digit-only value into an ``int``), and again for a URL sent over the websocket;
* :class:`RateLimiter` — token buckets per client (page requests, all requests, websocket
  messages);
* :class:`LoginThrottle` — a delay after each failed login that doubles per failure, per client
  address and per user name;
* :func:`client_key` — the address a limit counts: the IP address, or its /64 network for IPv6
  (one IPv6 host easily owns a whole /64).

Memory held per client is bounded: the tables forget idle clients and never hold more than
:data:`MAX_TRACKED_CLIENTS` entries.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import re
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable

__all__ = [
    "DEFAULT_LIMITS",
    "FRAMES_PER_MESSAGE",
    "LOGIN_DELAY_MAX_S",
    "MAX_TRACKED_CLIENTS",
    "MESSAGE_BURST_S",
    "PAGE_BURST",
    "REQUEST_BURST",
    "Limits",
    "LoginThrottle",
    "RateLimiter",
    "Refusal",
    "check_url",
    "client_key",
    "format_size",
    "parse_size",
]

#: Pages a client may open at once before the page rate applies (a few reloads, two tabs).
PAGE_BURST = 5
#: Requests a client may send at once before the request rate applies (a page load fetches
#: about 40 scripts and style sheets).
REQUEST_BURST = 200
#: A client's pages may send this many seconds' worth of ``--max-message-rate`` at once.
MESSAGE_BURST_S = 2.0
#: Websocket frames per Bokeh message counted by the message rate (header, metadata, content;
#: two more per binary buffer, e.g. an upload chunk).
FRAMES_PER_MESSAGE = 3
#: Longest delay after failed logins, in seconds (the delay doubles per failure up to this).
LOGIN_DELAY_MAX_S = 60.0
#: Failed logins are forgotten after this many seconds without another failure.
LOGIN_FORGET_S = 900.0
#: Clients remembered by a rate limiter or the login throttle (the oldest are forgotten first).
MAX_TRACKED_CLIENTS = 10_000


_OPTIONS = {
    "max_url_length": "--max-url-length",
    "max_url_value": "--max-url-value",
    "max_upload_bytes": "--max-upload-size",
    "max_message_bytes": "--max-message-size",
    "max_sessions": "--max-sessions",
    "max_sessions_per_client": "--max-sessions-per-client",
    "page_rate": "--max-page-rate",
    "request_rate": "--max-request-rate",
    "message_rate": "--max-message-rate",
    "login_delay_s": "--login-delay",
    "login_expiry_h": "--login-expiry",
}


def _option(field: str) -> str:
    return _OPTIONS.get(field, field)


@dataclasses.dataclass(frozen=True)
class Limits:
    """The server's limits (per worker process); the defaults are those of ``cevns serve``.

    Sizes are in bytes, rates per second and per client address, delays in seconds.
    """

    #: Longest URL (path and query string, in characters) — ``--max-url-length``.
    max_url_length: int = 8192
    #: Longest single query value or name (characters) — ``--max-url-value``.
    max_url_value: int = 2048
    #: Largest uploaded file, enforced on every chunk — ``--max-upload-size``.
    max_upload_bytes: int = 1_000_000
    #: Largest websocket message from a browser — ``--max-message-size``.
    max_message_bytes: int = 1_048_576
    #: Open sessions (pages) of the process — ``--max-sessions``.
    max_sessions: int = 80
    #: Open sessions from one client address — ``--max-sessions-per-client``.
    max_sessions_per_client: int = 8
    #: New pages per second from one address (bursts of :data:`PAGE_BURST`) — ``--max-page-rate``.
    page_rate: float = 1.0
    #: HTTP requests per second from one address (bursts of :data:`REQUEST_BURST`) —
    #: ``--max-request-rate``.
    request_rate: float = 50.0
    #: Websocket messages per second from the pages of one address (bursts of
    #: :data:`MESSAGE_BURST_S` seconds' worth); faster ones wait — ``--max-message-rate``.
    message_rate: float = 50.0
    #: Delay after the first failed login; doubles per failure — ``--login-delay``.
    login_delay_s: float = 1.0
    #: A login lasts this many hours — ``--login-expiry``.
    login_expiry_h: float = 12.0

    def __post_init__(self) -> None:
        for name, low in (
            ("max_url_length", 256),
            ("max_url_value", 16),
            ("max_upload_bytes", 1024),
            ("max_message_bytes", 65_536),
            ("max_sessions", 1),
            ("max_sessions_per_client", 1),
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value < low:
                raise ValueError(f"{_option(name)} must be an integer ≥ {low}, got {value!r}")
        for name in ("page_rate", "request_rate", "message_rate", "login_expiry_h"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"{_option(name)} must be a number > 0, got {value!r}")
        if not (math.isfinite(self.login_delay_s) and self.login_delay_s >= 0):
            raise ValueError(f"--login-delay must be a number ≥ 0, got {self.login_delay_s!r}")
        if self.max_url_value > self.max_url_length:
            raise ValueError("--max-url-value cannot exceed --max-url-length")
        if self.max_message_bytes < self.upload_chunk_bytes + 65_536:
            raise ValueError(
                f"--max-message-size must be at least {self.upload_chunk_bytes + 65_536} bytes "
                "(one upload chunk and the message around it)"
            )

    @property
    def upload_chunk_bytes(self) -> int:
        """Size of one upload chunk sent by the browser (≤ 256 KiB)."""
        return min(self.max_upload_bytes, 262_144)


DEFAULT_LIMITS = Limits()

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 10**6, "mb": 10**6}
_UNITS |= {"mib": 2**20, "g": 10**9, "gb": 10**9, "gib": 2**30}


def parse_size(text: str | int) -> int:
    """Bytes from ``"1MB"``, ``"500 KB"``, ``"2MiB"`` or a plain number.

    Examples
    --------
    >>> parse_size("1MB"), parse_size("256KiB"), parse_size(4096)
    (1000000, 262144, 4096)
    """
    if isinstance(text, int):
        return text
    match = _SIZE.match(str(text))
    unit = (match.group(2) or "").lower() if match else None
    if match is None or unit not in _UNITS:
        raise ValueError(f"not a size: {text!r} (e.g. 1MB, 500KB, 2MiB or a number of bytes)")
    size = float(match.group(1)) * _UNITS[unit]
    if not math.isfinite(size):
        raise ValueError(f"not a size: {str(text)[:40]!r}… is beyond any size a server can take")
    return int(size)


def format_size(n_bytes: int) -> str:
    """``1000000`` → ``'1 MB'``, ``262144`` → ``'256 KiB'`` (the shortest exact form)."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("MiB", 2**20), ("kB", 1000)):
        if n_bytes >= factor and n_bytes % factor == 0:
            return f"{n_bytes // factor} {unit}"
    if n_bytes >= 1024 and n_bytes % 1024 == 0:
        return f"{n_bytes // 1024} KiB"
    return f"{n_bytes} bytes"


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why a request is refused: HTTP status, a message for the user, the option that sets it."""

    status: int
    message: str
    retry_after_s: float | None = None


def check_url(uri: str, limits: Limits) -> Refusal | None:
    """A refusal if ``uri`` (``path?query``) or one of its query names/values is too long.

    Only splits the raw query string on ``&`` and ``=`` (no decoding of long values).

    Examples
    --------
    >>> check_url("/cevns?thr=6", DEFAULT_LIMITS) is None
    True
    >>> check_url("/cevns?thr=" + "1" * 5000, DEFAULT_LIMITS).status
    414
    """
    if len(uri) > limits.max_url_length:
        return Refusal(
            414,
            f"The address is too long ({len(uri):,} characters; this server accepts at most "
            f"{limits.max_url_length:,}, option --max-url-length).",
        )
    _, _, query = uri.partition("?")
    query = query.partition("#")[0]
    for part in query.split("&") if query else ():
        name, _, value = part.partition("=")
        for text in (name, value):
            if len(text) > limits.max_url_value:
                shown = urllib.parse.unquote(name[:40]) + ("…" if len(name) > 40 else "")
                return Refusal(
                    414,
                    f"A value in the address is too long ({shown!r}: {len(text):,} characters; "
                    f"at most {limits.max_url_value:,}, option --max-url-value).",
                )
    return None


def client_key(address: str | None) -> str:
    """The key a per-client limit counts: the IP address, or the /64 network of an IPv6 one.

    Examples
    --------
    >>> client_key("192.0.2.7"), client_key("2001:db8::1"), client_key("2001:db8::ffff")
    ('192.0.2.7', '2001:db8::/64', '2001:db8::/64')
    """
    if not address:
        return "?"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class _Bounded(OrderedDict):
    """A dict that keeps at most ``size`` entries, forgetting the least recently touched."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def touch(self, key: str, default: Callable[[], list[float]]) -> list[float]:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = default()
        while len(self) > self.size:
            self.popitem(last=False)
        return value


class RateLimiter:
    """Token buckets per client: ``rate`` tokens per second, at most ``burst`` saved up.

    ``allow(key)`` takes one token (``allow(key, cost)``: ``cost`` tokens, e.g. bytes) and
    returns 0 when allowed, else the seconds until there are enough. ``clock`` is injectable for
    tests.
    """

    def __init__(
        self,
        rate: float,
        burst: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_TRACKED_CLIENTS,
    ) -> None:
        self.rate, self.burst, self.clock = float(rate), float(burst), clock
        self._buckets = _Bounded(max_clients)

    def allow(self, key: str, cost: float = 1.0) -> float:
        """Take ``cost`` tokens (at most ``burst``) for ``key``: 0 if done, else the seconds
        until there are enough (nothing taken)."""
        cost = min(cost, self.burst)
        now = self.clock()
        bucket = self._buckets.touch(key, lambda: [self.burst, now])
        tokens = min(self.burst, bucket[0] + (now - bucket[1]) * self.rate)
        bucket[1] = now
        if tokens >= cost:
            bucket[0] = tokens - cost
            return 0.0
        bucket[0] = tokens
        return (cost - tokens) / self.rate

    def __len__(self) -> int:
        return len(self._buckets)


class LoginThrottle:
    """Delays after failed logins, per key (``"addr:…"``, ``"user:…"``).

    After the n-th consecutive failure of a key, its next attempt is refused for
    ``base_s · 2**(n-1)`` seconds (at most ``max_s``). A success clears the keys it names;
    failures are forgotten after :data:`LOGIN_FORGET_S` seconds without another one.
    """

    def __init__(
        self,
        base_s: float,
        *,
        max_s: float = LOGIN_DELAY_MAX_S,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_TRACKED_CLIENTS,
    ) -> None:
        self.base_s, self.max_s, self.clock = float(base_s), float(max_s), clock
        self._failures = _Bounded(max_clients)  # key -> [failures, blocked_until, last_failure]

    def wait_s(self, *keys: str) -> float:
        """Seconds before ``keys`` may try again (0: now)."""
        now = self.clock()
        waits = [0.0]
        for key in keys:
            entry = self._failures.get(key)
            if entry is None:
                continue
            if now - entry[2] > LOGIN_FORGET_S:
                del self._failures[key]
                continue
            waits.append(entry[1] - now)
        return max(waits)

    def failed(self, *keys: str) -> float:
        """Record a failure of each key; returns the longest delay now imposed."""
        if self.base_s <= 0:
            return 0.0
        now = self.clock()
        delay = 0.0
        for key in keys:
            entry = self._failures.touch(key, lambda: [0.0, now, now])
            if now - entry[2] > LOGIN_FORGET_S:
                entry[0] = 0.0
            entry[0] += 1
            wait = min(self.max_s, self.base_s * 2 ** (entry[0] - 1))
            entry[1], entry[2] = now + wait, now
            delay = max(delay, wait)
        return delay

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
