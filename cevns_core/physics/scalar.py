"""Light scalar mediator φ (PHYSICS.md §7.4; PKK Eqs. (47)–(51)).

ℒ = φ (g_ν ν̄ν + Σ_q g_q q̄q) − ½ M_φ² φ² with the universal g_ν = g_q = g = ``scalar_coupling``
(PKK Eq. (51)); only ν̄_R ν_L acts on an incoming ν_L (helicity flip, no SM interference):

    dσ^S/dT = g_ν² Q_φ² M² T/(4π E² (|q|² + M_φ²)²),  Q_φ = g Σ_{N=p,n} (count) s_N F_N,

with s_N = Σ_{u,d,s} (m_N/m_q) f^N_Tq + (2/27) f^N_TG Σ_{c,b,t} m_N/m_Q, f_TG = 1 − Σ f_Tq
(:func:`scalar_charge_per_nucleon`): ``"eos2008"`` (Ellis, Olive & Savage 2008, default) or
``"hoferichter2015"`` f_Tq; ``"pkk_shortcut"`` Q_φ = (14A + 1.1Z) g of PKK Eq. (51)
(**UNSURE**: not reproducible from any f_Tq set). PHYSICS §7.4 writes the heavy-quark term as
(2/27) f_TG·3·g per nucleon, dropping the m_N/m_Q of its own formula; the package keeps m_N/m_Q
(⟨N|Q̄Q|N⟩ = (2/27) f_TG m_N/m_Q), 0.8 % smaller: Q_φ ≈ (14.58A + 0.58Z) g.
"""

from __future__ import annotations

import math
from typing import Any

from .._validation import check_choice
from ..units import M_N_MeV, M_P_MeV
from .base import Effect, ScanVariant, Values, axis_from, choice, nonzero, number
from .registry import register_effect

__all__ = [
    "NUCLEON_SCALAR_FRACTIONS",
    "SCALAR_CHARGES",
    "LightScalarMediator",
    "QUARK_MASSES_MeV",
    "scalar_c2",
    "scalar_charge_per_nucleon",
]

#: Scalar nuclear charge options (module docstring).
SCALAR_CHARGES: tuple[str, ...] = ("eos2008", "hoferichter2015", "pkk_shortcut")
#: Light-quark scalar fractions f_Tq^N: Ellis, Olive & Savage 2008 (used by Cerdeño et al. 2016)
#: and Hoferichter et al. 2015 (PRL 115, 092301; f_Ts = 0.043 from lattice), PHYSICS §7.4.
NUCLEON_SCALAR_FRACTIONS: dict[str, dict[str, dict[str, float]]] = {
    "eos2008": {
        "p": {"u": 0.020, "d": 0.026, "s": 0.118},
        "n": {"u": 0.014, "d": 0.036, "s": 0.118},
    },
    "hoferichter2015": {
        "p": {"u": 0.0208, "d": 0.0411, "s": 0.043},
        "n": {"u": 0.0189, "d": 0.0451, "s": 0.043},
    },
}
#: Quark masses in MeV: u, d, s MS-bar at 2 GeV; c, b MS-bar at their own scale; t pole (PDG 2024).
QUARK_MASSES_MeV: dict[str, float] = {
    "u": 2.16,
    "d": 4.67,
    "s": 93.4,
    "c": 1273.0,
    "b": 4183.0,
    "t": 172570.0,
}
_PKK_SHORTCUT = (15.1, 14.0)  # (14A + 1.1Z) = 15.1 Z + 14 N per unit g


def scalar_charge_per_nucleon(option: str = "eos2008") -> tuple[float, float]:
    """Scalar charges (s_p, s_n) per unit quark coupling: Q_φ = g (Z s_p F_p + N s_n F_n).

    s_N = Σ_{q=u,d,s} (m_N/m_q) f^N_Tq + (2/27) f^N_TG Σ_{Q=c,b,t} m_N/m_Q with
    f_TG = 1 − Σ_{u,d,s} f_Tq (PHYSICS §7.4; heavy quarks through the trace anomaly,
    ⟨N|Q̄Q|N⟩ = (2/27) f_TG m_N/m_Q). ``"pkk_shortcut"``: (14A + 1.1Z) of PKK Eq. (51), i.e.
    s_p = 15.1, s_n = 14 (UNSURE, see module docstring).

    Examples
    --------
    >>> [round(s, 3) for s in scalar_charge_per_nucleon("eos2008")]
    [15.157, 14.579]
    """
    check_choice(option, "scalar_charge", SCALAR_CHARGES)
    if option == "pkk_shortcut":
        return _PKK_SHORTCUT
    fractions = NUCLEON_SCALAR_FRACTIONS[option]
    out = []
    for nucleon, m_N in (("p", M_P_MeV), ("n", M_N_MeV)):
        f = fractions[nucleon]
        light = sum(m_N / QUARK_MASSES_MeV[q] * f[q] for q in ("u", "d", "s"))
        f_TG = 1.0 - sum(f.values())
        heavy = 2.0 / 27.0 * f_TG * sum(m_N / QUARK_MASSES_MeV[Q] for Q in ("c", "b", "t"))
        out.append(light + heavy)
    return out[0], out[1]


