"""Scans for the Constraints tab: chunks of ``cc.scan``, the grid cap and the scan slots.

* :func:`scan_chunk` — ``cc.scan`` on some rows of the grid (cached; the per-bin predictions,
  which the page never shows, are dropped to keep the cache small), :func:`assemble_scan` —
  the chunks as one ``cc.ScanResult``;
* :func:`check_grid` — a grid within :attr:`~dashboard.settings.Settings.scan_max_points`;
* :data:`SLOTS` — how many scans run at once in this process
  (:attr:`~dashboard.settings.Settings.scans_per_server`), how many wait
  (:attr:`~dashboard.settings.Settings.scan_queue`) and how many one session may have
  (:attr:`~dashboard.settings.Settings.scans_per_session`): a scan beyond those is refused with
  a "busy" message (:class:`ScanBusy`);
* :func:`scan_pool` — the threads scans run in, apart from the ones that update the plots.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

import cevns_core as cc

from .cache import cached
from .core_warnings import collect_warnings
from .settings import SETTINGS
from .state import sm_spec

__all__ = [
    "SLOTS",
    "ScanBusy",
    "ScanSlots",
    "assemble_scan",
    "check_grid",
    "scan_chunk",
    "scan_experiment",
    "scan_pool",
]


class ScanBusy(cc.CevnsError):
    """No scan slot for this request (the server or the session has too many)."""


def check_grid(axes: dict[str, np.ndarray]) -> None:
    """Refuse a grid with more points than the server allows per scan."""
    points = int(np.prod([len(v) for v in axes.values()]))
    limit = SETTINGS.scan_max_points
    if points > limit:
        shape = " × ".join(str(len(v)) for v in axes.values())
        raise cc.CevnsError(
            f"the grid has {shape} = {points:,} points; this server computes at most "
            f"{limit:,} per scan (fewer points, or a 1-D profile)"
        )


def scan_experiment(spec: dict[str, Any]) -> cc.Experiment:
    """The experiment a scan runs on: the spec's, with its Standard-Model settings only (the
    scan adds the new physics itself)."""
    return cc.Experiment.from_spec({**spec, "physics": sm_spec(spec["physics"])})


def _readonly(result: Any) -> Any:
    for name in ("chi2", "bin_edges", "observed"):
        getattr(result, name).flags.writeable = False
    for values in result.axes.values():
        values.flags.writeable = False
    return result


@cached(max_items=256)
def scan_chunk(
    spec: dict[str, Any],
    model: str,
    axes: dict[str, Any],
    rows: tuple[int, int],
    data: str | None,
    statistic: str | None,
    default_sigma_signal: float = cc.published.DEFAULT_SIGNAL_UNCERTAINTY,
) -> Any:
    """``cc.scan`` on rows ``rows`` of the first axis (all of the second): one chunk;
    ``default_sigma_signal``: the signal systematic of an Asimov sensitivity for a preset that
    publishes none (``cc.signal_uncertainty``).

    χ² at a grid point does not depend on the rest of the grid, so chunks assemble into the
    full scan (:func:`assemble_scan`).
    """
    names = list(axes)
    lo, hi = rows
    chunk = {names[0]: np.asarray(axes[names[0]], dtype=float)[lo:hi]}
    for name in names[1:]:
        chunk[name] = np.asarray(axes[name], dtype=float)
    with collect_warnings():
        # the predictions per bin and grid point are most of a chunk's memory, and not shown;
        # chunks of one grid: refining a chunk's 1-D profile would change its rows
        result = cc.scan(
            scan_experiment(spec),
            model,
            data=data,
            statistic=statistic,
            default_sigma_signal=default_sigma_signal,
            keep="chi2",
            refine=False,
            **chunk,
        )
    return _readonly(result)


def assemble_scan(pieces: list[Any], axes: dict[str, Any]) -> Any:
    """One ``cc.ScanResult`` from row chunks (its Δχ², best fit and contours are the core's)."""
    first = pieces[0]
    return cc.ScanResult(
        model=first.model,
        axes={k: np.asarray(v, dtype=float) for k, v in axes.items()},
        bin_counts=None,
        totals=np.concatenate([p.counts for p in pieces], axis=0),
        chi2=np.concatenate([p.chi2 for p in pieces], axis=0),
        chi2_null=first.chi2_null,
        null_point=dict(first.null_point),
        reference=first.reference,
        bin_edges=np.asarray(first.bin_edges),
        observed=np.asarray(first.observed),
        info={**first.info, "chunks": len(pieces)},
    )


# ---------------------------------------------------------------------------- slots
@dataclasses.dataclass(eq=False)
class Ticket:
    """One scan request: its session and whether it holds a slot."""

    session: int
    running: bool = False


class ScanSlots:
    """Scans running and waiting in this process (thread-safe; see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: list[Ticket] = []
        self._waiting: deque[Ticket] = deque()

    def enter(self, session: int) -> Ticket:
        """A ticket for a new scan of ``session``; :class:`ScanBusy` when none is allowed."""
        with self._lock:
            mine = sum(t.session == session for t in [*self._running, *self._waiting])
            if mine >= SETTINGS.scans_per_session:
                raise ScanBusy(
                    f"this page already has {mine} scan(s) running or waiting (at most "
                    f"{SETTINGS.scans_per_session} per page): wait for it or cancel it"
                )
            ticket = Ticket(session)
            if len(self._running) < SETTINGS.scans_per_server and not self._waiting:
                ticket.running = True
                self._running.append(ticket)
                return ticket
            if len(self._waiting) >= SETTINGS.scan_queue:
                raise ScanBusy(
                    f"the server is busy: {len(self._running)} scan(s) running and "
                    f"{len(self._waiting)} waiting; try again in a minute"
                )
            self._waiting.append(ticket)
            return ticket

    def ready(self, ticket: Ticket) -> int:
        """0 when ``ticket`` holds a slot (taking a free one if it is first in line), else its
        position in the queue (1 = next)."""
        with self._lock:
            if ticket.running:
                return 0
            if (
                self._waiting
                and self._waiting[0] is ticket
                and len(self._running) < SETTINGS.scans_per_server
            ):
                self._waiting.popleft()
                ticket.running = True
                self._running.append(ticket)
                return 0
            return list(self._waiting).index(ticket) + 1

    def leave(self, ticket: Ticket) -> None:
        """The scan ended (done, failed or cancelled): free its slot or its place in line."""
        with self._lock:
            if ticket in self._running:
                self._running.remove(ticket)
            if ticket in self._waiting:
                self._waiting.remove(ticket)

    def counts(self) -> tuple[int, int]:
        """(running, waiting)."""
        with self._lock:
            return len(self._running), len(self._waiting)


#: The process's scan slots.
SLOTS = ScanSlots()
_POOL: dict[int, ThreadPoolExecutor] = {}


def scan_pool() -> ThreadPoolExecutor:
    """The threads scans run in (``scans_per_server`` of them; not the plots' workers)."""
    size = SETTINGS.scans_per_server
    if size not in _POOL:
        _POOL[size] = ThreadPoolExecutor(max_workers=size, thread_name_prefix="scan")
    return _POOL[size]
