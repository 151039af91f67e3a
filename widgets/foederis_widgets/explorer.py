"""The what-if Explorer: pick an attack, set the rules, edit the world, see the cascade.

``Explorer(world)`` composes panels over one :class:`~foederis_widgets.model.ScenarioModel`:

- the input panels (:mod:`~foederis_widgets.panels`, :mod:`~foederis_widgets.edits`) write
  what the user chose to the model, and follow the model when it changes otherwise;
- the model computes, writes its results, and bumps its ``version``;
- the result panel (:mod:`~foederis_widgets.results`) observes ``version`` and redraws
  through the pure renderers (:mod:`~foederis_widgets.renderers`,
  :mod:`~foederis_widgets.plotting`).

Nothing here computes a cascade or draws a picture itself.

Widgets carry CSS classes (``fx-run``, ``fx-verdict``, ``fx-map`` ...) that the browser
test and custom styling use; :data:`CSS_CLASSES` lists them.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from ._controls import ErrorBox, close_all, tag
from ._warmup import warmup as warm_kernels
from .edits import EDIT_KINDS, EditsPanel
from .model import ScenarioModel
from .panels import RULE_SLIDERS, AttackPanel, RulesPanel, RunPanel, ScenarioPanel
from .renderers import plain_text
from .results import ResultsPanel

__all__ = ["Explorer", "RULE_SLIDERS", "EDIT_KINDS", "CSS_CLASSES"]

CSS_CLASSES = (
    "fx-explorer", "fx-error", "fx-aggressor", "fx-target", "fx-domain", "fx-add-attack",
    "fx-extra-attack", "fx-attacks", "fx-rule-<name>", "fx-reach", "fx-umbrella", "fx-mode",
    "fx-samples", "fx-seed", "fx-run", "fx-stop", "fx-progress", "fx-status", "fx-edit-op",
    "fx-edit-state", "fx-edit-treaty", "fx-edit-guarantor", "fx-edit-protege",
    "fx-edit-kind", "fx-edit-credibility", "fx-edit-factor", "fx-edit-apply", "fx-edits",
    "fx-undo", "fx-verdict", "fx-compare", "fx-map", "fx-play", "fx-round", "fx-balance",
    "fx-joined", "fx-ensemble", "fx-scenario-path", "fx-save", "fx-load",
    "fx-scenario-status",
)


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
    scenario_dir : str, optional
        Keep every scenario file in this folder: the box then takes a scenario name
        (checked: no path, no ``..``; ``.json`` added), never a path. The app passes its
        ``--dir``.
    dpi : int, default 72
        Resolution of the pictures (the map's cost grows with it).
    picture_cache : bool, default True
        Reuse a picture when its inputs did not change (e.g. a margin change leaves the
        cascade, hence the map, as it was). False redraws on every change (benchmarks).

    Attributes
    ----------
    model : ScenarioModel
        The state (inputs and results); change it from code and the views follow.
    attack, rules, run_panel, edits, scenario, results : panels
        The composed parts (:mod:`~foederis_widgets.panels`, ``.edits``, ``.results``).
        Their widgets are attributes of the Explorer too: ``ex.target`` is
        ``ex.attack.target``, ``ex.rule_widgets`` is ``ex.rules.rule_widgets``,
        ``ex.verdict`` is ``ex.results.verdict``.
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
                 scenario_path: str | None = None, scenario_dir: str | None = None,
                 dpi: int = 72, picture_cache: bool = True) -> None:
        if isinstance(world, str):
            from foederis import load_world

            world = load_world(world)
        if warmup:
            warm_kernels()
        m = self.model = ScenarioModel(world, attacks, auto=False)
        self.error = ErrorBox()
        self.attack = AttackPanel(m)
        self.rules = RulesPanel(m)
        self.run_panel = RunPanel(m)
        self.edits = EditsPanel(m)
        self.scenario = ScenarioPanel(m, scenario_path, folder=scenario_dir)
        self.results = ResultsPanel(m, dpi=dpi, picture_cache=picture_cache)
        self.panels = (self.attack, self.rules, self.run_panel, self.edits, self.scenario,
                       self.results)
        left = W.VBox([p.widget for p in self.panels[:-1]],
                      layout=W.Layout(width="400px", min_width="400px", padding="0 10px 0 0"))
        self.widget = tag(W.VBox([
            self.error,
            W.HBox([left, self.results.widget], layout=W.Layout(align_items="flex-start")),
        ]), "fx-explorer")
        m.observe(self._on_error, "error")
        m.auto = True
        m.recompute()  # -> version -> the results panel draws

    def __getattr__(self, name: str) -> Any:
        """The panels' widgets as attributes of the Explorer (``ex.target``, ``ex.run``)."""
        if not name.startswith("_"):
            for p in self.__dict__.get("panels", ()):
                if name in vars(p):
                    return vars(p)[name]
        raise AttributeError(f"'Explorer' object has no attribute {name!r}")

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
        for p in self.panels:
            p.close()
        self.model.unobserve_all()
        close_all(self.widget)

    def _on_error(self, change: Any) -> None:
        self.error.show(change["new"])

    # ================================================================== conveniences
    def refresh(self) -> None:
        """Redraw every result view from the model (what a ``version`` bump does)."""
        self.results.refresh()

    @property
    def timings(self) -> dict[str, float]:
        """Milliseconds of the last refresh (see
        :class:`~foederis_widgets.results.ResultsPanel`)."""
        return self.results.timings

    @property
    def verdict_text(self) -> str:
        """The verdict as plain text (what the page shows)."""
        return plain_text(self.results.verdict.value)
