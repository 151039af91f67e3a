"""The deterministic commitment cascade: :func:`cascade` and its result :class:`Cascade`.

The rule (DESIGN.md). Round 0: every aggressor joins side A as an initiator, every target
joins side D. In each later round r, computed from the state at the end of round r - 1,
every neutral state i that can reach the theatre weighs, for each side S (S' the other):

    pull_S(i)  = sum over proteges j on S  of  w(kind) * c * trig(kind, j)
    hold_S(i)  = sum over proteges k on S' of  restraint(kind) * c
    press_S(i) = pull_S(i) - hold_S(i)

with c = min(credibility * credibility_scale, 1), w = 1 for DEFENSE, GUARANTEE and
OFFENSE and ``entente_weight`` for ENTENTE; trig = 1 for OFFENSE and, for the other
pulling kinds, ``defend_initiators`` when j is an initiator (else 1); restraint =
``neutrality_weight`` (NEUTRALITY) or ``nonaggression_weight`` (NONAGGRESSION). Only
commitments whose domains include the attack's domain count. i joins S when
press_S(i) >= threshold_i and press_S(i) > press_S'(i); ties and conflicts stay neutral. A
state that joins through at least one OFFENSE commitment (with a positive pull) toward an
initiator on its side is itself an initiator. The cascade stops when a round adds nobody,
or after ``max_rounds`` rounds.

Reach (conventional attacks only, ``Rules.reach``): the theatre is the set of regions of
the aggressors and targets; a state joins only if it has ``global_reach``, its region is
in the theatre, or its region is unknown. A world without a ``global_reach`` column has no
reach rule (every state can reach).

The kernel is frontier-based over the transposed CSR (work proportional to the in-edges of
the states that join, not to n x rounds); see :mod:`foederis.kernels`. On a World of at least
PARALLEL_ROUND_EDGES commitments, with numba on two threads or more, the monotone pull
path runs its large rounds on all the parts (``_k.cascade_pull_parallel``), bit-identical
to one thread.

The parameters are :class:`foederis.Rules` (:mod:`foederis.rules`); the argument checks
and the kernels' inputs are the gate's (:mod:`foederis._gate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from . import _kernels as _k
from ._constants import DOMAIN_BITS, KIND_NAMES, OFFENSE, SIDE_A, SIDE_D, SIDE_NAMES
from ._gate import (
    check_rules,
    check_world,
    conditioned_credibility,
    jit_errstate,
    parse_attacks,
    parse_domain,
    prepare,
)
from ._world_conditions import condition_columns
from .errors import ParameterError
from .rules import Rules
from ._validate import shown

from ._cascade_pulls import NO_PULL, SplitPull, edge_pull, min_rows, monotone_possible

__all__ = ["Rules", "Cascade", "cascade", "parse_attacks", "parse_domain", "RIVALRY"]

#: The ``kind`` of a rivalry press in :attr:`Cascade.why`.
RIVALRY = "RIVALRY"


# --------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class Cascade:
    """The result of :func:`cascade`. Arrays are read-only and in the world's state order.

    Attributes
    ----------
    world, attacks, rules, domain
        What was asked (``attacks`` as a tuple of (aggressor, target) codes).
    side : int8 array
        0 neutral, 1 side A (aggressors), 2 side D (defenders).
    round : int32 array
        Round each state joined (0 for aggressors and targets), -1 never.
    initiator : bool array
        Aggressors, and states that joined through OFFENSE toward an initiator.
    n_rounds : int
        The last round in which somebody joined (0 if nobody did after round 0).
    capability_by_round : float64 array (n_rounds + 1, 2)
        Cumulative capability of sides A (column 0) and D (column 1) after each round.
    balance : float
        capability(D) / capability(A) at the end (inf when A has no capability and D has
        some, NaN when neither has any).
    deterred : bool
        ``balance >= rules.margin``, or the target is under a nuclear umbrella and
        ``rules.nuclear_umbrella``.
    umbrella : bool
        Some nuclear-armed state on side D has a pulling commitment to a target that covers
        the nuclear domain (credibility > 0).
    umbrella_guarantors : tuple of str
        Those nuclear guarantors' codes, sorted (so that relabelling the states of a
        world does not reorder them).
    order, round_ptr : int arrays
        The joiners in order of (round, index): round r is ``order[round_ptr[r]:round_ptr[r+1]]``.
    """

    world: Any
    attacks: tuple
    rules: Rules
    domain: str
    side: np.ndarray
    round: np.ndarray
    initiator: np.ndarray
    n_rounds: int
    capability_by_round: np.ndarray
    balance: float
    deterred: bool
    umbrella: bool
    umbrella_guarantors: tuple
    order: np.ndarray
    round_ptr: np.ndarray

    # -------------------------------------------------------------------- views
    @property
    def aggressors(self) -> list[str]:
        return sorted({a for a, _ in self.attacks})

    @property
    def targets(self) -> list[str]:
        return sorted({t for _, t in self.attacks})

    @property
    def capability_a(self) -> float:
        return float(self.capability_by_round[-1, 0])

    @property
    def capability_d(self) -> float:
        return float(self.capability_by_round[-1, 1])

    def joined(self, side: str = "any") -> list[str]:
        """Codes of the states on ``side`` ("A", "D" or "any"), by round then index."""
        s = {"A": SIDE_A, "D": SIDE_D}.get(str(side).upper())
        if s is None and str(side).lower() != "any":
            raise ParameterError(f"side must be 'A', 'D' or 'any', got {shown(side)}")
        idx = self.order[: self.round_ptr[self.n_rounds + 1]]
        if s is not None:
            idx = idx[self.side[idx] == s]
        return self.world.codes[idx].tolist()

    def rounds(self) -> list[dict[str, list[str]]]:
        """Per round, the codes that joined A and D: ``[{"A": [...], "D": [...]}, ...]``."""
        out = []
        for r in range(self.n_rounds + 1):
            idx = self.order[self.round_ptr[r]: self.round_ptr[r + 1]]
            out.append({
                "A": self.world.codes[idx[self.side[idx] == SIDE_A]].tolist(),
                "D": self.world.codes[idx[self.side[idx] == SIDE_D]].tolist(),
            })
        return out

    @property
    def verdict(self) -> str:
        """One line: the balance (naming the world's ``capability_measure``) and whether
        the attack is deterred, and why."""
        why = []
        measure = self.measure
        if self.balance >= self.rules.margin:
            why.append(f"balance of {measure} {self.balance:.3g} >= margin {self.rules.margin:g}")
        if self.umbrella and self.rules.nuclear_umbrella:
            why.append("nuclear umbrella of " + ", ".join(self.umbrella_guarantors))
        if self.deterred:
            return "deterred (" + "; ".join(why) + ")"
        return (f"not deterred (balance of {measure} {self.balance:.3g} < margin "
                f"{self.rules.margin:g})")

    @property
    def measure(self) -> str:
        """The capability measure the balance is computed in (the world's
        ``capability_measure``, e.g. "cinc")."""
        return str(getattr(self.world, "capability_measure", None) or "capability")

    # -------------------------------------------------------------------- why
    @cached_property
    def why(self) -> Any:
        """For each state that joined after round 0, the commitments that pulled it.

        A pandas DataFrame, one row per pulling commitment, sorted by (round, state index,
        edge; a state's rivalry presses after its commitments): ``state``, ``side``, ``round``, ``protege`` (the state it was pulled
        toward), ``kind``, ``treaty`` (None if none), ``credibility`` (after
        ``credibility_scale``), ``contribution`` (w * c * trig, its share of the pull),
        ``edge`` (position in the world's commitment arrays). A press of rivals join
        (``Rules.rival_weight``) is a row of kind ``"RIVALRY"`` whose ``protege`` is the
        initiator that threatens the state (it joined against it), ``credibility`` the
        hostility, ``treaty`` None and ``edge`` -1. ``treaty`` names EVERY
        treaty that grounds the commitment (``World.treaties_of``), joined by "|" in name
        order ("AUKUS|NATO"; None if none). When the world has conditions
        (``len(world.conditions) > 1``) the commitment's condition columns follow:
        ``against``, ``location``, ``nonprovocation``, ``min_attackers``,
        ``adversary_unnamed`` (see :mod:`foederis._world_conditions`).
        """
        import pandas as pd

        w = self.world
        lo = int(self.round_ptr[1])
        hi = int(self.round_ptr[self.n_rounds + 1])
        joiners = self.order[lo:hi].astype(np.int64)
        starts = w.indptr[joiners]
        counts = w.indptr[joiners + 1] - starts
        total = int(counts.sum())
        offs = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        e = np.arange(total, dtype=np.int64) + offs
        g = np.repeat(joiners, counts)
        p = w.indices[e].astype(np.int64)
        k = w.kind[e]
        rules = self.rules
        # the credibilities this question's cascade read (the levers that read the world
        # may have switched commitments off), in the world's forward order
        c = np.minimum(self._credibility[e] * rules.credibility_scale, 1.0)
        # trig(kind, j): the kernels' rule (foederis._kernels.core.trigger)
        trig = np.where(self.initiator[p], rules.defend_initiators,
                        np.where(self.round[p] == 0, 1.0, rules.defend_cobelligerents))
        trig = np.where(k == OFFENSE, 1.0, trig)
        contrib = rules.pull_weight[k] * c * trig
        dom = DOMAIN_BITS[self.domain]
        ok = (
            (self.side[p] == self.side[g])
            & (self.round[p] >= 0)
            & (self.round[p] < self.round[g])
            & ((w.domains[e] & dom) != 0)
            & (contrib > 0)
        )
        e, g, p, k, c, contrib = e[ok], g[ok], p[ok], k[ok], c[ok], contrib[ok]
        kinds = np.asarray(KIND_NAMES, dtype=object)[k]
        treaty = [("|".join(w.treaties_of(x)) or None) for x in e.tolist()]
        # rivals join (Rules.rival_weight): the initiators of the other side, at war
        # before the joiner, that threaten it
        rg, rp, rh = self._rival_rows(joiners)
        frame = pd.DataFrame({
            "state": w.codes[np.concatenate((g, rg))],
            "side": np.asarray(SIDE_NAMES, dtype=object)[self.side[np.concatenate((g, rg))]],
            "round": self.round[np.concatenate((g, rg))],
            "protege": w.codes[np.concatenate((p, rp))],
            "kind": np.concatenate((kinds, np.full(len(rg), RIVALRY, dtype=object))),
            "treaty": pd.Series(treaty + [None] * len(rg), dtype=object),
            "credibility": np.concatenate((c, rh)),
            "contribution": np.concatenate((contrib, rules.rival_weight * rh)),
            "edge": np.concatenate((e, np.full(len(rg), -1, dtype=np.int64))),
        })
        if len(w.conditions) > 1:
            cond = np.concatenate((w.condition[e], np.zeros(len(rg), w.condition.dtype)))
            for col, vals in condition_columns(cond, w.conditions).items():
                frame[col] = vals
        if len(rg):  # by (round, state index), a state's commitments before its rivalries
            key = np.lexsort((np.arange(len(frame)), np.concatenate((g, rg)),
                              frame["round"].to_numpy()))
            frame = frame.iloc[key].reset_index(drop=True)
        return frame

    @cached_property
    def _credibility(self) -> np.ndarray:
        """Per commitment (forward order), the credibility this question's cascade read:
        the world's, or 0 where a condition of the commitment does not hold for these
        attacks (Rules.conditions)."""
        w = self.world
        if not self.rules.conditions:
            return w.credibility
        agg = np.asarray([w.index(a) for a, _ in self.attacks], dtype=np.int64)
        tgt = np.asarray([w.index(t) for _, t in self.attacks], dtype=np.int64)
        out = np.empty_like(w.credibility, dtype=np.float64)
        out[w.transposed.edge] = conditioned_credibility(w, agg, tgt)
        return out

    def _rival_rows(self, joiners: np.ndarray) -> tuple:
        """(joiner, rival, hostility) of every rivalry press behind a joiner: a rivalry
        rival -> joiner whose rival is an initiator (with ``Rules.rival_scope=
        "belligerents"``, any state at war) of the other side that was at war before the
        joiner (the kernels' rule, :func:`foederis._kernels.core.rival_press`)."""
        w = self.world
        empty = np.zeros(0, np.int64)
        if self.rules.rival_weight <= 0 or w.n_rivalries == 0 or not len(joiners):
            return empty, empty, np.zeros(0)
        src = np.repeat(np.arange(w.n_states), np.diff(w.riv_indptr))
        dst = w.riv_indices.astype(np.int64)
        h = w.riv_hostility
        joined = np.zeros(w.n_states, dtype=bool)
        joined[joiners] = True
        pressing = (self.initiator[src] if self.rules.rival_scope == "initiators"
                    else np.ones(len(src), dtype=bool))
        ok = (joined[dst] & pressing & (self.side[src] != 0)
              & (self.side[src] != self.side[dst]) & (self.round[src] >= 0)
              & (self.round[src] < self.round[dst]) & (self.rules.rival_weight * h > 0))
        return dst[ok], src[ok], h[ok].astype(np.float64)

    # -------------------------------------------------------------------- tables
    def to_frame(self, *, all_states: bool = False) -> Any:
        """The states that joined (or all states) as a pandas DataFrame indexed by code:
        ``name``, ``side`` ("A", "D", "neutral"), ``round`` (-1 never), ``initiator``,
        ``capability``, ``pulled_by`` (codes of the proteges that pulled it, ";"-joined)."""
        import pandas as pd

        w = self.world
        if all_states:
            idx = np.arange(w.n_states)
        else:
            idx = self.order[: self.round_ptr[self.n_rounds + 1]]
        why = self.why
        pulled = why.groupby("state", sort=False)["protege"].agg(";".join) if len(why) else {}
        codes = w.codes[idx]
        return pd.DataFrame(
            {
                "name": w.names[idx],
                "side": np.asarray(SIDE_NAMES, dtype=object)[self.side[idx]],
                "round": self.round[idx],
                "initiator": self.initiator[idx],
                "capability": w.capability[idx],
                "pulled_by": [pulled.get(c, "") for c in codes],
            },
            index=pd.Index(codes, name="code"),
        )

    def summary(self, max_per_round: int = 40) -> str:
        """The cascade round by round, who joined and why, the balance and the verdict
        (at most ``max_per_round`` states listed per round and side)."""
        lines = [
            "attack: " + ", ".join(f"{a} -> {t}" for a, t in self.attacks)
            + f" ({self.domain}) on world {self.world.name!r}"
        ]
        why = self.why
        reasons = {code: _pulled_by(rows) for code, rows in why.groupby("state", sort=False)}
        conds = ({code: _conditions_of(rows) for code, rows in why.groupby("state", sort=False)}
                 if "against" in why.columns else {})
        for r, sides in enumerate(self.rounds()):
            cap = self.capability_by_round[r]
            lines.append(f"round {r}: A {cap[0]:.4g}  D {cap[1]:.4g}")
            for s in ("A", "D"):
                codes = sides[s]
                for code in codes[:max_per_round]:
                    if r == 0:
                        role = "aggressor" if s == "A" else "target"
                        lines.append(f"  {s} {code} ({role})")
                    else:
                        lines.append(f"  {s} {code} <- {reasons.get(code, '')}")
                        for cond in conds.get(code, ()):
                            lines.append(f"      condition: {cond}")
                if len(codes) > max_per_round:
                    lines.append(f"  {s} ... and {len(codes) - max_per_round} more")
        lines.append(f"balance D/A of {self.measure} = {self.balance:.4g}; {self.verdict}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        na = int(np.count_nonzero(self.side == SIDE_A))
        nd = int(np.count_nonzero(self.side == SIDE_D))
        atk = ", ".join(f"{a}:{t}" for a, t in self.attacks)
        return (f"<Cascade {atk} ({self.domain}): A {na} states, D {nd} states, "
                f"{self.n_rounds} rounds, balance {self.balance:.3g}, "
                f"{'deterred' if self.deterred else 'not deterred'}>")


def _pulled_by(rows: Any, most: int = 4) -> str:
    """The commitments that pulled one state, grouped by treaty:
    ``NATO defense+entente: USA, UKG, FRN, GMY +12; ATOP 4295 defense: CRO``."""
    parts = []
    treaty = rows["treaty"].fillna("").astype(str).to_numpy()
    for t in dict.fromkeys(treaty):
        sel = rows[treaty == t]
        kinds_of: dict[str, list[str]] = {}
        for p, k in zip(sel["protege"], sel["kind"]):
            kinds_of.setdefault(p, []).append(k.lower())
        by_kinds: dict[str, list[str]] = {}
        for p, ks in kinds_of.items():
            by_kinds.setdefault("+".join(ks), []).append(p)
        for kinds, proteges in by_kinds.items():
            more = f" +{len(proteges) - most}" if len(proteges) > most else ""
            parts.append(f"{t + ' ' if t else ''}{kinds}: {', '.join(proteges[:most])}{more}")
    return "; ".join(parts)


def _conditions_of(rows: Any) -> list[str]:
    """The distinct non-trivial conditions of the commitments that pulled one state, one
    text each: ``NATO -> EST: against RUS; location protege``."""
    out = []
    for _, r in rows.iterrows():
        bits = []
        if r["against"]:
            bits.append(f"against {r['against']}")
        if r["adversary_unnamed"]:
            bits.append("against an unnamed adversary")
        if r["location"]:
            bits.append(f"location {r['location']}")
        if r["nonprovocation"]:
            bits.append("if not provoked")
        if int(r["min_attackers"]) > 1:
            bits.append(f"at least {int(r['min_attackers'])} attackers")
        if bits:
            t = r["treaty"] or "no treaty"
            out.append(f"{t} -> {r['protege']}: " + "; ".join(bits))
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------------------
# the public function
# --------------------------------------------------------------------------------------
def cascade(world: Any, attacks: Any, rules: Rules | None = None, *,
            domain: str = "conventional") -> Cascade:
    """Run the deterministic commitment cascade of an attack (or several at once).

    Parameters
    ----------
    world : foederis.World
    attacks : str, pair or list of pairs
        ``"RUS:EST"``, ``("RUS", "EST")`` or a list of those (codes or state indices).
    rules : foederis.Rules, optional
        The rule's parameters (default ``Rules()``).
    domain : str, default "conventional"
        The attack's domain: one of ``foederis.DOMAIN_NAMES``. Only commitments covering
        it count; the reach rule applies to conventional attacks only.

    Returns
    -------
    Cascade

    Raises
    ------
    AttackError
        Empty or malformed attacks, a state attacking itself, a state both aggressor and
        target.
    UnknownStateError
        A code the world does not contain.
    ParameterError
        Bad rules or domain.

    Examples
    --------
    >>> from foederis import World
    >>> from foederis import cascade
    >>> w = World.from_arrays(["RUS", "EST", "USA"], [0.3, 0.01, 0.5],
    ...                       guarantor=[2], protege=[1], kind=["defense"])
    >>> c = cascade(w, "RUS:EST")
    >>> c.joined("D"), c.n_rounds, round(c.balance, 3), c.deterred
    (['EST', 'USA'], 1, 1.7, True)
    """
    world = check_world(world)
    rules = check_rules(rules)
    dname, dbit = parse_domain(domain)
    aggressors, targets, pairs = parse_attacks(world, attacks)
    p = prepare(world, aggressors, targets, rules, dbit)
    n = world.n_states
    side = np.empty(n, dtype=np.int8)
    rnd = np.empty(n, dtype=np.int32)
    init = np.empty(n, dtype=np.bool_)
    order = np.empty(n, dtype=np.int32)
    round_ptr = np.zeros(n + 2, dtype=np.int64)
    cap_round = np.empty((n + 1, 2), dtype=np.float64)
    with jit_errstate():
        n_rounds = -1
        if monotone_possible(p):
            tpull = edge_pull(world, p)
            n_rounds = -2  # -1: the fast path gave up, -2: not run yet
            if isinstance(tpull, SplitPull):
                # a large World: its large rounds split between the cores (monotone pull
                # path)
                n_rounds = int(_k.cascade_pull_parallel(
                    p.tindptr, p.tkind, p.tdomains, tpull.pptr, tpull.pindices, tpull.ppull,
                    tpull.parts, min_rows(n, p.tindices.shape[0]),
                    p.threshold, p.default_threshold, p.region_code, p.global_reach,
                    p.theatre, p.reach, p.aggressors, p.targets, p.domain,
                    p.pull_weight, p.restraint_weight, p.credibility_scale,
                    p.max_rounds, p.levers, p.capability,
                    side, rnd, init, order, round_ptr, cap_round,
                ))
                tpull = None  # if it did not apply: the serial kernel, pulls unresolved
            if n_rounds == -2:
                # one kernel for both fast paths: an empty tpull reads the edge arrays
                n_rounds = int(_k.cascade_fast(
                    p.tindptr, p.tindices, p.tcredibility, p.tkind, p.tdomains,
                    NO_PULL if tpull is None else tpull,
                    p.threshold, p.default_threshold, p.region_code, p.global_reach,
                    p.theatre, p.reach, p.aggressors, p.targets, p.domain,
                    p.pull_weight, p.restraint_weight, p.defend_initiators,
                    p.credibility_scale, p.max_rounds, p.levers, p.capability,
                    side, rnd, init, order, round_ptr, cap_round,
                ))
        if n_rounds < 0:
            # the fast path cannot apply or gave up: the general path, on reset outputs
            # (what cascade_kernel runs then; its own kernel, compiled once)
            side.fill(0)
            rnd.fill(-1)
            init.fill(False)
            n_rounds = int(_k.cascade_general(
                p.tindptr, p.tindices, p.tcredibility, p.tkind, p.tdomains,
                p.threshold, p.default_threshold, p.region_code, p.global_reach,
                p.theatre, p.reach, p.aggressors, p.targets, p.domain,
                p.pull_weight, p.restraint_weight, p.defend_initiators,
                p.credibility_scale, p.max_rounds, p.levers, p.capability,
                side, rnd, init, order, round_ptr, cap_round,
            ))
        tp = p.tindptr
        size = int(sum(int(tp[t + 1] - tp[t]) for t in targets))
        ubuf = np.empty(max(size, 1), dtype=np.int64)
        nu = int(_k.umbrella_kernel(
            p.tindptr, p.tindices, p.tcredibility, p.tkind, p.tdomains, p.aggressors,
            p.targets, p.levers, side, p.nuclear, p.pull_weight, p.credibility_scale, ubuf,
        ))
    n_joined = int(round_ptr[n_rounds + 1])
    cbr = cap_round[: n_rounds + 1].copy()
    ca, cd = float(cbr[-1, 0]), float(cbr[-1, 1])
    balance = cd / ca if ca > 0 else (math.inf if cd > 0 else math.nan)
    umb = tuple(sorted(str(x) for x in world.codes[np.unique(ubuf[:nu])])) if nu else ()
    deterred = bool(balance >= rules.margin) or (bool(umb) and rules.nuclear_umbrella)
    for a in (side, rnd, init, cbr):
        a.setflags(write=False)
    order = order[:n_joined].copy()
    order.setflags(write=False)
    round_ptr = round_ptr[: n_rounds + 2].copy()
    round_ptr.setflags(write=False)
    return Cascade(
        world=world, attacks=pairs, rules=rules, domain=dname, side=side, round=rnd,
        initiator=init, n_rounds=n_rounds, capability_by_round=cbr, balance=balance,
        deterred=deterred, umbrella=bool(umb), umbrella_guarantors=umb, order=order,
        round_ptr=round_ptr,
    )

