"""The tabs' display options: the More physics tab's 3+1 and transition-moment options are
declared by the core's parameters (one source of labels, units, docs and bounds)."""

import cevns_core as cc
from dashboard.parameters import by_url
from dashboard.viewstate import MorePhysicsOptions

#: tab option → (core model, core parameter, display scale of the core unit)
MIRRORED = {
    "dm2_eV2": (cc.NewPhysics, "dm2_41_eV2", 1.0),
    "Ue4_sq": (cc.NewPhysics, "Ue4_sq", 1.0),
    "Umu4_sq": (cc.NewPhysics, "Umu4_sq", 1.0),
    "spread_m": (cc.SOURCE_TYPES["pion_dar"], "distance_spread_m", 1.0),
    "Lambda1": (cc.NewPhysics, "tmm_Lambda1_muB", 1e-10),
    "Lambda2": (cc.NewPhysics, "tmm_Lambda2_muB", 1e-10),
    "Lambda3": (cc.NewPhysics, "tmm_Lambda3_muB", 1e-10),
    "zeta2_deg": (cc.NewPhysics, "tmm_zeta2_deg", 1.0),
}


def test_more_physics_options_mirror_the_core_declarations():
    for option, (owner, name, scale) in MIRRORED.items():
        shown, core = MorePhysicsOptions.param[option], owner.param[name]
        assert shown.label.startswith(core.label), option
        assert shown.doc.startswith(core.doc), option
        assert shown.bounds == tuple(b / scale for b in core.bounds), option


def test_transition_moments_are_shown_in_1e_10_bohr_magnetons():
    shown = MorePhysicsOptions.param["Lambda1"]
    assert shown.label == f"{cc.NewPhysics.param['tmm_Lambda1_muB'].label} (10⁻¹⁰ μ_B)"
    # the core's bound of 1e-6 μ_B is 1e4 in units of 1e-10 μ_B
    assert shown.bounds == (0.0, 1e4)


def test_defaults_and_url_keys_of_the_tab_are_kept():
    options = MorePhysicsOptions()
    defaults = {option: getattr(options, option) for option in MIRRORED}
    assert defaults == {
        "dm2_eV2": 1.0,
        "Ue4_sq": 0.02,
        "Umu4_sq": 0.03,
        "spread_m": 1.0,
        "Lambda1": 1.0,
        "Lambda2": 1.0,
        "Lambda3": 0.0,
        "zeta2_deg": 0.0,
    }
    urls = by_url()
    for option in MIRRORED:
        assert urls[f"mp.{option}"].name == f"more.{option}"
