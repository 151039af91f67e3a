"""The deterrence-map view: aggressor x target heat map of the balance of capability.

``DeterrenceMapView(world)`` shows, for every (aggressor, target) pair of a chosen set of
states, the balance capability(D) / capability(A) at the end of the cascade (blue: the
defenders out-weigh the attacker; red: they do not; a dot marks a deterred attack). Rows
and columns sort by capability, region, bloc or code. Choosing a cell opens that scenario in
an Explorer below the map.

Everything shown is the engine's: the matrix is a :class:`foederis.analysis.DeterrenceMap`
(every pair in one kernel call), sorted by its :meth:`~foederis.analysis.DeterrenceMap.state_order`
and drawn by its :meth:`~foederis.analysis.DeterrenceMap.plot` (colour scale centred on the
deterrence margin).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from foederis.analysis import deterrence_map
from foederis.analysis.deterrence import ORDERS
from foederis.errors import ParameterError

from ._controls import ErrorBox, close_all, esc, guard, tag
from ._warmup import warmup
from .plotting import figure_png, png_output
from .scenario import DEFAULT_RULES
from foederis._validate import shown

__all__ = ["DeterrenceMapView", "deterrence_matrix", "SORTS"]

#: the orders of the rows and columns offered: the engine's (``DeterrenceMap.state_order``)
SORTS = tuple(k for k in ORDERS if k != "input")


def deterrence_matrix(world: Any, aggressors: list[str], targets: list[str],
                      rules: Any = None, *, domain: str = "conventional",
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(balance, deterred): matrices aggressors x targets from the engine's
    :func:`foederis.analysis.deterrence_map` (one parallel kernel call); the diagonal (a
    state attacking itself) is NaN / False."""
    dm = deterrence_map(world, aggressors, targets, rules, domain=domain)
    return np.asarray(dm.balance), np.asarray(dm.deterred)


