"""HoloViews drawings of the "More physics" results (:mod:`dashboard.physics_results`).

Shared by the More physics tab (the sidebar's set-up) and the gallery (each figure's own
set-up): every function takes the plain results and returns an ``hv.Overlay`` (or a layout of
two), with human labels and units. No physics here.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np

import cevns_core as cc
from cevns_core.flavours import flavour_label

from ..labels import form_factor_label, scan_axis_label, scan_model_title
from ..palette import NEW_PHYSICS_COLOR, SM_COLOR, flavour_color, isotope_color, series_color
from ._base import LEGEND_POSITION, PLOT_HEIGHT, TabView, outside

__all__ = [
    "astro_plots",
    "channel_plot",
    "curve",
    "directional_plots",
    "fog_plot",
    "model_name",
    "nuclear_plots",
    "overlay",
    "quenching_plot",
    "scan_1d_plot",
    "scan_2d_plot",
    "sterile_plot",
    "threshold_plot",
    "transition_plot",
]

T_DIM = hv.Dimension("T_keV", label="Recoil energy T", unit="keVnr")
E_DIM = hv.Dimension("E_MeV", label="Neutrino energy E_ν", unit="MeV")


def dim(name: str, label: str, unit: str | None = None) -> hv.Dimension:
    """A HoloViews dimension with a human label."""
    return hv.Dimension(name, label=label, unit=unit or None)


def curve(
    x: Any, y: Any, kdim: hv.Dimension, vdim: hv.Dimension, label: str, color: str, **opts: Any
) -> hv.Curve:
    """A curve with hover; zeros and negatives become gaps on a log axis when ``positive``."""
    positive = opts.pop("positive", False)
    y = np.asarray(y, dtype=float)
    if positive:
        y = np.where(y > 0, y, np.nan)
    style = {"color": color, "line_width": 2, "tools": ["hover"], **opts}
    return hv.Curve((np.asarray(x, dtype=float), y), kdim, vdim, label=label).opts(**style)


def overlay(layers: list[Any], title: str, **opts: Any) -> hv.Overlay:
    """An overlay with the tabs' common options (:meth:`TabView.base_opts`)."""
    options = TabView.base_opts(title, **opts)
    options["legend_position"] = outside(opts.get("legend_position", LEGEND_POSITION))
    return hv.Overlay(layers).opts(**options)


def model_name(name: str) -> str:
    """A form-factor model's or a shipped table's human name."""
    if name in cc.form_factor_models():
        return form_factor_label(name)
    try:
        table = cc.form_factor_table(name)
    except (cc.CevnsError, KeyError):
        return name
    return f"{table.label} (table)"


# ---------------------------------------------------------------------------- quenching
def quenching_plot(data: dict[str, Any]) -> hv.Overlay:
    """Lindhard Q(T) per nucleus (PKK Fig. 6 left)."""
    ydim = dim("Q", "Quenching factor Q")
    layers = [
        curve(data["T_keV"], q, T_DIM, ydim, name, isotope_color(name))
        for name, q in data["curves"].items()
    ]
    return overlay(layers, "Lindhard quenching factors", logx=True, legend_position="right")


def threshold_plot(items: list[tuple[str, dict[str, Any]]], title: str) -> hv.Overlay:
    """Events above threshold against the threshold in keVnr (solid) and keVee (dashed)."""
    xdim = dim("threshold", "Threshold", "keVnr (solid) or keVee (dashed)")
    ydim = dim("events", "Events above threshold")
    layers = []
    for i, (label, data) in enumerate(items):
        color = series_color(i)
        layers.append(
            curve(data["T_keV"], data["total"], xdim, ydim, f"{label}, keVnr", color, positive=True)
        )
        if data["E_ee_keV"] is not None:
            layers.append(
                curve(
                    data["E_ee_keV"], data["total"], xdim, ydim, f"{label}, keVee", color,
                    line_dash="dashed", positive=True,
                )
            )  # fmt: skip
    # under the plot, one per line: the experiments' names are long
    return overlay(layers, title, logx=True, logy=True, legend_position="bottom", legend_cols=1)


