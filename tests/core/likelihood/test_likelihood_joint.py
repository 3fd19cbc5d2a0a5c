"""Joint likelihoods: independent copies add, shared nuisances count once, the scan hook."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import cevns_core as cc
from cevns_core.likelihood import Likelihood, profile_chi2


@pytest.fixture(scope="module")
def csi():
    return Likelihood("coherent_csi_2021")


def test_two_copies_without_shared_nuisances_double_the_chi2(csi):
    s = csi.predict()
    twice = Likelihood(["coherent_csi_2021", "coherent_csi_2021"], shared=())
    assert len(twice.nuisance_names) == 2 * len(csi.nuisance_names)
    batch = np.array([0.8, 1.0, 1.2])[:, None] * s[None, :]
    np.testing.assert_allclose(
        twice.chi2(np.hstack([batch, batch])), 2 * csi.chi2(batch), rtol=1e-9
    )


def test_shared_nuisance_is_one_parameter_with_one_prior(csi):
    """χ² at fixed nuisances: data terms of both copies + the shared prior (θ/σ)² once. The
    profiled χ² against a second route: a 1-D minimisation over the flux of twice the single
    copy's χ² with the flux fixed (its prior removed), plus the prior once."""
    s = csi.predict()
    shared = Likelihood(["coherent_csi_2021", "coherent_csi_2021"])
    assert shared.nuisance_names.count("sns_flux") == 1
    both = np.hstack([s, s])
    data_one = csi.chi2_at(s, {"sns_flux": 0.1}) - 1.0  # prior (0.1/0.10)² = 1
    assert shared.chi2_at(both, {"sns_flux": 0.1}) == pytest.approx(2 * data_one + 1.0, rel=1e-12)

    def twice_single(t):
        return 2.0 * (float(csi.chi2(s, fixed={"sns_flux": t})) - (t / 0.1) ** 2) + (t / 0.1) ** 2

    best = minimize_scalar(twice_single, bounds=(-0.3, 0.3), method="bounded",
                           options={"xatol": 1e-8})  # fmt: skip
    assert float(shared.chi2(both)) == pytest.approx(best.fun, abs=1e-6)


def test_joint_csi_lar_shares_the_flux(csi):
    joint = Likelihood(["coherent_csi_2021", "coherent_lar_2020_3d"])
    names = joint.nuisance_names
    assert names[0] == "sns_flux" and names.count("sns_flux") == 1
    # LAr's signal normalisation 13.3 % = 10 % flux ⊕ 8.8 % (its other uncertainties)
    other = next(n for n in joint.nuisances if n.name == "coherent_lar_2020_3d:signal_other")
    assert np.hypot(0.10, other.sigma) == pytest.approx(0.133, rel=1e-9)
    s = joint.predict()
    parts = joint.split(s)
    np.testing.assert_allclose(parts["coherent_csi_2021"], csi.predict())
    assert joint.chi2(s) > csi.chi2(csi.predict())


def test_asimov_joint_fit_recovers_the_input():
    joint = Likelihood(["coherent_csi_2021", "coherent_lar_2020"])
    truth = cc.StandardModel(sin2_theta_W=0.28)
    asimov = joint.with_observed(joint.expected(joint.predict(truth)))
    p = cc.fit_sin2_theta_w(asimov, grid=np.linspace(0.2, 0.36, 81))
    assert p.best_fit == pytest.approx(0.28, abs=1e-4)
    assert p.chi2_min == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_allclose(p.nuisances[np.argmin(p.chi2)], 0.0, atol=2e-3)


def test_profile_chi2_hook_equals_cells_route(csi):
    """What a scan engine calls: energy counts per flavour for a batch of grid points."""
    part = csi.parts[0]
    counts = part.energy_counts()
    scales = np.array([[0.9, 1.0], [1.1, 1.2]])
    batch = {f: scales[..., None] * c for f, c in counts.items()}
    chi2 = profile_chi2(csi, [batch])
    assert chi2.shape == (2, 2)
    ref = csi.chi2(scales[..., None] * csi.predict())
    np.testing.assert_allclose(chi2, ref, rtol=1e-10)
