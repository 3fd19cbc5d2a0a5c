"""Human labels and units live on the core's models (DESIGN §8): every user parameter of the
sources, the detector, the nuclear choice and the response models the dashboard edits has a
label (not param's automatic one), a unit entry, and every source type a title."""

from __future__ import annotations

import param
import pytest

import cevns_core as cc
from cevns_core.flavours import FLAVOUR_LABELS, flavour_label
from cevns_core.quenching import ConstantQuenching, LindhardQuenching
from cevns_core.response import (
    OBSERVABLE_TITLES,
    OBSERVABLES,
    ConstantEfficiency,
    GaussianResolution,
)

#: The source types a person edits parameter by parameter (the rate model of the diffuse
#: background, tabulated and composite sources are built from data, not typed in).
EDITED_SOURCES = [
    cls for key, cls in cc.SOURCE_TYPES.items() if key not in ("dsnb", "tabulated", "composite")
]
MODELS = [
    *EDITED_SOURCES,
    cc.Detector,
    cc.NuclearModel,
    LindhardQuenching,
    ConstantQuenching,
    ConstantEfficiency,
    GaussianResolution,
    cc.StandardModel,
]
#: Parameters that hold data or objects rather than a value a person types (no label needed).
NOT_EDITED = {"sources", "spectra", "E_MeV", "isotope", "model", "model_params", "proton_radius"}
NOT_EDITED |= {"sigma_function", "interpolation", "label", "normalisation", "name"}


def _user_parameters(cls: type[param.Parameterized]) -> list[str]:
    """The parameters the class itself declares (inherited ones are checked on their class)."""
    return [n for n in cls.param if n in vars(cls) and n not in NOT_EDITED]


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_every_user_parameter_has_a_label_and_a_unit(cls):
    for name in _user_parameters(cls):
        p = cls.param[name]
        # declared on purpose: a unit entry ("" for pure numbers and choices) next to the label
        assert "unit" in (p.metadata or {}), f"{cls.__name__}.{name} has no unit entry"
        unit = p.metadata["unit"]
        assert "_" not in unit
        if unit:  # the unit is not left in the label as param's automatic "Mass kg"
            automatic = param.parameterized.label_formatter(name)
            assert p.label != automatic, f"{cls.__name__}.{name}: {p.label!r}"
            assert not p.label.endswith(" " + name.rsplit("_", 1)[-1])


def test_units_follow_the_names():
    # the unit in a parameter's name and its declared unit agree (DESIGN §5)
    assert cc.Detector.param.mass_kg.metadata["unit"] == "kg"
    assert cc.PionDecayAtRest.param.distance_m.metadata["unit"] == "m"
    assert cc.Reactor.param.thermal_power_GW.metadata["unit"] == "GW"
    assert cc.NuclearModel.param.skin_fm.metadata["unit"] == "fm"


def test_source_types_have_titles():
    titles = {key: cls.title for key, cls in cc.SOURCE_TYPES.items()}
    assert all(titles.values()), titles
    assert len(set(titles.values())) == len(titles)
    assert titles["pion_dar"] == "Pion decay at rest (π-DAR)"


def test_flavour_labels_use_subscripts_not_underscores():
    assert set(FLAVOUR_LABELS) == set(cc.FLAVOURS)
    assert all("_" not in label for label in FLAVOUR_LABELS.values())
    assert flavour_label("nu_e") == "νₑ" and flavour_label("nubar_mu") == "ν̄μ"
    assert flavour_label("Total") == "Total"


def test_observables_have_titles():
    assert set(OBSERVABLE_TITLES) == set(OBSERVABLES)
