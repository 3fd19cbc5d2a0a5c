"""Memory given back to the system once the sessions of a served dashboard have ended.

Measured with ``benchmarks/bench_load.py`` (20 sessions at once): after they expired the server
kept about twice its warm memory although the live objects had grown by a few MB only. With
CPython's own small-object allocator (pymalloc) the freed objects stay in its 1 MiB arenas, and
an arena goes back to the system only when every object in it is gone: the few objects a
session leaves behind for good (cache entries, interned names) pin most of the arenas filled
during the peak. With ``PYTHONMALLOC=malloc`` the objects are glibc's chunks, and
``malloc_trim`` returns every free page, wherever it lies in the heap. So, on glibc,
``cevns serve`` (unless ``--no-release-memory``):

* runs with ``PYTHONMALLOC=malloc``: :func:`system_malloc_environment` gives the environment,
  and :func:`restart_with_system_malloc` starts the same command again with it (``os.execve``:
  same process id) when the variable is not set already; a ``PYTHONMALLOC`` given by the user
  is kept as it is;
* sets glibc's allocator before any session exists (:func:`tune_allocator`, ``mallopt``): a
  fixed mmap threshold (:data:`MMAP_THRESHOLD_BYTES`: large numpy arrays get their own
  mappings, returned when freed; a fixed value also turns off glibc's raising of it after each
  freed large block), a trim threshold, and at most :data:`ARENA_MAX` arenas for the threads
  (the page builder's, the update pool's and Tornado's executor threads would otherwise get up
  to 8 per core, each with its own free lists);
* once the server holds no session after having held some, runs a full garbage collection and
  ``malloc_trim(0)``, and again every few seconds while that still gives memory back
  (:class:`ReleaseWhenIdle`, a periodic check on the event loop; :func:`release_memory`).

Elsewhere (macOS, musl, Windows) all of this does nothing. Nothing here imports Panel.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import gc
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "ARENA_MAX",
    "MMAP_THRESHOLD_BYTES",
    "TRIM_THRESHOLD_BYTES",
    "AllocatorSettings",
    "ReleaseWhenIdle",
    "glibc",
    "release_memory",
    "resident_mb",
    "restart_with_system_malloc",
    "system_malloc_environment",
    "tune_allocator",
]

log = logging.getLogger("dashboard.server")

#: ``mallopt`` parameters (glibc's ``malloc.h``).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

#: Blocks of at least this size get their own mapping (glibc's initial default, kept fixed).
MMAP_THRESHOLD_BYTES = 128 * 1024
#: Free memory at the top of the heap beyond this is returned at once.
TRIM_THRESHOLD_BYTES = 128 * 1024
#: Most malloc arenas for the process's threads.
ARENA_MAX = 2


@dataclasses.dataclass(frozen=True)
class AllocatorSettings:
    """glibc's allocator settings applied by :func:`tune_allocator`."""

    mmap_threshold_bytes: int = MMAP_THRESHOLD_BYTES
    trim_threshold_bytes: int = TRIM_THRESHOLD_BYTES
    arena_max: int = ARENA_MAX

    def mallopt_calls(self) -> list[tuple[str, int, int]]:
        """``(name, parameter, value)`` for each ``mallopt`` call, in order."""
        return [
            ("M_MMAP_THRESHOLD", M_MMAP_THRESHOLD, self.mmap_threshold_bytes),
            ("M_TRIM_THRESHOLD", M_TRIM_THRESHOLD, self.trim_threshold_bytes),
            ("M_ARENA_MAX", M_ARENA_MAX, self.arena_max),
        ]


