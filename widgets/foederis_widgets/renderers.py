"""Pure renderers: results in, plain data or HTML out (no widgets, no state).

The Explorer's panels show what these return; tests call them alone. Data:
:func:`comparison_rows` (what changed between a baseline and a what-if cascade, an adapter
over the engine's :func:`foederis.compare`) and :func:`joined_rows` (who joined, when, on
which side, pulled by which commitments of which treaties). HTML: :func:`verdict_html`,
:func:`comparison_html`, :func:`joined_html`, :func:`ensemble_html`. Pictures are in
:mod:`foederis_widgets.plotting`.

Examples
--------
>>> from foederis import cascade, load_world
>>> w = load_world("contemporary")
>>> d = comparison_rows(cascade(w, "RUS:EST"), cascade(w.without_member("TUR", "NATO"),
...                                                    "RUS:EST"))
>>> d["stayed_out"]
['TUR']
>>> usa = next(r for r in joined_rows(cascade(w, "RUS:EST")) if r["code"] == "USA")
>>> usa["side"], "NATO" in usa["treaties"]
('D', True)
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

import numpy as np

from ._controls import esc

__all__ = [
    "fmt_balance",
    "capability_measure",
    "comparison_rows",
    "joined_rows",
    "rules_line",
    "verdict_html",
    "comparison_html",
    "joined_html",
    "ensemble_html",
    "plain_text",
]

#: the label of a pull that comes from no treaty (a bilateral guarantee, an edit)
NO_TREATY = "no treaty"


def fmt_balance(b: float) -> str:
    """A balance ratio for people: 3 significant digits, "∞", or "n/a" (NaN)."""
    if math.isnan(b):
        return "n/a"
    if math.isinf(b):
        return "∞"
    return f"{b:.3g}"


def plain_text(html: str) -> str:
    """The text an HTML fragment shows (tags dropped)."""
    return re.sub(r"<[^>]+>", "", html)


def _n(k: int, word: str) -> str:
    return f"{k:,} {word}" + ("" if k == 1 else "s")


def capability_measure(world: Any) -> str:
    """What a world's ``capability`` column measures, as its description names it (e.g.
    "NMC v7 CINC for 2022"), else the world's ``capability_measure`` (e.g. "milex" after
    ``with_capability_measure``), or "capability" when neither says."""
    named = str(getattr(world, "capability_measure", "") or "capability")
    if named not in ("capability", "cinc"):
        return named
    m = re.search(r"capability\s*=\s*([^;]+)", getattr(world, "description", "") or "")
    if not m:
        return "CINC" if named == "cinc" else "capability"
    text = re.split(r"\s+renormali[sz]ed", m.group(1).strip())[0].strip(" ,.")
    return text or "capability"


# --------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------
def comparison_rows(base: Any, whatif: Any) -> dict:
    """What changed between two cascades of the same attack on worlds with the same states:
    the engine's :func:`foederis.compare`, in the shape the views use.

    Returns a dict: ``switched`` [(code, old side, new side)], ``stayed_out`` (joined in
    the baseline, neutral in the what-if), ``drawn_in`` [(code, side)] (neutral in the
    baseline, joined in the what-if), ``balance`` (base, what-if, difference), ``deterred``
    (base, what-if), ``umbrella`` (base, what-if), ``n_a`` / ``n_d`` (base, what-if),
    ``same`` (nothing changed).
    """
    from foederis import compare

    ch = compare(base, whatif).changes  # the engine's list of what changed
    kind = ch["change"].to_numpy()
    sb, sw = np.asarray(base.side), np.asarray(whatif.side)
    switched = [(str(c), b, a) for c, b, a, k in zip(ch["code"], ch["before"], ch["after"], kind)
                if k.startswith("switched")]
    stayed_out = [str(c) for c, k in zip(ch["code"], kind) if k == "stayed out"]
    drawn_in = [(str(c), a) for c, a, k in zip(ch["code"], ch["after"], kind)
                if k in ("joined A", "joined D")]
    bb, bw = float(base.balance), float(whatif.balance)
    db = bw - bb if math.isfinite(bw - bb) else math.nan
    if math.isfinite(db) and abs(db) <= 1e-12 * max(abs(bb), abs(bw), 1.0):
        db = 0.0  # summation-order noise, not a change
    return {
        "switched": switched,
        "stayed_out": stayed_out,
        "drawn_in": drawn_in,
        "balance": (bb, bw, db),
        "deterred": (bool(base.deterred), bool(whatif.deterred)),
        "umbrella": (tuple(base.umbrella_guarantors), tuple(whatif.umbrella_guarantors)),
        "n_a": (int(np.count_nonzero(sb == 1)), int(np.count_nonzero(sw == 1))),
        "n_d": (int(np.count_nonzero(sb == 2)), int(np.count_nonzero(sw == 2))),
        "same": not (switched or stayed_out or drawn_in) and (
            db == 0.0 or bb == bw or (math.isnan(bb) and math.isnan(bw))),
    }


def joined_rows(c: Any, limit: int | None = None) -> list[dict]:
    """Who joined, in order of (round, state): one dict per state with ``code``, ``name``,
    ``side``, ``round``, ``initiator``, ``capability`` (the world's figure), ``share``
    (percent of the world's total capability), ``pulled_by`` (list of "EST DEFENSE [NATO]"
    strings, strongest first, or the role for round 0) and ``treaties`` (every treaty
    behind the state's pulls, strongest first, each with its list of "protege KIND"
    commitments; pulls from no treaty under :data:`NO_TREATY`)."""
    w = c.world
    order = np.asarray(c.order)
    if limit is not None:
        order = order[:limit]
    why = c.why
    pulls: dict[str, list[str]] = {}
    treaties: dict[str, dict[str, list[str]]] = {}
    if len(why):
        codes_in = set(w.codes[order].tolist())
        sub = why[why["state"].isin(codes_in)].sort_values(
            ["state", "contribution"], ascending=[True, False], kind="stable")
        tcol = sub["treaty"].fillna("")
        conds = _condition_texts(sub)
        for st, p, k, ts, cond in zip(sub["state"], sub["protege"], sub["kind"], tcol, conds):
            item = f"{p} {k}" + (f" ({cond})" if cond else "")
            pulls.setdefault(st, []).append(item + (f" [{ts}]" if ts else ""))
            for t in (ts.split("|") if ts else [NO_TREATY]):
                by = treaties.setdefault(st, {}).setdefault(t, [])
                if item not in by:
                    by.append(item)
    total = float(np.sum(w.capability)) or 1.0
    rows = []
    aggressors = set(c.aggressors)
    for i in order:
        code = str(w.codes[i])
        r = int(c.round[i])
        if r == 0:
            by = ["aggressor" if code in aggressors else "target"]
        else:
            by = list(dict.fromkeys(pulls.get(code, [])))
        rows.append({
            "code": code,
            "name": str(w.names[i]),
            "side": ("neutral", "A", "D")[int(c.side[i])],
            "round": r,
            "initiator": bool(c.initiator[i]),
            "capability": float(w.capability[i]),
            "share": 100.0 * float(w.capability[i]) / total,
            "pulled_by": by,
            "treaties": treaties.get(code, {}) if r > 0 else {},
        })
    return rows


def _condition_texts(why: Any) -> list[str]:
    """One short text per row of ``Cascade.why``: the commitment's conditions ("against
    RUS; if not provoked"), "" when unconditional or when the world has no conditions."""
    if "against" not in why.columns:
        return [""] * len(why)
    out = []
    for a, loc, npv, mn, un in zip(why["against"], why["location"], why["nonprovocation"],
                                   why["min_attackers"], why["adversary_unnamed"]):
        bits = [f"against {a}"] if a else []
        bits += ["against an unnamed adversary"] if un else []
        bits += [f"location {loc}"] if loc else []
        bits += ["if not provoked"] if npv else []
        bits += [f"at least {int(mn)} attackers"] if int(mn) > 1 else []
        out.append("; ".join(bits))
    return out


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------
#: short names of the rules in the verdict's small print (others: the field name)
_SHORT = {"entente_weight": "entente", "neutrality_weight": "neutrality",
          "nonaggression_weight": "non-aggression", "credibility_scale": "credibility ×"}
#: rules the verdict's lines show already
_IN_VERDICT = ("margin", "nuclear_umbrella")


def rules_line(rules: Any) -> str:
    """Every field of a :class:`foederis.Rules` in one line ("threshold 0.5 · entente 0.25
    · … · reach on"), in the dataclass's order; ``max_rounds`` only when set.

    >>> from foederis import Rules
    >>> rules_line(Rules(threshold=0.75, reach=False)).startswith("threshold 0.75 · ")
    True
    """
    out = []
    for f in dataclasses.fields(rules):
        v = getattr(rules, f.name)
        if f.name in _IN_VERDICT or v is None:
            continue
        label = _SHORT.get(f.name, f.name.replace("_", " "))
        if isinstance(v, bool):
            out.append(f"{label} {'on' if v else 'off'}")
        elif isinstance(v, float):
            out.append(f"{label}{'' if label.endswith('×') else ' '}{v:g}")
        else:
            out.append(f"{label} {v}")
    return " · ".join(out)


def verdict_html(base: Any, whatif: Any, world_name: str, edited: bool) -> str:
    """The verdict: the attack, deterred or not, the balance, the umbrella, the sides; with
    ``edited``, the what-if line and the baseline's below it; the rules in small print."""
    def line(label: str, c: Any) -> str:
        det = c.deterred
        word = "DETERRED" if det else "NOT DETERRED"
        color = "#1b6e20" if det else "#a40000"
        umb = ", ".join(c.umbrella_guarantors) if c.umbrella else "none"
        na = int(np.count_nonzero(np.asarray(c.side) == 1))
        nd = int(np.count_nonzero(np.asarray(c.side) == 2))
        return (f'<div><span style="color:{color};font-weight:700">{label}: {word}</span>'
                f" — balance D/A <b>{fmt_balance(c.balance)}</b> "
                f"(margin {c.rules.margin:g}) · nuclear umbrella: {esc(umb)} · "
                f"A {_n(na, 'state')}, D {_n(nd, 'state')} · {_n(c.n_rounds, 'round')}"
                "</div>")

    atk = ", ".join(f"{a} → {t}" for a, t in whatif.attacks)
    r = whatif.rules
    head = (f'<div style="font-size:15px;margin-bottom:2px"><b>{esc(atk)}</b> '
            f"({esc(whatif.domain)}) on <i>{esc(world_name)}</i></div>")
    body = line("What-if" if edited else "Verdict", whatif)
    if edited:
        body += line("Baseline", base)
    foot = f'<div style="color:#666;font-size:11px">{esc(rules_line(r))}</div>'
    return f'<div class="fx-verdict-text">{head}{body}{foot}</div>'


def comparison_html(base: Any, whatif: Any, edited: bool) -> str:
    """Baseline vs what-if side by side, and exactly what changed (see
    :func:`comparison_rows`); a hint when there is no edit yet."""
    if not edited:
        return ('<div class="fx-compare-text" style="color:#555"><b>Baseline vs what-if'
                "</b><br>No what-if edits yet: apply one (left) to compare it with the "
                "baseline.</div>")
    d = comparison_rows(base, whatif)
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
        ("balance D/A", fmt_balance(b0), fmt_balance(b1)),
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
        f"<div>change in balance: <b>{sign}{fmt_balance(db) if not math.isnan(db) else 'n/a'}"
        f"</b> · verdict {verdict_change}</div>"
        f"<div>switched side: {esc(codes(d['switched'], lambda x: f'{x[0]} ({x[1]}→{x[2]})'))}"
        "</div>"
        f"<div>now stay out: {esc(codes(d['stayed_out'], str))}</div>"
        f"<div>newly drawn in: {esc(codes(d['drawn_in'], lambda x: f'{x[0]} ({x[1]})'))}"
        "</div></div>"
    )


