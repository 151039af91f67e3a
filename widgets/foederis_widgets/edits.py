"""The Explorer's what-if panel: choose an edit of the world, apply it, undo it.

:class:`EditsPanel` offers the edits of :data:`EDIT_KINDS` (a state leaves a treaty, add /
remove / re-weight a commitment, scale a capability, dissolve a treaty), writes them to the
model (``ScenarioModel.add_edit``), and lists the model's edits, each with its undo button.
The kinds of commitment come from the one table, ``foederis._constants.KINDS``.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np

from foederis._constants import KINDS
from foederis.errors import ParameterError
from foederis.world import describe_edit

from ._controls import StatePicker, close_all, esc, guard, tag
from .panels import Panel, heading
from foederis._validate import shown

__all__ = ["EditsPanel", "EDIT_KINDS", "KIND_CHOICES", "treaties_of", "treaty_options"]

#: label -> World edit op, as offered in the what-if panel
EDIT_KINDS: dict[str, str] = {
    "state leaves a treaty": "without_member",
    "add a guarantee (commitment)": "with_commitment",
    "remove a commitment": "without_commitment",
    "re-weight a commitment": "reweight",
    "scale a capability": "scale_capability",
    "dissolve a treaty": "without_treaty",
}
#: the kinds of commitment an edit can name, in the table's order
KIND_CHOICES: tuple[str, ...] = tuple(k.name for k in KINDS)

_guard = guard(lambda self: self.show_error)


def treaties_of(world: Any, code: str) -> list[str]:
    """Names of the treaties in which state ``code`` gives or receives a commitment."""
    i = world.index(code)
    t = np.concatenate([world.treaty[world.guarantors == i], world.treaty[world.indices == i]])
    t = np.unique(t[t >= 0])
    return [world.treaty_names[k] for k in t]


def treaty_options(names: list[str]) -> list[tuple[str, str]]:
    """Dropdown options: named treaties first (NATO, CSTO ...), then numbered ATOP ones."""
    named = sorted((n for n in names if not n.startswith("ATOP ")), key=str.lower)
    atop = sorted((n for n in names if n.startswith("ATOP ")),
                  key=lambda s: (len(s), s))
    return [(n, n) for n in named + atop]


def _code_or_none(world: Any, code: str) -> str | None:
    return code if code in set(world.codes.tolist()) else None


class EditsPanel(Panel):
    """What-if edits: the choice of edit and its fields, Apply, and the list with undo."""

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        world = model.base_world
        label = {"description_width": "72px"}
        self.edit_op = tag(W.Dropdown(options=list(EDIT_KINDS.items()),
                                      value="without_member", description="what if",
                                      style={"description_width": "60px"},
                                      layout=W.Layout(width="300px")), "fx-edit-op")
        self.edit_state = StatePicker(world, "state", _code_or_none(world, "TUR"),
                                      css="fx-edit-state")
        self.edit_treaty = tag(W.Dropdown(description="treaty", options=[], style=label,
                                          layout=W.Layout(width="300px")), "fx-edit-treaty")
        self.edit_guarantor = StatePicker(world, "guarantor", _code_or_none(world, "USA"),
                                          css="fx-edit-guarantor")
        self.edit_protege = StatePicker(world, "protege", _code_or_none(world, "TAW"),
                                        css="fx-edit-protege")
        self.edit_kind = tag(W.Dropdown(description="kind", options=list(KIND_CHOICES),
                                        value="GUARANTEE", style=label,
                                        layout=W.Layout(width="230px")), "fx-edit-kind")
        self.edit_credibility = tag(W.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.05,
                                                  description="credibility",
                                                  continuous_update=False, style=label,
                                                  layout=W.Layout(width="300px")),
                                    "fx-edit-credibility")
        self.edit_factor = tag(W.BoundedFloatText(value=0.5, min=0.0, max=1e6, step=0.1,
                                                  description="× factor", style=label,
                                                  layout=W.Layout(width="180px")),
                               "fx-edit-factor")
        self.edit_apply = tag(W.Button(description="Apply what-if", button_style="info",
                                       layout=W.Layout(width="130px")), "fx-edit-apply")
        self.clear_edits = tag(W.Button(description="undo all", layout=W.Layout(
            width="90px")), "fx-clear-edits")
        self.edit_fields = W.VBox([])
        self.edit_list = tag(W.VBox([]), "fx-edits")
        self.edit_op.observe(self._on_edit_op, "value")
        self.edit_state.observe(self._on_edit_state, "value")
        self.edit_apply.on_click(self._on_apply_edit)
        self.clear_edits.on_click(self._on_clear_edits)
        self._on_edit_state(None)
        self._on_edit_op(None)
        self.widget = W.VBox([heading("What-if edits"), self.edit_op, self.edit_fields,
                              W.HBox([self.edit_apply, self.clear_edits]), self.edit_list])
        self.follow(self._on_model_edits, "edits")
        self.follow(self._on_model_world, "world_name")

    # ---- the edit the fields describe
    def edit_values(self) -> dict:
        """The edit the fields describe, as a dict for ``ScenarioModel.add_edit``."""
        op = self.edit_op.value
        if op == "without_member":
            if not self.edit_treaty.value:
                raise ParameterError(f"{self.edit_state.value} is in no treaty; pick another "
                                     "state")
            return {"op": op, "code": self.edit_state.value, "treaty": self.edit_treaty.value}
        if op == "without_treaty":
            return {"op": op, "name": self.edit_treaty.value}
        g, p = self.edit_guarantor.value, self.edit_protege.value
        k = self.edit_kind.value
        if op == "with_commitment":
            return {"op": op, "guarantor": g, "protege": p, "kind": k,
                    "credibility": float(self.edit_credibility.value)}
        if op == "without_commitment":
            return {"op": op, "guarantor": g, "protege": p, "kind": None if k == "any" else k}
        if op == "reweight":
            return {"op": op, "guarantor": g, "protege": p,
                    "credibility": float(self.edit_credibility.value),
                    "kind": None if k == "any" else k}
        if op == "scale_capability":
            return {"op": op, "code": self.edit_state.value,
                    "factor": float(self.edit_factor.value)}
        raise ParameterError(f"unknown edit {shown(op)}")

    # ---- user -> model
    @_guard
    def _on_edit_op(self, change: Any) -> None:
        op = self.edit_op.value
        w = self.model.world
        if op in ("without_member", "scale_capability"):
            fields: list[W.Widget] = [self.edit_state]
            if op == "without_member":
                fields.append(self.edit_treaty)
                self._on_edit_state(None)
            else:
                fields.append(self.edit_factor)
        elif op == "without_treaty":
            opts = treaty_options(list(w.treaty_names))[:2000]
            self.edit_treaty.options = opts
            if opts and self.edit_treaty.value is None:
                self.edit_treaty.value = opts[0][1]
            fields = [self.edit_treaty]
        else:
            kinds = list(KIND_CHOICES) if op == "with_commitment" else ["any", *KIND_CHOICES]
            cur = self.edit_kind.value
            self.edit_kind.options = kinds
            self.edit_kind.value = cur if cur in kinds else kinds[0]
            fields = [self.edit_guarantor, self.edit_protege, self.edit_kind]
            if op in ("with_commitment", "reweight"):
                fields.append(self.edit_credibility)
        self.edit_fields.children = fields

    @_guard
    def _on_edit_state(self, change: Any) -> None:
        if self.edit_op.value != "without_member":
            return
        w = self.model.world
        code = self.edit_state.value
        opts = treaty_options(treaties_of(w, code) if code else [])
        cur = self.edit_treaty.value
        self.edit_treaty.options = opts
        vals = [v for _, v in opts]
        if cur in vals:
            self.edit_treaty.value = cur
        elif "NATO" in vals:
            self.edit_treaty.value = "NATO"
        else:
            self.edit_treaty.value = vals[0] if vals else None

    @_guard
    def _on_apply_edit(self, _: Any = None) -> None:
        self.model.error = ""
        self.model.add_edit(self.edit_values())

    def _undo(self, k: int) -> Any:
        @guard(lambda self: self.show_error)
        def handler(self: EditsPanel, _: Any = None) -> None:
            self.model.error = ""
            self.model.undo(k)

        return lambda b: handler(self, b)

    @_guard
    def _on_clear_edits(self, _: Any = None) -> None:
        self.model.clear_edits()

    # ---- model -> widgets
    def _on_model_edits(self, change: Any = None) -> None:
        rows = []
        for k, e in enumerate(self.model.edits):
            b = tag(W.Button(description="undo", icon="undo", layout=W.Layout(width="80px"),
                             tooltip="remove this edit"), "fx-undo")
            b.on_click(self._undo(k))
            rows.append(W.HBox([W.HTML(f"{k + 1}. {esc(describe_edit(e))}",
                                       layout=W.Layout(width="300px")), b]))
        old = self.edit_list.children
        self.edit_list.children = rows
        for r in old:
            close_all(r)
        self._on_edit_state(None)

    def _on_model_world(self, change: Any = None) -> None:
        w = self.model.base_world
        self.syncing = True
        try:
            for p in (self.edit_state, self.edit_guarantor, self.edit_protege):
                p.set_world(w)
        finally:
            self.syncing = False
        self._on_edit_op(None)
