"""Shipped data sets (issue 4 item 2): the package's own tables against the numbers of the releases.

Reference numbers are written into this file with their sources; nothing outside the package is
read at run time.
"""

import numpy as np
import pytest

from cevns_core.datasets import Dataset, dataset_names, load_dataset
from cevns_core.errors import CevnsError

# Beam-on residual per 2-PE bin (bin centres 1, 3, ..., 49 PE), digitised from Fig. 3 of
# D. Akimov et al. (COHERENT), Science 357 (2017) 1123, arXiv:1708.01294, by B. J. Kavanagh:
# github.com/bradkav/CEvNS @ 141a2ab9a245a0eba10a0cf91615dee79b26ad74, DataFiles/COHERENT_data.txt
# (second column; the digitisation error is ~0.1 count here).
FIG3_RESIDUAL = [
    3.0, -0.9078947368421026, -6.118421052631575, 7.973684210526315, 11.052631578947366,
    23.96052631578947, 25.02631578947368, 21.0, 17.092105263157894, 5.0131578947368425,
    9.986842105263158, 5.960526315789473, 0.15789473684210975, 5.131578947368418,
    9.039473684210527, 5.960526315789473, -5.052631578947363, 5.0131578947368425,
    14.960526315789473, -0.9078947368421026, -1.0263157894736779, -3.9868421052631504,
    -4.9342105263157805, 7.973684210526315, -7.065789473684205,
]  # fmt: skip

# COHERENT LAr 2020 release (arXiv:2006.12659, Zenodo 10.5281/zenodo.3903810),
# Data/OneDProjections/energydata1d.txt, column "SS-Sub Data" (data minus the best-fit steady-state
# background, 3131 events) per 10-keVee bin.
LAR_SS_SUBTRACTED = [
    180.88, 168.285, 84.6046, 48.2399, 14.9452, 23.3383,
    8.7051, 20.8055, 26.3034, 15.6286, 21.9738, 6.53702,
]  # fmt: skip
# Same file, column "CEvNS" (the released SM PDF scaled to the best fit, 159 events).
LAR_CEVNS_BESTFIT = [98.071, 46.0685, 12.3225, 2.94675, 0.0976767, 3.36944e-05]


def test_names():
    assert dataset_names() == ["coherent_csi_2017", "coherent_lar_2020", "coherent_lar_2020_3d"]
    for name in dataset_names():
        ds = load_dataset(name)
        assert isinstance(ds, Dataset)
        assert "arXiv" in ds.reference and ds.notes
        assert set(ds.backgrounds) == set(ds.background_uncertainties)
        assert ds.observed.size == int(np.prod(ds.shape)) == ds.n_cells


def test_csi_2017_sums():
    """Release sums in the 6–30 PE, t < 6 μs window (coherent_csi_2017/SOURCES.md, JuliaGehrlein
    /7stats check): coincidence beam-on 547; anticoincidence beam-on 405."""
    ds = load_dataset("coherent_csi_2017")
    assert ds.observable == "PE"
    np.testing.assert_array_equal(ds.bin_edges, np.arange(6.0, 31.0, 2.0))
    assert ds.observed.sum() == 547
    assert ds.backgrounds["steady_state"].sum() == 405
    assert ds.residual.sum() == 142
    assert ds.columns["off_coincidence"].sum() == 209
    assert ds.columns["off_anticoincidence"].sum() == 207
    # prompt neutrons: promptPDF × 7.47594 GWh × acceptance, 6–30 PE
    assert ds.backgrounds["prompt_neutrons"].sum() == pytest.approx(5.4193, abs=1e-3)
    assert ds.background_uncertainties["prompt_neutrons"] == 0.25
    assert ds.signal_uncertainty == 0.28
    assert ds.time_window_us == (0.0, 6.0)
    assert ds.signal_time_fraction["nu_mu"] == 1.0
    assert ds.signal_time_fraction["nu_e"] == pytest.approx(0.91479, abs=1e-5)
    np.testing.assert_array_equal(ds.residual, ds.columns["residual"])


def test_csi_2017_prompt_neutrons_by_hand():
    """First analysis bin (6–8 PE) from the release's promptPDF values at 6.5 and 7.5 PE
    (0.1672490835 and 0.1485182494 per GWh), 7.47594 GWh and the acceptance
    a/(1 + exp(−k(x − x0))) with a = 0.6655, k = 0.4942, x0 = 10.8507 (coherent_parameters.yaml)."""
    a, k, x0 = 0.6655, 0.4942, 10.8507
    acc = [a / (1 + np.exp(-k * (x - x0))) for x in (6.5, 7.5)]
    expected = 7.47594 * (0.1672490835 * acc[0] + 0.1485182494 * acc[1])
    ds = load_dataset("coherent_csi_2017")
    assert ds.backgrounds["prompt_neutrons"][0] == pytest.approx(expected, abs=1e-6)


