"""The what-if Explorer: pick an attack, set the rules, edit the world, see the cascade.

``Explorer(world)`` composes views over one :class:`~foederis_widgets.model.ScenarioModel`:
controls write to the model, the model recomputes, and one update function
(:meth:`Explorer.refresh`) redraws what is shown. Nothing here computes a cascade itself.

Widgets carry CSS classes (``fx-run``, ``fx-verdict``, ``fx-map`` ...) that the browser
test and custom styling use; :data:`CSS_CLASSES` lists them.
"""

from __future__ import annotations

import math
import os
import time
from typing import Any

import ipywidgets as W
import numpy as np

from foederis.errors import ParameterError

from ._controls import ErrorBox, StatePicker, close_all, esc, guard, tag
from .model import ScenarioModel, compare, joined_rows
from .plotting import balance_figure, figure_png, network_figure, png_output
from .scenario import DEFAULT_RULES, load_scenario, save_scenario

__all__ = ["Explorer", "RULE_SLIDERS", "EDIT_KINDS", "CSS_CLASSES"]

#: name -> (label, min, max, step); defaults come from DESIGN.md (scenario.DEFAULT_RULES)
RULE_SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "threshold": ("threshold", 0.05, 3.0, 0.05),
    "entente_weight": ("entente weight", 0.0, 1.0, 0.05),
    "neutrality_weight": ("neutrality weight", 0.0, 3.0, 0.05),
    "nonaggression_weight": ("non-aggression wt", 0.0, 3.0, 0.05),
    "defend_initiators": ("defend initiators", 0.0, 1.0, 0.05),
    "credibility_scale": ("credibility scale", 0.0, 3.0, 0.05),
    "margin": ("deterrence margin", 0.1, 5.0, 0.05),
}

#: label -> World edit op, as offered in the what-if panel
EDIT_KINDS: dict[str, str] = {
    "state leaves a treaty": "without_member",
    "add a guarantee (commitment)": "with_commitment",
    "remove a commitment": "without_commitment",
    "re-weight a commitment": "reweight",
    "scale a capability": "scale_capability",
    "dissolve a treaty": "without_treaty",
}

CSS_CLASSES = (
    "fx-explorer", "fx-error", "fx-aggressor", "fx-target", "fx-domain", "fx-add-attack",
    "fx-attacks", "fx-rule-<name>", "fx-reach", "fx-umbrella", "fx-mode", "fx-samples",
    "fx-seed", "fx-run", "fx-stop", "fx-progress", "fx-status", "fx-edit-op",
    "fx-edit-state", "fx-edit-treaty", "fx-edit-guarantor", "fx-edit-protege",
    "fx-edit-kind", "fx-edit-credibility", "fx-edit-factor", "fx-edit-apply", "fx-edits",
    "fx-undo", "fx-verdict", "fx-compare", "fx-map", "fx-play", "fx-round", "fx-balance",
    "fx-joined", "fx-ensemble", "fx-scenario-path", "fx-save", "fx-load",
    "fx-scenario-status",
)

_KINDS = ("GUARANTEE", "DEFENSE", "OFFENSE", "ENTENTE", "NEUTRALITY", "NONAGGRESSION")
_SIDE_WORD = {"A": "A (aggressors)", "D": "D (defenders)", "neutral": "neutral"}
_STYLE = {"description_width": "130px"}


def _fmt_balance(b: float) -> str:
    if math.isnan(b):
        return "n/a"
    if math.isinf(b):
        return "∞"
    return f"{b:.3g}"


def _h(title: str) -> W.HTML:
    return W.HTML(f'<div style="font-weight:600;margin:8px 0 2px;border-bottom:1px solid '
                  f'#ddd">{esc(title)}</div>')


