"""The shipped-file listing: the same names as the folder holds, listed once per process."""

from __future__ import annotations

import os
from pathlib import Path

import cevns_core
from cevns_core._shipped import shipped_names
from cevns_core.cell_datasets import cell_dataset_names
from cevns_core.datasets import dataset_names
from cevns_core.experiment import experiment_names
from cevns_core.form_factors.tables import form_factor_tables
from cevns_core.likelihood.tables import energy_time_names
from cevns_core.response.matrix import response_matrix_names

DATA = Path(cevns_core.__file__).parent / "data"


def _listed(folder: str, suffix: str) -> list[str]:
    """The folder listed with os.listdir (independent of importlib.resources)."""
    return sorted(n[: -len(suffix)] for n in os.listdir(DATA / folder) if n.endswith(suffix))


def test_each_listing_matches_the_folder() -> None:
    assert experiment_names() == _listed("experiments", ".json")
    assert dataset_names() == _listed("datasets", ".json")
    assert energy_time_names() == _listed("datasets/energy_time", ".json")
    assert cell_dataset_names() == _listed("datasets/xenonnt", ".json")
    assert form_factor_tables() == _listed("nuclear_structure", ".csv")
    matrices = [n for n in _listed("detectors", ".csv") if n.endswith("_response")]
    assert response_matrix_names() == matrices
    assert len(experiment_names()) >= 17  # the 17 presets of the first version, and more


def test_listed_once_and_callers_get_their_own_list() -> None:
    assert shipped_names(".json", "experiments") is shipped_names(".json", "experiments")
    names = experiment_names()
    names.append("not a preset")
    assert "not a preset" not in experiment_names()
