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
