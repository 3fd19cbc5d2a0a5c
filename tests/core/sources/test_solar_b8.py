"""Solar ⁸B spectrum: published table (default) or allowed β shape (PHYSICS.md §5.5)."""

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.sources import B8_SHAPES, Solar


def test_b8_published_shape_is_default_and_keeps_the_b16_total():
    assert B8_SHAPES == ("published", "allowed")
    assert Solar().b8_shape == "published"
    pub = Solar(components_included=["B8"])
    allowed = Solar(components_included=["B8"], b8_shape="allowed")
    for s in (pub, allowed):
        assert s.integrated() == pytest.approx(5.46e6, rel=1e-9)  # B16-GS98 8B flux
    # mean energy of the tabulated spectrum (O'Hare 2021 release): 6.735 MeV; the allowed
    # shape with Q = 16.36 MeV is much harder (8.42 MeV)
    assert pub.mean_energy_MeV() == pytest.approx(6.735, abs=0.002)
    assert allowed.mean_energy_MeV() == pytest.approx(8.416, abs=0.002)
    # the CEvNS-relevant <E^2>: 52.7 vs 80.9 MeV^2
    assert pub.integrated(moment=2) / pub.integrated() == pytest.approx(52.70, abs=0.05)
    # support and peak
    assert pub.E_max_MeV == pytest.approx(16.34)
    E = np.linspace(0.5, 16.0, 400)
    assert 6.2 < E[np.argmax(pub.spectrum(E))] < 6.7
    assert float(pub.spectrum(16.5)) == 0.0
    # other components are untouched by the choice
    for name in ("pp", "hep", "N13"):
        a = Solar(components_included=[name])
        b = Solar(components_included=[name], b8_shape="allowed")
        assert a.integrated(moment=1) == pytest.approx(b.integrated(moment=1), rel=1e-12)
    with pytest.raises(CevnsError):
        Solar(b8_shape="winter")


def test_b8_flux_parameter_scales_only_the_b8_component():
    # SNO's measured ⁸B flux 5.25e6 cm^-2 s^-1 (Aharmim et al., PRC 88 (2013) 025501), the
    # normalisation of XENONnT's ⁸B templates: the ⁸B total follows the parameter exactly, the
    # spectral shape (mean energy) and the other components do not change.
    sno = Solar(components_included=["B8"], b8_flux_cm2_s=5.25e6)
    assert sno.integrated() == pytest.approx(5.25e6, rel=1e-9)
    b16 = Solar(components_included=["B8"])
    assert sno.mean_energy_MeV() == pytest.approx(b16.mean_energy_MeV())
    full = Solar(b8_flux_cm2_s=5.25e6).integrated() - Solar().integrated()
    assert full == pytest.approx(5.25e6 - 5.46e6, rel=1e-6)
    with pytest.raises(CevnsError, match="b8_flux_cm2_s"):
        Solar(b8_flux_cm2_s=-1.0)
