"""The core's data fits for the page: cached, and the slow ones computed once per process.

* :func:`data_fit` — ``cevns_core.likelihood.data_fit`` of chosen data sets and APV/PVES terms at
  a physics spec and a nuclear choice (a fraction of a second; cached per arguments, arrays
  read-only);
* :func:`experiment_datasets` — the likelihood data sets of a preset;
* :func:`published` — ``cc.published_comparison`` of a preset (cached);
* :func:`named_results` and :func:`running_points` — ``cc.named_results()`` (every named fit,
  seconds) and the sin²θ_W measurements with the workbench's own determinations: each computed
  once per process in a background thread (:func:`background`), then shared by every session.
  Pages wait for the returned future without blocking (:func:`dashboard.views.data_fits.
  when_ready`).

No physics here: the numbers are the core's; this module only caches and freezes them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

import cevns_core as cc
from cevns_core.electroweak import measurement_points, running_curve, workbench_points
from cevns_core.likelihood import data_fit as core_data_fit
from cevns_core.likelihood import experiment_likelihoods

from .cache import cached
from .results import collect_warnings
from .state import build_physics

__all__ = [
    "EXTERNAL_TERMS",
    "RUNNING_DATASETS",
    "background",
    "data_fit",
    "experiment_datasets",
    "named_results",
    "published",
    "running_points",
]

#: The external terms offered beside the CEvNS data sets.
EXTERNAL_TERMS: tuple[str, ...] = tuple(cc.electroweak.external_term_names())
#: Data sets whose sin²θ_W fits are drawn on the running plot (CsI 2017, CsI 2021, LAr 2020).
RUNNING_DATASETS: tuple[str, ...] = ("coherent_csi_2017", "coherent_csi_2021", "coherent_lar_2020")

#: One worker for the once-per-process computations (they must not hold the plots' pool).
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard-fits")
_FUTURES: dict[str, Future] = {}
_LOCK = threading.Lock()


def background(key: str, compute: Callable[[], Any]) -> Future:
    """The future of ``compute()`` run once per process under ``key`` (a failed run is retried
    by the next caller)."""
    with _LOCK:
        future = _FUTURES.get(key)
        if future is None or (future.done() and future.exception() is not None):
            future = _FUTURES[key] = _WORKER.submit(compute)
        return future


def _freeze(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        arr = np.array(value, dtype=float)
        arr.flags.writeable = False
        return arr
    if isinstance(value, dict):
        return {k: _freeze(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_freeze(v) for v in value)
    return value


@cached(max_items=32)
def data_fit(
    datasets: tuple[str, ...],
    terms: tuple[str, ...] = (),
    physics: dict[str, Any] | None = None,
    nuclear: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``cevns_core.likelihood.data_fit`` (plain data; arrays read-only) at a physics spec and
    a nuclear choice (:meth:`SessionState.nuclear_spec`: form-factor model, its parameters,
    skin and R_n, which are the core's keywords; None: each data set's preset's choice). The
    PVES terms take the choice's skin (none: 0, F_n = F_p)."""
    with collect_warnings():
        fit = core_data_fit(
            list(datasets), list(terms), physics=build_physics(physics), nuclear=nuclear
        )
    return _freeze(fit)


@cached(max_items=64)
def experiment_datasets(experiment: str) -> tuple[str, ...]:
    """The likelihood data sets of preset ``experiment`` (richest first; empty: none)."""
    if experiment not in cc.experiment_names():
        return ()
    return tuple(experiment_likelihoods(experiment))


@cached(max_items=64)
def published(name: str) -> dict[str, Any]:
    """``cc.published_comparison(name)``: the preset's published numbers beside ours."""
    with collect_warnings():
        return cc.published_comparison(name)


def _named() -> list[dict[str, Any]]:
    with collect_warnings():
        return cc.named_results()


def named_results() -> Future:
    """The future of ``cc.named_results()`` (computed once per process)."""
    return background("named_results", _named)


def _running() -> dict[str, Any]:
    with collect_warnings():
        mu, s2 = running_curve(1e-4, 1e4, 400)
        return _freeze(
            {
                "mu_GeV": mu,
                "sin2": s2,
                "measurements": measurement_points(),
                "workbench": workbench_points(cevns_datasets=RUNNING_DATASETS),
                "source": cc.electroweak.RUNNING_INPUTS["source"],
            }
        )


def running_points() -> Future:
    """The future of the running curve, the measurements and the workbench's points."""
    return background("running", _running)
