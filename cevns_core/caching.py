"""Value-keyed caches of the rate engine's kernels (DESIGN §6: "cache kernels keyed by the inputs
that determine them; the dashboard's updates reuse them").

Two pieces:

* :func:`fingerprint` — a hashable key from a value: numbers, strings, tuples, lists, mappings,
  arrays (dtype, shape, bytes; a BLAKE2 digest of the bytes above 8 kB) and the package's models
  (their class and parameter values, nested models included). Two models with equal parameters
  have equal fingerprints, so a dashboard that rebuilds its objects on every update still hits
  the caches. A model keeps its own part of the key between calls
  (:meth:`ValidatedParameters._fingerprint`) and drops it when a parameter is assigned; mutable
  values (lists, dicts, arrays, nested models) are fingerprinted again on every call, so an
  in-place change is seen too. Objects that are neither (functions, arbitrary objects) are keyed
  by identity and kept alive by the key.
* :class:`LRUCache` — a bounded (entries and bytes), thread-safe least-recently-used cache. The
  value is computed outside the lock (two threads may compute the same entry; both get equal
  results); arrays are stored read-only so a caller cannot change a cached result.

:func:`clear_caches` empties every cache of the package (e.g. to time the uncached path);
:func:`cache_info` reports their sizes and hit counts.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np
import param

__all__ = ["LRUCache", "cache_info", "clear_caches", "fingerprint", "intern", "readonly"]

_ATOMS = (type(None), bool, int, float, str, complex, bytes)
_CACHES: list[LRUCache] = []


class Key:
    """A hashable tuple whose hash is computed once (nested keys hash in O(1))."""

    __slots__ = ("_hash", "parts")

    def __init__(self, parts: tuple) -> None:
        self.parts = parts
        self._hash = hash(parts)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            type(other) is Key and self._hash == other._hash and self.parts == other.parts
        )

    def __repr__(self) -> str:
        return f"Key{self.parts!r}"


class _Identity:
    """Key of an object compared by identity; holds a reference so its id is never reused."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return type(other) is _Identity and other.obj is self.obj


_EMPTY_MAPPING = Key(("mapping",))
_INTERNED: dict[Key, Key] = {}
_MAX_INTERNED = 1024
#: Arrays larger than this are keyed by a digest of their bytes (keys stay small).
_DIGEST_ABOVE_BYTES = 8192


def intern(key: Key) -> Key:
    """The one stored object equal to ``key`` (stored if new): later comparisons of keys that
    contain it are identity checks instead of walks through nested parts."""
    if len(_INTERNED) > _MAX_INTERNED:
        _INTERNED.clear()
    return _INTERNED.setdefault(key, key)


def is_immutable(value: Any) -> bool:
    """True for values that cannot change in place: atoms and tuples of them."""
    if isinstance(value, _ATOMS):
        return True
    if type(value) is tuple:
        return all(is_immutable(v) for v in value)
    return False


def fingerprint(value: Any) -> Hashable:
    """A hashable key that is equal for equal values (see the module docstring)."""
    if isinstance(value, _ATOMS):
        return value
    if isinstance(value, param.Parameterized):
        own = getattr(value, "_fingerprint", None)
        if own is not None:
            return own()
        names = [n for n in type(value).param if n != "name"]  # a model outside the package
        return Key((type(value), *((n, fingerprint(getattr(value, n))) for n in names)))
    if isinstance(value, np.ndarray):
        if value.nbytes > _DIGEST_ABOVE_BYTES:  # a large table: a 160-bit digest of its bytes
            data = hashlib.blake2b(np.ascontiguousarray(value), digest_size=20).digest()
        else:
            data = value.tobytes()
        return Key(("ndarray", value.dtype.str, value.shape, data))
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return Key((type(value).__name__, *(fingerprint(v) for v in value)))
    if isinstance(value, Mapping):
        if not value:
            return _EMPTY_MAPPING
        items = sorted(((repr(k), fingerprint(v)) for k, v in value.items()), key=lambda i: i[0])
        return Key(("mapping", *items))
    try:
        hash(value)
    except TypeError:
        return _Identity(value)
    if type(value).__eq__ is object.__eq__:
        return _Identity(value)
    return Key((type(value), value))  # a value object (e.g. a frozen dataclass)


def model_fingerprint(
    model: param.Parameterized, exclude: frozenset[str]
) -> tuple[Key, tuple[Any, ...]]:
    """A model's class and immutable parameter values as a :class:`Key`, and its other parameter
    values (lists, dicts, arrays, nested models: to be fingerprinted on every call), ``exclude``
    and ``name`` left out."""
    static: list[tuple[str, Any]] = []
    dynamic: list[Any] = []
    for name in type(model).param:
        if name == "name" or name in exclude:
            continue
        value = getattr(model, name)
        if is_immutable(value):
            static.append((name, value))
        else:
            dynamic.append(value)
    return Key((type(model), tuple(static))), tuple(dynamic)


def readonly(value: Any) -> Any:
    """``value`` with every array in it (tuples and dicts are walked) made read-only."""
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, tuple | list):
        for v in value:
            readonly(v)
    elif isinstance(value, dict):
        for v in value.values():
            readonly(v)
    return value


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, tuple | list):
        return sum(_nbytes(v) for v in value)
    if isinstance(value, dict):
        return sum(_nbytes(v) for v in value.values())
    return 64


class LRUCache:
    """A bounded, thread-safe least-recently-used cache of computed values.

    Parameters
    ----------
    name : str
        Shown by :func:`cache_info`.
    max_entries : int
        Most entries kept.
    max_bytes : int
        Most bytes of array data kept (an entry larger than this is returned but not kept).
    """

    def __init__(self, name: str, max_entries: int, max_bytes: int = 64 * 2**20) -> None:
        self.name = name
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._data: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        _CACHES.append(self)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value of ``key``, computed by ``compute()`` (and kept, read-only) on a miss.

        ``compute`` must return new arrays, never one of its caller's (it is made read-only).
        """
        with self._lock:
            entry = self._data.get(key)
            if entry is not None:
                self._data.move_to_end(key)
                self.hits += 1
                return entry[0]
            self.misses += 1
        value = readonly(compute())
        size = _nbytes(value)
        if size > self.max_bytes:
            return value
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._data[key] = (value, size)
            self._bytes += size
            while len(self._data) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._data.popitem(last=False)
                self._bytes -= dropped
        return value

    def clear(self) -> None:
        """Drop every entry (and reset the counters)."""
        with self._lock:
            self._data.clear()
            self._bytes = 0
            self.hits = 0
            self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def info(self) -> dict[str, Any]:
        """Entries, bytes, hits and misses."""
        with self._lock:
            return {
                "entries": len(self._data),
                "max_entries": self.max_entries,
                "bytes": self._bytes,
                "max_bytes": self.max_bytes,
                "hits": self.hits,
                "misses": self.misses,
            }


def clear_caches() -> None:
    """Empty every kernel cache of the package (results are then recomputed)."""
    for cache in _CACHES:
        cache.clear()


def cache_info() -> dict[str, dict[str, Any]]:
    """Size and hit counts of every kernel cache, by name."""
    return {cache.name: cache.info() for cache in _CACHES}
