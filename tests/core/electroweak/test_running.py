"""Running of sin²θ_W and the measurement table (cevns_core.electroweak.running)."""

import itertools
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from cevns_core.electroweak import running
from cevns_core.electroweak.apv import apv_sin2_theta_w
from cevns_core.errors import CevnsError
from cevns_core.units import ALPHA, SW2_LOW, SW2_MZ


def test_anchor_and_calibration():
    # Inputs: ŝ²(M_Z) = 0.23122 and α̂(M_Z)⁻¹ = 127.952 (PDG electroweak review); the light-quark
    # threshold is fixed by α(0) = 1/137.035999 (CODATA).
    assert float(running.sin2_theta_w_msbar(running.RUNNING_INPUTS["M_Z"])) == pytest.approx(
        SW2_MZ, abs=1e-12
    )
    assert 1 / float(running.alpha_msbar(running.RUNNING_INPUTS["M_Z"])) == pytest.approx(
        127.952, abs=1e-9
    )
    assert float(running.alpha_msbar(0.0)) == pytest.approx(ALPHA, rel=1e-10)
    m_light = running._calibrated()[0]
    assert 0.03 < m_light < 0.3  # a hadronic scale (GeV), not a tuned artefact


def test_low_energy_limit_against_published():
    # sin²θ̂_W(0) = 0.23857(5) (PDG 2018–2020, package SW2_LOW) and 0.23868(5) (Erler &
    # Ferro-Hernández, JHEP 03 (2018) 196; PHYSICS.md §1.3). This leading-log curve (one loop,
    # single light-quark threshold) is accurate to ±3×10⁻⁴ (module doc).
    s0 = float(running.sin2_theta_w_msbar(0.0))
    assert s0 == pytest.approx(SW2_LOW, abs=3e-4)
    assert s0 == pytest.approx(0.23868, abs=3e-4)
    # Below the electron threshold nothing runs.
    assert float(running.sin2_theta_w_msbar(1e-5)) == s0


def test_closed_form_against_numerical_integration():
    # Second method: integrate dα̂⁻¹/dln μ = −b_em/2π, dŝ²/dln μ = (α̂/2π)(ŝ² b_em − b_2) with the
    # same particle content interval by interval from just below M_W down to 10 MeV.
    _, fermions, nodes = running._calibrated()
    M_W = running.RUNNING_INPUTS["M_W"]
    marks = sorted(m for m in nodes if 0.01 <= m <= M_W)[::-1]
    y = list(nodes[M_W])
    for hi, lo in itertools.pairwise(marks):
        b_em, b_2 = running._coefficients(math.sqrt(hi * lo), fermions)

        def rhs(t, v, b_em=b_em, b_2=b_2):
            a_inv, s2 = v
            return [-b_em / (2 * math.pi), (s2 * b_em - b_2) / (2 * math.pi * a_inv)]

        sol = solve_ivp(rhs, (math.log(hi), math.log(lo)), y, rtol=1e-12, atol=1e-14)
        y = list(sol.y[:, -1])
        assert y[1] == pytest.approx(float(running.sin2_theta_w_msbar(lo)), abs=1e-10)
        assert 1 / y[0] == pytest.approx(float(running.alpha_msbar(lo)), rel=1e-10)


def test_above_mz_agrees_with_gauge_couplings():
    # Above m_t the SM one-loop β functions of g′ and g (b₁ = 41/6, b₂ = −19/6) give
    # ŝ² = α₂⁻¹/(α₁⁻¹ + α₂⁻¹): an independent closed form.
    mu0 = running.RUNNING_INPUTS["m_t"]
    a_inv0 = 1 / float(running.alpha_msbar(mu0))
    s0 = float(running.sin2_theta_w_msbar(mu0))
    a2, a1 = s0 * a_inv0, (1 - s0) * a_inv0
    mu = np.array([300.0, 1e3, 1e4])
    L = np.log(mu / mu0)
    a1_mu = a1 - 41 / 6 / (2 * math.pi) * L
    a2_mu = a2 + 19 / 6 / (2 * math.pi) * L
    np.testing.assert_allclose(running.sin2_theta_w_msbar(mu), a2_mu / (a1_mu + a2_mu), rtol=1e-12)


def test_shape_as_in_cdg_fig5():
    # Minimum near M_W, rising towards low energy and towards high energy (CDG Fig. 5 / PDG).
    mu = np.geomspace(1e-3, 1e4, 300)
    s2 = running.sin2_theta_w_msbar(mu)
    M_W = running.RUNNING_INPUTS["M_W"]
    assert np.all(np.diff(s2[mu < M_W]) <= 0)
    assert np.all(np.diff(s2[mu > M_W]) >= 0)
    assert mu[np.argmin(s2)] == pytest.approx(M_W, rel=0.05)


