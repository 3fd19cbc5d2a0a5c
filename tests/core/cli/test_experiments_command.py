"""`cevns experiments --json`: each preset's published numbers beside ours."""

from __future__ import annotations

import json

import pytest

import cevns_core as cc
from cevns_core.cli import main


def test_experiments_json_shows_published_and_ours(capsys):
    status = main(
        [
            "experiments",
            "--json",
            "--experiment",
            "conus_plus_2025",
            "--experiment",
            "xenonnt_b8_2024",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    rows = {row["name"]: row for row in json.loads(out)}
    assert set(rows) == {"conus_plus_2025", "xenonnt_b8_2024"}
    conus = rows["conus_plus_2025"]
    assert conus["expected_events"] == pytest.approx(
        cc.experiment("conus_plus_2025").counts().total
    )
    predicted = next(r for r in conus["published"]["results"] if r["kind"] == "predicted")
    assert predicted["value"] == 347 and predicted["ours"] == pytest.approx(
        conus["expected_events"]
    )
    assert predicted["ratio"] == pytest.approx(conus["expected_events"] / 347)
    assert "arXiv:2501.05206" in conus["published"]["reference"]
    assert rows["xenonnt_b8_2024"]["published"]["results"][0]["unit"] == "events"


def test_experiments_json_unknown_preset_is_one_line(capsys):
    status = main(["experiments", "--json", "--experiment", "nope"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert "unknown experiment preset" in err and err.count("\n") == 1


def test_experiments_json_has_every_measurement_preset_with_its_published_numbers(
    capsys, measurement_presets
):
    # every preset of a published analysis (issue 13's list, as in tests/core/test_published.py)
    # is listed with its published entries and ours beside them
    args = ["experiments", "--json"]
    for name in measurement_presets:
        args += ["--experiment", name]
    assert main(args) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(rows) == set(measurement_presets)
    for name, row in rows.items():
        expected = cc.published_comparison(name, with_counts=False)
        assert row["published"]["reference"] == expected["reference"], name
        got = [(r["quantity"], r["kind"], r["value"]) for r in row["published"]["results"]]
        assert got == [(r["quantity"], r["kind"], r["value"]) for r in expected["results"]], name
        assert row["expected_events"] > 0, name
        # ours stands beside every flux, exposure and expected-count entry
        for r in row["published"]["results"]:
            if r["quantity"] in ("cevns_events", "flux_cm2_s") and r["kind"] != "measured":
                assert r["ours"] is not None and r["ratio"] is not None, (name, r["quantity"])