def glibc() -> Any | None:
    """The C library when it is glibc (``mallopt`` and ``malloc_trim`` exist), else None."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
    except (AttributeError, ValueError, OSError):  # not glibc, or not a POSIX system
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
    except (OSError, AttributeError):
        return None
    return libc


def tune_allocator(
    settings: AllocatorSettings = AllocatorSettings(), libc: Any | None = None
) -> dict[str, int]:
    """Apply ``settings`` with ``mallopt`` (glibc only); the settings applied, by name.

    Call it before the sessions exist (glibc's arenas are created as threads first allocate).
    Returns ``{}`` where glibc is absent; a setting glibc refuses is left out (and logged).
    """
    libc = libc if libc is not None else glibc()
    if libc is None:
        return {}
    applied = {}
    for name, parameter, value in settings.mallopt_calls():
        if libc.mallopt(parameter, value) == 1:
            applied[name] = value
        else:
            log.warning("glibc refused mallopt(%s, %d)", name, value)
    return applied


def release_memory(libc: Any | None = None) -> bool:
    """Collect garbage, then give glibc's free pages back to the system (``malloc_trim(0)``).

    Returns True when memory was returned (glibc only; elsewhere only the collection runs).
    """
    gc.collect()
    libc = libc if libc is not None else glibc()
    return bool(libc is not None and libc.malloc_trim(0))


def resident_mb() -> float:
    """This process's resident memory in MiB (Linux; NaN elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def system_malloc_environment(environ: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """The environment with ``PYTHONMALLOC=malloc``, or None when nothing is to change.

    None when ``PYTHONMALLOC`` is set already (whatever its value: the user's choice) or the C
    library is not glibc (no ``malloc_trim``).
    """
    env = os.environ if environ is None else environ
    if "PYTHONMALLOC" in env or glibc() is None:
        return None
    return {**env, "PYTHONMALLOC": "malloc"}


def restart_with_system_malloc(
    execve: Callable[[str, list[str], dict[str, str]], Any] = os.execve,
) -> bool:
    """Start this command again with ``PYTHONMALLOC=malloc`` (same process id), if needed.

    Returns False (and does nothing) when not needed (:func:`system_malloc_environment`) or
    when the command line is not known; does not return otherwise. Call it before anything
    is started (threads, sockets, files): they would not survive.
    """
    env = system_malloc_environment()
    argv = list(getattr(sys, "orig_argv", []) or [])
    if env is None or not argv or not sys.executable:
        return False
    log.info("starting again with PYTHONMALLOC=malloc (memory given back after sessions)")
    sys.stdout.flush()
    sys.stderr.flush()
    execve(sys.executable, [sys.executable, *argv[1:]], env)
    return True


class ReleaseWhenIdle:
    """Calls :func:`release_memory` once the server holds no session after having held some.

    :meth:`check` is run every ``period_ms`` on the server's event loop (:meth:`install`);
    ``count_sessions`` gives the sessions held now. Memory is released at the first check that
    finds no session, then again every ``settle_s`` while none comes, until a release gives
    back less than :attr:`MIN_GAIN_MB` or after :attr:`MAX_PASSES` releases: Bokeh forgets a
    session before its clean-up hooks (Panel's and the page's) have run and before the page's
    last computations have finished, so some of its memory is freed only seconds later.
    :attr:`releases` counts the releases; ``resident`` gives the process's memory in MB.
    """

    MIN_GAIN_MB = 1.0
    MAX_PASSES = 4

    def __init__(
        self,
        count_sessions: Callable[[], int],
        release: Callable[[], Any] = release_memory,
        settle_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        resident: Callable[[], float] = lambda: resident_mb(),
    ) -> None:
        self._count_sessions = count_sessions
        self._release = release
        self._settle_s = settle_s
        self._clock = clock
        self._resident = resident
        self._had_sessions = False
        self._passes = 0
        self._last_release = 0.0
        self.releases = 0

    def check(self) -> None:
        if self._count_sessions() > 0:
            self._had_sessions = True
            self._passes = 0
            return
        if not self._had_sessions:
            return
        if self._passes and self._clock() - self._last_release < self._settle_s:
            return
        gain = self._release_now()
        self._passes += 1
        self._last_release = self._clock()
        if self._passes >= self.MAX_PASSES or not gain >= self.MIN_GAIN_MB:
            self._had_sessions = False  # done until the next sessions have come and gone
            self._passes = 0

    def _release_now(self) -> float:
        before = self._resident()
        self._release()
        self.releases += 1
        after = self._resident()
        log.info("no session left: memory released (%.0f -> %.0f MB)", before, after)
        return before - after

    def install(self, period_ms: int) -> Any:
        """Run :meth:`check` every ``period_ms`` on the current event loop; the callback."""
        from tornado.ioloop import PeriodicCallback

        callback = PeriodicCallback(self.check, period_ms)
        callback.start()
        return callback

    @classmethod
    def for_server(cls, server: Any) -> ReleaseWhenIdle:
        """Counting the sessions of every application of a Bokeh ``server``."""

        def count() -> int:
            from .spare_pages import visitor_sessions

            return len(visitor_sessions(server._tornado.applications.values())[0])

        return cls(count)
