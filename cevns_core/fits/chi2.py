"""The χ² of a data set for predicted signals, nuisances profiled (PHYSICS.md §8.1): COHERENT's
Gaussian with the coincidence variance, Gaussian, or Poisson (Baker–Cousins).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, check_choice
from ..datasets import Dataset
from ..errors import CevnsError
from ..statistics import coherent_variance, gaussian_chi2, poisson_chi2
from .predictions import STATISTICS, _dataset

__all__ = ["dataset_chi2", "dataset_chi2_terms"]

Array = NDArray[np.float64]


def dataset_chi2(
    dataset: str | Dataset,
    signal: ArrayLike,
    *,
    statistic: str | None = None,
    sigma_signal: float | None = None,
    sigma_backgrounds: float | Sequence[float] | None = None,
    method: str = "newton",
    return_nuisances: bool = False,
) -> Array | tuple[Array, Array]:
    """χ² of predicted signal vectors (..., n_cells) against a data set, nuisances profiled.

    ``statistic``:

    ``"gaussian_coherent"``
        COHERENT-2017 Gaussian χ² of the residual (observed − steady-state) against
        (1+α)S + Σ(1+β_k)B_k over the other backgrounds, σ_i² = N_obs + 2B_ss + ΣB_k
        (:func:`~cevns_core.statistics.coherent_variance`). Needs a ``steady_state`` background.
    ``"gaussian"``
        Gaussian χ² of the raw counts against (1+α)S + Σ(1+β_k)B_k over all backgrounds,
        σ_i² = N_obs (Neyman; every bin needs counts).
    ``"poisson"``
        Baker–Cousins χ² of the raw counts, all backgrounds with nuisances (Newton profile, or
        ``method="minuit"``).

    Defaults (``None``): the data set's ``statistic``, σ_α = ``signal_uncertainty`` and σ_β,k =
    ``background_uncertainties``; pass 0 to fix a nuisance, ``math.inf`` to leave it free.
    Nuisances in the output: α first, then the backgrounds in the
    data set's order (without ``steady_state`` for ``"gaussian_coherent"``).

    Examples
    --------
    >>> from cevns_core.datasets import load_dataset
    >>> ds = load_dataset("coherent_csi_2017")
    >>> chi2, nuisances = dataset_chi2(ds, np.full(12, 12.0), return_nuisances=True)
    >>> round(float(chi2), 3), nuisances.round(3).tolist()
    (8.69, [-0.166, 0.0])
    """
    sig = as_array(signal, "signal", minimum=0.0)
    terms = dataset_chi2_terms(
        dataset, statistic=statistic, sigma_signal=sigma_signal, sigma_backgrounds=sigma_backgrounds
    )
    common = {k: terms[k] for k in ("sigma_signal", "sigma_backgrounds")}
    if terms["kind"] == "gaussian":
        return gaussian_chi2(
            terms["observed"],
            sig,
            terms["backgrounds"],
            variance=terms["variance"],
            return_nuisances=return_nuisances,
            **common,
        )
    return poisson_chi2(
        terms["observed"],
        sig,
        terms["backgrounds"],
        method=method,
        return_nuisances=return_nuisances,
        **common,
    )


def dataset_chi2_terms(
    dataset: str | Dataset,
    *,
    statistic: str | None = None,
    sigma_signal: float | None = None,
    sigma_backgrounds: float | Sequence[float] | None = None,
) -> dict[str, Any]:
    """What :func:`dataset_chi2` compares with: ``kind`` ("gaussian" or "poisson"), the
    ``observed`` counts (the residual for ``"gaussian_coherent"``), ``backgrounds`` (K, n) with
    nuisances, ``variance`` (Gaussian; None: the observed counts), ``sigma_signal``,
    ``sigma_backgrounds`` and the ``statistic`` name. The scan engine builds its χ² from these.
    """
    ds = _dataset(dataset)
    stat = check_choice(statistic or ds.statistic, "statistic", STATISTICS)
    s_alpha = ds.signal_uncertainty if sigma_signal is None else sigma_signal
    names = list(ds.backgrounds)
    if stat == "gaussian_coherent":
        if "steady_state" not in ds.backgrounds:
            raise CevnsError(f"{ds.name} has no steady-state background for the COHERENT χ²")
        names.remove("steady_state")
    B, s_beta = ds.background_array(names)
    if sigma_backgrounds is not None:
        s_beta = sigma_backgrounds  # type: ignore[assignment]
    out: dict[str, Any] = {
        "statistic": stat,
        "kind": "poisson" if stat == "poisson" else "gaussian",
        "observed": ds.observed,
        "backgrounds": B,
        "variance": None,
        "sigma_signal": s_alpha,
        "sigma_backgrounds": s_beta,
    }
    if stat == "gaussian_coherent":
        out["observed"] = ds.residual
        out["variance"] = coherent_variance(
            ds.residual, ds.backgrounds["steady_state"], B.sum(axis=0)
        )
    return out


def _nuisance_names(ds: Dataset, statistic: str) -> list[str]:
    names = [
        k for k in ds.backgrounds if not (statistic == "gaussian_coherent" and k == "steady_state")
    ]
    return ["signal", *names]
