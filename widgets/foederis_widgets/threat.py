"""The threat view: threat exposure and entrapment ranked, with
the commitments responsible.

Threat exposure solves t = h + beta * C t (``foederis.threat.threat_exposure``): h is the
hostility aimed at a state, C the commitments (credibility- and kind-weighted). A state's
imported threat is beta * sum_j C_ij t_j, so the commitments responsible for it are its
edges i -> j ranked by beta * C_ij * t_j.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np
from foederis.errors import FoederisError

from ._controls import ErrorBox, StatePicker, close_all, esc, guard, tag
from ._warmup import warmup
from .plotting import bar_figure, figure_png, png_output

__all__ = ["ThreatView", "responsible_commitments", "safe_beta"]


def safe_beta(world: Any, rules: Any = None) -> float:
    """1 / (max row sum of C): any beta below it makes threat exposure converge."""
    from foederis import Rules

    rules = rules if rules is not None else Rules()
    if world.n_commitments == 0:
        return float("inf")
    wgt = rules.pull_weight[world.kind] * np.minimum(world.credibility * rules.credibility_scale,
                                                      1.0)
    r = float(np.bincount(world.guarantors, weights=wgt, minlength=world.n_states).max())
    return 1.0 / r if r > 0 else float("inf")


def responsible_commitments(te: Any, code: str, rules: Any = None, top: int = 10) -> list[dict]:
    """The commitments of ``code`` that import the most threat: one dict per edge with
    ``protege``, ``kind``, ``treaty``, ``weight`` (C_ij), ``protege_exposure`` (t_j) and
    ``imported`` (beta * C_ij * t_j), largest first."""
    from foederis import DOMAIN_NAMES, KIND_NAMES, Rules

    rules = rules if rules is not None else Rules()
    w = te.world
    i = w.index(code)
    lo, hi = int(w.indptr[i]), int(w.indptr[i + 1])
    e = np.arange(lo, hi)
    p = w.indices[e]
    dbit = 1 << DOMAIN_NAMES.index(te.domain)  # the domain's bit (DESIGN.md: domains)
    weight = rules.pull_weight[w.kind[e]] * np.minimum(w.credibility[e] * rules.credibility_scale,
                                                        1.0)
    weight = np.where((w.domains[e] & dbit) != 0, weight, 0.0)
    imp = te.beta * weight * np.asarray(te.exposure)[p]
    keep = np.flatnonzero(imp > 0)
    keep = keep[np.argsort(-imp[keep], kind="stable")][:top]
    out = []
    for k in keep:
        t = int(w.treaty[e[k]])
        out.append({
            "protege": str(w.codes[p[k]]),
            "kind": KIND_NAMES[int(w.kind[e[k]])],
            "treaty": w.treaty_names[t] if t >= 0 else "",
            "weight": float(weight[k]),
            "protege_exposure": float(te.exposure[p[k]]),
            "imported": float(imp[k]),
        })
    return out


class ThreatView:
    """Threat exposure ranked (own vs imported), and for a chosen state the commitments
    that import its threat; entrapment alongside when the engine provides it.

    Parameters
    ----------
    world : foederis.World or str
    beta : float, default 0.5
    top : int, default 20
    """

    def __init__(self, world: Any, *, beta: float | None = None, top: int = 20,
                 dpi: int = 72) -> None:
        if isinstance(world, str):
            from foederis import load_world

            world = load_world(world)
        warmup()
        self.world = world
        self.dpi = dpi
        self.result: Any = None
        self.error = ErrorBox()
        safe = safe_beta(world)  # beta below this always converges
        hi = min(2.0, 2.0 * safe) if np.isfinite(safe) else 2.0
        if beta is None:
            beta = min(0.5, 0.5 * safe)
        self.beta = tag(W.FloatSlider(value=beta, min=0.0, max=max(hi, beta), step=hi / 200,
                                      description="beta", continuous_update=False,
                                      readout_format=".4f", layout=W.Layout(width="360px")),
                        "fx-threat-beta")
        self.beta_note = W.HTML(f'<span style="color:#666;font-size:11px">beta &lt; {safe:.4g} '
                                "always converges</span>" if np.isfinite(safe) else "")
        self.top = tag(W.BoundedIntText(value=top, min=3, max=200, description="top",
                                        style={"description_width": "30px"},
                                        layout=W.Layout(width="110px")), "fx-threat-top")
        order = np.argsort(-world.capability, kind="stable")
        self.state = StatePicker(world, "state", str(world.codes[order[0]]) if world.n_states
                                 else None, css="fx-threat-state")
        self.chart = tag(W.Output(), "fx-threat-chart")
        self.table = tag(W.HTML(""), "fx-threat-table")
        self.detail = tag(W.HTML(""), "fx-threat-detail")
        self.entrap = tag(W.HTML(""), "fx-entrapment")
        self.beta.observe(self._on_change, "value")
        self.top.observe(self._on_change, "value")
        self.state.observe(self._on_state, "value")
        self.widget = tag(W.VBox([
            self.error, W.HBox([self.beta, self.top, self.beta_note]),
            W.HBox([self.chart, self.table]),
            self.state, self.detail, self.entrap,
        ]), "fx-threat")
        self._on_change()
        self._entrapment()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def close(self) -> None:
        close_all(self.widget)

    _guard = guard(lambda self: self.error.show)

    @_guard
    def _on_change(self, _: Any = None) -> None:
        from foederis.threat import threat_exposure

        self.error.show("")
        te = threat_exposure(self.world, float(self.beta.value))
        self.result = te
        k = int(self.top.value)
        order = np.argsort(-np.asarray(te.exposure), kind="stable")[:k]
        codes = [str(self.world.codes[i]) for i in order]
        fig = bar_figure(codes, np.asarray(te.exposure)[order],
                         title=f"threat exposure (beta {te.beta:g})", xlabel="exposure t",
                         size=(4.6, 0.6 + 0.17 * len(codes)))
        self.chart.outputs = (png_output(figure_png(fig, dpi=self.dpi), "threat exposure"),)
        rows = "".join(
            f"<tr><td>{r + 1}</td><td><b>{esc(self.world.codes[i])}</b></td>"
            f"<td>{esc(self.world.names[i])}</td><td>{te.own[i]:.4g}</td>"
            f"<td>{te.imported[i]:.4g}</td><td>{te.exposure[i]:.4g}</td></tr>"
            for r, i in enumerate(order)
        )
        self.table.value = (
            f'<div class="fx-threat-text"><b>Most exposed states</b> ({te.iterations} '
            f"iterations, bound {te.bound:.3g})"
            '<table style="font-size:12px"><tr><th>#</th><th>code</th><th>name</th>'
            "<th>own</th><th>imported</th><th>total</th></tr>" + rows + "</table></div>"
        )
        self._on_state()

    @_guard
    def _on_state(self, _: Any = None) -> None:
        te = self.result
        if te is None:
            return
        code = self.state.value
        i = self.world.index(code)
        rows = responsible_commitments(te, code)
        body = "".join(
            f"<tr><td>{esc(r['protege'])}</td><td>{esc(r['kind'])}</td>"
            f"<td>{esc(r['treaty'])}</td><td>{r['weight']:.3g}</td>"
            f"<td>{r['protege_exposure']:.4g}</td><td><b>{r['imported']:.4g}</b></td></tr>"
            for r in rows
        ) or '<tr><td colspan="6">no commitment imports threat</td></tr>'
        self.detail.value = (
            f"<b>{esc(code)}</b> carries {te.exposure[i]:.4g}: own {te.own[i]:.4g}, imported "
            f"{te.imported[i]:.4g}. The commitments responsible:"
            '<table style="font-size:12px"><tr><th>to protege</th><th>kind</th><th>treaty</th>'
            "<th>C</th><th>protege's t</th><th>imports</th></tr>" + body + "</table>"
        )

    def _entrapment(self) -> None:
        from foederis.analysis import entrapment

        try:
            res = entrapment(self.world)
        except FoederisError as e:  # e.g. a world without rivalries
            self.entrap.value = f"<i>Entrapment: {esc(e)}</i>"
            return
        top = res.to_frame().head(int(self.top.value))
        self.entrap.value = ("<b>Entrapment</b> (share of others' wars a state is drawn into, "
                             "weighted by rivalry hostility, and the commitment that pulls it "
                             "in most)"
                             + top.to_html(index=False, max_rows=50,
                                           float_format=lambda x: f"{x:.3g}"))
