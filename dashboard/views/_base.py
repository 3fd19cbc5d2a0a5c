"""Machinery shared by the tabs: guarded plot callbacks, common plot options, tables.

A tab is a :class:`TabView`: a ``pn.viewable.Viewer`` holding the session state and its own
display parameters. Its plots are ``hv.DynamicMap`` s fed by ``hv.streams.Params`` on the state
parameters they depend on (so zoom survives an update), built by :meth:`TabView.dynamic` (the
Recoil spectra tab, which follows every input, uses live Bokeh figures instead: ``_live.py``). Every
callback goes through :meth:`TabView.guard`: an exception becomes a notification and the plot
keeps its last good frame (HoloViews rule: a callback always returns the same element type).
Display options that change the axis type (log/linear) rebuild the plot instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import math
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
import param
from panel.io.state import set_curdoc

from ..errors import notify_error, notify_warnings
from ..state import SessionState
from ..viewstate import TABS

__all__ = [
    "LEGEND_OPTS",
    "LEGEND_POSITION",
    "PAGE_CHROME_PX",
    "PLOT_HEIGHT",
    "POOL",
    "TabView",
    "empty_curve",
    "fmt",
    "layout_rows",
    "outside",
    "plot_options",
    "scientific_ticks",
    "served",
    "table_widget",
    "viewport_css",
    "wrap_title",
]

#: Seconds a deferred computation waits, so the plots already updated reach the browser first.
DEFER_DELAY_S = 0.05
#: Worker threads for deferred computations (numpy releases the GIL; 2 cores).
POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dashboard")

#: Smallest plot height in px (and the height of figures outside the page: reports, exports).
PLOT_HEIGHT = 330
#: What the page takes above and below a tab's plots (header, lesson bar, formula, tab headers,
#: the tab's controls), px: the plots of a tab share the rest of the window's height.
PAGE_CHROME_PX = 390


def layout_rows(obj: Any) -> int:
    """Rows of plots of a HoloViews object (a layout's rows, else 1)."""
    if isinstance(obj, hv.Layout):
        return max(1, math.ceil(len(obj) / max(1, obj._max_cols)))
    return 1


def viewport_css(rows: int = 1, *, minus_px: int = 0, min_px: int = PLOT_HEIGHT) -> str:
    """A stylesheet giving a plot (its ``:host``) a height that follows the window: the
    window's height less :data:`PAGE_CHROME_PX`, shared by ``rows`` rows of plots, less
    ``minus_px``, never below ``min_px``. Pure CSS, so the browser resizes the plot without a
    round trip (no jump on load, and it follows a resized window or a projector's screen)."""
    height = f"calc((100vh - {PAGE_CHROME_PX}px) / {rows} - {minus_px}px)"
    # min-height, not height: a plot in a column of a flex layout is sized by its flex basis
    # (height is ignored there); max-height: Bokeh caps a stretching plot at its parent's height
    return (
        f":host {{ min-height: max({min_px}px, {height}) !important; "
        "max-height: none !important; }"
    )


def fmt(value: float, digits: int = 4) -> str:
    """A number for a table: fixed for ordinary magnitudes, scientific otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.{digits}g}"
    return f"{value:.{digits - 1}e}"


def empty_curve(kdim: hv.Dimension, vdim: hv.Dimension, label: str = "") -> hv.Curve:
    """A curve without points (the placeholder of an overlay that has nothing to show yet)."""
    empty = np.array([], dtype=float)
    return hv.Curve((empty, empty), kdims=[kdim], vdims=[vdim], label=label)


#: Style of the number tables (inside the pane's shadow root, where page CSS does not reach).
TABLE_CSS = """
table.cevns-table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
table.cevns-table th, table.cevns-table td {
  padding: 3px 8px; text-align: right; border-bottom: 1px solid rgba(127, 127, 127, 0.35);
}
table.cevns-table th:first-child, table.cevns-table td:first-child { text-align: left; }
table.cevns-table tr:hover td { background: rgba(127, 127, 127, 0.12); }
"""


def table_widget(df: pd.DataFrame, **kw: Any) -> pn.pane.DataFrame:
    """A compact HTML table of ``df`` (no index).

    An HTML table rather than a Tabulator: Bokeh's ``ColumnDataSource.from_df`` (used by the
    Tabulator) calls ``reset_index(inplace=True)``, which pandas ≥ 3.1 deprecates loudly.
    """
    options = {
        "index": False,
        "sizing_mode": "stretch_width",
        "escape": True,
        "border": 0,
        "classes": ["cevns-table"],
        "max_height": 330,
        "stylesheets": [TABLE_CSS],
    }
    options.update(kw)
    return pn.pane.DataFrame(df, **options)


#: True while a served page is being built (:func:`building_page`).
_BUILDING = contextvars.ContextVar("dashboard_page_building", default=False)


@contextlib.contextmanager
def building_page() -> Iterator[None]:
    """Mark the views made inside as parts of a page being built.

    A shown tab then computes its first results inside the build (in the page-build thread),
    not after the document was sent: replacing a pane's figure in a sent document makes Panel
    and Bokeh walk the whole page again, about four times the cost of drawing it at once.
    """
    token = _BUILDING.set(True)
    try:
        yield
    finally:
        _BUILDING.reset(token)


def served() -> bool:
    """True inside a served session (an event loop to defer work to), False in tests/notebooks."""
    doc = pn.state.curdoc
    return bool(doc is not None and doc.session_context is not None)


class TabView(pn.viewable.Viewer):
    """Base class of the tabs (see the module docstring)."""

    state = param.ClassSelector(class_=SessionState, doc="The session's choices.")
    shown = param.Boolean(
        default=True, precedence=-1, doc="Whether the tab is on screen (set by the page)."
    )
    refresh_plots = param.Event(precedence=-1, doc="Redraw the plots (after being hidden).")

    #: The tab's key in :data:`dashboard.viewstate.TABS` (its options live in the state).
    TAB: ClassVar[str] = ""

    def __init__(self, **params: Any) -> None:
        if "state" not in params:
            params["state"] = SessionState()
        self._given = {k: v for k, v in params.items() if k not in ("state", "name")}
        super().__init__(**params)
        self._last: dict[str, Any] = {}
        self._generation: dict[str, int] = {}
        self._pending: dict[str, Callable[[], None]] = {}
        self._stale = False
        self._applying_options = False

    # --------------------------------------------------------------------------- options
    def sync_options(self) -> None:
        """Tie the tab's display options to the state's ``view_options`` (both ways), so that
        the URL and saved configurations hold them. Called at the end of a view's
        ``__init__``: options given to the constructor win over the state's."""
        tab = next(t for t in TABS if t.key == self.TAB)
        self._options = tab
        names = [n for n in tab.options.param if n != "name"]
        self.apply_options()
        given = {k: v for k, v in self._given.items() if k in names}
        self._applying_options = True
        try:
            for group in ([k for k in given if k in tab.first], list(given)):
                self.param.update(**{k: given[k] for k in group})
        finally:
            self._applying_options = False
        self.param.watch(self._options_to_state, names)
        self.state.param.watch(self.apply_options, "view_options")
        self._options_to_state()

    def option_default(self, name: str) -> Any:
        """An option's default given the others (a scan model has its own axis ranges)."""
        return self._options.options.param[name].default

    def apply_options(self, *_events: Any) -> None:
        """Set the options from the state (``first`` ones before the rest; an option the state
        does not hold takes its default)."""
        tab = self._options
        stored = self.state.view_options.get(self.TAB, {})
        names = [n for n in tab.options.param if n != "name"]
        self._applying_options = True
        try:  # the first ones may reset others (a scan model resets its ranges): then the rest
            for group in ([k for k in names if k in tab.first], names):
                values = {k: stored.get(k, self.option_default(k)) for k in group}
                changed = {k: v for k, v in values.items() if getattr(self, k) != v}
                if changed:
                    self.param.update(**changed)
        finally:
            self._applying_options = False

    def _options_to_state(self, *_events: Any) -> None:
        """Write the options that differ from their defaults to the state."""
        if self._applying_options:
            return
        values = {}
        for name in self._options.options.param:
            if name == "name":
                continue
            value = getattr(self, name)
            if value != self.option_default(name):
                values[name] = list(value) if isinstance(value, tuple) else value
        options = {k: v for k, v in self.state.view_options.items() if k != self.TAB}
        if values:
            options[self.TAB] = values
        if options != self.state.view_options:
            self.state.view_options = options

    # --------------------------------------------------------------------------- visibility
    def set_shown(self, shown: bool) -> None:
        """The page shows or hides the tab.

        A hidden tab does no work: its plots keep their last frame and its tables queue their
        updates (Panel's dynamic tabs drop a hidden tab's models, and updating those would make
        Panel fall back to CDN stylesheet URLs). When shown again, queued updates run and the
        plots redraw if anything they depend on changed meanwhile.
        """
        self.shown = shown
        if not shown:
            for part in vars(self).values():  # live figures: drawn anew when shown again
                if hasattr(part, "mark_hidden"):
                    part.mark_hidden()
            return
        pending, self._pending = self._pending, {}
        for update in pending.values():
            update()
        if self._stale:
            self._stale = False
            self.param.trigger("refresh_plots")

    def on_shown(self, key: str, update: Callable[[], None]) -> None:
        """Run ``update`` now if the tab is shown, else when it is next shown (latest wins)."""
        if self.shown:
            update()
        else:
            self._pending[key] = update

    # --------------------------------------------------------------------------- errors
    def guard(self, key: str, compute: Callable[[], Any], placeholder: Callable[[], Any]) -> Any:
        """``compute()``; on an exception notify and return the last good value (or the
        placeholder when there is none). Warnings in a result's ``warnings`` are shown."""
        try:
            value = compute()
        except Exception as exc:  # the page must never show a traceback or die
            notify_error(exc)
            if key in self._last:
                return self._last[key]
            return placeholder()
        self._last[key] = value
        return value

    def defer(self, key: str, compute: Callable[[], Any], apply: Callable[[Any], None]) -> None:
        """Run ``compute()`` off the event loop, then ``apply(result)`` on it.

        In a served session the computation runs in :data:`POOL` after the current callback has
        flushed its plot updates; a newer request for the same ``key`` makes an older result
        stale (dropped). ``compute`` must only use plain data (specs), never widgets. Errors
        become notifications and ``apply`` is not called (the last good display stays). Outside a
        server (tests, notebooks) everything runs at once, and so does a shown tab's first work
        while its page is being built (:func:`building_page`).
        """
        generation = self._generation.get(key, 0) + 1
        self._generation[key] = generation

        def fail(exc: BaseException) -> None:
            notify_error(exc)

        if not served() or (self.shown and _BUILDING.get()):
            try:
                value = compute()
            except Exception as exc:
                fail(exc)
                return
            apply(value)
            return

        doc = pn.state.curdoc

        def locked(callback: Callable[[], None]) -> None:
            # back on the event loop as an ordinary (document-locked) session callback
            def run_callback() -> None:
                with set_curdoc(doc):
                    try:
                        callback()
                    except Exception as exc:  # never a traceback for the user
                        fail(exc)

            if doc.session_context is None or getattr(doc.session_context, "destroyed", False):
                return  # the session ended while the work ran: nothing left to update
            try:
                doc.add_next_tick_callback(run_callback)
            except AttributeError:  # document already torn down (race with session cleanup)
                return

        async def run() -> None:
            loop = asyncio.get_running_loop()
            # let the event loop send the updates of the current callback first
            await asyncio.sleep(DEFER_DELAY_S)
            if self._generation.get(key) != generation:
                return
            try:
                value = await loop.run_in_executor(POOL, compute)
            except Exception as exc:
                if self._generation.get(key) == generation:
                    locked(lambda exc=exc: fail(exc))
                return
            if self._generation.get(key) == generation:
                locked(lambda: apply(value))

        pn.state.execute(run)

    def warn(self, messages: Iterable[str]) -> None:
        """Show the core's warnings of a result (once per message and session)."""
        notify_warnings(messages)

    # --------------------------------------------------------------------------- plots
    def dynamic(
        self,
        callback: Callable[..., Any],
        state_inputs: Iterable[str] = (),
        view_inputs: Iterable[str] = (),
    ) -> hv.DynamicMap:
        """A DynamicMap of ``callback`` that re-runs when the given parameters change."""
        streams = []
        state_inputs = list(state_inputs)
        view_inputs = [*view_inputs, "refresh_plots"]
        if state_inputs:
            streams.append(hv.streams.Params(parameterized=self.state, parameters=state_inputs))
        streams.append(hv.streams.Params(parameterized=self, parameters=view_inputs))
        frame: dict[str, Any] = {}

        def run(**_: Any) -> Any:
            if not self.shown and "last" in frame:
                self._stale = True  # redraw when shown again
                return frame["last"]
            frame["last"] = callback()
            return frame["last"]

        return hv.DynamicMap(run, streams=streams)

    @staticmethod
    def pane(obj: Any, *, rows: int = 1, minus_px: int = 0, **kw: Any) -> pn.pane.HoloViews:
        """A HoloViews pane as wide as its place and as high as the window allows for a tab
        with ``rows`` rows of plots (:func:`viewport_css`)."""
        min_px = kw.pop("min_height", PLOT_HEIGHT)
        options = {
            "sizing_mode": "stretch_both",
            "min_height": min_px,
            "linked_axes": False,
            "stylesheets": [viewport_css(rows, minus_px=minus_px, min_px=min_px)],
        }
        options.update(kw)
        return pn.pane.HoloViews(obj, **options)

    @staticmethod
    def base_opts(title: str, *, logx: bool = False, logy: bool = False, **kw: Any) -> dict:
        """Options of an overlay (see :func:`plot_options`)."""
        return plot_options(title, logx=logx, logy=logy, **kw)


