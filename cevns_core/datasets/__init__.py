"""Binned data sets of CEvNS measurements, for fits (issue 4; PHYSICS.md §8, §9.9).

The package ships its own compact tables of the numbers the fits need (``data/datasets/``: one CSV
with a comment header explaining every column and cut, and one JSON file with the metadata),
built from the collaborations' data releases:

``"coherent_csi_2017"``
    COHERENT CsI[Na] 2017 (arXiv:1708.01294; release arXiv:1804.09459): 2-PE bins, arrival time
    t < 6 μs; beam-on coincidence counts (``observed``), beam-on anticoincidence counts
    (steady-state background), the predicted prompt-neutron background and the residual.
    Analysis window 6–30 PE (12 bins; 547 coincidence counts) unless ``full_range=True``
    (0–50 PE).
``"coherent_lar_2020"``
    COHERENT CENNS-10 LAr 2020, Analysis A (arXiv:2003.10630; release arXiv:2006.12659): the
    release's 3-D histograms projected onto reconstructed energy (12 bins, 0–120 keVee, all F90
    and trigger times): data, steady-state / prompt-BRN / delayed-BRN backgrounds at their
    pre-fit predictions, and the collaboration's SM CEvNS prediction (128 events).
``"coherent_lar_2020_3d"``
    The same in the full 3-D binning (12 energy × 8 F90 × 10 t_trig cells, flattened in C order).

Your own 1-D data set loads with :func:`load_dataset_file`: a JSON description in the format of
the shipped ones (``"edges"`` binning) next to its CSV table, both validated (sizes, types,
column names, finite non-negative counts, contiguous increasing bins) with a clear
:class:`~cevns_core.errors.CevnsError` on any problem.
"""

from .dataset import Dataset

# used by tests (the names of the single-module loader)
from .shipped import _folder as _folder
from .shipped import dataset_names, load_dataset
from .user_files import _STATISTICS as _STATISTICS
from .user_files import (
    MAX_DATASET_JSON_BYTES,
    MAX_DATASET_ROWS,
    MAX_DATASET_TABLE_BYTES,
    load_dataset_file,
)

__all__ = [
    "MAX_DATASET_JSON_BYTES",
    "MAX_DATASET_ROWS",
    "MAX_DATASET_TABLE_BYTES",
    "Dataset",
    "dataset_names",
    "load_dataset",
    "load_dataset_file",
]
