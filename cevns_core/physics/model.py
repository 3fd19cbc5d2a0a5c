"""``NewPhysics``: the Standard Model plus every registered effect, all switchable at once.

The model sums the hooks of the registered effects (:mod:`cevns_core.physics.registry`) into
the cross-section hooks of :class:`~cevns_core.weak_charges.StandardModel` that the rate engine
calls (:mod:`cevns_core.cross_sections`): for incoming flavour α (PHYSICS.md §7)

    dσ_α/dT = G_F²M/π (1 − T/E − MT/2E²) [ |𝒬_αα(q)|² + Σ_{β≠α} |𝒬_αβ(q)|² ]
              + Σ_effects (c₀ + c₁/E + c₂/E²),

𝒬_αβ = Z g̃^p_αβ(q) F_p(q) + N g̃^n_αβ(q) F_n(q) in the half normalisation of the weak charge
(g_V^p = ½ − 2 sin²θ_W, g_V^n = −½; PHYSICS §0), g̃_αα = SM coupling + Σ δg_αα of the effects,
g̃_αβ (β ≠ α) = Σ δg_αβ (a different final state: **in quadrature**, not in the amplitude).
The flux of ν_α is multiplied by the effects' survival probabilities.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, check_parameters
from ..errors import CevnsError
from ..flavours import FLAVOURS, lepton_of
from ..weak_charges import StandardModel, weak_charge_half
from .base import LEPTONS, pair
from .registry import effects, registry_version

__all__ = ["NewPhysics"]

Array = NDArray[np.float64]


class NewPhysics(StandardModel):
    """The Standard Model plus every new-physics effect of PHYSICS.md §7, all switchable at once.

    All switches default to zero (the Standard Model exactly). Each effect — vector NSI,
    tensor NSI, light vector Z′, light scalar, magnetic moment, charge radius, millicharge,
    sterile 3+1 — is one module of :mod:`cevns_core.physics` with its parameters, its
    Lagrangian, its conventions (and the errors of the sources that were corrected) and its
    equation; :data:`~cevns_core.physics.registry.NEW_PHYSICS_GROUPS` lists the parameters of
    each group and :func:`~cevns_core.physics.registry.new_physics_groups` their labels and
    units. Bad values raise :class:`~cevns_core.errors.CevnsError` at construction (and, for
    cross-parameter checks and non-finite values, at use).

    Parameter names: vector NSI ``eps_uV_<αβ>``, ``eps_dV_<αβ>`` (αβ ∈ ee, mumu, tautau, emu,
    etau, mutau); tensor NSI ``eps_uT_<αα>``, ``eps_dT_<αα>``; Z′ ``zprime_model``,
    ``zprime_coupling``, ``zprime_mass_MeV``; scalar ``scalar_coupling``, ``scalar_mass_MeV``,
    ``scalar_charge``; magnetic moment ``mu_nu_<α>_muB``, ``mm_exact``; transition moments
    ``tmm_Lambda<i>_muB``, ``tmm_zeta<i>_deg``, ``pmns_sin2_theta<ij>``, ``pmns_delta_cp_deg``,
    ``tmm_regime``; charge radius ``r2_<α>_cm2``, ``r2_<αβ>_cm2``,
    ``charge_radius_convention``; millicharge ``millicharge_<α>``, ``millicharge_<αβ>`` (units
    of e); sterile ``dm2_41_eV2``, ``Ue4_sq``, ``Umu4_sq``, ``Utau4_sq``, ``sterile_baseline_m``.

    Examples
    --------
    >>> import cevns_core as cc
    >>> nsi = NewPhysics(eps_uV_ee=0.1)
    >>> sm = float(cc.differential_cross_section(30.0, 5.0, "Cs133", flavour="nu_e"))
    >>> round(float(cc.differential_cross_section(30.0, 5.0, "Cs133", nsi, flavour="nu_e")) / sm, 4)
    0.2519
    """

    def __init__(self, **params: Any) -> None:
        check_parameters(type(self), params)
        try:
            super().__init__(**params)
        except CevnsError:
            raise
        except ValueError as exc:  # param's own checks
            raise CevnsError(str(exc)) from exc
        self._check()
        self._checked = True

    # ------------------------------------------------------------------ validation and state
    @property
    def _v(self) -> dict[str, Any]:
        """The parameter values as a plain dict, what the effects' hooks read (``v[name]``).

        Cached: param's attribute access costs microseconds and the rate engine calls the
        hooks per isotope and flavour; dropped when a parameter is assigned or the registry
        changes."""
        cached = self.__dict__.get("_values_cache")
        if cached is None or cached[0] != registry_version():
            values = {k: getattr(self, k) for k in type(self).param if k != "name"}
            cached = (registry_version(), values)
            self._values_cache = cached
        return cached[1]

    def _check(self) -> None:
        """Finite values and each effect's cross-parameter checks (raises CevnsError)."""
        for key, p in type(self).param.objects("existing").items():
            if isinstance(p, param.Number) and not isinstance(p, param.Integer):
                value = getattr(self, key)
                if value is not None and not math.isfinite(value):
                    raise CevnsError(f"{key} must be finite, got {value!r}")
        v = self._v
        for e in effects():
            e.check(v)

    def _check_once(self) -> None:
        """:meth:`_check` where the model is used, skipped while no parameter has been assigned
        since it last passed (the rate engine asks on every hook call)."""
        if not getattr(self, "_checked", False):
            self._check()
            self._checked = True

    def _parameter_set(self, name: str) -> None:
        self._checked = False
        self._values_cache = None

    @property
    def needs_flavour(self) -> bool:
        """Whether the cross section depends on the neutrino flavour.

        True when the SM couplings are flavour dependent or any effect says so (per-flavour
        parameters that differ between e, μ, τ, a non-zero flavour-changing parameter, an
        L_i − L_j Z′). The sterile mixing does not enter cross sections (only the flux, always
        per flavour) and is ignored.
        """
        if super().needs_flavour:
            return True
        v = self._v
        return any(e.needs_flavour(v) for e in effects())

    def active_groups(self) -> list[str]:
        """Names of the new-physics groups (effects) with a non-SM setting, in display order.

        Examples
        --------
        >>> NewPhysics(zprime_coupling=1e-4, Ue4_sq=0.1, dm2_41_eV2=1.0).active_groups()
        ['zprime', 'sterile']
        """
        v = self._v
        return [e.name for e in effects() if e.is_active(v)]

    def _lepton(self, flavour: str | None) -> str:
        if flavour is None:
            if self.needs_flavour:
                raise CevnsError(
                    "the new-physics parameters depend on the neutrino flavour: "
                    "pass flavour='nu_e', 'nu_mu', ..."
                )
            return "e"  # every flavour has the same couplings
        return lepton_of(flavour)

    # ------------------------------------------------------------------ couplings
    def effective_couplings(
        self, flavour: str | None = None, q_MeV: ArrayLike = 0.0
    ) -> dict[str, tuple[Array, Array]]:
        """Effective nucleon vector couplings g̃^{p,n}_{αβ}(q) for incoming ν_α (or ν̄_α).

        Half normalisation (PHYSICS §0, §7). Keys are the final flavours β ∈ {"e", "mu", "tau"}:
        the entry β = α is the SM coupling plus every vector-like shift (NSI, Z′, charge
        radius, millicharge); β ≠ α holds only the flavour-changing pieces (NSI ε_αβ,
        transition radius and charge), which add in quadrature in the cross section.

        Parameters
        ----------
        flavour : str, optional
            Incoming flavour; needed when :attr:`needs_flavour`.
        q_MeV : array_like
            Momentum transfer |q| in MeV (≥ 0).

        Returns
        -------
        dict
            β → (g̃^p_αβ, g̃^n_αβ), each an array with the shape of ``q_MeV``.

        Examples
        --------
        >>> c = NewPhysics(eps_uV_ee=0.1, eps_dV_ee=0.05).effective_couplings("nu_e")
        >>> round(float(c["e"][0]), 5), round(float(c["e"][1]), 5)
        (0.27286, -0.3)
        """
        self._check_once()
        alpha = self._lepton(flavour)
        q = as_array(q_MeV, "q_MeV", minimum=0.0)
        q2 = q * q
        v = self._v
        vector = [e for e in effects() if e.contributes_vector]
        out: dict[str, tuple[Array, Array]] = {}
        for beta in LEPTONS:
            dp: Any = 0.0
            dn: Any = 0.0
            for e in vector:
                shift = e.coupling_shift(v, alpha, beta, q, q2)
                if shift is not None:
                    dp = dp + shift[0]
                    dn = dn + shift[1]
            if beta == alpha:
                g_p, g_n = self.nucleon_couplings(flavour, q)
                out[beta] = (g_p + dp, np.full(q.shape, g_n + dn))
            else:
                out[beta] = (
                    np.broadcast_to(np.asarray(dp, dtype=float), q.shape).copy(),
                    np.full(q.shape, dn, dtype=float),
                )
        return out

    # ------------------------------------------------------------------ hooks
    def vector_charge_squared(
        self, Z: int, N: int, flavour: str | None, q_MeV: NDArray, F_p: NDArray, F_n: NDArray
    ) -> NDArray[np.float64]:
        """|𝒬_αα|² + Σ_β≠α |𝒬_αβ|², 𝒬_αβ = Z g̃^p_αβ F_p + N g̃^n_αβ F_n (half normalisation).

        Exactly the Standard-Model value when no vector-like effect is switched on.
        """
        self._check_once()
        alpha = self._lepton(flavour)
        v = self._v
        vector = [e for e in effects() if e.contributes_vector]
        active_pairs = [
            pair(alpha, b)
            for b in LEPTONS
            if b != alpha and any(e.transition_active(v, pair(alpha, b)) for e in vector)
        ]
        if not any(e.is_active(v) for e in vector) and not active_pairs:
            return super().vector_charge_squared(Z, N, flavour, q_MeV, F_p, F_n)
        couplings = self.effective_couplings(flavour, q_MeV)
        g_p, g_n = couplings[alpha]
        total = weak_charge_half(Z, N, g_p, g_n, F_p, F_n) ** 2
        for beta in LEPTONS:
            if beta != alpha and pair(alpha, beta) in active_pairs:
                g_p, g_n = couplings[beta]
                total = total + weak_charge_half(Z, N, g_p, g_n, F_p, F_n) ** 2
        return total

    def incoherent_coefficients(
        self,
        nucleus: Any,
        flavour: str | None,
        T_MeV: NDArray,
        q_MeV: NDArray,
        F_p: NDArray,
        F_n: NDArray,
    ) -> tuple[NDArray, NDArray, NDArray] | None:
        """Sum of the effects' non-interfering terms (c₀, c₁, c₂) of c₀ + c₁/E + c₂/E² (tensor,
        scalar, magnetic moment; each module gives its own); None when all are off."""
        self._check_once()
        alpha = self._lepton(flavour)
        T = np.asarray(T_MeV, dtype=float)
        q2 = np.asarray(q_MeV, dtype=float) ** 2
        shape = np.broadcast_shapes(T.shape, np.shape(F_p), np.shape(F_n))
        c = [np.zeros(shape), np.zeros(shape), np.zeros(shape)]
        active = False
        v = self._v
        for e in effects():
            terms = e.incoherent(v, alpha, nucleus.Z, nucleus.N, nucleus.mass_MeV, T, q2, F_p, F_n)
            if terms is None:
                continue
            active = True
            for k, term in enumerate(terms):
                if term is not None:
                    c[k] = c[k] + term
        return (c[0], c[1], c[2]) if active else None

    def zero_recoil_divergence(self, flavour: str | None = None) -> str | None:
        """The term that makes the recoil count down to T = 0 infinite (for ``flavour``, or
        for any flavour when None), or None.

        A magnetic moment adds πα²μ_ν²Z²/m_e² (1/T − 1/E) F_p² to dσ/dT (PHYSICS §7.5): ∫ dT/T
        diverges logarithmically; a millicharge q_αβ adds a vector charge ∝ 1/q² ∝ 1/T to the
        α → β channel, squared 1/T² (PHYSICS §7.8).
        """
        alphas = LEPTONS if flavour is None else (lepton_of(flavour),)
        v = self._v
        for e in effects():
            reason = e.divergence(v, alphas)
            if reason is not None:
                return reason
        return None

    def survival_probability(
        self, flavour: str, E_MeV: NDArray, distance_m: float | None, spread_m: float = 0.0
    ) -> NDArray[np.float64] | None:
        """Product of the effects' survival probabilities (sterile 3+1: :mod:`.sterile`); None
        when it is identically 1, so the SM path is unchanged.

        The baseline is the source's ``distance_m`` unless an effect has its own; ``spread_m``
        is the RMS spread of the baseline (finite source and detector) the oscillation is
        averaged over.
        """
        self._check_once()
        v = self._v
        out = None
        for e in effects():
            p = e.survival(v, flavour, E_MeV, distance_m, spread_m)
            if p is not None:
                out = p if out is None else out * p
        return out

    def appeared_flavours(self, flavour: str) -> tuple[str, ...]:
        """The flavours β ≠ α that ν_α (ν̄_α) can arrive as (sterile 3+1 appearance), in the
        package's order; empty when no effect changes the flavour in flight.

        Examples
        --------
        >>> NewPhysics(dm2_41_eV2=1.0, Ue4_sq=0.01, Umu4_sq=0.02).appeared_flavours("nubar_e")
        ('nubar_mu',)
        """
        self._check_once()
        v = self._v
        found = {f for e in effects() for f in e.appeared(v, flavour)}
        return tuple(f for f in FLAVOURS if f in found)

    def transition_probability(
        self,
        flavour_in: str,
        flavour_out: str,
        E_MeV: NDArray,
        distance_m: float | None,
        spread_m: float = 0.0,
    ) -> NDArray[np.float64] | None:
        """P(ν_α → ν_β) at energies E (β = α: the probability to stay ν_α); None when it is
        identically 1 (β = α) or when no effect turns ν_α into ν_β.

        With a flavour-dependent cross section the rate engine folds the flux of ν_α with
        P(ν_α → ν_α) σ_α + Σ_β P(ν_α → ν_β) σ_β over :meth:`appeared_flavours`; otherwise
        :meth:`survival_probability` (P(ν_α → active)) is enough.
        """
        self._check_once()
        v = self._v
        out = None
        for e in effects():
            p = e.transition(v, flavour_in, flavour_out, E_MeV, distance_m, spread_m)
            if p is None and flavour_out == flavour_in:
                p = e.survival(v, flavour_in, E_MeV, distance_m, spread_m)
            if p is not None:
                out = p if out is None else out * p
        return out

    def effective_magnetic_moments_muB(self) -> dict[str, float]:
        """The effective magnetic moment μ_να (μ_B) of every lepton family: the square root of
        the sum of the effects' μ² (flavour-basis moments ``mu_nu_<α>_muB`` and transition
        moments, :mod:`.transition_moment`), what ν–e scattering reads.

        Examples
        --------
        >>> NewPhysics(mu_nu_mu_muB=3e-10).effective_magnetic_moments_muB()["mu"]
        3e-10
        """
        self._check_once()
        v = self._v
        out = {}
        for alpha in LEPTONS:
            terms = [e.moment_squared(v, alpha) for e in effects()]
            squares = [float(t) for t in terms if t is not None]
            out[alpha] = math.sqrt(sum(squares))
        return out
