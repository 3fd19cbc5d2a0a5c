"""Input boundaries of the param models (issue 7, item 3).

Every user-facing number of every model has finite, documented bounds; values outside them, NaN,
unknown choices and non-integers raise :class:`CevnsError` both at construction and when assigned
to a built model (``ValidatedParameters``), and a rejected assignment leaves the model unchanged.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil

import numpy as np
import param
import pytest

import cevns_core as cc
from cevns_core._validation import ValidatedParameters
from cevns_core.errors import CevnsError


def _model_classes() -> list[type[param.Parameterized]]:
    found = set()
    for info in pkgutil.walk_packages(cc.__path__, "cevns_core."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, param.Parameterized)
                and obj.__module__.startswith("cevns_core")
                and not obj.__name__.startswith("_")
                and obj is not ValidatedParameters
            ):
                found.add(obj)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


MODEL_CLASSES = _model_classes()


def _instance(cls: type[param.Parameterized]) -> param.Parameterized:
    if cls is cc.TabulatedSource:
        return cc.TabulatedSource(E_MeV=[1.0, 2.0, 3.0], spectra={"nu_e": [1.0, 2.0, 1.0]})
    return cls()


def _numbers(cls):
    for key, p in cls.param.objects("existing").items():
        if key != "name" and isinstance(p, param.Number) and p.precedence != -1:
            yield key, p


def test_the_core_models_are_found_and_validated():
    names = {c.__name__ for c in MODEL_CLASSES}
    assert {"Detector", "NewPhysics", "HelmModel", "PionDecayAtRest", "GaussianResolution"} <= names
    assert all(issubclass(c, ValidatedParameters) for c in MODEL_CLASSES)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
def test_every_parameter_is_documented_and_every_number_bounded(cls):
    for key, p in cls.param.objects("existing").items():
        if key == "name":
            continue
        assert p.doc, f"{cls.__name__}.{key} has no doc"
        if isinstance(p, param.Number):
            lo, hi = p.bounds if p.bounds is not None else (None, None)
            assert lo is not None and hi is not None, f"{cls.__name__}.{key}: bounds {p.bounds}"
            assert math.isfinite(lo) and math.isfinite(hi) and lo < hi


def _outside(p: param.Number) -> list[float]:
    lo, hi = p.bounds
    inc_lo, inc_hi = p.inclusive_bounds
    values = [lo - (abs(lo) + 1.0), hi + (abs(hi) + 1.0)]
    if not inc_lo:
        values.append(lo)
    if not inc_hi:
        values.append(hi)
    return values


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
def test_assigning_bad_values_raises_cevns_error_and_keeps_the_model(cls):
    obj = _instance(cls)
    for key, p in _numbers(cls):
        before = getattr(obj, key)
        bad = [math.nan, math.inf, *_outside(p)]
        if isinstance(p, param.Integer):
            bad.append(1.5)
        for value in bad:
            with pytest.raises(CevnsError, match=key):
                setattr(obj, key, value)
            assert getattr(obj, key) == before or (before is None and getattr(obj, key) is None)
    for key, p in cls.param.objects("existing").items():
        if isinstance(p, param.Selector) and not isinstance(p, param.ListSelector) and p.objects:
            before = getattr(obj, key)
            with pytest.raises(CevnsError, match="choose one of"):
                setattr(obj, key, "surely-not-a-choice")
            assert getattr(obj, key) == before


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
def test_constructor_rejects_values_outside_the_bounds(cls):
    for key, p in _numbers(cls):
        for value in _outside(p)[:2]:
            kwargs = {key: value}
            if cls is cc.TabulatedSource:
                kwargs.update(E_MeV=[1.0, 2.0], spectra={"nu_e": [1.0, 1.0]})
            with pytest.raises(CevnsError):
                cls(**kwargs)


def test_update_is_checked_too():
    det = cc.Detector(material="Ar", mass_kg=10.0)
    with pytest.raises(CevnsError, match=r"mass_kg must lie in \(0, 1e\+09\]"):
        det.param.update(mass_kg=-3.0)
    assert det.mass_kg == 10.0
    det.param.update(mass_kg=20.0)
    assert det.mass_kg == 20.0


def test_new_physics_cross_checks_rerun_after_an_assignment():
    nup = cc.NewPhysics(dm2_41_eV2=1.0, Ue4_sq=0.6)
    T = np.linspace(1.0, 10.0, 5)
    exp = cc.experiment("coherent_csi_2017", physics=nup)
    before = exp.recoil_spectrum(T)
    nup.Umu4_sq = 0.6  # each value in bounds, together not unitary
    with pytest.raises(CevnsError, match="U"):
        exp.recoil_spectrum(T)
    nup.Umu4_sq = 0.0
    np.testing.assert_array_equal(exp.recoil_spectrum(T), before)


def test_form_factor_model_parameters_report_their_bounds():
    from cevns_core.form_factors import FORM_FACTOR_MODELS

    for name in cc.form_factor_models():
        declared = FORM_FACTOR_MODELS[name].param
        for key, info in cc.model_parameters(name).items():
            assert info.doc, (name, key)
            if isinstance(declared[key], param.Number | param.Selector):
                assert info.bounds is not None, (name, key)
