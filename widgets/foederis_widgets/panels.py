"""The Explorer's input panels: composed widgets that write to a ScenarioModel and follow it.

Each panel builds its widgets, writes what the user chose to the model, and observes the
model's inputs so that it shows what the model holds, however it changed (a control, a
scenario file, code, another view). Panels never compute: the model does, and the result
views (:mod:`foederis_widgets.results`) observe its ``version``.

- :class:`AttackPanel`: aggressor, target, domain, further fronts ("+ add attack");
- :class:`RulesPanel`: one control per field of :class:`foederis.Rules`, derived from the
  dataclass (a slider per number, a checkbox per flag, a box for ``max_rounds``);
- :class:`RunPanel`: deterministic or Monte Carlo, samples, seed, Run / Stop, progress;
- :class:`ScenarioPanel`: save to and load from a scenario file.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import ipywidgets as W

from foederis import DOMAIN_NAMES
from foederis.errors import ParameterError

from ._controls import StatePicker, close_all, esc, guard, tag
from .scenario import (DEFAULT_RULES, MC_MODES, RULE_FIELDS, load_scenario, rule_choices,
                       rule_type, save_scenario, scenario_file)

__all__ = ["Panel", "AttackPanel", "RulesPanel", "RunPanel", "ScenarioPanel", "RULE_SLIDERS",
           "RULE_CHECKBOXES", "MC_LABELS", "heading"]

#: name -> (label, min, max, step) of the slider of a numeric rule; a numeric field of
#: Rules not listed here gets a slider labelled with its name, from 0 to 3 (or 3 times its
#: default, when larger).
RULE_SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "threshold": ("threshold", 0.05, 3.0, 0.05),
    "entente_weight": ("entente weight", 0.0, 1.0, 0.05),
    "neutrality_weight": ("neutrality weight", 0.0, 3.0, 0.05),
    "nonaggression_weight": ("non-aggression wt", 0.0, 3.0, 0.05),
    "ally_restraint": ("ally restraint", 0.0, 3.0, 0.05),
    "defend_initiators": ("defend initiators", 0.0, 1.0, 0.05),
    "credibility_scale": ("credibility scale", 0.0, 3.0, 0.05),
    "margin": ("deterrence margin", 0.1, 5.0, 0.05),
}
#: name -> (label, extra CSS class) of the checkbox of a flag rule (others: their name)
RULE_CHECKBOXES: dict[str, tuple[str, str]] = {
    "reach": ("reach rule", "fx-reach"),
    "nuclear_umbrella": ("nuclear umbrella deters", "fx-umbrella"),
}
#: labels of the engine's Monte Carlo modes (``foederis.MODES``; others show their name)
MC_LABELS = {"threshold": "threshold rule", "any": "any honoured pull"}
_STYLE = {"description_width": "130px"}


def heading(title: str) -> W.HTML:
    """A small section title."""
    return W.HTML(f'<div style="font-weight:600;margin:8px 0 2px;border-bottom:1px solid '
                  f'#ddd">{esc(title)}</div>')


class Panel:
    """A composed widget over a :class:`~foederis_widgets.model.ScenarioModel`.

    ``widget`` is its root; errors of its handlers go to the model's ``error`` (which the
    Explorer shows); ``close()`` closes its widgets and stops observing the model.
    """

    widget: W.Widget

    def __init__(self, model: Any) -> None:
        self.model = model
        self.syncing = False  # True while the panel follows the model (no write-back)
        self._observers: list[tuple[Any, Any]] = []

    def show_error(self, message: str) -> None:
        self.model.error = message

    def follow(self, handler: Any, names: Any) -> None:
        """Observe model traits ``names`` with ``handler`` (undone by :meth:`close`)."""
        self.model.observe(handler, names)
        self._observers.append((handler, names))

    def close(self) -> None:
        for handler, names in self._observers:
            self.model.unobserve(handler, names)
        self._observers = []
        close_all(self.widget)


_guard = guard(lambda self: self.show_error)


# --------------------------------------------------------------------------------------
class AttackPanel(Panel):
    """Aggressor and target (searchable), the attack's domain, further fronts.

    The rows of a second front stay hidden until "+ add attack" is pressed; then a second
    press (or the first, once the second-front pickers were set) adds the pair.
    """

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        world = model.base_world
        a0, t0 = (model.attacks[0] if model.attacks else (None, None))
        self.aggressor = StatePicker(world, "aggressor", a0, css="fx-aggressor")
        self.target = StatePicker(world, "target", t0, css="fx-target")
        self.domain = tag(W.Dropdown(description="domain", options=list(DOMAIN_NAMES),
                                     value=model.domain, style={"description_width": "72px"},
                                     layout=W.Layout(width="230px")), "fx-domain")
        self.extra_aggressor = StatePicker(world, "2nd aggr.", a0, css="fx-extra-aggressor")
        self.extra_target = StatePicker(world, "2nd target", t0, css="fx-extra-target")
        self.extra_hint = W.HTML('<span style="color:#555;font-size:11px">choose the next '
                                 "front, then press + add attack</span>")
        self.extra_box = tag(W.VBox([self.extra_aggressor, self.extra_target, self.extra_hint],
                                    layout=W.Layout(display="none")), "fx-extra-attack")
        self.add_attack = tag(W.Button(description="+ add attack", layout=W.Layout(
            width="110px"), tooltip="add a second front: another (aggressor, target) pair"),
            "fx-add-attack")
        self.attack_list = tag(W.VBox([]), "fx-attacks")
        self._extra_chosen = False  # the second-front pickers were set since the last add
        self.aggressor.observe(self._on_attack_picked, "value")
        self.target.observe(self._on_attack_picked, "value")
        self.extra_aggressor.observe(self._on_extra_picked, "value")
        self.extra_target.observe(self._on_extra_picked, "value")
        self.domain.observe(self._on_domain, "value")
        self.add_attack.on_click(self._on_add_attack)
        self.widget = W.VBox([heading("Attack"), self.aggressor, self.target, self.domain,
                              self.extra_box, W.HBox([self.add_attack]), self.attack_list])
        self.follow(self._on_model_attacks, "attacks")
        self.follow(self._on_model_domain, "domain")
        self.follow(self._on_model_world, "world_name")
        self._on_model_attacks()

    @property
    def extra_shown(self) -> bool:
        """Whether the second-front rows are shown."""
        return self.extra_box.layout.display != "none"

    # ---- user -> model
    @_guard
    def _on_attack_picked(self, change: Any) -> None:
        if self.syncing:
            return
        a, t = self.aggressor.value, self.target.value
        self.model.attacks = [[a, t]] + [list(x) for x in self.model.attacks[1:]]

    def _on_extra_picked(self, change: Any) -> None:
        if not self.syncing:
            self._extra_chosen = True

    @_guard
    def _on_domain(self, change: Any) -> None:
        if not self.syncing:
            self.model.domain = change["new"]

    @_guard
    def _on_add_attack(self, _: Any = None) -> None:
        if not self.extra_shown and not self._extra_chosen:
            self.extra_box.layout.display = ""  # first press: show the rows to fill in
            return
        self.extra_box.layout.display = ""
        pair = [self.extra_aggressor.value, self.extra_target.value]
        if pair in [list(x) for x in self.model.attacks]:
            raise ParameterError(f"{pair[0]} -> {pair[1]} is already an attack")
        self.model.attacks = [list(x) for x in self.model.attacks] + [pair]
        self._extra_chosen = False

    def _remove_attack(self, k: int) -> Any:
        @guard(lambda self: self.show_error)
        def handler(self: AttackPanel, _: Any = None) -> None:
            attacks = [list(x) for x in self.model.attacks]
            if len(attacks) <= 1:
                raise ParameterError("an attack needs at least one (aggressor, target) pair")
            del attacks[k]
            self.model.attacks = attacks

        return lambda b: handler(self, b)

    # ---- model -> widgets
    def _on_model_attacks(self, change: Any = None) -> None:
        rows = []
        attacks = self.model.attacks
        for k, (a, t) in enumerate(attacks):
            lbl = W.HTML(f"{'front' if k else 'attack'} {k + 1}: <b>{esc(a)}</b> → "
                         f"<b>{esc(t)}</b>", layout=W.Layout(width="200px"))
            if k == 0:
                rows.append(W.HBox([lbl]))
            else:
                b = tag(W.Button(description="remove", layout=W.Layout(width="80px")),
                        "fx-remove-attack")
                b.on_click(self._remove_attack(k))
                rows.append(W.HBox([lbl, b]))
        old = self.attack_list.children
        self.attack_list.children = rows if len(attacks) > 1 else []
        for r in old:
            close_all(r)
        if not attacks:
            return
        a, t = attacks[0]
        self.syncing = True
        try:
            if self.aggressor.value != a:
                self.aggressor.value = a
            if self.target.value != t:
                self.target.value = t
        finally:
            self.syncing = False

    def _on_model_domain(self, change: Any = None) -> None:
        self.syncing = True
        try:
            if self.domain.value != self.model.domain:
                self.domain.value = self.model.domain
        finally:
            self.syncing = False

    def _on_model_world(self, change: Any = None) -> None:
        """Another world (a scenario of another world was loaded): the pickers follow."""
        w = self.model.base_world
        self.syncing = True
        try:
            for p in (self.aggressor, self.target, self.extra_aggressor, self.extra_target):
                p.set_world(w)  # keeps a choice the new world has; the attacks follow
        finally:
            self.syncing = False


# --------------------------------------------------------------------------------------
def _rule_control(name: str, value: Any) -> W.Widget:
    """The control of one rule, from its type in :class:`foederis.Rules`."""
    kind = rule_type(name)
    if kind == "bool":
        label, css = RULE_CHECKBOXES.get(name, (name.replace("_", " "), ""))
        w = W.Checkbox(value=bool(value), description=label, indent=False,
                       layout=W.Layout(width="200px" if len(label) > 12 else "120px"))
        if css:
            w.add_class(css)
    elif kind in ("optional int", "int"):
        label = name.replace("_", " ") + (" (0 = ∞)" if kind == "optional int" else "")
        w = W.BoundedIntText(value=0 if value is None else int(value), min=0, max=10**6,
                             description=label, style=_STYLE, layout=W.Layout(width="230px"))
    elif kind == "float":
        default = float(DEFAULT_RULES[name])
        label, lo, hi, step = RULE_SLIDERS.get(
            name, (name.replace("_", " "), 0.0, max(3.0, 3.0 * default), 0.05))
        w = W.FloatSlider(value=float(value), min=lo, max=hi, step=step, description=label,
                          continuous_update=False, readout_format=".2f", style=_STYLE,
                          layout=W.Layout(width="370px"))
    elif kind == "choice":
        w = W.Dropdown(options=list(rule_choices(name)), value=value,
                       description=name.replace("_", " "), style=_STYLE,
                       layout=W.Layout(width="370px"))
    else:  # shown and typed as JSON
        w = W.Text(value=_to_widget(name, value), description=name.replace("_", " "),
                   style=_STYLE, continuous_update=False, layout=W.Layout(width="370px"))
    return tag(w, f"fx-rule-{name}")


def _to_model(name: str, value: Any) -> Any:
    kind = rule_type(name)
    if kind == "bool":
        return bool(value)
    if kind == "optional int":
        return None if int(value) == 0 else int(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "other":
        try:
            return json.loads(value)
        except ValueError:
            return value  # a plain string
    return value


def _to_widget(name: str, value: Any) -> Any:
    kind = rule_type(name)
    if kind == "optional int":
        return 0 if value is None else int(value)
    if kind == "other":
        return value if isinstance(value, str) else json.dumps(value)
    return value


class RulesPanel(Panel):
    """One control per field of :class:`foederis.Rules` (``rule_widgets[name]``), at the
    dataclass's default, and a "defaults" button."""

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        self.rule_widgets: dict[str, W.Widget] = {}
        for name in RULE_FIELDS:
            w = _rule_control(name, model.rules[name])
            w.observe(self._on_rule, "value")
            self.rule_widgets[name] = w
        self.max_rounds = self.rule_widgets.get("max_rounds")
        self.reach = self.rule_widgets.get("reach")
        self.umbrella = self.rule_widgets.get("nuclear_umbrella")
        self.reset_rules = tag(W.Button(description="defaults", layout=W.Layout(width="90px"),
                                        tooltip="reset every rule to its default in "
                                                "foederis.Rules"), "fx-reset-rules")
        self.reset_rules.on_click(self._on_reset_rules)
        by_kind: dict[str, list[W.Widget]] = {}
        for name, w in self.rule_widgets.items():
            by_kind.setdefault(rule_type(name), []).append(w)
        ints = by_kind.get("optional int", []) + by_kind.get("int", [])
        self.widget = W.VBox([
            heading("Rules"), *by_kind.get("float", []), *by_kind.get("choice", []),
            *by_kind.get("other", []),
            W.HBox([*ints, self.reset_rules]), W.HBox(by_kind.get("bool", [])),
        ])
        self.follow(self._on_model_rules, "rules")

    @_guard
    def _on_rule(self, change: Any) -> None:
        if self.syncing:
            return
        name = next(n for n, w in self.rule_widgets.items() if w is change["owner"])
        self.model.set_rule(name, _to_model(name, change["new"]))

    @_guard
    def _on_reset_rules(self, _: Any = None) -> None:
        self.model.rules = dict(DEFAULT_RULES)

    def _on_model_rules(self, change: Any = None) -> None:
        self.syncing = True
        try:
            for name, w in self.rule_widgets.items():
                v = _to_widget(name, self.model.rules[name])
                if w.value != v:
                    w.value = v
        finally:
            self.syncing = False


