"""The Constraints tab's plots and text: Δχ² maps and profiles, contours, published limits.

:class:`ScanPlots` is mixed into :class:`dashboard.views.constraints.ConstraintsView`: it draws a
scan's data (the pipe's ``{"axes", "dchi2", "contours", "best", "result"}``) with the axes'
labels and units from the core's scan catalogue (:func:`dashboard.labels.scan_axis_label`),
and writes the best fit, intervals and the published constraints of PKK Table II.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np

from cevns_core.fits import published_limits

from ..labels import scan_axis_label, scan_model_title, with_unit
from ..palette import NEW_PHYSICS_COLOR, SM_COLOR, series_color
from ..viewstate import CL_CHOICES
from ._base import PLOT_HEIGHT

__all__ = ["CHI2_DIM", "DCHI2_CAP", "PUBLISHED", "ScanPlots", "axis_label"]

#: Published constraints (PKK Table II) on a scan axis: (model, axis) → (table key, scale).
PUBLISHED: dict[tuple[str, str], tuple[str, float]] = {
    **{
        (f"nsi_{kind}_{lep}{lep}", f"eps_{q}"): (f"eps_{q}{k}_{lep}{lep}", 1.0)
        for kind, k in (("vector", "V"), ("tensor", "T"))
        for lep in ("e", "mu")
        for q in ("u", "d")
    },
    ("charge_radius", "r2_e_cm2"): ("r2_e_1e-32_cm2", 1e-32),
    ("charge_radius", "r2_mu_cm2"): ("r2_mu_1e-32_cm2", 1e-32),
    ("magnetic_moment", "mu_e_muB"): ("mu_nu_e_1e-10_muB", 1e-10),
    ("magnetic_moment", "mu_mu_muB"): ("mu_nu_mu_1e-10_muB", 1e-10),
    ("rn_sin2w", "R_n_fm"): ("R_n_fm_coherent_only", 1.0),
    ("rn_sin2w", "sin2_theta_W"): ("sin2_theta_W_coherent_only", 1.0),
}
#: Δχ² of the 90 % CL for one parameter (χ² quantile, 1 dof): a 1-D profile's y range always
#: reaches above it, so the level that defines a limit is on screen.
PROFILE_LEVEL_SHOWN = 2.705543454095404


#: Colour-scale cap of the Δχ² map.
DCHI2_CAP = 30.0
CHI2_DIM = hv.Dimension("dchi2", label="Δχ²")


def axis_label(model: str, name: str) -> str:
    """``label (unit)`` of a scan axis (the core's catalogue)."""
    return with_unit(*scan_axis_label(model, name))


def _axis_dim(model: str, name: str) -> hv.Dimension:
    label, unit = scan_axis_label(model, name)
    return hv.Dimension(name, label=label, unit=unit or None)


def _second(dim: hv.Dimension) -> hv.Dimension:
    """The far edge of a rectangle along ``dim`` (same label and unit)."""
    return hv.Dimension(f"{dim.name}_2", label=dim.label, unit=dim.unit)


class ScanPlots:
    """Plots and text of a scan (mixed into the Constraints view)."""

    def _xy(self, names: list[str]) -> tuple[str, str]:
        """(x, y) axis names of a 2-D plot: mediator mass on x (PKK Fig. 12), else first on x."""
        if names[1] == "mass_MeV":
            return names[1], names[0]
        return names[0], names[1]

    def plot(self, data: dict[str, Any] | None) -> hv.Overlay:
        """The scan plot for the pipe's data (same element types in every frame)."""
        if data is None or len(data["axes"]) == 2:
            return self._plot_2d(data)
        return self._plot_1d(data)

    def _published(self, name: str, model: str | None = None) -> tuple[float, float, str] | None:
        key = PUBLISHED.get((model or self.model, name))
        if key is None:
            return None
        entry = published_limits()[key[0]]
        scale = key[1]
        if "interval" in entry:
            lo, hi = entry["interval"]
        elif "upper_limit" in entry:
            lo, hi = 0.0, entry["upper_limit"]
        else:
            return None
        label = f"{entry['dataset']}, {entry['cl']}"
        if entry.get("note"):  # what reproducing the row showed (e.g. tensor NSI)
            label += f"; note: {entry['note']}"
        return lo * scale, hi * scale, label

    def _plot_2d(self, data: dict[str, Any] | None) -> hv.Overlay:
        if data is None:
            names = self.axis_names()[:2]
            axes = {n: np.array([0.0, 1.0]) for n in names}
            dchi2 = np.zeros((2, 2))
        else:
            axes = data["axes"]
            names = list(axes)
            dchi2 = (
                data["dchi2"]
                if data["dchi2"] is not None
                else np.zeros(tuple(len(v) for v in axes.values()))
            )
        xname, yname = self._xy(names)
        x, y = np.asarray(axes[xname]), np.asarray(axes[yname])
        z = np.minimum(np.asarray(dchi2), DCHI2_CAP)
        z = z if names[0] == yname else z.T  # QuadMesh wants (len(y), len(x))
        model = data["model"] if data and "model" in data else self.model
        xdim, ydim = _axis_dim(model, xname), _axis_dim(model, yname)
        mesh = hv.QuadMesh((x, y, z), [xdim, ydim], CHI2_DIM).opts(
            cmap="viridis_r",
            colorbar=True,
            clim=(0.0, DCHI2_CAP),
            tools=["hover"],
            clabel=f"Δχ² (capped at {DCHI2_CAP:g})",
        )
        paths = []
        for i, (cl, lines) in enumerate((data or {}).get("contours", {}).items()):
            segs = []
            for a0, a1 in lines:
                xs, ys = (a1, a0) if names[0] == yname else (a0, a1)
                segs.append(np.column_stack([xs, ys]))
            label = next((k for k, v in CL_CHOICES.items() if v == cl), f"{cl:g}")
            paths.append(
                hv.Path(segs, [xdim, ydim], label=f"{label} CL").opts(
                    color=[NEW_PHYSICS_COLOR, "white", "#E69F00", "#56B4E9"][i % 4], line_width=2.5
                )
            )
        if not paths:
            paths.append(hv.Path([], [xdim, ydim], label="contour"))
        boxes = []
        for name, along_x in ((xname, True), (yname, False)):
            pub = self._published(name, model)
            if pub is None:
                continue
            lo, hi, _ = pub
            if along_x:
                boxes.append((lo, float(y.min()), hi, float(y.max())))
            else:
                boxes.append((float(x.min()), lo, float(x.max()), hi))
        rects = hv.Rectangles(
            boxes,
            [xdim, ydim, _second(xdim), _second(ydim)],
            label="Published (PKK Table II)",
        ).opts(
            fill_alpha=0.12,
            fill_color=SM_COLOR,
            line_color=SM_COLOR,
            line_dash="dashed",
            show_legend=bool(boxes),
        )
        best = (data or {}).get("best")
        pts = []
        if best and best.get("index") is not None:
            pts = [(best[xname], best[yname])]
        points = hv.Points(pts, [xdim, ydim], label="Best fit").opts(
            color="white", marker="star", size=14, line_color="black", show_legend=bool(pts)
        )
        logx = bool(np.all(x > 0) and self._log_of(xname))
        logy = bool(np.all(y > 0) and self._log_of(yname))
        title = f"Δχ² — {scan_model_title(model)}"  # the scanned model's (not the selector's)
        if data and data.get("contours"):
            title += " — contours " + ", ".join(
                next((k for k, v in CL_CHOICES.items() if v == cl), f"{cl:g}")
                for cl in data["contours"]
            )
        return hv.Overlay([mesh, rects, *paths, points]).opts(
            title=title,
            logx=logx,
            logy=logy,
            responsive=True,
            min_height=PLOT_HEIGHT + 100,
            framewise=True,
            legend_position="right",
            fontscale=0.95,
        )

    def _log_of(self, name: str) -> bool:
        names = self.axis_names()
        return bool(getattr(self, f"a{names.index(name)}_log")) if name in names else False

    def _plot_1d(self, data: dict[str, Any]) -> hv.Overlay:
        result = data.get("result")
        model = data.get("model", self.model)
        name = next(iter(data["axes"]))
        xdim = _axis_dim(model, name)
        x = np.asarray(data["axes"][name])
        y = np.asarray(result.delta_chi2) if result is not None else np.zeros_like(x)
        curve = hv.Curve((x, y), xdim, CHI2_DIM, label="Δχ²").opts(
            color=NEW_PHYSICS_COLOR, line_width=2, tools=["hover"]
        )
        top = max(float(np.max(y)) if y.size else 1.0, 1.0)
        levels = []
        heights = [PROFILE_LEVEL_SHOWN]  # the 90 % CL level is always inside the y range
        if result is not None:
            for i, cl in enumerate(self.levels):
                level = result.threshold(cl)
                heights.append(level)
                label = next((k for k, v in CL_CHOICES.items() if v == cl), f"{cl:g}")
                levels.append(
                    hv.Path(
                        [np.array([[x.min(), level], [x.max(), level]])],
                        [xdim, CHI2_DIM],
                        label=f"{label} CL",
                    ).opts(color=series_color(i), line_dash="dashed")
                )
        if not levels:
            levels.append(hv.Path([], [xdim, CHI2_DIM], label="level"))
        y_top = max(min(top * 1.05, 50.0), 1.25 * max(heights))
        pub = self._published(name, model)
        boxes = [(pub[0], 0.0, pub[1], y_top)] if pub else []
        rects = hv.Rectangles(
            boxes,
            [xdim, CHI2_DIM, _second(xdim), "dchi2_2"],
            label="Published (PKK Table II)",
        ).opts(fill_alpha=0.15, fill_color=SM_COLOR, line_alpha=0, show_legend=bool(boxes))
        logx = bool(np.all(x > 0) and self._log_of(name))
        return hv.Overlay([rects, curve, *levels]).opts(
            title=f"Δχ² profile — {scan_model_title(model)}",
            logx=logx,
            responsive=True,
            min_height=PLOT_HEIGHT + 100,
            framewise=True,
            legend_position="right",
            fontscale=0.95,
            ylim=(0.0, y_top),
        )

    # --------------------------------------------------------------------------- text
    def info_text(self, result: Any, contours: dict[float, Any]) -> str:
        """Best fit, χ² minimum, intervals (1-D) and the published constraints shown."""
        best = result.best_fit
        lines = [f"**{scan_model_title(result.model)}** on {self._experiment_title()}"]
        point = ", ".join(
            f"{scan_axis_label(result.model, k)[0]} = {v:.4g}"
            for k, v in best.items()
            if k not in ("chi2", "index") and isinstance(v, float)
        )
        where = "no-new-physics point" if best.get("index") is None else "grid point"
        lines.append(
            f"Best fit ({where}): {point}; χ²_min = {result.chi2_min:.4g}, "
            f"χ²(SM) = {result.chi2_null:.4g}"
        )
        if len(result.axes) == 1:
            for cl, intervals in contours.items():
                text = ", ".join(f"[{iv.lo:.4g}, {iv.hi:.4g}]" for iv in intervals) or "none"
                lines.append(f"{cl:.0%} CL interval(s): {text}")
        for name in result.axes:
            pub = self._published(name)
            if pub:
                label = scan_axis_label(result.model, name)[0]
                lines.append(f"Published {label}: [{pub[0]:.4g}, {pub[1]:.4g}] ({pub[2]})")
        return "  \n".join(lines)