class Explorer:
    """What-if explorer of one world (ipywidgets).

    Parameters
    ----------
    world : foederis.World or str
        A World, or the name of a built-in world (``"contemporary"``, ``"atop:1914"``).
    attacks : list of (aggressor, target), optional
        The attack to start with (default RUS -> EST where it exists).
    warmup : bool, default True
        Compile the kernels first (``foederis.warmup()``) so every control answers at once.
    scenario_path : str, optional
        Default file for Save / Load (``scenario.json`` in the working folder).
    dpi : int, default 72
        Resolution of the pictures (the map's cost grows with it).
    picture_cache : bool, default True
        Reuse a picture when its inputs did not change (e.g. a margin change leaves the
        cascade, hence the map, as it was). False redraws on every change (benchmarks).

    Attributes
    ----------
    model : ScenarioModel
        The state (inputs and results); change it from code and the views follow.
    widget : ipywidgets.Widget
        The root widget (``display(explorer)`` shows it).

    Examples
    --------
    >>> from foederis_widgets import Explorer
    >>> ex = Explorer("contemporary", attacks=[("RUS", "EST")])
    >>> ex.model.add_edit({"op": "without_member", "code": "TUR", "treaty": "NATO"})
    >>> "now stay out: TUR" in ex.compare_html.value
    True
    >>> ex.close()

    In Jupyter, end a cell with ``ex`` to show it.
    """

    def __init__(self, world: Any, attacks: Any = None, *, warmup: bool = True,
                 scenario_path: str | None = None, dpi: int = 72,
                 picture_cache: bool = True) -> None:
        if isinstance(world, str):
            from foederis import load_world

            world = load_world(world)
        if warmup:
            _warmup()
        self.dpi = dpi
        self.model = ScenarioModel(world, attacks, auto=False)
        self.timings: dict[str, float] = {}
        self._png_cache: dict[Any, bytes] = {}
        self.picture_cache = picture_cache
        self.error = ErrorBox()
        self._building = True
        self._build_controls(world, scenario_path)
        self._build_results()
        self.widget = tag(W.VBox([
            self.error,
            W.HBox([self._left, self._right], layout=W.Layout(align_items="flex-start")),
        ]), "fx-explorer")
        m = self.model
        m.observe(self._on_results, "version")
        m.observe(self._on_error, "error")
        m.observe(self._on_world, "world_name")
        m.observe(self._on_edits, "edits")
        m.observe(self._on_attacks, "attacks")
        m.observe(self._on_ensemble, ["ensemble_baseline", "ensemble_whatif"])
        m.observe(self._on_progress, ["progress", "running", "status"])
        m.observe(self._on_inputs_loaded, ["rules", "domain", "mode", "samples", "seed",
                                           "mc_mode"])
        self._building = False
        m.auto = True
        m.recompute()  # -> version -> refresh()
        self._on_attacks(None)  # the list of fronts, and the pickers

    # ================================================================== building
    def _build_controls(self, world: Any, scenario_path: str | None) -> None:
        m = self.model
        a0, t0 = (m.attacks[0] if m.attacks else (None, None))
        # ---- attack
        self.aggressor = StatePicker(world, "aggressor", a0, css="fx-aggressor")
        self.target = StatePicker(world, "target", t0, css="fx-target")
        self.domain = tag(W.Dropdown(description="domain", options=_domains(),
                                     value=m.domain, style={"description_width": "72px"},
                                     layout=W.Layout(width="230px")), "fx-domain")
        self.extra_aggressor = StatePicker(world, "2nd aggr.", a0, css="fx-extra-aggressor")
        self.extra_target = StatePicker(world, "2nd target", t0, css="fx-extra-target")
        self.add_attack = tag(W.Button(description="+ add attack", layout=W.Layout(
            width="110px"), tooltip="add a second front: another (aggressor, target) pair"),
            "fx-add-attack")
        self.attack_list = tag(W.VBox([]), "fx-attacks")
        self.aggressor.observe(self._on_attack_picked, "value")
        self.target.observe(self._on_attack_picked, "value")
        self.domain.observe(self._on_domain, "value")
        self.add_attack.on_click(self._on_add_attack)

        # ---- rules
        self.rule_widgets: dict[str, W.Widget] = {}
        for name, (label, lo, hi, step) in RULE_SLIDERS.items():
            s = W.FloatSlider(value=float(m.rules[name]), min=lo, max=hi, step=step,
                              description=label, continuous_update=False,
                              readout_format=".2f", style=_STYLE,
                              layout=W.Layout(width="370px"))
            tag(s, f"fx-rule-{name}")
            s.observe(self._on_rule, "value")
            self.rule_widgets[name] = s
        self.max_rounds = tag(W.BoundedIntText(
            value=0 if m.rules["max_rounds"] is None else int(m.rules["max_rounds"]),
            min=0, max=10**6, description="max rounds (0 = ∞)", style=_STYLE,
            layout=W.Layout(width="230px")), "fx-rule-max_rounds")
        self.max_rounds.observe(self._on_rule, "value")
        self.rule_widgets["max_rounds"] = self.max_rounds
        self.reach = tag(W.Checkbox(value=bool(m.rules["reach"]), description="reach rule",
                                    indent=False, layout=W.Layout(width="120px")), "fx-reach")
        self.umbrella = tag(W.Checkbox(value=bool(m.rules["nuclear_umbrella"]),
                                       description="nuclear umbrella deters", indent=False,
                                       layout=W.Layout(width="200px")), "fx-umbrella")
        self.reach.observe(self._on_rule, "value")
        self.umbrella.observe(self._on_rule, "value")
        self.rule_widgets["reach"] = self.reach
        self.rule_widgets["nuclear_umbrella"] = self.umbrella
        self.reset_rules = tag(W.Button(description="defaults", layout=W.Layout(width="90px"),
                                        tooltip="reset every rule to its DESIGN.md default"),
                               "fx-reset-rules")
        self.reset_rules.on_click(self._on_reset_rules)

        # ---- run
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
        self.mc_mode = tag(W.Dropdown(options=[("threshold rule", "threshold"),
                                               ("any honoured pull", "any")],
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
        self.mode.observe(self._on_mode, "value")
        for w in (self.samples, self.seed, self.mc_mode):
            w.observe(self._on_mc_setting, "value")
        self.run.on_click(self._on_run)
        self.stop.on_click(self._on_stop)
        self._mc_box = W.HBox([self.samples, self.seed])

        # ---- what-if edits
        self.edit_op = tag(W.Dropdown(options=list(EDIT_KINDS.items()),
                                      value="without_member", description="what if",
                                      style={"description_width": "60px"},
                                      layout=W.Layout(width="300px")), "fx-edit-op")
        self.edit_state = StatePicker(world, "state", "TUR" if "TUR" in set(world.codes.tolist())
                                      else None, css="fx-edit-state")
        self.edit_treaty = tag(W.Dropdown(description="treaty", options=[],
                                          style={"description_width": "72px"},
                                          layout=W.Layout(width="300px")), "fx-edit-treaty")
        self.edit_guarantor = StatePicker(world, "guarantor", "USA" if "USA" in set(
            world.codes.tolist()) else None, css="fx-edit-guarantor")
        self.edit_protege = StatePicker(world, "protege", "TAW" if "TAW" in set(
            world.codes.tolist()) else None, css="fx-edit-protege")
        self.edit_kind = tag(W.Dropdown(description="kind", options=list(_KINDS),
                                        value="GUARANTEE", style={"description_width": "72px"},
                                        layout=W.Layout(width="230px")), "fx-edit-kind")
        self.edit_credibility = tag(W.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.05,
                                                  description="credibility",
                                                  continuous_update=False,
                                                  style={"description_width": "72px"},
                                                  layout=W.Layout(width="300px")),
                                    "fx-edit-credibility")
        self.edit_factor = tag(W.BoundedFloatText(value=0.5, min=0.0, max=1e6, step=0.1,
                                                  description="× factor",
                                                  style={"description_width": "72px"},
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

        # ---- scenario files
        self.scenario_path = tag(W.Text(
            value=scenario_path or os.path.join(os.getcwd(), "scenario.json"),
            description="file", style={"description_width": "30px"},
            layout=W.Layout(width="370px")), "fx-scenario-path")
        self.save = tag(W.Button(description="Save scenario", icon="save",
                                 layout=W.Layout(width="130px")), "fx-save")
        self.load = tag(W.Button(description="Load scenario", icon="folder-open",
                                 layout=W.Layout(width="130px")), "fx-load")
        self.scenario_status = tag(W.HTML(""), "fx-scenario-status")
        self.save.on_click(self._on_save)
        self.load.on_click(self._on_load)

        rules_box = [self.rule_widgets[n] for n in RULE_SLIDERS]
        self._left = W.VBox([
            _h("Attack"), self.aggressor, self.target, self.domain,
            self.extra_aggressor, self.extra_target,
            W.HBox([self.add_attack]), self.attack_list,
            _h("Rules"), *rules_box, W.HBox([self.max_rounds, self.reset_rules]),
            W.HBox([self.reach, self.umbrella]),
            _h("Run"), self.mode, self._mc_box, self.mc_mode,
            W.HBox([self.run, self.stop, self.progress]), self.status,
            _h("What-if edits"), self.edit_op, self.edit_fields,
            W.HBox([self.edit_apply, self.clear_edits]), self.edit_list,
            _h("Scenario"), self.scenario_path, W.HBox([self.save, self.load]),
            self.scenario_status,
        ], layout=W.Layout(width="400px", min_width="400px", padding="0 10px 0 0"))
        self._on_mode(None)

    def _build_results(self) -> None:
        self.verdict = tag(W.HTML(""), "fx-verdict")
        self.compare_html = tag(W.HTML(""), "fx-compare")
        self.map = tag(W.Output(layout=W.Layout(width="540px", min_height="370px")), "fx-map")
        self.balance = tag(W.Output(), "fx-balance")
        self.play = tag(W.Play(value=0, min=0, max=0, step=1, interval=900,
                               description="play the cascade"), "fx-play")
        self.round = tag(W.IntSlider(value=0, min=0, max=0, description="round",
                                     continuous_update=True, style={"description_width": "45px"},
                                     layout=W.Layout(width="300px")), "fx-round")
        W.link((self.play, "value"), (self.round, "value"))
        self.round.observe(self._on_round, "value")
        self.joined = tag(W.HTML(""), "fx-joined")
        self.ensemble = tag(W.HTML(""), "fx-ensemble")
        self._right = W.VBox([
            self.verdict,
            W.HBox([W.VBox([self.map, W.HBox([self.play, self.round])],
                           layout=W.Layout(width="545px", flex="0 0 auto")),
                    W.VBox([self.balance, self.compare_html],
                           layout=W.Layout(width="380px", min_width="380px",
                                           flex="0 0 auto"))]),
            self.ensemble,
            self.joined,
        ], layout=W.Layout(flex="1 1 auto"))

    # ================================================================== display
    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Stop any running ensemble and close every widget of the explorer."""
        self.model.stop()
        self.model.wait(5)
        self.model.unobserve_all()
        close_all(self.widget)

    # ================================================================== handlers
    def _show_error(self, msg: str) -> None:
        self.model.error = msg

    _guard = guard(lambda self: self._show_error)

    @_guard
    def _on_attack_picked(self, change: Any) -> None:
        if self._building:
            return
        a, t = self.aggressor.value, self.target.value
        attacks = [[a, t]] + [list(x) for x in self.model.attacks[1:]]
        self.model.attacks = attacks

    @_guard
    def _on_domain(self, change: Any) -> None:
        self.model.domain = change["new"]

    @_guard
    def _on_add_attack(self, _: Any = None) -> None:
        pair = [self.extra_aggressor.value, self.extra_target.value]
        if pair in [list(x) for x in self.model.attacks]:
            raise ParameterError(f"{pair[0]} -> {pair[1]} is already an attack")
        self.model.attacks = [list(x) for x in self.model.attacks] + [pair]

    def _remove_attack(self, k: int) -> Any:
        @guard(lambda self: self._show_error)
        def handler(self: Explorer, _: Any = None) -> None:
            attacks = [list(x) for x in self.model.attacks]
            if len(attacks) <= 1:
                raise ParameterError("an attack needs at least one (aggressor, target) pair")
            del attacks[k]
            self.model.attacks = attacks

        return lambda b: handler(self, b)

    @_guard
    def _on_rule(self, change: Any) -> None:
        if self._building or getattr(self, "_syncing", False):
            return
        name = next(n for n, w in self.rule_widgets.items() if w is change["owner"])
        value = change["new"]
        if name == "max_rounds":
            value = None if int(value) == 0 else int(value)
        elif isinstance(value, bool):
            value = bool(value)
        else:
            value = float(value)
        self.model.set_rule(name, value)

    @_guard
    def _on_reset_rules(self, _: Any = None) -> None:
        self.model.rules = dict(DEFAULT_RULES)

    @_guard
    def _on_mode(self, change: Any) -> None:
        mc = self.mode.value == "monte carlo"
        if change is not None:
            self.model.mode = self.mode.value
        for w in (self._mc_box, self.mc_mode):
            w.layout.display = "" if mc else "none"
        self.run.description = "Run ensemble" if mc else "Run"
        self.run.layout.width = "130px" if mc else "90px"

    @_guard
    def _on_mc_setting(self, change: Any) -> None:
        if getattr(self, "_syncing", False):
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

    # ---- edits
    def _edit_values(self) -> dict:
        op = self.edit_op.value
        if op == "without_member":
            if not self.edit_treaty.value:
                raise ParameterError(f"{self.edit_state.value} is in no treaty; pick another "
                                     "state")
            return {"op": op, "code": self.edit_state.value, "treaty": self.edit_treaty.value}
        if op == "without_treaty":
            return {"op": op, "name": self.edit_treaty.value}
        g, p = self.edit_guarantor.value, self.edit_protege.value
        if op == "with_commitment":
            return {"op": op, "guarantor": g, "protege": p, "kind": self.edit_kind.value,
                    "credibility": float(self.edit_credibility.value)}
        if op == "without_commitment":
            k = self.edit_kind.value
            return {"op": op, "guarantor": g, "protege": p, "kind": None if k == "any" else k}
        if op == "reweight":
            k = self.edit_kind.value
            return {"op": op, "guarantor": g, "protege": p,
                    "credibility": float(self.edit_credibility.value),
                    "kind": None if k == "any" else k}
        if op == "scale_capability":
            return {"op": op, "code": self.edit_state.value,
                    "factor": float(self.edit_factor.value)}
        raise ParameterError(f"unknown edit {op!r}")

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
            opts = _treaty_options(w, list(w.treaty_names))[:2000]
            self.edit_treaty.options = opts
            if opts and self.edit_treaty.value is None:
                self.edit_treaty.value = opts[0][1]
            fields = [self.edit_treaty]
        else:
            kinds = list(_KINDS) if op == "with_commitment" else ["any", *_KINDS]
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
        names = _treaties_of(w, code) if code else []
        cur = self.edit_treaty.value
        opts = _treaty_options(w, names)
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
        self.model.add_edit(self._edit_values())

    def _undo(self, k: int) -> Any:
        @guard(lambda self: self._show_error)
        def handler(self: Explorer, _: Any = None) -> None:
            self.model.error = ""
            self.model.undo(k)

        return lambda b: handler(self, b)

    @_guard
    def _on_clear_edits(self, _: Any = None) -> None:
        self.model.clear_edits()

    # ---- scenarios
    @_guard
    def _on_save(self, _: Any = None) -> None:
        self.model.error = ""
        path = save_scenario(self.model.to_scenario(), self.scenario_path.value)
        self.scenario_status.value = f"saved to <code>{esc(path)}</code>"

    @_guard
    def _on_load(self, _: Any = None) -> None:
        self.model.error = ""
        self.scenario_status.value = ""
        data = load_scenario(self.scenario_path.value)
        self.model.apply_scenario(data)
        self._sync_inputs()
        self._sync_attack_pickers()
        self._on_edit_state(None)
        self.scenario_status.value = f"loaded <code>{esc(self.scenario_path.value)}</code>"

    # ---- play
    @_guard
    def _on_round(self, change: Any) -> None:
        if getattr(self, "_syncing", False):
            return
        self.model.shown_round = int(change["new"])
        self._draw_map()

    # ================================================================== model -> views
    def _on_error(self, change: Any) -> None:
        self.error.show(change["new"])

    def _on_results(self, change: Any) -> None:
        if not self._building:
            self.refresh()

    def _on_world(self, change: Any) -> None:
        """Another world (a scenario of another world was loaded): pickers follow."""
        w = self.model.base_world
        self._building = True
        try:
            for p in (self.aggressor, self.target, self.extra_aggressor, self.extra_target,
                      self.edit_state, self.edit_guarantor, self.edit_protege):
                p.set_world(w)
        finally:
            self._building = False

    def _on_edits(self, change: Any) -> None:
        rows = []
        from foederis.world import describe_edit

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

    def _on_attacks(self, change: Any) -> None:
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
        self._sync_attack_pickers()

    def _sync_attack_pickers(self) -> None:
        if not self.model.attacks:
            return
        a, t = self.model.attacks[0]
        self._building = True
        try:
            if self.aggressor.value != a:
                self.aggressor.value = a
            if self.target.value != t:
                self.target.value = t
        finally:
            self._building = False

    def _sync_inputs(self) -> None:
        """Controls follow the model (after a scenario load or a change made from code)."""
        m = self.model
        self._syncing = True
        try:
            for name, w in self.rule_widgets.items():
                v = m.rules[name]
                if name == "max_rounds":
                    v = 0 if v is None else int(v)
                if w.value != v:
                    w.value = v
            if self.domain.value != m.domain:
                self.domain.value = m.domain
            self.mode.value = m.mode
            self.samples.value = m.samples
            self.seed.value = m.seed
            self.mc_mode.value = m.mc_mode
        finally:
            self._syncing = False

    def _on_inputs_loaded(self, change: Any) -> None:
        if not self._building and not getattr(self, "_syncing", False):
            self._sync_inputs()

    def _on_progress(self, change: Any) -> None:
        m = self.model
        self.progress.value = m.progress
        self.status.value = esc(m.status)
        self.run.disabled = m.running
        self.stop.disabled = not m.running

    def _on_ensemble(self, change: Any) -> None:
        self.ensemble.value = self._ensemble_html()

    # ================================================================== drawing
    def refresh(self) -> None:
        """Redraw every result view from the model (the one update function)."""
        m = self.model
        base, whatif = m.baseline, m.whatif
        if base is None or whatif is None:
            return
        t0 = time.perf_counter()
        n = whatif.n_rounds
        self._syncing = True
        try:
            # separate messages, range first when it grows: a slider in the page that gets
            # a value beyond its old max clamps it and sends the clamped value back
            for w in (self.round, self.play):
                if n >= w.max:
                    w.max = n
                    w.value = n
                else:
                    w.value = n
                    w.max = n
        finally:
            self._syncing = False
        self._draw_map()
        t1 = time.perf_counter()
        series = [("baseline", base)] + ([("what-if", whatif)] if m.edits else [])
        key = ("balance",) + tuple((lbl, np.asarray(c.capability_by_round).tobytes())
                                   for lbl, c in series)
        png = self._memo(key, lambda: figure_png(balance_figure(series), dpi=self.dpi))
        self._set_png(self.balance, png, "capability per side by round")
        t2 = time.perf_counter()
        self.joined.value = self._joined_html(whatif)
        self.compare_html.value = self._compare_html(base, whatif)
        self.ensemble.value = self._ensemble_html()
        self.verdict.value = self._verdict_html(base, whatif)  # last: the page's ready signal
        t3 = time.perf_counter()
        self.timings = {"cascade_ms": m.last_seconds * 1e3, "map_ms": (t1 - t0) * 1e3,
                        "balance_ms": (t2 - t1) * 1e3, "tables_ms": (t3 - t2) * 1e3,
                        "refresh_ms": (t3 - t0) * 1e3}

    def _draw_map(self) -> None:
        m = self.model
        c = m.whatif
        if c is None:
            return
        r = self.round.value if self.round.value < c.n_rounds else None
        base = m.baseline if m.edits else None
        # the picture depends on the world's edges, the sides and rounds, the round shown
        # and the baseline's sides: identical inputs reuse the PNG (e.g. a margin change)
        key = ("map", id(c.world.codes), _freeze_edits(c.world.history), c.attacks,
               np.asarray(c.side).tobytes(), np.asarray(c.round).tobytes(), r,
               None if base is None else np.asarray(base.side).tobytes())
        png = self._memo(key, lambda: figure_png(
            network_figure(c, round=r, baseline=base, dpi=self.dpi), dpi=self.dpi))
        self._set_png(self.map, png, f"network map, round {r}")

    def _memo(self, key: Any, make: Any) -> bytes:
        cache = self._png_cache
        if not self.picture_cache:
            cache.clear()
        png = cache.get(key)
        if png is None:
            png = make()
            cache[key] = png
            while len(cache) > 48:
                cache.pop(next(iter(cache)))
        return png

    @staticmethod
    def _set_png(out: W.Output, png: bytes, text: str) -> None:
        new = (png_output(png, text),)
        if out.outputs != new:
            out.outputs = new

    def _verdict_html(self, base: Any, whatif: Any) -> str:
        def line(label: str, c: Any) -> str:
            det = c.deterred
            word = "DETERRED" if det else "NOT DETERRED"
            color = "#1b6e20" if det else "#a40000"
            umb = ", ".join(c.umbrella_guarantors) if c.umbrella else "none"
            na = int(np.count_nonzero(np.asarray(c.side) == 1))
            nd = int(np.count_nonzero(np.asarray(c.side) == 2))
            return (f'<div><span style="color:{color};font-weight:700">{label}: {word}</span>'
                    f" — balance D/A <b>{_fmt_balance(c.balance)}</b> "
                    f"(margin {c.rules.margin:g}) · nuclear umbrella: {esc(umb)} · "
                    f"A {_n(na, 'state')}, D {_n(nd, 'state')} · {_n(c.n_rounds, 'round')}"
                    "</div>")

        atk = ", ".join(f"{a} → {t}" for a, t in whatif.attacks)
        r = whatif.rules
        head = (f'<div style="font-size:15px;margin-bottom:2px"><b>{esc(atk)}</b> '
                f"({esc(whatif.domain)}) on <i>{esc(self.model.world_name)}</i></div>")
        body = line("What-if" if self.model.edits else "Verdict", whatif)
        if self.model.edits:
            body += line("Baseline", base)
        foot = (f'<div style="color:#666;font-size:11px">threshold {r.threshold:g} · entente '
                f"{r.entente_weight:g} · neutrality {r.neutrality_weight:g} · non-aggression "
                f"{r.nonaggression_weight:g} · defend initiators {r.defend_initiators:g} · "
                f"credibility ×{r.credibility_scale:g} · reach {'on' if r.reach else 'off'}"
                f"</div>")
        return f'<div class="fx-verdict-text">{head}{body}{foot}</div>'

    def _compare_html(self, base: Any, whatif: Any) -> str:
        if not self.model.edits:
            return ('<div class="fx-compare-text" style="color:#555"><b>Baseline vs what-if'
                    "</b><br>No what-if edits yet: apply one (left) to compare it with the "
                    "baseline.</div>")
        d = compare(base, whatif)
        b0, b1, db = d["balance"]
        det0, det1 = d["deterred"]

        def codes(items: list, fmt: Any) -> str:
            return ", ".join(fmt(x) for x in items) if items else "nobody"

        verdict_change = ("unchanged" if det0 == det1 else
                          f"{'deterred' if det0 else 'not deterred'} → "
                          f"<b>{'deterred' if det1 else 'not deterred'}</b>")
        sign = "" if math.isnan(db) else ("+" if db >= 0 else "")
        rows = [
            ("", "baseline", "what-if"),
            ("verdict", "deterred" if det0 else "not deterred",
             "deterred" if det1 else "not deterred"),
            ("balance D/A", _fmt_balance(b0), _fmt_balance(b1)),
            ("side A states", str(d["n_a"][0]), str(d["n_a"][1])),
            ("side D states", str(d["n_d"][0]), str(d["n_d"][1])),
            ("umbrella", ", ".join(d["umbrella"][0]) or "none",
             ", ".join(d["umbrella"][1]) or "none"),
        ]
        table = "".join(
            "<tr>" + "".join(f'<td style="padding:0 6px">{esc(x)}</td>' for x in r) + "</tr>"
            for r in rows
        )
        return (
            '<div class="fx-compare-text"><b>Baseline vs what-if</b>'
            f'<table style="font-size:12px">{table}</table>'
            f"<div>change in balance: <b>{sign}{_fmt_balance(db) if not math.isnan(db) else 'n/a'}"
            f"</b> · verdict {verdict_change}</div>"
            f"<div>switched side: {esc(codes(d['switched'], lambda x: f'{x[0]} ({x[1]}→{x[2]})'))}"
            "</div>"
            f"<div>now stay out: {esc(codes(d['stayed_out'], str))}</div>"
            f"<div>newly drawn in: {esc(codes(d['drawn_in'], lambda x: f'{x[0]} ({x[1]})'))}"
            "</div></div>"
        )

    def _joined_html(self, c: Any, limit: int = 250) -> str:
        rows = joined_rows(c, limit=limit)
        total = len(c.order)
        cells = []
        for r in rows:
            color = "#d62728" if r["side"] == "A" else "#1f77b4"
            by = "; ".join(r["pulled_by"][:6]) + (" …" if len(r["pulled_by"]) > 6 else "")
            cells.append(
                f'<tr><td style="color:{color};font-weight:600">{esc(r["side"])}</td>'
                f'<td>{r["round"]}</td><td><b>{esc(r["code"])}</b></td>'
                f'<td>{esc(r["name"])}</td><td style="text-align:right">'
                f'{r["capability"]:.4g}</td><td>{"yes" if r["initiator"] else ""}</td>'
                f"<td>{esc(by)}</td></tr>"
            )
        more = (f"<div>… and {total - limit:,} more states</div>" if total > limit else "")
        head = ("<tr><th>side</th><th>round</th><th>code</th><th>name</th><th>capability</th>"
                "<th>initiator</th><th>pulled in by (protege, kind [treaty])</th></tr>")
        title = "Who joined" + (" (what-if)" if self.model.edits else "")
        return (f'<div class="fx-joined-table"><b>{title}</b>: {total:,} states'
                f'<table style="font-size:12px;border-collapse:collapse">'
                f"{head}{''.join(cells)}</table>{more}</div>")

    def _ensemble_html(self) -> str:
        m = self.model
        e0, e1 = m.ensemble_baseline, m.ensemble_whatif
        if e0 is None:
            return ""
        parts = []
        for label, e in (("baseline", e0), ("what-if", e1)):
            if e is None:
                continue
            flag = " (stopped early)" if e.interrupted else ""
            ws = np.asarray(e.war_size)
            parts.append(
                f"<div><b>Monte Carlo {label}</b>: {e.samples:,} samples (seed {e.seed}, "
                f"{esc(e.mode)} rule){flag}, P(deterred) = "
                f"<b>{e.p_deterred:.3f}</b>, mean war size {ws.mean() if len(ws) else 0:.1f} "
                f"states</div>"
            )
        e = e1 if e1 is not None else e0
        p = np.asarray(e.p_join)
        top = np.argsort(-p, kind="stable")[:15]
        top = top[p[top] > 0]
        w = e.world
        rows = "".join(
            f"<tr><td><b>{esc(w.codes[i])}</b></td><td>{esc(w.names[i])}</td>"
            f"<td>{e.p_join_a[i]:.3f}</td><td>{e.p_join_d[i]:.3f}</td>"
            f"<td>{e.mean_round[i]:.2f}</td></tr>"
            for i in top
        )
        return ('<div class="fx-ensemble-text">' + "".join(parts)
                + '<table style="font-size:12px"><tr><th>code</th><th>name</th>'
                "<th>P(join A)</th><th>P(join D)</th><th>mean round</th></tr>"
                + rows + "</table></div>")

    # ================================================================== conveniences
    @property
    def verdict_text(self) -> str:
        """The verdict as plain text (what the page shows)."""
        import re

        return re.sub(r"<[^>]+>", "", self.verdict.value)


def _n(k: int, word: str) -> str:
    return f"{k:,} {word}" + ("" if k == 1 else "s")


def _freeze_edits(history: Any) -> tuple:
    return tuple(tuple(sorted((k, str(v)) for k, v in e.items())) for e in history)


def _domains() -> list[str]:
    from foederis import DOMAIN_NAMES

    return list(DOMAIN_NAMES)


def _treaties_of(world: Any, code: str) -> list[str]:
    i = world.index(code)
    t = np.concatenate([world.treaty[world.guarantors == i], world.treaty[world.indices == i]])
    t = np.unique(t[t >= 0])
    return [world.treaty_names[k] for k in t]


def _treaty_options(world: Any, names: list[str]) -> list[tuple[str, str]]:
    """Named treaties first (NATO, CSTO ...), then numbered ATOP ones."""
    named = sorted((n for n in names if not n.startswith("ATOP ")), key=str.lower)
    atop = sorted((n for n in names if n.startswith("ATOP ")),
                  key=lambda s: (len(s), s))
    return [(n, n) for n in named + atop]


_WARM = False


def _warmup() -> None:
    """Compile the kernels once per process (foederis.warmup; loads from numba's on-disk
    cache after the first session on a machine)."""
    global _WARM
    if _WARM:
        return
    import foederis

    warm = getattr(foederis, "warmup", None)
    if warm is None:
        try:
            from foederis._warmup import warmup as warm
        except ImportError:
            warm = None
    if warm is not None:
        warm()
    else:  # an engine without warmup(): one tiny cascade compiles the cascade kernel
        from foederis import World
        from foederis import cascade

        w = World.from_arrays(["A", "B", "C"], [1.0, 1.0, 1.0], guarantor=[2],
                              protege=[1], kind=["defense"])
        cascade(w, "A:B")
    _WARM = True
