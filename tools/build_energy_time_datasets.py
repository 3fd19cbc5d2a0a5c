"""Write the package's energy × time data-set tables from the COHERENT data releases.

A maintainer's tool, run once when the tables change (never at run time): it reads the release
files of ``/work/shared/data/coherent_csi_2021`` and ``coherent_csi_2017`` (or the folders given)
and writes ``cevns_core/data/datasets/energy_time/*.csv`` in the package's own format. The JSON
descriptions next to them are written by hand.

Usage::

    python tools/build_energy_time_datasets.py [--csi2021 DIR] [--csi2017 DIR]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "cevns_core" / "data" / "datasets" / "energy_time"

# CsI 2021: the binning of the collaboration's energy × time fit (9 PE × 11 t_rec bins).
CSI2021_PE = np.array([0.0, 8.0, 12.0, 16.0, 20.0, 24.0, 32.0, 40.0, 50.0, 60.0])
CSI2021_T = np.array([0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0, 2.0, 4.0, 6.0])
# Timing efficiency of the CsI 2021 release (supplemental material as quoted): 1 below 0.52 μs,
# exp(−0.0494 (t − 0.52)) above.
T0_US, DECAY_PER_US = 0.52, 0.0494


def timing_efficiency(t_us: np.ndarray) -> np.ndarray:
    return np.where(t_us < T0_US, 1.0, np.exp(-DECAY_PER_US * (t_us - T0_US)))


def _hist2(events: np.ndarray, pe: np.ndarray, t: np.ndarray) -> np.ndarray:
    keep = (events[:, 0] >= pe[0]) & (events[:, 0] < pe[-1])
    keep &= (events[:, 1] >= t[0]) & (events[:, 1] < t[-1])
    return np.histogram2d(events[keep, 0], events[keep, 1], bins=(pe, t))[0]


def _neutron_template(folder: Path, stem: str) -> tuple[np.ndarray, float]:
    """Counts per (PE, t) cell with the timing efficiency, and the total before it."""
    pe = np.loadtxt(folder / f"{stem}PE.txt")
    tt = np.loadtxt(folder / f"{stem}Trec.txt")
    # PE PDF: 1-PE bins (centres 0.5 … 249.5), includes the energy efficiency; normalised to 1 in
    # 0–60 PE. The t_rec table (10-ns bins) holds counts over the whole PE range (0–250) without
    # the timing efficiency: counts in 0–60 PE = t_rec sum / (PE sum over 0–250).
    full_range = pe[:, 1].sum()
    p_pe = np.histogram(pe[:, 0], CSI2021_PE, weights=pe[:, 1])[0] / full_range
    in_window = (tt[:, 0] >= CSI2021_T[0]) & (tt[:, 0] < CSI2021_T[-1])
    total = float(tt[in_window, 1].sum() * p_pe.sum())
    counts_t = np.histogram(tt[:, 0], CSI2021_T, weights=tt[:, 1] * timing_efficiency(tt[:, 0]))[0]
    return np.outer(p_pe, counts_t), total


def build_csi2021(folder: Path) -> None:
    c = np.loadtxt(folder / "dataBeamOnC.txt")
    ac = np.loadtxt(folder / "dataBeamOnAC.txt")
    obs = _hist2(c, CSI2021_PE, CSI2021_T)
    anti = _hist2(ac, CSI2021_PE, CSI2021_T)
    # Smoothed steady state: the AC energy projection × a time shape flat in t_rec times the
    # timing efficiency (random coincidences), normalised to the AC total.
    t_fine = np.linspace(CSI2021_T[0], CSI2021_T[-1], 6001)
    shape = np.array(
        [
            np.trapezoid(
                timing_efficiency(t_fine[(t_fine >= lo) & (t_fine <= hi)]),
                t_fine[(t_fine >= lo) & (t_fine <= hi)],
            )
            for lo, hi in itertools.pairwise(CSI2021_T)
        ]
    )
    ss = np.outer(anti.sum(axis=1), shape / shape.sum())
    brn, brn_total = _neutron_template(folder, "brn")
    nin, nin_total = _neutron_template(folder, "nin")
    rows = []
    for i in range(CSI2021_PE.size - 1):
        for j in range(CSI2021_T.size - 1):
            rows.append(
                f"{CSI2021_PE[i]:g},{CSI2021_PE[i + 1]:g},{CSI2021_T[j]:g},{CSI2021_T[j + 1]:g},"
                f"{obs[i, j]:.0f},{anti[i, j]:.0f},{ss[i, j]:.6g},{brn[i, j]:.6g},{nin[i, j]:.6g}"
            )
    header = f"""\