# ---------------------------------------------------------------------------- dark matter
def astro_plots(data: dict[str, Any], target: str) -> hv.Layout:
    """dR/dT and events above threshold per tonne·year, per background (PKK Fig. 17)."""
    rate_dim = dim("rate", "dR/dT", "events/(t·yr·keV)")
    above_dim = dim("above", "Events above threshold", "per t·yr")
    thr_dim = dim("threshold_keV", "Threshold", "keVnr")
    rate, above = [], []
    for i, label in enumerate(data["rate"]):
        color = series_color(i)
        rate.append(curve(data["T_keV"], data["rate"][label], T_DIM, rate_dim, label, color,
                          positive=True, interpolation="steps-mid"))  # fmt: skip
        above.append(curve(data["edges_keV"], data["above"][label], thr_dim, above_dim, label,
                           color, positive=True))  # fmt: skip
    left = overlay(rate, f"Neutrino backgrounds in {target}", logx=True, logy=True,
                   legend_position="right")  # fmt: skip
    right = overlay(above, f"Events above threshold in {target}", logx=True, logy=True,
                    legend_position="right")  # fmt: skip
    return (left + right).opts(shared_axes=False)


def fog_plot(data: dict[str, Any], target: str) -> hv.Overlay:
    """The gradient index n(σ, m) and the neutrino floor (n = 2), O'Hare's floor dashed."""
    m, s = data["masses_GeV"], data["sigma_cm2"]
    mdim = dim("mass_GeV", "WIMP mass", "GeV")
    sdim = dim("sigma_cm2", "SI WIMP–nucleon cross section", "cm²")
    ndim = dim("n", "Gradient index n")
    mesh = hv.QuadMesh((m, s, np.asarray(data["n_map"])), [mdim, sdim], ndim).opts(
        cmap="Blues", colorbar=True, clim=(1.0, 5.0), tools=["hover"], clabel="n (fog index)"
    )
    floor = curve(m, data["floor_cm2"], mdim, sdim, "Floor (n = 2), this package",
                  NEW_PHYSICS_COLOR, positive=True)  # fmt: skip
    layers = [mesh, floor]
    if data["published"] is not None:
        pm, ps = data["published"]
        layers.append(curve(pm, ps, mdim, sdim, "Floor, O'Hare 2021", SM_COLOR,
                            line_dash="dashed"))  # fmt: skip
    return overlay(layers, f"Neutrino fog in {target}", logx=True, logy=True,
                   ylim=(1e-50, 1e-40))  # fmt: skip