#: Titles longer than this (characters) break into two lines, so that they fit a plot half
#: as wide as the main area of a 1366 px screen.
TITLE_WRAP = 44


def wrap_title(text: str) -> str:
    """``text`` on two lines when longer than :data:`TITLE_WRAP`: after its first " —", else at
    the last space that keeps the first line short enough (the line break replaces a space:
    the title read on one line is the text)."""
    if len(text) <= TITLE_WRAP or "\n" in text:
        return text
    head, sep, tail = text.partition(" — ")
    if sep and len(head) <= TITLE_WRAP:
        return f"{head} —\n{tail}"
    cut = text.rfind(" ", 0, TITLE_WRAP)
    return text if cut <= 0 else f"{text[:cut]}\n{text[cut + 1 :]}"


def scientific_ticks(plot: Any, _element: Any) -> None:
    """HoloViews hook: linear axes label large and small numbers as 1.2e+13, never as
    12000000000000 (log axes keep their 10ⁿ labels); the save tool names its PNG after the
    plot; a long title breaks into two lines (:func:`wrap_title`)."""
    from bokeh.models import BasicTickFormatter, LinearAxis, SaveTool

    from ..figure_export import save_name

    fig = plot.state
    for axis in [*fig.xaxis, *fig.yaxis]:
        if type(axis) is LinearAxis:
            axis.formatter = BasicTickFormatter(power_limit_high=4, power_limit_low=-3)
    for tool in fig.select({"type": SaveTool}):  # the toolbar's PNG: named after the plot
        tool.filename = save_name("", str(fig.title.text or "plot").replace("\n", " "))
    if fig.title is not None and fig.title.text:
        fig.title.text = wrap_title(str(fig.title.text))


