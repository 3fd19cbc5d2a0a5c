"""The ``"tabulated"`` form-factor model: F(q) of a nucleus from a table (PHYSICS.md §4.7).

:class:`TabulatedModel` evaluates a :class:`~.tables.FormFactorTable` (a user file, a shipped
table, or a table object) like any other model, so a table works wherever a model name does::

    cc.form_factor("tabulated", q_fm, "Ar40")                       # the shipped ⁴⁰Ar table
    cc.differential_cross_section(E, T, "Ar40", form_factor="tabulated",
                                  form_factor_params={"table": "my_ar40.csv"})
    cc.NuclearModel(isotope="Ar40", model="tabulated", model_params={"table": table})

Rules:

* ``table``: a shipped table name (:func:`~.tables.form_factor_tables`), a path to a table file,
  or a :class:`~.tables.FormFactorTable`; None (default) takes the isotope's shipped table when
  there is exactly one.
* A nucleus the table does not describe (another isotope, or none shipped) gets the ``fallback``
  model, e.g. Helm for ³⁶Ar and ³⁸Ar of natural argon; ``fallback="none"`` (default) raises.
* ``nucleons`` selects the distribution. A table with both proton and neutron columns gives
  :class:`~cevns_core.nuclear_model.NuclearModel` its own neutron model
  (:meth:`TabulatedModel.neutron_partner`); a neutron skin or R_n, when set, rescales that
  neutron distribution. A table of F or F_W alone is used for protons and neutrons.
* ``rms_fm`` rescales the distribution (ρ(r) → ρ(r/s)/s³, F(q) → F(sq)) to that rms radius.
* Beyond the table's largest q: ``beyond_table="error"`` (default) or ``"last"``.
* Models are cached by their parameters (as every registry model): a file given by path is read
  when its model is first built; after editing the file, pass the reloaded
  :func:`~.tables.load_form_factor_table` object (or a new path).

The model is registered as ``"tabulated"`` but not listed by
:func:`~cevns_core.form_factors.form_factor_models`, which lists the models that describe every
nucleus from a formula.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

import param

from ..errors import CevnsError
from ..nuclei import Isotope, isotope
from .base import FormFactorModel, _check_parameter_values, _length_param, _rms_arg
from .numerics import FloatArray
from .registry import FORM_FACTOR_MODELS, form_factor_model, register_form_factor
from .tables import (
    BEYOND_TABLE,
    DISTRIBUTIONS,
    FormFactorTable,
    form_factor_table,
    form_factor_tables,
    load_form_factor_table,
)

__all__ = ["TabulatedModel", "resolve_table"]


def resolve_table(table: Any) -> FormFactorTable:
    """A :class:`FormFactorTable` from a table object, a shipped table name or a file path.

    Raises
    ------
    CevnsError
        For anything else, an unknown name or a bad file.
    """
    if isinstance(table, FormFactorTable):
        return table
    if isinstance(table, str) and table in form_factor_tables():
        return form_factor_table(table)
    if isinstance(table, str | os.PathLike):
        text = os.fspath(table)
        if text.endswith(".csv") or os.sep in text or "/" in text:
            return load_form_factor_table(table)
    raise CevnsError(
        f"table must be a FormFactorTable, a path to a table file (.csv) or a shipped table "
        f"({', '.join(form_factor_tables())}); got {table!r}"
    )


@register_form_factor("tabulated", listed=False)
class TabulatedModel(FormFactorModel):
    """Tabulated nuclear structure: F(q) = interpolated table (PHYSICS.md §4.7).

    F(q) = interpolated table F(q) (cubic spline in q²), or F(q) = 4π∫ρ(r) j₀(qr) r² dr of a
    tabulated density; the table's own citation says where its numbers come from (module
    docstring: rules; :mod:`.tables`: file format and numerics).
    """

    label: ClassVar[str] = "Tabulated"
    short_label: ClassVar[str] = "Table"
    equation: ClassVar[str] = (
        "F(q) = interpolated table F(q) (cubic spline in q²), or F(q) = 4π∫ρ(r) j₀(qr) r² dr"
    )
    reference: ClassVar[str] = "PHYSICS.md §4.7; the table's citation"
    parameter_units: ClassVar[dict[str, str]] = {
        "table": "",
        "nucleons": "",
        "rms_fm": "fm",
        "beyond_table": "",
        "fallback": "",
    }
    # the table is a nucleon distribution already: the nuclear model uses it as given
    anchors_on_charge_radius: ClassVar[bool] = False

    table = param.Parameter(
        None,
        label="Table (name, file or object)",
        doc="A shipped table name (form_factor_tables()), a path to a table file (.csv) or a "
        "FormFactorTable; None → the isotope's shipped table.",
    )
    nucleons = param.Selector(
        objects=list(DISTRIBUTIONS),
        default="protons",
        label="Nucleon distribution",
        doc="Which distribution of the table: 'protons' (F_p, F_ch, F or F_W) or 'neutrons' "
        "(F_n, else F or F_W).",
    )
    rms_fm = _length_param(
        None,
        "Rescale the distribution to this rms radius in fm (F(q) → F(sq)); None → the table's.",
        label="rms radius",
        hi=15.0,
        soft=(1.5, 7.0),
    )
    beyond_table = param.Selector(
        objects=list(BEYOND_TABLE),
        default="error",
        label="Beyond the table",
        doc="Above the table's largest q: 'error' (raise) or 'last' (hold the last value).",
    )
    fallback = param.Selector(
        objects=["none", *FORM_FACTOR_MODELS],
        default="none",
        label="Fallback model",
        doc="Model (with its defaults) for nuclei the table does not describe, e.g. 'helm' for "
        "³⁶Ar, ³⁸Ar of natural argon; 'none' raises.",
    )
    isotope_name = param.String(
        None, allow_None=True, precedence=-1, doc="The nucleus (set by for_isotope)."
    )

    def _check_geometry(self) -> None:
        # like the other models without their size (Helm without A), a model without a table
        # can be built; it raises when evaluated
        self._loaded = resolve_table(self.table) if self.table is not None else None
        if self._loaded is None:
            return
        if self.isotope_name is not None and self._loaded.isotope != self.isotope_name:
            raise CevnsError(
                f"table {self._loaded.label!r} describes {self._loaded.isotope}, not "
                f"{self.isotope_name}"
            )
        self._loaded.form_factor(0.0, self.nucleons)  # raises for a missing distribution

    @property
    def _table(self) -> FormFactorTable:
        if self._loaded is None:
            raise CevnsError(
                "TabulatedModel has no table: give table=... or build it with "
                "form_factor_model('tabulated', isotope)"
            )
        return self._loaded

    def _parameter_set(self, name: str) -> None:
        self._check_geometry()

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in ("table", "nucleons", "isotope_name") or not self.__dict__.get(
            "_assignments_checked", False
        ):
            super().__setattr__(name, value)
            return
        before = getattr(self, name)
        try:
            super().__setattr__(name, value)
        except CevnsError:  # a rejected table leaves the model as it was
            param.Parameterized.__setattr__(self, name, before)
            self._check_geometry()
            raise

    @classmethod
    def for_isotope(cls, iso: str | Isotope, **params: Any) -> FormFactorModel:
        """The table's model for ``iso``, or the ``fallback`` model where no table applies."""
        nucleus = isotope(iso)
        _check_parameter_values(cls, params, user_only=True)
        table = params.get("table")
        if table is None:
            shipped = form_factor_tables(nucleus)
            if len(shipped) == 1:
                table = shipped[0]
            elif len(shipped) > 1:
                raise CevnsError(
                    f"several shipped tables describe {nucleus.name} ({', '.join(shipped)}); "
                    "choose one with table=..."
                )
        resolved = resolve_table(table) if table is not None else None
        if resolved is None or resolved.isotope != nucleus.name:
            fallback = params.get("fallback", cls.param.fallback.default)
            if fallback != "none":
                return form_factor_model(fallback, nucleus)
            have = ", ".join(f"{n} ({form_factor_table(n).isotope})" for n in form_factor_tables())
            what = (
                f"table {resolved.label!r} describes {resolved.isotope}"
                if resolved is not None
                else "no table was given and none is shipped for it"
            )
            raise CevnsError(
                f"no form-factor table for {nucleus.name}: {what}. Give table=... (a file or "
                f"one of: {have}) or fallback='helm' (or another model) for such nuclei"
            )
        return cls(**{**params, "table": resolved, "isotope_name": nucleus.name})

    # -- evaluation -----------------------------------------------------------------------------
    @property
    def form_factor_table(self) -> FormFactorTable:
        """The table this model evaluates."""
        return self._table

    @property
    def _scale(self) -> float:
        if self.rms_fm is None:
            return 1.0
        return self.rms_fm / self._table.rms_radius_fm(self.nucleons)

    def _form_factor(self, q: FloatArray) -> FloatArray:
        return self._table.form_factor(
            q, self.nucleons, beyond=self.beyond_table, scale=self._scale
        )

    def _density(self, r: FloatArray) -> FloatArray:
        return self._table.density(r, self.nucleons, scale=self._scale)

    def moment(self, k: int) -> float:
        """⟨r^k⟩ in fm^k: k = 2 always, k = 4, 6 for density tables (scaled by s^k)."""
        return self._table.moment(k, self.nucleons) * self._scale**k

    def numeric_moment(self, k: float) -> float:
        """⟨r^k⟩ from the density (density tables only; k = 2 also from a form-factor table)."""
        if k in (2, 4, 6):
            return self.moment(int(k))
        self._table.density(0.0, self.nucleons)  # raises for a form-factor table
        return super().numeric_moment(k)

    def _r_max(self) -> float:
        return self._table._curve(self.nucleons).r_max * self._scale

    def with_rms(self, rms_fm: float) -> TabulatedModel:
        """The same table rescaled to rms radius ``rms_fm`` (F(q) → F(sq), s = rms_fm/R)."""
        return self._replace(rms_fm=_rms_arg(rms_fm))

    def _replace(self, **changes: Any) -> TabulatedModel:
        # pass the loaded table on: a file is not read again
        return super()._replace(**{"table": self._table, **changes})

    def neutron_partner(self) -> TabulatedModel | None:
        """The table's own neutron distribution (unscaled), if it has one."""
        if self.nucleons == "protons" and self._table.has_neutrons:
            return self._replace(nucleons="neutrons", rms_fm=None)
        return None
