"""Pictures for the views: matplotlib Figures rendered to PNG bytes (no pyplot, no backend).

Every function here is pure: data in, a :class:`matplotlib.figure.Figure` (or PNG bytes)
out. The views put the PNG into an ``ipywidgets.Output`` themselves, which works with or
without a kernel (pyplot's ``plt.show()`` inside ``with out:`` does not).

Network layouts come from igraph and are computed once per set of states: a world and all
its what-if edits share the ``codes`` array, so they share one layout. Worlds larger than
:data:`FULL_LAYOUT_MAX` states are drawn as the states at war and their neighbourhood only.
"""

from __future__ import annotations

import base64
import io
import math
from collections import OrderedDict
from typing import Any, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from foederis._constants import KINDS

__all__ = [
    "SIDE_COLORS",
    "FULL_LAYOUT_MAX",
    "world_layout",
    "drawn_states",
    "network_figure",
    "balance_figure",
    "bar_figure",
    "figure_png",
    "png_output",
]

SIDE_COLORS = ("#c9ced6", "#d62728", "#1f77b4")  # neutral, A (aggressors), D (defenders)
#: per kind code, whether its commitments pull (from the one table of kinds)
_PULLS = np.asarray([k.effect == "pull" for k in KINDS], dtype=bool)
FULL_LAYOUT_MAX = 2000
MAX_DRAWN = 600
_LAYOUTS: "OrderedDict[Any, tuple[Any, np.ndarray]]" = OrderedDict()
_LAYOUT_CACHE_SIZE = 32


# --------------------------------------------------------------------------------------
# layouts
# --------------------------------------------------------------------------------------
def _cache_get(key: Any) -> np.ndarray | None:
    hit = _LAYOUTS.get(key)
    if hit is None:
        return None
    _LAYOUTS.move_to_end(key)
    return hit[1]


def _cache_put(key: Any, owner: Any, xy: np.ndarray) -> None:
    _LAYOUTS[key] = (owner, xy)  # owner keeps id(key object) valid while cached
    while len(_LAYOUTS) > _LAYOUT_CACHE_SIZE:
        _LAYOUTS.popitem(last=False)


def _layout(n: int, src: np.ndarray, dst: np.ndarray, seed: int = 7,
            normalise: bool = True) -> np.ndarray:
    """Fruchterman-Reingold layout of an undirected simple graph, scaled into [0, 1]^2."""
    import igraph as ig

    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.full((1, 2), 0.5)
    lo = np.minimum(src, dst)
    hi = np.maximum(src, dst)
    pairs = np.unique(np.stack([lo, hi], axis=1), axis=0) if len(lo) else np.zeros((0, 2), int)
    g = ig.Graph(n=n, edges=pairs.tolist(), directed=False)
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, size=(n, 2)).tolist()
    xy = np.asarray(g.layout_fruchterman_reingold(seed=start, niter=500).coords, dtype=float)
    # isolated states: place them on a ring outside the connected part
    deg = np.asarray(g.degree())
    iso = np.flatnonzero(deg == 0)
    if len(iso) and len(iso) < n:
        core = xy[deg > 0]
        c = core.mean(axis=0)
        r = np.abs(core - c).max() * 1.15 + 1e-9
        ang = np.linspace(0, 2 * np.pi, len(iso), endpoint=False)
        xy[iso] = c + r * np.stack([np.cos(ang), np.sin(ang)], axis=1)
    if not normalise:
        return xy
    mn, mx = xy.min(axis=0), xy.max(axis=0)
    span = np.where(mx - mn > 0, mx - mn, 1.0)
    return (xy - mn) / span


#: Where the built-in regions sit on a map (roughly geographic); other regions go on a ring.
REGION_ANCHORS = {
    "Americas": (0.12, 0.5), "Europe": (0.45, 0.8), "Africa": (0.42, 0.18),
    "Middle East": (0.64, 0.45), "Asia": (0.86, 0.64), "Oceania": (0.88, 0.14),
}


def _spread(xy: np.ndarray) -> np.ndarray:
    """Rank-transform a layout toward a uniform spread (dense cliques become legible),
    keeping a quarter of the original geometry; result in [0, 1]^2."""
    n = len(xy)
    if n < 3:
        return np.full((n, 2), 0.5) if n else xy
    rk = (np.argsort(np.argsort(xy, axis=0, kind="stable"), axis=0, kind="stable") + 0.5) / n
    mn, mx = xy.min(axis=0), xy.max(axis=0)
    return 0.75 * rk + 0.25 * (xy - mn) / np.where(mx - mn > 0, mx - mn, 1.0)


