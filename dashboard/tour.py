"""Guided lessons in the main area: a bar above the tabs that walks through a lesson's steps.

:class:`LessonGuide` holds which lesson and step is shown; every step starts from a known state
(:func:`dashboard.learn.apply_lesson`: the preset, no new physics, the step's values, tab and
display options), so nothing is left over from an earlier step or lesson. The bar also offers
"Reset to preset" and "Clear new physics" at any time.
"""

from __future__ import annotations

from typing import Any

import panel as pn
import param

from .errors import notify_error
from .learn import LESSONS, apply_lesson, clear_new_physics, reset_to_preset
from .state import SessionState

__all__ = ["LessonGuide", "lesson_bar"]

#: Style of the lesson's text box (inside the pane's shadow root): compact, so that on a
#: 1366×768 screen the tab's plots stay in view under it.
_BOX = {
    "border-left": "4px solid var(--cevns-accent, #1f6f8b)",
    "padding": "0px 10px",
    "background": "rgba(31, 111, 139, 0.08)",
    "border-radius": "4px",
    "font-size": "0.92em",
    "line-height": "1.35",
}
#: Paragraphs of the lesson's text without their default margins.
_TEXT_CSS = "p { margin: 4px 0; }"


class LessonGuide(param.Parameterized):
    """The lesson shown (its key, "" for none) and its step."""

    lesson = param.String("", doc="Key of the lesson shown (empty: none).")
    step = param.Integer(0, bounds=(0, None), doc="Index of the step shown.")

    def __init__(self, state: SessionState, **params: Any) -> None:
        super().__init__(**params)
        self.state = state

    def start(self, key: str) -> None:
        """Show the first step of lesson ``key`` ("" ends the lesson)."""
        if not key:
            self.end()
            return
        self.go(0, key)

    def go(self, index: int, key: str | None = None) -> None:
        """Show step ``index`` (of lesson ``key``, default the current one)."""
        key = key or self.lesson
        if key not in LESSONS:
            return
        index = max(0, min(index, len(LESSONS[key].steps) - 1))
        try:
            apply_lesson(self.state, key, index)
        except Exception as exc:  # a notification, the state is kept
            notify_error(exc)
            return
        self.param.update(lesson=key, step=index)

    def end(self) -> None:
        """Leave the lesson (the state stays as it is)."""
        self.param.update(lesson="", step=0)

    def text(self) -> str:
        """Markdown of the step shown (empty without a lesson)."""
        if not self.lesson:
            return ""
        lesson = LESSONS[self.lesson]
        n = len(lesson.steps)
        return f"**{lesson.title}** — step {self.step + 1} of {n}: {lesson.steps[self.step].text}"


def lesson_bar(
    state: SessionState, guide: LessonGuide | None = None, extra: Any = None
) -> pn.Column:
    """The bar above the tabs: lesson selector, Reset to preset, Clear new physics, and the
    shown lesson's step with Back / Next / Repeat step / End lesson; ``extra``: more controls
    for the first row (the figure export)."""
    guide = guide or LessonGuide(state)
    options = {"Choose a guided lesson…": ""} | {v.title: k for k, v in LESSONS.items()}
    select = pn.widgets.Select(
        options=options,
        value=guide.lesson,
        width=250,
        margin=(5, 8),
        description="A lesson is a guided tour: each step sets up the plots for you.",
    )

    def run(action: Any) -> Any:
        def callback(_event: Any = None) -> None:
            try:
                action()
            except Exception as exc:  # a notification, never a traceback
                notify_error(exc)

        return callback

    reset = pn.widgets.Button(label="Reset to preset", margin=(5, 4), width=130)
    reset.description = "Everything but the view back to the chosen preset (no new physics)."
    reset.on_click(run(lambda: reset_to_preset(state)))
    clear = pn.widgets.Button(label="Clear new physics", margin=(5, 4), width=145)
    clear.description = "Back to the Standard Model (the preset's detector and source stay)."
    clear.on_click(run(lambda: clear_new_physics(state)))

    back = pn.widgets.Button(label="◀ Back", width=80, margin=(2, 3))
    forward = pn.widgets.Button(label="Next ▶", width=80, margin=(2, 3), color="primary")
    again = pn.widgets.Button(label="Repeat", width=80, margin=(2, 3))
    again.description = "Set this step up again (undoes what was changed since)."
    end = pn.widgets.Button(label="End", width=60, margin=(2, 3))
    end.description = "End the lesson (the plots stay as they are)."
    back.on_click(lambda _e: guide.go(guide.step - 1))
    forward.on_click(lambda _e: guide.go(guide.step + 1))
    again.on_click(lambda _e: guide.go(guide.step))
    end.on_click(lambda _e: guide.end())
    text = pn.pane.Markdown(
        "", sizing_mode="stretch_width", styles=_BOX, stylesheets=[_TEXT_CSS], margin=(0, 5, 0, 10)
    )
    # the step buttons beside the text: one compact row for the whole lesson
    steps = pn.Row(back, forward, again, end, visible=False, margin=(0, 5))

    def show(*_events: Any) -> None:
        text.object = guide.text()
        text.visible = steps.visible = bool(guide.lesson)
        if guide.lesson:
            n = len(LESSONS[guide.lesson].steps)
            back.disabled = guide.step == 0
            forward.disabled = guide.step >= n - 1
        if select.value != guide.lesson:
            select.value = guide.lesson

    select.param.watch(lambda e: guide.start(e.new) if e.new != guide.lesson else None, "value")
    guide.param.watch(show, ["lesson", "step"])
    show()
    return pn.Column(
        pn.FlexBox(  # wraps onto a second line on a narrow screen instead of being cut
            select,
            reset,
            clear,
            *([extra] if extra is not None else []),
            flex_wrap="wrap",
            align_items="center",
            sizing_mode="stretch_width",
        ),
        pn.Row(text, steps, sizing_mode="stretch_width"),
        sizing_mode="stretch_width",
        css_classes=["cevns-lesson-bar"],
    )
