"""The app: Explorer, deterrence map and threat view in tabs, as ``foederis app`` serves it.

``App(world)`` builds the Explorer at once and the other two views the first time their
tab is opened (so the page is ready fast). Its scenarios stay in one folder
(``scenario_dir``): the Explorer's box takes a checked name, never a path.

:func:`main_from_env` is what the app notebook calls under Voila: it reads
``FOEDERIS_APP_WORLD`` (default ``contemporary``), ``FOEDERIS_APP_DIR`` (the scenarios'
folder; default the working folder) and ``FOEDERIS_APP_PICTURE_CACHE=0`` (redraw every
picture on every change: for benchmarks), and returns a :class:`Starting` at once: the page
shows what is being prepared and how far it is (following ``foederis app``'s background
compile, :mod:`~foederis_widgets._warmup`) while a thread builds the App, which replaces it
as soon as the cascade kernel is ready. A failure is shown as a message, never a traceback
(the traceback goes to the server's terminal).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from typing import Any, Callable

import ipywidgets as W

from foederis.errors import FoederisError

from ._controls import ErrorBox, close_all, esc, guard, tag

__all__ = ["App", "Starting", "main_from_env", "WORLD_CHOICES"]

WORLD_CHOICES = ("contemporary", "atop:1914", "atop:1939", "atop:1962", "atop:1989", "atop:2018")
_TABS = ("What-if explorer", "Deterrence map", "Threat exposure")


class App:
    """The foederis app: a world chooser over three tabs.

    Parameters
    ----------
    world : str or foederis.World, default "contemporary"
    attacks : optional, the Explorer's first attack
    scenario_dir : str, optional
        The folder every scenario is saved in and loaded from (default the working
        folder); the Explorer takes names, not paths
        (:func:`~foederis_widgets.scenario.scenario_file`).
    warmup : bool, default True
        Compile the kernels first (False: the caller did, as :class:`Starting` does).
    """

    def __init__(self, world: Any = "contemporary", attacks: Any = None, *,
                 scenario_dir: str | None = None, picture_cache: bool = True,
                 warmup: bool = True) -> None:
        self.scenario_dir = os.path.abspath(scenario_dir or os.getcwd())
        self.picture_cache = picture_cache
        self.warmup = warmup
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
        self.explorer = Explorer(world, attacks, scenario_dir=self.scenario_dir,
                                 picture_cache=self.picture_cache, warmup=self.warmup)
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


class Starting:
    """What the app page shows at once: what is being prepared and how far it is, then the
    :class:`App` itself, built by a thread as soon as the first page's kernels are ready.

    Parameters
    ----------
    build : callable() -> App
        Builds the App (called in the thread, after the first page's kernels compiled).
    prepare : callable(), optional
        Run in a thread of its own while the first page's kernels compile (or the
        background compiles them): the rest of what the first page needs, such as
        :func:`~foederis_widgets._warmup.first_page`. A failure is only logged (``build``
        then does that work itself).
    start : bool, default True
        Start the thread now (False: call :meth:`start`).

    Attributes
    ----------
    widget : ipywidgets.VBox
        The root (class ``fx-app-starting``): the progress, then the App's widget.
    app : App or None
        The App once built.
    error : str
        Why the App could not be built ('' while none).
    """

    def __init__(self, build: Callable[[], App], *, prepare: Callable[[], Any] | None = None,
                 start: bool = True) -> None:
        self._build = build
        self._prepare = prepare
        self.app: App | None = None
        self.error = ""
        self.t0 = time.perf_counter()
        self.text = tag(W.HTML("Starting foederis…"), "fx-app-progress-text")
        self.bar = tag(W.IntProgress(value=0, min=0, max=1, layout=W.Layout(width="360px")),
                       "fx-app-progress")
        self.note = W.VBox([self.text, self.bar])
        self.widget = tag(W.VBox([self.note]), "fx-app-starting")
        self.thread = threading.Thread(target=self._run, name="foederis-app-start",
                                       daemon=True)
        if start:
            self.start()

    def start(self) -> None:
        self.thread.start()

    def wait(self, timeout: float | None = None) -> App | None:
        """Wait for the thread; the App (None if it failed or the time ran out)."""
        self.thread.join(timeout)
        return self.app

    def show_progress(self, done: int, total: int, step: str) -> None:
        """Show one warmup step (``foederis.warmup``'s ``progress``)."""
        with self.bar.hold_sync():
            self.bar.max = max(total, 1)
            self.bar.value = min(done, self.bar.max)
        what = f"compiling the engine: <b>{esc(step)}</b> (step {done + 1} of {total})" \
            if step else "the engine is compiled"
        first = self.app is None
        self.text.value = (
            f'<div style="font-size:{15 if first else 12}px;color:#333;margin:4px 0">'
            + ("Preparing the app: " if first else "Still preparing in the background: ")
            + what + f", {time.perf_counter() - self.t0:.0f} s so far."
            + ("<br><span style='color:#666;font-size:12px'>Done once per machine; the "
               "page opens as soon as the cascade is ready, later starts load it from "
               "numba's cache in about a second.</span>" if first else "") + "</div>")

    def _say(self, message: str) -> None:
        self.text.value = f'<div style="font-size:15px;color:#333;margin:4px 0">{esc(message)}</div>'

    def _run(self) -> None:
        import foederis

        from . import _warmup

        side = None
        if self._prepare is not None:
            side = threading.Thread(target=self._prepare_quietly, name="foederis-app-prepare",
                                    daemon=True)
            side.start()
        try:
            # the background compiled the first page's kernels into the cache (the App's
            # first cascade loads them), else this process compiles them
            if not _warmup.follow(self.show_progress, until=_warmup.FIRST_PAGE):
                foederis.warmup(ensembles=False, threat=False, progress=self.show_progress)
            if side is not None:
                side.join()
            self._say("Preparing the app: loading the world and drawing the first page…")
            self.app = self._build()
            self.widget.children = [self.note, self.app.widget]
            _warmup.warmup(self.show_progress)  # Monte Carlo, threat: while the page is used
            self.widget.children = [self.app.widget]
        except Exception as e:  # noqa: BLE001 - shown as a message; the traceback to the log
            print(traceback.format_exc(), file=sys.__stderr__, flush=True)
            self.error = (f"The app could not start: {e}" if isinstance(e, FoederisError) else
                          f"The app could not start ({type(e).__name__}: {e}). The server's "
                          "terminal has the details.")
            self._say(self.error)
            self.text.add_class("fx-app-failed")

    def _prepare_quietly(self) -> None:
        try:
            self._prepare()
        except Exception:  # noqa: BLE001 - the build does this work again and reports it
            print(traceback.format_exc(), file=sys.__stderr__, flush=True)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def close(self) -> None:
        self.thread.join(30)
        if self.app is not None:
            self.app.close()
        close_all(self.widget)


def main_from_env() -> Starting:
    """Start the App from ``FOEDERIS_APP_WORLD`` and ``FOEDERIS_APP_DIR`` (Voila's kernel):
    a :class:`Starting` shown at once, replaced by the App when it is ready."""
    import matplotlib

    matplotlib.use("Agg")
    world = os.environ.get("FOEDERIS_APP_WORLD", "contemporary") or "contemporary"
    folder = os.environ.get("FOEDERIS_APP_DIR") or os.getcwd()
    cache = os.environ.get("FOEDERIS_APP_PICTURE_CACHE", "1") != "0"  # 0: benchmarks
    from ._warmup import first_page

    return Starting(lambda: App(world, scenario_dir=folder, picture_cache=cache, warmup=False),
                    prepare=lambda: first_page(world))
