"""The app: Explorer, deterrence map and threat view in tabs, as ``foederis app`` serves it.

``App(world)`` builds the Explorer at once and the other two views the first time their
tab is opened (so the page is ready fast). :func:`main_from_env` is what the app notebook
calls under Voila: it reads ``FOEDERIS_APP_WORLD`` (default ``contemporary``) and
``FOEDERIS_APP_DIR`` (where scenarios are saved; default the working folder), and
``FOEDERIS_APP_PICTURE_CACHE=0`` (redraw every picture on every change: for benchmarks).
"""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as W

from ._controls import ErrorBox, close_all, esc, guard, tag

__all__ = ["App", "main_from_env", "WORLD_CHOICES"]

WORLD_CHOICES = ("contemporary", "atop:1914", "atop:1939", "atop:1962", "atop:1989", "atop:2018")
_TABS = ("What-if explorer", "Deterrence map", "Threat exposure")


class App:
    """The foederis app: a world chooser over three tabs.

    Parameters
    ----------
    world : str or foederis.World, default "contemporary"
    attacks : optional, the Explorer's first attack
    scenario_dir : str, optional
        Folder of the default scenario file (default the working folder).
    """

    def __init__(self, world: Any = "contemporary", attacks: Any = None, *,
                 scenario_dir: str | None = None, picture_cache: bool = True) -> None:
        self.scenario_dir = scenario_dir or os.getcwd()
        self.picture_cache = picture_cache
        self.error = ErrorBox()
        name = world if isinstance(world, str) else world.name
        choices = list(WORLD_CHOICES) + ([name] if name not in WORLD_CHOICES else [])
        self.world_choice = tag(W.Dropdown(options=choices, value=name, description="world",
                                           style={"description_width": "40px"},
                                           layout=W.Layout(width="220px")), "fx-app-world")
        self.world_choice.observe(self._on_world, "value")
        self.header = W.HTML("")
        self.tabs = tag(W.Tab(), "fx-app-tabs")
        self.tabs.observe(self._on_tab, "selected_index")
        self.explorer: Any = None
        self.deterrence: Any = None
        self.threat: Any = None
        self.widget = tag(W.VBox([W.HBox([self.header, self.world_choice],
                                         layout=W.Layout(align_items="flex-start")),
                                  self.error, self.tabs]), "fx-app")
        self._load(world, attacks)

    _guard = guard(lambda self: self.error.show)

    def _load(self, world: Any, attacks: Any = None) -> None:
        from foederis import load_world

        from .explorer import Explorer

        if isinstance(world, str):
            world = load_world(world)
        self.world = world
        for v in (self.explorer, self.deterrence, self.threat):
            if v is not None:
                v.close()
        self.deterrence = self.threat = None
        self.explorer = Explorer(world, attacks, scenario_path=os.path.join(
            self.scenario_dir, "scenario.json"), picture_cache=self.picture_cache)
        self.header.value = (
            '<div style="font-size:18px;font-weight:700;margin:4px 12px 4px 0">foederis'
            f' <span style="font-weight:400;font-size:14px;color:#555">— who is drawn in, '
            f"on which side, and is the attack deterred? World: <i>{esc(world.name)}</i>, "
            f"{world.n_states:,} states, {world.n_commitments:,} commitments</span></div>"
            '<div style="color:#555;font-size:12px;margin:0 0 4px">Pick an aggressor and a '
            "target, move the rules, apply what-if edits (each can be undone): the verdict, "
            "the map and the tables follow at once. Save a scenario to come back to it."
            "</div>")
        self._holders = [W.VBox([self.explorer.widget]), W.VBox([]), W.VBox([])]
        self.tabs.children = self._holders
        for k, t in enumerate(_TABS):
            self.tabs.set_title(k, t)
        self.tabs.selected_index = 0

    @_guard
    def _on_world(self, change: Any) -> None:
        self.error.show("")
        self._load(change["new"])

    @_guard
    def _on_tab(self, change: Any) -> None:
        k = change["new"]
        if k == 1 and self.deterrence is None:
            from .deterrence import DeterrenceMapView

            self.deterrence = DeterrenceMapView(self.world, on_open=self.open_scenario)
            self._holders[1].children = [self.deterrence.widget]
        elif k == 2 and self.threat is None:
            from .threat import ThreatView

            self.threat = ThreatView(self.world)
            self._holders[2].children = [self.threat.widget]

    def open_scenario(self, aggressor: str, target: str, threshold: float | None = None) -> None:
        """Show an attack in the Explorer tab (what a deterrence-map cell opens)."""
        m = self.explorer.model
        with m.batch():
            if threshold is not None:
                m.set_rule("threshold", float(threshold))
            m.attacks = [[aggressor, target]]
        self.tabs.selected_index = 0

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def close(self) -> None:
        for v in (self.explorer, self.deterrence, self.threat):
            if v is not None:
                v.close()
        close_all(self.widget)


def main_from_env() -> App:
    """Build the App from ``FOEDERIS_APP_WORLD`` and ``FOEDERIS_APP_DIR`` (Voila's kernel)."""
    import matplotlib

    matplotlib.use("Agg")
    world = os.environ.get("FOEDERIS_APP_WORLD", "contemporary") or "contemporary"
    folder = os.environ.get("FOEDERIS_APP_DIR") or os.getcwd()
    cache = os.environ.get("FOEDERIS_APP_PICTURE_CACHE", "1") != "0"  # 0: benchmarks
    return App(world, scenario_dir=folder, picture_cache=cache)
