"""The presets' uniform published block and the comparison with ours (cevns_core.published)."""

from __future__ import annotations

import math

import pytest

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.experiment import Experiment
from cevns_core.published import KINDS, QUANTITIES, published_comparison, published_results


@pytest.mark.parametrize("name", cc.experiment_names())
def test_every_preset_has_a_valid_published_block(name, measurement_presets):
    exp = cc.experiment(name)
    rows = published_results(exp)  # raises on a malformed block
    for row in rows:
        assert row["quantity"] in QUANTITIES and row["kind"] in KINDS
        assert row["unit"] == QUANTITIES[row["quantity"]]
        assert math.isfinite(row["value"])
    if name in measurement_presets:
        assert rows, f"{name}: no published numbers"
        assert exp.published["reference"]
        assert all(r["source"] for r in rows), f"{name}: an entry without its source"
        # every measurement cites its arXiv paper, except νGeN whose only source here is a JINR
        # seminar abstract (the preset says so)
        cited = "arXiv" in exp.reference or "arXiv" in exp.published["reference"]
        assert cited or (name == "nugen_2025" and "seminar" in exp.reference)


def test_legacy_summary_keys_become_entries():
    # CsI 2021: 341 ± 11 (th) ± 42 (exp) predicted → one entry with √(11² + 42²) = 43.4
    rows = published_results("coherent_csi_2021")
    pred = next(r for r in rows if r["kind"] == "predicted")
    assert pred["value"] == 341 and pred["uncertainty"] == pytest.approx([43.42, 43.42], abs=0.01)
    meas = next(r for r in rows if r["kind"] == "measured")
    assert (meas["value"], meas["uncertainty"]) == (306, [20.0, 20.0])
    flux = published_results("dresden_ii")
    assert flux[0]["quantity"] == "flux_cm2_s" and flux[0]["value"] == 4.8e13


def test_summary_keys_agree_with_the_results_entries(measurement_presets):
    # Presets that keep the summary keys for the current views must say the same as 'results'.
    for name in measurement_presets:
        pub = cc.experiment(name).published
        for key, kind in (("predicted", "predicted"), ("observed", "measured")):
            if key not in pub:
                continue
            entry = next(
                r for r in pub["results"] if r["quantity"] == "cevns_events" and r["kind"] == kind
            )
            assert pub[key] == pytest.approx(entry["value"], rel=0.01), name


def test_comparison_adds_our_numbers():
    c = published_comparison("xenonnt_b8_2024")
    assert c["counts"] == pytest.approx(12.0, rel=0.01)
    rows = {(r["quantity"], r["kind"]): r for r in c["results"]}
    flux = rows[("flux_cm2_s", "input")]
    assert flux["ours"] == pytest.approx(5.25e6) and flux["ratio"] == pytest.approx(1.0)
    exposure = rows[("exposure_t_yr", "input")]
    assert exposure["ours"] == pytest.approx(3.517, abs=1e-3)
    assert rows[("observed_events", "observed")]["ours"] is None
    fast = published_comparison("conus_2024", with_counts=False)
    assert fast["counts"] is None
    rate = next(r for r in fast["results"] if r["quantity"] == "cevns_rate_per_kg_day")
    assert rate["ours"] is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"quantity": "events", "kind": "predicted", "value": 1}, "quantity 'events'"),
        ({"quantity": "cevns_events", "kind": "guess", "value": 1}, "kind 'guess'"),
        ({"quantity": "cevns_events", "kind": "predicted", "value": "1"}, "finite number"),
        ({"quantity": "cevns_events", "kind": "predicted", "value": 1, "uncertainty": -1}, "≥ 0"),
        ({"quantity": "cevns_events", "kind": "predicted", "value": 1, "unit": "kg"}, "unit"),
        (
            {"quantity": "cevns_events", "kind": "predicted", "value": 1, "note": "x"},
            "unknown field",
        ),
    ],
)
def test_malformed_entries_are_refused(entry, message):
    exp = cc.experiment("conus")
    bad = Experiment(
        name="bad",
        source=exp.source,
        detector=exp.detector,
        published={"reference": "x", "results": [entry]},
    )
    with pytest.raises(CevnsError, match=message):
        published_results(bad)


def test_signal_uncertainty_published_or_the_stated_default():
    # COHERENT CsI 2017 (Akimov et al., Science 357 (2017) 1123): 173 ± 48 predicted events
    assert cc.signal_uncertainty("coherent_csi_2017") == pytest.approx(48 / 173, rel=1e-3)
    # a preset without a published prediction uncertainty gets the default 10 % (the flux
    # normalisation of the stopped-pion measurements), or what the caller states
    from cevns_core.published import DEFAULT_SIGNAL_UNCERTAINTY

    assert DEFAULT_SIGNAL_UNCERTAINTY == 0.10
    assert cc.signal_uncertainty("connie") == 0.10
    assert cc.signal_uncertainty("connie", default=0.0) == 0.0
    assert cc.signal_uncertainty("coherent_csi_2017", default=0.0) == pytest.approx(48 / 173, 1e-3)
    with pytest.raises(CevnsError, match="default"):
        cc.signal_uncertainty("connie", default=-0.1)