def plot_options(title: str, *, logx: bool = False, logy: bool = False, **kw: Any) -> dict:
    """Options of a HoloViews overlay: title, axes, legend, responsive sizing, hover tools,
    scientific tick labels."""
    options = {
        "title": title,
        "logx": logx,
        "logy": logy,
        "responsive": True,
        "min_height": PLOT_HEIGHT,
        "legend_position": LEGEND_POSITION,
        "show_grid": True,
        "framewise": True,
        "toolbar": "right",
        "fontscale": 0.95,
        "hooks": [scientific_ticks],
        "legend_opts": dict(LEGEND_OPTS),
    }
    options.update(kw)
    options["legend_position"] = outside(options["legend_position"])
    return options


#: Where legends go: right of the plotting area, never over the curves.
LEGEND_POSITION = "right"
#: A compact legend (it takes width from the plot); a click on an entry hides its curve.
LEGEND_OPTS = {
    "click_policy": "hide",
    "label_text_font_size": "9pt",
    "glyph_width": 18,
    "padding": 4,
    "spacing": 0,
    "margin": 4,
    "background_fill_alpha": 0.0,
    "border_line_alpha": 0.0,
}


def outside(position: str) -> str:
    """A legend position outside the plotting area (positions inside it become
    :data:`LEGEND_POSITION`)."""
    return position if position in ("right", "left", "top", "bottom") else LEGEND_POSITION
