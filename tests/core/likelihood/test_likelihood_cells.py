"""The XENONnT ⁸B cell data sets as likelihood parts: fits and scans (cevns_core.likelihood.cells).

References: E. Aprile et al. (XENON), PRL 133 (2024) 191002, arXiv:2408.02877, abstract (⁸B flux
(4.7 +3.6 −2.3)×10⁶ cm⁻² s⁻¹, background-only rejected at 2.73σ); the releases' ⁸B template sums
(/work/shared/data/xenonnt_*/SOURCES.md: 2024 3.6154 / 3.2742 per t·yr, 2026 fold 16.36 events,
S2-only 13.71 / 12.07 / 8.30 per t·yr) as in tests/core/presets/test_xenonnt_presets.py.
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.likelihood import DataSetLikelihood, Likelihood, fit_signal_count
from cevns_core.likelihood.cells import CellDataSetLikelihood

RELEASE_B8 = {
    "xenonnt_b8_2024": (3.6154 * 1.174398 + 3.2742 * 2.342593, 0.02),
    "xenonnt_b8_2026": (16.36, 0.02),
    "xenonnt_s2only_2026": (13.71 * 1.50 + 12.07 * 2.44 + 8.30 * 3.89, 0.03),
}


@pytest.mark.parametrize("name", sorted(RELEASE_B8))
def test_prediction_per_cell_matches_the_quadrature_fold(name):
    # Second route: CellDataset.predicted_signal folds dN/dT with Gauss-Legendre nodes; the
    # likelihood counts in quarter-step recoil bins with M at the bin centres. M is linear in a
    # bin, so only the spectrum's slope inside a 0.025 keV bin separates them: < 10⁻³ per cell.
    lik = DataSetLikelihood(name)
    assert isinstance(lik, CellDataSetLikelihood)
    ours = lik.predict()
    fold = cc.load_cell_dataset(name).predicted_signal(cc.experiment(name))
    assert ours.shape == fold.shape == (lik.n_cells,)
    big = fold > 1e-3 * fold.max()
    np.testing.assert_allclose(ours[big], fold[big], rtol=1e-3)
    # and the release's own ⁸B expectation, with the tolerances argued for the presets
    release, tolerance = RELEASE_B8[name]
    assert ours.sum() == pytest.approx(release, rel=tolerance)


def test_fit_reproduces_the_2024_flux_and_significance():
    # The package's own binned Poisson likelihood (release priors: efficiency 25 %, AC 9.04 /
    # 5.76 %, ER 100 %, neutrons 58 %), the ⁸B flux free (its SNO prior dropped), no light/charge
    # yield shape nuisances, Z = √Δχ²: the flux must be the abstract's 4.7e6 within 5 % (its
    # rounding and the omitted shape nuisances), its 1σ ends within 15 % of (2.4, 8.3)e6, the
    # significance 2.73σ within 0.15σ (the tolerances of the hand-written fit in
    # tests/core/test_cell_datasets.py).
    lik = Likelihood("xenonnt_b8_2024")
    assert "b8_flux" in lik.nuisance_names and "sns_flux" not in lik.nuisance_names
    scale = np.linspace(0.0, 3.0, 3001)
    nominal = lik.predict()
    chi2 = lik.chi2(scale[:, None] * nominal, fixed={"b8_flux": 0.0})
    best = int(np.argmin(chi2))
    flux = 5.25e6  # the preset's SNO flux behind ``nominal``
    assert scale[best] * flux == pytest.approx(4.7e6, rel=0.05)
    inside = scale[chi2 <= chi2[best] + 1.0]
    assert inside.min() * flux == pytest.approx(2.4e6, rel=0.15)
    assert inside.max() * flux == pytest.approx(8.3e6, rel=0.15)
    assert np.sqrt(chi2[0] - chi2[best]) == pytest.approx(2.73, abs=0.15)
    # the generic fitted-count helper drops the ⁸B flux prior the same way
    fitted = fit_signal_count(lik, scale=np.linspace(0.2, 3.0, 281))
    assert fitted["predicted"] == pytest.approx(nominal.sum())
    assert fitted["best_fit"] == pytest.approx(37 - 26.4, rel=0.1)  # abstract: excess 10.6


def test_asimov_fit_recovers_the_input_and_scans_take_the_name():
    lik = Likelihood("xenonnt_b8_2024")
    nominal = lik.predict()
    asimov = lik.with_observed(lik.expected(nominal))
    scale = np.linspace(0.5, 1.5, 101)
    chi2 = asimov.chi2(scale[:, None] * nominal, fixed={"b8_flux": 0.0})
    assert scale[np.argmin(chi2)] == pytest.approx(1.0, abs=1e-9)
    # cc.scan with the data set's name: the likelihood route, on the 162 cells
    eps = np.linspace(-0.5, 0.5, 11)
    res = cc.scan("xenonnt_b8_2024", "nsi_vector_ee", eps_u=eps, data="xenonnt_b8_2024")
    assert res.info["chi2_route"] == "likelihood" and res.info["bins"] == 162
    assert np.min(res.delta_chi2) == 0.0 and np.max(res.delta_chi2) > 1.0
    # second route: the likelihood's χ² of the predictions at the grid's ends
    from cevns_core.physics import NewPhysics

    ends = [float(lik.chi2(lik.predict(NewPhysics(eps_uV_ee=e)))[()]) for e in (-0.5, 0.5)]
    assert list(res.axes["eps_u"][[0, -1]]) == [-0.5, 0.5]
    np.testing.assert_allclose(res.chi2[[0, -1]], ends, rtol=1e-6)


def test_joint_data_sets_share_the_b8_flux_once():
    joint = Likelihood(["xenonnt_b8_2024", "xenonnt_s2only_2026"])
    assert joint.nuisance_names.count("b8_flux") == 1
    assert joint.n_cells == 162 + 21
    # without shared nuisances, two data sets' χ² add (two independent parts)
    apart = Likelihood(["xenonnt_b8_2024", "xenonnt_s2only_2026"], shared=())
    a, b = Likelihood("xenonnt_b8_2024"), Likelihood("xenonnt_s2only_2026")
    total = float(apart.chi2(apart.predict())[()])
    assert total == pytest.approx(
        float(a.chi2(a.predict())[()]) + float(b.chi2(b.predict())[()]), rel=1e-6
    )


def test_bad_experiments_and_copies():
    with pytest.raises(CevnsError, match="must be xenon"):
        DataSetLikelihood("xenonnt_b8_2024", experiment="conus_plus_2025")
    with pytest.raises(CevnsError, match="flux source"):
        DataSetLikelihood("xenonnt_b8_2024", experiment="coherent_csi_2017")
    lik = DataSetLikelihood("xenonnt_b8_2024")
    clone = copy.deepcopy(lik)
    np.testing.assert_array_equal(clone.predict(), lik.predict())
    # pickled as for the process-pool scans: the class and the map survive
    again = pickle.loads(pickle.dumps(Likelihood(lik)))
    assert isinstance(again.parts[0], CellDataSetLikelihood)
    np.testing.assert_array_equal(again.predict(), lik.predict())
