"""The registry of effects: every parameter grouped, labelled and documented; an effect
registered at run time reaches NewPhysics, the scan catalogue and cc.scan, and leaves with
unregister_effect."""

from typing import ClassVar

import numpy as np
import param
import pytest

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.physics import (
    NEW_PHYSICS_GROUPS,
    Effect,
    NewPhysics,
    ScanVariant,
    effect,
    effects,
    new_physics_groups,
    parameter_info,
    register_effect,
    unregister_effect,
)
from cevns_core.physics.base import axis_from, nonzero, number
from cevns_core.scans import SCAN_MODELS, scan_models
from cevns_core.weak_charges import StandardModel

from ._hand import E0, GN, GP, SM_Q, SQRT2GF, T0_KEV, dsigma, q2_of, vector_term


def test_groups_cover_every_new_parameter_once():
    own = set(NewPhysics.param) - set(StandardModel.param)
    listed = [name for names in NEW_PHYSICS_GROUPS.values() for name in names]
    assert len(listed) == len(set(listed))
    assert set(listed) == own
    for name in listed:  # every parameter documented, numbers bounded
        p = NewPhysics.param[name]
        assert p.doc
        if isinstance(p, param.Number):
            assert p.bounds is not None


def test_every_parameter_has_a_label_a_unit_and_a_doc():
    for e in effects():
        assert e.title and e.equation and e.source, e.name
        for name, p in e.parameters.items():
            assert NewPhysics.param[name] is p
            assert p.label and p.label != name, name  # a human label, not the identifier
            assert isinstance(p.metadata["unit"], str), name  # "" when dimensionless
            assert p.metadata["group"] == e.name
            assert len(p.doc) > 10, name
    # the units say what the names say (DESIGN §5)
    units = {n: parameter_info(n).unit for names in NEW_PHYSICS_GROUPS.values() for n in names}
    for name, unit in units.items():
        for suffix, expected in (
            ("_MeV", "MeV"),
            ("_cm2", "cm²"),
            ("_muB", "μ_B"),
            ("_eV2", "eV²"),
        ):
            if name.endswith(suffix):
                assert unit == expected, name
    assert units["eps_uV_ee"] == "" and units["millicharge_e"] == "e"
    assert NewPhysics.param.zprime_mass_MeV.label == "M_Z′"
    assert NewPhysics.param.zprime_mass_MeV.metadata["unit"] == "MeV"


def test_groups_titles_and_parameter_infos_for_a_user_interface():
    groups = new_physics_groups()
    assert list(groups) == list(NEW_PHYSICS_GROUPS) == [e.name for e in effects()]
    assert list(groups)[:3] == ["nsi_vector", "nsi_tensor", "zprime"]
    assert groups["zprime"].title == "Light vector mediator Z′"
    assert len({g.title for g in groups.values()}) == len(groups)
    info = {p.name: p for p in groups["sterile"].parameters}
    assert info["dm2_41_eV2"].label == "Δm²₄₁" and info["dm2_41_eV2"].unit == "eV²"
    assert info["dm2_41_eV2"].bounds == (0.0, 1e4) and info["sterile_baseline_m"].default is None
    assert parameter_info("zprime_model").objects[:2] == ("universal", "b_minus_l")
    with pytest.raises(CevnsError, match="unknown new-physics parameter"):
        parameter_info("sin2_theta_W")  # an SM parameter, not new physics
    with pytest.raises(CevnsError, match="zprime"):
        effect("axion")


# ------------------------------------------------------------------ an effect added by a test
_PV = {
    "pv_coupling": number(
        bounds=(0.0, 1.0), label="g_pv", unit="", doc="Coupling of the test mediator to ν and p."
    ),
    "pv_mass_MeV": number(
        50.0,
        bounds=(0.0, 1e5),
        inclusive_bounds=(False, True),
        label="M_pv",
        unit="MeV",
        doc="Mass of the test mediator in MeV.",
    ),
}


