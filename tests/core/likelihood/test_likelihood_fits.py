"""Named fits of the real data against the published results, Asimov fits, the fitted count."""

import re
from pathlib import Path

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.likelihood import Likelihood, named_results, published_results
from cevns_core.likelihood.published import TOLERANCES
from cevns_core.statistics import CL_1SIGMA


@pytest.fixture(scope="module")
def results():
    return {r["key"]: r for r in named_results()}


def test_every_named_result_within_its_argued_tolerance(results):
    """Each row: ours − published within the tolerance argued in TOLERANCES (published.py)."""
    assert set(results) == set(published_results()) == set(TOLERANCES)
    for key, row in results.items():
        assert abs(row["compared"] - row["published_compared"]) <= TOLERANCES[key][0], key
        assert row["within"]


def test_coherent_fitted_count(results):
    """COHERENT: 306 ± 20 CEvNS events fitted (arXiv:2110.07730; PHYSICS.md §9.9). Our
    interval includes the systematic shape nuisances, so it is wider than ±20 but not twice."""
    ours = results["coherent_csi2021_cevns_count"]["ours"]
    assert ours["value"] == pytest.approx(306, abs=20)
    assert 20 <= ours["minus"] <= 40 and 20 <= ours["plus"] <= 40


def test_cdg_csi_results(results):
    """CDG (quoting Atzori Corona et al., arXiv:2303.09360): R_n(CsI) = 5.47 ± 0.38 fm,
    sin²θ_W = 0.231 +0.027 −0.024 from CsI 2021. Best fits within the published 1σ (argued in
    TOLERANCES) and errors of the same size (the data's statistics dominate): within 30 %."""
    rn = results["cdg_rn_csi"]["ours"]
    assert rn["value"] == pytest.approx(5.47, abs=0.38)
    assert rn["minus"] == pytest.approx(0.38, rel=0.3) and rn["plus"] == pytest.approx(
        0.38, rel=0.3
    )
    s2 = results["cdg_sin2_csi"]["ours"]
    assert s2["value"] == pytest.approx(0.231, abs=0.024)
    assert s2["minus"] == pytest.approx(0.024, rel=0.3) and s2["plus"] == pytest.approx(
        0.027, rel=0.3
    )


def test_cdg_argon_bound(results):
    """CDG: R_n(Ar) < 4.2 fm at 1σ from LAr 2020; ours is an upper bound too (the 1σ interval
    reaches the grid's lower end) within 0.5 fm (TOLERANCES)."""
    row = results["cdg_rn_ar"]
    assert row["ours"]["upper_limit"] == pytest.approx(4.2, abs=0.5)


def test_sensitivities_behind_the_tolerances():
    """The slopes quoted in TOLERANCES: d ln N/dR_n ≈ −0.38 fm⁻¹ for CsI 2021 near 5.5 fm and
    ≈ −0.18 fm⁻¹ for LAr 2020 near 4 fm."""
    for name, (r1, r2), (lo, hi) in (
        ("coherent_csi_2021", (5.3, 5.7), (-0.45, -0.30)),
        ("coherent_lar_2020_3d", (3.5, 4.5), (-0.25, -0.12)),
    ):
        lik = Likelihood(name)
        n1 = lik.predict(form_factor="helm", form_factor_params={"R_n_fm": r1}).sum()
        n2 = lik.predict(form_factor="helm", form_factor_params={"R_n_fm": r2}).sum()
        assert lo < np.log(n2 / n1) / (r2 - r1) < hi


@pytest.mark.parametrize("name", ["coherent_csi_2021", "coherent_csi_2017_2d"])
def test_asimov_fits_recover_the_input(name):
    lik = Likelihood(name)
    truth = lik.predict(form_factor="helm", form_factor_params={"R_n_fm": 5.0})
    asimov = lik.with_observed(lik.expected(truth))
    p = cc.fit_neutron_radius(asimov, grid=np.linspace(4.0, 6.0, 41))
    assert p.best_fit == pytest.approx(5.0, abs=0.01)
    assert p.chi2_min == pytest.approx(0.0, abs=1e-3)
    # Asimov count: the predicted signal itself
    r = cc.fit_signal_count(lik.with_observed(lik.expected(lik.predict())))
    assert r["best_fit"] == pytest.approx(r["predicted"], rel=2e-3)


def test_rn_of_one_nucleus_and_the_spline_check():
    """R_n of Cs alone (I at its charge-radius model) is less constrained than the common R_n;
    the spline interpolation over the grid agrees with direct predictions (checked inside)."""
    common = cc.fit_neutron_radius("coherent_csi_2021")
    cs = cc.fit_neutron_radius("coherent_csi_2021", nuclei=["Cs"])
    assert common.info["interpolated"] and cs.parameter == "R_n_fm[Cs]"
    assert sum(cs.errors(CL_1SIGMA)[1:]) > sum(common.errors(CL_1SIGMA)[1:])
    direct = cc.fit_neutron_radius("coherent_csi_2021", grid=np.linspace(4.5, 6.5, 11))
    assert not direct.info["interpolated"]
    np.testing.assert_allclose(direct.chi2, np.interp(direct.grid, common.grid, common.chi2),
                               atol=0.02)  # fmt: skip


def test_fit_parameter_and_errors_on_likelihood_data():
    p = cc.fit_parameter("mu_nu", "coherent_csi_2021", grid=np.linspace(0.0, 60.0, 13))
    assert 0 < p.upper_limit(0.9) < 60
    with pytest.raises(cc.CevnsError, match="do not apply"):
        cc.fit_sin2_theta_w("coherent_csi_2021", statistic="gaussian")
    with pytest.raises(cc.CevnsError, match="nuclei"):
        cc.fit_neutron_radius("coherent_csi_2017", nuclei=["Cs"])
    with pytest.raises(cc.CevnsError):
        cc.Likelihood(["coherent_csi_2021", "no_such_data"])


_README = Path(__file__).resolve().parents[3] / "README.md"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _close_at_shown_precision(shown: str, value: float) -> bool:
    """``shown`` is ``value`` rounded to the digits it shows (half a unit of the last one)."""
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    return abs(float(shown) - value) <= 0.5 * 10.0**-decimals + 1e-12


def test_readme_table_shows_the_named_results_as_computed(results):
    """The README's table "Our results beside the published ones" is cc.named_results() now:
    one row per result in the same order, our column rounded as shown (catches drift when the
    defaults or the data treatment change)."""
    lines = _README.read_text(encoding="utf-8").splitlines()
    start = lines.index("| result | data | published | ours | tolerance |") + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    assert len(rows) == len(results)
    for cells, (key, row) in zip(rows, results.items(), strict=True):
        assert len(cells) == 5, cells
        ours = row["ours"]
        shown = _NUMBER.findall(cells[3].split("(")[0])
        if "upper_limit" in ours:
            expected = [ours["upper_limit"]]
        elif key == "pkk_rn_csi2017":
            expected = [ours["upper_end"]]
        elif "±" in cells[3]:
            expected = [ours["value"], ours["plus"]]
            assert _close_at_shown_precision(shown[1], ours["minus"]), (key, cells[3])
        else:
            expected = [ours["value"], ours["plus"], ours["minus"]]
        assert len(shown) == len(expected), (key, cells[3])
        for text, value in zip(shown, expected, strict=True):
            assert _close_at_shown_precision(text, value), (key, cells[3], value)
        assert f"±{TOLERANCES[key][0]:g}" in cells[4].replace(" fm", ""), (key, cells[4])