# COHERENT CsI[Na] full data set (2021): counts per (PE, t_rec) cell (cevns_core's own table)
#
# Built from the ancillary files of D. Akimov et al. (COHERENT), PRL 129 (2022) 081801,
# arXiv:2110.07730v2: dataBeamOnC.txt / dataBeamOnAC.txt (unbinned beam-on coincidence and
# anticoincidence events: reconstructed PE, t_rec in us), brnPE.txt / brnTrec.txt and
# ninPE.txt / ninTrec.txt (beam-related and neutrino-induced neutron PDFs).
# Cells: 9 PE bins (edges {" ".join(f"{v:g}" for v in CSI2021_PE)}) x 11 t_rec bins
# (edges {" ".join(f"{v:g}" for v in CSI2021_T)} us), C order (PE slowest); bins half-open.
#
# Columns
#   pe_low, pe_high, t_low_us, t_high_us   cell edges
#   observed        beam-on coincidence events ({obs.sum():.0f} in 0-60 PE, 0-6 us)
#   anticoincidence beam-on anticoincidence events ({anti.sum():.0f}): the steady-state sample
#   steady_state    smoothed steady-state prediction: the anticoincidence PE projection x a t_rec
#                   shape flat times the timing efficiency (1 below 0.52 us, exp(-0.0494 (t-0.52))),
#                   normalised to the anticoincidence total ({ss.sum():.0f})
#   brn             beam-related neutrons: brnPE (1-PE bins, energy efficiency included, normalised
#                   to 1 in 0-60 PE) x brnTrec (10-ns bins, counts over 0-250 PE, no timing
#                   efficiency) x the timing efficiency; {brn_total:.3f} events in 0-60 PE and
#                   0-6 us before the timing efficiency, {brn.sum():.3f} after
#   nin             neutrino-induced neutrons, built the same way from ninPE / ninTrec:
#                   {nin_total:.3f} before the timing efficiency, {nin.sum():.3f} after
pe_low,pe_high,t_low_us,t_high_us,observed,anticoincidence,steady_state,brn,nin
"""
    (OUT / "coherent_csi_2021.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")


def build_csi2017(folder: Path) -> None:
    def grid(name: str) -> np.ndarray:
        d = np.genfromtxt(folder / name, delimiter=",", comments="#", skip_header=0)
        d = d[~np.isnan(d).any(axis=1)]
        pe_c, t_c = np.unique(d[:, 0]), np.unique(d[:, 1])
        out = np.zeros((pe_c.size, t_c.size))
        out[np.searchsorted(pe_c, d[:, 0]), np.searchsorted(t_c, d[:, 1])] = d[:, 2]
        return out

    on_c = grid("data_coincidence_beamOn.txt")  # (25 PE, 24 t)
    on_ac = grid("data_anticoincidence_beamOn.txt")
    prompt = np.loadtxt(folder / "arrivalTimePDF_promptNeutrinos.txt", delimiter=",")[:, 1]
    delayed = np.loadtxt(folder / "arrivalTimePDF_delayedNeutrinos.txt", delimiter=",")[:, 1]
    neutrons = np.loadtxt(folder / "arrivalTimePDF_promptNeutrons.txt", delimiter=",")[:, 1]
    ppdf = np.loadtxt(folder / "promptPDF.txt", comments="#", delimiter=",")
    x = ppdf[:, 0]
    a, k, x0 = 0.6655, 0.4942, 10.8507  # acceptance of coherent_parameters.yaml
    step = np.where(x < 5, 0.0, np.where(x < 6, 0.5, 1.0))
    acc = a / (1.0 + np.exp(-k * (x - x0))) * step
    per_pe = ppdf[:, 1] * 7.47594 * acc  # counts per 1-PE bin over 7.47594 GWh
    pe_edges = np.arange(0.0, 51.0, 2.0)
    neutrons_pe = np.histogram(x, pe_edges, weights=per_pe)[0]
    n_t = 12  # 0.5-us bins with t < 6 us
    rows = []
    for i in range(25):
        for j in range(n_t):
            rows.append(
                f"{pe_edges[i]:g},{pe_edges[i + 1]:g},{0.5 * j:g},{0.5 * (j + 1):g},"
                f"{on_c[i, j]:.0f},{on_ac[i, j]:.0f},{neutrons_pe[i] * neutrons[j]:.6g},"
                f"{prompt[j]:.6g},{delayed[j]:.6g}"
            )
    window = (slice(3, 15), slice(0, n_t))
    header = f"""\
# COHERENT CsI[Na] 2017: counts per (PE, arrival time) cell (cevns_core's own table)
#
# Built from the COHERENT data release for arXiv:1708.01294 (D. Akimov et al., Science 357 (2017)
# 1123): release note arXiv:1804.09459, Zenodo DOI 10.5281/zenodo.1228631. The release's 25 x 24
# grids (2-PE bins 0-50 PE x 0.5-us bins 0-12 us) restricted to t < 6 us: 25 x 12 = 300 cells,
# C order (PE slowest).
#
# Columns
#   pe_low, pe_high, t_low_us, t_high_us   cell edges
#   on_coincidence      beam-on coincidence counts (data_coincidence_beamOn.txt;
#                       {on_c[window].sum():.0f} in 6-30 PE, t < 6 us)
#   on_anticoincidence  beam-on anticoincidence counts (data_anticoincidence_beamOn.txt;
#                       {on_ac[window].sum():.0f} in the same window): the steady-state sample
#   prompt_neutrons     prompt beam-related neutrons: promptPDF.txt (per GWh, 1-PE bins)
#                       x 7.47594 GWh x the acceptance a/(1+exp(-k(x-x0))) H(x-5) at 1-PE bin
#                       centres (a = 0.6655, k = 0.4942, x0 = 10.8507; coherent_parameters.yaml)
#                       x the arrival-time PDF of prompt neutrons
#                       (arrivalTimePDF_promptNeutrons.txt, 0.5-us bins)
#   pdf_prompt_nu       arrival-time PDF of prompt neutrinos in the cell's time bin
#                       (arrivalTimePDF_promptNeutrinos.txt)
#   pdf_delayed_nu      arrival-time PDF of delayed neutrinos (arrivalTimePDF_delayedNeutrinos.txt)
pe_low,pe_high,t_low_us,t_high_us,on_coincidence,on_anticoincidence,prompt_neutrons,pdf_prompt_nu,pdf_delayed_nu
"""
    (OUT / "coherent_csi_2017_2d.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csi2021", type=Path, default=Path("/work/shared/data/coherent_csi_2021"))
    parser.add_argument("--csi2017", type=Path, default=Path("/work/shared/data/coherent_csi_2017"))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    build_csi2021(args.csi2021)
    build_csi2017(args.csi2017)


if __name__ == "__main__":
    main()
