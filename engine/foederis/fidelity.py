"""The back-test: does the cascade say who joined the wars of history?

:func:`backtest` runs, for each war of a set of cases, the cascade of its original attacks
(every initiator attacks every target) on the world of its onset, and scores the states it
says joined against those that did. Every joiner the cascade missed, and every false one,
gets a cause computed from the world and the :class:`~foederis.Cascade`.

The cases (:func:`load_cases`) ship with the package or come from the user; see
:mod:`foederis._backtest_cases` for their formats.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ._backtest_cases import (ERA_YEAR, SIDES, CaseError, WarCase, cases_citation,
                              cases_frame, load_cases)
from ._cascade import Cascade, Rules, cascade
from ._constants import DEFENSIVE_KINDS, DOMAIN_NAMES, KIND_NAMES, RESTRAINT_KINDS
from .builtin import load_world
from .errors import FoederisError, ParameterError
from .world import World
from ._validate import shown

__all__ = ["BacktestResult", "CaseError", "JoinerScore", "Score", "WarCase", "WarScore",
           "backtest", "cases_citation", "cases_frame", "load_cases", "DEFAULT_WORLD"]

DEFAULT_WORLD = "atop:{date}"
OUTCOMES = ("right", "wrong side", "false", "missed")
_CONVENTIONAL = 1 << DOMAIN_NAMES.index("conventional")
_SIDE_CODE = {"A": 1, "D": 2}
_SIDE_NAME = {0: "", 1: "A", 2: "D"}

# causes (the ``cause`` column of ``BacktestResult.joiners_frame``)
RIGHT = "joined the right side"
WRONG_SIDE = "joined the wrong side"
NEVER_FOUGHT = "never fought"
NOT_IN_WORLD = "not a state of that world"
NOT_RUN = "war not run: its originals are not in that world"
NO_TIE = "no commitment to or from any belligerent"
ONLY_FROM = "only belligerents committed to it, it to none of them"
OTHER_SIDE = "committed only to the other side"
RESTRAINT_ONLY = "only restraining commitments (neutrality, non-aggression)"
ZERO_WEIGHT = "committed only by kinds of zero weight under these rules"
NO_TRIGGER = "defensive commitment to an initiator only (not triggered)"
NO_REACH = "committed but out of reach"
BELOW = "committed but below threshold"
OUTWEIGHED = "committed but outweighed by restraint"
CONFLICTED = "pulled to both sides (conflicted)"
MAX_ROUNDS = "pressed enough when the cascade stopped at max_rounds"
UNEXPLAINED = "committed and pressed enough, yet out (a rule beyond DESIGN.md's)"


# --------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    """Micro-averaged counts and scores over some wars. ``true`` = right + wrong_side +
    missed; ``predicted`` = right + wrong_side + false; precision = right / predicted,
    recall = right / true, F1 = 2 right / (predicted + true) (NaN when undefined)."""

    wars: int
    true: int
    predicted: int
    right: int
    wrong_side: int
    false: int
    missed: int

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else math.nan

    @property
    def recall(self) -> float:
        return self.right / self.true if self.true else math.nan

    @property
    def f1(self) -> float:
        n = self.predicted + self.true
        return 2 * self.right / n if n else math.nan

    def as_dict(self) -> dict:
        return {"wars": self.wars, "true": self.true, "predicted": self.predicted,
                "right": self.right, "wrong side": self.wrong_side, "false": self.false,
                "missed": self.missed, "precision": self.precision, "recall": self.recall,
                "f1": self.f1}


@dataclass(frozen=True)
class JoinerScore:
    """One predicted or true joiner of one war: ``outcome`` (right, wrong side, false,
    missed), ``cause`` (one of the module's cause strings), ``kind`` / ``treaty`` (the
    commitment that pulled it most, or that binds it to the belligerents most), ``detail``
    (the figures behind the cause), ``tied_to_side`` (a true joiner of that world has a
    commitment, of any kind and either way, with a state that really fought on its side:
    an original or another joiner; False for false joiners)."""

    case_id: str
    code: str
    true_side: str
    predicted_side: str
    round: int
    entry_date: str | None
    entry_year: int | None
    outcome: str
    cause: str
    kind: str
    treaty: str
    detail: str
    tied_to_side: bool = False


@dataclass(frozen=True)
class WarScore:
    """The back-test of one war: the world it ran on, the attacks, the originals that the
    world lacks (their attacks skipped), the cascade's rounds (-1: not run) and every
    joiner's score."""

    case: WarCase
    world: str
    attacks: tuple
    absent_originals: tuple
    n_rounds: int
    joiners: tuple

    def codes(self, outcome: str) -> list[str]:
        """Codes of the joiners with this outcome (one of :data:`OUTCOMES`)."""
        if outcome not in OUTCOMES:
            raise ParameterError(f"outcome must be one of {', '.join(OUTCOMES)}, got {shown(outcome)}")
        return [j.code for j in self.joiners if j.outcome == outcome]

    @property
    def score(self) -> Score:
        n = {o: len(self.codes(o)) for o in OUTCOMES}
        return Score(1, n["right"] + n["wrong side"] + n["missed"],
                     n["right"] + n["wrong side"] + n["false"],
                     n["right"], n["wrong side"], n["false"], n["missed"])


