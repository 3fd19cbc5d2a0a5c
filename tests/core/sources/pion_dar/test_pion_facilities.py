"""Tests of cevns_core.sources.pion_dar.facilities (PHYSICS §5.1; Pandey Sec. V)."""

from __future__ import annotations

import pytest

from cevns_core.errors import CevnsError
from cevns_core.sources import (
    FACILITIES,
    facility,
)


# -- facilities -------------------------------------------------------------------------------
def test_facility_presets():
    # PHYSICS §5.1 (Pandey Sec. V)
    assert facility("sns").beam_power_MW == 1.4 and facility("sns").proton_energy_GeV == 1.0
    assert facility("sns_upgrade").beam_power_MW == 2.0
    assert facility("sns_upgrade").proton_energy_GeV == 1.3
    assert facility("jparc_mlf").proton_energy_GeV == 3.0
    assert facility("ess").beam_power_MW == 5.0 and facility("ess").proton_energy_GeV == 2.0
    assert facility("lujan").pulse_shape == "triangular"
    assert facility("lujan").pulse_width_ns == 280.0
    assert facility("lujan").beam_power_MW is None  # not citable → required
    assert facility("pip2_bd").beam_power_MW is None
    assert facility("sns_second_target").beam_power_MW == pytest.approx(2.8 * 15 / 60)
    for preset in FACILITIES.values():
        assert preset.references
    with pytest.raises(CevnsError, match="facility"):
        facility("fermilab_booster")
