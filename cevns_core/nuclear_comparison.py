"""Nuclear models compared with a reference model (Pandey Eqs. (31)–(32), Figs. 4–5).

Pandey quantifies the nuclear-structure uncertainty of CEvNS by the differences of several
calculations from a reference (Hartree–Fock there):

    ΔF_W^i(q) = (F_W^i(q) − F_W^ref(q)) / F_W^ref(q),     Δσ^i(E) = (σ^i(E) − σ^ref(E)) / σ^ref(E)

(Pandey Eqs. (31)–(32) print the absolute values). :func:`compare_nuclear_models` evaluates
F_p, F_n, F_W on a q grid and σ on an E grid for a list of models, phenomenological or tabulated,
and :class:`NuclearModelComparison` returns the relative differences, ratios or differences to the
chosen reference. Every model is a :class:`~cevns_core.nuclear_model.NuclearModel`, so its F_W and
σ come from the same functions as everywhere else (:func:`~cevns_core.weak_form_factor`,
:func:`~cevns_core.cross_sections.total_cross_section`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_array, check_choice
from .cross_sections import total_cross_section
from .errors import CevnsError
from .form_factors import _known_models, form_factor_tables
from .nuclear_model import NuclearModel
from .nuclei import Isotope, isotope
from .weak_charges import StandardModel
from .weak_form_factor import weak_form_factor

__all__ = ["QUANTITIES", "NuclearModelComparison", "compare_nuclear_models"]

Array = NDArray[np.float64]

#: What is compared: form factors on the q grid, the total cross section on the E grid.
QUANTITIES: tuple[str, ...] = ("F_p", "F_n", "F_W", "sigma")


@dataclass(frozen=True)
class NuclearModelComparison:
    """F_p, F_n, F_W (on ``q_fm``) and σ (on ``E_MeV``) of several nuclear models and a reference.

    ``values[quantity][label]`` holds the plain values (F dimensionless, σ in cm²) of every model
    and of the reference; :meth:`relative`, :meth:`ratio` and :meth:`difference` compare them.
    """

    isotope: str
    reference: str
    labels: tuple[str, ...]
    q_fm: Array
    E_MeV: Array | None
    values: dict[str, dict[str, Array]]

    def _pair(self, quantity: str) -> tuple[dict[str, Array], Array]:
        check_choice(quantity, "quantity", QUANTITIES)
        if quantity == "sigma" and self.E_MeV is None:
            raise CevnsError("no cross sections were computed: pass E_MeV=... to compare σ")
        table = self.values[quantity]
        return {k: table[k] for k in self.labels}, table[self.reference]

    def difference(self, quantity: str) -> dict[str, Array]:
        """X_model − X_ref for every model (``quantity`` in :data:`QUANTITIES`)."""
        models, ref = self._pair(quantity)
        return {k: v - ref for k, v in models.items()}

    def ratio(self, quantity: str) -> dict[str, Array]:
        """X_model / X_ref for every model.

        Raises
        ------
        CevnsError
            Where the reference vanishes (a diffraction zero of F): use :meth:`difference`.
        """
        models, ref = self._pair(quantity)
        zero = ref == 0.0
        if np.any(zero):
            axis, grid = ("E", self.E_MeV) if quantity == "sigma" else ("q", self.q_fm)
            raise CevnsError(
                f"the reference {self.reference!r} has {quantity} = 0 at {axis} = "
                f"{float(np.asarray(grid)[zero][0]):g} (a diffraction zero); compare below it "
                "or use difference()"
            )
        return {k: v / ref for k, v in models.items()}

    def relative(self, quantity: str) -> dict[str, Array]:
        """(X_model − X_ref)/X_ref for every model (Pandey Eqs. (31)–(32) without |·|)."""
        return {k: v - 1.0 for k, v in self.ratio(quantity).items()}


def _nuclear_model(spec: Any, nucleus: Isotope, where: str) -> NuclearModel:
    """A NuclearModel of ``nucleus`` from a model name, a shipped table name, a mapping or one."""
    if isinstance(spec, NuclearModel):
        if isotope(spec.isotope) != nucleus:
            raise CevnsError(f"{where}: the NuclearModel is for {spec.isotope}, not {nucleus.name}")
        return spec
    if isinstance(spec, str):
        if spec in _known_models():
            return NuclearModel(isotope=nucleus, model=spec)
        if spec in form_factor_tables():
            return NuclearModel(isotope=nucleus, model="tabulated", model_params={"table": spec})
        raise CevnsError(
            f"{where}: {spec!r} is neither a form-factor model ({', '.join(_known_models())}) "
            f"nor a shipped table ({', '.join(form_factor_tables())})"
        )
    if isinstance(spec, Mapping):
        return NuclearModel(isotope=nucleus, **dict(spec))
    raise CevnsError(
        f"{where}: a model is a name, a shipped table name, a mapping of NuclearModel "
        f"parameters or a NuclearModel; got {spec!r}"
    )


def _label(spec: Any) -> str:
    if isinstance(spec, str):
        return spec
    if isinstance(spec, NuclearModel):
        table = spec.model_params.get("table")
        return spec.model if table is None else f"{spec.model}:{getattr(table, 'label', table)}"
    raise CevnsError(f"give models as a mapping label → model to name {spec!r}")


def compare_nuclear_models(
    iso: str | Isotope,
    models: Sequence[Any] | Mapping[str, Any],
    reference: Any,
    *,
    q_fm: ArrayLike | None = None,
    E_MeV: ArrayLike | None = None,
    physics: StandardModel | None = None,
    flavour: str | None = None,
) -> NuclearModelComparison:
    """F_p, F_n, F_W and σ of nuclear models against a reference (Pandey Figs. 4–5 style).

    F_W = [Z g_V^p F_p + N g_V^n F_n]/(Z g_V^p + N g_V^n) (PHYSICS §4.6) and σ(E) =
    ∫dσ/dT dT (PHYSICS §3.2) for each model, from :func:`~cevns_core.weak_form_factor` and
    :func:`~cevns_core.cross_sections.total_cross_section`, vectorised over q and E.

    Parameters
    ----------
    iso : str or Isotope
        The nucleus, e.g. "Ar40".
    models : sequence or mapping
        The models compared: each a registry model name ("helm", "klein_nystrand_adapted",
        "tabulated", …), a shipped table name (:func:`~cevns_core.form_factors.form_factor_tables`),
        a mapping of :class:`~cevns_core.nuclear_model.NuclearModel` parameters (``model``,
        ``model_params``, ``skin_fm``, ``R_n_fm``, ``proton_radius``) or a NuclearModel; as a
        mapping ``{label: model}`` to name them (needed for mappings and repeated models).
    reference : str or model
        A label among ``models``, or a model (as above) labelled by its name.
    q_fm : array_like, optional
        Momentum transfers in fm⁻¹ (≥ 0, 1-D); default 0–0.5 fm⁻¹ in 101 steps (Pandey Fig. 4).
    E_MeV : array_like, optional
        Neutrino energies in MeV (> 0, 1-D) for σ; None (default) skips the cross sections.
    physics, flavour
        Electroweak inputs of F_W and σ (default: Standard Model, tree level).

    Returns
    -------
    NuclearModelComparison
        ``.relative("F_W")``, ``.ratio("sigma")``, … give {label: array} per model.

    Raises
    ------
    CevnsError
        For an unknown model or table, a model of another isotope, a bad grid, or (when
        evaluated) q beyond a table whose ``beyond_table`` is "error".

    Examples
    --------
    >>> cmp = compare_nuclear_models("Ar40", ["klein_nystrand_adapted"], "helm", q_fm=[0.0, 1.0])
    >>> [round(float(x), 4) for x in cmp.relative("F_W")["klein_nystrand_adapted"]]
    [0.0, 0.2388]
    """
    nucleus = isotope(iso)
    named = dict(models) if isinstance(models, Mapping) else {_label(m): m for m in models}
    if not named:
        raise CevnsError("models is empty: give at least one model to compare")
    if isinstance(reference, str) and reference in named:
        ref_label = reference
    else:
        ref_label = _label(reference)
        named.setdefault(ref_label, reference)
    labels = tuple(k for k in named if k != ref_label)
    nuclear = {k: _nuclear_model(v, nucleus, f"model {k!r}") for k, v in named.items()}
    q = np.linspace(0.0, 0.5, 101) if q_fm is None else as_array(q_fm, "q_fm", minimum=0.0)
    if q.ndim != 1:
        raise CevnsError(f"q_fm must be 1-D, got shape {q.shape}")
    E = None
    if E_MeV is not None:
        E = as_array(E_MeV, "E_MeV", minimum=0.0, inclusive=False)
        if E.ndim != 1:
            raise CevnsError(f"E_MeV must be 1-D, got shape {E.shape}")
    values: dict[str, dict[str, Array]] = {k: {} for k in QUANTITIES}
    for label, nm in nuclear.items():
        values["F_p"][label] = nm.F_p(q)
        values["F_n"][label] = nm.F_n(q)
        values["F_W"][label] = weak_form_factor(
            q,
            nucleus,
            nm.model,
            physics=physics,
            flavour=flavour,
            skin_fm=nm.skin_fm,
            R_n_fm=nm.R_n_fm,
            proton_radius=nm.proton_radius,
            **nm.model_params,
        )
        if E is not None:
            options = {} if flavour is None else {"flavour": flavour}
            values["sigma"][label] = total_cross_section(E, nucleus, physics, nm, **options)
    return NuclearModelComparison(
        isotope=nucleus.name,
        reference=ref_label,
        labels=labels,
        q_fm=q,
        E_MeV=E,
        values=values,
    )
