"""The session model: one user's choices, turned into calls of :mod:`cevns_core`.

No physics here: :meth:`SessionState.cross_section_curves` and
:meth:`SessionState.form_factor_curves` only build the sampling grids and call the core.
"""

from __future__ import annotations

import numpy as np
import param
from numpy.typing import NDArray

import cevns_core as cc

__all__ = ["E_POINTS", "ISOTOPES", "Q_MAX_FM", "Q_POINTS", "SessionState"]

#: Target isotopes offered on the page.
ISOTOPES = ["Cs133", "I127", "Ar40", "Ge72", "Xe132", "Si28", "Na23", "Pb208"]
#: Number of neutrino energies per cross-section curve.
E_POINTS = 400
#: Momentum-transfer range of the form-factor plot, in fm⁻¹, and its number of points.
Q_MAX_FM = 3.0
Q_POINTS = 301

Curves = dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]


def _default_model(models: list[str]) -> str | None:
    return "helm" if "helm" in models else (models[0] if models else None)


class SessionState(param.Parameterized):
    """What one user has chosen on the page."""

    isotopes = param.ListSelector(
        default=["Cs133", "Ar40"], objects=ISOTOPES, doc="Target isotopes to compare."
    )
    form_factor_model = param.Selector(
        default=_default_model(cc.form_factor_models()),
        objects=cc.form_factor_models(),
        doc="Nuclear form-factor model (the models registered in cevns_core).",
    )
    E_min_MeV = param.Number(
        default=1.0, bounds=(0.1, 300.0), doc="Lowest neutrino energy plotted, in MeV."
    )
    E_max_MeV = param.Number(
        default=60.0, bounds=(0.1, 300.0), doc="Highest neutrino energy plotted, in MeV."
    )
    log_y = param.Boolean(default=True, doc="Logarithmic cross-section axis.")

    def energy_grid(self) -> NDArray[np.float64]:
        """Neutrino energies (MeV) of the cross-section curves.

        Raises
        ------
        cevns_core.CevnsError
            When ``E_min_MeV`` is not below ``E_max_MeV``.
        """
        if not self.E_min_MeV < self.E_max_MeV:
            raise cc.CevnsError(
                f"E_min = {self.E_min_MeV:g} MeV must be below E_max = {self.E_max_MeV:g} MeV"
            )
        return np.linspace(self.E_min_MeV, self.E_max_MeV, E_POINTS)

    @staticmethod
    def q_grid() -> NDArray[np.float64]:
        """Momentum transfers (fm⁻¹) of the form-factor curves."""
        return np.linspace(0.0, Q_MAX_FM, Q_POINTS)

    def cross_section_curves(self) -> Curves:
        """σ(E) per chosen isotope, ``{isotope: (E_MeV, sigma_cm2)}``, from the core."""
        E_MeV = self.energy_grid()
        return {
            iso: (E_MeV, cc.total_cross_section(E_MeV, iso, form_factor=self.form_factor_model))
            for iso in self.isotopes
        }

    def form_factor_curves(self) -> Curves:
        """F(q) per chosen isotope: ``{isotope: (q_fm, F)}`` from ``form_factor``."""
        q_fm = self.q_grid()
        model = self.form_factor_model
        return {iso: (q_fm, cc.form_factor(model, q_fm, iso)) for iso in self.isotopes}
