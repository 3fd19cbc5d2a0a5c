"""``exp.spectrum``/``exp.recoil_spectrum`` with checks prepared once per experiment value and
kernels kept per (experiment value, recoil grid) (issue 16): identical numbers to the
unprepared route (:func:`cevns_core.rates.recoil_spectrum` with the experiment's inputs), and
no stale result after any change."""

import copy

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.caching import cache_info, clear_caches
from cevns_core.experiment.prepared import SPECTRUM_KERNELS
from cevns_core.rates import recoil_spectrum

PHYSICS = {
    "sm": None,
    "nsi": cc.NewPhysics(eps_uV_ee=0.2, eps_dV_mumu=-0.1),
    "sterile": cc.NewPhysics(dm2_41_eV2=1.5, Ue4_sq=0.1, Umu4_sq=0.05),
    "zprime": cc.NewPhysics(zprime_coupling=3e-4, zprime_mass_MeV=20.0),
}


def _plain(exp, T):
    """The second route: the rate engine called with the experiment's inputs, no preparation."""
    r = recoil_spectrum(
        exp.source,
        exp.detector.targets(),
        T,
        exp.physics,
        exp.form_factor,
        **exp.form_factor_options(),
    )
    return {k: v * exp.exposure_factor for k, v in r.parts.items()}


@pytest.mark.parametrize("physics", list(PHYSICS))
@pytest.mark.parametrize("name", ["coherent_csi_2017", "conus", "xenon_1t_floor"])
def test_prepared_spectrum_is_the_rate_engine_s(name, physics):
    exp = cc.experiment(name, physics=PHYSICS[physics])
    T = np.linspace(0.01, 0.9 * exp.max_recoil_keV(), 40)
    plain = _plain(exp, T)
    for _ in range(2):  # the first call prepares, the second finds everything kept
        parts = exp.spectrum(T).parts
        assert parts.keys() == plain.keys()
        for k, v in plain.items():
            np.testing.assert_allclose(parts[k], v, rtol=1e-12, atol=0.0)
        total = exp.recoil_spectrum(T)
        np.testing.assert_allclose(total, np.sum(list(plain.values()), axis=0), rtol=1e-12)


CHANGES = {
    "physics": lambda e: setattr(e, "physics", cc.StandardModel(sin2_theta_W=0.24)),
    "physics in place": lambda e: setattr(e.physics, "eps_uV_ee", 0.3),
    "skin": lambda e: setattr(e, "skin_fm", 0.4),
    "form-factor dict in place": lambda e: e.form_factor_params.__setitem__("s_fm", 1.1),
    "form factor": lambda e: setattr(e, "form_factor", "klein_nystrand"),
    "source in place": lambda e: setattr(e.source, "distance_m", 25.0),
    "mass in place": lambda e: setattr(e.detector, "mass_kg", 20.0),
    "material": lambda e: setattr(e.detector, "material", "Ge"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_invalidates_the_prepared_state(change):
    exp = cc.experiment("coherent_csi_2017", physics=cc.NewPhysics())
    T = np.linspace(0.5, 40.0, 25)
    before = exp.recoil_spectrum(T).copy()
    exp.recoil_spectrum(T)  # warm
    CHANGES[change](exp)
    got = exp.recoil_spectrum(T)
    assert not np.allclose(got, before, rtol=1e-9)
    np.testing.assert_allclose(got, np.sum(list(_plain(exp, T).values()), axis=0), rtol=1e-12)


def test_equal_experiments_share_kernels_and_copies_keep_no_state():
    a, b = cc.experiment("coherent_csi_2017"), cc.experiment("coherent_csi_2017")
    T = np.linspace(1.0, 30.0, 12)
    a.recoil_spectrum(T)
    hits = SPECTRUM_KERNELS.hits
    np.testing.assert_array_equal(b.recoil_spectrum(T), a.recoil_spectrum(T))
    assert SPECTRUM_KERNELS.hits >= hits + 2  # keyed by value: b found a's kernels
    # a copy does not carry the original's prepared state (it holds the original's models)
    c = copy.deepcopy(a)
    assert "_prepared_spectrum" not in c.__dict__
    a.source.distance_m = 25.0
    np.testing.assert_array_equal(c.recoil_spectrum(T), b.recoil_spectrum(T))


def test_kernels_are_emptied_with_the_other_caches_and_bounded():
    exp = cc.experiment("coherent_csi_2017")
    exp.recoil_spectrum(np.linspace(1.0, 30.0, 7))
    assert cache_info()["spectrum kernels"]["entries"] >= 1
    clear_caches()
    assert cache_info()["spectrum kernels"]["entries"] == 0
    for k in range(SPECTRUM_KERNELS.max_entries + 5):
        exp.recoil_spectrum(np.linspace(1.0, 30.0, 3 + k))
    assert len(SPECTRUM_KERNELS) == SPECTRUM_KERNELS.max_entries


def test_bad_recoils_are_still_clear_errors():
    exp = cc.experiment("coherent_csi_2017")
    exp.recoil_spectrum([1.0, 2.0])
    for bad, match in (
        ([[1.0, 2.0]], "one-dimensional"),
        ([-1.0], "T_keV must lie"),
        ([np.nan], "finite"),
        (["a"], "numbers"),
        ([2e9], "≤"),
    ):
        with pytest.raises(cc.CevnsError, match=match):
            exp.recoil_spectrum(bad)
        with pytest.raises(cc.CevnsError, match=match):
            exp.spectrum(np.asarray(bad) if match != "numbers" else bad)


class _MyExperiment(cc.Experiment):
    """A subclass outside the package: its instance attributes are part of its key."""


def test_a_subclass_outside_the_package_keeps_its_prepared_state():
    base = cc.experiment("coherent_csi_2017")
    values = {k: v for k, v in base.param.values().items() if k != "name"}
    mine = _MyExperiment(name="mine", **values)
    T = np.linspace(1.0, 30.0, 9)
    np.testing.assert_array_equal(mine.recoil_spectrum(T), base.recoil_spectrum(T))
    held = mine.__dict__["_prepared_spectrum"]
    mine.recoil_spectrum(T)
    assert mine.__dict__["_prepared_spectrum"] is held  # not prepared again
    mine.extra_note = "an attribute of its own"  # part of such a model's key
    mine.recoil_spectrum(T)
    assert mine.__dict__["_prepared_spectrum"] is not held
