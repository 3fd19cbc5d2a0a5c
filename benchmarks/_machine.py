"""Shared helpers of the benchmarks: the machine, single-threaded numpy, timings, peak memory.

Import this module *before* numpy (``import _machine`` first in a ``bench_*.py``): it limits
the BLAS/OpenMP thread pools to one thread, so every figure is a one-core figure, and puts the
project root on ``sys.path`` so that ``python benchmarks/bench_x.py`` works without installing.

Timings are medians of repeats (the machine may be shared; the median is robust to the odd slow
repeat). Peak memory is the peak of Python-traced allocations (numpy's buffers included) during
one call, measured with :mod:`tracemalloc` in a separate, untimed call.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import gc  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

__all__ = [
    "ROOT",
    "Timing",
    "check",
    "machine",
    "machine_lines",
    "peak_memory_MB",
    "time_call",
    "time_interleaved",
]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas() -> str:
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        name = blas.get("name", "?")
        version = blas.get("version", "?")
        config = " ".join(str(blas.get("openblas configuration", "")).split())
        return f"{name} {version}" + (f" ({config})" if config else "")
    except Exception as exc:  # the config format is not part of numpy's API
        return f"unknown ({type(exc).__name__})"


def machine() -> dict[str, Any]:
    """Cores, load, CPU, Python/numpy/scipy versions, numpy's BLAS and its thread limit."""
    import scipy

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "load_1_5_15min": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "blas": _blas(),
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "platform": platform.platform(),
    }


def machine_lines() -> list[str]:
    """The machine as two printable lines."""
    m = machine()
    return [
        f"machine: {m['cpu']}, {m['cores']} cores ({m['cores_usable']} usable), load "
        f"{m['load_1_5_15min']}, Python {m['python']}, numpy {m['numpy']}, scipy {m['scipy']}",
        f"numpy BLAS: {m['blas']}; BLAS/OpenMP threads limited to {m['blas_threads']}",
    ]


class Timing:
    """Per-call times of repeated calls (seconds): wall clock and, when measured, the CPU time
    of the calling thread (which leaves out the time the thread waited for a core)."""

    def __init__(self, seconds: list[float], cpu_seconds: list[float] | None = None) -> None:
        self.seconds = seconds
        self.cpu_seconds = cpu_seconds

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)

    def text(self, unit: str = "ms") -> str:
        scale = {"s": 1.0, "ms": 1e3, "us": 1e6}[unit]
        cpu = "" if self.cpu_seconds is None else f", CPU {self.cpu_median * scale:.3g} {unit}"
        return (
            f"median {self.median * scale:.3g} {unit} (best {self.best * scale:.3g} {unit}"
            f"{cpu}, {len(self.seconds)} repeats)"
        )


def time_call(
    fn: Callable[[], Any],
    *,
    repeat: int = 7,
    number: int = 1,
    warmup: int = 1,
    clock: str = "wall",
) -> Timing:
    """Median-ready timings of ``fn``: ``repeat`` samples of ``number`` calls each (per call).

    ``clock="cpu"``: CPU time of this process (``time.process_time``) — on a shared machine
    under load the wall time measures the other users as much as the code.
    """
    now = time.process_time if clock == "cpu" else time.perf_counter
    for _ in range(warmup):
        fn()
    out = []
    enabled = gc.isenabled()
    gc.disable()  # like timeit: keep the collector's pauses out of the figures
    try:
        for _ in range(repeat):
            t0 = now()
            for _ in range(number):
                fn()
            out.append((now() - t0) / number)
    finally:
        if enabled:
            gc.enable()
    return Timing(out)


def time_interleaved(
    fns: dict[str, Callable[[], Any]],
    *,
    repeat: int = 15,
    number: int = 1,
    warmup: int = 1,
) -> dict[str, Timing]:
    """Timings of several callables whose samples alternate (a, b, c, a, b, c, …), wall clock
    and thread CPU time.

    On a shared machine the load drifts: alternating the samples exposes every callable to
    the same drift, so ratios of their medians are fair even when the absolute figures move;
    the CPU time leaves out the waits for a core.
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    out: dict[str, list[float]] = {name: [] for name in fns}
    cpu: dict[str, list[float]] = {name: [] for name in fns}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for name, fn in fns.items():
                c0 = time.thread_time()
                t0 = time.perf_counter()
                for _ in range(number):
                    fn()
                out[name].append((time.perf_counter() - t0) / number)
                cpu[name].append((time.thread_time() - c0) / number)
    finally:
        if enabled:
            gc.enable()
    return {name: Timing(out[name], cpu[name]) for name in fns}


def peak_memory_MB(fn: Callable[[], Any]) -> float:
    """Peak traced memory (MiB) allocated during one call of ``fn`` (not timed)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - base) / 2**20


def check(label: str, ok: bool, detail: str) -> str:
    """One target line: ``target <label>: PASS|MISS (<detail>)``."""
    return f"target {label}: {'PASS' if ok else 'MISS'} ({detail})"