def scalar_c2(
    g: Any,
    M_phi_MeV: Any,
    charges: tuple[float, float],
    Z: int,
    N: int,
    M_MeV: float,
    T_MeV: Any,
    q2_MeV2: Any,
    F_p: Any,
    F_n: Any,
) -> Any:
    """c₂ of the scalar term, dσ^S/dT = c₂/E²: g⁴ (Z s_p F_p + N s_n F_n)² M² T/(4π(|q|² + M_φ²)²).

    Examples
    --------
    >>> c2 = scalar_c2(1e-5, 10.0, (15.0, 14.0), 55, 78, 123800.0, 0.008, 9.9, 1.0, 1.0)
    >>> f"{c2:.4g}"
    '2.969e-11'
    """
    s_p, s_n = charges
    Q_per_g = Z * s_p * F_p + N * s_n * F_n
    propagator2 = (q2_MeV2 + M_phi_MeV * M_phi_MeV) ** 2
    return (g * g) ** 2 * (Q_per_g**2 * M_MeV**2 * T_MeV / (4.0 * math.pi) / propagator2)


_PARAMETERS = {
    "scalar_coupling": number(
        bounds=(0.0, 10.0),
        softbounds=(0.0, 1e-4),
        label="g_φ",
        unit="",
        doc="Universal scalar coupling g = g_ν = g_q (dimensionless); 0 switches it off.",
    ),
    "scalar_mass_MeV": number(
        100.0,
        bounds=(0.0, 1e7),
        inclusive_bounds=(False, True),
        softbounds=(0.1, 1e4),
        label="M_φ",
        unit="MeV",
        doc="Scalar mediator mass M_φ in MeV.",
    ),
    "scalar_charge": choice(
        "eos2008",
        SCALAR_CHARGES,
        label="Scalar nuclear charge",
        doc="Nuclear scalar charge: f_Tq of Ellis-Olive-Savage 2008, of Hoferichter et al. "
        "2015, or PKK's (14A + 1.1Z) shortcut.",
    ),
}


def _settings(point: Values) -> dict[str, Any]:
    return {"scalar_coupling": point["coupling"], "scalar_mass_MeV": point["mass_MeV"]}


@register_effect
class LightScalarMediator(Effect):
    """A light scalar φ with universal couplings (module docstring)."""

    name = "scalar"
    title = "Light scalar mediator φ"
    order = 40
    parameters = _PARAMETERS
    equation = "dσ^S/dT = g_ν² Q_φ² M² T/(4π E² (|q|² + M_φ²)²),  Q_φ = g (Z s_p F_p + N s_n F_n)"
    source = "PHYSICS.md §7.4; PKK Eqs. (47)–(51); Ellis, Olive & Savage 2008"
    figure = "PKK Fig. 12 (right)"
    scans = (
        ScanVariant(
            name="scalar",
            title="universal light scalar (g_ν = g_q = g)",
            axes=(
                axis_from(
                    _PARAMETERS["scalar_coupling"],
                    "coupling",
                    "mediator coupling g (dimensionless)",
                    (1e-7, 1e-3, 100, True),
                ),
                axis_from(
                    _PARAMETERS["scalar_mass_MeV"],
                    "mass_MeV",
                    "mediator mass in MeV",
                    (1.0, 1e4, 100, True),
                ),
            ),
            settings=_settings,
            flavour_dependent=False,
            figure="PKK Fig. 12 (right)",
            polynomial=({"coupling": 4},),  # c₂ ∝ g⁴
        ),
    )

    def incoherent(
        self,
        v: Values,
        alpha: str,
        Z: int,
        N: int,
        M_MeV: float,
        T_MeV: Any,
        q2_MeV2: Any,
        F_p: Any,
        F_n: Any,
    ) -> tuple[Any, Any, Any] | None:
        g = v["scalar_coupling"]
        if not nonzero(g):
            return None
        charges = scalar_charge_per_nucleon(v["scalar_charge"])
        c2 = scalar_c2(g, v["scalar_mass_MeV"], charges, Z, N, M_MeV, T_MeV, q2_MeV2, F_p, F_n)
        return None, None, c2
