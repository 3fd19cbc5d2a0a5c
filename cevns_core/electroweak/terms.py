"""Registry of external (non-CEvNS) likelihood terms: APV on ¹³³Cs, PREX-II, CREX.

Each term is a pure function of named physics parameters returning χ² arrays (broadcast over
array-valued parameters), so a joint likelihood can add it to CEvNS data sets that share the same
parameters. Parameter names are global across the package:

* ``sin2_theta_W`` — the low-energy weak mixing angle (the CEvNS fits' ``sin2_theta_W``);
* ``R_n_<isotope>_fm`` — the neutron rms radius of an isotope, e.g. ``R_n_Cs133_fm``
  (the R_n of :func:`cevns_core.nucleon_form_factors`, proton radius = charge radius).

A term declares the parameters it depends on, which of them are optional (a term evaluated
without an optional parameter uses its own convention, e.g. APV without R_n uses the published
weak charge with the atomic theory's neutron-skin estimate), and a human label::

    term = external_term("apv_cs133")
    term.parameters                     # ('sin2_theta_W', 'R_n_Cs133_fm')
    term(sin2_theta_W=s[:, None], R_n_Cs133_fm=r[None, :])   # χ² on a grid
    external_chi2(["apv_cs133", "prex2"], sin2_theta_W=s, R_n_Cs133_fm=5.4, R_n_Pb208_fm=5.8)

Options of the underlying function (e.g. the APV ``theory``) are fixed when the term is built:
``external_term("apv_cs133", theory="sahoo2021")``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import as_names, check_choice
from ..errors import CevnsError
from .apv import DEFAULT_APV_THEORY, apv_chi2, apv_data
from .pves import crex_chi2, prex2_chi2, pves_measurement

__all__ = [
    "EXTERNAL_TERMS",
    "ExternalTerm",
    "external_chi2",
    "external_term",
    "external_term_names",
]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ExternalTerm:
    """One external likelihood term: χ²(**params) of named physics parameters.

    Attributes
    ----------
    name : registry name (``"apv_cs133"``).
    label : human-readable description with the data it uses.
    parameters : names of the parameters χ² depends on.
    required : the subset that must be given.
    observable : what is compared (for documentation and plots).
    reference : publications of the data.
    options : fixed options of the underlying χ² function.
    """

    name: str
    label: str
    parameters: tuple[str, ...]
    required: tuple[str, ...]
    observable: str
    reference: str
    _chi2: Callable[..., Array] = field(repr=False)
    options: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, **params: Any) -> Array:
        """χ² at the given parameter values (arrays broadcast); unknown names are an error."""
        unknown = set(params) - set(self.parameters)
        if unknown:
            raise CevnsError(
                f"term {self.name!r} has no parameter(s) {', '.join(sorted(unknown))}; "
                f"it depends on {', '.join(self.parameters)}"
            )
        missing = [p for p in self.required if params.get(p) is None]
        if missing:
            raise CevnsError(f"term {self.name!r} needs {', '.join(missing)}")
        return np.asarray(self._chi2(**params), dtype=float)

    def n_data(self) -> int:
        """Number of measured values the term compares (1 for each of these terms)."""
        return 1


_APV_OPTIONS = ("theory", "measurement", "polarizability", "model", "proton_radius")
_PVES_OPTIONS = ("model", "proton_radius")


def _check_options(name: str, options: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(options) - set(allowed)
    if unknown:
        raise CevnsError(
            f"unknown option(s) {', '.join(sorted(unknown))} for term {name!r}; "
            f"allowed: {', '.join(allowed)}"
        )


def _apv(**options: Any) -> ExternalTerm:
    _check_options("apv_cs133", options, _APV_OPTIONS)
    theory = options.get("theory", DEFAULT_APV_THEORY)
    entry = apv_data()["theories"].get(theory)
    if entry is None:
        check_choice(theory, "APV theory", apv_data()["theories"])

    def chi2(sin2_theta_W: Any, R_n_Cs133_fm: Any = None) -> Array:
        return apv_chi2(sin2_theta_W, R_n_Cs133_fm, **options)

    return ExternalTerm(
        name="apv_cs133",
        label=f"Atomic parity violation in ¹³³Cs (weak charge; PNC amplitude: {theory})",
        parameters=("sin2_theta_W", "R_n_Cs133_fm"),
        required=("sin2_theta_W",),
        observable="Q_W(¹³³Cs)",
        reference="Wood et al. 1997; Guéna et al. 2005; " + entry["reference"],
        _chi2=chi2,
        options=dict(options),
    )


def _pves(name: str, iso: str, fn: Callable[..., Array], **options: Any) -> ExternalTerm:
    _check_options(name, options, _PVES_OPTIONS)
    m = pves_measurement(name)
    par = f"R_n_{iso}_fm"

    def chi2(**params: Any) -> Array:
        return fn(params[par], **options)

    return ExternalTerm(
        name=name,
        label=f"{m.label}: weak form factor F_W(q = {m.q_fm:.4f} fm⁻¹) = {m.F_W}",
        parameters=(par,),
        required=(par,),
        observable=f"F_W({iso})",
        reference=m.reference,
        _chi2=chi2,
        options=dict(options),
    )


_FACTORIES: dict[str, Callable[..., ExternalTerm]] = {
    "apv_cs133": _apv,
    "prex2": lambda **o: _pves("prex2", "Pb208", prex2_chi2, **o),
    "crex": lambda **o: _pves("crex", "Ca48", crex_chi2, **o),
}

#: Names of the registered external terms.
EXTERNAL_TERMS: tuple[str, ...] = tuple(_FACTORIES)


def external_term_names() -> list[str]:
    """Names accepted by :func:`external_term`."""
    return list(EXTERNAL_TERMS)


def external_term(name: str, **options: Any) -> ExternalTerm:
    """Build a registered term, fixing options of its χ² function.

    Options: ``apv_cs133`` — theory, measurement, polarizability, model, proton_radius;
    ``prex2``/``crex`` — model, proton_radius.

    Examples
    --------
    >>> external_term("prex2").parameters
    ('R_n_Pb208_fm',)
    """
    check_choice(name, "external likelihood term", EXTERNAL_TERMS)
    return _FACTORIES[name](**options)


def external_chi2(terms: Iterable[str | ExternalTerm], **params: Any) -> Array:
    """Sum of several terms' χ²; each term receives only the parameters it declares.

    Examples
    --------
    >>> chi2 = external_chi2(["apv_cs133", "prex2"], sin2_theta_W=0.238, R_n_Pb208_fm=5.8)
    >>> chi2.shape
    ()
    """
    total: Array | float = 0.0
    used: set[str] = set()
    for t in as_names(terms, "terms", ExternalTerm):
        term = t if isinstance(t, ExternalTerm) else external_term(t)
        mine = {k: v for k, v in params.items() if k in term.parameters}
        used |= set(mine)
        total = total + term(**mine)
    unused = set(params) - used
    if unused:
        raise CevnsError(f"no term depends on parameter(s) {', '.join(sorted(unused))}")
    return np.asarray(total, dtype=float)