def _region_layout(world: Any, g: np.ndarray, p: np.ndarray) -> np.ndarray | None:
    """States grouped in one box per region (placed roughly as on a map), laid out by their
    commitments inside it. None when the world has fewer than two regions."""
    region = np.asarray(world.region)
    names = [r for r in np.unique(region)]
    if len(names) < 2 or len(names) > 60:
        return None
    n = world.n_states
    others = [r for r in names if r not in REGION_ANCHORS]
    ring = {r: (0.5 + 0.45 * math.cos(2 * math.pi * k / max(len(others), 1) + 0.3),
                0.5 + 0.45 * math.sin(2 * math.pi * k / max(len(others), 1) + 0.3))
            for k, r in enumerate(others)}
    xy = np.zeros((n, 2))
    pos = np.full(n, -1, dtype=np.int64)
    for r in names:
        idx = np.flatnonzero(region == r)
        pos[:] = -1
        pos[idx] = np.arange(len(idx))
        ok = (pos[g] >= 0) & (pos[p] >= 0)
        sub = _spread(_layout(len(idx), pos[g[ok]], pos[p[ok]], normalise=False))
        half = 0.4 * math.sqrt(len(idx) / n)
        anchor = np.asarray(REGION_ANCHORS.get(r, ring.get(r, (0.5, 0.5))))
        xy[idx] = anchor + (sub - 0.5) * 2 * half
    mn, mx = xy.min(axis=0), xy.max(axis=0)
    return (xy - mn) / np.where(mx - mn > 0, mx - mn, 1.0)


def world_layout(world: Any) -> np.ndarray:
    """Layout (n, 2) of every state, from the pulling commitments (grouped by region when
    the world has regions); computed once per set of states and cached (a world's what-if
    edits share its ``codes`` array, hence its layout)."""
    key = ("world", id(world.codes))
    xy = _cache_get(key)
    if xy is None:
        pull = _PULLS[world.kind]
        g = world.guarantors[pull].astype(np.int64)
        p = world.indices[pull].astype(np.int64)
        xy = _region_layout(world, g, p)
        if xy is None:
            xy = _spread(_layout(world.n_states, g, p, normalise=False))
        xy.setflags(write=False)
        _cache_put(key, world.codes, xy)
    return xy


def drawn_states(world: Any, c: Any, limit: int = MAX_DRAWN) -> np.ndarray:
    """The states a map of a large world shows: those at war (largest capability first),
    then their guarantors and proteges, up to ``limit`` states (sorted indices)."""
    joined = np.asarray(c.order, dtype=np.int64)
    if len(joined) > limit:
        keep = np.argsort(-world.capability[joined], kind="stable")[:limit]
        must = np.asarray([world.index(x) for x in c.aggressors + c.targets], dtype=np.int64)
        return np.unique(np.concatenate([must, joined[keep[: limit - len(must)]]]))
    chosen = set(joined.tolist())
    room = limit - len(chosen)
    if room > 0:
        tr = world.transposed
        nb: list[np.ndarray] = []
        for j in joined:
            nb.append(world.indices[world.indptr[j]:world.indptr[j + 1]])
            nb.append(tr.indices[tr.indptr[j]:tr.indptr[j + 1]])
        if nb:
            cand = np.unique(np.concatenate(nb).astype(np.int64))
            cand = cand[~np.isin(cand, joined)]
            if len(cand) > room:
                cand = cand[np.argsort(-world.capability[cand], kind="stable")[:room]]
            chosen.update(cand.tolist())
    return np.asarray(sorted(chosen), dtype=np.int64)


def _sub_layout(world: Any, nodes: np.ndarray) -> np.ndarray:
    key = ("sub", id(world.codes), nodes.tobytes())
    xy = _cache_get(key)
    if xy is None:
        pos = np.full(world.n_states, -1, dtype=np.int64)
        pos[nodes] = np.arange(len(nodes))
        src, dst = _edges_among(world, nodes, pos)
        xy = _spread(_layout(len(nodes), pos[src], pos[dst], normalise=False))
        _cache_put(key, world.codes, xy)
    return xy


