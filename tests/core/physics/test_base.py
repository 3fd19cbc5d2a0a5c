"""The Effect description (cevns_core.physics.base): axes, switches, default hooks."""

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.physics import NewPhysics, effect
from cevns_core.physics.base import Axis, Effect, axis_from, greek, nonzero, pair


def test_axis_check_and_default_values():
    axis = Axis("m", "a mass in MeV", 1.0, 0.0, 10.0, False, "M", "MeV", (0.1, 10.0, 3, True))
    np.testing.assert_allclose(axis.default_values(), [0.1, 1.0, 10.0], rtol=1e-14)
    linear = Axis("x", "x", 0.0, -1.0, 1.0, grid=(-1.0, 1.0, 5, False))
    np.testing.assert_allclose(linear.default_values(), [-1.0, -0.5, 0.0, 0.5, 1.0])
    for bad, message in ((0.0, r"must lie in \(0, 10\]"), (11.0, "got 11"), (np.nan, "finite")):
        with pytest.raises(CevnsError, match=message):
            axis.check([1.0, bad])
    with pytest.raises(CevnsError, match="no default grid"):
        Axis("y", "y", 0.0, 0.0, 1.0).default_values()


def test_axis_from_a_parameter_keeps_its_bounds_label_and_unit():
    axis = axis_from(NewPhysics.param.zprime_mass_MeV, "mass_MeV", "mass", (1.0, 1e4, 10, True))
    assert (axis.minimum, axis.maximum, axis.min_inclusive) == (0.0, 1e7, False)
    assert (axis.null, axis.label, axis.unit) == (100.0, "M_Z′", "MeV")


def test_switches_are_the_numbers_that_default_to_zero():
    assert effect("zprime").switches == ("zprime_coupling",)
    assert effect("magnetic_moment").switches == ("mu_nu_e_muB", "mu_nu_mu_muB", "mu_nu_tau_muB")
    assert "charge_radius_convention" not in effect("charge_radius").switches
    assert effect("sterile").is_active(NewPhysics(Ue4_sq=0.1)._v) is False  # no Δm²: no effect


def test_the_base_effect_contributes_nothing():
    base, v = Effect(), NewPhysics()._v
    q = np.array([1.0, 10.0])
    assert base.coupling_shift(v, "e", "e", q, q * q) is None
    assert base.incoherent(v, "e", 55, 78, 1e5, q, q * q, 1.0, 1.0) is None
    assert base.survival(v, "nu_e", q, 20.0) is None and base.divergence(v, ("e",)) is None
    assert not base.contributes_vector and effect("nsi_vector").contributes_vector


def test_helpers():
    assert pair("tau", "e") == "etau" and greek("mutau") == "μτ" and greek("e") == "e"
    assert nonzero(np.array([0.0, 1e-30])) and not nonzero(np.zeros(3)) and not nonzero(0.0)
