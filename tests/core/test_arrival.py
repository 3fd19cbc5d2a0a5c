"""The flux split by the flavour it arrives as (cevns_core.arrival)."""

import numpy as np

import cevns_core as cc
from cevns_core.arrival import arrival_kernels
from cevns_core.rates import flux_kernel

T_keV = np.array([0.5, 5.0, 20.0, 40.0])
M = cc.isotope("Cs133").mass_MeV


def test_without_flavour_change_one_kernel_equal_to_the_flux_kernel():
    source = cc.PionDecayAtRest()
    for physics in (None, cc.StandardModel(), cc.NewPhysics(dm2_41_eV2=1.0, Ue4_sq=0.1)):
        ((final, kernel),) = arrival_kernels(source, M, T_keV, "nu_e", physics)
        assert final == "nu_e"
        for got, ref in zip(
            kernel.moments, flux_kernel(source, M, T_keV, "nu_e", physics).moments, strict=True
        ):
            np.testing.assert_array_equal(got, ref)


def test_appearance_kernels_sum_to_the_active_flux():
    # Σ_β P(ν_μ → ν_β) = P(ν_μ → active) (PKK Eq. (63)): the kernels add up to the flux
    # kernel weighted by the active survival probability, each moment
    source = cc.PionDecayAtRest()
    physics = cc.NewPhysics(dm2_41_eV2=2.0, Ue4_sq=0.05, Umu4_sq=0.03, Utau4_sq=0.02)
    kernels = arrival_kernels(source, M, T_keV, "nubar_mu", physics)
    assert [f for f, _ in kernels] == ["nubar_mu", "nubar_e", "nubar_tau"]
    active = flux_kernel(source, M, T_keV, "nubar_mu", physics).moments
    for k in range(3):
        summed = sum(kernel.moments[k] for _, kernel in kernels)
        np.testing.assert_allclose(summed, active[k], rtol=1e-12)
    assert np.all(kernels[1][1].moments[0] > 0)  # ν̄_e appears
