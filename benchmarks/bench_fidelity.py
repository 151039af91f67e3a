"""fidelity: the back-test of the cascade against the 19 shipped COW calibration wars.

Not a timing benchmark but the record the defaults are chosen on: precision, recall and F1
of the joiners the cascade names (right side only), micro-averaged over all wars, before
1945 and from 1945, for the default rules, DESIGN.md's rule and each single-parameter lever
of ``Rules``; the same on other worlds of each war; the joiners by cause; and the time.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from run import try_measure

# (label, field, value): one field of Rules changed from the default. Levers whose field
# Rules does not have (any more) are skipped, so the table follows Rules as it changes.
LEVERS = [
    ("conditions off", "conditions", False),
    ("bound_victim_unrestrained off", "bound_victim_unrestrained", False),
    ("rival_weight 0 (no rivals join)", "rival_weight", 0.0),
    ("rival_weight 0.25", "rival_weight", 0.25),
    ("rival_weight 1", "rival_weight", 1.0),
    ("rival_scope belligerents (rivals of every state at war)", "rival_scope", "belligerents"),
    ("min_side_share 0.5 (the cost of joining)", "min_side_share", 0.5),
    ("min_side_share 0.35", "min_side_share", 0.35),
    ("one_pull_per_treaty off (every member's pull summed)", "one_pull_per_treaty", False),
    ("entente_weight 0.25 (DESIGN.md's)", "entente_weight", 0.25),
    ("entente_weight 1", "entente_weight", 1.0),
    ("ally_restraint 0 (DESIGN.md's)", "ally_restraint", 0.0),
    ("defend_initiators 1 (chain-ganging toward initiators)", "defend_initiators", 1.0),
    ("defend_initiators 0.5", "defend_initiators", 0.5),
    ("reach off", "reach", False),
    ("neutrality_weight 0", "neutrality_weight", 0.0),
    ("nonaggression_weight 0", "nonaggression_weight", 0.0),
    ("threshold 0.25", "threshold", 0.25),
    ("threshold 0.75", "threshold", 0.75),
    ("threshold 1", "threshold", 1.0),
    ("credibility_scale 0.5", "credibility_scale", 0.5),
    ("max_rounds 1 (direct ties only)", "max_rounds", 1),
    ("reach_rule geography (reach_km 1000)", "reach_rule", "geography"),
]
# the path from DESIGN.md's rule to the default, one lever added at a time, and other
# combinations (several fields at once, from the default)
COMBINATIONS = [
    ("DESIGN.md's rule + conditions",
     dict(entente_weight=0.25, ally_restraint=0.0, conditions=True,
          bound_victim_unrestrained=False, rival_weight=0.0, one_pull_per_treaty=False)),
    ("... + ally_restraint 1",
     dict(entente_weight=0.25, conditions=True, bound_victim_unrestrained=False,
          rival_weight=0.0, one_pull_per_treaty=False)),
    ("... + bound_victim_unrestrained",
     dict(entente_weight=0.25, conditions=True, rival_weight=0.0,
          one_pull_per_treaty=False)),
    ("... + rival_weight 0.5", dict(entente_weight=0.25, one_pull_per_treaty=False)),
    ("... + entente_weight 0", dict(one_pull_per_treaty=False)),
    ("... + one_pull_per_treaty (= the default)", dict()),
    ("default + geography 2000 km", dict(reach_rule="geography", reach_km=2000.0)),
    ("default + restraints off (neutrality and non-aggression 0)",
     dict(neutrality_weight=0.0, nonaggression_weight=0.0)),
    ("default + min_side_share 0.35 + entente_weight 0.25",
     dict(min_side_share=0.35, entente_weight=0.25)),
]
ERAS = ("overall", "before_1945", "from_1945")


def _design() -> Any:
    from foederis import Rules

    return Rules.design() if hasattr(Rules, "design") else Rules(ally_restraint=0)


def _figures(res: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"seconds": res.seconds}
    for era in ERAS:
        s = getattr(res, era)
        out[era] = {"p": s.precision, "r": s.recall, "f1": s.f1, "right": s.right,
                    "predicted": s.predicted, "true": s.true, "wrong": s.wrong_side}
    return out


def case_levers(quick: bool = False) -> dict[str, Any]:
    """The record of the default, DESIGN.md's rule and each lever (onset-day worlds)."""
    from foederis import Rules, backtest

    t0 = time.perf_counter()
    default = backtest()
    first = time.perf_counter() - t0
    warm = min(backtest().seconds for _ in range(3))
    fields = {f.name for f in dataclasses.fields(Rules)}
    rows = [("default rules", _figures(default)),
            ("DESIGN.md's rule (Rules.design())", _figures(backtest(rules=_design())))]
    for label, field, value in (LEVERS[:2] if quick else LEVERS):
        if field in fields:
            rows.append((label, _figures(backtest(rules=Rules().replace(**{field: value})))))
    for label, change in ([] if quick else COMBINATIONS):
        if set(change) <= fields:
            rows.append((label, _figures(backtest(rules=Rules().replace(**change)))))
    causes = default.causes()
    missed = [j for w in default.wars for j in w.joiners if j.outcome == "missed"]
    return {"first_s": first, "warm_s": warm, "rows": rows, "missed": len(missed),
            "missed_tied": sum(j.tied_to_side for j in missed),
            "causes": [[r.outcome, r.cause, r.kind or None, int(r.joiners)]
                       for r in causes.itertuples()]}


