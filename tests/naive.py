"""Slow, obviously correct twins of the kernels, written from DESIGN.md in plain Python.

Nothing here is clever: every round re-derives every neutral state's pull and hold from
scratch over all commitments (no accumulators, no frontier), so the kernels' incremental
bookkeeping is checked against the rule as DESIGN.md states it.

Where the kernels fix an order (capability is summed per round over that round's joiners
in index order, then accumulated), the twins sum in the same order, so balances agree bit
for bit; pulls and holds are compared on exact binary fractions.
"""

from __future__ import annotations

import math

from foederis._constants import KINDS

CONVENTIONAL, NUCLEAR = 1, 2
NEUTRAL, A, D = 0, 1, 2

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


# --------------------------------------------------------------------------------------
# the counter-based draws (the same hash as the kernels, with Python ints)
# --------------------------------------------------------------------------------------
def mix64(z: int) -> int:
    z &= MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def seed_key(seed: int) -> int:
    return mix64(seed ^ 0x6A09E667F3BCC909)


def word_key(skey: int, word: int) -> int:
    return mix64(skey + mix64((word + 1) * GOLDEN))


def edge_key(wkey: int, edge: int) -> int:
    return mix64(wkey ^ mix64((edge + 1) * 0xD1B54A32D192ED03))


def edge_id(g: int, p: int, kind: int, n: int) -> int:
    """The identity of a commitment that keys its draws."""
    return (g * n + p) * 8 + kind