class DeterrenceMapView:
    """Aggressor x target heat map of the balance; choosing a cell opens an Explorer.

    Parameters
    ----------
    world : foederis.World or str
    states : list of codes, optional
        Rows and columns (default: the ``top`` states by capability).
    top : int, default 15
    on_open : callable(aggressor, target, threshold), optional
        Called by "Open in Explorer" instead of opening an Explorer below the map (the
        App uses it to show the scenario in its own Explorer tab).
    """

    def __init__(self, world: Any, states: list[str] | None = None, *, top: int = 15,
                 dpi: int = 72, on_open: Callable[[str, str, float], Any] | None = None
                 ) -> None:
        if isinstance(world, str):
            from foederis import load_world

            world = load_world(world)
        warmup()
        self.world = world
        self.dpi = dpi
        self.on_open = on_open
        self.explorer: Any = None
        self.error = ErrorBox()
        order = np.argsort(-world.capability, kind="stable")
        default = [str(world.codes[i]) for i in order[:top]]
        self.states = tag(W.Text(value=" ".join(states or default),
                                 description="states", style={"description_width": "50px"},
                                 layout=W.Layout(width="520px"),
                                 tooltip="codes of the states to map, separated by spaces"),
                          "fx-dm-states")
        self.top = tag(W.BoundedIntText(value=top, min=2, max=80, description="top",
                                        style={"description_width": "30px"},
                                        layout=W.Layout(width="110px")), "fx-dm-top")
        self.sort = tag(W.Dropdown(options=list(SORTS), value="capability",
                                   description="sort by", style={"description_width": "50px"},
                                   layout=W.Layout(width="180px")), "fx-dm-sort")
        self.threshold = tag(W.FloatSlider(value=DEFAULT_RULES["threshold"], min=0.05, max=3,
                                           step=0.05, description="threshold",
                                           continuous_update=False,
                                           layout=W.Layout(width="300px")),
                             "fx-dm-threshold")
        self.compute = tag(W.Button(description="Compute map", button_style="primary"),
                           "fx-dm-compute")
        self.image = tag(W.Output(), "fx-dm-map")
        self.info = tag(W.HTML(""), "fx-dm-info")
        self.cell_aggressor = tag(W.Dropdown(description="aggressor", options=[],
                                             layout=W.Layout(width="220px")), "fx-dm-aggressor")
        self.cell_target = tag(W.Dropdown(description="target", options=[],
                                          layout=W.Layout(width="220px")), "fx-dm-target")
        self.cell_info = tag(W.HTML(""), "fx-dm-cell")
        self.open = tag(W.Button(description="Open in Explorer", icon="external-link"),
                        "fx-dm-open")
        self.explorer_box = W.VBox([])
        self.top.observe(self._on_top, "value")
        self.compute.on_click(self._on_compute)
        self.sort.observe(self._on_sort, "value")
        self.threshold.observe(self._on_compute, "value")
        self.cell_aggressor.observe(self._on_cell, "value")
        self.cell_target.observe(self._on_cell, "value")
        self.open.on_click(self._on_open)
        self.result: Any = None  # the engine's DeterrenceMap, in the order of the states box
        self.seconds = 0.0  # time of its sweep
        self.balance: np.ndarray | None = None
        self.deterred: np.ndarray | None = None
        self.codes: list[str] = []
        self.widget = tag(W.VBox([
            self.error,
            W.HBox([self.states, self.top]),
            W.HBox([self.sort, self.threshold, self.compute]),
            self.info, self.image,
            W.HBox([self.cell_aggressor, self.cell_target, self.open]), self.cell_info,
            self.explorer_box,
        ]), "fx-deterrence")
        self._on_compute()

    # ------------------------------------------------------------------ display
    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def close(self) -> None:
        if self.explorer is not None:
            self.explorer.close()
        close_all(self.widget)

    _guard = guard(lambda self: self.error.show)

    # ------------------------------------------------------------------ handlers
    @_guard
    def _on_top(self, change: Any) -> None:
        order = np.argsort(-self.world.capability, kind="stable")
        self.states.value = " ".join(str(self.world.codes[i]) for i in order[:change["new"]])
        self._on_compute()

    def _parse_states(self) -> list[str]:
        raw = self.states.value.replace(",", " ").split()
        if len(raw) < 2:
            raise ParameterError("give at least two state codes to map, separated by spaces")
        out = []
        for c in raw:
            self.world.index(c)  # raises UnknownStateError naming it
            if c not in out:
                out.append(c)
        return out

    @_guard
    def _on_compute(self, _: Any = None) -> None:
        self.error.show("")
        from foederis import Rules

        codes = self._parse_states()
        t0 = time.perf_counter()
        dm = deterrence_map(self.world, codes, codes,
                            Rules(threshold=float(self.threshold.value)))
        self.seconds = time.perf_counter() - t0
        self.result = dm
        self._show()

    def _show(self) -> None:
        """Rows and columns in the chosen order (the engine's), the picture, the cells."""
        shown = self.result.order_by(self.sort.value)  # ParameterError if unknown
        codes = [str(c) for c in shown.aggressors]
        bal, det = np.asarray(shown.balance), np.asarray(shown.deterred)
        self.codes, self.balance, self.deterred = codes, bal, det
        self._draw()
        n_det = int(det.sum())
        pairs = len(codes) * (len(codes) - 1)
        self.info.value = (f"{pairs} attacks, {n_det} deterred ({n_det / max(pairs, 1):.0%}); "
                           f"computed in {self.seconds * 1e3:.0f} ms")
        self.cell_aggressor.options = codes
        self.cell_target.options = codes
        if len(codes) > 1:
            self.cell_aggressor.value = codes[0]
            self.cell_target.value = codes[1]
        self._on_cell()

    @_guard
    def _on_sort(self, change: Any) -> None:
        self.error.show("")
        if self.result is not None:
            self._show()  # the same map, sorted anew: nothing to recompute

    def _draw(self) -> None:
        n = len(self.codes)
        fig = Figure(figsize=(min(3.0 + 0.22 * n, 12), min(2.2 + 0.2 * n, 10)),
                     layout="constrained")
        self.result.plot(ax=fig.add_subplot(), order=self.sort.value)
        self.image.outputs = (png_output(figure_png(fig, dpi=self.dpi), "deterrence map"),)

    @_guard
    def _on_cell(self, change: Any = None) -> None:
        a, t = self.cell_aggressor.value, self.cell_target.value
        if not a or not t or self.balance is None:
            self.cell_info.value = ""
            return
        i, j = self.codes.index(a), self.codes.index(t)
        if a == t:
            self.cell_info.value = "a state cannot attack itself"
            return
        b = self.balance[i, j]
        self.cell_info.value = (f"<b>{esc(a)} → {esc(t)}</b>: balance D/A {b:.3g}, "
                                f"{'deterred' if self.deterred[i, j] else 'not deterred'}")

    def select(self, aggressor: str, target: str) -> Any:
        """Choose a cell and open it in an Explorer; returns the Explorer."""
        for c in (aggressor, target):
            if c not in self.codes:
                raise ParameterError(f"{shown(c)} is not on the map; its states are "
                                     f"{', '.join(self.codes)}")
        self.cell_aggressor.value = aggressor
        self.cell_target.value = target
        self._on_open()
        return self.explorer

    @_guard
    def _on_open(self, _: Any = None) -> None:
        from .explorer import Explorer

        a, t = self.cell_aggressor.value, self.cell_target.value
        if a == t:
            raise ParameterError("choose two different states: a state cannot attack itself")
        if self.on_open is not None:
            self.on_open(a, t, float(self.threshold.value))
            return
        if self.explorer is not None:
            self.explorer.close()
        self.explorer = Explorer(self.world, attacks=[(a, t)], warmup=False)
        self.explorer.model.set_rule("threshold", float(self.threshold.value))
        self.explorer_box.children = [W.HTML(f"<h4>Explorer: {esc(a)} → {esc(t)}</h4>"),
                                      self.explorer.widget]