def _treaty_cell(row: dict, per_treaty: int = 6) -> str:
    if not row["treaties"]:
        return esc("; ".join(row["pulled_by"]))
    parts = []
    for t, items in row["treaties"].items():
        more = f", … {len(items) - per_treaty} more" if len(items) > per_treaty else ""
        parts.append(f"<b>{esc(t)}</b>: {esc(', '.join(items[:per_treaty]))}{more}")
    return "; ".join(parts)


def joined_html(c: Any, edited: bool, limit: int = 250) -> str:
    """The table of who joined: side, round, state, capability as a share of the world's
    (in percent, the measure named), initiator, and every treaty behind its pull."""
    rows = joined_rows(c, limit=limit)
    total = len(c.order)
    cells = []
    for r in rows:
        color = "#d62728" if r["side"] == "A" else "#1f77b4"
        cells.append(
            f'<tr><td style="color:{color};font-weight:600">{esc(r["side"])}</td>'
            f'<td>{r["round"]}</td><td><b>{esc(r["code"])}</b></td>'
            f'<td>{esc(r["name"])}</td><td style="text-align:right">'
            f'{r["share"]:.3g} %</td><td>{"yes" if r["initiator"] else ""}</td>'
            f"<td>{_treaty_cell(r)}</td></tr>"
        )
    more = (f"<div>… and {total - limit:,} more states</div>" if total > limit else "")
    measure = capability_measure(c.world)
    head = (f'<tr><th>side</th><th>round</th><th>code</th><th>name</th><th title="'
            f'{esc(measure)}">capability, % of world</th><th>initiator</th>'
            "<th>pulled in by (treaty: protege kind)</th></tr>")
    title = "Who joined" + (" (what-if)" if edited else "")
    return (f'<div class="fx-joined-table"><b>{title}</b>: {total:,} states · capability '
            f"as a share of the world's total, measured as {esc(measure)}"
            f'<table style="font-size:12px;border-collapse:collapse">'
            f"{head}{''.join(cells)}</table>{more}</div>")


