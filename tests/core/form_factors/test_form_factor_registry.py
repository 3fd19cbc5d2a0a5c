"""Tests of cevns_core.form_factors.registry: models by name, parameters, bad input."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import param
import pytest

from cevns_core.errors import CevnsError
from cevns_core.form_factors import (
    FORM_FACTOR_MODELS,
    FormFactorModel,
    HelmModel,
    ParameterInfo,
    form_factor,
    form_factor_model,
    form_factor_models,
    helm_density,
    helm_form_factor,
    helm_R0_from_rms,
    klein_nystrand_R_A_adapted,
    model_parameters,
    register_form_factor,
    symmetrized_fermi_c_from_rms,
    unregister_form_factor,
)


def test_model_parameters_and_registry() -> None:
    assert (
        form_factor_models()
        == list(FORM_FACTOR_MODELS)
        == [
            "helm",
            "symmetrized_fermi",
            "klein_nystrand",
            "klein_nystrand_adapted",
            "harmonic_oscillator",
            "moment_expansion",
            "point",
        ]
    )
    helm = model_parameters("helm")
    assert set(helm) == {"R0_prescription", "s_fm", "a_fm", "rms_fm"}
    assert isinstance(helm["s_fm"], ParameterInfo)
    assert helm["s_fm"].default == 0.9 and helm["s_fm"].bounds == (0.0, 3.0) and helm["s_fm"].doc
    assert helm["R0_prescription"] == (
        "lewin_smith",
        ("lewin_smith", "from_rms"),
        helm["R0_prescription"].doc,
    )
    assert model_parameters("klein_nystrand_adapted")["R_A_prescription"].default == "adapted"
    assert model_parameters("point") == {}
    for name in form_factor_models():
        for info in model_parameters(name).values():
            assert info.doc


def test_bad_inputs() -> None:
    with pytest.raises(CevnsError, match=r"form-factor model.*helm"):
        form_factor("gaussian", 0.1, "Cs133")
    with pytest.raises(CevnsError, match=r"'R0'.*allowed: R0_prescription, a_fm, rms_fm, s_fm"):
        form_factor("helm", 0.1, "Cs133", R0=5.0)
    with pytest.raises(CevnsError, match=r"'A'.*allowed"):  # hidden parameters are not user input
        form_factor("helm", 0.1, "Cs133", A=100)
    with pytest.raises(CevnsError, match=r"q_fm must lie in \[0, inf\], got -0.1"):
        form_factor("helm", [0.1, -0.1], "Cs133")
    with pytest.raises(CevnsError, match="q_fm must be finite"):
        form_factor("helm", np.nan, "Cs133")
    with pytest.raises(CevnsError, match="q_fm must be finite"):
        form_factor("point", np.inf, "Cs133")
    with pytest.raises(CevnsError, match=r"s_fm must lie in \(0, 3\], got 5"):
        form_factor("helm", 0.1, "Cs133", s_fm=5.0)
    with pytest.raises(CevnsError, match=r"s_fm must lie in \(0, 3\], got 0"):
        HelmModel(A=133, s_fm=0.0)
    with pytest.raises(CevnsError, match="R0_prescription"):
        form_factor("helm", 0.1, "Cs133", R0_prescription="guess")
    with pytest.raises(CevnsError, match=r"rms_fm = 1.0 fm is too small for s_fm"):
        helm_R0_from_rms(1.0, 0.9)
    with pytest.raises(CevnsError, match=r"rms_fm.*too small"):
        form_factor("helm", 0.1, "Cs133", rms_fm=1.5)
    with pytest.raises(CevnsError, match=r"rms_fm.*too small"):
        symmetrized_fermi_c_from_rms(0.5, 0.52)
    with pytest.raises(CevnsError, match=r"rms_fm.*too small"):
        klein_nystrand_R_A_adapted(1.0, 0.7)
    with pytest.raises(CevnsError, match="R0_fm"):
        helm_form_factor(0.1, -1.0)
    with pytest.raises(CevnsError, match="r_fm"):
        helm_density(-1.0, 5.0)
    with pytest.raises(CevnsError, match="unknown isotope"):
        form_factor("helm", 0.1, "Cs999")
    with pytest.raises(CevnsError, match="k"):
        form_factor_model("helm", "Cs133").moment(3)
    with pytest.raises(CevnsError, match="b_fm or rms_fm"):
        form_factor_model("harmonic_oscillator", "Cs133", b_fm=2.0, rms_fm=4.0)
    with pytest.raises(CevnsError, match="rms_fm"):
        form_factor_model("helm", "Cs133").with_rms(-1.0)


# ---------------------------------------------------------------------------------------------
# The registry decorator and the models' own labels, units and equations
# ---------------------------------------------------------------------------------------------


def _gaussian_model_class(a_label: str | None = "Width a") -> type[FormFactorModel]:
    """A Gaussian density ρ = (2πa²)^{-3/2} e^{−r²/2a²}: F(q) = e^{−q²a²/2}, ⟨r²⟩ = 3a²."""

    class GaussianTestModel(FormFactorModel):
        label: ClassVar[str] = "Gaussian (test)"
        short_label: ClassVar[str] = "Gauss"
        equation: ClassVar[str] = "F(q) = exp(−q²a²/2)"
        reference: ClassVar[str] = "Fourier transform of a normalised Gaussian"
        parameter_units: ClassVar[dict[str, str]] = {"a_fm": "fm"}

        a_fm = param.Number(1.0, bounds=(0.1, 5.0), label=a_label, doc="Width a in fm.")

        def _form_factor(self, q: np.ndarray) -> np.ndarray:
            return np.exp(-0.5 * (q * self.a_fm) ** 2)

        def _density(self, r: np.ndarray) -> np.ndarray:
            a = self.a_fm
            return np.exp(-0.5 * (r / a) ** 2) / (2.0 * np.pi * a**2) ** 1.5

        def _r_max(self) -> float:
            return 40.0 * self.a_fm

    return GaussianTestModel


def test_registered_model_is_found_by_name_and_removed() -> None:
    cls = register_form_factor("test_gaussian")(_gaussian_model_class())
    try:
        assert cls.model_name == "test_gaussian"
        assert form_factor_models()[-1] == "test_gaussian"
        assert FORM_FACTOR_MODELS["test_gaussian"] is cls
        assert set(model_parameters("test_gaussian")) == {"a_fm"}
        # independent values: e^{−q²a²/2} at qa = 2 is e^{−2}; ⟨r²⟩ = 3a² of a 3-D Gaussian
        F = form_factor("test_gaussian", [0.0, 1.0], "Cs133", a_fm=2.0)
        assert F[0] == 1.0
        assert F[1] == pytest.approx(math.exp(-2.0), rel=1e-15)
        model = form_factor_model("test_gaussian", "Ar40", a_fm=2.0)
        assert isinstance(model, cls)
        assert model.numeric_moment(0) == pytest.approx(1.0, rel=1e-12)
        assert model.moment(2) == pytest.approx(3.0 * 2.0**2, rel=1e-12)
    finally:
        assert unregister_form_factor("test_gaussian") is cls
    assert "test_gaussian" not in form_factor_models()
    assert "test_gaussian" not in FORM_FACTOR_MODELS
    with pytest.raises(CevnsError, match="unknown form-factor model 'test_gaussian'"):
        form_factor("test_gaussian", 0.1, "Cs133")
    with pytest.raises(CevnsError, match="unknown form-factor model 'test_gaussian'"):
        unregister_form_factor("test_gaussian")


def test_registration_refuses_taken_names_and_incomplete_models() -> None:
    before = dict(FORM_FACTOR_MODELS)
    with pytest.raises(CevnsError, match=r"'helm' is already registered \(HelmModel\)"):
        register_form_factor("helm")(_gaussian_model_class())
    register_form_factor("helm")(HelmModel)  # registering the same class again is harmless
    with pytest.raises(TypeError, match="FormFactorModel subclass"):
        register_form_factor("not_a_model")(dict)
    with pytest.raises(CevnsError, match="non-empty registry name"):
        register_form_factor("  ")
    unlabelled = _gaussian_model_class()
    unlabelled.label = ""
    with pytest.raises(CevnsError, match="no label"):
        register_form_factor("test_unlabelled")(unlabelled)
    no_unit = _gaussian_model_class()
    no_unit.parameter_units = {}
    with pytest.raises(CevnsError, match="'a_fm' has no entry in parameter_units"):
        register_form_factor("test_no_unit")(no_unit)

    with pytest.raises(CevnsError, match="'a_fm' has only the automatic label 'A fm'"):
        register_form_factor("test_automatic_label")(_gaussian_model_class(a_label=None))
    assert FORM_FACTOR_MODELS == before
    assert list(FORM_FACTOR_MODELS) == list(before)


@pytest.mark.parametrize("name", form_factor_models())
def test_every_model_carries_its_label_units_and_equation(name: str) -> None:
    cls = FORM_FACTOR_MODELS[name]
    assert cls.model_name == name
    assert cls.label and cls.short_label and cls.reference
    assert cls.equation.startswith("F(q)")
    assert "PHYSICS.md §4" in cls.reference
    assert cls.equation in (cls.__doc__ or "") or name == "klein_nystrand_adapted"
    user = model_parameters(name)
    assert set(cls.parameter_units) == set(user)
    for key in user:
        p = cls.param[key]
        assert p.label and p.label != param.parameterized.label_formatter(key)
        unit = cls.parameter_units[key]
        if isinstance(p, param.Number):
            assert unit, f"{name}.{key} is a number without a unit"
        if key.endswith("_fm"):
            assert unit == "fm"
        if key.endswith(("_fm2", "_fm4", "_fm6")):
            assert unit == "fm" + {"2": "²", "4": "⁴", "6": "⁶"}[key[-1]]
    labels = [FORM_FACTOR_MODELS[m].label for m in form_factor_models()]
    assert len(set(labels)) == len(labels)


_NEW_MODEL_FILE = '''"""A Gaussian density: F(q) = exp(−q²a²/2) (a model added as one file)."""

from typing import ClassVar

import numpy as np
import param

from .base import FormFactorModel
from .registry import register_form_factor

__all__ = ["GaussianToyModel"]


@register_form_factor("gaussian_toy")
class GaussianToyModel(FormFactorModel):
    """ρ = (2πa²)^{-3/2} e^{−r²/2a²}."""

    label: ClassVar[str] = "Gaussian (toy)"
    short_label: ClassVar[str] = "Gauss"
    equation: ClassVar[str] = "F(q) = exp(−q²a²/2)"
    reference: ClassVar[str] = "Fourier transform of a normalised Gaussian"
    parameter_units: ClassVar[dict[str, str]] = {"a_fm": "fm"}
    anchors_on_charge_radius: ClassVar[bool] = False

    a_fm = param.Number(2.0, bounds=(0.1, 5.0), label="Width a", doc="Width a in fm.")

    def _form_factor(self, q):
        return np.exp(-0.5 * (q * self.a_fm) ** 2)

    def _density(self, r):
        a = self.a_fm
        return np.exp(-0.5 * (r / a) ** 2) / (2.0 * np.pi * a**2) ** 1.5

    def _r_max(self):
        return 40.0 * self.a_fm
'''

_USE_NEW_MODEL = """
import json, math
import cevns_core as cc
exp = cc.experiment("coherent_csi_2017", form_factor="gaussian_toy", skin_fm=0.0)
same = cc.Experiment.from_spec(json.loads(json.dumps(exp.to_spec())))
print(json.dumps({
    "models": cc.form_factor_models(),
    "F": cc.form_factor("gaussian_toy", [0.0, 1.0], "Cs133").tolist(),
    "counts": exp.counts().total,
    "rebuilt": same.counts().total,
    "helm": cc.experiment("coherent_csi_2017", skin_fm=0.0).counts().total,
}))
"""


def test_a_new_model_is_one_file_in_the_package(tmp_path) -> None:
    """Extending (README): a model module dropped into ``form_factors/`` — no other edit — is
    registered (listed last), evaluated by name, used by an experiment and kept by its spec.
    Run on a copy of the package in a fresh process."""
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import cevns_core

    package = Path(cevns_core.__file__).parent
    shutil.copytree(package, tmp_path / "cevns_core", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "cevns_core" / "form_factors" / "gaussian_toy.py").write_text(
        _NEW_MODEL_FILE, encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, "-c", _USE_NEW_MODEL],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["models"] == [*form_factor_models(), "gaussian_toy"]
    # independent value: e^{−q²a²/2} at q = 1 fm⁻¹, a = 2 fm is e^{−2}
    assert got["F"][0] == 1.0 and got["F"][1] == pytest.approx(math.exp(-2.0), rel=1e-15)
    assert got["rebuilt"] == got["counts"]
    # a 2 fm Gaussian (rms 3.5 fm) is smaller than Cs/I (rms ≈ 4.8 fm): fewer suppressed events
    assert got["counts"] > got["helm"]
