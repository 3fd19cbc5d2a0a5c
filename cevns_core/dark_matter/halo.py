"""The Standard Halo Model (SHM): local density and velocity distribution of galactic dark matter.

The SHM is an isotropic Maxwellian in the galactic rest frame, truncated at the escape speed,

    f(v⃗) = exp(−v²/v₀²) Θ(v_esc − |v⃗|) / N,   N = (π v₀²)^{3/2} N_esc,
    N_esc = erf(z) − (2/√π) z e^{−z²},   z = v_esc/v₀,

seen from the Earth, which moves at v_E through the halo (Lewin & Smith, Astropart. Phys. 6 (1996)
87, Sec. 3; Baxter et al., Eur. Phys. J. C 81 (2021) 907, arXiv:2105.00599, Sec. 3).

**Conventional values** (:data:`HALO_PRESETS`; the default is ``"baxter2021"``, the
recommendation of Baxter et al. 2021 endorsed by the DAMIC, DarkSide, DARWIN, DEAP, LZ, NEWS-G,
PandaX, PICO, SBC, SENSEI, SuperCDMS and XENON collaborations): ρ₀ = 0.3 GeV cm⁻³,
v₀ = 238 km/s (the local circular speed = the speed of the local standard of rest),
v_esc = 544 km/s, and the solar peculiar velocity (11.1, 12.2, 7.3) km/s (Schönrich, Binney &
Dehnen, MNRAS 403 (2010) 1829) on top of the LSR (0, v₀, 0), so that the Sun moves at
|(11.1, 250.2, 7.3)| = 250.55 km/s through the halo. The Earth's orbital velocity (29.8 km/s)
changes this by ±15 km/s over the year (the annual modulation) and averages out at first order;
v_E defaults to the Sun's speed (the annual mean is ≈ 1.5 km/s higher, a 0.6 % change).

``"ohare2021"`` is the halo of the code release of the neutrino-fog paper (C. A. J. O'Hare, PRL
127 (2021) 251802, arXiv:2109.03116; cajohare/NeutrinoFog, ``src/WIMPFuncs.py``): ρ₀ = 0.3 GeV
cm⁻³, dispersion σ_v = 167 km/s (v₀ = √2 σ_v = 236.17 km/s), v_esc = 533 km/s, v_E = 245.6 km/s.

The mean inverse speed η(v_min) = ∫_{v > v_min} f_E(v⃗)/v d³v has a closed form for this f (e.g.
Savage, Freese & Gondolo, PRD 74 (2006) 043531; McCabe, PRD 82 (2010) 023530, Eq. (B3)); with
x = v_min/v₀, y = v_E/v₀ (< z):

    η = [erf(x+y) − erf(x−y) − (4/√π) y e^{−z²}] / (2 N_esc v₀ y)              x < z − y,
    η = [erf(z) − erf(x−y) − (2/√π)(z + y − x) e^{−z²}] / (2 N_esc v₀ y)        z − y ≤ x < z + y,
    η = 0                                                                         x ≥ z + y,

and for y → 0, η = 2 (e^{−x²} − e^{−z²}) / (√π N_esc v₀) for x < z.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray
from scipy.special import erf

from .._validation import ValidatedParameters, as_array, check_choice
from ..errors import CevnsError

__all__ = [
    "HALO_PRESETS",
    "SOLAR_PECULIAR_VELOCITY_KMS",
    "StandardHaloModel",
    "sun_speed_kms",
]

Array = NDArray[np.float64]

#: Solar peculiar velocity (U, V, W) in km/s relative to the local standard of rest
#: (Schönrich, Binney & Dehnen 2010, as recommended by Baxter et al. 2021).
SOLAR_PECULIAR_VELOCITY_KMS: tuple[float, float, float] = (11.1, 12.2, 7.3)

# Below this y = v_E/v₀ the closed form's difference of two erf loses digits: the y → 0 limit
# is used instead (its error is O(y²) ≈ 1e-10 relative).
_SMALL_Y = 1e-5


def sun_speed_kms(
    v0_kms: float, peculiar_kms: tuple[float, float, float] = SOLAR_PECULIAR_VELOCITY_KMS
) -> float:
    """Speed of the Sun through a non-rotating halo: |(U, v₀ + V, W)| in km/s.

    Examples
    --------
    >>> round(sun_speed_kms(238.0), 2)
    250.55
    """
    U, V, W = peculiar_kms
    return math.sqrt(U**2 + (v0_kms + V) ** 2 + W**2)


#: Named halo parameter sets: ρ₀ (GeV cm⁻³), v₀, v_esc, v_E (km/s) and where they come from.
HALO_PRESETS: dict[str, dict[str, Any]] = {
    "baxter2021": {
        "rho_GeV_cm3": 0.3,
        "v0_kms": 238.0,
        "v_esc_kms": 544.0,
        "v_earth_kms": sun_speed_kms(238.0),
        "reference": "Baxter et al., Eur. Phys. J. C 81 (2021) 907, arXiv:2105.00599, Sec. 3 "
        "(v_E = speed of the Sun with the Schönrich et al. 2010 peculiar velocity)",
    },
    "ohare2021": {
        "rho_GeV_cm3": 0.3,
        "v0_kms": math.sqrt(2.0) * 167.0,
        "v_esc_kms": 533.0,
        "v_earth_kms": 245.6,
        "reference": "O'Hare, PRL 127 (2021) 251802, arXiv:2109.03116; code release "
        "cajohare/NeutrinoFog src/WIMPFuncs.py (sigma_v = 167, v_esc = 533, v_lab = 245.6 km/s)",
    },
}

_DEFAULT = HALO_PRESETS["baxter2021"]


class StandardHaloModel(ValidatedParameters):
    """Truncated Maxwellian halo seen from the Earth (defaults: Baxter et al. 2021).

    Examples
    --------
    >>> halo = StandardHaloModel()
    >>> round(halo.v_earth_kms, 2), round(halo.v_max_kms, 2)
    (250.55, 794.55)
    >>> f"{float(halo.eta(300.0)):.4e}"  # s/km
    '1.5299e-03'
    """

    rho_GeV_cm3 = param.Number(
        default=_DEFAULT["rho_GeV_cm3"],
        bounds=(0.0, 100.0),
        inclusive_bounds=(False, True),
        softbounds=(0.1, 0.8),
        doc="Local dark-matter density ρ₀ in GeV cm⁻³ (Baxter et al. 2021: 0.3).",
    )
    v0_kms = param.Number(
        default=_DEFAULT["v0_kms"],
        bounds=(0.0, 2000.0),
        inclusive_bounds=(False, True),
        softbounds=(180.0, 300.0),
        doc="Most probable speed v₀ of the Maxwellian (= local circular speed) in km/s "
        "(Baxter et al. 2021: 238).",
    )
    v_esc_kms = param.Number(
        default=_DEFAULT["v_esc_kms"],
        bounds=(0.0, 5000.0),
        inclusive_bounds=(False, True),
        softbounds=(450.0, 650.0),
        doc="Galactic escape speed v_esc in km/s (Baxter et al. 2021: 544).",
    )
    v_earth_kms = param.Number(
        default=_DEFAULT["v_earth_kms"],
        bounds=(0.0, 5000.0),
        softbounds=(200.0, 300.0),
        doc="Speed of the Earth through the halo v_E in km/s (default: the Sun's speed "
        "|(11.1, v₀ + 12.2, 7.3)| = 250.55 km/s for v₀ = 238, Baxter et al. 2021; not "
        "recomputed when v₀ changes: pass sun_speed_kms(v₀)); must be below v_esc.",
    )

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._check()

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> StandardHaloModel:
        """The named parameter set of :data:`HALO_PRESETS`, optionally with some values changed.

        Examples
        --------
        >>> round(StandardHaloModel.preset("ohare2021").v0_kms, 2)
        236.17
        """
        check_choice(name, "halo preset", HALO_PRESETS)
        values = {k: v for k, v in HALO_PRESETS[name].items() if k != "reference"}
        values.update(overrides)
        return cls(**values)

    def _check(self) -> None:
        if not self.v_earth_kms < self.v_esc_kms:
            raise CevnsError(
                f"v_earth_kms = {self.v_earth_kms:g} must be below v_esc_kms = "
                f"{self.v_esc_kms:g} (the closed-form η assumes v_E < v_esc)"
            )

    def __setattr__(self, name: str, value: Any) -> None:
        checked = self.__dict__.get("_assignments_checked", False) and name in type(self).param
        previous = getattr(self, name) if checked else None
        super().__setattr__(name, value)
        if checked and name != "name":
            try:
                self._check()
            except CevnsError:
                super().__setattr__(name, previous)  # a rejected value leaves the model as it was
                raise

    @property
    def v_max_kms(self) -> float:
        """Largest WIMP speed in the Earth's frame, v_esc + v_E (km/s)."""
        return self.v_esc_kms + self.v_earth_kms

    @property
    def normalisation(self) -> float:
        """N_esc = erf(z) − (2/√π) z e^{−z²}, z = v_esc/v₀ (the truncation's correction)."""
        z = self.v_esc_kms / self.v0_kms
        return float(erf(z) - 2.0 / math.sqrt(math.pi) * z * math.exp(-(z**2)))

    def eta(self, v_min_kms: ArrayLike) -> Array:
        """Mean inverse speed η(v_min) in s/km (closed form of the module docstring).

        Parameters
        ----------
        v_min_kms : array_like
            Minimum WIMP speed in the Earth's frame (km/s, ≥ 0), any shape.
        """
        v_min = as_array(v_min_kms, "v_min_kms", minimum=0.0)
        return _eta(v_min, self.v0_kms, self.v_esc_kms, self.v_earth_kms)


def _eta(v_min: Array, v0: float, v_esc: float, v_earth: float) -> Array:
    """Closed-form η(v_min) in s/km for validated inputs (v_earth < v_esc)."""
    x = v_min / v0
    y = v_earth / v0
    z = v_esc / v0
    n_esc = erf(z) - 2.0 / math.sqrt(math.pi) * z * math.exp(-(z**2))
    ez2 = math.exp(-(z**2))
    if y < _SMALL_Y:
        inside = 2.0 / (math.sqrt(math.pi) * n_esc * v0) * (np.exp(-(x**2)) - ez2)
        return np.where(x < z, np.maximum(inside, 0.0), 0.0)
    prefactor = 1.0 / (2.0 * n_esc * v0 * y)
    low = prefactor * (erf(x + y) - erf(x - y) - 4.0 / math.sqrt(math.pi) * y * ez2)
    mid = prefactor * (erf(z) - erf(x - y) - 2.0 / math.sqrt(math.pi) * (z + y - x) * ez2)
    out = np.where(x < z - y, low, np.where(x < z + y, mid, 0.0))
    # rounding near the end point x → z + y leaves ±1e-17 instead of 0
    return np.maximum(out, 0.0)