def test_csi_2017_residual_matches_digitised_fig3():
    ds = load_dataset("coherent_csi_2017", full_range=True)
    assert ds.n_cells == 25
    np.testing.assert_array_equal(ds.bin_edges, np.arange(0.0, 51.0, 2.0))
    np.testing.assert_allclose(ds.residual, FIG3_RESIDUAL, atol=1.1)
    # and on average much better than the digitisation error
    assert np.mean(np.abs(ds.residual - FIG3_RESIDUAL)) < 0.15


def test_lar_2020_sums_and_projection():
    """Sums of the release's 3-D files (coherent_lar_2020/SOURCES.md): data 3752, steady state
    3152, prompt BRN 497, delayed BRN 33, SM CEvNS 128."""
    one = load_dataset("coherent_lar_2020")
    three = load_dataset("coherent_lar_2020_3d")
    assert three.shape == (12, 8, 10)
    np.testing.assert_allclose(three.axes["f90"][[0, -1]], [0.5, 0.9])
    np.testing.assert_allclose(three.axes["t_us"][[0, -1]], [-0.1, 4.9])
    for ds in (one, three):
        np.testing.assert_allclose(ds.bin_edges, np.arange(0.0, 121.0, 10.0))
        assert ds.observed.sum() == 3752
        sums = {k: v.sum() for k, v in ds.backgrounds.items()}
        assert sums == pytest.approx(
            {"steady_state": 3152.0, "prompt_brn": 497.0, "delayed_brn": 33.0}, abs=0.01
        )
        assert ds.reference_signal.sum() == pytest.approx(128.0, abs=1e-3)
        assert ds.background_uncertainties == pytest.approx(
            {"steady_state": 25 / 3152, "prompt_brn": 160 / 497, "delayed_brn": 1.0}, abs=1e-4
        )
        assert ds.signal_uncertainty == pytest.approx(17 / 128, abs=1e-3)
    np.testing.assert_allclose(three.energy_projection(), one.observed)
    for key in one.backgrounds:
        np.testing.assert_allclose(
            three.energy_projection(three.backgrounds[key]), one.backgrounds[key], rtol=1e-5
        )
    # the collaboration's 1-D projection: same cuts (none), steady state at the best fit 3131
    ss_sub = one.observed - one.backgrounds["steady_state"] * 3131 / 3152
    np.testing.assert_allclose(ss_sub, LAR_SS_SUBTRACTED, atol=0.3)
    np.testing.assert_allclose(one.reference_signal[:6] * 159 / 128, LAR_CEVNS_BESTFIT, atol=0.35)


def test_spread_reproduces_released_signal():
    ds = load_dataset("coherent_lar_2020_3d")
    cells = ds.spread(ds.energy_projection(ds.reference_signal))
    np.testing.assert_allclose(cells, ds.reference_signal, atol=1e-4)
    # batched, with explicit time weights normalised to 1
    w = np.full(10, 0.1)
    out = ds.spread(np.ones((3, 12)), w)
    assert out.shape == (3, 960)
    np.testing.assert_allclose(ds.energy_projection(out), np.ones((3, 12)))
    assert load_dataset("coherent_csi_2017").spread([1.0]).tolist() == [1.0]


def test_window_and_bad_input():
    ds = load_dataset("coherent_lar_2020_3d").window(0, 40)
    assert ds.shape == (4, 8, 10) and ds.observed.size == 320
    assert ds.observed.sum() == 1194 + 697 + 419 + 297
    with pytest.raises(CevnsError, match="unknown data set"):
        load_dataset("coherent_csi_2099")
    with pytest.raises(CevnsError, match="no PE bin"):
        load_dataset("coherent_csi_2017").window(100, 200)
    with pytest.raises(CevnsError, match="energy bins"):
        load_dataset("coherent_lar_2020_3d").spread(np.ones(5))
    with pytest.raises(CevnsError, match="background component"):
        load_dataset("coherent_lar_2020").background_array(["neutrinos"])


def test_tables_are_read_only():
    ds = load_dataset("coherent_csi_2017", full_range=True)
    with pytest.raises(ValueError, match="read-only"):
        ds.observed[0] = 1.0