def _edges_among(world: Any, nodes: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pulling commitments whose both ends are in ``nodes`` (pos[i] >= 0)."""
    starts = world.indptr[nodes]
    counts = world.indptr[nodes + 1] - starts
    if counts.sum() == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    offs = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    e = np.arange(int(counts.sum()), dtype=np.int64) + offs
    g = np.repeat(nodes, counts)
    p = world.indices[e].astype(np.int64)
    ok = (pos[p] >= 0) & _PULLS[world.kind[e]]
    return g[ok], p[ok]


# --------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------
def figure_png(fig: Figure, dpi: int = 72) -> bytes:
    """Render a Figure to PNG bytes with the Agg canvas (no pyplot involved)."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def png_output(png: bytes, text: str = "") -> dict:
    """An output dict (``display_data`` with ``image/png``) for ``Output.outputs``."""
    return {
        "output_type": "display_data",
        "data": {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": text or
                 "<image>"},
        "metadata": {},
    }


def _side_at(c: Any, r: int | None) -> np.ndarray:
    side = np.asarray(c.side)
    if r is None or r < 0 or r >= c.n_rounds:
        return side
    return np.where((np.asarray(c.round) >= 0) & (np.asarray(c.round) <= r), side, 0)


def _lines(ax: Any, a: np.ndarray, b: np.ndarray, **style: Any) -> None:
    """Segments a[k] -> b[k] as ONE Line2D broken by NaNs (far faster than a
    LineCollection of thousands of paths)."""
    k = len(a)
    pts = np.full((3 * k, 2), np.nan)
    pts[0::3] = a
    pts[1::3] = b
    ax.plot(pts[:, 0], pts[:, 1], solid_capstyle="butt", **style)


_MAP_RECT = (0.0, 0.0, 1.0, 0.93)
_MAP_XLIM = (-0.04, 1.04)
_MAP_YLIM = (-0.05, 1.06)


def _background(world: Any, nodes: np.ndarray, xy: np.ndarray, pos: np.ndarray, full: bool,
                size: tuple[float, float], dpi: int) -> np.ndarray | None:
    """RGBA pixels of the grey commitment lines of a map (cached per edge set, layout,
    size and resolution)."""
    key = ("bg", id(world.codes), id(world.indices), id(world.kind), id(xy), size, dpi,
           None if full else nodes.tobytes())
    hit = _cache_get(key)
    if hit is not None:
        return hit
    n = world.n_states
    if full:
        pull = _PULLS[world.kind]
        g, p = world.guarantors[pull], world.indices[pull]
    else:
        g, p = _edges_among(world, nodes, pos)
    if not len(g):
        return None
    lo, hi = np.minimum(g, p), np.maximum(g, p)
    pairs = np.unique(lo.astype(np.int64) * n + hi)
    a, b = pos[pairs // n], pos[pairs % n]
    bfig = Figure(figsize=size, dpi=dpi)
    bfig.patch.set_alpha(0.0)
    bax = bfig.add_axes(_MAP_RECT)
    bax.set_axis_off()
    _lines(bax, xy[a], xy[b], color="#d5d9e0", lw=0.4)
    bax.set_xlim(*_MAP_XLIM)
    bax.set_ylim(*_MAP_YLIM)
    canvas = FigureCanvasAgg(bfig)
    canvas.draw()
    img = np.asarray(canvas.buffer_rgba()).copy()
    img.setflags(write=False)
    # keep the arrays whose ids make the key alive as long as the entry
    _cache_put(key, (world.codes, world.indices, world.kind, xy), img)
    return img


def network_figure(
    c: Any,
    *,
    round: int | None = None,  # noqa: A002 - the cascade's own word
    baseline: Any = None,
    size: tuple[float, float] = (7.2, 5.0),
    labels: int = 30,
    dpi: int = 72,
) -> Figure:
    """The alliance network coloured by side (A red, D blue, neutral grey) after ``round``.

    Node area follows capability. Thin grey lines are pulling commitments (the kinds
    whose effect is "pull" in ``foederis._constants.KINDS``); coloured lines are the
    commitments that pulled a state in. With ``baseline`` (a cascade of the same attack on
    the unedited world), states whose fate differs are ringed in black. Worlds over FULL_LAYOUT_MAX states show the
    states at war and their neighbourhood only.
    """
    world = c.world
    n = world.n_states
    full = n <= FULL_LAYOUT_MAX
    if full:
        nodes = np.arange(n, dtype=np.int64)
        xy = world_layout(world)
    else:
        nodes = drawn_states(world, c)
        xy = _sub_layout(world, nodes)
    pos = np.full(n, -1, dtype=np.int64)
    pos[nodes] = np.arange(len(nodes))
    side = _side_at(c, round)[nodes]

    fig = Figure(figsize=size, dpi=dpi)
    ax = fig.add_axes(_MAP_RECT)
    ax.set_axis_off()
    # background: pulling commitments among the drawn states, rendered once per edge set
    # (the what-if edits that change edges make a new one) and pasted as pixels
    bg = _background(world, nodes, xy, pos, full, size, dpi)
    if bg is not None:
        fig.figimage(bg, 0, 0, origin="upper", zorder=-1)
    # the commitments that pulled states in, up to the round shown
    why = c.why
    if len(why):
        r_show = c.n_rounds if round is None or round < 0 else round
        wsub = why[why["round"].to_numpy() <= r_show]
        if len(wsub):
            gi = world.indices_of(wsub["state"].to_numpy())
            pi = world.indices_of(wsub["protege"].to_numpy())
            ok = (pos[gi] >= 0) & (pos[pi] >= 0)
            gi, pi = gi[ok], pi[ok]
            for s in (1, 2):
                m = np.asarray(c.side)[gi] == s
                if m.any():
                    _lines(ax, xy[pos[gi[m]]], xy[pos[pi[m]]], color=SIDE_COLORS[s], lw=0.9,
                           alpha=0.55, zorder=2)
    cap = world.capability[nodes]
    total = float(world.capability.sum()) or 1.0
    area = 12 + 900 * np.sqrt(cap / total)
    colors = np.asarray(SIDE_COLORS)[side]
    order = np.argsort(side, kind="stable")  # neutrals below
    ax.scatter(xy[order, 0], xy[order, 1], s=area[order], c=colors[order], linewidths=0.4,
               edgecolors="white", zorder=3)
    if baseline is not None:
        diff = np.flatnonzero(np.asarray(baseline.side)[nodes] != np.asarray(c.side)[nodes])
        if len(diff):
            ax.scatter(xy[diff, 0], xy[diff, 1], s=area[diff] + 60, facecolors="none",
                       edgecolors="black", linewidths=1.3, zorder=4)
    # labels: the states at war, largest first
    at_war = np.flatnonzero(side > 0)
    if len(at_war) > labels:
        at_war = at_war[np.argsort(-cap[at_war], kind="stable")[:labels]]
    codes = world.codes[nodes]
    for i in at_war:
        ax.text(xy[i, 0], xy[i, 1] + 0.018, codes[i], fontsize=6.5, ha="center", va="bottom",
                zorder=5, color="#222")
    ax.set_xlim(*_MAP_XLIM)
    ax.set_ylim(*_MAP_YLIM)
    na, nd = int(np.count_nonzero(side == 1)), int(np.count_nonzero(side == 2))
    r_lbl = c.n_rounds if round is None or round < 0 or round > c.n_rounds else round
    title = (f"{', '.join(f'{a}→{t}' for a, t in c.attacks)}: round {r_lbl} of {c.n_rounds}"
             f" — A {na} (red), D {nd} (blue)")
    if not full:
        title += f"; {len(nodes):,} of {n:,} states shown"
    fig.text(0.01, 0.97, title, fontsize=9, va="center")
    return fig


def balance_figure(cascades: Sequence[tuple[str, Any]], *, round: int | None = None,  # noqa: A002
                   size: tuple[float, float] = (4.8, 2.9)) -> Figure:
    """Capability of side A and side D after each round, one line style per cascade
    (e.g. [("baseline", c0), ("what-if", c1)])."""
    fig = Figure(figsize=size)
    ax = fig.add_axes((0.15, 0.33, 0.82, 0.57))
    styles = ("--", "-", ":", "-.")
    top = 0.0
    rmax = 0
    for k, (label, c) in enumerate(cascades):
        cb = np.asarray(c.capability_by_round)
        r = np.arange(len(cb))
        # extend to a common last round, flat after the cascade stopped
        ax.plot(r, cb[:, 0], styles[k % 4], color=SIDE_COLORS[1], marker="o", ms=3,
                label=f"A ({label})")
        ax.plot(r, cb[:, 1], styles[k % 4], color=SIDE_COLORS[2], marker="o", ms=3,
                label=f"D ({label})")
        top = max(top, float(cb.max()) if cb.size else 0.0)
        rmax = max(rmax, len(cb) - 1)
    if round is not None and round >= 0:
        ax.axvline(round, color="#888", lw=0.8)
    ax.set_xlim(-0.2, max(rmax, 1) + 0.2)
    ax.set_ylim(0, top * 1.1 if top > 0 else 1)
    ax.set_xlabel("round", fontsize=8)
    ax.set_ylabel("capability", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=6.5, ncol=4, frameon=False, loc="upper center",
              bbox_to_anchor=(0.45, -0.3))
    ax.set_title("capability per side, by round", fontsize=8.5)
    return fig


def bar_figure(labels: Sequence[str], values: Sequence[float], *, title: str = "",
               xlabel: str = "", size: tuple[float, float] = (5.0, 3.2)) -> Figure:
    """Horizontal bars, largest at the top."""
    fig = Figure(figsize=size)
    ax = fig.add_axes((0.2, 0.16, 0.76, 0.74))
    y = np.arange(len(labels))[::-1]
    vals = np.asarray(values, dtype=float)
    ax.barh(y, vals, color="#5a7bb5")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=7)
    ax.tick_params(axis="x", labelsize=7)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    if len(vals) and np.isfinite(vals).any() and math.isfinite(float(np.nanmax(vals))):
        ax.set_xlim(0, float(np.nanmax(vals)) * 1.05 or 1.0)
    return fig
