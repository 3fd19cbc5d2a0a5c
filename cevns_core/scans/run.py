"""The entry point :func:`scan`: a 1-D Δχ² profile or a 2-D grid of one scan model.

Statistics. By default the χ² is an Asimov sensitivity (PHYSICS §8.3): the "observed" counts are
the prediction at the no-new-physics point (or at ``truth=``) in the experiment's analysis bins,
with a Gaussian χ² (σ_i² = N_obs,i, bins with no expected events dropped) or ``statistic=
"poisson"`` (Baker–Cousins), and a profiled signal-normalisation nuisance σ_α from the preset's
published prediction uncertainty (CsI 2017: 48/173) unless ``sigma_signal`` is given (0 when
the preset publishes none). With ``data="coherent_csi_2017"`` the χ² is the data set's own
(:func:`cevns_core.fits.dataset_chi2`) in its bins, with its arrival-time acceptance.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_choice
from ..errors import CevnsError
from ..experiment import Experiment
from ..physics import NewPhysics
from ..rates import _check_finite_count
from ..statistics import gaussian_chi2, poisson_chi2
from ..weak_charges import StandardModel
from .catalogue import SCAN_MODELS, ScanModel
from .distributed import progress_callback, run_dask, run_local
from .engine import (
    Job,
    base_physics,
    build_blocks,
    fast_available,
    fast_counts,
    generic_counts,
    physics_values,
)
from .result import REFERENCES, ScanResult

__all__ = ["MAX_SCAN_POINTS", "scan"]

#: Largest number of grid points of one scan (2000 × 2000).
MAX_SCAN_POINTS = 4_000_000

Array = NDArray[np.float64]

_METHODS = ("auto", "fast", "generic")
_STATISTICS_ASIMOV = ("gaussian", "poisson")
# Elements (grid points × recoil nodes) per chunk of the fast path: ~8 MB per temporary array.
_FAST_BUDGET = 1_000_000
_GENERIC_CHUNKS_1D = 50


def scan(
    experiment: Experiment | str,
    model: str,
    *,
    data: Any = None,
    statistic: str | None = None,
    sigma_signal: float | None = None,
    sigma_backgrounds: float | Sequence[float] | None = None,
    truth: Mapping[str, float] | None = None,
    reference: str = "minimum",
    time_cut: bool = True,
    method: str = "auto",
    client: Any = None,
    chunk_rows: int | None = None,
    progress: Any = None,
    **axes: ArrayLike,
) -> ScanResult:
    """Scan a model of :data:`~cevns_core.scans.SCAN_MODELS` on a 1-D or 2-D grid: χ², Δχ².

    Parameters
    ----------
    experiment : Experiment or str
        The experiment (or a preset name): source, detector, exposure, form factor and the
        Standard-Model inputs (its ``physics``; None: the default SM).
    model : str
        One of :func:`scan_models`.
    data : str or Dataset, optional
        A data set (e.g. ``"coherent_csi_2017"``) to fit; default: Asimov sensitivity.
    statistic : str, optional
        Asimov: ``"gaussian"`` (default) or ``"poisson"``; data: the data set's own by default
        (``"gaussian_coherent"``, ``"gaussian"`` or ``"poisson"``).
    sigma_signal : float, optional
        Signal-normalisation uncertainty σ_α (fraction; 0/None fixes the normalisation for a
        given value, ``math.inf`` frees it). Default: the published relative uncertainty of the
        preset's prediction (Asimov) or the data set's.
    sigma_backgrounds : float or sequence, optional
        Background normalisation uncertainties (data only; default the data set's).
    truth : mapping, optional
        Asimov data generated at these axis values (missing axes: no new physics).
    reference : {"minimum", "sm"}
        Δχ² relative to the minimum (grid ∪ no-new-physics point) or to the SM point.
    time_cut : bool
        Data only: apply the data set's arrival-time acceptance to the prediction.
    method : {"auto", "fast", "generic"}
        Kernel reuse (``"fast"``, default when available) or one NewPhysics per point.
    client : dask.distributed.Client or str, optional
        Run the row chunks on a Dask cluster (a Client, or a scheduler address to connect to).
    chunk_rows : int, optional
        Rows of the first axis per chunk (default: ~4·10⁶ grid × recoil-node elements per chunk
        on the fast path, one row on the generic path).
    progress : bool or callable, optional
        ``True``: text progress bar on stderr; a callable receives ``(done, total)`` chunks.
    **axes : array_like
        One or two axes of the model, e.g. ``coupling=g, mass_MeV=M`` (1-D, strictly increasing).

    Returns
    -------
    ScanResult

    Raises
    ------
    CevnsError
        Unknown model, axis or option; empty, non-finite, out-of-range or non-increasing axis
        values (e.g. a negative mass); an unknown data set or one in another observable; a
        multi-dimensional data set; ``method="fast"`` where only the generic path applies.

    Examples
    --------
    >>> res = scan("coherent_csi_2017", "zprime", coupling=[1e-4, 1e-3], mass_MeV=[10.0, 1e3])
    >>> res.delta_chi2.shape, round(float(res.counts[0, 1]), 1)
    ((2, 2), 171.7)
    """
    started = time.perf_counter()
    if isinstance(experiment, str):
        from ..experiment import experiment as preset

        experiment = preset(experiment)
    if not isinstance(experiment, Experiment):
        raise CevnsError(
            f"experiment must be an Experiment or a preset name, got {type(experiment).__name__}"
        )
    check_choice(model, "scan model", SCAN_MODELS)
    spec = SCAN_MODELS[model]
    names, values = _check_axes(spec, axes)
    check_choice(reference, "reference", REFERENCES)
    check_choice(method, "method", _METHODS)
    base, base_params = base_physics(experiment)

    # no-new-physics point (sin²θ_W: the experiment's own value)
    null = {a.name: a.null for a in spec.axes}
    if "sin2_theta_W" in null:
        null["sin2_theta_W"] = float(base.sin2_theta_W)
        if base.couplings != "tree" and (
            "sin2_theta_W" in names or (truth and "sin2_theta_W" in truth)
        ):
            raise CevnsError(
                "sin²θ_W enters only the tree-level couplings; the experiment's physics uses "
                f"couplings={base.couplings!r}"
            )
    truth_point = dict(null)
    if truth is not None:
        if not isinstance(truth, Mapping):
            raise CevnsError(f"truth must be a mapping axis → value, got {truth!r}")
        for k, v in truth.items():
            arr = spec.axis(k).check(v, "truth")
            if arr.ndim != 0:
                raise CevnsError(f"truth {k} must be a single number")
            truth_point[k] = float(arr)

    # bins and per-flavour acceptance
    det = experiment.detector
    experiment.check_threshold()
    factors = dict(experiment.timing_fractions())
    ds = None
    if data is not None:
        ds = _load_data(data)
        if len(ds.shape) > 1:
            raise CevnsError(
                f"scans support 1-D data sets; {ds.name} has cells {ds.shape} "
                "(use its energy projection, e.g. 'coherent_lar_2020')"
            )
        if det.observable != ds.observable:
            raise CevnsError(
                f"the experiment {experiment.name} counts in {det.observable} but the data set "
                f"{ds.name} is binned in {ds.observable}"
            )
        edges = np.asarray(ds.bin_edges, dtype=float)
        if time_cut:
            for f in experiment.source.flavours():
                factors[f] = factors.get(f, 1.0) * ds.signal_time_fraction.get(f, 1.0)
    else:
        edges = np.asarray(experiment.analysis_bins(), dtype=float)
    n_bins = edges.size - 1
    # a grid point with dσ/dT ∝ 1/T (magnetic moment) on a detector that counts T → 0 has an
    # infinite count: probe the grid's largest values once, as binned_counts would
    if type(base) in (StandardModel, NewPhysics):
        probe = dict(null)
        for n, v in zip(names, values, strict=True):
            probe[n] = float(v[np.argmax(np.abs(v))])
        probe_params, _ = spec.settings(probe)
        physics = NewPhysics(**{**base_params, **probe_params})
        _check_finite_count(physics, experiment.source, det, edges)

    # path
    why_not = fast_available(spec, base, experiment)
    if method == "fast" and why_not is not None:
        raise CevnsError(f"the fast path is not available: {why_not}")
    path = "generic" if (method == "generic" or why_not is not None) else "fast"
    if path == "generic" and type(base) not in (StandardModel, NewPhysics):
        raise CevnsError(f"cannot scan on top of a {type(base).__name__} physics model")

    ff = experiment.form_factor
    job = Job(
        model=model,
        names=names,
        values=values,
        method=path,
        n_bins=n_bins,
        chunk_rows=1,
        source=experiment.source,
        detector=det,
        edges=edges,
        form_factor=ff,
        exposure=experiment.exposure_factor,
        factors=factors,
        base_params=base_params,
        ff_name=ff if isinstance(ff, str) else "helm",
        ff_params=experiment.form_factor_options().get("form_factor_params", {}),
        physics_values=physics_values(base_params),
        null=dict(null),
    )
    if path == "fast":
        build_blocks(job, experiment, base, spec.flavour_dependent or base.needs_flavour)
    if chunk_rows is None:
        if path == "fast":
            n_T = max((b.T.size for b in job.blocks), default=1)
            per_row = max(n_T, 1) * (values[1].size if len(values) > 1 else 1)
            chunk_rows = max(1, _FAST_BUDGET // per_row)
        else:
            chunk_rows = 1 if len(values) > 1 else max(1, -(-values[0].size // _GENERIC_CHUNKS_1D))
    elif isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int | np.integer):
        raise CevnsError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    if chunk_rows < 1:
        raise CevnsError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    job.chunk_rows = int(chunk_rows)

    # the grid
    report = progress_callback(progress, f"scan {model}")
    t0 = time.perf_counter()
    if client is None:
        pieces = run_local(job, report)
        backend = "local"
    else:
        pieces = run_dask(job, client, report)
        backend = "dask"
    grid_seconds = time.perf_counter() - t0
    bin_counts = np.concatenate(pieces, axis=0)

    # reference predictions: no new physics and the Asimov truth
    def predict(point: dict[str, float]) -> Array:
        one = {a.name: np.array([point[a.name]]) for a in spec.axes}
        counts = fast_counts(job, one) if path == "fast" else generic_counts(job, one)
        return counts.reshape(n_bins)

    signal_null = predict(null)
    same_truth = all(
        (math.isnan(truth_point[k]) and math.isnan(null[k])) or truth_point[k] == null[k]
        for k in null
    )

    # χ²
    if ds is None:
        stat = check_choice(statistic or "gaussian", "Asimov statistic", _STATISTICS_ASIMOV)
        if sigma_backgrounds is not None:
            raise CevnsError("sigma_backgrounds applies to data sets (Asimov data have none)")
        observed = signal_null if same_truth else predict(truth_point)
        s_alpha = _published_sigma(experiment) if sigma_signal is None else sigma_signal
        keep = observed > 0
        if not np.any(keep):
            raise CevnsError(f"{experiment.name}: no events are expected in the analysis bins")

        def chi2_of(signals: Array) -> Array:
            if stat == "gaussian":
                return gaussian_chi2(
                    observed[keep],
                    signals[..., keep],
                    variance=observed[keep],
                    sigma_signal=s_alpha,
                    sigma_backgrounds=None,
                )
            return poisson_chi2(observed, signals, sigma_signal=s_alpha, sigma_backgrounds=None)

        data_name = None
    else:
        if truth is not None:
            raise CevnsError("truth applies to Asimov data; it cannot be combined with data")
        from ..fits import dataset_chi2

        stat = statistic or ds.statistic
        s_alpha = ds.signal_uncertainty if sigma_signal is None else sigma_signal
        observed = np.asarray(ds.observed, dtype=float)

        def chi2_of(signals: Array) -> Array:
            return dataset_chi2(
                ds,
                signals,
                statistic=stat,
                sigma_signal=s_alpha,
                sigma_backgrounds=sigma_backgrounds,
            )

        data_name = ds.name

    chi2 = np.asarray(chi2_of(bin_counts), dtype=float)
    chi2_null = float(chi2_of(signal_null[None, :])[0])
    info = {
        "experiment": experiment.name,
        "model_title": spec.title,
        "figure": spec.figure,
        "data": data_name,
        "statistic": stat,
        "sigma_signal": s_alpha,
        "truth": {k: (None if math.isnan(v) else v) for k, v in truth_point.items()},
        "path": path,
        "fast_path_unavailable": why_not,
        "backend": backend,
        "chunks": len(pieces),
        "chunk_rows": job.chunk_rows,
        "grid_seconds": grid_seconds,
        "total_seconds": time.perf_counter() - started,
        "observable": det.observable,
    }
    return ScanResult(
        model=model,
        axes=dict(zip(names, values, strict=True)),
        bin_counts=bin_counts,
        chi2=chi2,
        chi2_null=chi2_null,
        null_point=null,
        reference=reference,
        bin_edges=edges,
        observed=observed,
        info=info,
    )


def _check_axes(model: ScanModel, axes: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple]:
    if not axes:
        raise CevnsError(
            f"give one or two axes to scan for model {model.name!r}, e.g. "
            + ", ".join(f"{a.name}=[...]" for a in model.axes)
            + f" (its default grid: cevns_core.scans.default_axes({model.name!r}))"
        )
    if len(axes) > 2:
        raise CevnsError(f"at most two axes can be scanned at once, got {', '.join(axes)}")
    names, values = [], []
    for name, raw in axes.items():
        axis = model.axis(name)
        arr = axis.check(raw)
        if arr.ndim != 1:
            raise CevnsError(f"axis {name} must be 1-D, got shape {arr.shape}")
        if arr.size == 0:
            raise CevnsError(f"axis {name} is empty: give at least one value")
        if arr.size > 1 and np.any(np.diff(arr) <= 0):
            raise CevnsError(f"axis {name} must be strictly increasing")
        names.append(name)
        values.append(arr)
    points = math.prod(v.size for v in values)
    if points > MAX_SCAN_POINTS:
        raise CevnsError(
            f"the scan grid has {points} points ({' × '.join(str(v.size) for v in values)}); "
            f"the limit is {MAX_SCAN_POINTS}"
        )
    return tuple(names), tuple(values)


def _published_sigma(exp: Experiment) -> float:
    """Relative uncertainty of the preset's published prediction (0 if none)."""
    pub = exp.published or {}
    predicted = pub.get("predicted")
    if not predicted:
        return 0.0
    if "predicted_uncertainty" in pub:
        return float(pub["predicted_uncertainty"]) / float(predicted)
    parts = [v for k, v in pub.items() if k.startswith("predicted_uncertainty_")]
    return math.sqrt(sum(float(v) ** 2 for v in parts)) / float(predicted) if parts else 0.0


def _load_data(data: Any) -> Any:
    try:
        from ..datasets import Dataset, load_dataset
    except ImportError as exc:  # pragma: no cover - data sets ship with the package
        raise CevnsError("data sets are not available in this installation") from exc
    if isinstance(data, Dataset):
        return data
    if isinstance(data, str):
        return load_dataset(data)
    raise CevnsError(f"data must be a data-set name or a Dataset, got {type(data).__name__}")
