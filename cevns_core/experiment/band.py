"""The uncertainty band of an experiment's spectra: flux ⊕ form-factor spread ⊕ quenching.

Relative half-widths, combined in quadrature:

* flux normalisation: a constant fraction u_Φ (10 % for π-DAR, COHERENT 2017);
* form-factor model: the largest relative deviation, point by point, of the finite-size models
  :data:`BAND_MODELS` (each with its default parameters, the experiment's neutron skin or R_n kept)
  from the experiment's own nuclear choice;
* quenching (observed counts only, when the detector converts recoils with a quenching model):
  the largest relative change of the counts per bin when Q is scaled by 1 − u_Q and 1 + u_Q
  (:meth:`~cevns_core.quenching.QuenchingModel.scaled`), on the same bins.

Hence δ_recoil = √(u_Φ² + δ_FF²) for dN/dT and δ_observed = √(u_Φ² + δ_FF² + δ_Q²) per bin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float, as_names
from ..errors import CevnsError
from ..form_factors import form_factor_models
from .experiment import Experiment

__all__ = ["BAND_MODELS", "UncertaintyBand", "uncertainty_band"]

Array = NDArray[np.float64]

#: Form-factor models whose spread makes the band (the finite-size models with a density).
BAND_MODELS: tuple[str, ...] = tuple(
    m for m in form_factor_models() if m not in ("point", "moment_expansion")
)
_DEFAULT_POINTS = 200
_DEFAULT_BINS = 40


@dataclass(frozen=True)
class UncertaintyBand:
    """Relative half-widths of the band (see the module docstring).

    ``recoil`` has the shape of ``T_keV`` (dN/dT), ``observed`` one value per observable bin of
    ``bin_edges``; the components are kept apart (``form_factor_*``, ``quenching_observed``,
    ``flux``). ``models`` are the form-factor models used; ``skipped`` says which variation
    could not be computed and why.
    """

    T_keV: Array
    bin_edges: Array
    recoil: Array
    observed: Array
    flux: float
    form_factor_recoil: Array
    form_factor_observed: Array
    quenching_observed: Array
    models: tuple[str, ...]
    skipped: tuple[str, ...] = ()


def _relative(values: Array, nominal: Array) -> Array:
    safe = np.where(nominal > 0, nominal, 1.0)
    return np.where(nominal > 0, np.abs(values - nominal) / safe, 0.0)


def uncertainty_band(
    exp: Experiment,
    T_keV: ArrayLike | None = None,
    bin_edges: ArrayLike | None = None,
    *,
    flux_uncertainty: float = 0.10,
    quenching_uncertainty: float = 0.10,
    models: tuple[str, ...] = BAND_MODELS,
) -> UncertaintyBand:
    """The relative uncertainty band of ``exp``'s recoil spectrum and observed counts.

    Parameters
    ----------
    exp : Experiment
    T_keV : array_like, optional
        Recoil energies (keVnr) of dN/dT; default 200 points from T_max/200 to T_max.
    bin_edges : array_like, optional
        Observable bin edges; default ``exp.analysis_bins(40)``.
    flux_uncertainty, quenching_uncertainty : float
        Relative uncertainties u_Φ and u_Q, in [0, 1).
    models : tuple of str
        Form-factor models of the spread (default :data:`BAND_MODELS`).

    Returns
    -------
    UncertaintyBand

    Raises
    ------
    CevnsError
        For bad uncertainties, or when the nominal spectrum or counts cannot be computed.

    Examples
    --------
    >>> from cevns_core import experiment
    >>> band = uncertainty_band(experiment("coherent_csi_2017"), [1.0, 20.0])
    >>> bool(band.recoil[0] < band.recoil[1]), "helm" in band.models
    (True, True)
    """
    if not isinstance(exp, Experiment):
        raise CevnsError(f"exp must be an Experiment, got {type(exp).__name__}")
    models = as_names(models, "models")
    u_flux = as_float(flux_uncertainty, "flux_uncertainty", minimum=0.0, maximum=1.0)
    u_q = as_float(quenching_uncertainty, "quenching_uncertainty", minimum=0.0, maximum=1.0)
    if u_q >= 1.0:
        raise CevnsError("quenching_uncertainty must be below 1 (Q scaled by 1 − u must stay > 0)")
    if T_keV is None:
        top = exp.max_recoil_keV()
        T = np.linspace(top / _DEFAULT_POINTS, top, _DEFAULT_POINTS)
    else:
        T = as_array(T_keV, "T_keV", minimum=0.0)
    edges = (
        exp.analysis_bins(_DEFAULT_BINS) if bin_edges is None else as_array(bin_edges, "bin_edges")
    )
    nominal = exp.recoil_spectrum(T)
    seen = exp.observed_counts(edges).total
    ff_recoil, ff_seen = np.zeros_like(nominal), np.zeros_like(seen)
    used: list[str] = []
    skipped: list[str] = []
    for model in models:
        # the model's own parameters are dropped; the radius prescription stays the experiment's
        keep = {k: v for k, v in exp.form_factor_params.items() if k == "proton_radius"}
        variant = exp.copy(form_factor=model, form_factor_params=keep)
        try:
            recoil = variant.recoil_spectrum(T)
            observed = variant.observed_counts(edges).total
        except CevnsError as exc:
            skipped.append(f"form factor {model}: {exc}")
            continue
        used.append(model)
        ff_recoil = np.maximum(ff_recoil, _relative(recoil, nominal))
        ff_seen = np.maximum(ff_seen, _relative(observed, seen))
    quench = np.zeros_like(seen)
    det = exp.detector
    if u_q > 0 and det.quenching is not None and {det.observable, det.threshold_unit} != {"keVnr"}:
        for factor in (1.0 - u_q, 1.0 + u_q):
            try:
                scaled = det.quenching.scaled(factor)
                values = {k: v for k, v in det.param.values().items() if k != "name"}
                variant = exp.copy(detector=type(det)(**{**values, "quenching": scaled}))
                observed = variant.observed_counts(edges).total
            except CevnsError as exc:
                skipped.append(f"quenching × {factor:g}: {exc}")
                continue
            quench = np.maximum(quench, _relative(observed, seen))
    return UncertaintyBand(
        T_keV=T,
        bin_edges=np.asarray(edges, dtype=float),
        recoil=np.sqrt(u_flux**2 + ff_recoil**2),
        observed=np.sqrt(u_flux**2 + ff_seen**2 + quench**2),
        flux=u_flux,
        form_factor_recoil=ff_recoil,
        form_factor_observed=ff_seen,
        quenching_observed=quench,
        models=tuple(used),
        skipped=tuple(skipped),
    )
