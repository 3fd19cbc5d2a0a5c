"""What a new-physics effect is: :class:`Effect`, its scan variants and its parameters.

An effect (vector NSI, a Z′, a magnetic moment, ...) is one module of :mod:`cevns_core.physics`
holding one :class:`Effect` subclass, registered with
:func:`~cevns_core.physics.registry.register_effect`. It owns

- its parameters (``param`` objects with bounds, doc, ``label`` and ``metadata["unit"]``; built
  with :func:`number`, :func:`choice`, :func:`switch`), which become parameters of
  :class:`~cevns_core.physics.model.NewPhysics`;
- its description: ``title``, ``equation`` (Unicode text), ``source`` (PHYSICS.md section and
  papers), ``figure`` (the published plot it reproduces, if any); the conventions and their
  UNSURE notes live in the module docstring;
- its hooks, the per-point coefficients that ``NewPhysics`` sums over the registered effects
  (every one optional, None meaning "no contribution"):

  ``coupling_shift``     shift (δg^p, δg^n) of the half-normalised nucleon vector couplings of
                         ν_α → ν_β (β = α: added to the SM amplitude; β ≠ α: a separate,
                         flavour-changing amplitude added in quadrature);
  ``incoherent``         non-interfering dσ/dT terms as (c₀, c₁, c₂) of c₀ + c₁/E + c₂/E²;
  ``survival``           a factor on the flux, P(ν_α arrives active; E, L, RMS spread of L);
  ``appeared``, ``transition``  flavour change in flight: the flavours ν_α can arrive as and
                         P(ν_α → ν_β; E, L) (β = α: P(ν_α → ν_α)), used where the cross section
                         depends on the flavour;
  ``moment_squared``     the effective magnetic moment squared μ²_να (μ_B²) the effect gives
                         (read by ν–e scattering);
  ``divergence``         the reason a count down to T = 0 is infinite;

- its vectorised scan terms (``scan_terms``): the same functions evaluated with the scanned
  parameters as arrays over the grid, returned as the pieces the scan engine contracts with its
  kernels (:mod:`cevns_core.scans.engine`); by default built from ``charge_shift`` (the
  diagonal vector-charge shift, from ``coupling_shift``) and ``incoherent``;
- its scan models (:class:`ScanVariant`): axes with labels, units, bounds and a default grid,
  and the map from axis values to its parameters.

Every hook reads parameter values through ``v[name]``: a view of a ``NewPhysics`` model (one
point: numbers) or a plain dict (a scan: numbers and arrays shaped ``(*grid, 1)`` against
recoil nodes ``(n_T,)``). Written with numpy operations, one function serves both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import param
from numpy.typing import NDArray

from ..errors import CevnsError
from ..flavours import lepton_of

__all__ = [
    "GREEK",
    "LEPTONS",
    "PAIRS",
    "Axis",
    "Effect",
    "ScanVariant",
    "axis_from",
    "choice",
    "diag",
    "nonzero",
    "number",
    "pair",
    "switch",
]

Array = NDArray[np.float64]
Values = Mapping[str, Any]

#: Charged-lepton families, in the package's order.
LEPTONS: tuple[str, ...] = ("e", "mu", "tau")
#: Unordered lepton pairs of the flavour-changing parameters.
PAIRS: tuple[str, ...] = ("emu", "etau", "mutau")
#: Greek letters of the lepton families, for labels.
GREEK: dict[str, str] = {"e": "e", "mu": "μ", "tau": "τ"}


_PAIR_OF = {
    (a, b): LEPTONS[min(i, j)] + LEPTONS[max(i, j)]
    for i, a in enumerate(LEPTONS)
    for j, b in enumerate(LEPTONS)
}


def pair(a: str, b: str) -> str:
    """Canonical name of an unordered lepton pair ("emu", "etau", "mutau")."""
    return _PAIR_OF[a, b]


def diag(lepton: str) -> str:
    """Name of the flavour-diagonal entry of a lepton ("e" → "ee")."""
    return lepton + lepton


def greek(key: str) -> str:
    """Greek spelling of a lepton or pair key: "mutau" → "μτ", "e" → "e"."""
    out, rest = "", key
    while rest:
        lepton = next(lp for lp in ("tau", "mu", "e") if rest.startswith(lp))
        out, rest = out + GREEK[lepton], rest[len(lepton) :]
    return out


def nonzero(value: Any) -> bool:
    """Whether a parameter value (number or grid array) is non-zero anywhere."""
    if isinstance(value, float | int):
        return value != 0.0
    return bool(np.any(np.asarray(value) != 0.0))


# ---------------------------------------------------------------------------- parameters
def number(
    default: float | None = 0.0,
    *,
    bounds: tuple[float, float],
    label: str,
    unit: str,
    doc: str,
    softbounds: tuple[float, float] | None = None,
    inclusive_bounds: tuple[bool, bool] = (True, True),
    allow_None: bool = False,
) -> param.Number:
    """A bounded number parameter with its human label and unit (``metadata["unit"]``; "" for
    dimensionless)."""
    return param.Number(
        default=default,
        bounds=bounds,
        softbounds=softbounds,
        inclusive_bounds=inclusive_bounds,
        allow_None=allow_None,
        label=label,
        doc=doc,
        metadata={"unit": unit},
    )


def choice(default: str, objects: tuple[str, ...], *, label: str, doc: str) -> param.Selector:
    """A choice parameter (no unit)."""
    return param.Selector(
        default=default, objects=list(objects), label=label, doc=doc, metadata={"unit": ""}
    )


def switch(default: bool, *, label: str, doc: str) -> param.Boolean:
    """A boolean option (no unit)."""
    return param.Boolean(default=default, label=label, doc=doc, metadata={"unit": ""})


# ---------------------------------------------------------------------------- scan axes
@dataclass(frozen=True)
class Axis:
    """One scan axis: name, doc, no-new-physics value, allowed range, label, unit, default grid.

    ``grid`` is ``(lo, hi, n, log)``: the values :meth:`default_values` returns when a scan is
    asked for without values (``cevns scan MODEL`` with no grid options).
    """

    name: str
    doc: str
    null: float
    minimum: float
    maximum: float
    min_inclusive: bool = True
    label: str = ""
    unit: str = ""
    grid: tuple[float, float, int, bool] | None = None

    def check(self, values: Any, what: str = "axis") -> Array:
        """Validated values: finite, inside the bounds (raises CevnsError)."""
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError, OverflowError) as exc:
            raise CevnsError(f"{what} {self.name} must be numbers, got {values!r}") from exc
        if not np.all(np.isfinite(arr)):
            raise CevnsError(f"{what} {self.name} must be finite (no NaN/inf), got {values!r}")
        lo_bad = arr < self.minimum if self.min_inclusive else arr <= self.minimum
        if np.any(lo_bad) or np.any(arr > self.maximum):
            bracket = "[" if self.min_inclusive else "("
            bad = arr[lo_bad | (arr > self.maximum)].flat[0]
            raise CevnsError(
                f"{what} {self.name} ({self.doc}) must lie in {bracket}{self.minimum:g}, "
                f"{self.maximum:g}], got {bad:g}"
            )
        return arr

    def default_values(self) -> Array:
        """The default grid of this axis (geometric when ``log``)."""
        if self.grid is None:
            raise CevnsError(f"axis {self.name} has no default grid")
        lo, hi, n, log = self.grid
        return np.geomspace(lo, hi, n) if log else np.linspace(lo, hi, n)


def axis_from(
    parameter: param.Number,
    name: str,
    doc: str,
    grid: tuple[float, float, int, bool],
    label: str | None = None,
) -> Axis:
    """A scan axis with the bounds, null (default), label and unit of a model parameter."""
    lo, hi = parameter.bounds
    return Axis(
        name=name,
        doc=doc,
        null=float(parameter.default),
        minimum=lo,
        maximum=hi,
        min_inclusive=parameter.inclusive_bounds[0],
        label=parameter.label if label is None else label,
        unit=parameter.metadata["unit"],
        grid=grid,
    )


@dataclass(frozen=True)
class ScanVariant:
    """A scan model contributed by an effect (one entry of the scan catalogue).

    ``settings(point)`` maps axis values (numbers, or arrays over the grid) to ``NewPhysics``
    parameters; the generic path builds a model from them at each point and the fast path
    passes them, as arrays, to the effect's ``scan_terms``. ``flavour_dependent``: the model
    treats lepton families differently, so the scan kernels are kept per family.

    ``polynomial`` declares closed-form structure the scan engine may use: monomials of axes,
    each a mapping axis → power (``({"coupling": 2},)`` for a Z′: δ𝒬 ∝ g²), such that every
    scan term (``dQ``, ``Q``, ``KB``, ``X0``–``X2``) is affine in them, with coefficients that
    depend on the other axis only. The counts are then a polynomial in the monomials whose
    coefficients the engine computes once per value of the other axis
    (:mod:`cevns_core.scans.polynomial`; checked against the terms at two grid points, and
    ignored if they disagree). Empty: no such structure declared.
    """

    name: str
    title: str
    axes: tuple[Axis, ...]
    settings: Callable[[Mapping[str, Any]], dict[str, Any]]
    flavour_dependent: bool
    figure: str = ""
    doc: str = ""
    polynomial: tuple[Mapping[str, int], ...] = ()


# ---------------------------------------------------------------------------- effects
class Effect:
    """Base of the new-physics effects (module docstring). Subclasses set the class attributes
    and override the hooks they contribute; the defaults contribute nothing.

    Attributes
    ----------
    name : str
        Group key ("zprime"); ``NewPhysics.active_groups()`` returns these.
    title : str
        Human title ("Light vector mediator Z′").
    order : int
        Display and summation order among the effects.
    parameters : dict
        Parameter name → ``param`` object, in display order.
    equation, source, figure : str
        The equation implemented (Unicode), where it comes from, the figure it reproduces.
    per_flavour : tuple of str
        Templates of per-lepton parameters ("mu_nu_{}_muB"): different values for e, μ, τ make
        the cross section flavour dependent.
    transitions : tuple of str
        Templates of flavour-changing parameters ("eps_uV_{}" formatted with a pair).
    scans : tuple of ScanVariant
        The scan models of this effect.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    order: ClassVar[int] = 100
    parameters: ClassVar[dict[str, param.Parameter]] = {}
    equation: ClassVar[str] = ""
    source: ClassVar[str] = ""
    figure: ClassVar[str] = ""
    per_flavour: ClassVar[tuple[str, ...]] = ()
    transitions: ClassVar[tuple[str, ...]] = ()
    scans: ClassVar[tuple[ScanVariant, ...]] = ()

    # ------------------------------------------------------------------ state
    @functools.cached_property
    def switches(self) -> tuple[str, ...]:
        """Parameters whose non-zero value switches the effect on: the numbers defaulting to 0
        (options, masses, baselines and booleans do not)."""
        return tuple(
            n
            for n, p in self.parameters.items()
            if type(p) is param.Number and p.default is not None and p.default == 0.0
        )

    @functools.cached_property
    def contributes_vector(self) -> bool:
        """Whether the effect shifts the vector couplings (overrides :meth:`coupling_shift`)."""
        return type(self).coupling_shift is not Effect.coupling_shift

    def is_active(self, v: Values) -> bool:
        """Whether any switch is non-zero (the group is listed by ``active_groups``)."""
        return any(nonzero(v[n]) for n in self.switches)

    def transition_active(self, v: Values, pair_key: str) -> bool:
        """Whether a flavour-changing parameter of the pair is non-zero."""
        return any(nonzero(v[t.format(pair_key)]) for t in self.transitions)

    def needs_flavour(self, v: Values) -> bool:
        """Whether this effect makes the cross section depend on the neutrino flavour."""
        for template in self.per_flavour:
            if len({v[template.format(lepton)] for lepton in LEPTONS}) > 1:
                return True
        return any(self.transition_active(v, p) for p in PAIRS)

    def check(self, v: Values) -> None:
        """Cross-parameter consistency (raise CevnsError); single values are checked by param."""

    # ------------------------------------------------------------------ per-point hooks
    def coupling_shift(
        self, v: Values, alpha: str, beta: str, q_MeV: Array, q2_MeV2: Array
    ) -> tuple[Any, Any] | None:
        """(δg^p, δg^n) of ν_α → ν_β at momentum transfer q (None: no shift)."""
        return None

    def incoherent(
        self,
        v: Values,
        alpha: str,
        Z: int,
        N: int,
        M_MeV: float,
        T_MeV: Array,
        q2_MeV2: Array,
        F_p: Array,
        F_n: Array,
    ) -> tuple[Any, Any, Any] | None:
        """Non-interfering (c₀, c₁, c₂) of dσ/dT = c₀ + c₁/E + c₂/E² in MeV⁻³·Eᵏ (entries may
        be None; None: no term)."""
        return None

    def survival(
        self,
        v: Values,
        flavour: str,
        E_MeV: Array,
        distance_m: float | None,
        spread_m: float = 0.0,
    ) -> Array | None:
        """Probability that ν_α arrives as an active neutrino (None: 1); ``spread_m`` is the RMS
        spread of the baseline around ``distance_m``."""
        return None

    def appeared(self, v: Values, flavour: str) -> tuple[str, ...]:
        """The flavours β ≠ α that ν_α can arrive as (empty: no flavour change)."""
        return ()

    def transition(
        self,
        v: Values,
        flavour_in: str,
        flavour_out: str,
        E_MeV: Array,
        distance_m: float | None,
        spread_m: float = 0.0,
    ) -> Array | None:
        """P(ν_α → ν_β) for β in :meth:`appeared` or β = α (None: this effect changes no
        flavour; then :meth:`survival` applies)."""
        return None

    def moment_squared(self, v: Values, alpha: str) -> Any:
        """μ²_να in μ_B² that this effect gives lepton family α (None: none)."""
        return None

    def divergence(self, v: Values, alphas: tuple[str, ...]) -> str | None:
        """Why the count down to T = 0 is infinite for these lepton families (None: finite)."""
        return None

    # ------------------------------------------------------------------ vectorised scan terms
    def charge_shift(
        self,
        v: Values,
        alpha: str,
        Z: int,
        N: int,
        F_p: Array,
        F_n: Array,
        q_MeV: Array,
        q2_MeV2: Array,
    ) -> Array | None:
        """Shift of the flavour-diagonal vector charge, δ𝒬 = Z δg^p F_p + N δg^n F_n."""
        shift = self.coupling_shift(v, alpha, alpha, q_MeV, q2_MeV2)
        if shift is None:
            return None
        dp, dn = shift
        if not nonzero(dp) and not nonzero(dn):
            return None
        out = Z * dp * F_p
        if nonzero(dn):
            out = out + N * dn * F_n
        return out

    def scan_terms(self, v: Values, block: Any, job: Any) -> dict[str, Any]:
        """The effect on one scan block (isotope × flavour group) for grid values ``v``.

        Keys (any of): ``"dQ"``, the shift of the diagonal vector charge (added to the block's
        SM charge, then squared); ``"X0"``, ``"X1"``, ``"X2"``, non-interfering coefficients
        multiplied by the flux moments I₀, I₁, I₂; ``"KB"``, a replacement of the bracket kernel
        (flux factors). Arrays broadcast to ``(*grid, n_T)``; the engine may write into the
        arrays it receives (they must not be kept elsewhere). ``block`` holds Z, N, M, T (MeV),
        T_keV, q, q2, F_p, F_n, lepton (None: flavours grouped), flavours, B and scales;
        ``job`` the source (:mod:`cevns_core.scans.engine`).
        """
        alpha = block.lepton or lepton_of(block.flavours[0])
        out: dict[str, Any] = {}
        dQ = self.charge_shift(v, alpha, block.Z, block.N, block.F_p, block.F_n, block.q, block.q2)
        if dQ is not None:
            out["dQ"] = dQ
        terms = self.incoherent(
            v, alpha, block.Z, block.N, block.M, block.T, block.q2, block.F_p, block.F_n
        )
        for k, term in enumerate(terms or ()):
            if term is not None:
                out[f"X{k}"] = term
        return out