def mode_disagreements(c: Any, e: Any) -> list[dict]:
    """The states whose deterministic side (cascade ``c``) differs from their most likely
    side in the Monte Carlo ensemble ``e`` of the same world and attack: one dict per
    state with ``code``, ``cascade`` and ``ensemble`` ("A", "D" or "neutral") and ``p``
    (the ensemble's probability of its most likely side). Ties go to neutral, then A."""
    pa = np.asarray(e.p_join_a, dtype=np.float64)
    pd_ = np.asarray(e.p_join_d, dtype=np.float64)
    probs = np.stack([1.0 - pa - pd_, pa, pd_])
    likely = np.argmax(probs, axis=0)
    side = np.asarray(c.side)
    names = ("neutral", "A", "D")
    w = c.world
    return [{"code": str(w.codes[i]), "cascade": names[int(side[i])],
             "ensemble": names[int(likely[i])], "p": float(probs[likely[i], i])}
            for i in np.flatnonzero(likely != side)]


def ensemble_html(e0: Any, e1: Any, cascade: Any = None) -> str:
    """The Monte Carlo ensembles (baseline, and what-if when there is one): P(deterred),
    war size, and the states most likely drawn in ("" when none has run)."""
    if e0 is None:
        return ""
    parts = []
    for label, e in (("baseline", e0), ("what-if", e1)):
        if e is None:
            continue
        flag = " (stopped early)" if e.interrupted else ""
        parts.append(
            f"<div><b>Monte Carlo {label}</b>: {e.samples:,} samples (seed {e.seed}, "
            f"{esc(e.mode)} rule){flag}, P(deterred) = "
            f"<b>{e.p_deterred:.3f}</b>, mean war size {e.mean_war_size if e.samples else 0:.1f} "
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
    if cascade is not None:
        dis = mode_disagreements(cascade, e)
        if dis:
            parts.append(
                "<div><b>the two modes disagree</b> (deterministic side vs most likely in "
                "the ensemble): " + esc(", ".join(
                    f"{d['code']} {d['cascade']} vs {d['ensemble']} ({d['p']:.0%})"
                    for d in dis[:30])) + (f", … {len(dis) - 30} more" if len(dis) > 30 else "")
                + "</div>")
    return ('<div class="fx-ensemble-text">' + "".join(parts)
            + '<table style="font-size:12px"><tr><th>code</th><th>name</th>'
            "<th>P(join A)</th><th>P(join D)</th><th>mean round</th></tr>"
            + rows + "</table></div>")
