"""The results cache: one per process, bounded in bytes, least recently used out first.

Results are keyed by their arguments' content (canonical JSON of the specs, arrays by a digest)
and shared by every session of the process, so their arrays are read-only. The cache holds at
most :attr:`dashboard.settings.Settings.cache_bytes` (default 256 MiB): the size of an entry is
the bytes of its arrays plus a small overhead per object (:func:`nbytes`; core objects such as an
``Experiment`` count :data:`OBJECT_BYTES`). An entry larger than the whole budget is returned but
not kept. A function may also bound its own number of entries (``max_items``).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from .settings import SETTINGS

__all__ = ["CACHE", "OBJECT_BYTES", "ResultCache", "cached", "key_of", "nbytes"]

#: What an opaque object (a core model, a ScanResult's info) counts for.
OBJECT_BYTES = 256 * 1024


def nbytes(value: Any, _depth: int = 0) -> int:
    """An estimate of the memory an entry holds: arrays by their bytes, containers summed."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 112
    if value is None or isinstance(value, bool | int | float | np.generic):
        return 32
    if isinstance(value, str | bytes):
        return 50 + len(value)
    if _depth > 6:
        return OBJECT_BYTES
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 64 + sum(
            nbytes(getattr(value, f.name), _depth + 1) for f in dataclasses.fields(value)
        )
    if isinstance(value, dict):
        return 64 + sum(nbytes(k, _depth + 1) + nbytes(v, _depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return 56 + sum(nbytes(v, _depth + 1) for v in value)
    return max(OBJECT_BYTES, sys.getsizeof(value))


class ResultCache:
    """A thread-safe LRU store bounded in bytes (and optionally in entries per group)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = int(max_bytes)
        self.total = 0
        self._entries: OrderedDict[tuple[str, str], tuple[Any, int]] = OrderedDict()
        self._groups: dict[str, OrderedDict[str, None]] = {}
        self._lock = threading.Lock()

    def get(self, group: str, key: str) -> tuple[bool, Any]:
        """(found, value); a hit becomes the most recently used."""
        with self._lock:
            item = self._entries.get((group, key))
            if item is None:
                return False, None
            self._entries.move_to_end((group, key))
            self._groups[group].move_to_end(key)
            return True, item[0]

    def put(self, group: str, key: str, value: Any, size: int, max_items: int | None) -> None:
        """Keep ``value``, then drop the least recently used until within the bounds."""
        with self._lock:
            if size > self.max_bytes:
                return
            self._drop((group, key))
            self._entries[(group, key)] = (value, size)
            self._groups.setdefault(group, OrderedDict())[key] = None
            self.total += size
            members = self._groups[group]
            while max_items is not None and len(members) > max_items:
                self._drop((group, next(iter(members))))
            self._shrink()

    def _drop(self, full_key: tuple[str, str]) -> None:
        item = self._entries.pop(full_key, None)
        if item is not None:
            self.total -= item[1]
            self._groups[full_key[0]].pop(full_key[1], None)

    def _shrink(self) -> None:
        while self.total > self.max_bytes and self._entries:
            self._drop(next(iter(self._entries)))

    def resize(self, max_bytes: int) -> None:
        """A new byte budget (entries are dropped at once if it is smaller)."""
        with self._lock:
            self.max_bytes = int(max_bytes)
            self._shrink()

    def clear(self, group: str | None = None) -> None:
        """Drop every entry (of ``group`` only, when given)."""
        with self._lock:
            for full_key in [k for k in self._entries if group in (None, k[0])]:
                self._drop(full_key)

    def stats(self) -> dict[str, int]:
        """Entries and bytes held, and the budget."""
        with self._lock:
            return {"entries": len(self._entries), "bytes": self.total, "max_bytes": self.max_bytes}


#: The process's results cache.
CACHE = ResultCache(SETTINGS.cache_bytes)


def _key_part(value: Any) -> Any:
    """JSON stand-in for the numpy values a spec may hold (arrays by content)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        digest = hashlib.blake2b(np.ascontiguousarray(value).tobytes(), digest_size=16)
        return ["ndarray", value.dtype.str, list(value.shape), digest.hexdigest()]
    raise TypeError(f"cannot use a {type(value).__name__} in a results cache key")


def key_of(*args: Any, **kwargs: Any) -> str:
    """The cache key of a call: canonical JSON of its arguments (a few microseconds)."""
    return json.dumps([args, kwargs], sort_keys=True, default=_key_part)


def cached(max_items: int | None = None) -> Callable[[Callable], Callable]:
    """Decorator: keep the function's results in :data:`CACHE` (``max_items``: its own bound).

    The value is computed outside the lock (workers compute in parallel); ``func.clear()``
    drops the function's entries.
    """

    def decorate(func: Callable) -> Callable:
        group = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = key_of(*args, **kwargs)
            found, value = CACHE.get(group, key)
            if found:
                return value
            value = func(*args, **kwargs)
            CACHE.put(group, key, value, nbytes(value), max_items)
            return value

        wrapper.clear = lambda: CACHE.clear(group)  # type: ignore[attr-defined]
        return wrapper

    return decorate