def test_curve_helper_and_vectorisation():
    mu, s2 = running.running_curve(1e-3, 1e4, 50)
    assert mu.shape == s2.shape == (50,)
    np.testing.assert_allclose(s2, [float(running.sin2_theta_w_msbar(m)) for m in mu], rtol=1e-14)
    grid = running.sin2_theta_w_msbar(mu.reshape(5, 10))
    assert grid.shape == (5, 10)
    with pytest.raises(CevnsError, match="mu_GeV"):
        running.sin2_theta_w_msbar(-1.0)
    with pytest.raises(CevnsError, match="n must be"):
        running.running_curve(n=1)


def test_measurement_table_as_published():
    rows = {r["key"]: r for r in running.sin2_theta_w_measurements()}
    # E158, PRL 95 (2005) 081601 (abstract): 0.2397 ± 0.0010 ± 0.0008 at Q² = 0.026 GeV².
    assert rows["e158"]["value"] == 0.2397
    assert rows["e158"]["err_plus"] == pytest.approx(math.hypot(0.0010, 0.0008), abs=5e-5)
    assert rows["e158"]["mu_GeV"] == pytest.approx(math.sqrt(0.026), abs=1e-3)
    # NuTeV, PRL 88 (2002) 091802 (abstract): on-shell 0.2277 ± 0.0013 ± 0.0009.
    assert rows["nutev"]["value"] == 0.2277
    assert rows["nutev"]["scheme"] == "on_shell"
    # CDG text (Cadeddu, Dordei & Giunti 2023), from Atzori Corona et al. arXiv:2303.09360.
    assert (rows["coherent_csi_2022"]["value"], rows["coherent_csi_2022"]["err_plus"]) == (
        0.231,
        0.027,
    )
    assert rows["coherent_apv"]["value"] == 0.2398
    assert rows["coherent_apv_rn_free"]["value"] == 0.2423
    for r in rows.values():
        assert 0.2 < r["value"] < 0.26
        assert r["err_minus"] > 0 and r["err_plus"] > 0 and r["mu_GeV"] > 0
        assert r["reference"]


def test_measurement_points_on_msbar_footing():
    pts = {p["key"]: p for p in running.measurement_points()}
    # Z-pole effective angles sit 0.00031 above ŝ²_Z (LEP/SLD 0.23153 ↔ PDG 0.23122).
    assert pts["lep_sld"]["value"] == pytest.approx(0.23122, abs=1e-9)
    assert pts["z_pole_msbar"]["value"] == 0.23122
    # NuTeV's on-shell excess over the SM (≈ +0.0045) stays an excess over the curve.
    excess = pts["nutev"]["value"] - float(running.sin2_theta_w_msbar(pts["nutev"]["mu_GeV"]))
    assert 0.003 < excess < 0.006
    colliders = running.measurement_points(groups=["collider"])
    assert {p["group"] for p in colliders} == {"collider"}


def test_workbench_points():
    pts = running.workbench_points()
    assert [p["key"] for p in pts] == [
        "workbench_apv_dzuba2012",
        "workbench_apv_sahoo2021",
        "workbench_apv_porsev2010",
    ]
    assert pts[0]["value"] == apv_sin2_theta_w("dzuba2012").value
    assert all(p["mu_GeV"] == running.APV_MOMENTUM_GeV for p in pts)


def test_workbench_cevns_point():
    # The CsI 2017 fit (PKK Eq. (31): 0.197 +0.128 −0.080 at 90 % CL) drawn at the signal-averaged
    # momentum transfer, a few tens of MeV for CsI at a π-DAR source (PHYSICS §11 R7: q(10 keV) =
    # 49.75 MeV).
    (pt,) = running.workbench_points(apv_theories=(), cevns_datasets=("coherent_csi_2017",))
    assert 0.02 < pt["mu_GeV"] < 0.08
    assert 0.197 - 0.080 < pt["value"] < 0.197 + 0.128
    assert pt["err_minus"] > 0 and pt["err_plus"] > 0


def test_workbench_point_of_an_energy_time_data_set():
    # CsI 2021 is fitted with its Poisson energy × time likelihood; CDG (ref. [21],
    # arXiv:2303.09360) find sin²θ_W = 0.231 +0.027 −0.024 from the same data.
    (pt,) = running.workbench_points(apv_theories=(), cevns_datasets=("coherent_csi_2021",))
    assert 0.231 - 0.024 < pt["value"] < 0.231 + 0.027
    assert 0.02 < pt["mu_GeV"] < 0.08
    assert "coherent_csi_2021" not in pt["label"] and "CsI" in pt["label"]
    apv = running.workbench_points(apv_theories=("dzuba2012",))[0]
    assert "Dzuba et al. 2012" in apv["label"]