class ProtonVector(Effect):
    """A test mediator coupled with g to every neutrino and to protons only:
    δg^p = g²/(√2 G_F (|q|² + M²)), δg^n = 0 (the structure of PHYSICS §7.3 with g_n = 0)."""

    name = "proton_vector_test"
    title = "Proton-philic vector (test)"
    order = 35
    parameters = _PV
    equation = "δg^p = g²/(√2 G_F (|q|² + M²))"
    source = "tests/core/physics/test_registry.py"
    scans = (
        ScanVariant(
            name="proton_vector_test",
            title="proton-philic vector (test)",
            axes=(
                axis_from(_PV["pv_coupling"], "coupling", "coupling g", (1e-5, 1e-2, 5, True)),
                axis_from(_PV["pv_mass_MeV"], "mass_MeV", "mass in MeV", (1.0, 1e3, 4, True)),
            ),
            settings=lambda p: {"pv_coupling": p["coupling"], "pv_mass_MeV": p["mass_MeV"]},
            flavour_dependent=False,
        ),
    )

    def coupling_shift(self, v, alpha, beta, q_MeV, q2_MeV2):
        g = v["pv_coupling"]
        if beta != alpha or not nonzero(g):
            return None
        return g * g / (SQRT2GF * (q2_MeV2 + v["pv_mass_MeV"] ** 2)), 0.0


@pytest.fixture
def proton_vector():
    groups_before = {k: list(v) for k, v in NEW_PHYSICS_GROUPS.items()}
    params_before = list(NewPhysics.param)
    register_effect(ProtonVector)
    try:
        yield
    finally:
        unregister_effect("proton_vector_test")
    assert NEW_PHYSICS_GROUPS == groups_before and list(NewPhysics.param) == params_before


def test_a_registered_mediator_reaches_new_physics_the_catalogue_and_scan(proton_vector):
    # NewPhysics: the parameters, the group, the physics (by hand: point nucleus, Cs133)
    g, M = 3e-5, 20.0
    physics = NewPhysics(pv_coupling=g, pv_mass_MeV=M)
    assert physics.active_groups() == ["proton_vector_test"] and not physics.needs_flavour
    assert NEW_PHYSICS_GROUPS["proton_vector_test"] == ["pv_coupling", "pv_mass_MeV"]
    assert list(NEW_PHYSICS_GROUPS).index("proton_vector_test") == 3  # order 35: after the Z′
    shift = g * g / (SQRT2GF * (q2_of(T0_KEV, "Cs133") + M**2))
    Q = 55 * (GP + shift) + 78 * GN
    expected = vector_term(E0, T0_KEV, "Cs133", Q**2)
    assert dsigma(physics, "nu_mu") / expected == pytest.approx(1.0, rel=1e-12)
    assert expected / vector_term(E0, T0_KEV, "Cs133", SM_Q**2) < 0.95  # visible at this point
    assert new_physics_groups()["proton_vector_test"].parameters[1].unit == "MeV"
    # the catalogue and cc.scan: the fast path (its default scan terms) = the per-point path
    assert "proton_vector_test" in SCAN_MODELS and "proton_vector_test" in scan_models()
    axes = SCAN_MODELS["proton_vector_test"].default_axes()
    fast = cc.scan("coherent_csi_2017", "proton_vector_test", **axes)
    slow = cc.scan("coherent_csi_2017", "proton_vector_test", method="generic", **axes)
    assert fast.info["path"] == "fast" and fast.shape == (5, 4)
    np.testing.assert_allclose(fast.bin_counts, slow.bin_counts, rtol=1e-10)
    assert fast.delta_chi2.max() > 1.0  # the strongest, lightest point is excluded
    assert "proton_vector_test" in cc.scans.describe_models()
    with pytest.raises(CevnsError, match="already registered"):
        register_effect(ProtonVector)


def test_an_unregistered_mediator_is_gone():
    register_effect(ProtonVector)
    assert "pv_coupling" in NewPhysics.param and "proton_vector_test" in SCAN_MODELS
    unregister_effect("proton_vector_test")
    assert "pv_coupling" not in NewPhysics.param
    with pytest.raises(CevnsError, match="unknown parameter 'pv_coupling'"):
        NewPhysics(pv_coupling=1e-4)
    assert "proton_vector_test" not in SCAN_MODELS
    with pytest.raises(CevnsError, match="unknown scan model"):
        cc.scan("coherent_csi_2017", "proton_vector_test", coupling=[1e-4])
    assert NewPhysics(zprime_coupling=1e-4).active_groups() == ["zprime"]  # the others stay


def test_a_clashing_parameter_is_refused():
    class Clash(ProtonVector):
        name = "clash_test"
        parameters: ClassVar = {
            "zprime_coupling": number(bounds=(0.0, 1.0), label="g", unit="", doc="x")
        }
        scans = ()

    with pytest.raises(CevnsError, match="already defined"):
        register_effect(Clash)
    assert "clash_test" not in NEW_PHYSICS_GROUPS
