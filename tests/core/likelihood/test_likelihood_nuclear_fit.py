"""The data fit at a whole nuclear choice (``data_fit(..., nuclear=...)``): the prediction of
a data set is what the experiment preset with that choice counts in the data set's bins — a
second path (``Experiment.observed_counts``, the rate engine with the experiment's own nuclear
options) rather than the likelihood's cached response kernels with options passed in."""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.electroweak import pves_neutron_skin
from cevns_core.likelihood import DataSetLikelihood, Likelihood, data_fit

LAR = "coherent_lar_2020"  # one axis (keVee) with the preset's timing window: cells = bins


def _signal_sm(fit: dict, name: str) -> np.ndarray:
    """Standard-Model signal per bin: the SM projection less its nominal backgrounds (which
    no nuclear choice changes), via the difference of two fits."""
    return fit["datasets"][name]["projections"]["keVee"]["sm"]


@pytest.mark.parametrize(
    "choice",
    [
        {"skin_fm": 0.3},
        {"form_factor": "klein_nystrand"},
        {"form_factor": "symmetrized_fermi", "skin_fm": 0.5, "proton_radius": "charge"},
        {"R_n_fm": {"Ar": 3.6}},
    ],
)
def test_prediction_follows_the_whole_nuclear_choice(choice: dict) -> None:
    default, chosen = data_fit(LAR), data_fit(LAR, nuclear=choice)
    edges = default["datasets"][LAR]["projections"]["keVee"]["edges"]
    preset = cc.experiment(LAR).observed_counts(edges).total
    counted = cc.experiment(LAR, **choice).observed_counts(edges).total
    # the backgrounds at nominal nuisances cancel in the difference: only the signal moves
    np.testing.assert_allclose(
        _signal_sm(chosen, LAR) - _signal_sm(default, LAR), counted - preset, rtol=1e-9, atol=1e-12
    )
    totals = chosen["datasets"][LAR]["totals"]
    assert totals["signal_sm"] == pytest.approx(float(counted.sum()), rel=1e-10)
    # the choice matters: a change of the prediction far above the tolerance (≥ 0.1 %)
    assert abs(totals["signal_sm"] / default["datasets"][LAR]["totals"]["signal_sm"] - 1) > 1e-3


def test_the_review_choice_equals_a_likelihood_built_on_the_review_experiment() -> None:
    # the published-prediction test of test_likelihood_comparison.py builds this likelihood;
    # the keyword route must give the same numbers (COHERENT CsI 2021, arXiv:2110.07730)
    name = "coherent_csi_2021"
    built = Likelihood(
        DataSetLikelihood(name, experiment=cc.experiment(name, **cc.REVIEW_NUCLEAR_CHOICE))
    )
    by_keywords = data_fit(name, nuclear=cc.REVIEW_NUCLEAR_CHOICE)["datasets"][name]
    by_experiment = data_fit(built)["datasets"][name]
    assert by_keywords["totals"]["signal_sm"] == pytest.approx(
        by_experiment["totals"]["signal_sm"], rel=1e-12
    )
    for key in ("PE", "t_us"):
        np.testing.assert_allclose(
            by_keywords["projections"][key]["sm"], by_experiment["projections"][key]["sm"],
            rtol=1e-12,
        )  # fmt: skip


def test_new_physics_and_the_choice_together() -> None:
    physics = cc.StandardModel(sin2_theta_W=0.25)
    fit = data_fit(LAR, physics=physics, nuclear={"skin_fm": 0.3})
    lik = Likelihood(LAR)
    signal = lik.predict(physics, form_factor_params={"skin_fm": 0.3})
    values = {n["name"]: n["value"] for n in fit["nuisances"]}
    best = fit["datasets"][LAR]["totals"]["best_fit"]
    assert best == pytest.approx(float(lik.expected(signal, values).sum()), rel=1e-10)
    # the dashed SM line is at the same nuclear choice
    sm = cc.experiment(LAR, skin_fm=0.3).observed_counts(
        fit["datasets"][LAR]["projections"]["keVee"]["edges"]
    )
    assert fit["datasets"][LAR]["totals"]["signal_sm"] == pytest.approx(
        float(sm.total.sum()), rel=1e-10
    )


def test_pves_terms_take_the_choice_skin_unless_one_is_given() -> None:
    # PREX-II, arXiv:2102.10767: the term vanishes at the skin fitted to its F_W
    skin = pves_neutron_skin("prex2").skin_fm
    assert data_fit(terms=["prex2"], nuclear={"skin_fm": skin})["chi2"] == pytest.approx(
        0.0, abs=1e-6
    )
    by_nucleus = data_fit(terms=["prex2"], nuclear={"skin_fm": {"Pb": skin, "Cs": 0.1}})
    assert by_nucleus["chi2"] == pytest.approx(0.0, abs=1e-6)
    # a nucleus the mapping leaves out: F_n = F_p (skin 0), as without a choice
    other = data_fit(terms=["prex2"], nuclear={"skin_fm": {"Cs": 0.1}})
    assert other["chi2"] == pytest.approx(data_fit(terms=["prex2"])["chi2"], rel=1e-12)
    assert other["terms"][0]["at"] == "neutron skin 0 fm"
    explicit = data_fit(terms=["prex2"], skin_fm=0.0, nuclear={"skin_fm": skin})
    assert explicit["chi2"] == pytest.approx(other["chi2"], rel=1e-12)


def test_a_bad_choice_is_a_clear_error() -> None:
    with pytest.raises(cc.CevnsError, match="unknown nuclear-choice keyword"):
        data_fit(LAR, nuclear={"skin": 0.3})
    with pytest.raises(cc.CevnsError, match="skin_fm"):
        data_fit(LAR, nuclear={"skin_fm": -5.0})
