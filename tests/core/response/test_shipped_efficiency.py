"""Efficiency tables shipped in data/detectors, named by presets (response.shipped_efficiency)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.response import ShippedEfficiency, efficiency_model, response_matrix


def test_table_is_the_exposure_weighted_sum_of_the_response_matrix():
    # The XENONnT 2026 efficiency in recoil energy is Σ_runs LT_run ε_run(T) / Σ LT with the
    # livetimes 1.174398, 2.342593, 3.249665 t yr (release example notebook): recompute it from
    # the shipped response matrix (independent file) to the table's 6 significant digits.
    eff = efficiency_model("shipped_table", table="xenonnt_b8_2026_efficiency.csv")
    assert isinstance(eff, ShippedEfficiency) and eff.units == "keVnr"
    m = response_matrix("xenonnt_b8_2026_response")
    lt = np.array([1.174398, 2.342593, 3.249665])
    per_run = m.matrix.reshape(m.T_keV.size, 3, 81).sum(axis=2)
    np.testing.assert_allclose(eff(m.T_keV), per_run @ lt / lt.sum(), rtol=2e-5, atol=1e-9)


def test_outside_policies_and_errors():
    eff = ShippedEfficiency(table="xenonnt_b8_2024_efficiency.csv", below="zero", above="hold")
    assert float(eff(0.3)) == 0.0
    assert float(eff(7.0)) == pytest.approx(float(eff(5.0)))
    with pytest.raises(CevnsError, match="above the efficiency table"):
        ShippedEfficiency(table="xenonnt_b8_2024_efficiency.csv")(7.0)
    with pytest.raises(CevnsError, match="no shipped efficiency table"):
        ShippedEfficiency(table="nothing.csv")
    with pytest.raises(CevnsError, match=r"\.csv file name"):
        ShippedEfficiency(table="../experiments/conus.json")
    with pytest.raises(CevnsError, match="takes its x from the table"):
        ShippedEfficiency(table="xenonnt_b8_2024_efficiency.csv", x=(0.0, 1.0))
    # the table's own values (a spec written from the model) are accepted
    again = ShippedEfficiency(**{k: v for k, v in eff.param.values().items() if k != "name"})
    assert again.x == eff.x and again.units == "keVnr"
