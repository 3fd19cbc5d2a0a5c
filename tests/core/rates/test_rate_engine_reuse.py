"""The rate engine's reuse of flavour-independent work (issue 7 hot-path fixes).

``recoil_spectrum`` evaluates the source's components, the physics model and the form factors
once per nucleus and shares them between flavours; these tests compare it with the direct route
(one validated configuration, one flux kernel and one set of coefficients per isotope and
flavour, form factors recomputed each time).
"""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.cross_sections import CrossSectionConfig
from cevns_core.form_factors import HelmModel, helm_R0_from_rms, helm_R0_lewin_smith
from cevns_core.form_factors.helm import _helm_R0_cached
from cevns_core.kinematics import E_min_MeV
from cevns_core.nuclei import isotope
from cevns_core.rates import _flux_kernel, flux_kernel, recoil_spectrum
from cevns_core.response import GaussianResolution
from cevns_core.response.smearing import _cdf_differences
from cevns_core.sources.base import gauss_legendre_segments

T_KEV = np.linspace(0.05, 45.0, 37)


def _direct(source, nuclei, physics, form_factor, **options):
    out = {}
    for name, count in nuclei.items():
        nucleus = isotope(name)
        for flavour in source.flavours():
            config = CrossSectionConfig.make(
                nucleus, physics, form_factor, {**options, "flavour": flavour}
            )
            kernel = flux_kernel(source, nucleus.mass_MeV, T_KEV, flavour, config.physics)
            out[(name, flavour)] = count * kernel.integrate(*config.coefficients(T_KEV * 1e-3))
    return out


@pytest.mark.parametrize(
    ("physics", "form_factor", "options"),
    [
        (None, "helm", {}),
        (None, "symmetrized_fermi", {"form_factor_params": {"skin_fm": 0.3}}),
        (cc.StandardModel(couplings="flavour"), "klein_nystrand", {}),
        (cc.NewPhysics(eps_uV_ee=0.2, eps_dV_mumu=-0.1), "helm", {"axial": True}),
        (cc.NewPhysics(zprime_coupling=3e-4, zprime_mass_MeV=20.0), "helm", {}),
        (cc.NewPhysics(mu_nu_e_muB=1e-9, eps_uT_mumu=0.3), "helm", {}),
        (
            cc.NewPhysics(dm2_41_eV2=1.5, Ue4_sq=0.1, Umu4_sq=0.05),
            "helm",
            # the dipole option goes with the reviews' nuclear choice (the default has it)
            {"nucleon_form_factor": "dipole", "form_factor_params": dict(cc.REVIEW_NUCLEAR_CHOICE)},
        ),
    ],
)
def test_spectrum_equals_the_direct_route(physics, form_factor, options):
    exp = cc.experiment("coherent_csi_2017")
    nuclei = exp.detector.targets()
    fast = recoil_spectrum(exp.source, nuclei, T_KEV, physics, form_factor, **options)
    direct = _direct(exp.source, nuclei, physics, form_factor, **options)
    assert fast.parts.keys() == direct.keys()
    for key, values in direct.items():
        np.testing.assert_allclose(fast.parts[key], values, rtol=1e-13, atol=0.0)


def test_shared_form_factors_give_the_same_coefficients():
    config = CrossSectionConfig.make(
        "I127", cc.NewPhysics(eps_uT_ee=0.2), "helm", {"flavour": "nu_e", "axial": True}
    )
    T = T_KEV * 1e-3
    q = np.sqrt(2.0 * config.nucleus.mass_MeV * T + T**2)
    given = config.coefficients(T, form_factors=config.form_factors(q))
    for a, b in zip(given, config.coefficients(T), strict=True):
        np.testing.assert_array_equal(a, b)


def test_cached_helm_radius_matches_the_closed_forms():
    assert _helm_R0_cached("lewin_smith", 133, 0.9, 0.52) == float(helm_R0_lewin_smith(133))
    assert _helm_R0_cached("from_rms", 4.8, 1.0, 0.0) == float(helm_R0_from_rms(4.8, 1.0))
    model = HelmModel(A=40, s_fm=0.8)
    assert model.R0_fm == float(helm_R0_lewin_smith(40, 0.8))
    model.s_fm = 1.1  # a changed parameter is a new cache key, never a stale radius
    assert model.R0_fm == float(helm_R0_lewin_smith(40, 1.1))


def test_impossible_cached_helm_geometry_still_raises():
    with pytest.raises(cc.CevnsError, match="too large"):
        _helm_R0_cached("lewin_smith", 1, 2.9, 0.0)
    with pytest.raises(cc.CevnsError, match="too small"):
        _helm_R0_cached("from_rms", 1.0, 0.9, 0.0)


def test_isotope_lookup_cache_keeps_errors():
    assert isotope("Cs133") is isotope(" Cs133 ")
    for _ in range(2):  # errors are not cached: a bad name raises every time
        with pytest.raises(cc.CevnsError, match="unknown isotope"):
            isotope("Cs999")


def test_pion_dar_components_match_the_validated_michel_spectra():
    from cevns_core.sources.pion_dar import michel_nu_e, michel_nubar_mu

    source = cc.experiment("coherent_csi_2017").source
    E = np.linspace(0.0, 60.0, 61)
    phi = source.line_intensity()
    dens = {c.flavour: c.density for c in source.continua()}
    np.testing.assert_array_equal(dens["nu_e"](E), phi * michel_nu_e(E))
    np.testing.assert_array_equal(dens["nubar_mu"](E), phi * michel_nubar_mu(E))


def _moments_with_all_segments(component, E_low):
    # the pre-issue-7 route: every segment's nodes for every T (zero width below E_min)
    nodes, weights = gauss_legendre_segments(component.edges(), E_low)
    phi_w = weights * component.density(np.clip(nodes, component.E_min_MeV, None))
    inverse = 1.0 / np.where(nodes > 0, nodes, np.inf)
    return [(phi_w * inverse**k).sum(axis=-1) for k in range(3)]


@pytest.mark.parametrize("preset", ["conus", "xenon_1t_floor", "coherent_csi_2017"])
def test_segment_tails_equal_the_per_T_quadrature(preset):
    exp = cc.experiment(preset)
    source = exp.source
    M = isotope(next(iter(exp.detector.targets()))).mass_MeV
    top = exp.max_recoil_keV()
    # below, at and above every edge's T_max, plus T = 0 and beyond the end point
    T = np.concatenate(([0.0], np.linspace(0.0, 1.2 * top, 301)[1:], [2.0 * top]))
    E_low = E_min_MeV(T, M)
    for flavour in source.flavours():
        only = tuple(source.continua(flavour))
        if not only:
            continue
        got = _flux_kernel(source, only, M, T, flavour, None).moments
        want = [
            sum(parts)
            for parts in zip(*(_moments_with_all_segments(c, E_low) for c in only), strict=True)
        ]
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-300)


def test_cdf_on_shared_limits_equals_both_ends():
    res = GaussianResolution(sigma0=0.3, stochastic=0.5)
    a = np.array([0.0, 0.5, 1.0, 2.0, 2.0])
    b = np.array([0.5, 1.0, 2.0, 2.0, 3.5])  # an empty interval and a gap-free chain
    mu = np.linspace(0.0, 4.0, 9)
    tee = np.zeros_like(mu)
    want = res.cdf(b[:, None], mu[None, :], tee[None, :]) - res.cdf(
        a[:, None], mu[None, :], tee[None, :]
    )
    np.testing.assert_array_equal(_cdf_differences(res, a, b, mu, tee), want)