def _sum(scores: list[Score]) -> Score:
    return Score(*(sum(getattr(s, f) for s in scores) for f in
                   ("wars", "true", "predicted", "right", "wrong_side", "false", "missed")))


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """The result of :func:`backtest`: one :class:`WarScore` per war, with the rules and the
    world they ran on, the seconds it took, which joiners were scored (``"all"`` or
    ``"onset_year"``), and the scores: ``overall``, ``before_1945``
    and ``from_1945`` (:class:`Score`), ``precision``, ``recall``, ``f1`` (overall)."""

    wars: tuple
    rules: Rules
    world: str
    seconds: float
    joiners: str = "all"

    @cached_property
    def overall(self) -> Score:
        return _sum([w.score for w in self.wars])

    @cached_property
    def before_1945(self) -> Score:
        return _sum([w.score for w in self.wars if w.case.onset_year < ERA_YEAR])

    @cached_property
    def from_1945(self) -> Score:
        return _sum([w.score for w in self.wars if w.case.onset_year >= ERA_YEAR])

    @property
    def precision(self) -> float:
        return self.overall.precision

    @property
    def recall(self) -> float:
        return self.overall.recall

    @property
    def f1(self) -> float:
        return self.overall.f1

    def eras(self) -> Any:
        """The scores of all wars, before 1945 and from 1945, as a DataFrame (one row each)."""
        import pandas as pd

        rows = {"all wars": self.overall, f"before {ERA_YEAR}": self.before_1945,
                f"from {ERA_YEAR}": self.from_1945}
        return pd.DataFrame({k: s.as_dict() for k, s in rows.items()}).T.rename_axis("era")

    def to_frame(self) -> Any:
        """One row per war: ``case_id``, ``name``, ``year``, ``world``, ``attacks``, the
        absent originals, the counts, ``precision``, ``recall``, ``f1`` and the codes of the
        right, wrong-side, false and missed joiners (";"-joined)."""
        import pandas as pd

        rows = []
        for w in self.wars:
            s = w.score
            rows.append({
                "case_id": w.case.case_id, "name": w.case.name, "year": w.case.onset_year,
                "onset_date": w.case.onset_date, "world": w.world,
                "attacks": ";".join(f"{a}:{t}" for a, t in w.attacks),
                "absent_originals": ";".join(w.absent_originals), "rounds": w.n_rounds,
                **{k: v for k, v in s.as_dict().items() if k != "wars"},
                **{f"{o} codes": ";".join(w.codes(o)) for o in OUTCOMES},
            })
        return pd.DataFrame(rows)

    def joiners_frame(self) -> Any:
        """One row per predicted or true joiner of every war, with its outcome and cause
        (the fields of :class:`JoinerScore`, plus the war's ``year`` and ``era``)."""
        import pandas as pd

        cols = list(JoinerScore.__dataclass_fields__)
        rows = [{**{c: getattr(j, c) for c in cols}, "year": w.case.onset_year,
                 "era": w.case.era} for w in self.wars for j in w.joiners]
        df = pd.DataFrame(rows, columns=cols + ["year", "era"])
        return df.astype({"entry_year": "Int64", "round": "int64", "year": "int64"})

    def causes(self) -> Any:
        """Counts of the wrong-side, false and missed joiners by outcome, cause and kind (of
        the commitment that pulled them most, or binds them to the belligerents most)."""
        df = self.joiners_frame()
        df = df[df["outcome"] != "right"]
        return (df.groupby(["outcome", "cause", "kind"]).size().rename("joiners").reset_index()
                .sort_values(["outcome", "joiners"], ascending=[True, False], ignore_index=True))

    def summary(self) -> str:
        """The table as ``foederis backtest`` prints it: one line per war, the scores by
        era, and the wrong, false and missed joiners counted by cause."""
        scope = "" if self.joiners == "all" else " (joiners of the onset year only)"
        lines = [f"back-test of {len(self.wars)} wars on world {self.world!r}{scope} with "
                 f"{self.rules}",
                 f"{'case':<8} {'war':<28} {'year':>4} {'right':>5} {'wrong':>5} {'false':>5} "
                 f"{'missed':>6}  details"]
        for w in self.wars:
            s = w.score
            det = [f"{o}: {' '.join(w.codes(o))}" for o in OUTCOMES if w.codes(o)]
            if w.absent_originals:
                det.append("absent originals: " + " ".join(w.absent_originals))
            lines.append(f"{w.case.case_id:<8} {w.case.name[:28]:<28} {w.case.onset_year:>4} "
                         f"{s.right:>5} {s.wrong_side:>5} {s.false:>5} {s.missed:>6}  "
                         + "; ".join(det))
        lines += ["", f"{'era':<12} {'wars':>4} {'true':>5} {'pred':>5} {'right':>5} "
                      f"{'P':>6} {'R':>6} {'F1':>6}"]
        for name, s in ((" all wars", self.overall), (f" before {ERA_YEAR}", self.before_1945),
                        (f" from {ERA_YEAR}", self.from_1945)):
            lines.append(f"{name.strip():<12} {s.wars:>4} {s.true:>5} {s.predicted:>5} "
                         f"{s.right:>5} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}")
        causes = self.causes()
        if len(causes):
            lines += ["", "joiners by cause:"]
            lines += [f"  {r.outcome:<10} {r.joiners:>3}  {r.cause}"
                      + (f" ({r.kind})" if r.kind else "") for r in causes.itertuples()]
        missed = [j for w in self.wars for j in w.joiners if j.outcome == "missed"]
        if missed:
            lines.append(f"missed joiners with a commitment (either way) to a state of their "
                         f"side: {sum(j.tied_to_side for j in missed)} of {len(missed)}")
        lines.append(f"({self.seconds:.2f} s)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        o = self.overall
        return (f"<BacktestResult {o.wars} wars on {self.world!r}: precision {o.precision:.3f}, "
                f"recall {o.recall:.3f}, F1 {o.f1:.3f}>")


# --------------------------------------------------------------------------------------
# diagnosis
# --------------------------------------------------------------------------------------
def _treaty(world: World, t: int) -> str:
    return world.treaty_names[t] if t >= 0 else ""


def _pulled(c: Cascade, code: str) -> tuple[str, str, str]:
    """(kind, treaty, detail) of the commitments that pulled a joiner (from ``Cascade.why``)."""
    rows = c.why[c.why["state"] == code]
    if not len(rows):
        return "", "", ""
    top = rows.sort_values("contribution", ascending=False, kind="stable")
    detail = "; ".join(f"{r.kind} {r.treaty or '(no treaty)'} -> {r.protege} ({r.contribution:.3g})"
                       for r in top.head(4).itertuples())
    more = len(top) - 4
    return (str(top["kind"].iloc[0]), str(top["treaty"].iloc[0] or ""),
            detail + (f"; +{more} more" if more > 0 else ""))


def _diagnose(world: World, c: Cascade, rules: Rules, j: int, side: int) -> tuple:
    """Why state ``j`` stayed out of side ``side`` (1 A, 2 D): (cause, kind, treaty, detail),
    from the world's commitments and the cascade's final sides, by DESIGN.md's rule."""
    lo, hi = int(world.indptr[j]), int(world.indptr[j + 1])
    p = world.indices[lo:hi].astype(np.int64)
    k = world.kind[lo:hi].astype(np.int64)
    t = world.treaty[lo:hi]
    cr = np.minimum(world.credibility[lo:hi] * rules.credibility_scale, 1.0)
    ok = (c.side[p] != 0) & ((world.domains[lo:hi] & _CONVENTIONAL) != 0)
    incoming = (world.indices == j) & (c.side[world.guarantors] != 0)
    if not ok.any():
        return (ONLY_FROM if incoming.any() else NO_TIE), "", "", ""
    other = 3 - side
    pw = rules.pull_weight[k] * cr
    trig = np.where(np.isin(k, DEFENSIVE_KINDS) & c.initiator[p], rules.defend_initiators, 1.0)

    def total(values: np.ndarray, mask: np.ndarray) -> float:
        # Rules.one_pull_per_treaty: a treaty's commitments count as their largest
        if not rules.one_pull_per_treaty:
            return float(np.sum(values[mask]))
        alone = mask & (t < 0)
        grouped = mask & (t >= 0)
        best: dict[int, float] = {}
        for tr, v in zip(t[grouped].tolist(), values[grouped].tolist()):
            best[tr] = max(best.get(tr, -np.inf), v)
        return float(np.sum(values[alone])) + float(sum(best.values()))

    pull = {s: total(pw * trig, ok & (c.side[p] == s)) for s in (1, 2)}
    hold = {s: total(rules.restraint_weight[k] * cr, ok & (c.side[p] == 3 - s))
            for s in (1, 2)}

    def strongest(mask: np.ndarray, weight: np.ndarray) -> tuple[str, str, str]:
        i = np.flatnonzero(mask)
        if not len(i):
            return "", "", ""
        i = i[np.argsort(-weight[i], kind="stable")]
        d = "; ".join(f"{KIND_NAMES[k[e]]} {_treaty(world, t[e]) or '(no treaty)'} -> "
                      f"{world.codes[p[e]]} ({weight[e]:.3g})" for e in i[:4])
        return KIND_NAMES[k[i[0]]], _treaty(world, t[i[0]]), d

    mine = ok & (c.side[p] == side)
    if pull[side] <= 0:
        if pull[other] > 0:
            return (OTHER_SIDE, *strongest(ok & (c.side[p] == other), pw * trig))
        if (ok & (pw > 0)).any():
            return (NO_TRIGGER, *strongest(ok & (pw > 0), pw))
        if np.isin(k[ok], RESTRAINT_KINDS).all():
            return (RESTRAINT_ONLY, *strongest(ok, rules.restraint_weight[k] * cr))
        return (ZERO_WEIGHT, *strongest(ok, cr))
    kind, treaty, detail = strongest(mine, pw * trig)
    far = ""
    if rules.reach and world.has_reach_column and not world.global_reach[j]:
        rc = int(world.region_code[j])
        theatre = {int(world.region_code[world.index(s)]) for a in c.attacks for s in a}
        if rc >= 0 and rc not in theatre:
            names = sorted(world.region_names[r] for r in theatre if r >= 0)
            far = (f"region {world.region[j]} not in the theatre ({', '.join(names)}) and no "
                   "global reach")
    thr = float(world.threshold[j]) if not np.isnan(world.threshold[j]) else rules.threshold
    press = {s: pull[s] - hold[s] for s in (1, 2)}
    figures = (f"pull {pull[side]:.3g}, hold {hold[side]:.3g}, threshold {thr:.3g}, "
               f"other side's press {press[other]:.3g}" + (f"; {far}" if far else ""))
    if pull[side] < thr:  # first: with reach or without, it would not join
        return BELOW, kind, treaty, f"{figures}; pulls: {detail}"
    if far:
        return NO_REACH, kind, treaty, f"{figures}; pulls: {detail}"
    if press[side] < thr:
        rk, rt, rd = strongest(ok & (c.side[p] == other), rules.restraint_weight[k] * cr)
        return OUTWEIGHED, rk, rt, f"{figures}; held by: {rd}"
    if press[side] <= press[other]:
        return CONFLICTED, kind, treaty, f"{figures}; pulls: {detail}"
    if rules.max_rounds is not None and c.n_rounds >= rules.max_rounds:
        return MAX_ROUNDS, kind, treaty, f"{figures}; pulls: {detail}"
    return UNEXPLAINED, kind, treaty, f"{figures}; pulls: {detail}"


# --------------------------------------------------------------------------------------
# the public function
# --------------------------------------------------------------------------------------
def _resolver(world: Any) -> tuple[Callable[[WarCase], World], str]:
    if isinstance(world, World):
        return (lambda case: world), world.name
    if isinstance(world, str):
        def load(case: WarCase) -> World:
            fields = {"year": case.onset_year, "date": case.onset_date or case.onset_year,
                      "case_id": case.case_id}
            try:
                name = world.format(**fields)
            except (KeyError, IndexError, ValueError) as e:
                raise ParameterError(f"world template {shown(world)} cannot be formatted ({e}); it "
                                     "may use {year}, {date} and {case_id}") from None
            try:
                return load_world(name)
            except FoederisError as e:
                raise type(e)(f"case {case.case_id!r}: world {name!r}: {e}") from None
        return load, world
    if callable(world):
        def call(case: WarCase) -> World:
            w = world(case)
            if not isinstance(w, World):
                raise ParameterError(f"case {shown(case.case_id)}: the world callable returned "
                                     f"{type(w).__name__}, not a foederis.World")
            return w
        return call, getattr(world, "__name__", "callable")
    raise ParameterError("world must be a template such as 'atop:{year}' or 'atop:{date}', a "
                         f"callable case -> World, or a World; got {type(world).__name__}")


def _check_rules(rules: Any) -> Rules:
    if rules is None:
        return Rules()
    if isinstance(rules, Rules):
        return rules
    if isinstance(rules, dict):
        return Rules().replace(**rules)
    raise ParameterError(f"rules must be a foederis.Rules or a dict of its fields, got "
                         f"{type(rules).__name__}")


def _tied(world: World, j: int, members: np.ndarray) -> bool:
    """Whether state ``j`` has a commitment, either way, with one of ``members``."""
    lo, hi = int(world.indptr[j]), int(world.indptr[j + 1])
    if np.isin(world.indices[lo:hi], members).any():
        return True
    return bool(np.isin(world.guarantors[world.indices == j], members).any())


def _score_war(case: WarCase, world: World, rules: Rules, onset_year_only: bool) -> WarScore:
    present = {str(s) for s in world.codes}
    absent = tuple(s for s in case.initiators + case.targets if s not in present)
    attacks = tuple((a, t) for a in case.initiators for t in case.targets
                    if a in present and t in present)
    c = cascade(world, list(attacks), rules) if attacks else None
    out = []
    later = {j[0] for j in case.joiners if onset_year_only and (j[3] or 0) > case.onset_year}
    true = {j[0] for j in case.joiners}
    fought = {s: [x for x in (case.initiators if s == "A" else case.targets)
                  + tuple(jn[0] for jn in case.joiners if jn[1] == s) if x in present]
              for s in SIDES}
    for code, side, date, year in case.joiners:
        if code in later:
            continue
        args = dict(case_id=case.case_id, code=code, true_side=side, entry_date=date,
                    entry_year=year)
        if code not in present:
            out.append(JoinerScore(**args, predicted_side="", round=-1, outcome="missed",
                                   cause=NOT_IN_WORLD, kind="", treaty="", detail=""))
            continue
        if c is None:
            args["tied_to_side"] = _tied(world, world.index(code),
                                         world.indices_of(fought[side]))
            out.append(JoinerScore(**args, predicted_side="", round=-1, outcome="missed",
                                   cause=NOT_RUN, kind="", treaty="",
                                   detail="absent: " + " ".join(absent)))
            continue
        j = world.index(code)
        args["tied_to_side"] = _tied(world, j, world.indices_of(fought[side]))
        got = _SIDE_NAME[int(c.side[j])]
        if got:
            outcome, cause = ("right", RIGHT) if got == side else ("wrong side", WRONG_SIDE)
            kind, treaty, detail = _pulled(c, code)
        else:
            outcome = "missed"
            cause, kind, treaty, detail = _diagnose(world, c, rules, j, _SIDE_CODE[side])
        out.append(JoinerScore(**args, predicted_side=got, round=int(c.round[j]),
                               outcome=outcome, cause=cause, kind=kind, treaty=treaty,
                               detail=detail))
    if c is not None:
        for code in c.joined("any"):
            j = world.index(code)
            if c.round[j] > 0 and code not in true:
                kind, treaty, detail = _pulled(c, code)
                out.append(JoinerScore(case.case_id, code, "", _SIDE_NAME[int(c.side[j])],
                                       int(c.round[j]), None, None, "false", NEVER_FOUGHT,
                                       kind, treaty, detail))
    return WarScore(case, world.name, attacks, absent, c.n_rounds if c else -1, tuple(out))


def backtest(cases: Any = None, *, rules: Rules | dict | None = None,
             world: str | Callable | World = DEFAULT_WORLD,
             joiners: str = "all") -> BacktestResult:
    """Score the cascade against history: who joined each war, and on which side.

    For each war: the world of its onset; the original attacks (every initiator attacks
    every target; originals that the world lacks are reported and their attacks skipped);
    the cascade with ``rules``; and the score of the states it says joined (after round 0)
    against the true joiners. A predicted joiner is *right* on the true side, *wrong side*
    on the other, *false* if it never fought; a true joiner not predicted is *missed*.
    Precision = right / predicted and recall = right / true are micro-averaged over all
    wars, and over the wars before and from 1945 (onset year).

    Each joiner gets a cause. Missed: not a state of that world; no commitment to or from
    any belligerent; only belligerents committed to it; committed only to the other side;
    only restraining commitments; a defensive commitment to an initiator only; committed
    but below threshold (checked before reach: it would not join with reach or without);
    committed but out of reach; committed but outweighed by restraint; pulled to both
    sides; pressed enough when the cascade stopped at ``max_rounds``. These are computed
    from the world's commitments and the cascade's final sides by DESIGN.md's accumulation
    (pull, hold, press, reach); a state the rules keep out for a reason beyond it (a rule
    added since) shows as "committed and pressed enough, yet out".
    Wrong side and false: the kind and treaty of the commitment that pulled it most.

    Parameters
    ----------
    cases : None, path, dict, DataFrame or WarCase objects
        The wars (see :func:`load_cases`); None: the 19 calibration cases shipped.
    rules : foederis.Rules or dict, optional
        The cascade's rules (default ``Rules()``).
    world : str, callable or World, default ``"atop:{date}"``
        The world of each war, by default the world of its onset day (treaties signed
        during a war are often how a state joins it: a consequence, not a cause; the
        calendar-year worlds ``"atop:{year}"`` flatter every rule): a template formatted
        with ``year`` (onset year), ``date`` (onset date, the year where unknown) and
        ``case_id`` and passed to
        :func:`load_world`; a callable case -> World; or one World for every war.
    joiners : {"all", "onset_year"}, default "all"
        Which true joiners are scored: all of them, or only those that entered in the onset
        year (the cases' "onset-year" variant: a state that entered later is left out of the
        score, whether the cascade names it or not).

    Returns
    -------
    BacktestResult

    Raises
    ------
    CaseError
        Malformed cases (naming the case and field).
    ParameterError
        Bad rules or world.

    Examples
    --------
    >>> from foederis import World, backtest
    >>> w = World.from_arrays(["AAA", "BBB", "CCC", "DDD"], [0.4, 0.3, 0.2, 0.1],
    ...                       guarantor=[2, 3], protege=[1, 0], kind=["defense", "offense"])
    >>> case = {"cases": [{"case_id": "w1", "onset_year": 1900,
    ...   "initiators": [{"stateabb": "AAA"}], "targets": [{"stateabb": "BBB"}],
    ...   "joiners": [{"stateabb": "CCC", "side": "D"}, {"stateabb": "DDD", "side": "D"}]}]}
    >>> r = backtest(case, world=w)
    >>> r.wars[0].codes("right"), r.wars[0].codes("wrong side"), r.precision, r.recall
    (['CCC'], ['DDD'], 0.5, 0.5)
    """
    start = time.perf_counter()
    rules = _check_rules(rules)
    resolve, label = _resolver(world)
    if joiners not in ("all", "onset_year"):
        raise ParameterError(f"joiners must be 'all' or 'onset_year', got {shown(joiners)}")
    wars = tuple(_score_war(case, resolve(case), rules, joiners == "onset_year")
                 for case in load_cases(cases))
    return BacktestResult(wars, rules, label, time.perf_counter() - start, joiners)
