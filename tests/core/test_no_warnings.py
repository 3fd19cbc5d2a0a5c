"""No numpy warning escapes from the core (issue 7, item 4).

1. Every experiment preset: counts, the recoil spectrum from T = 0 to beyond the end point and its
   breakdown, with warnings turned into errors and ``np.errstate(all="raise")``.
2. The extremes of every parameter's bounds (each bound itself, or 10⁻⁹ of the range inside an
   open bound) of the main models — detector, source, quenching, resolution, efficiencies of
   representative presets; every source type; the Standard-Model and new-physics inputs; every
   form-factor model and the neutron skin — one at a time: the result is finite or a
   ``CevnsError`` says why the value cannot be used, and no overflow, division by zero or invalid
   value occurs. Underflow is not an error here: a rate or an efficiency underflowing to 0 at an
   extreme setting (e^{−λt} for t ≫ 1/λ, a 10⁻³⁰⁰ kg detector) is the correct IEEE result, and
   numpy ignores it by default.

With a neutrino magnetic moment dσ/dT ∝ 1/T is +∞ at T = 0 by design
(``tests/core/physics/``): new-physics spectra are evaluated at T > 0.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import param
import pytest

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.form_factors import FORM_FACTOR_MODELS

RAISE_ALL = {"all": "raise"}
RAISE_BUT_UNDERFLOW = {"over": "raise", "divide": "raise", "invalid": "raise", "under": "ignore"}
# one preset per kind of source and detector response, and the parts swept there (the π-DAR
# source once: it is the same model in every COHERENT preset)
ALL_PARTS = ("detector", "source", "quenching", "resolution", "efficiency", "timing_efficiency")
RESPONSE = ("detector", "quenching", "resolution", "efficiency", "timing_efficiency")
SWEPT_PRESETS = {
    "ccm": ALL_PARTS,  # π-DAR flux, keVnr, no response
    "coherent_csi_2017": ALL_PARTS,  # π-DAR fluence, PE, bin-centre efficiency
    "coherent_csi_2021": RESPONSE,  # Gamma smearing, CsI 2021 efficiency, timing efficiency
    "coherent_lar_2020": RESPONSE,  # Gaussian smearing, tabulated efficiency, timing window
    "conus": ALL_PARTS,  # reactor, keVee, Lindhard quenching
    "xenon_1t_floor": ALL_PARTS,  # composite solar + atmospheric + DSNB
}


def _extremes(p: param.Number) -> list[float]:
    lo, hi = p.bounds
    inc_lo, inc_hi = p.inclusive_bounds
    if isinstance(p, param.Integer):
        return [int(lo if inc_lo else lo + 1), int(hi if inc_hi else hi - 1)]
    inside = 1e-9 * (hi - lo)
    return [lo if inc_lo else lo + inside, hi if inc_hi else hi - inside]


def _numbers(obj: Any) -> Iterator[tuple[str, float]]:
    for key, p in obj.param.objects("existing").items():
        if key == "name" or not isinstance(p, param.Number) or p.precedence == -1 or p.constant:
            continue
        for value in _extremes(p):
            yield key, value


def _outcome(label: str, compute: Callable[[], Any], errstate: dict) -> str | None:
    """None when ``compute`` gives finite numbers or raises CevnsError; else what went wrong."""
    try:
        with warnings.catch_warnings(), np.errstate(**errstate):
            warnings.simplefilter("error")
            # the core's own CevnsWarning (a valid result outside an approximation's range,
            # e.g. the moment expansion at large q) is information, not a numerical failure
            warnings.simplefilter("ignore", cc.CevnsWarning)
            values = compute()
    except CevnsError:
        return None
    except Exception as exc:  # a warning turned error, FloatingPointError, anything else
        return f"{label}: {type(exc).__name__}: {exc}"
    arr = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(arr)):
        return f"{label}: non-finite result"
    return None


# ------------------------------------------------------------------------------ presets
@pytest.mark.parametrize("name", cc.experiment_names())
def test_presets_raise_no_floating_point_warning(name):
    exp = cc.experiment(name)
    top = exp.max_recoil_keV()
    T = np.concatenate(([0.0], np.geomspace(top * 1e-6, top, 40), [top * 1.5]))

    def compute():
        counts = exp.counts()
        spectrum = exp.spectrum(T)
        parts = [*spectrum.by_flavour().values(), *spectrum.by_isotope().values()]
        return [counts.total, *counts.by_flavour.values(), *spectrum.total, *np.ravel(parts)]

    problem = _outcome(name, compute, RAISE_ALL)
    assert problem is None, problem


# ------------------------------------------------------------------------------ parameter extremes
def _preset_targets(
    exp: cc.Experiment, parts: tuple[str, ...]
) -> dict[str, Callable[[cc.Experiment], Any]]:
    det = exp.detector
    out: dict[str, Callable[[cc.Experiment], Any]] = {"detector": lambda e: e.detector}
    if "source" in parts:
        out["source"] = lambda e: e.source
    for part in ("quenching", "resolution", "efficiency", "timing_efficiency"):
        if part in parts and getattr(det, part) is not None:
            out[part] = lambda e, part=part: getattr(e.detector, part)
    return out


def _counts(exp: cc.Experiment) -> list[float]:
    """Counts through the full response; 12 observable bins (not 400) when smeared."""
    det = exp.detector
    if det.resolution is None and det.efficiency is None:
        return [exp.counts().total]
    edges = exp.analysis_bins(12)
    return list(exp.observed_counts(np.linspace(edges[0], edges[-1], 13)).total)


@pytest.mark.parametrize("name", list(SWEPT_PRESETS))
def test_detector_and_source_extremes(name):
    base = cc.experiment(name)
    T = np.linspace(0.0, 1.1 * base.max_recoil_keV(), 25)
    problems = []
    for part, get in _preset_targets(base, SWEPT_PRESETS[name]).items():
        for key, value in _numbers(get(base)):
            exp = cc.experiment(name)

            def compute(exp=exp, get=get, key=key, value=value):
                setattr(get(exp), key, value)
                return [*_counts(exp), *exp.recoil_spectrum(T)]

            problems.append(
                _outcome(f"{name}.{part}.{key}={value:g}", compute, RAISE_BUT_UNDERFLOW)
            )
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", [k for k in cc.SOURCE_TYPES if k != "tabulated"])
def test_every_source_type_at_its_extremes(kind):
    cls = cc.SOURCE_TYPES[kind]
    T = np.geomspace(1e-4, 100.0, 20)
    problems = []
    for key, value in _numbers(cls):

        def compute(key=key, value=value):
            source = cls(**{key: value})
            spectrum = cc.recoil_spectrum(source, "Ar", T).total
            return [source.integrated(), *spectrum]

        problems.append(_outcome(f"{kind}.{key}={value:g}", compute, RAISE_BUT_UNDERFLOW))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_physics_extremes():
    T = np.linspace(0.05, 50.0, 20)  # T > 0: a magnetic moment diverges at T = 0 by design
    problems = []
    for cls in (cc.StandardModel, cc.NewPhysics):
        for key, value in _numbers(cls):
            extra = {"dm2_41_eV2": 1.0} if key.endswith("4_sq") else {}

            def compute(cls=cls, key=key, value=value, extra=extra):
                exp = cc.experiment("coherent_csi_2017", physics=cls(**{key: value}, **extra))
                return [exp.counts().total, *exp.recoil_spectrum(T)]

            label = f"{cls.__name__}.{key}={value:g}"
            problems.append(_outcome(label, compute, RAISE_BUT_UNDERFLOW))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("model", list(FORM_FACTOR_MODELS))
def test_form_factor_extremes(model):
    q = np.concatenate(([0.0], np.geomspace(1e-6, 1e3, 30)))
    E, T = np.array([[1.0], [50.0], [300.0]]), np.array([0.0, 0.1, 10.0, 100.0])
    problems = []
    cases = [(key, value) for key, value in _numbers(FORM_FACTOR_MODELS[model])]
    cases += [("skin_fm", -1.0), ("skin_fm", 3.0)]
    for key, value in cases:
        for iso in ("H1", "Ar40", "Pb208"):
            params = {} if key == "skin_fm" else {key: value}

            def compute(key=key, value=value, iso=iso, params=params):
                F = cc.form_factor(model, q, iso, **params)
                xs = cc.differential_cross_section(
                    E, T, iso, form_factor=model, form_factor_params={key: value}
                )
                sigma = cc.total_cross_section(E.ravel(), iso, form_factor=model)
                return [*F, *np.ravel(xs), *sigma]

            def huge(iso=iso, params=params):  # finite, or a CevnsError (moment expansion)
                return cc.form_factor(model, [1e300, np.finfo(float).max], iso, **params)

            label = f"{model}.{key}={value:g} on {iso}"
            problems.append(_outcome(label, compute, RAISE_BUT_UNDERFLOW))
            problems.append(_outcome(label + " at huge q", huge, RAISE_BUT_UNDERFLOW))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_the_extremes_are_inside_the_bounds():
    p = param.Number(1.0, bounds=(0.0, 10.0), inclusive_bounds=(False, True))
    lo, hi = _extremes(p)
    assert 0.0 < lo < 1e-7 and hi == 10.0
    assert math.isclose(_extremes(param.Number(0.0, bounds=(-1.0, 1.0)))[0], -1.0)