def case_worlds() -> dict[str, Any]:
    """Default and DESIGN.md's rule on the worlds of the onset year, the year before onset
    and, where the build has day-level worlds, the onset day."""
    from foederis import FoederisError, UnknownWorldError, backtest, load_world

    def year_before(case: Any) -> Any:
        return load_world(f"atop:{case.onset_year - 1}")

    worlds = [("calendar year of onset (atop:{year})", "atop:{year}"),
              ("calendar year before onset", year_before),
              ("onset day (atop:{date})", "atop:{date}")]
    rows = []
    for label, world in worlds:
        for rname, rules in (("default", None), ("DESIGN.md's rule", _design())):
            try:
                rows.append((label, rname, _figures(backtest(rules=rules, world=world))))
                if world == "atop:{year}":
                    rows.append((label + ", joiners of the onset year only", rname, _figures(
                        backtest(rules=rules, world=world, joiners="onset_year"))))
            except UnknownWorldError:
                rows.append((label, rname, {"error": "no such worlds in this build"}))
            except FoederisError as e:
                rows.append((label, rname, {"error": str(e).splitlines()[0][:120]}))
    return {"rows": rows}


def _cells(fig: dict[str, Any]) -> list[Any]:
    cells: list[Any] = []
    for era in ERAS:
        e = fig[era]
        cells += [e["p"], e["r"], e["f1"]]
    o = fig["overall"]
    return cells + [f"{o['right']} / {o['predicted']} / {o['true']}", o["wrong"]]


COLUMNS = ["P all", "R all", "F1 all", "P <1945", "R <1945", "F1 <1945", "P 1945+",
           "R 1945+", "F1 1945+", "right / predicted / true", "wrong side"]


def run(quick: bool) -> list[dict]:
    lev = try_measure("bench_fidelity:case_levers", quick=quick)
    if "error" in lev:
        return [{"title": "Fidelity of the rules on the 19 calibration wars",
                 "columns": ["error"], "rows": [[lev["error"]]]}]
    sections = [{
        "title": "Fidelity of the rules on the 19 calibration wars (worlds of the onset day)",
        "note": (
            "`foederis.backtest(rules=...)` on the cases shipped in the package (COW "
            "inter-state wars with three or more participants; originals given, every "
            "initiator attacks every target). A predicted joiner counts only on the right "
            "side; precision, recall and F1 are micro-averaged over the joiners of all wars, "
            "of the 11 wars before 1945 and of the 8 from 1945. Each row but the first two "
            "changes one field of the default `Rules()` (the last rows: several). The worlds "
            "are `atop:{date}`, the world of each war's onset day (treaties in force and "
            "states in the system that day): the honest record; calendar-year worlds hold "
            "treaties signed after a war began and flatter every rule (next table). "
            "Reproduce: `foederis backtest --rules FIELD=VALUE`."),
        "columns": ["rules"] + COLUMNS,
        "rows": [[label] + _cells(fig) for label, fig in lev["rows"]],
    }]
    if not quick:
        wor = try_measure("bench_fidelity:case_worlds")
        rows = []
        for label, rname, fig in wor.get("rows", [("all", "all", wor)]):
            if "error" in fig or "error" in wor:
                err = fig.get("error", wor.get("error"))
                rows.append([label, rname] + [None] * (len(COLUMNS) - 2) + [err, None])
            else:
                rows.append([label, rname] + _cells(fig))
        sections.append({
            "title": "The same wars on other worlds",
            "note": ("An alliance signed during a war is often how a state joins it: the "
                     "world of the onset day is the honest one. Where a build has no "
                     "day-level worlds the row says so. \"Joiners of the onset year only\" "
                     "scores only the states that entered in the onset year "
                     "(`backtest(joiners=\"onset_year\")`): a later entrant is neither true "
                     "nor false."),
            "columns": ["world", "rules"] + COLUMNS,
            "rows": rows,
        })
    sections.append({
        "title": "Wrong, false and missed joiners by cause (default rules, onset-year worlds)",
        "note": ("`BacktestResult.causes()`: the cause of each joiner the cascade got wrong, "
                 "computed from the world's commitments and the cascade's final sides; kind: "
                 "the commitment that pulled it most (or binds it to a belligerent most). "
                 f"Of the {lev['missed']} missed joiners, {lev['missed_tied']} have a "
                 "commitment (of any kind, either way) with a state that really fought on "
                 "their side; the others are tied to no state of their side, so a rule "
                 "over alliances reaches them only through states that did not fight on "
                 "their side, or through other data (rivalries, borders, major powers)."),
        "columns": ["outcome", "cause", "kind", "joiners"],
        "rows": lev["causes"],
    })
    sections.append({
        "title": "Time of the back-test",
        "note": ("The 19 wars: world loads, 19 cascades, scoring and diagnosis. First call "
                 "in a fresh process (kernels loaded from numba's cache, worlds built) and "
                 "warm (best of 3)."),
        "columns": ["first call (s)", "warm (s)", "process peak RSS (MB)"],
        "rows": [[lev["first_s"], lev["warm_s"], lev.get("peak_rss_mb")]],
    })
    return sections
