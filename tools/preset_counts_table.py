"""Print the README's preset counts twice: the reviews' nuclear convention and the defaults.

Run from the project root: ``python tools/preset_counts_table.py``. For every preset of the
README table it computes ``Experiment.counts().total`` (SM, the preset's Helm form factor):

* **F_n = F_p** — ``skin_fm=0.0`` and ``proton_radius="charge"`` (``cc.REVIEW_NUCLEAR_CHOICE``:
  the model as built at the charge radius, no neutron skin), the convention of the reviews and
  of PHYSICS §3.7, §6.5, §11;
* **defaults** — the package defaults: point-proton radius from the measured charge radius,
  nucleon size folded in, and the neutron skin of the antiprotonic-atom systematics
  (Trzcińska et al., PRL 87 (2001) 082501).

The bracketed variants of the table are recomputed the same way (CONUS+ thresholds 180/160
eVee, Dresden-II with standard Lindhard k = 0.157, CONUS per kg·day).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cevns_core as cc
from cevns_core.quenching import quenching_model

REVIEW = {"skin_fm": 0.0, "form_factor_params": {"proton_radius": "charge"}}


def _count(name: str, review: bool, **detector: object) -> float:
    exp = cc.experiment(name, **(REVIEW if review else {}))
    for key, value in detector.items():
        setattr(exp.detector, key, value)
    return exp.counts().total


def _cell(name: str, review: bool) -> str:
    if name == "conus_plus_2025":
        main = _count(name, review)
        lo, hi = _count(name, review, threshold=0.18), _count(name, review, threshold=0.16)
        return f"{main:.0f} ({lo:.0f}–{hi:.0f} for 160–180 eVee)"
    if name == "conus_2024":
        exp = cc.experiment(name)
        return f"{_count(name, review) / exp.detector.exposure_kg_day:.2f} /(kg d)"
    if name == "dresden_ii_2022":
        lindhard = _count(name, review, quenching=quenching_model("lindhard", target="Ge"))
        return f"{_count(name, review):.0f} ({lindhard:.0f} with Lindhard k = 0.157)"
    if name == "pandax4t_b8_2024":
        return f"{_count(name, review):.0f} / {_count(name + '_us2', review):.0f}"
    value = _count(name, review)
    if value >= 1000:
        return f"{value:.0f}"
    return f"{value:.2f}" if value < 20 else f"{value:.1f}"


NAMES = [
    "coherent_csi_2017",
    "coherent_csi_2021",
    "coherent_lar_2020",
    "coherent_ge_mini",
    "conus_plus_2025",
    "conus_2024",
    "dresden_ii_2022",
    "texono_2024",
    "nugen_2025",
    "red100_2024",
    "xenonnt_b8_2024",
    "xenonnt_b8_2026",
    "xenonnt_s2only_2026",
    "pandax4t_b8_2024",
    "lz_b8_2025",
]


def main() -> None:
    print("| preset | ours, F_n = F_p | ours, defaults |")
    print("| --- | --- | --- |")
    for name in NAMES:
        print(f"| `{name}` | {_cell(name, True)} | {_cell(name, False)} |")


if __name__ == "__main__":
    main()
