"""The entry point :func:`scan`: a 1-D Δχ² profile or a 2-D grid of one scan model.

Statistics. By default the χ² is an Asimov sensitivity (PHYSICS §8.3): the "observed" counts are
the prediction at the no-new-physics point (or at ``truth=``) in the experiment's analysis bins,
with a Gaussian χ² (σ_i² = N_obs,i, bins with no expected events dropped) or ``statistic=
"poisson"`` (Baker–Cousins), and a profiled signal-normalisation nuisance σ_α from the preset's
published prediction uncertainty (CsI 2017: 48/173) unless ``sigma_signal`` is given; a preset
that publishes none gets ``default_sigma_signal`` (10 %, the flux normalisation:
:data:`cevns_core.published.DEFAULT_SIGNAL_UNCERTAINTY`). With ``data="coherent_csi_2017"``
the χ² is the data set's own (:func:`cevns_core.fits.dataset_chi2`) in its bins, with
its arrival-time acceptance; with an energy × time data set, a list of data sets or a
``cc.Likelihood`` it is the joint Poisson likelihood with every nuisance profiled
(:mod:`.targets`), plus the χ² of its external terms (APV, PVES) on the grid
(:mod:`.external`: which scanned parameters enter them).

Routes (``info["route"]``). ``"polynomial"``: the counts as closed-form polynomials in the
model's monomials with coefficients per value of the other axis (:mod:`.polynomial`), and the
Gaussian χ² from their Gram matrices; ``"kernel"``: the precomputed kernels contracted at every
grid point (:mod:`.engine`); ``"generic"``: one ``NewPhysics`` per point through the rate
engine. ``method="auto"``/``"fast"`` take the polynomial route where the model declares it and
the check of the declaration passes, else the kernels; ``method="kernel"`` forces the kernels.
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
from ..published import DEFAULT_SIGNAL_UNCERTAINTY
from ..rates import _check_finite_count
from ..weak_charges import StandardModel
from .catalogue import SCAN_MODELS
from .distributed import connect, progress_callback, run_dask, run_local, workers
from .engine import (
    base_physics,
    build_blocks,
    fast_available,
    fast_counts,
    generic_counts,
)
from .external import external_grid, terms_only_scan
from .jobs import MAX_SCAN_POINTS, _check_axes, _chunk_rows, _job, _TableCounts
from .plan import Plan
from .polynomial import PolynomialTable, build_table
from .refine import refine_profile
from .result import REFERENCES, ScanResult
from .statistic import GaussianStatistic, LikelihoodStatistic
from .targets import auto_bins, resolve_target, target_statistic

__all__ = ["MAX_SCAN_POINTS", "scan"]

Array = NDArray[np.float64]

_METHODS = ("auto", "fast", "kernel", "generic")
_KEEP = ("bins", "chi2")
_DTYPES = ("float64", "float32")
_CHUNKS_PER_WORKER = 4


def scan(
    experiment: Experiment | str | None,
    model: str,
    *,
    data: Any = None,
    statistic: str | None = None,
    sigma_signal: float | None = None,
    default_sigma_signal: float = DEFAULT_SIGNAL_UNCERTAINTY,
    sigma_backgrounds: float | Sequence[float] | None = None,
    truth: Mapping[str, float] | None = None,
    reference: str = "minimum",
    time_cut: bool = True,
    method: str = "auto",
    client: Any = None,
    chunk_rows: int | None = None,
    progress: Any = None,
    keep: str = "bins",
    dtype: str = "float64",
    bins: Any = None,
    refine: bool = True,
    **axes: ArrayLike,
) -> ScanResult:
    """Scan a model of :data:`~cevns_core.scans.SCAN_MODELS` on a 1-D or 2-D grid: χ², Δχ².

    Parameters
    ----------
    experiment : Experiment, str or None
        The experiment (or a preset name): source, detector, exposure, form factor and the
        Standard-Model inputs (its ``physics``; None: the default SM). None with ``data``: each
        data set is predicted by its own preset (required for several data sets).
    model : str
        One of :func:`scan_models`.
    data : str, Dataset, list of str or Likelihood, optional
        What to fit; default: Asimov sensitivity. A data-set name (``"coherent_csi_2017"``,
        ``"coherent_lar_2020_3d"``: its own χ²); an energy × time data set
        (``"coherent_csi_2021"``), a list of names or a ``cc.Likelihood``: the joint Poisson
        likelihood, physics common, the SNS flux nuisance shared, every nuisance profiled —
        the one way to scan several data sets at once. A list or Likelihood may hold external
        terms (``"apv_cs133"``, ``"prex2"``, ``"crex"``): their χ² is added at every grid point
        from the scanned sin²θ_W and R_n, a constant for new-physics axes (:mod:`.external`).
    statistic : str, optional
        Asimov: ``"gaussian"`` (default) or ``"poisson"``; data: the data set's own by default
        (``"gaussian_coherent"``, ``"gaussian"`` or ``"poisson"``). Not for likelihoods.
    sigma_signal : float, optional
        Signal-normalisation uncertainty σ_α (fraction; 0/None fixes the normalisation for a
        given value, ``math.inf`` frees it). Default: the published relative uncertainty of the
        preset's prediction (Asimov) or the data set's. Not for likelihoods (their nuisances).
    default_sigma_signal : float
        Asimov: σ_α of an experiment whose prediction has no published uncertainty (default
        :data:`~cevns_core.published.DEFAULT_SIGNAL_UNCERTAINTY` = 0.10; 0 gives the
        statistics-only sensitivity).
    sigma_backgrounds : float or sequence, optional
        Background normalisation uncertainties (data sets only; default the data set's).
    truth : mapping, optional
        Asimov data generated at these axis values (missing axes: no new physics).
    reference : {"minimum", "sm"}
        Δχ² relative to the minimum (grid ∪ no-new-physics point) or to the SM point.
    time_cut : bool
        1-D data sets: apply the data set's arrival-time acceptance to the prediction.
    method : {"auto", "fast", "kernel", "generic"}
        ``"auto"``/``"fast"``: the fastest route with precomputed kernels (closed-form
        polynomials where the model has them, else kernels per point; ``"fast"`` raises if
        there are none); ``"kernel"``: kernels per grid point; ``"generic"``: one NewPhysics
        per point.
    client : dask.distributed.Client or str, optional
        Run the row chunks on a Dask cluster (a Client, or a scheduler address to connect to).
    chunk_rows : int, optional
        Rows of the first axis per chunk (default: a memory budget per chunk; with ``client``,
        about four chunks per worker thread).
    progress : bool or callable, optional
        ``True``: text progress bar on stderr; a callable receives ``(done, total)`` chunks.
    keep : {"bins", "chi2"}
        ``"bins"``: counts per bin available as ``res.bin_counts`` (on the polynomial route
        evaluated only when read); ``"chi2"``: only χ² and total counts are kept — every chunk
        is reduced as it is computed, so grids of millions of points stay small (the streaming
        option; contours, best fit and Δχ² are unchanged).
    dtype : {"float64", "float32"}
        Storage of χ² and counts. float32 halves the memory; Δχ² is computed in float64 and
        the contours move by less than 1e-5 of a grid step in practice.
    bins : int, array_like or "auto", optional
        Asimov scans: the analysis bins (default: the experiment's ``analysis_bins()``, 400 for
        keVnr/keVee detectors): a number of equal bins over the same window, bin edges, or
        ``"auto"``: for a detector without smearing and efficiency the coarsest binning whose
        Asimov Δχ² agrees with the converged one to 1 % of max(1, Δχ²) (error-controlled; see
        :func:`~cevns_core.scans.targets.auto_bins`); ``info["bins"]`` says what was used.
    refine : bool
        1-D scans: when the grid does not resolve the minimum (fewer than 3 points within
        Δχ² ≤ 1), scan again with points added around it (:mod:`.refine`), so an interval
        narrower than the grid step is computed, never empty; ``info["refined_points"]`` counts
        the points added. False keeps the grid as given.
    **axes : array_like
        One or two axes of the model, e.g. ``coupling=g, mass_MeV=M`` (1-D, strictly increasing).

    Returns
    -------
    ScanResult

    Raises
    ------
    CevnsError
        Unknown model, axis or option; empty, non-finite, out-of-range or non-increasing axis
        values (e.g. a negative mass); an unknown data set or one in another observable;
        ``method="fast"``/``"kernel"`` where only the generic path applies; options that do
        not apply to likelihood data.

    Examples
    --------
    >>> res = scan("coherent_csi_2017", "zprime", coupling=[1e-4, 1e-3], mass_MeV=[10.0, 1e3])
    >>> res.delta_chi2.shape, round(float(res.counts[0, 1]), 1)
    ((2, 2), 164.9)
    """
    arguments = dict(locals())
    started = time.perf_counter()
    check_choice(model, "scan model", SCAN_MODELS)
    spec = SCAN_MODELS[model]
    names, values = _check_axes(spec, axes)
    check_choice(reference, "reference", REFERENCES)
    check_choice(method, "method", _METHODS)
    check_choice(keep, "keep", _KEEP)
    check_choice(dtype, "dtype", _DTYPES)
    bins_note = None
    if isinstance(bins, str):
        check_choice(bins, "bins", ("auto",))
        if data is not None:
            raise CevnsError("bins applies to Asimov scans: a data set has its own bins")
        options = {
            "statistic": statistic,
            "sigma_signal": sigma_signal,
            "default_sigma_signal": default_sigma_signal,
            "truth": truth,
        }
        bins, bins_note = auto_bins(
            experiment, model, dict(zip(names, values, strict=True)), options
        )
    target = resolve_target(experiment, data, time_cut=time_cut, bins=bins)
    if target.kind == "likelihood":
        given = {
            "statistic": statistic,
            "sigma_signal": sigma_signal,
            "sigma_backgrounds": sigma_backgrounds,
            "truth": truth,
            "time_cut": None if time_cut else False,
        }
        bad = [k for k, v in given.items() if v is not None]
        if bad:
            raise CevnsError(
                f"{', '.join(bad)} do not apply to likelihood data (energy × time data sets, "
                "lists, Likelihood objects): their nuisances and priors belong to the Likelihood"
            )
    parts = target.parts
    if target.kind == "likelihood" and not parts:  # external terms alone (APV, PVES)
        return terms_only_scan(spec, names, values, target.likelihood, reference=reference,
                               keep=keep, dtype=dtype, started=started)  # fmt: skip
    first = parts[0].experiment
    base = base_physics(first)[0]

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

    # a grid point with dσ/dT ∝ 1/T (magnetic moment) on a detector that counts T → 0 has an
    # infinite count: probe the grid's largest values once, as binned_counts would
    for part in parts:
        part_base, part_params = base_physics(part.experiment)
        if type(part_base) in (StandardModel, NewPhysics):
            probe = dict(null)
            for n, v in zip(names, values, strict=True):
                probe[n] = float(v[np.argmax(np.abs(v))])
            probe_params, _ = spec.settings(probe)
            physics = NewPhysics(**{**part_params, **probe_params})
            det = part.experiment.detector
            _check_finite_count(physics, part.experiment.source, det, part.edges)

    # path and route
    why_not = next(
        (
            w
            for w in (
                fast_available(spec, base_physics(p.experiment)[0], p.experiment) for p in parts
            )
            if w is not None
        ),
        None,
    )
    if method in ("fast", "kernel") and why_not is not None:
        raise CevnsError(f"the fast path is not available: {why_not}")
    path = "generic" if (method == "generic" or why_not is not None) else "fast"
    for part in parts:
        part_base = base_physics(part.experiment)[0]
        if path == "generic" and type(part_base) not in (StandardModel, NewPhysics):
            raise CevnsError(f"cannot scan on top of a {type(part_base).__name__} physics model")
    jobs = [_job(spec, names, values, path, part, null) for part in parts]
    table: PolynomialTable | None = None
    why_not_table = None
    if path == "fast":
        for job, part in zip(jobs, parts, strict=True):
            part_base = base_physics(part.experiment)[0]
            grouped = spec.flavour_dependent or part_base.needs_flavour
            build_blocks(job, part.experiment, part_base, grouped)
        if method != "kernel":
            found = build_table(jobs, spec, names, values)
            if isinstance(found, str):
                why_not_table = found
            else:
                table = found
    route = "polynomial" if table is not None else ("kernel" if path == "fast" else "generic")

    # reference predictions: no new physics and the Asimov truth
    def predict(point: dict[str, float]) -> Array:
        one = {a.name: np.array([point[a.name]]) for a in spec.axes}
        count = fast_counts if path == "fast" else generic_counts
        return np.concatenate([count(job, one).reshape(job.n_out) for job in jobs])

    signal_null = predict(null)
    same_truth = all(
        (math.isnan(truth_point[k]) and math.isnan(null[k])) or truth_point[k] == null[k]
        for k in null
    )
    stat, stat_name, s_alpha, observed = target_statistic(
        target, statistic, sigma_signal, sigma_backgrounds, signal_null,
        lambda: signal_null if same_truth else predict(truth_point), default_sigma_signal,
    )  # fmt: skip
    external = None
    if isinstance(stat, LikelihoodStatistic):
        exps = [p.experiment for p in parts]
        sin2 = getattr(base, "sin2_theta_W", None)
        external = external_grid(target.likelihood, names, values, exps, sin2)
        chi2_null = stat.null(signal_null)
        if external is not None:
            chi2_null += external.at(null, names)
    else:
        chi2_null = float(stat.chi2(signal_null[None, :])[0])
    closed = table is not None and isinstance(stat, GaussianStatistic)
    if closed:
        stat.prepare(table)

    # the grid
    own_client = False
    n_workers = 1
    if client is not None:
        client, own_client = connect(client)
        n_workers = workers(client)
    try:
        rows = _chunk_rows(chunk_rows, path, route, closed, values, jobs, table, n_workers)
        if client is not None and chunk_rows is None:
            rows = min(rows, max(1, -(-values[0].size // (_CHUNKS_PER_WORKER * n_workers))))
        plan = Plan(
            shape=tuple(v.size for v in values),
            jobs=jobs,
            table=table,
            statistic=stat,
            keep=keep,
            dtype=dtype,
            chunk_rows=rows,
            closed_form=closed,
            external=external,
        )
        report = progress_callback(progress, f"scan {model}")
        t0 = time.perf_counter()
        if client is None:
            pieces = run_local(plan, report)
            backend = "local"
        else:
            pieces = run_dask(plan, client, report)
            backend = "dask"
        grid_seconds = time.perf_counter() - t0
    finally:
        if own_client:
            client.close()
    chi2 = np.concatenate([p["chi2"] for p in pieces], axis=0)
    totals = np.concatenate([p["totals"] for p in pieces], axis=0)
    bins = None
    source = None
    if keep == "bins":
        if table is not None:
            source = _TableCounts(table, dtype)
        else:
            bins = np.concatenate([p["bins"] for p in pieces], axis=0)

    if target.kind == "likelihood":
        lik = target.likelihood
        edges = np.arange(lik.n_cells + 1, dtype=float)
        cells = {lab: [sl.start, sl.stop] for lab, sl in zip(lik.labels, lik.slices, strict=True)}
    else:
        edges = parts[0].edges
        cells = None
    info = {
        "experiment": " + ".join(p.experiment.name for p in parts),
        "model_title": spec.title,
        "figure": spec.figure,
        "data": target.data_name,
        "statistic": stat_name,
        "sigma_signal": s_alpha,
        "truth": {k: (None if math.isnan(v) else v) for k, v in truth_point.items()},
        "path": path,
        "route": route,
        "chi2_route": "closed_form" if closed else stat.name,
        "fast_path_unavailable": why_not,
        "polynomial_unavailable": why_not_table,
        "backend": backend,
        "chunks": len(pieces),
        "chunk_rows": plan.chunk_rows,
        "keep": keep,
        "dtype": dtype,
        "bins": int(edges.size - 1),
        "bins_note": bins_note,
        "grid_seconds": grid_seconds,
        "total_seconds": time.perf_counter() - started,
        "observable": first.detector.observable if cells is None else "cells",
    }
    if cells is not None:
        info["cells"] = cells
        info["nuisances"] = list(target.likelihood.nuisance_names)
        if external is not None:
            info["external"] = external.describe(names)
    result = ScanResult(
        model=model,
        axes=dict(zip(names, values, strict=True)),
        bin_counts=bins,
        chi2=chi2,
        chi2_null=chi2_null,
        null_point=null,
        reference=reference,
        bin_edges=edges,
        observed=observed,
        info=info,
        totals=totals,
        source=source,
    )
    return refine_profile(result, scan, arguments) if refine and len(names) == 1 else result
