"""The ν–e interaction of a physics object: one place that reads the package's physics model.

:class:`ElectronInteractions` holds every parameter that changes neutrino–electron scattering and
is built from the same ``StandardModel``/``NewPhysics`` object that drives CEvNS
(:meth:`ElectronInteractions.from_physics` reads public parameter names only, with 0 for any the
object lacks, so the physics code can move without touching this module):

* ``sin2_theta_W`` (tree-level electron couplings) and ``flavour_radius`` (SM charge-radius
  flavour dependence relative to ν_μ, −Δg_V^p of ``cevns_core.weak_charges.flavour_radius_shift``
  for the electron's charge −1, evaluated at Q = √(2m_eT));
* the effective magnetic moments (``physics.effective_magnetic_moments_muB()`` when the object
  has it: flavour-basis moments and transition moments in the mass basis; else
  ``mu_nu_<α>_muB``), ``r2_<α>_cm2``, ``r2_<αβ>_cm2``, ``charge_radius_convention``,
  ``millicharge_<α>``, ``millicharge_<αβ>``;
* ``zprime_model``, ``zprime_coupling``, ``zprime_mass_MeV``, ``scalar_coupling``,
  ``scalar_mass_MeV``;
* electron NSI ``eps_eV_<αβ>``, ``eps_eA_<αβ>`` (αβ ∈ ee, mumu, tautau, emu, etau, mutau): read
  from the physics object if it has them, else given as ``electron_nsi={name: value}``.

Quark NSI, the nucleon coupling scheme, the scalar nuclear charge and ``mm_exact`` (the ν–e
magnetic-moment formula is already exact) do not enter ν–e scattering. The sterile oscillation
acts on the flux and is applied by the rate engine (disappearance and, ν–e depending on the
flavour, appearance: ``physics.transition_probability``).

For incoming ν_α (or ν̄_α) the cross section on a free electron is a sum over final flavours β of
the weak term of :mod:`.standard_model` with the channel's (g_V, g_A), plus the magnetic-moment and
scalar terms; all of it has the form c₀(T) + c₁(T)/E + c₂(T)/E² (:meth:`coefficients`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float
from ..errors import CevnsError
from ..flavours import lepton_of
from ..units import SW2_LOW, M_E_MeV
from ..weak_charges import StandardModel, flavour_radius_shift
from .electromagnetic import (
    charge_radius_shift,
    magnetic_moment_coefficients,
    millicharge_shift,
)
from .mediators import scalar_coefficients, vector_mediator_shift, zprime_electron_couplings
from .standard_model import chiral_couplings, sm_electron_couplings, weak_coefficients

__all__ = ["ELECTRON_NSI_NAMES", "ElectronInteractions"]

Array = NDArray[np.float64]

_LEPTONS = ("e", "mu", "tau")
_PAIR_NAMES = {
    ("e", "e"): "ee",
    ("mu", "mu"): "mumu",
    ("tau", "tau"): "tautau",
    ("e", "mu"): "emu",
    ("e", "tau"): "etau",
    ("mu", "tau"): "mutau",
}
#: Names of the electron NSI parameters (vector and axial, every flavour pair).
ELECTRON_NSI_NAMES: tuple[str, ...] = tuple(
    f"eps_e{kind}_{pair}" for kind in ("V", "A") for pair in _PAIR_NAMES.values()
)
_CONVENTIONS = ("coupling", "review")
_ZPRIME_MODELS_DEFAULT = "universal"


def _pair(a: str, b: str) -> tuple[str, str]:
    i, j = sorted((_LEPTONS.index(a), _LEPTONS.index(b)))
    return _LEPTONS[i], _LEPTONS[j]


def _radius_key(a: str, b: str) -> str:
    """Suffix of the NewPhysics radius/charge names: "e" for the diagonal, "emu" for a pair."""
    return a if a == b else _PAIR_NAMES[_pair(a, b)]


def _moments(physics: Any, get: Any) -> dict[str, float]:
    """μ_να per lepton family: the physics object's effective moments (flavour basis ⊕
    transition moments) when it has them, else its ``mu_nu_<α>_muB``."""
    effective = getattr(physics, "effective_magnetic_moments_muB", None)
    if callable(effective):
        return {a: float(effective()[a]) for a in _LEPTONS}
    return {a: float(get(f"mu_nu_{a}_muB")) for a in _LEPTONS}


@dataclass(frozen=True)
class ElectronInteractions:
    """Parameters of ν–e scattering (module docstring); all zero is the Standard Model.

    Mappings are keyed by lepton ("e", "mu", "tau") or by a sorted lepton pair (("e", "mu"));
    missing keys are 0.
    """

    sin2_theta_W: float = SW2_LOW
    flavour_radius: bool = False
    magnetic_moment_muB: Mapping[str, float] = field(default_factory=dict)
    charge_radius_cm2: Mapping[tuple[str, str], float] = field(default_factory=dict)
    charge_radius_convention: str = "coupling"
    millicharge_e: Mapping[tuple[str, str], float] = field(default_factory=dict)
    nsi_vector: Mapping[tuple[str, str], float] = field(default_factory=dict)
    nsi_axial: Mapping[tuple[str, str], float] = field(default_factory=dict)
    zprime_model: str = _ZPRIME_MODELS_DEFAULT
    zprime_coupling: float = 0.0
    zprime_mass_MeV: float = 100.0
    scalar_coupling: float = 0.0
    scalar_mass_MeV: float = 100.0

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_physics(
        cls, physics: Any = None, electron_nsi: Mapping[str, float] | None = None
    ) -> ElectronInteractions:
        """Read the ν–e parameters of a ``StandardModel``/``NewPhysics`` (None: the SM).

        ``electron_nsi`` maps :data:`ELECTRON_NSI_NAMES` to values and overrides the object's.

        Examples
        --------
        >>> from cevns_core import NewPhysics
        >>> m = ElectronInteractions.from_physics(NewPhysics(mu_nu_e_muB=1e-11))
        >>> m.magnetic_moment_muB["e"], m.zero_recoil_divergence("nu_e") is not None
        (1e-11, True)
        """

        if physics is not None and not isinstance(physics, StandardModel):
            raise CevnsError(
                "physics must be a StandardModel/NewPhysics model or None, "
                f"got {type(physics).__name__}"
            )
        if electron_nsi is not None and not isinstance(electron_nsi, Mapping):
            raise CevnsError(
                f"electron_nsi must be a mapping name → value, got {type(electron_nsi).__name__}"
            )

        def get(name: str, default: Any = 0.0) -> Any:
            value = getattr(physics, name, default) if physics is not None else default
            return default if value is None else value

        nsi = {name: float(get(name)) for name in ELECTRON_NSI_NAMES}
        for name, value in (electron_nsi or {}).items():
            if name not in ELECTRON_NSI_NAMES:
                raise CevnsError(
                    f"unknown electron NSI parameter {name!r}; choose from "
                    f"{', '.join(ELECTRON_NSI_NAMES)}"
                )
            nsi[name] = as_float(value, name, minimum=-10.0, maximum=10.0)
        pairs = {v: k for k, v in _PAIR_NAMES.items()}
        convention = get("charge_radius_convention", "coupling")
        if convention not in _CONVENTIONS:
            raise CevnsError(f"unknown charge_radius_convention {convention!r}")
        model = cls(
            sin2_theta_W=float(get("sin2_theta_W", SW2_LOW)),
            flavour_radius=bool(get("flavour_radius", False)),
            magnetic_moment_muB=_moments(physics, get),
            charge_radius_cm2={p: float(get(f"r2_{_radius_key(*p)}_cm2")) for p in _PAIR_NAMES},
            charge_radius_convention=convention,
            millicharge_e={p: float(get(f"millicharge_{_radius_key(*p)}")) for p in _PAIR_NAMES},
            nsi_vector={pairs[k.rsplit("_", 1)[1]]: v for k, v in nsi.items() if "_eV_" in k},
            nsi_axial={pairs[k.rsplit("_", 1)[1]]: v for k, v in nsi.items() if "_eA_" in k},
            zprime_model=str(get("zprime_model", _ZPRIME_MODELS_DEFAULT)),
            zprime_coupling=float(get("zprime_coupling")),
            zprime_mass_MeV=float(get("zprime_mass_MeV", 100.0)),
            scalar_coupling=float(get("scalar_coupling")),
            scalar_mass_MeV=float(get("scalar_mass_MeV", 100.0)),
        )
        model._check()
        return model

    def _check(self) -> None:
        for name in ("sin2_theta_W", "zprime_coupling", "scalar_coupling"):
            as_float(getattr(self, name), name)
        for name in ("zprime_mass_MeV", "scalar_mass_MeV"):
            as_float(getattr(self, name), name, minimum=0.0, inclusive=False)
        for mapping in (
            self.magnetic_moment_muB,
            self.charge_radius_cm2,
            self.millicharge_e,
            self.nsi_vector,
            self.nsi_axial,
        ):
            for key, value in mapping.items():
                if not math.isfinite(value):
                    raise CevnsError(f"ν–e parameter {key!r} must be finite, got {value!r}")

    # ------------------------------------------------------------------ properties
    def _value(self, mapping: Mapping, a: str, b: str) -> float:
        return float(mapping.get(_pair(a, b), 0.0))

    @property
    def constant_couplings(self) -> bool:
        """True when no coupling depends on T (no Z′, millicharge or SM radius running), so the
        integral over T has the closed form of :mod:`.standard_model`."""
        return (
            self.zprime_coupling == 0.0
            and not self.flavour_radius
            and all(v == 0.0 for v in self.millicharge_e.values())
        )

    def zero_recoil_divergence(self, flavour: str) -> str | None:
        """What makes the number of recoils down to T = 0 infinite for ``flavour`` (or None)."""
        alpha = lepton_of(flavour)
        if self.magnetic_moment_muB.get(alpha, 0.0) != 0.0:
            return "a neutrino magnetic moment (dσ/dT ∝ 1/T)"
        if any(self._value(self.millicharge_e, alpha, b) != 0.0 for b in _LEPTONS):
            return "a neutrino millicharge (dσ/dT ∝ 1/T²)"
        return None

    # ------------------------------------------------------------------ couplings
    def channel_couplings(self, flavour: str, T_MeV: ArrayLike) -> dict[str, tuple[Array, Array]]:
        """(g_V, g_A) of incoming ν_α (or ν̄_α) for each final flavour β with a non-zero channel.

        The diagonal β = α holds the SM couplings (charged current included for ν_e, ν̄_e) plus
        NSI, charge radius, millicharge and Z′ shifts; β ≠ α only the flavour-changing NSI,
        transition radius and transition charge. Arrays have the shape of ``T_MeV``. These are
        the couplings of the neutrino; :func:`.standard_model.chiral_couplings` applies the
        antineutrino swap.
        """
        alpha = lepton_of(flavour)
        T = np.asarray(T_MeV, dtype=float)
        zero = np.zeros(T.shape)
        out: dict[str, tuple[Array, Array]] = {}
        for beta in _LEPTONS:
            gV = zero + self._value(self.nsi_vector, alpha, beta)
            gA = zero + self._value(self.nsi_axial, alpha, beta)
            gV = gV + charge_radius_shift(
                self._value(self.charge_radius_cm2, alpha, beta), self.charge_radius_convention
            )
            charge = self._value(self.millicharge_e, alpha, beta)
            if charge != 0.0:
                gV = gV + millicharge_shift(charge, T)
            if beta == alpha:
                sm_V, sm_A = sm_electron_couplings(flavour, self.sin2_theta_W)
                gV, gA = gV + sm_V, gA + sm_A
                if self.flavour_radius:
                    gV = gV - flavour_radius_shift(flavour, np.sqrt(2.0 * M_E_MeV * T))
                if self.zprime_coupling != 0.0:
                    Q = np.sqrt(2.0 * M_E_MeV * T)
                    g_nu, g_e = zprime_electron_couplings(
                        self.zprime_model, self.zprime_coupling, Q
                    )
                    gV = gV + vector_mediator_shift(g_nu[alpha], g_e, self.zprime_mass_MeV, T)
            elif not (np.any(gV) or np.any(gA)):
                continue
            out[beta] = (gV, gA)
        return out

    def coefficients(self, flavour: str, T_MeV: ArrayLike) -> tuple[Array, Array, Array]:
        """(c₀, c₁, c₂) in natural units with dσ/dT = c₀ + c₁/E + c₂/E² on a free electron.

        Valid for T ≤ T_max(E); the caller applies the kinematic limit (the rate engine does so
        through E ≥ E_min(T)).
        """
        T = np.asarray(T_MeV, dtype=float)
        c0, c1, c2 = np.zeros(T.shape), np.zeros(T.shape), np.zeros(T.shape)
        for gV, gA in self.channel_couplings(flavour, T).values():
            g1, g2 = chiral_couplings(gV, gA, flavour)
            d0, d1, d2 = weak_coefficients(g1, g2, T)
            c0, c1, c2 = c0 + d0, c1 + d1, c2 + d2
        mu = self.magnetic_moment_muB.get(lepton_of(flavour), 0.0)
        if mu != 0.0:
            d0, d1, _ = magnetic_moment_coefficients(mu, T)
            c0, c1 = c0 + d0, c1 + d1
        g = self.scalar_coupling
        if g != 0.0:
            c2 = c2 + scalar_coefficients(g, g, self.scalar_mass_MeV, T)[2]
        return c0, c1, c2
