"""Running the row chunks of a scan: locally, or on a Dask cluster; progress reporting.

``client=`` a ``dask.distributed.Client`` (or a scheduler address) runs the same row chunks on
the cluster (``distributed`` is imported only then); chunks and their arithmetic are identical,
so the grid is too. The plan (kernels or polynomial table, statistic) is sent to every worker
once; each chunk sends back its χ² and totals in the scan's ``dtype`` (and bin counts only on
the kernel and generic routes with ``keep="bins"``). Without ``chunk_rows`` the grid is cut into
about four chunks per worker thread. Workers rebuild the scan catalogue from the package: an
effect registered at run time in the client process only is not known to them.
``progress=True`` prints a text progress bar on stderr; a callable gets
``(done_chunks, total_chunks)``.

When it pays (``benchmarks/bench_scans.py --dask``): a cluster adds a fixed cost per scan
(sending the plan, scheduling; ~0.1–0.3 s on one machine) and a little per chunk, so it helps
only scans that take seconds on one core — generic-path scans, joint-likelihood scans with
Poisson profiles, very large grids — and only with idle cores or other machines.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import shown
from ..errors import CevnsError
from .plan import Plan, plan_rows

__all__ = ["TextProgress", "connect", "progress_callback", "run_dask", "run_local", "workers"]

Array = NDArray[np.float64]


class TextProgress:
    """A tqdm-free progress bar on a text stream (stderr by default), for ``scan(progress=...)``.

    Nothing is printed until ``delay`` seconds have passed, so short scans stay silent.
    """

    def __init__(
        self, label: str = "scan", stream: Any = None, width: int = 30, delay: float = 0.0
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.delay = delay
        self.start = time.perf_counter()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        filled = int(self.width * done / max(total, 1))
        elapsed = time.perf_counter() - self.start
        if not self.shown and elapsed < self.delay:
            return
        self.shown = True
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done}/{total} chunks {elapsed:.1f} s"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def progress_callback(progress: Any, label: str) -> Callable[[int, int], None] | None:
    if progress is None or progress is False:
        return None
    if progress is True:
        return TextProgress(label)
    if callable(progress):
        return progress
    raise CevnsError(
        f"progress must be True/False/None or a callable(done, total), got {progress!r}"
    )


def run_local(plan: Plan, report: Callable | None) -> list[dict[str, Any]]:
    chunks = plan.chunks()
    out = []
    for k, (lo, hi) in enumerate(chunks):
        out.append(plan_rows(plan, lo, hi))
        if report is not None:
            report(k + 1, len(chunks))
    return out


def connect(client: Any) -> tuple[Any, bool]:
    """A Client (and whether we opened it) from a Client or a scheduler address."""
    if isinstance(client, str):
        try:
            from distributed import Client
        except ImportError as exc:
            raise CevnsError(
                "Dask execution needs the optional dependency: pip install 'cevns-workbench[dask]'"
            ) from exc
        try:
            return Client(client, set_as_default=False, timeout=30), True
        except (OSError, TimeoutError, ValueError) as exc:  # ValueError: a malformed address
            raise CevnsError(
                f"cannot connect to the Dask scheduler {shown(client)}: {exc}"
            ) from exc
    if not (hasattr(client, "submit") and hasattr(client, "scatter")):
        raise CevnsError(
            "client must be a dask.distributed.Client or a scheduler address string, "
            f"got {type(client).__name__}"
        )
    return client, False


def workers(client: Any) -> int:
    """Worker threads of a cluster (at least 1)."""
    try:
        return max(1, int(sum(client.nthreads().values())))
    except Exception:  # a client-like object without nthreads
        return 1


def run_dask(plan: Plan, client: Any, report: Callable | None) -> list[dict[str, Any]]:
    try:
        from distributed import as_completed
    except ImportError as exc:
        raise CevnsError(
            "Dask execution needs the optional dependency: pip install 'cevns-workbench[dask]'"
        ) from exc
    chunks = plan.chunks()
    futures: dict[Any, int] = {}
    try:
        [plan_future] = client.scatter([plan.for_workers()], broadcast=True, hash=False)
        for k, (lo, hi) in enumerate(chunks):
            futures[client.submit(plan_rows, plan_future, lo, hi, pure=False)] = k
        out: list[dict[str, Any] | None] = [None] * len(chunks)
        done = 0
        for future in as_completed(list(futures)):
            out[futures[future]] = future.result()
            done += 1
            if report is not None:
                report(done, len(chunks))
    except BaseException:
        client.cancel(list(futures))
        raise
    return [o for o in out if o is not None]
