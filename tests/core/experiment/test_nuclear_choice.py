"""The nuclear-choice keywords of an experiment: ``proton_radius`` as a keyword, so that
``experiment(name, **REVIEW_NUCLEAR_CHOICE)`` works and gives the counts of the existing route
(``form_factor_params``); the spec round trip keeps it."""

from __future__ import annotations

import pytest

import cevns_core as cc
from cevns_core.experiment.nuclear_choice import fold_proton_radius


@pytest.mark.parametrize("name", ["coherent_csi_2017", "coherent_lar_2020"])
def test_review_choice_as_keywords_equals_form_factor_params(name: str) -> None:
    keywords = cc.experiment(name, **cc.REVIEW_NUCLEAR_CHOICE)
    nested = cc.experiment(name, form_factor_params=dict(cc.REVIEW_NUCLEAR_CHOICE))
    assert keywords.form_factor_params == {"proton_radius": "charge"}
    assert keywords.skin_fm == 0.0
    # one computation, two spellings: the same number to the last bit
    assert keywords.counts().total == nested.counts().total
    # the choice matters (F_n = F_p with the charge-radius Helm vs the default skin systematics)
    assert keywords.counts().total != cc.experiment(name).counts().total


def test_experiment_constructor_and_copy_take_proton_radius() -> None:
    base = cc.experiment("coherent_csi_2017")
    built = cc.Experiment(
        source=base.source,
        detector=base.detector,
        form_factor_params={"s_fm": 0.9},
        proton_radius="point",
    )
    assert built.form_factor_params == {"s_fm": 0.9, "proton_radius": "point"}
    copied = base.copy(proton_radius="charge", skin_fm=0.0)
    reference = cc.experiment("coherent_csi_2017", **cc.REVIEW_NUCLEAR_CHOICE)
    assert copied.counts().total == reference.counts().total


def test_spec_round_trip_keeps_the_proton_radius() -> None:
    exp = cc.experiment("coherent_csi_2017", **cc.REVIEW_NUCLEAR_CHOICE)
    spec = exp.to_spec()
    back = cc.Experiment.from_spec(spec)
    assert back.to_spec() == spec
    assert back.counts().total == exp.counts().total


def test_bad_proton_radius_is_a_clear_error() -> None:
    with pytest.raises(cc.CevnsError, match=r"proton_radius 'bogus'.*measured, charge, point"):
        cc.experiment("coherent_csi_2017", proton_radius="bogus")
    with pytest.raises(cc.CevnsError, match="form_factor_params must be a mapping"):
        fold_proton_radius({"proton_radius": "charge", "form_factor_params": 3})


def test_fold_leaves_other_keywords_alone() -> None:
    assert fold_proton_radius({"skin_fm": 0.1}) == {"skin_fm": 0.1}
    folded = fold_proton_radius({"proton_radius": "measured"}, {"s_fm": 0.9})
    assert folded == {"form_factor_params": {"s_fm": 0.9, "proton_radius": "measured"}}


def test_prediction_options_of_a_whole_choice() -> None:
    from cevns_core.experiment.nuclear_choice import prediction_options

    assert prediction_options(None) == {} and prediction_options({}) == {}
    # None is the default (skin systematics): left out, so the experiment's own choice stays
    assert prediction_options({"skin_fm": None, "R_n_fm": None}) == {}
    options = prediction_options(
        {"form_factor": "klein_nystrand", "skin_fm": {"Cs": 0.3}, "proton_radius": "point"}
    )
    assert options == {
        "form_factor": "klein_nystrand",
        "form_factor_params": {"proton_radius": "point", "skin_fm": {"Cs": 0.3}},
    }
    with pytest.raises(cc.CevnsError, match="unknown nuclear-choice keyword"):
        prediction_options({"skin": 0.3})
    with pytest.raises(cc.CevnsError, match="form_factor"):
        prediction_options({"form_factor": "gaussian_blob"})
    with pytest.raises(cc.CevnsError, match="skin_fm"):
        prediction_options({"skin_fm": 9.0})
    with pytest.raises(cc.CevnsError, match="proton_radius"):
        prediction_options({"proton_radius": "huge"})
