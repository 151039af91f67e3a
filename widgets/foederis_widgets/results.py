"""The Explorer's result views: verdict, network map with its Play control, balance per
round, baseline vs what-if, who joined, the Monte Carlo ensembles.

:class:`ResultsPanel` observes ONE trait of the model, ``version``, bumped once per new
result; :meth:`ResultsPanel.refresh` then redraws every view from the model through the pure
renderers (:mod:`~foederis_widgets.renderers`, :mod:`~foederis_widgets.plotting`). The round
slider only changes which round the map shows. Pictures are memoised on their inputs (a
margin change leaves the cascade, hence the map, as it was).
"""

from __future__ import annotations

import time
from typing import Any

import ipywidgets as W
import numpy as np

from ._controls import guard, tag
from .panels import Panel
from .plotting import balance_figure, figure_png, network_figure, png_output
from .renderers import comparison_html, ensemble_html, joined_html, verdict_html

__all__ = ["ResultsPanel"]

_guard = guard(lambda self: self.show_error)
_CACHE_SIZE = 48


def _freeze_edits(history: Any) -> tuple:
    return tuple(tuple(sorted((k, str(v)) for k, v in e.items())) for e in history)


class ResultsPanel(Panel):
    """Every result view of the Explorer, redrawn when the model's ``version`` changes.

    Parameters
    ----------
    model : ScenarioModel
    dpi : int, default 72
        Resolution of the pictures.
    picture_cache : bool, default True
        Reuse a picture when its inputs did not change; False redraws on every change.

    Attributes
    ----------
    timings : dict
        Milliseconds of the last refresh: ``cascade_ms`` (the model's recompute), ``map_ms``,
        ``balance_ms``, ``tables_ms``, ``refresh_ms``.
    """

    def __init__(self, model: Any, *, dpi: int = 72, picture_cache: bool = True) -> None:
        super().__init__(model)
        self.dpi = dpi
        self.picture_cache = picture_cache
        self.timings: dict[str, float] = {}
        self._pictures: dict[Any, bytes] = {}
        self._shown: Any = None  # the what-if cascade the round slider was set for
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
        self.widget = W.VBox([
            self.verdict,
            W.HBox([W.VBox([self.map, W.HBox([self.play, self.round])],
                           layout=W.Layout(width="545px", flex="0 0 auto")),
                    W.VBox([self.balance, self.compare_html],
                           layout=W.Layout(width="380px", min_width="380px",
                                           flex="0 0 auto"))]),
            self.ensemble,
            self.joined,
        ], layout=W.Layout(flex="1 1 auto"))
        self.follow(self._on_version, "version")

    def forget_pictures(self) -> None:
        """Drop the memoised pictures (the next refresh draws everything anew)."""
        self._pictures.clear()

    # ------------------------------------------------------------------ the update path
    def _on_version(self, change: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Redraw every result view from the model (the one update function)."""
        m = self.model
        base, whatif = m.baseline, m.whatif
        if base is None or whatif is None:
            return
        t0 = time.perf_counter()
        if whatif is not self._shown:  # a new cascade: show its last round
            self._show_rounds(whatif.n_rounds)
            self._shown = whatif
        self._draw_map()
        t1 = time.perf_counter()
        series = [("baseline", base)] + ([("what-if", whatif)] if m.edits else [])
        key = ("balance",) + tuple((lbl, np.asarray(c.capability_by_round).tobytes())
                                   for lbl, c in series)
        png = self._memo(key, lambda: figure_png(balance_figure(series), dpi=self.dpi))
        self._set_png(self.balance, png, "capability per side by round")
        t2 = time.perf_counter()
        edited = bool(m.edits)
        self.joined.value = joined_html(whatif, edited)
        self.compare_html.value = comparison_html(base, whatif, edited)
        self.ensemble.value = ensemble_html(
            m.ensemble_baseline, m.ensemble_whatif,
            cascade=whatif if m.ensemble_whatif is not None else base)
        # last: the page's ready signal
        self.verdict.value = verdict_html(base, whatif, m.world_name, edited)
        t3 = time.perf_counter()
        self.timings = {"cascade_ms": m.last_seconds * 1e3, "map_ms": (t1 - t0) * 1e3,
                        "balance_ms": (t2 - t1) * 1e3, "tables_ms": (t3 - t2) * 1e3,
                        "refresh_ms": (t3 - t0) * 1e3}

    def _show_rounds(self, n: int) -> None:
        self.syncing = True
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
            self.syncing = False

    @_guard
    def _on_round(self, change: Any) -> None:
        if self.syncing:
            return
        self.model.shown_round = int(change["new"])
        self._draw_map()

    # ------------------------------------------------------------------ pictures
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
        cache = self._pictures
        if not self.picture_cache:
            cache.clear()
        png = cache.get(key)
        if png is None:
            png = make()
            cache[key] = png
            while len(cache) > _CACHE_SIZE:
                cache.pop(next(iter(cache)))
        return png

    @staticmethod
    def _set_png(out: W.Output, png: bytes, text: str) -> None:
        new = (png_output(png, text),)
        if out.outputs != new:
            out.outputs = new
