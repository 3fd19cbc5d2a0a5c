"""Predicted signals of a fit in a data set's bins: the experiment's observed counts, the
arrival-time acceptance, the 3-D LAr cells projecting back onto the energy bins."""

import numpy as np
import pytest

from cevns_core.datasets import load_dataset
from cevns_core.experiment import experiment
from cevns_core.fits import predict_signal


def test_prediction_matches_experiment_counts():
    exp = experiment("coherent_csi_2017")
    ds = load_dataset("coherent_csi_2017")
    untimed = predict_signal(exp, ds, time_cut=False)
    np.testing.assert_allclose(untimed, exp.observed_counts(ds.bin_edges).total, rtol=1e-12)
    timed = predict_signal(exp, ds)
    # ν_μ (prompt) fully kept, ν_e and ν̄_μ at 0.9148
    assert 0.9148 < timed.sum() / untimed.sum() < 1.0
    lar = predict_signal(None, "coherent_lar_2020")
    lar3 = predict_signal(None, "coherent_lar_2020_3d")
    assert lar3.shape == (960,)
    np.testing.assert_allclose(load_dataset("coherent_lar_2020_3d").energy_projection(lar3), lar)
    # counts() integrates the smeared spectrum on 400 fine bins, here 12 bins of 10 keVee
    assert lar.sum() == pytest.approx(experiment("coherent_lar_2020").counts().total, rel=3e-3)
