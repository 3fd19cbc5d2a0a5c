"""Registry of external likelihood terms (cevns_core.electroweak.terms)."""

import numpy as np
import pytest

from cevns_core.electroweak import apv, pves
from cevns_core.electroweak.terms import (
    EXTERNAL_TERMS,
    external_chi2,
    external_term,
    external_term_names,
)
from cevns_core.errors import CevnsError


def test_registry_names_and_parameters():
    assert external_term_names() == list(EXTERNAL_TERMS) == ["apv_cs133", "prex2", "crex"]
    t = external_term("apv_cs133")
    assert t.parameters == ("sin2_theta_W", "R_n_Cs133_fm")
    assert t.required == ("sin2_theta_W",)
    assert "¹³³Cs" in t.label and "dzuba2012" in t.label
    assert external_term("prex2").parameters == ("R_n_Pb208_fm",)
    assert external_term("crex").parameters == ("R_n_Ca48_fm",)
    assert "arXiv:2205.11593" in external_term("crex").reference


def test_terms_equal_underlying_functions():
    s = np.linspace(0.23, 0.245, 4)
    np.testing.assert_array_equal(external_term("apv_cs133")(sin2_theta_W=s), apv.apv_chi2(s))
    np.testing.assert_array_equal(
        external_term("apv_cs133", theory="sahoo2021")(sin2_theta_W=s, R_n_Cs133_fm=5.4),
        apv.apv_chi2(s, 5.4, theory="sahoo2021"),
    )
    R = np.linspace(5.5, 6.1, 5)
    np.testing.assert_array_equal(external_term("prex2")(R_n_Pb208_fm=R), pves.prex2_chi2(R))
    np.testing.assert_array_equal(
        external_term("crex", model="helm")(R_n_Ca48_fm=3.6), pves.crex_chi2(3.6, model="helm")
    )


def test_minima_at_the_single_term_determinations():
    # APV alone: minimum at apv_sin2_theta_w; PREX-II alone: at the skin solving F_W = 0.368.
    term = external_term("apv_cs133")
    fit = apv.apv_sin2_theta_w()
    assert float(term(sin2_theta_W=fit.value)) == pytest.approx(0.0, abs=1e-18)
    skin = pves.pves_neutron_skin("prex2").skin_fm
    R_n = 5.5012 + skin  # charge radius of ²⁰⁸Pb (Angeli & Marinova 2013) + skin
    assert float(external_term("prex2")(R_n_Pb208_fm=R_n)) == pytest.approx(0.0, abs=1e-8)


def test_joint_sum_broadcasts_and_routes_parameters():
    s = np.linspace(0.232, 0.244, 7)[:, None]
    R_cs = np.linspace(4.9, 5.8, 5)[None, :]
    total = external_chi2(
        ["apv_cs133", "prex2", "crex"],
        sin2_theta_W=s,
        R_n_Cs133_fm=R_cs,
        R_n_Pb208_fm=5.78,
        R_n_Ca48_fm=3.6,
    )
    assert total.shape == (7, 5)
    expected = apv.apv_chi2(s, R_cs) + pves.prex2_chi2(5.78) + pves.crex_chi2(3.6)
    np.testing.assert_allclose(total, expected, rtol=1e-14)
    loop = np.array(
        [
            [
                float(
                    external_chi2(
                        ["apv_cs133", "prex2"],
                        sin2_theta_W=float(a),
                        R_n_Cs133_fm=float(b),
                        R_n_Pb208_fm=5.78,
                    )
                )
                for b in R_cs[0]
            ]
            for a in s[:, 0]
        ]
    )
    grid = external_chi2(
        ["apv_cs133", "prex2"], sin2_theta_W=s, R_n_Cs133_fm=R_cs, R_n_Pb208_fm=5.78
    )
    np.testing.assert_allclose(grid, loop, rtol=1e-13)


def test_errors():
    with pytest.raises(CevnsError, match="external likelihood term"):
        external_term("qweak")
    with pytest.raises(CevnsError, match="unknown option"):
        external_term("prex2", theory="dzuba2012")
    with pytest.raises(CevnsError, match="APV theory"):
        external_term("apv_cs133", theory="nope")
    with pytest.raises(CevnsError, match="no parameter"):
        external_term("prex2")(R_n_Cs133_fm=5.0)
    with pytest.raises(CevnsError, match="needs sin2_theta_W"):
        external_term("apv_cs133")(R_n_Cs133_fm=5.0)
    with pytest.raises(CevnsError, match="no term depends"):
        external_chi2(["prex2"], R_n_Pb208_fm=5.8, R_n_Ca48_fm=3.6)
