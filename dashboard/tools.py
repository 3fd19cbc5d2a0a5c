"""Sidebar card "Save, load & export": configuration file, data downloads, report, script.

* Save configuration (JSON, :mod:`dashboard.config`) / Load configuration (a bad file gives an
  error notification and the current state is kept);
* the Recoil spectra tab's data: dN/dT as CSV and JSON, the observed spectrum as CSV
  (:mod:`dashboard.export`; units in the headers);
* an HTML report of the tab (self-contained) and "Copy as Python": a ``cevns_core`` script
  reproducing the numbers (shown in a text area with a copy button, and downloadable).

PNG images come from the save tool of every plot's Bokeh toolbar.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import panel as pn

from . import export
from .config import apply_config, config_to_json, load_config, state_to_config
from .errors import notify_error
from .sidebar import lazy_card
from .state import SessionState
from .upload import BoundedFileDropper

__all__ = ["tools_card"]


# ``source`` is the clicked button's model (Panel passes it); the button itself must not be one
# of the ``args``: Panel's registry of links holds its callbacks in a dictionary weakly keyed
# by the button, and a callback holding the button kept every page's button (and its page's
# text area) alive after the session ended.
_COPY_JS = """
navigator.clipboard.writeText(script.value).then(
  () => { source.label = 'Copied'; setTimeout(() => { source.label = 'Copy as Python'; }, 1500); },
  () => { source.label = 'Copy failed: select the text'; });
"""


def _download(label: str, filename: str, make: Any) -> pn.widgets.FileDownload:
    def callback() -> io.BytesIO:
        try:
            return io.BytesIO(make().encode("utf-8"))
        except Exception as exc:  # a notification, never a traceback
            notify_error(exc)
            return io.BytesIO(b"")

    return pn.widgets.FileDownload(
        callback=callback,
        filename=filename,
        label=label,
        sizing_mode="stretch_width",
        margin=(2, 5),
    )


def tools_card(
    state: SessionState, spectra: Any = None, shown_view: Callable[[], Any] | None = None
) -> pn.Card:
    """The card; ``spectra``: the page's Recoil spectra view (its binning and x scale);
    ``shown_view()``: the view of the page's shown tab (its plot data)."""

    def shown_tables() -> list[export.Table]:
        if shown_view is None:
            return []
        return export.plot_tables(export.view_plots(shown_view()), state.spec())

    def n_points() -> int:
        from .views.spectra import N_POINTS

        return N_POINTS

    def log_x() -> bool:
        return bool(getattr(spectra, "log_x", False))

    def n_bins() -> int:
        return int(getattr(spectra, "n_bins", 40))

    save = _download(
        "Save configuration", "cevns-config.json", lambda: config_to_json(state_to_config(state))
    )
    save.description = "The experiment (the core's spec), the band and the view, as JSON."
    # a FileDropper uploads in chunks (a file input sends one websocket message, and one
    # above the server's message limit closes the session); files above the server's
    # --max-upload-size are refused in the browser and, chunk by chunk, on the server;
    # files above MAX_CONFIG_BYTES but below that reach load_config, which names the limit
    upload = BoundedFileDropper(
        accepted_filetypes=[".json", "application/json"],
        multiple=False,
        sizing_mode="stretch_width",
    )

    listed: dict[str, Any] = {}  # the dropper's files already handled (it edits its value)

    def on_upload(event: Any) -> None:
        # the value holds every file the dropper lists ({name: content}): take the new one
        added = [v for k, v in event.new.items() if listed.get(k) is not v]
        listed.clear()
        listed.update(event.new)
        if not added:
            return  # a file was removed from the list
        try:
            apply_config(state, load_config(added[-1]))
        except Exception as exc:  # bad file: notify, keep the state
            notify_error(exc)
            return
        if pn.state.notifications is not None:
            pn.state.notifications.success("Configuration loaded", duration=3000)

    upload.param.watch(on_upload, "value")

    def contents() -> list[Any]:
        def recoil() -> export.Table:
            return export.recoil_spectrum_table(state.spec(), n_points(), log_x())

        def script() -> str:
            return export.python_script(state.spec(), n_points(), log_x())

        def report() -> str:
            # the current frames as static plots (embedding the live view would embed every
            # widget state: minutes and megabytes), the counts table and the parameters
            rows = export.parameter_rows(state.values())
            title = "CEvNS workbench — Recoil spectra"
            if spectra is None:
                return export.bokeh_report([], "", title, rows)
            counts, caption = spectra.counts_frame()
            table = counts.to_html(index=False, escape=True, border=1)
            caption_text = caption.replace("**", "").replace("*", "")  # Markdown → plain text
            html = f"<h3>Expected events</h3><p>{export._escape(caption_text)}</p>{table}"
            return export.bokeh_report(spectra.figures(), html, title, rows)

        code = pn.widgets.TextAreaInput(
            value="", rows=8, sizing_mode="stretch_width", disabled=False, visible=False
        )
        copy = pn.widgets.Button(label="Copy as Python", sizing_mode="stretch_width", margin=(2, 5))
        show = pn.widgets.Button(
            label="Show Python script", sizing_mode="stretch_width", margin=(2, 5)
        )
        copy.js_on_click(args={"script": code}, code=_COPY_JS)

        def refresh_code(*_: Any) -> None:
            try:
                code.value = script()
            except Exception:  # an invalid choice: the plots already say so
                code.value = "# the current choices are invalid (see the notifications)"

        def on_show(_: Any) -> None:
            code.visible = not code.visible
            if code.visible:
                refresh_code()

        show.on_click(on_show)
        state.param.watch(refresh_code, list(state.EXPERIMENT_INPUTS))
        refresh_code()
        return [
            pn.pane.Markdown("**Shown tab's plot data** (PNG: toolbar save tool)", margin=(0, 10)),
            _download(
                "Plot data (CSV)", "plot_data.csv", lambda: export.tables_to_csv(shown_tables())
            ),
            _download(
                "Plot data (JSON)", "plot_data.json", lambda: export.tables_to_json(shown_tables())
            ),
            pn.pane.Markdown("**Recoil spectra data**", margin=(0, 10)),
            _download("dN/dT (CSV)", "recoil_spectrum.csv", lambda: export.to_csv(recoil())),
            _download("dN/dT (JSON)", "recoil_spectrum.json", lambda: export.to_json(recoil())),
            _download(
                "Observed spectrum (CSV)",
                "observed_spectrum.csv",
                lambda: export.to_csv(export.observed_table(state.spec(), n_bins())),
            ),
            _download("HTML report", "cevns_report.html", report),
            _download("Python script (.py)", "reproduce_cevns.py", script),
            copy,
            show,
            code,
        ]

    # the exports are built on first opening (their ~20 models cost every page); the dropper
    # is there from the start (one added to a page later had its upload messages refused)
    load = pn.pane.Markdown("**Load configuration**", margin=(0, 10))
    return lazy_card("Save, load & export", contents, save, load, upload)
