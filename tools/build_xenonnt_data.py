"""Write the package's XENONnT ⁸B tables from the collaboration's public data releases.

A maintainer's tool, run once when the tables change, never at run time. It reads

* ``xenonnt_8b_2024``   — XENONnT light-WIMP / ⁸B release (PRL 133, 191002 (2024), arXiv:2408.02877;
  PRL 134, 111802 (2025), arXiv:2409.17868): ⁸B, AC, ER, RG templates of SR0/SR1, the ⁸B recoil
  spectrum, the livetimes and priors of ``statistical_model_base.yaml``;
* ``xenonnt_8b_2026``   — XENONnT ⁸B / light-DM release (arXiv:2604.06002): observed events
  (``data/sr*.csv``), binning, AC/ER/RG templates of SR0–SR2 and the nominal monoenergetic
  nuclear-recoil templates (0.5–5.0 keVnr);
* ``xenonnt_s2only_2026`` — XENONnT S2-only release (arXiv:2601.11296): NR response matrices,
  background expectations, ⁸B CEvNS templates, observed events (``data/real_data.pkl``),

and writes, in the package's own CSV format (``cevns_core/data/``):

* ``detectors/xenonnt_b8_{2024,2026}_response.csv``, ``detectors/xenonnt_s2only_2026_response.csv``
  — probability that a nuclear recoil of energy T lands in each analysis cell;
* ``detectors/xenonnt_{b8_2024,b8_2026,s2only_2026}_efficiency.csv`` — the exposure-weighted
  detection efficiency in recoil energy (sum over cells), for the experiment presets;
* ``datasets/xenonnt/xenonnt_{b8_2024,b8_2026,s2only_2026}.csv`` — observed events, backgrounds
  and the release's ⁸B expectation per analysis cell (the JSON descriptions next to them are
  written by hand).

Requirements (build time only; the package never needs them): ``numpy`` and ``h5py`` (the
templates are HDF5; ``pip install "cevns-workbench[data-build]"``). The S2-only observed events
are a Python pickle of numpy arrays: they are read with the standard library's ``pickle`` through
an unpickler that accepts only numpy's array-reconstruction functions.

Usage::

    python tools/build_xenonnt_data.py [--shared /work/shared/data] [--check]

``--check`` builds in memory and compares with the files in the package (exit 1 on a difference).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import pickle
import re
import sys
import warnings
from pathlib import Path
from typing import ClassVar

import numpy as np

try:
    import h5py
except ImportError:  # pragma: no cover - build tool
    sys.exit("build_xenonnt_data.py needs h5py (pip install 'cevns-workbench[data-build]')")

ROOT = Path(__file__).resolve().parents[1]
DETECTORS = ROOT / "cevns_core" / "data" / "detectors"
DATASETS = ROOT / "cevns_core" / "data" / "datasets" / "xenonnt"

#: Monoenergetic template energies of the 2026 release (keVnr).
MONO_E = np.round(np.arange(0.5, 5.0001, 0.1), 3)
AXES = ("cs2", "shadow", "s1_bdt", "s2_bdt")
#: Columns of the observed-event CSVs, in the order of the template axes.
EVENT_COLUMNS = ("cs2", "s2_shadow_s2_time_shadow_quantile", "s1_bdt_score", "s2_bdt_score")


# ------------------------------------------------------------------------------------ readers
def read_template(path: Path) -> tuple[np.ndarray, list[np.ndarray]]:
    """(histogram, bin edges per axis) of one release template (HDF5)."""
    with h5py.File(path, "r") as f:
        hist = np.asarray(f["templates/template"][()], dtype=float)
        edges = [np.asarray(f[f"bins/{i}"][()], dtype=float) for i in range(hist.ndim)]
    return hist, edges


def yaml_number(text: str, key: str) -> float:
    """``nominal_value`` (or ``uncertainty``) of a parameter block in the alea YAML configs."""
    name, field = key.split(".")
    m = re.search(rf"^  {re.escape(name)}:\n(?:    .*\n)*?    {field}: ([0-9.eE+-]+)", text, re.M)
    if m is None:
        raise SystemExit(f"cannot find {key} in the YAML")
    return float(m.group(1))


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickler for plain numpy arrays: every other global is refused."""

    ALLOWED: ClassVar[set[tuple[str, str]]] = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.numeric", "_frombuffer"),
        ("numpy._core.numeric", "_frombuffer"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refused global {module}.{name}")


def load_numpy_pickle(path: Path):
    with warnings.catch_warnings():  # the file names numpy.core (numpy < 2); numpy 2 warns
        warnings.simplefilter("ignore", DeprecationWarning)
        return _NumpyOnlyUnpickler(io.BytesIO(path.read_bytes())).load()


def b8_spectrum(release_2024: Path) -> tuple[np.ndarray, np.ndarray, float]:
    """The 2024 release's ⁸B recoil spectrum: (interval midpoints T_keV, events per t·yr in each
    interval, total per t·yr).

    Stored as an inverse CDF (CDF value → T, 501 points, 0.45–10 keVnr) with the total rate: the
    events in [T_i, T_i+1] are rate × (CDF_i+1 − CDF_i), exactly.
    """
    js = json.loads((release_2024 / "data/signal/cevns_spectrum.json").read_text())
    cdf = np.asarray(js["coordinate_system"], dtype=float)
    T = np.asarray(js["map"], dtype=float)
    mid = 0.5 * (T[1:] + T[:-1])
    return mid, float(js["rate"]) * np.diff(cdf), float(js["rate"])


def fold_spectrum(
    T_mid: np.ndarray, content: np.ndarray, response: np.ndarray, energies: np.ndarray = MONO_E
) -> np.ndarray:
    """Σ over the spectrum's intervals of (events in the interval) × response at its midpoint,
    the response linear in T inside its table and 0 outside (below 0.5 keVnr: no template)."""
    inside = (T_mid >= energies[0]) & (T_mid <= energies[-1])
    rows = np.stack([np.interp(T_mid, energies, response[:, c]) for c in range(response.shape[1])])
    return (rows * (content * inside)[None, :]).sum(axis=1)


# ------------------------------------------------------------------------------------ builders
def cell_table(edges: list[np.ndarray], sr: int) -> list[dict[str, float]]:
    """One row per 4-D cell (C order over cs2, shadow, s1_bdt, s2_bdt) with its bin edges."""
    rows = []
    for idx in np.ndindex(*(e.size - 1 for e in edges)):
        row = {"sr": sr}
        for axis, i, e in zip(AXES, idx, edges, strict=True):
            row[f"i_{axis}"] = int(i)
            row[f"{axis}_low"] = float(e[i])
            row[f"{axis}_high"] = float(e[i + 1])
        rows.append(row)
    return rows


def observed_cells(events_csv: Path, edges: list[np.ndarray]) -> np.ndarray:
    with events_csv.open() as f:
        rows = list(csv.DictReader(f))
    sample = np.array([[float(r[c]) for c in EVENT_COLUMNS] for r in rows])
    hist, _ = np.histogramdd(sample, bins=edges)
    if int(hist.sum()) != len(rows):
        raise SystemExit(f"{events_csv}: {len(rows) - int(hist.sum())} events outside the bins")
    return hist.ravel()


def mono_response(release_2026: Path, sr: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """(n_E, 81) nominal monoenergetic templates of one science run, and their bin edges."""
    rows, edges = [], None
    for E in MONO_E:
        name = f"template_XENONnT_sr{sr}_mono_{E:.3f}_cevns_tly_0.0_tqy_0.0.h5"
        hist, e = read_template(release_2026 / f"templates/sr{sr}/mono" / name)
        rows.append(hist.ravel())
        edges = edges or e
    return np.array(rows), edges


def build(shared: Path) -> dict[str, str]:
    """All output files as {relative path: text}; prints the numbers the headers quote."""
    r24, r26, rs2 = (
        shared / "xenonnt_8b_2024",
        shared / "xenonnt_8b_2026",
        shared / "xenonnt_s2only_2026",
    )
    yaml24 = (r24 / "data/statistical_model_base.yaml").read_text()
    lt = {sr: yaml_number(yaml24, f"livetime_sr{sr}.nominal_value") for sr in (0, 1)}
    # SR2 livetime: the 2026 release's example notebook (not shipped by it in a data file)
    lt[2] = 3.249665
    T_mid, density, rate_total = b8_spectrum(r24)
    out: dict[str, str] = {}
    report: dict[str, object] = {"livetimes_t_yr": lt, "b8_rate_045_10_per_t_yr": rate_total}

    responses, cells, data26, data24 = {}, {}, {}, {}
    for sr in (0, 1, 2):
        resp, edges = mono_response(r26, sr)
        responses[sr] = resp
        cells[sr] = cell_table(edges, sr)
        obs = observed_cells(r26 / f"data/sr{sr}.csv", edges)
        comps = {}
        for comp, pattern in (
            ("ac", f"templates/sr{sr}/ac/template_XENONnT_sr{sr}_ac_cevns.h5"),
            ("er", f"templates/sr{sr}/er/template_XENONnT_sr{sr}_er_cevns.h5"),
            ("rg", f"templates/sr{sr}/rg/template_XENONnT_sr{sr}_rg_cevns_tly_0.0_tqy_0.0.h5"),
        ):
            hist, e = read_template(r26 / pattern)
            assert all(np.allclose(a, b) for a, b in zip(e, edges, strict=True))
            comps[comp] = hist.ravel() * lt[sr]
        comps["b8_folded"] = fold_spectrum(T_mid, density, resp) * lt[sr]
        data26[sr] = (obs, comps)
        if sr < 2:
            comps24 = {}
            for comp, pattern in (
                ("ac", f"data/ac/template_XENONnT_sr{sr}_ac_cevns.h5"),
                ("er", f"data/er/template_XENONnT_sr{sr}_er_cevns.h5"),
                ("rg", f"data/rg/template_XENONnT_sr{sr}_rg_cevns_tly_0.0_tqy_0.0.h5"),
                ("b8_release", f"data/b8/template_XENONnT_sr{sr}_b8_cevns_tly_0.0_tqy_0.0.h5"),
            ):
                hist, e = read_template(r24 / pattern)
                assert all(np.allclose(a, b) for a, b in zip(e, edges, strict=True))
                comps24[comp] = hist.ravel() * lt[sr]
            data24[sr] = (obs, comps24)

    # 2024: the release has no monoenergetic templates; its SR0/SR1 ⁸B templates are 1.3x the
    # 2026 fold (updated signal model). The 2024 response is the 2026 one scaled per science
    # run so that the 2024 spectrum folds to the 2024 template totals.
    scale24 = {}
    for sr in (0, 1):
        folded = data26[sr][1]["b8_folded"]
        scale24[sr] = float(data24[sr][1]["b8_release"].sum() / folded.sum())
        ratio = data24[sr][1]["b8_release"] / np.where(folded > 0, folded * scale24[sr], np.inf)
        big = data24[sr][1]["b8_release"] > 0.01 * data24[sr][1]["b8_release"].max()
        report[f"sr{sr}_2024_scale"] = scale24[sr]
        report[f"sr{sr}_2024_cell_ratio_range"] = [float(ratio[big].min()), float(ratio[big].max())]
    report["totals"] = {
        "2024": {
            k: sum(float(data24[sr][1][k].sum()) for sr in (0, 1))
            for k in ("ac", "er", "rg", "b8_release")
        }
        | {"observed": sum(float(data24[sr][0].sum()) for sr in (0, 1))},
        "2026": {
            k: sum(float(data26[sr][1][k].sum()) for sr in (0, 1, 2))
            for k in ("ac", "er", "rg", "b8_folded")
        }
        | {"observed": sum(float(data26[sr][0].sum()) for sr in (0, 1, 2))},
    }

    sources24 = (
        "XENONnT SR0+SR1 (PRL 133, 191002 (2024), arXiv:2408.02877); release "
        "XENONnT/light_wimp_data_release (Zenodo 10.5281/zenodo.14522706) for the ⁸B, AC, ER, RG "
        "templates and livetimes; observed events and monoenergetic templates from "
        "XENONnT/cevns_data_release (Zenodo 10.5281/zenodo.20576156, arXiv:2604.06002)"
    )
    sources26 = (
        "XENONnT SR0+SR1+SR2 (arXiv:2604.06002); release XENONnT/cevns_data_release (Zenodo "
        "10.5281/zenodo.20576156, CC-BY-4.0): observed events, AC/ER/RG templates, nominal "
        "monoenergetic NR templates; ⁸B spectrum of the 2024 release (cevns_spectrum.json)"
    )
    # ------------------------------------------------------------------ response + efficiency
    for tag, srs, scale, src in (
        ("b8_2024", (0, 1), scale24, sources24),
        ("b8_2026", (0, 1, 2), dict.fromkeys((0, 1, 2), 1.0), sources26),
    ):
        matrix = np.hstack([responses[sr] * scale[sr] for sr in srs])
        names = [f"sr{sr}_{c:03d}" for sr in srs for c in range(81)]
        header = [
            f"XENONnT ⁸B analysis ({tag.replace('b8_', '')}): probability that one nuclear recoil",
            "of energy T_keV is selected and reconstructed in each cell of the 4-D analysis space",
            "(cs2, S2 shadow quantile, S1 BDT, S2 BDT; 3 bins each, C order; cells sr<N>_<index>).",
            f"Source: {src}.",
            "Rows: the nominal (t_ly = t_qy = 0) monoenergetic templates, 0.5-5.0 keVnr in 0.1",
            "keV steps.",
        ]
        scale_note = []
        if tag == "b8_2024":
            scale_note.append(
                "SR0 and SR1 are the 2026 templates of the same science runs scaled by "
                f"{scale24[0]:.4f} and {scale24[1]:.4f}, so that the 2024 ⁸B spectrum folds to the "
                "2024 ⁸B templates (3.6154 and 3.2742 per t yr): the 2024 release publishes no "
                "monoenergetic templates."
            )
        header += scale_note
        header += ["Built by tools/build_xenonnt_data.py; 5 significant digits.", "units: keVnr"]
        out[f"detectors/xenonnt_{tag}_response.csv"] = _matrix_csv(header, MONO_E, names, matrix)
        weights = np.array([lt[sr] for sr in srs])
        eff = sum(lt[sr] * responses[sr].sum(axis=1) * scale[sr] for sr in srs) / weights.sum()
        eff_header = [
            *header[:4],
            "Detection efficiency in nuclear-recoil energy, summed over the analysis cells and",
            "averaged over the science runs with their exposures (t yr): "
            + ", ".join(f"SR{sr} {lt[sr]}" for sr in srs)
            + ". Zero below 0.5 keVnr (no template).",
            *scale_note,
            "Built by tools/build_xenonnt_data.py.",
            "units: keVnr",
        ]
        out[f"detectors/xenonnt_{tag}_efficiency.csv"] = _efficiency_csv(eff_header, MONO_E, eff)
        report[f"{tag}_efficiency_at"] = {
            f"{E:g}": float(v)
            for E, v in zip(MONO_E, eff, strict=True)
            if E in (0.5, 1.0, 2.0, 3.0, 4.0, 5.0)
        }

    # ------------------------------------------------------------------ 4-D data sets
    for tag, data, srs in (("b8_2024", data24, (0, 1)), ("b8_2026", data26, (0, 1, 2))):
        comp_names = (
            ["ac", "er", "rg", "b8_release"]
            if tag == "b8_2024"
            else ["ac", "er", "rg", "b8_folded"]
        )
        rows = []
        for sr in srs:
            obs, comps = data[sr]
            for i, cell in enumerate(cells[sr]):
                row = dict(cell)
                row["observed"] = int(obs[i])
                for c in comp_names:
                    # AC priors differ per science run: one column per run (0 in the others)
                    if c == "ac":
                        for other in srs:
                            row[f"ac_sr{other}"] = comps[c][i] if other == sr else 0.0
                    else:
                        row[c] = comps[c][i]
                rows.append(row)
        out[f"datasets/xenonnt/xenonnt_{tag}.csv"] = _dataset_csv(tag, rows, srs, lt)

    # ------------------------------------------------------------------ S2-only
    yaml_s2 = (rs2 / "s2_only_statistical_model.yaml").read_text()
    lt_s2 = {sr: yaml_number(yaml_s2, f"livetime_sr{sr}.nominal_value") for sr in (0, 1, 2)}
    report["s2only_livetimes_t_yr"] = lt_s2
    events = load_numpy_pickle(rs2 / "data/real_data.pkl")
    s2_edges = np.linspace(80.0, 500.0, 8)
    resp_rows, names, rows = [], [], []
    energies = None
    for sr in (0, 1, 2):
        table = np.loadtxt(
            rs2 / f"response/response_nr_tqy_0_sr{sr}.csv", delimiter=",", skiprows=1
        )
        energies = table[:, 0] if energies is None else energies
        assert np.allclose(energies, table[:, 0])
        resp_rows.append(table[:, 1:])
        names += [f"sr{sr}_{b}" for b in range(7)]
        bkg = {}
        with (rs2 / f"data/background_sr{sr}.csv").open() as f:
            for r in csv.reader(f):
                if r[0] != "background":
                    bkg[r[0]] = np.array([float(v) for v in r[1:]])
        with h5py.File(
            rs2 / f"data/templates/science_roi_background_sr{sr}_template_cevns_tqy_0_1d.h5", "r"
        ) as f:
            cevns_h5 = np.asarray(f["templates/template"][()], dtype=float)
        assert np.allclose(cevns_h5, bkg["cevns"], rtol=1e-9)
        cs2 = np.asarray(events[f"SR{sr}"]["cs2_wo_elifecorr"], dtype=float)
        obs, _ = np.histogram(cs2, bins=s2_edges)
        report[f"s2only_sr{sr}_observed"] = obs.tolist()
        for b in range(7):
            row = {
                "sr": sr,
                "bin": b,
                "cs2_low": s2_edges[b],
                "cs2_high": s2_edges[b + 1],
                "observed": int(obs[b]),
            }
            row["cevns_release"] = bkg["cevns"][b] * lt_s2[sr]
            for comp in ("cathode", "de", "ae"):
                for other in (0, 1, 2):
                    row[f"{comp}_sr{other}"] = bkg[comp][b] * lt_s2[sr] if other == sr else 0.0
            rows.append(row)
    matrix = np.hstack(resp_rows)
    header = [
        "XENONnT S2-only (ionisation-only) analysis: probability that one nuclear recoil of energy",
        "T_keV lands in each cS2 bin (cs2_wo_elifecorr 80-500 PE, 7 bins of 60 PE; cells",
        "sr<N>_<bin>).",
        "Source: XENONnT S2-only release (arXiv:2601.11296; XENONnT/s2_only_data_release, MIT),",
        "response/response_nr_tqy_0_sr{0,1,2}.csv (nominal charge yield).",
        "Built by tools/build_xenonnt_data.py; 5 significant digits.",
        "units: keVnr",
    ]
    out["detectors/xenonnt_s2only_2026_response.csv"] = _matrix_csv(header, energies, names, matrix)
    weights = sum(lt_s2.values())
    eff = sum(lt_s2[sr] * resp_rows[sr].sum(axis=1) for sr in (0, 1, 2)) / weights
    out["detectors/xenonnt_s2only_2026_efficiency.csv"] = _efficiency_csv(
        [
            *header[:5],
            "Efficiency in nuclear-recoil energy (sum over the cS2 bins) averaged over the",
            "science runs with their exposures (t yr): "
            + ", ".join(f"SR{sr} {lt_s2[sr]}" for sr in (0, 1, 2))
            + ". Zero below 0.5 keVnr.",
            "Built by tools/build_xenonnt_data.py.",
            "units: keVnr",
        ],
        energies,
        eff,
    )
    out["datasets/xenonnt/xenonnt_s2only_2026.csv"] = _dataset_csv(
        "s2only_2026", rows, (0, 1, 2), lt_s2
    )
    totals = {
        k: float(sum(r[k] for r in rows))
        for k in rows[0]
        if k not in ("sr", "bin", "cs2_low", "cs2_high")
    }
    report["totals"]["s2only_2026"] = totals
    # cross-check of the SOURCES note: the 2024 spectrum folded with the S2-only response
    folded = [
        float(np.sum(fold_spectrum(T_mid, density, resp_rows[sr], energies))) for sr in (0, 1, 2)
    ]
    report["s2only_b8_folded_per_t_yr"] = folded
    report["s2only_b8_release_per_t_yr"] = [
        float(sum(r["cevns_release"] for r in rows if r["sr"] == sr) / lt_s2[sr])
        for sr in (0, 1, 2)
    ]
    print(json.dumps(report, indent=1))
    return out


# ------------------------------------------------------------------------------------ writers
def _fmt(value: float, digits: int = 5) -> str:
    return "0" if value == 0 else f"{value:.{digits}g}"


def _matrix_csv(header: list[str], energies, names: list[str], matrix: np.ndarray) -> str:
    lines = [f"# {h}" for h in header]
    lines.append(",".join(["T_keV", *names]))
    for E, row in zip(energies, matrix, strict=True):
        lines.append(",".join([f"{E:g}", *(_fmt(v) for v in row)]))
    return "\n".join(lines) + "\n"


def _efficiency_csv(header: list[str], energies, eff) -> str:
    lines = [f"# {h}" for h in header]
    lines.append("x,efficiency")
    lines += [f"{E:g},{_fmt(v, 6)}" for E, v in zip(energies, eff, strict=True)]
    return "\n".join(lines) + "\n"


_DATASET_HEADERS = {
    "b8_2024": [
        "XENONnT ⁸B CEvNS search, SR0+SR1 (E. Aprile et al. (XENON), PRL 133, 191002 (2024),",
        "arXiv:2408.02877): the package's own table of the 4-D extended binned likelihood.",
        "One row per analysis cell: science run, bin indices and edges of cs2 (PE), S2 shadow",
        "quantile, S1 BDT, S2 BDT (3 bins each, C order), then counts over the run's exposure:",
        "  observed    events after all selections (cevns_data_release data/sr{0,1}.csv; identical",
        "              to the 2024 release's real_data.pkl, 9 + 28 = 37 events)",
        "  ac_sr<N>    accidental coincidences of run N (template x livetime; 0 in the other run)",
        "  er, rg      electronic recoils, radiogenic neutrons (nominal t_ly = t_qy = 0)",
        "  b8_release  the collaboration's ⁸B CEvNS template (nominal yields, SNO flux 5.25e6)",
        "Templates: XENONnT/light_wimp_data_release (Zenodo 10.5281/zenodo.14522706), per t yr,",
        "times the livetimes of its statistical_model_base.yaml.",
    ],
    "b8_2026": [
        "XENONnT ⁸B CEvNS search, SR0+SR1+SR2 (arXiv:2604.06002): the package's own table of the",
        "4-D extended binned likelihood. One row per analysis cell: science run, bin indices and",
        "edges of cs2 (PE), S2 shadow quantile, S1 BDT, S2 BDT (3 bins each, C order), then counts",
        "over the run's exposure:",
        "  observed    events after all selections (data/sr{0,1,2}.csv: 9 + 28 + 25 = 62 events)",
        "  ac_sr<N>    accidental coincidences of run N (template x livetime; 0 in other runs)",
        "  er, rg      electronic recoils, radiogenic neutrons (nominal t_ly = t_qy = 0)",
        "  b8_folded   the 2024 release's ⁸B recoil spectrum (SNO flux 5.25e6) folded here with",
        "              the nominal monoenergetic templates (the 2026 release ships no ⁸B",
        "              template)",
        "Release: XENONnT/cevns_data_release (Zenodo 10.5281/zenodo.20576156, CC-BY-4.0).",
    ],
    "s2only_2026": [
        "XENONnT S2-only light-DM search, SR0+SR1+SR2 (arXiv:2601.11296), where ⁸B CEvNS is the",
        "main background: the package's own table. One row per cS2 bin (cs2_wo_elifecorr, PE)",
        "and run:",
        "  observed        events (release data/real_data.pkl, histogrammed here)",
        "  cevns_release   the release's ⁸B CEvNS expectation (nominal charge yield)",
        "  cathode_sr<N>, de_sr<N>, ae_sr<N>  backgrounds of run N (data/background_sr<N>.csv)",
        "All counts are per t yr x the livetimes of s2_only_statistical_model.yaml.",
        "Release: XENONnT/s2_only_data_release (MIT, .zenodo.json).",
    ],
}


def _dataset_csv(tag: str, rows: list[dict], srs, lt) -> str:
    header = list(_DATASET_HEADERS[tag])
    header.append("Livetimes (t yr): " + ", ".join(f"SR{sr} {lt[sr]}" for sr in srs) + ".")
    header.append("Built by tools/build_xenonnt_data.py (counts: 6 significant digits).")
    cols = list(rows[0])
    lines = [f"# {h}" for h in header]
    lines.append(",".join(["cell_low", "cell_high", *cols]))
    for i, row in enumerate(rows):
        values = [str(i), str(i + 1)]
        for c in cols:
            v = row[c]
            values.append(str(v) if isinstance(v, int) else _fmt(float(v), 6))
        lines.append(",".join(values))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    files = build(args.shared)
    base = ROOT / "cevns_core" / "data"
    status = 0
    for rel, text in files.items():
        path = base / rel
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"differs: {rel}")
                status = 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {rel}")
    return status


if __name__ == "__main__":
    sys.exit(main())
