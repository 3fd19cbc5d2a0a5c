"""fit_overview: what a data-versus-prediction view shows, consistent with the likelihood."""

import numpy as np
import pytest
from scipy.stats import poisson

from cevns_core.likelihood import Likelihood
from cevns_core.likelihood.overview import fit_overview


def test_overview_is_consistent_with_the_fit():
    lik = Likelihood(["coherent_csi_2021", "coherent_lar_2020"])
    o = fit_overview(lik)
    assert o["chi2_min"] == pytest.approx(float(lik.chi2(lik.predict())), rel=1e-12)
    assert 0.0 < o["p_value"] < 1.0 and o["n_cells"] == 111
    for part, d in zip(lik.parts, o["datasets"].values(), strict=True):
        np.testing.assert_allclose(sum(d["components"].values()), d["expected"], rtol=1e-12)
        np.testing.assert_allclose(d["signal_nominal"], part.predict(), rtol=1e-12)
        np.testing.assert_allclose(d["residual"], d["observed"] - d["expected"])
        assert d["observed"].size == int(np.prod(d["shape"]))
    pulls = {k: v["pull"] for k, v in o["nuisances"].items()}
    assert pulls["sns_flux"] == pytest.approx(o["nuisances"]["sns_flux"]["value"] / 0.10)
    # the real data agree with every prior: no nuisance pulled beyond 2σ at the SM
    assert max(abs(p) for p in pulls.values()) < 2.0


def test_garwood_errors():
    """68.27 % central Poisson intervals (Garwood 1936): n = 0 → [0, 1.841] (the 1σ upper limit
    of PDG's Poisson table); for n > 0 each end leaves 15.87 % in the Poisson tail (checked
    with the Poisson CDF, a second route)."""
    lik = Likelihood("coherent_csi_2021")
    d = fit_overview(lik)["datasets"]["coherent_csi_2021"]
    n = d["observed"]
    zero = np.nonzero(n == 0)[0][0]
    assert d["error_low"][zero] == 0.0
    assert d["error_high"][zero] == pytest.approx(1.841, abs=1e-3)
    from cevns_core.likelihood.overview import _garwood

    tail = (1 - 0.682689492) / 2
    for k in (1.0, 10.0, 37.0):
        lo, hi = _garwood(np.array([k]))
        assert poisson.sf(k - 1, lo[0]) == pytest.approx(tail, rel=1e-6)  # P(N ≥ k | lo)
        assert poisson.cdf(k, hi[0]) == pytest.approx(tail, rel=1e-6)  # P(N ≤ k | hi)