# --------------------------------------------------------------------------------------
class RunPanel(Panel):
    """Deterministic or Monte Carlo (samples, seed, rule), Run / Stop, progress, status."""

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        m = model
        self.mode = tag(W.ToggleButtons(options=[("deterministic", "deterministic"),
                                                 ("Monte Carlo", "monte carlo")],
                                        value=m.mode, style={"button_width": "110px"}),
                        "fx-mode")
        self.samples = tag(W.BoundedIntText(value=m.samples, min=1, max=10**9,
                                            description="samples",
                                            style={"description_width": "60px"},
                                            layout=W.Layout(width="170px")), "fx-samples")
        self.seed = tag(W.BoundedIntText(value=m.seed, min=0, max=2**63 - 1, description="seed",
                                         style={"description_width": "40px"},
                                         layout=W.Layout(width="150px")), "fx-seed")
        self.mc_mode = tag(W.Dropdown(options=[(MC_LABELS.get(k, k), k) for k in MC_MODES],
                                      value=m.mc_mode, description="MC rule",
                                      style={"description_width": "60px"},
                                      layout=W.Layout(width="230px")), "fx-mc-mode")
        self.run = tag(W.Button(description="Run", button_style="primary", icon="play",
                                layout=W.Layout(width="90px")), "fx-run")
        self.stop = tag(W.Button(description="Stop", button_style="warning", icon="stop",
                                 disabled=True, layout=W.Layout(width="90px")), "fx-stop")
        self.progress = tag(W.FloatProgress(value=0, min=0, max=1, layout=W.Layout(
            width="180px")), "fx-progress")
        self.status = tag(W.HTML(""), "fx-status")
        self.mc_box = W.HBox([self.samples, self.seed])
        self.mode.observe(self._on_mode, "value")
        for w in (self.samples, self.seed, self.mc_mode):
            w.observe(self._on_mc_setting, "value")
        self.run.on_click(self._on_run)
        self.stop.on_click(self._on_stop)
        self.widget = W.VBox([heading("Run"), self.mode, self.mc_box, self.mc_mode,
                              W.HBox([self.run, self.stop, self.progress]), self.status])
        self.follow(self._on_model_settings, ["mode", "samples", "seed", "mc_mode"])
        self.follow(self._on_progress, ["progress", "running", "status"])
        self._show_mode()

    def _show_mode(self) -> None:
        mc = self.mode.value == "monte carlo"
        for w in (self.mc_box, self.mc_mode):
            w.layout.display = "" if mc else "none"
        self.run.description = "Run ensemble" if mc else "Run"
        self.run.layout.width = "130px" if mc else "90px"

    @_guard
    def _on_mode(self, change: Any) -> None:
        if not self.syncing:
            self.model.mode = self.mode.value
        self._show_mode()

    @_guard
    def _on_mc_setting(self, change: Any) -> None:
        if self.syncing:
            return
        owner = change["owner"]
        if owner is self.samples:
            self.model.samples = int(change["new"])
        elif owner is self.seed:
            self.model.seed = int(change["new"])
        else:
            self.model.mc_mode = change["new"]

    @_guard
    def _on_run(self, _: Any = None) -> None:
        self.model.error = ""
        if self.mode.value == "monte carlo":
            self.model.run_ensemble()
        else:
            t0 = time.perf_counter()
            if self.model.recompute():
                self.model.status = f"cascade in {(time.perf_counter() - t0) * 1e3:.1f} ms"

    @_guard
    def _on_stop(self, _: Any = None) -> None:
        self.model.stop()

    def _on_model_settings(self, change: Any = None) -> None:
        m = self.model
        self.syncing = True
        try:
            for w, v in ((self.mode, m.mode), (self.samples, m.samples), (self.seed, m.seed),
                         (self.mc_mode, m.mc_mode)):
                if w.value != v:
                    w.value = v
        finally:
            self.syncing = False

    def _on_progress(self, change: Any = None) -> None:
        m = self.model
        self.progress.value = m.progress
        self.status.value = esc(m.status)
        self.run.disabled = m.running
        self.stop.disabled = not m.running