def uniform53(seed: int, sample: int, edge: int) -> int:
    """The 53-bit uniform integer U of (seed, sample, edge): bit k from the top is bit
    (sample % 64) of mix64(edge_key + (k+1)*GOLDEN)."""
    ek = edge_key(word_key(seed_key(seed), sample // 64), edge)
    b = sample % 64
    u = 0
    for k in range(53):
        r = mix64(ek + (k + 1) * GOLDEN)
        u = (u << 1) | ((r >> b) & 1)
    return u


def honoured(seed: int, sample: int, edge: int, p: float) -> bool:
    """Sample honours an edge of probability p iff U < ceil(p * 2**53), comparing the bits
    of U and of ceil(p * 2**53) from the top and stopping at the first difference (the
    same answer as ``uniform53(...) < ceil(p * 2**53)``, tested, but far fewer hashes)."""
    if not p > 0:
        return False
    if p >= 1:
        return True
    c = math.ceil(p * 2.0**53)
    ek = edge_key(word_key(seed_key(seed), sample // 64), edge)
    b = sample % 64
    for k in range(53):
        cb = (c >> (52 - k)) & 1
        ub = (mix64(ek + (k + 1) * GOLDEN) >> b) & 1
        if cb != ub:
            return ub < cb
    return False  # U == c: not below


# --------------------------------------------------------------------------------------
# plain data from a World
# --------------------------------------------------------------------------------------
def plain(world) -> dict:
    """Everything the rules read, as Python lists."""
    n = int(world.n_states)
    edges = []
    for g in range(n):
        for e in range(int(world.indptr[g]), int(world.indptr[g + 1])):
            edges.append(
                dict(
                    g=g,
                    p=int(world.indices[e]),
                    kind=int(world.kind[e]),
                    c=float(world.credibility[e]),
                    dom=int(world.domains[e]),
                    edge=e,
                    cond=int(world.condition[e]),
                    treaty=int(world.treaty[e]),
                )
            )
    index = {str(c): i for i, c in enumerate(world.codes)}
    table = world.conditions
    conditions = [dict(
        against=str(table.against[c]),
        named={index[x] for x in str(table.against[c]).split("|") if x in index},
        location=str(table.location[c]), nonprovocation=bool(table.nonprovocation[c]),
        min_attackers=int(table.min_attackers[c]),
        unnamed=bool(table.adversary_unnamed[c])) for c in range(len(table))]
    return dict(
        n=n,
        edges=edges,
        capability=[float(x) for x in world.capability],
        threshold=[float(x) for x in world.threshold],
        region=[str(x) for x in world.region],
        global_reach=[bool(x) for x in world.global_reach],
        has_reach=bool(world.has_reach_column),
        nuclear=[bool(x) for x in world.nuclear],
        conditions=conditions,
        # rivalries (source threatens target, hostility)
        rivalries=[(int(src), int(world.riv_indices[q]), float(world.riv_hostility[q]))
                   for src in range(n)
                   for q in range(int(world.riv_indptr[src]), int(world.riv_indptr[src + 1]))],
    )


def _rival_press(w: dict, i: int, side, init, rules) -> dict:
    """Rivals join (Rules.rival_weight): the press on neutral ``i`` toward each side from
    the initiators at war that threaten it (every state at war with
    ``rival_scope="belligerents"``), one term rival_weight * hostility each."""
    every = getattr(rules, "rival_scope", "initiators") == "belligerents"
    out = {A: [], D: []}
    rw = float(getattr(rules, "rival_weight", 0.0))
    if rw > 0:
        for src, tgt, h in w["rivalries"]:
            if tgt == i and side[src] != NEUTRAL and (init[src] or every) and rw * h > 0:
                out[D if side[src] == A else A].append(rw * h)
    return out


# the kinds, read from the one table (foederis._constants.KINDS): each row's effect
# (pull / restraint), trigger (defensive / always) and weight (a number, or the name of
# the Rules field that holds it)
def _weight(kind: int, rules) -> float:
    w = KINDS[kind].weight
    return float(getattr(rules, w)) if isinstance(w, str) else float(w)


def _pull_weight(kind: int, rules) -> float:
    return _weight(kind, rules) if KINDS[kind].effect == "pull" else 0.0


def _restraint(kind: int, rules) -> float:
    """A state does not fight against its ally (ally_restraint; README "The cascade rule")."""
    if KINDS[kind].effect == "restraint":
        return _weight(kind, rules)
    return float(rules.ally_restraint) * _pull_weight(kind, rules)


def _always(kind: int) -> bool:
    """Trigger "always" (OFFENSE): due whenever the protege is at war, whoever started it."""
    return KINDS[kind].trigger == "always"


def _trig(kind: int, j: int, init, targets, rules) -> float:
    """trig(kind, j): 1 for OFFENSE ("always"); defend_initiators toward an initiator; 1
    toward an original target; defend_cobelligerents toward a co-belligerent."""
    if _always(kind):
        return 1.0
    if init[j]:
        return float(rules.defend_initiators)
    if j in targets:
        return 1.0
    return float(getattr(rules, "defend_cobelligerents", 1.0))


def _may_join(w: dict, side, rnd, i: int, s: int, rules) -> bool:
    """The cost of joining (Rules.min_side_share): side ``s``, with ``i``, holds at least
    that share of the capability at war (at the end of the previous round, summed as
    _capability_by_round sums it)."""
    share = float(getattr(rules, "min_side_share", 0.0))
    if share <= 0:
        return True
    last = max(rnd)
    ca, cd = _capability_by_round(w, side, rnd, last)[-1]
    mine, other = (ca, cd) if s == A else (cd, ca)
    tot = mine + other + w["capability"][i]
    return not tot > 0 or (mine + w["capability"][i]) / tot >= share


def _balance(ca: float, cd: float) -> float:
    if ca > 0:
        return cd / ca
    if cd > 0:
        return math.inf
    return math.nan


def _can_reach(w: dict, aggressors, targets, rules, domain: int) -> list[bool]:
    if not rules.reach or domain != CONVENTIONAL or not w["has_reach"]:
        return [True] * w["n"]
    theatre = {w["region"][x] for x in list(aggressors) + list(targets)} - {""}
    return [
        w["global_reach"][i] or w["region"][i] == "" or w["region"][i] in theatre
        for i in range(w["n"])
    ]


def _capability_by_round(w: dict, side, rnd, n_rounds):
    out = []
    ca = cd = 0.0
    for r in range(n_rounds + 1):
        sa = sd = 0.0
        for i in range(w["n"]):  # index order
            if rnd[i] == r:
                if side[i] == A:
                    sa += w["capability"][i]
                else:
                    sd += w["capability"][i]
        ca += sa
        cd += sd
        out.append((ca, cd))
    return out


def _umbrella(w: dict, targets, side, rules, cred) -> list[int]:
    out = []
    for e in w["edges"]:
        if (e["p"] in targets and side[e["g"]] == D and w["nuclear"][e["g"]]
                and e["dom"] & NUCLEAR and _pull_weight(e["kind"], rules) > 0 and cred(e) > 0):
            out.append(e["g"])
    return sorted(set(out))


def _condition_holds(w: dict, e: dict, aggressors, targets) -> bool:
    """Whether the treaty condition of commitment ``e`` holds for this war (ATOP's
    conditions, Rules.conditions): a named adversary among the aggressors (or an unnamed
    one), at least min_attackers aggressors, the location anywhere, on the protege
    (an original target) or a region of an aggressor or target, and the protege not an
    aggressor under non-provocation."""
    cd = w["conditions"][e["cond"]]
    agg, tgt = set(aggressors), set(targets)
    if not agg:
        return True
    ok = not cd["against"] or bool(cd["named"] & agg) or cd["unnamed"]
    ok = ok and cd["min_attackers"] <= len(agg)
    loc = cd["location"]
    ok = ok and (loc in ("", "protege") or loc in {w["region"][x] for x in agg | tgt})
    ok = ok and not (loc == "protege" and e["p"] not in tgt)
    return ok and not (cd["nonprovocation"] and e["p"] in agg)


def world_levers(w: dict, aggressors, targets, rules) -> dict:
    """``w`` with the credibility of every commitment the levers that read the world switch
    off for this war set to 0: ``conditions`` (a treaty condition that does not hold,
    :func:`_condition_holds`), then ``bound_victim_unrestrained`` (a restraining pledge
    toward an aggressor, given by a state holding a defence-level pull, ordinal 3, of
    credibility > 0 after the conditions, toward a target)."""
    if getattr(rules, "conditions", False):
        w = dict(w, edges=[e if _condition_holds(w, e, aggressors, targets) else dict(e, c=0.0)
                           for e in w["edges"]])
    if not getattr(rules, "bound_victim_unrestrained", False):
        return w
    bound = {e["g"] for e in w["edges"] if e["p"] in set(targets) and e["c"] > 0
             and KINDS[e["kind"]].effect == "pull" and KINDS[e["kind"]].ordinal >= 3}
    edges = [dict(e, c=0.0) if (e["p"] in set(aggressors) and e["g"] in bound
                                and KINDS[e["kind"]].effect == "restraint") else e
             for e in w["edges"]]
    return dict(w, edges=edges)


def cascade(w: dict, aggressors, targets, rules, domain: int = CONVENTIONAL, cred=None) -> dict:
    """The deterministic cascade of DESIGN.md.

    ``cred(edge_dict) -> float`` gives the credibility an edge counts with (default:
    min(c * credibility_scale, 1)); the ensemble twins pass 1.0/0.0 for honoured edges.
    """
    w = world_levers(w, aggressors, targets, rules)
    n = w["n"]
    if cred is None:
        scale = float(rules.credibility_scale)

        def cred(e):
            return min(e["c"] * scale, 1.0)

    reach = _can_reach(w, aggressors, targets, rules, domain)
    side = [NEUTRAL] * n
    rnd = [-1] * n
    init = [False] * n
    for a in aggressors:
        side[a], rnd[a], init[a] = A, 0, True
    for t in targets:
        side[t], rnd[t] = D, 0
    r = 0
    n_rounds = 0
    while rules.max_rounds is None or r < rules.max_rounds:
        r += 1
        joins = {}
        for i in range(n):
            if side[i] != NEUTRAL or not reach[i]:
                continue
            pull = {A: 0.0, D: 0.0}
            hold = {A: 0.0, D: 0.0}
            off_init = {A: False, D: False}
            # Rules.one_pull_per_treaty: per (treaty, pull/hold, side) the largest
            # nonzero contribution of the treaty's commitments, added at the end
            once = {}
            per_treaty = bool(getattr(rules, "one_pull_per_treaty", False))

            def add(total, key, s, x, e):
                if per_treaty and e["treaty"] >= 0:
                    if x != 0:
                        k = (e["treaty"], key, s)
                        once[k] = max(once.get(k, -math.inf), x)
                else:
                    total[s] += x

            for e in w["edges"]:
                if e["g"] != i or not (e["dom"] & domain):
                    continue
                j = e["p"]
                if side[j] == NEUTRAL:
                    continue
                s = side[j]
                other = D if s == A else A
                c = cred(e)
                wk = _pull_weight(e["kind"], rules)
                if wk:
                    trig = _trig(e["kind"], j, init, targets, rules)
                    x = wk * c * trig
                    add(pull, "pull", s, x, e)
                    if _always(e["kind"]) and init[j] and x > 0:
                        off_init[s] = True
                add(hold, "hold", other, _restraint(e["kind"], rules) * c, e)
            for (_, key, s_), x in once.items():
                (pull if key == "pull" else hold)[s_] += x
            for s_, xs in _rival_press(w, i, side, init, rules).items():
                for x in xs:
                    pull[s_] += x
            th = w["threshold"][i]
            if math.isnan(th):
                th = float(rules.threshold)
            pa = pull[A] - hold[A] if _may_join(w, side, rnd, i, A, rules) else -math.inf
            pd = pull[D] - hold[D] if _may_join(w, side, rnd, i, D, rules) else -math.inf
            if pa >= th and pa > pd:
                joins[i] = (A, off_init[A])
            elif pd >= th and pd > pa:
                joins[i] = (D, off_init[D])
        if not joins:
            break
        for i, (s, oi) in joins.items():
            side[i], rnd[i], init[i] = s, r, oi
        n_rounds = r
    cbr = _capability_by_round(w, side, rnd, n_rounds)
    bal = _balance(*cbr[-1])
    umb = _umbrella(w, targets, side, rules, cred)
    deterred = (bal >= rules.margin) or (bool(umb) and rules.nuclear_umbrella)
    return dict(
        side=side,
        round=rnd,
        initiator=init,
        n_rounds=n_rounds,
        capability_by_round=cbr,
        balance=bal,
        umbrella=bool(umb),
        umbrella_guarantors=umb,
        deterred=deterred,
    )


def cascade_any(w: dict, aggressors, targets, rules, domain: int, honour) -> dict:
    """The independent cascade ("any" mode) of one sample; ``honour(edge_dict) -> bool``.

    A neutral state is eligible for side S when its strongest honoured pull toward S
    (w(kind) * trig over honoured pulling commitments to states on S) exceeds its strongest
    honoured restraint against S (weight over honoured restraints toward states on the
    other side; none = 0); it joins S when eligible for S and not for the other side.
    """
    w = world_levers(w, aggressors, targets, rules)
    n = w["n"]
    reach = _can_reach(w, aggressors, targets, rules, domain)
    side = [NEUTRAL] * n
    rnd = [-1] * n
    init = [False] * n
    for a in aggressors:
        side[a], rnd[a], init[a] = A, 0, True
    for t in targets:
        side[t], rnd[t] = D, 0
    r = 0
    n_rounds = 0
    while rules.max_rounds is None or r < rules.max_rounds:
        r += 1
        joins = {}
        for i in range(n):
            if side[i] != NEUTRAL or not reach[i]:
                continue
            best_pull = {A: 0.0, D: 0.0}
            best_hold = {A: 0.0, D: 0.0}
            off_init = {A: False, D: False}
            for e in w["edges"]:
                if e["g"] != i or not (e["dom"] & domain):
                    continue
                j = e["p"]
                if side[j] == NEUTRAL or not honour(e):
                    continue
                s = side[j]
                other = D if s == A else A
                wk = _pull_weight(e["kind"], rules)
                if wk > 0:
                    v = wk * _trig(e["kind"], j, init, targets, rules)
                    if v > 0:
                        best_pull[s] = max(best_pull[s], v)
                        if _always(e["kind"]) and init[j]:
                            off_init[s] = True
                best_hold[other] = max(best_hold[other], _restraint(e["kind"], rules))
            for s_, xs in _rival_press(w, i, side, init, rules).items():
                best_pull[s_] = max([best_pull[s_], *xs])
            ea = best_pull[A] > best_hold[A] and _may_join(w, side, rnd, i, A, rules)
            ed = best_pull[D] > best_hold[D] and _may_join(w, side, rnd, i, D, rules)
            if ea and not ed:
                joins[i] = (A, off_init[A])
            elif ed and not ea:
                joins[i] = (D, off_init[D])
        if not joins:
            break
        for i, (s, oi) in joins.items():
            side[i], rnd[i], init[i] = s, r, oi
        n_rounds = r
    cbr = _capability_by_round(w, side, rnd, n_rounds)
    bal = _balance(*cbr[-1])
    umb = _umbrella(w, targets, side, rules, lambda e: 1.0 if honour(e) else 0.0)
    deterred = (bal >= rules.margin) or (bool(umb) and rules.nuclear_umbrella)
    return dict(side=side, round=rnd, initiator=init, n_rounds=n_rounds, balance=bal,
                deterred=deterred)


def ensemble(w: dict, aggressors, targets, rules, domain: int, samples: range, seed: int,
             mode: str = "threshold") -> dict:
    """Per-sample twins of ``simulate``: each sample is the rule on the honoured edges."""
    w = world_levers(w, aggressors, targets, rules)
    scale = float(rules.credibility_scale)
    n = w["n"]
    cnt_a = [0] * n
    cnt_d = [0] * n
    rsum = [0] * n
    war_size, balance, deterred, n_rounds = [], [], [], []
    for s in samples:
        hon = {e["edge"]: honoured(seed, s, edge_id(e["g"], e["p"], e["kind"], n),
                                   e["c"] * scale) for e in w["edges"]}
        if mode == "threshold":
            res = cascade(w, aggressors, targets, rules, domain,
                          cred=lambda e, hon=hon: 1.0 if hon[e["edge"]] else 0.0)
        else:
            res = cascade_any(w, aggressors, targets, rules, domain,
                              honour=lambda e, hon=hon: hon[e["edge"]])
        for i in range(n):
            if res["side"][i] == A:
                cnt_a[i] += 1
            elif res["side"][i] == D:
                cnt_d[i] += 1
            if res["side"][i]:
                rsum[i] += res["round"][i]
        war_size.append(sum(1 for x in res["side"] if x))
        balance.append(res["balance"])
        deterred.append(res["deterred"])
        n_rounds.append(res["n_rounds"])
    return dict(count_a=cnt_a, count_d=cnt_d, round_sum=rsum, war_size=war_size,
                balance=balance, deterred=deterred, n_rounds=n_rounds)


def threat_exposure_dense(world, beta: float, weights) -> list[float]:
    """t = h + beta * C t by plain fixed-point iteration on lists (for tiny worlds)."""
    n = int(world.n_states)
    cap = [float(x) for x in world.capability]
    h = [0.0] * n
    for j in range(n):
        for q in range(int(world.riv_indptr[j]), int(world.riv_indptr[j + 1])):
            h[int(world.riv_indices[q])] += float(world.riv_hostility[q]) * cap[j]
    t = list(h)
    for _ in range(100000):
        new = []
        for i in range(n):
            s = 0.0
            for e in range(int(world.indptr[i]), int(world.indptr[i + 1])):
                s += weights[e] * t[int(world.indices[e])]
            new.append(h[i] + beta * s)
        done = max((abs(a - b) for a, b in zip(new, t)), default=0.0) <= 1e-14 * max(
            (abs(x) for x in new), default=0.0
        )
        t = new
        if done:
            break
    return t
