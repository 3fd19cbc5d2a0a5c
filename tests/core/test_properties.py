"""Property-based tests of the public core functions (issue 7, item 2; hypothesis).

Random valid inputs give finite, non-negative (where physical) results of the broadcast shape;
identities hold (F(0) = 1, |F| ≤ 1 for a normalised density, σ(E) increasing, dσ/dT = 0 above
T_max, per-flavour and per-isotope parts summing to the total, the spectrum's integral equal to the
counts); random invalid inputs raise ``CevnsError`` with a message — never a NaN/inf result or
another exception type. Example counts are tuned so the file runs in a few seconds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.kinematics import T_max_keV
from cevns_core.rates import recoil_quadrature

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ISOTOPES = [i.name for i in cc.natural_isotopes() if i.charge_radius_fm is not None]
TARGETS = ["Cs133", "I127", "Ar40", "Ge72", "Xe132", "Na23", "Si28", "Pb208", "C12", "H1", "O16"]
DENSITY_MODELS = [m for m in cc.form_factor_models() if m != "moment_expansion"]
# presets whose counts are the plain integral of dN/dT over the recoil window
SMOOTH_PRESETS = ["ccm", "coherent_ge", "coherent_nai", "conus", "red100", "nucleus"]

finite = st.floats(allow_nan=False, allow_infinity=False)


def q_arrays(max_q: float = 20.0):
    return arrays(
        np.float64,
        array_shapes(max_dims=2, max_side=6),
        elements=st.floats(0.0, max_q, allow_nan=False, allow_infinity=False),
    )


def _clean(values, *, nonnegative: bool = True) -> None:
    values = np.asarray(values)
    assert np.all(np.isfinite(values))
    if nonnegative:
        assert np.all(values >= 0.0)


# ------------------------------------------------------------------------------ form factors
@FAST
@given(model=st.sampled_from(DENSITY_MODELS), iso=st.sampled_from(ISOTOPES), q=q_arrays())
def test_form_factor_is_finite_bounded_and_one_at_zero(model, iso, q):
    try:
        cc.form_factor_model(model, iso)
    except CevnsError:  # e.g. an adapted radius impossible for a very light nucleus
        reject()
    F = cc.form_factor(model, q, iso)
    assert F.shape == q.shape
    _clean(F, nonnegative=False)
    assert np.all(np.abs(F) <= 1.0 + 1e-12)  # |∫ρ j₀| ≤ ∫ρ = 1 for a normalised density ρ ≥ 0
    assert float(cc.form_factor(model, 0.0, iso)) == pytest.approx(1.0, abs=1e-12)


@FAST
@given(
    iso=st.sampled_from(TARGETS),
    skin=st.floats(-0.5, 1.5),
    q=q_arrays(5.0),
)
def test_weak_form_factor_is_finite_and_one_at_zero(iso, skin, q):
    F = cc.weak_form_factor(q, iso, skin_fm=skin)
    assert F.shape == q.shape
    _clean(F, nonnegative=False)
    assert float(cc.weak_form_factor(0.0, iso, skin_fm=skin)) == pytest.approx(1.0, abs=1e-12)


@FAST
@given(
    model=st.sampled_from(["helm", "symmetrized_fermi", "klein_nystrand"]),
    iso=st.sampled_from(TARGETS),
    q=st.floats(1e-3, 0.3),
)
def test_form_factor_decreases_from_one_below_the_first_zero(model, iso, q):
    F1, F2 = cc.form_factor(model, [q, 1.05 * q], iso)
    assert 1.0 > F1 > F2


# ------------------------------------------------------------------------------ cross sections
@FAST
@given(
    iso=st.sampled_from(TARGETS),
    E=arrays(np.float64, st.integers(1, 5), elements=st.floats(0.1, 300.0)),
    T=arrays(np.float64, st.integers(1, 4), elements=st.floats(0.0, 500.0)),
    model=st.sampled_from(["helm", "klein_nystrand", "point"]),
)
def test_differential_cross_section_broadcasts_and_vanishes_above_T_max(iso, E, T, model):
    M = cc.isotope(iso).mass_MeV
    top = T_max_keV(E, M)
    assume(np.any(T[None, :] <= top[:, None]))
    d = cc.differential_cross_section(E[:, None], T[None, :], iso, form_factor=model)
    assert d.shape == (E.size, T.size)
    _clean(d)
    assert np.all(d[T[None, :] > top[:, None] * (1 + 1e-12)] == 0.0)


@FAST
@given(
    iso=st.sampled_from(TARGETS),
    E=st.lists(st.floats(0.5, 150.0), min_size=2, max_size=8, unique=True),
    eps_u=st.floats(-0.5, 0.5),
)
def test_total_cross_section_is_positive_and_increasing(iso, E, eps_u):
    E = np.sort(np.array(E))
    assume(np.all(np.diff(E) > 1e-6 * E[1:]))
    physics = cc.NewPhysics(eps_uV_ee=eps_u, eps_uV_mumu=eps_u, eps_uV_tautau=eps_u)
    for phys in (None, physics):
        sigma = cc.total_cross_section(E, iso, phys)
        assert sigma.shape == E.shape
        _clean(sigma)
        # the integrand grows with E at every T and T_max grows: σ(E) increases everywhere,
        # in particular below the form-factor turnover
        assert np.all(np.diff(sigma) >= -1e-12 * sigma[1:])


@SLOW
@given(preset=st.sampled_from(cc.experiment_names()), target=st.sampled_from(TARGETS))
def test_flux_averaged_cross_section_is_finite(preset, target):
    source = cc.experiment(preset).source
    value = cc.flux_averaged_cross_section(source, target)
    assert math.isfinite(value) and value >= 0.0


# ------------------------------------------------------------------------------ spectra, counts
@SLOW
@given(
    preset=st.sampled_from(cc.experiment_names()),
    fractions=st.lists(st.floats(0.0, 1.2), min_size=1, max_size=30),
)
def test_spectrum_is_finite_and_its_parts_sum_to_the_total(preset, fractions):
    exp = cc.experiment(preset)
    T = np.array(fractions) * exp.max_recoil_keV()
    spectrum = exp.spectrum(T)
    total = spectrum.total
    assert total.shape == T.shape
    _clean(total)
    assert np.all(total[T > exp.max_recoil_keV() * (1 + 1e-9)] == 0.0)
    for parts in (spectrum.by_flavour(), spectrum.by_isotope()):
        np.testing.assert_allclose(np.sum(list(parts.values()), axis=0), total, rtol=1e-12)
    np.testing.assert_allclose(exp.recoil_spectrum(T), total, rtol=1e-12)


@SLOW
@given(preset=st.sampled_from(SMOOTH_PRESETS), shift=st.floats(0.0, 0.6))
def test_spectrum_integral_equals_counts(preset, shift):
    exp = cc.experiment(preset)
    det = exp.detector
    T_lo = det.threshold_recoil_keV()
    # move the threshold up by a random fraction of the way to the end point (keVnr thresholds)
    if det.threshold_unit == "keVnr":
        det.threshold = T_lo + shift * (exp.max_recoil_keV() - T_lo)
        T_lo = det.threshold_recoil_keV()
    counts = exp.counts()
    assert counts.total == pytest.approx(sum(counts.by_flavour.values()), rel=1e-12)
    assert counts.total == pytest.approx(sum(counts.by_isotope.values()), rel=1e-12)
    integral = 0.0
    for name in det.targets():
        M = cc.isotope(name).mass_MeV
        T, w = recoil_quadrature(exp.source, M, T_lo, det.upper_limit_recoil_keV(), 48)
        if T.size:
            parts = exp.spectrum(T).by_isotope()
            integral += float(np.sum(w * parts[name]))
    assert integral == pytest.approx(counts.total, rel=1e-6)
    _clean(counts.total)


# ------------------------------------------------------------------------------ invalid input
bad_numbers = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -1.0, -1e-300, "one", None, [1.0, math.nan]]),
    st.floats(max_value=-1e-300, allow_nan=False),
)


def _raises_cevns_error(call) -> None:
    try:
        result = call()
    except CevnsError as exc:
        assert str(exc).strip()
        return
    raise AssertionError(f"no CevnsError; got {result!r}")


@FAST
@given(q=bad_numbers, model=st.sampled_from(cc.form_factor_models()))
def test_bad_momenta_raise(q, model):
    _raises_cevns_error(lambda: cc.form_factor(model, q, "Cs133"))


@FAST
@given(
    E=st.one_of(bad_numbers, st.just(0.0)),
    T=st.one_of(st.floats(0.0, 10.0), bad_numbers),
)
def test_bad_energies_raise(E, T):
    _raises_cevns_error(lambda: cc.differential_cross_section(E, T, "Ar40"))
    _raises_cevns_error(lambda: cc.total_cross_section(E, "Ar40"))


@FAST
@given(name=st.text(max_size=12))
def test_random_names_give_an_isotope_or_a_cevns_error(name):
    for lookup in (cc.isotope, cc.material):
        try:
            result = lookup(name)
        except CevnsError as exc:
            assert str(exc).strip()
        else:
            assert result is not None


@FAST
@given(
    key=st.sampled_from(["eps_uV_ee", "zprime_coupling", "zprime_mass_MeV", "Ue4_sq", "r2_e_cm2"]),
    value=st.one_of(
        st.sampled_from([math.nan, math.inf, -math.inf, "one", [1.0, 2.0]]),
        st.floats(allow_nan=False).filter(lambda v: abs(v) > 1e7),
    ),
)
def test_bad_new_physics_raises(key, value):
    _raises_cevns_error(lambda: cc.NewPhysics(**{key: value}))
    model = cc.NewPhysics()
    _raises_cevns_error(lambda: setattr(model, key, value))


@FAST
@given(
    T=st.one_of(
        bad_numbers,
        arrays(np.float64, st.integers(1, 4), elements=st.sampled_from([math.nan, -1.0, 1.0])),
    )
)
def test_bad_recoil_energies_for_a_spectrum_raise(T):
    assume(not (isinstance(T, np.ndarray) and np.all(T == 1.0)))
    exp = cc.experiment("coherent_csi_2017")
    _raises_cevns_error(lambda: exp.recoil_spectrum(T))


@FAST
@given(
    key=st.sampled_from(["mass_kg", "threshold", "live_time_days", "light_yield_PE_per_keVee"]),
    value=st.one_of(bad_numbers.filter(lambda v: v is not None), st.floats(1e10, 1e300)),
)
def test_bad_detector_settings_raise(key, value):
    _raises_cevns_error(lambda: cc.Detector(**{key: value}))
