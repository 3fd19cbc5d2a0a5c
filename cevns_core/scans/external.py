"""External likelihood terms (APV, PVES) on a scan grid: which scanned parameters enter them.

A joint likelihood may hold external terms (``cc.Likelihood(["coherent_csi_2021",
"apv_cs133"])``, :mod:`cevns_core.electroweak.terms`) whose χ² is a closed-form function of
physics parameters, not of the predicted cells. A scan adds their χ² to the CEvNS χ² of every
grid point, evaluated on the grid at once (the terms broadcast over arrays; no loop over points).

**Which axes enter.** The terms depend on the low-energy weak mixing angle ``sin2_theta_W`` and
on neutron rms radii ``R_n_<isotope>_fm``; a scan sets them as follows:

* the axis ``sin2_theta_W`` (``rn_sin2w``) is the terms' ``sin2_theta_W``; without it the terms
  get the sin²θ_W of the first experiment's physics (the low-energy SM value by default), as the
  fits do (:func:`cevns_core.likelihood.fitting.external_parameters`);
* the axis ``R_n_fm`` (``rn_sin2w``: a common neutron radius of the targets) is the R_n of the
  terms' isotopes that are targets of the scanned experiments (APV's ¹³³Cs in CsI); without it, an
  experiment whose ``form_factor_params`` fixes ``R_n_fm`` (a number, or a mapping nucleus →
  value) passes that radius, so the prediction and the term use one nucleus; otherwise the term
  keeps its own convention (APV: the published weak charge with the atomic theory's skin).
* **New-physics axes do not enter.** APV measures the parity-violating electron–nucleus
  amplitude (axial electron current × vector quark current, C_1q); PVES the weak form factor
  with the Standard-Model weak charge. The scan models' new physics is parity conserving or
  neutrino-only — vector Z′ couplings (universal, B−L, L_μ−L_τ through kinetic mixing with the
  photon, a vector coupling), a scalar mediator, neutrino NSI, neutrino magnetic moments, charge
  radii, millicharges, sterile oscillation — so it adds no parity-violating e–q amplitude at tree
  level and leaves Q_W(¹³³Cs) unchanged. Such a term is a constant of the scan: it is added (the
  χ² equals the likelihood's at every point) and cancels in Δχ²; ``info["external"]`` says so.

A term with a required parameter that neither the scan nor the experiments set (PREX-II's
R_n(²⁰⁸Pb) in a CsI scan) is an error: it would add only its own minimum, which carries no
information about the scanned parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import CevnsError
from ..units import SW2_LOW

__all__ = ["ExternalGrid", "external_grid", "terms_only_scan"]

Array = NDArray[np.float64]

# element symbols the fits accept for the terms' isotopes (cevns_core.likelihood.fitting)
_ELEMENTS = {"Cs": "Cs133", "I": "I127", "Pb": "Pb208", "Ca": "Ca48", "Ar": "Ar40"}


@dataclass
class ExternalGrid:
    """The external terms of a likelihood on a scan grid (module docstring).

    ``sources`` maps each parameter the terms receive to ``("axis", k)`` (the k-th scan axis) or
    ``("value", v)`` (fixed); a parameter on an axis whose grid value is NaN (the null point of
    ``rn_sin2w``: the experiment's own radius) falls back to ``fallback`` or is omitted.
    """

    likelihood: Any
    sources: dict[str, tuple[str, Any]]
    fallback: dict[str, float]
    values: tuple[Array, ...]

    @property
    def constant(self) -> bool:
        """True when no scanned axis enters the terms (their χ² is one number)."""
        return all(kind != "axis" for kind, _ in self.sources.values())

    def _params(self, axis_values: Sequence[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, (kind, v) in self.sources.items():
            if kind == "value":
                out[name] = v
                continue
            value = axis_values[v]
            if np.ndim(value) == 0 and math.isnan(float(value)):
                if name in self.fallback:
                    out[name] = self.fallback[name]
                continue
            out[name] = value
        return out

    def rows(self, lo: int, hi: int) -> Array:
        """χ² of the terms on rows lo:hi of the grid, shape (hi − lo,) or (hi − lo, n₁)."""
        shape = (hi - lo, *(v.size for v in self.values[1:]))
        if len(self.values) == 1:
            axis_values: list[Any] = [self.values[0][lo:hi]]
        else:
            axis_values = [self.values[0][lo:hi, None], self.values[1][None, :]]
        chi2 = self.likelihood.external_chi2(self._params(axis_values))
        return np.broadcast_to(chi2, shape)

    def at(self, point: Mapping[str, float], names: Sequence[str]) -> float:
        """χ² of the terms at one point (axis name → value; NaN: the experiment's own)."""
        return float(self.likelihood.external_chi2(self._params([point[n] for n in names])))

    def describe(self, names: Sequence[str]) -> dict[str, Any]:
        """What ``info["external"]`` reports: each term's parameters and where they come from."""
        where = {
            p: (f"axis {names[v]}" if kind == "axis" else float(v))
            for p, (kind, v) in self.sources.items()
        }
        terms = {}
        for term in self.likelihood.external:
            given = {p: where[p] for p in term.parameters if p in where}
            fixed = all(not isinstance(w, str) for w in given.values())
            terms[term.name] = {
                "parameters": given,
                "constant": fixed,
                "note": (
                    "constant on the grid (no scanned parameter enters it): added to every χ², "
                    "cancels in Δχ²"
                    if fixed
                    else "evaluated at every grid point"
                ),
            }
        return terms


def _radius_for(value: Any, iso: str) -> float | None:
    """R_n of ``iso`` in an experiment's ``R_n_fm`` form-factor parameter (number or mapping)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        for key, v in value.items():
            if _ELEMENTS.get(str(key), str(key)) == iso:
                return float(v)
        return None
    return float(value)


def external_grid(
    likelihood: Any,
    names: Sequence[str],
    values: Sequence[Array],
    experiments: Sequence[Any],
    sin2_theta_W: float | None,
) -> ExternalGrid | None:
    """The :class:`ExternalGrid` of a scan on ``likelihood`` (None without external terms).

    ``experiments``: the experiments predicting the CEvNS data sets (their targets receive the
    ``R_n_fm`` axis; their explicit ``R_n_fm`` form-factor parameter fixes the radius
    otherwise); ``sin2_theta_W``: the value of the predictions when it is not scanned.
    """
    if likelihood is None or not getattr(likelihood, "external", ()):
        return None
    targets = {iso for exp in experiments for iso in exp.detector.material_model.isotopes}
    if not experiments:  # terms alone: the R_n axis is the radius of every term's nucleus
        targets = {
            par[len("R_n_") : -len("_fm")]
            for term in likelihood.external
            for par in term.parameters
            if par.startswith("R_n_")
        }
    fixed_radii: dict[str, float] = {}
    for exp in experiments:
        ffp = exp.form_factor_options().get("form_factor_params", {}) or {}
        for iso in targets & set(exp.detector.material_model.isotopes):
            r = _radius_for(ffp.get("R_n_fm"), iso)
            if r is not None:
                fixed_radii.setdefault(f"R_n_{iso}_fm", r)
    sources: dict[str, tuple[str, Any]] = {}
    fallback: dict[str, float] = {}
    for term in likelihood.external:
        for par in term.parameters:
            if par in sources:
                continue
            if par == "sin2_theta_W":
                if "sin2_theta_W" in names:
                    sources[par] = ("axis", list(names).index("sin2_theta_W"))
                    fallback[par] = SW2_LOW if sin2_theta_W is None else float(sin2_theta_W)
                else:
                    sources[par] = ("value", SW2_LOW if sin2_theta_W is None else sin2_theta_W)
                continue
            iso = par[len("R_n_") : -len("_fm")] if par.startswith("R_n_") else None
            if iso in targets and "R_n_fm" in names:
                sources[par] = ("axis", list(names).index("R_n_fm"))
                if par in fixed_radii:
                    fallback[par] = fixed_radii[par]
            elif par in fixed_radii:
                sources[par] = ("value", fixed_radii[par])
        missing = [p for p in term.required if p not in sources]
        if missing:
            raise CevnsError(
                f"the external term {term.name!r} needs {', '.join(missing)}, which this scan "
                f"(axes {', '.join(names)}; targets {', '.join(sorted(targets))}) does not set: "
                "its χ² would add only its own minimum, independent of the scanned parameters; "
                "leave it out of the scan's data"
            )
    return ExternalGrid(likelihood, sources, fallback, tuple(values))


def terms_only_scan(
    spec: Any,
    names: Sequence[str],
    values: Sequence[Array],
    likelihood: Any,
    *,
    reference: str,
    keep: str,
    dtype: str,
    started: float,
) -> Any:
    """A scan of external terms alone (``data="apv_cs133"``): their χ² on the whole grid.

    No CEvNS data set, so no cells and no nuisances: the χ² is the terms' closed form at every
    grid point (the scan's ``sin2_theta_W`` and ``R_n_fm`` axes as in :func:`external_grid`,
    ``R_n_fm`` being the radius of each term's nucleus; other parameters at the low-energy SM
    value). New-physics axes do not enter the terms (module docstring): such a scan is flat.
    ``chi2_null`` is inf when the null point leaves a term's radius open (``rn_sin2w`` without
    a data set has no "experiment's own" R_n).
    """
    import time

    from .result import ScanResult

    null = {a.name: a.null for a in spec.axes}
    if "sin2_theta_W" in null:
        null["sin2_theta_W"] = SW2_LOW
    nuclei = sorted({p for term in likelihood.external for p in term.parameters if "R_n_" in p})
    if "R_n_fm" in names and len(nuclei) > 1:
        raise CevnsError(
            f"the R_n_fm axis is one radius, but the terms depend on {', '.join(nuclei)}: scan "
            "the terms of one nucleus at a time"
        )
    ext = external_grid(likelihood, names, values, [], None)
    if ext is None:  # pragma: no cover - a likelihood of no cells holds terms
        raise CevnsError("a scan needs data: a data set or an external term")
    try:
        chi2_null = ext.at(null, names)
    except CevnsError:  # the null R_n is "the experiment's own": none without an experiment
        if reference == "sm":
            raise CevnsError(
                "reference='sm' needs the terms' χ² at the null point, which leaves their "
                "neutron radius open without a CEvNS data set: use reference='minimum'"
            ) from None
        chi2_null = math.inf
    t0 = time.perf_counter()
    shape = tuple(v.size for v in values)
    chi2 = np.array(ext.rows(0, shape[0]), dtype=dtype)
    grid_seconds = time.perf_counter() - t0
    info = {
        "experiment": "",
        "model_title": spec.title,
        "figure": spec.figure,
        "data": " + ".join(likelihood.external_names),
        "statistic": "external terms",
        "sigma_signal": None,
        "truth": {k: (None if math.isnan(v) else v) for k, v in null.items()},
        "path": "external",
        "route": "closed_form",
        "chi2_route": "external",
        "backend": "local",
        "chunks": 1,
        "chunk_rows": shape[0],
        "keep": keep,
        "dtype": dtype,
        "bins": 0,
        "grid_seconds": grid_seconds,
        "total_seconds": time.perf_counter() - started,
        "observable": "cells",
        "cells": {},
        "nuisances": [],
        "external": ext.describe(names),
    }
    return ScanResult(
        model=spec.name,
        axes=dict(zip(names, values, strict=True)),
        bin_counts=np.zeros((*shape, 0)) if keep == "bins" else None,
        chi2=chi2,
        chi2_null=chi2_null,
        null_point=null,
        reference=reference,
        bin_edges=np.zeros(1),
        observed=np.zeros(0),
        info=info,
        totals=np.zeros(shape),
    )