# --------------------------------------------------------------------------------------
class ScenarioPanel(Panel):
    """Save the model's inputs to a scenario file, or load one (atomic, versioned JSON).

    With ``folder`` (what the app passes: its ``--dir``), the text box takes a scenario
    *name*, checked by :func:`~foederis_widgets.scenario.scenario_file`, and every file
    stays in that folder; without it, a path (a notebook user's own choice).
    """

    def __init__(self, model: Any, path: str | None = None, *,
                 folder: str | None = None) -> None:
        super().__init__(model)
        self.folder = folder
        if folder is not None:
            value = os.path.splitext(os.path.basename(path or "scenario.json"))[0]
            label, width = "name", "250px"
        else:
            value = path or os.path.join(os.getcwd(), "scenario.json")
            label, width = "file", "370px"
        self.scenario_path = tag(W.Text(
            value=value, description=label, style={"description_width": "44px"},
            layout=W.Layout(width=width)), "fx-scenario-path")
        self.save = tag(W.Button(description="Save scenario", icon="save",
                                 layout=W.Layout(width="130px")), "fx-save")
        self.load = tag(W.Button(description="Load scenario", icon="folder-open",
                                 layout=W.Layout(width="130px")), "fx-load")
        self.scenario_status = tag(W.HTML(""), "fx-scenario-status")
        self.save.on_click(self._on_save)
        self.load.on_click(self._on_load)
        where = [] if folder is None else [W.HTML(
            f'<span style="color:#555;font-size:12px">saved as NAME.json in '
            f"<code>{esc(folder)}</code></span>")]
        self.widget = W.VBox([heading("Scenario"), self.scenario_path, *where,
                              W.HBox([self.save, self.load]), self.scenario_status])

    def file(self) -> str:
        """The file Save and Load use: the path typed, or the named file in ``folder``."""
        if self.folder is None:
            return self.scenario_path.value
        return scenario_file(self.folder, self.scenario_path.value)

    @_guard
    def _on_save(self, _: Any = None) -> None:
        self.model.error = ""
        self.scenario_status.value = ""
        path = save_scenario(self.model.to_scenario(), self.file())
        self.scenario_status.value = f"saved to <code>{esc(path)}</code>"

    @_guard
    def _on_load(self, _: Any = None) -> None:
        self.model.error = ""
        self.scenario_status.value = ""
        path = self.file()
        self.model.apply_scenario(load_scenario(path))
        self.scenario_status.value = f"loaded <code>{esc(path)}</code>"