# ---------------------------------------------------------------------------- directions
def directional_plots(data: dict[str, Any]) -> hv.Layout:
    """d²N/dΩ_r dT on (T, θ_r) with the lines' curves, and slices at three recoil energies."""
    T, theta, density = data["T_keV"], data["theta_deg"], np.asarray(data["density"])
    theta_dim = dim("theta_deg", "Recoil angle θ_r", "degrees")
    zdim = dim("d2N", "d²N/dΩ_r dT", data["unit"])
    top = float(np.max(density)) if density.size and np.max(density) > 0 else 1.0
    # six decades below the peak: the kinematic edges, not rounding residues, set the colours
    z = np.where(density > top * 1e-6, density, np.nan).T  # (θ, T)
    mesh = hv.QuadMesh((T, theta, z), [T_DIM, theta_dim], zdim).opts(
        clim=(top * 1e-6, top),
        cmap="viridis",
        colorbar=True,
        logz=True,
        tools=["hover"],
        clabel=f"d²N/dΩ dT ({data['unit']})",
    )
    lines = [
        curve(t, th, T_DIM, theta_dim, f"Line: {label}", "white", line_dash="dashed")
        for label, t, th in data["lines"]
    ]
    if not lines:
        lines = [hv.Curve(([], []), T_DIM, theta_dim, label="Line")]
    left = overlay([mesh, *lines], f"Directional recoil spectrum — {data['title']}")
    slices = []
    for i, j in enumerate((len(T) // 10, len(T) // 3, (2 * len(T)) // 3)):
        slices.append(curve(theta, density[j], theta_dim, zdim, f"T = {T[j]:.3g} keVnr",
                            series_color(i)))  # fmt: skip
    right = overlay(slices, "Angular distribution at fixed recoil energy")
    return (left + right).opts(shared_axes=False)


# ---------------------------------------------------------------------------- nuclear models
def nuclear_plots(data: dict[str, Any], isotope: str, reference: str) -> hv.Layout:
    """|ΔF_W| and |Δσ| in per cent relative to the reference (Pandey Figs. 4–5)."""
    q_dim = dim("q_fm", "Momentum transfer q", "fm⁻¹")
    dF = dim("dF", "|ΔF_W| / F_W", "%")
    dS = dim("dsigma", "|Δσ| / σ", "%")
    ref = model_name(reference)
    F = [curve(data["q_fm"], y, q_dim, dF, model_name(k), series_color(i))
         for i, (k, y) in enumerate(data["F_W"].items())]  # fmt: skip
    S = [curve(data["E_MeV"], y, E_DIM, dS, model_name(k), series_color(i))
         for i, (k, y) in enumerate(data["sigma"].items())]  # fmt: skip
    left = overlay(F, f"Weak form factor of {isotope} relative to {ref}", legend_position="right")
    right = overlay(S, f"Cross section of {isotope} relative to {ref}", legend_position="right")
    return (left + right).opts(shared_axes=False)


def sigma_ff_plots(curves: Any, point: Any, isotopes: tuple[str, ...]) -> hv.Layout:
    """σ(E) with the form factor (solid) and for a point nucleus (dashed), and their ratio."""
    sdim = dim("sigma_cm2", "σ", "cm²")
    rdim = dim("ratio", "σ(with F) / σ(F = 1)")
    layers, ratios = [], []
    for iso in isotopes:
        color = isotope_color(iso)
        layers.append(curve(curves.x, curves.curves[iso], E_DIM, sdim, iso, color, positive=True))
        layers.append(curve(point.x, point.curves[iso], E_DIM, sdim, f"{iso}, F = 1", color,
                            line_dash="dashed", positive=True))  # fmt: skip
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.asarray(curves.curves[iso]) / np.asarray(point.curves[iso])
        ratios.append(curve(curves.x, r, E_DIM, rdim, iso, color))
    top = overlay(layers, "σ(E) with and without F(q)", logy=True,
                  legend_position="right")  # fmt: skip
    bottom = overlay(ratios, "Form-factor suppression σ / σ(F = 1)", legend_position="right",
                     ylim=(0.0, 1.05))  # fmt: skip
    return (top + bottom).opts(shared_axes=False)


# ---------------------------------------------------------------------------- ν–e
def channel_plot(data: dict[str, Any], log_y: bool = True) -> hv.Overlay:
    """Counts per observable bin: CEvNS, ν–e and their sum (steps)."""
    edges = np.asarray(data["edges"])
    centres = 0.5 * (edges[1:] + edges[:-1])
    xdim = dim("observable", "Observed energy", data["unit"])
    ydim = dim("counts", "Counts per bin")
    from cevns_core.experiment import CHANNEL_LABELS

    layers = []
    total = np.zeros_like(centres)
    for i, (key, values) in enumerate(data["binned"].items()):
        total = total + np.asarray(values)
        name = f"{CHANNEL_LABELS.get(key, key)} ({data['counts'].get(key, 0.0):.4g} events)"
        layers.append(curve(centres, values, xdim, ydim, name, series_color(i),
                            interpolation="steps-mid", positive=log_y))  # fmt: skip
    layers.append(curve(centres, total, xdim, ydim, "Sum", SM_COLOR, line_dash="dashed",
                        interpolation="steps-mid", positive=log_y))  # fmt: skip
    return overlay(layers, f"CEvNS and ν–e scattering — {data['title']}", logy=log_y)


# ---------------------------------------------------------------------------- moments, sterile
def transition_plot(data: dict[str, Any]) -> hv.Overlay:
    """√μ²_eff(E) per flavour at the detector (PKK Eqs. 58–61)."""
    ydim = dim("mu_eff", "Effective moment μ_eff", "μ_B")
    layers = [
        curve(data["E_MeV"], y, E_DIM, ydim, flavour_label(f), flavour_color(f))
        for f, y in data["curves"].items()
    ]
    title = f"Effective magnetic moment at {data['distance_m']:g} m (mass-basis moments)"
    return overlay(layers, title)


def sterile_plot(data: dict[str, Any], spread_m: float) -> hv.Overlay:
    """P(ν_α → β) of each source flavour: point baseline dashed, averaged over the spread solid."""
    ydim = dim("P", "Probability")
    layers = []
    i = 0
    for flavour, probs in data["probabilities"].items():
        for final, (point, spread) in probs.items():
            if final == flavour or np.allclose(point, 0.0):
                continue
            what = "sterile" if final == "sterile" else flavour_label(final)
            name = f"{flavour_label(flavour)} → {what}"
            color = series_color(i)
            i += 1
            dashed = {"line_dash": "dashed", "line_width": 1, "show_legend": False}
            layers.append(curve(data["E_MeV"], point, E_DIM, ydim, name, color, **dashed))
            layers.append(curve(data["E_MeV"], spread, E_DIM, ydim, name, color))
    if not layers:
        layers = [hv.Curve(([], []), E_DIM, ydim, label="no mixing")]
    title = f"3+1 oscillation at {data['distance_m']:g} m (dashed: no baseline spread)"
    return overlay(layers, title, logy=False)


# ---------------------------------------------------------------------------- scans
def _axis(model: str, name: str) -> hv.Dimension:
    label, unit = scan_axis_label(model, name)
    return dim(name, label, unit)


def scan_2d_plot(
    items: list[tuple[str, Any]], title: str, *, mass_on_x: bool = True, logx: bool = False,
    logy: bool = False,
) -> hv.Overlay:  # fmt: skip
    """90 % CL contours of 2-D scans (one colour per scan), axes from the first scan's model."""
    first = items[0][1]
    names = list(first.axes)
    xname, yname = (names[1], names[0]) if (mass_on_x and names[1] == "mass_MeV") else names
    xdim, ydim = _axis(first.model, xname), _axis(first.model, yname)
    layers = []
    for i, (label, result) in enumerate(items):
        # one curve per scan, its contour pieces separated by gaps (a Path has no legend entry)
        xs_all, ys_all = [], []
        for lines in result.contours.values():
            for a0, a1 in lines:
                xs, ys = (a1, a0) if xname == names[1] else (a0, a1)
                xs_all += [*np.asarray(xs), np.nan]
                ys_all += [*np.asarray(ys), np.nan]
        color = [NEW_PHYSICS_COLOR, "#1f6f8b", "#E69F00"][i % 3]
        layers.append(curve(xs_all, ys_all, xdim, ydim, label, color, line_width=2.5))
    x, y = np.asarray(first.axes[xname]), np.asarray(first.axes[yname])
    return overlay(
        layers, title, logx=logx, logy=logy, legend_position="right",
        xlim=(float(x.min()), float(x.max())), ylim=(float(y.min()), float(y.max())),
    )  # fmt: skip


def scan_1d_plot(
    items: list[tuple[str, Any]], title: str, published: list[tuple[float, float, str]] = (),
    line_widths: tuple[float, ...] = (3.0, 1.5),
) -> hv.Overlay:  # fmt: skip
    """Δχ² profiles with the 90 % CL level and published intervals shaded."""
    first = items[0][1]
    name = next(iter(first.axes))
    xdim = _axis(first.model, name)
    ydim = dim("dchi2", "Δχ²")
    layers = []
    top = 1.0
    for lo, hi, _label in published:
        layers.append(hv.VSpan(lo, hi).opts(color=SM_COLOR, alpha=0.15))
    for i, (label, result) in enumerate(items):
        x = np.asarray(result.axes[name])
        y = np.asarray(result.delta_chi2)
        top = max(top, float(np.nanmax(y)))
        layers.append(curve(x, y, xdim, ydim, label, series_color(i),
                            line_width=line_widths[i % len(line_widths)]))  # fmt: skip
    level = next(iter(first.levels.values()))
    x = np.asarray(first.axes[name])
    layers.append(curve([x.min(), x.max()], [level, level], xdim, ydim, "90 % CL", SM_COLOR,
                        line_dash="dashed"))  # fmt: skip
    return overlay(layers, title, ylim=(0.0, min(max(top * 1.05, level * 1.5), 50.0)))


def scan_title(model: str) -> str:
    """The core's title of a scan model."""
    return scan_model_title(model)


__all__ += ["PLOT_HEIGHT", "scan_title", "sigma_ff_plots"]
