"""The deterministic cascade: exact agreement with tests/naive.py on random worlds, the
invariants of the rule, hand-made cases for each clause of DESIGN.md, and input errors."""

from __future__ import annotations

import dataclasses
import math

import naive
import numpy as np
import pytest
from foederis._world_conditions import CONDITION_COLUMNS
from foederis import Cascade, Rules, cascade
from foederis.errors import AttackError, FoederisError, ParameterError, UnknownStateError
from foederis.world import World
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

DEFENSE, GUARANTEE, OFFENSE, ENTENTE, NEUTRALITY, NONAGGRESSION = range(6)
DOMAINS = ("conventional", "nuclear", "cyber", "space", "economic")
EIGHTHS = [k / 8 for k in range(9)]  # exact binary fractions: no sum order can flip a test


# --------------------------------------------------------------------------------------
# strategies (also used by test_simulate.py)
# --------------------------------------------------------------------------------------
@st.composite
def world_arrays(draw, max_states: int = 9, max_edges: int = 30, kinds=tuple(range(6)),
                 cred=EIGHTHS):
    n = draw(st.integers(2, max_states))
    triples = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(kinds)),
            max_size=max_edges,
            unique=True,
        )
    )
    triples = [t for t in triples if t[0] != t[1]]
    m = len(triples)
    g = np.array([t[0] for t in triples], dtype=np.int64)
    p = np.array([t[1] for t in triples], dtype=np.int64)
    k = np.array([t[2] for t in triples], dtype=np.uint8)
    c = np.array(draw(st.lists(st.sampled_from(cred), min_size=m, max_size=m)), dtype=float)
    mostly_conv = st.one_of(st.just(1), st.integers(1, 31))
    d = np.array(draw(st.lists(mostly_conv, min_size=m, max_size=m)), dtype=np.uint8)
    eighths = st.sampled_from([k / 8 for k in range(1, 17)])
    thr = draw(st.lists(st.one_of(st.just(math.nan), eighths), min_size=n, max_size=n))
    cap = draw(st.lists(st.floats(0, 10, allow_nan=False), min_size=n, max_size=n))
    region = draw(st.lists(st.sampled_from(["", "X", "Y", "Z"]), min_size=n, max_size=n))
    reach_col = draw(st.one_of(st.none(), st.lists(st.booleans(), min_size=n, max_size=n)))
    nuclear = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    levers = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                           max_size=6, unique=True))
    levers = [x for x in levers if x[0] != x[1]]
    hostility = draw(st.lists(st.sampled_from(EIGHTHS[1:]), min_size=len(levers),
                              max_size=len(levers)))
    # treaties (Rules.one_pull_per_treaty): none, one of two, or both ("T0|T1")
    treaty = np.array(draw(st.lists(st.sampled_from([-1, -1, 0, 1, 2]), min_size=m,
                                    max_size=m)), dtype=np.int32)
    # treaty conditions (Rules.conditions) on some worlds' commitments: named adversaries
    # (one code absent from the world), location (protege, a region, one no state has),
    # non-provocation, fewest attackers, unnamed adversary
    conditioned = draw(st.booleans())
    codes = [f"S{i}" for i in range(n)]

    def column(strategy, plain):
        if not conditioned:
            return [plain] * m
        return draw(st.lists(st.one_of(st.just(plain), strategy), min_size=m, max_size=m))

    cond = dict(
        against=column(st.lists(st.sampled_from(codes + ["ZZZ"]), min_size=1, max_size=2)
                       .map("|".join), ""),
        location=column(st.sampled_from(["protege", "X", "Y", "W"]), ""),
        nonprovocation=column(st.just(True), False),
        min_attackers=column(st.sampled_from([2, 3]), 1),
        adversary_unnamed=column(st.just(True), False),
    )
    # an unnamed adversary is one the treaty does not name
    cond["adversary_unnamed"] = [u and not a for u, a in zip(cond["adversary_unnamed"],
                                                           cond["against"])]
    return dict(
        **cond,
        codes=codes, capability=np.array(cap), guarantor=g, protege=p,
        kind=k, credibility=c, domains=d, threshold=np.array(thr), region=np.array(region),
        global_reach=None if reach_col is None else np.array(reach_col),
        nuclear=np.array(nuclear),
        rivalry_source=np.array([x[0] for x in levers], dtype=np.int64),
        rivalry_target=np.array([x[1] for x in levers], dtype=np.int64),
        hostility=np.array(hostility, dtype=float),
        treaty=treaty, treaty_names=("T0", "T1", "T0|T1"),
    )


def build(arrays: dict) -> World:
    a = dict(arrays)
    codes, cap, g, p, k = (a.pop(x) for x in ("codes", "capability", "guarantor", "protege",
                                             "kind"))
    return World.from_arrays(codes, cap, g, p, k, **a)


@st.composite
def rules_st(draw):
    return Rules(
        threshold=draw(st.sampled_from([k / 8 for k in range(1, 13)])),
        entente_weight=draw(st.sampled_from([0, 0.25, 0.5, 1.0])),
        neutrality_weight=draw(st.sampled_from([0, 0.5, 1.0, 1.5])),
        nonaggression_weight=draw(st.sampled_from([0, 0.25, 0.5, 1.0])),
        ally_restraint=draw(st.sampled_from([0, 0, 0.5, 1.0])),
        defend_initiators=draw(st.sampled_from([0, 0.25, 0.5, 1.0])),
        defend_cobelligerents=draw(st.sampled_from([1.0, 1.0, 0, 0.5])),
        credibility_scale=draw(st.sampled_from([0.5, 1.0, 1.0, 1.5, 2.0])),
        max_rounds=draw(st.sampled_from([None, None, 0, 1, 2, 3])),
        margin=draw(st.sampled_from([0.5, 1.0, 2.0])),
        reach=draw(st.booleans()),
        nuclear_umbrella=draw(st.booleans()),
        rival_weight=draw(st.sampled_from([0, 0, 0.5, 1.0])),
        rival_scope=draw(st.sampled_from(["initiators", "initiators", "belligerents"])),
        min_side_share=draw(st.sampled_from([0.0, 0.0, 0.3, 0.5])),
        one_pull_per_treaty=draw(st.booleans()),
        bound_victim_unrestrained=draw(st.booleans()),
        conditions=draw(st.sampled_from([True, True, False])),
    )


@st.composite
def attacks_st(draw, n: int):
    states = draw(st.permutations(range(n)))
    na = draw(st.integers(1, max(1, min(2, n - 1))))
    nt = draw(st.integers(1, max(1, min(2, n - na))))
    agg, tgt = states[:na], states[na: na + nt]
    pairs = [(a, t) for a in agg for t in tgt]
    return pairs, sorted(agg), sorted(tgt)


@st.composite
def questions(draw, **kw):
    arrays = draw(world_arrays(**kw))
    n = len(arrays["codes"])
    pairs, agg, tgt = draw(attacks_st(n))
    rules = draw(rules_st())
    domain = draw(st.sampled_from(["conventional"] * 4 + list(DOMAINS[1:])))
    return arrays, pairs, agg, tgt, rules, domain


def assert_matches(res: Cascade, ref: dict) -> None:
    assert res.side.tolist() == ref["side"]
    assert res.round.tolist() == ref["round"]
    assert res.initiator.tolist() == ref["initiator"]
    assert res.n_rounds == ref["n_rounds"]
    assert res.capability_by_round.tolist() == [list(x) for x in ref["capability_by_round"]]
    assert res.balance == ref["balance"] or (math.isnan(res.balance)
                                             and math.isnan(ref["balance"]))
    assert res.umbrella == ref["umbrella"]
    assert res.deterred == ref["deterred"]


def codes_of(world: World, idx) -> list:
    return [str(world.codes[i]) for i in idx]


# --------------------------------------------------------------------------------------
# the kernel against the naive twin
# --------------------------------------------------------------------------------------
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions())
def test_cascade_matches_naive(q):
    arrays, pairs, agg, tgt, rules, domain = q
    w = build(arrays)
    res = cascade(w, [(f"S{a}", f"S{t}") for a, t in pairs], rules, domain=domain)
    ref = naive.cascade(naive.plain(w), agg, tgt, rules, 1 << DOMAINS.index(domain))
    assert_matches(res, ref)
    # the Cascade lists its umbrella guarantors sorted by code
    assert list(res.umbrella_guarantors) == sorted(codes_of(w, ref["umbrella_guarantors"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions())
def test_repeated_cascades_use_the_resolved_pulls_and_agree(q):
    # the second cascade with the same (domain, pull weights, credibility scale) on a
    # World builds the per-edge pull array; the third runs on it (cascade_kernel_pull).
    # A question the fast path cannot take runs cascade_general and builds nothing.
    from foederis import kernels
    from foederis._cascade_pulls import monotone_possible as _monotone_possible

    arrays, pairs, agg, tgt, rules, domain = q
    w = build(arrays)
    attacks = [(f"S{a}", f"S{t}") for a, t in pairs]
    ref = naive.cascade(naive.plain(w), agg, tgt, rules, 1 << DOMAINS.index(domain))
    for _ in range(3):
        assert_matches(cascade(w, attacks, rules, domain=domain), ref)
    if not _monotone_possible(kernels.cascade_inputs(w, attacks, rules, domain=domain)):
        assert "_edge_pull" not in w.__dict__
    elif rules.conditions and np.any(w.condition):
        # the per-World pulls know no conditions: the kernels read the edge arrays then
        assert "_edge_pull" not in w.__dict__
    else:
        assert any(isinstance(v, np.ndarray) for v in w.__dict__["_edge_pull"].values())


@st.composite
def pull_path_questions(draw):
    """Questions of any kind, or (mostly) ones the monotone pull path takes: random
    worlds of up to 300 states, about three guarantors each, no commitment toward an
    aggressor, defend_cobelligerents 1, no cost of joining, rivals of the initiators
    only; low thresholds, so that they cascade over several rounds."""
    if draw(st.integers(0, 3)) == 0:
        return draw(questions(max_states=14, max_edges=80))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(4, 300))
    m = 3 * n
    g, p = rng.integers(0, n, m), rng.integers(0, n, m)
    key = np.unique((g * n + p)[g != p])
    g, p = key // n, key % n
    agg = sorted(rng.choice(n, draw(st.integers(1, 2)), replace=False).tolist())
    keep = ~np.isin(p, agg)
    g, p = g[keep], p[keep]
    m = g.size
    rest = [i for i in range(n) if i not in agg]
    tgt = sorted(rng.choice(rest, min(len(rest), draw(st.integers(1, 2))),
                            replace=False).tolist())
    riv = rng.integers(0, n, (draw(st.integers(0, 6)), 2))
    riv = np.unique(riv[riv[:, 0] != riv[:, 1]], axis=0)
    arrays = dict(
        codes=[f"S{i}" for i in range(n)], capability=rng.random(n) * 10,
        guarantor=g, protege=p,
        kind=rng.choice([DEFENSE, DEFENSE, GUARANTEE, ENTENTE, NEUTRALITY], m).astype(np.uint8),
        credibility=rng.choice(EIGHTHS[1:], m), domains=np.ones(m, np.uint8),
        threshold=np.where(rng.random(n) < 0.8, math.nan, rng.choice(EIGHTHS[1:], n)),
        region=rng.choice(["", "X", "Y"], n),
        global_reach=rng.random(n) < 0.5 if draw(st.booleans()) else None,
        nuclear=rng.random(n) < 0.2,
        rivalry_source=riv[:, 0].astype(np.int64), rivalry_target=riv[:, 1].astype(np.int64),
        hostility=rng.choice(EIGHTHS[1:], len(riv)),
    )
    rules = dataclasses.replace(draw(rules_st()), defend_cobelligerents=1.0,
                                min_side_share=0.0, rival_scope="initiators",
                                one_pull_per_treaty=False,
                                max_rounds=draw(st.sampled_from([None, None, None, 3])),
                                threshold=draw(st.sampled_from([0.125, 0.25, 0.5, 1.0])))
    return arrays, [(a, t) for a in agg for t in tgt], agg, tgt, rules, "conventional"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pull_path_questions(), st.sampled_from([(2, 0), (4, 1), (2, 6)]))
def test_parallel_rounds_match_naive(q, split):
    # foederis.cascade with the parallel rounds forced on a small World: the split layout
    # from the second cascade, every round from 2 on split between ``parts`` (states
    # dealt one by one, in pairs, or in the blocks of 64 that foederis uses)
    import foederis._cascade_pulls as fc

    arrays, pairs, agg, tgt, rules, domain = q
    parts, shift = split
    w = build(arrays)
    attacks = [(f"S{a}", f"S{t}") for a, t in pairs]
    ref = naive.cascade(naive.plain(w), agg, tgt, rules, 1 << DOMAINS.index(domain))
    joined = [i for i in range(w.n_states) if ref["round"][i] >= 0]
    order = sorted(joined, key=lambda i: (ref["round"][i], i))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(fc, "PARALLEL_ROUND_EDGES", 0)
        mp.setattr(fc, "OWNER_SHIFT", shift)
        mp.setattr(fc, "parallel_parts", lambda: parts)
        for _ in range(3):
            res = cascade(w, attacks, rules, domain=domain)
            assert_matches(res, ref)
            assert res.order.tolist() == order
    from foederis._gate import prepare

    p = prepare(w, np.asarray(agg, np.int64), np.asarray(tgt, np.int64), rules,
                1 << DOMAINS.index(domain))
    if not (rules.conditions and np.any(w.condition)) and fc.monotone_possible(p):
        assert any(isinstance(v, fc.SplitPull) for v in w.__dict__["_edge_pull"].values())


def test_large_rounds_are_listed_in_index_order():
    # rounds of >= 256 joiners are rebuilt by a scan of their index span, not sorted
    rng = np.random.default_rng(5)
    n = 3000
    g = rng.integers(1, n, 12000)
    p = rng.integers(1, n, 12000)
    keep = g != p
    g, p = g[keep], p[keep]
    g = np.concatenate((np.arange(2, n), g))
    p = np.concatenate((np.ones(n - 2, dtype=np.int64), p))
    key = np.unique(g * n + p)
    g, p = key // n, key % n
    codes = [f"S{i}" for i in range(n)]
    thr = rng.choice([0.3, 0.9, 1.6, 2.5], n)
    w = World.from_arrays(codes, np.ones(n), g, p, np.zeros(g.size, np.uint8),
                          credibility=rng.choice([0.25, 0.5, 0.75, 1.0], g.size),
                          threshold=thr)
    ref = naive.cascade(naive.plain(w), [0], [1], Rules(), 1)
    sizes = np.bincount(np.asarray(ref["round"])[np.asarray(ref["round"]) >= 0])
    assert sizes.max() >= 256
    for _ in range(3):
        assert_matches(cascade(w, "S0:S1"), ref)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions(max_states=14, max_edges=80))
def test_cascade_matches_naive_denser(q):
    arrays, pairs, agg, tgt, rules, domain = q
    w = build(arrays)
    res = cascade(w, [(f"S{a}", f"S{t}") for a, t in pairs], rules, domain=domain)
    assert_matches(res, naive.cascade(naive.plain(w), agg, tgt, rules,
                                      1 << DOMAINS.index(domain)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions())
def test_cascade_is_a_fixed_point_and_consistent(q):
    """One more round adds nobody; `why` explains every joiner with pulls that meet its
    threshold; capability per round is cumulative and ends at the balance."""
    arrays, pairs, agg, tgt, rules, domain = q
    w = build(arrays)
    res = cascade(w, [(f"S{a}", f"S{t}") for a, t in pairs], rules, domain=domain)
    if rules.max_rounds is None:
        again = cascade(w, [(f"S{a}", f"S{t}") for a, t in pairs],
                        rules.replace(max_rounds=res.n_rounds + 1), domain=domain)
        assert again.side.tolist() == res.side.tolist()
    why = res.why
    joined_late = set(codes_of(w, np.flatnonzero(res.round > 0)))
    assert set(why["state"]) <= joined_late
    if rules.neutrality_weight == 0 and rules.nonaggression_weight == 0:
        for code in joined_late:  # with no restraint, the pulls alone reach the threshold
            i = w.index(code)
            th = w.threshold[i] if not np.isnan(w.threshold[i]) else rules.threshold
            assert why.loc[why.state == code, "contribution"].sum() >= th
    cbr = res.capability_by_round
    assert cbr.shape == (res.n_rounds + 1, 2)
    assert np.all(np.diff(cbr, axis=0) >= 0)
    assert res.joined() == codes_of(w, res.order)
    assert sorted(res.joined("A")) == sorted(codes_of(w, np.flatnonzero(res.side == 1)))


# --------------------------------------------------------------------------------------
# invariants
# --------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions(), st.randoms(use_true_random=False))
def test_relabelling_states_changes_nothing(q, rnd):
    arrays, pairs, agg, tgt, rules, domain = q
    n = len(arrays["codes"])
    perm = list(range(n))
    rnd.shuffle(perm)  # new position of old state i is perm[i]
    inv = np.argsort(perm)
    a2 = dict(arrays)
    for key in ("capability", "threshold", "region", "nuclear", "global_reach"):
        if a2[key] is not None:
            a2[key] = np.asarray(arrays[key])[inv]
    a2["codes"] = [arrays["codes"][i] for i in inv]
    a2["guarantor"] = np.asarray(perm)[arrays["guarantor"]]
    a2["protege"] = np.asarray(perm)[arrays["protege"]]
    a2["rivalry_source"] = np.asarray(perm)[arrays["rivalry_source"]]
    a2["rivalry_target"] = np.asarray(perm)[arrays["rivalry_target"]]
    w1, w2 = build(arrays), build(a2)
    attacks = [(f"S{a}", f"S{t}") for a, t in pairs]
    r1 = cascade(w1, attacks, rules, domain=domain)
    r2 = cascade(w2, attacks, rules, domain=domain)
    f1 = r1.to_frame(all_states=True).sort_index()
    f2 = r2.to_frame(all_states=True).sort_index()
    assert f1[["side", "round", "initiator"]].equals(f2[["side", "round", "initiator"]])
    assert r1.n_rounds == r2.n_rounds and r1.deterred == r2.deterred
    assert r1.umbrella_guarantors == r2.umbrella_guarantors
    # capability sums are taken in index order, so only exact capabilities compare exactly
    assert np.allclose(r1.capability_by_round, r2.capability_by_round, rtol=1e-12, atol=0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions(kinds=(DEFENSE, GUARANTEE, OFFENSE, ENTENTE)), st.data())
def test_adding_defense_toward_d_never_removes_a_d_joiner(q, data):
    arrays, pairs, agg, tgt, rules, domain = q
    w = build(arrays)
    attacks = [(f"S{a}", f"S{t}") for a, t in pairs]
    before = cascade(w, attacks, rules, domain=domain)
    d_side = np.flatnonzero(before.side == 2)
    neutral = np.flatnonzero(before.side == 0)
    assume(len(neutral) > 0)
    g = int(data.draw(st.sampled_from(neutral.tolist())))
    p = int(data.draw(st.sampled_from(d_side.tolist())))
    c = data.draw(st.sampled_from(EIGHTHS))
    after_world = w.with_commitment(f"S{g}", f"S{p}", "DEFENSE", credibility=c,
                                    domains="all")
    after = cascade(after_world, attacks, rules, domain=domain)
    assert set(np.flatnonzero(after.side == 2)) >= set(d_side.tolist())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions(), st.sampled_from([1.0, 1.25, 2.0, 8.0]))
def test_raising_every_threshold_never_adds_a_joiner(q, factor):
    arrays, pairs, agg, tgt, rules, domain = q
    attacks = [(f"S{a}", f"S{t}") for a, t in pairs]
    low = cascade(build(arrays), attacks, rules, domain=domain)
    a2 = dict(arrays, threshold=np.asarray(arrays["threshold"]) * factor)
    high = cascade(build(a2), attacks, rules.replace(threshold=rules.threshold * factor),
                   domain=domain)
    assert set(np.flatnonzero(high.side)) <= set(np.flatnonzero(low.side))


# --------------------------------------------------------------------------------------
# each clause of the rule, on hand-made worlds
# --------------------------------------------------------------------------------------
def world(n_or_codes, edges=(), **kw) -> World:
    codes = [f"S{i}" for i in range(n_or_codes)] if isinstance(n_or_codes, int) else n_or_codes
    n = len(codes)
    kw.setdefault("capability", np.ones(n))
    g = np.array([e[0] for e in edges], dtype=np.int64)
    p = np.array([e[1] for e in edges], dtype=np.int64)
    k = np.array([e[2] for e in edges], dtype=np.uint8)
    cred = np.array([e[3] if len(e) > 3 else 1.0 for e in edges])
    dom = np.array([e[4] if len(e) > 4 else 1 for e in edges], dtype=np.uint8)
    cap = kw.pop("capability")
    return World.from_arrays(codes, cap, g, p, k, credibility=cred, domains=dom, **kw)


def test_round_zero_and_a_chain_of_defense():
    w = world(5, [(2, 1, DEFENSE), (3, 2, DEFENSE), (4, 3, DEFENSE)])
    c = cascade(w, "S0:S1")
    assert c.side.tolist() == [1, 2, 2, 2, 2]
    assert c.round.tolist() == [0, 0, 1, 2, 3]
    assert c.initiator.tolist() == [True, False, False, False, False]
    assert c.n_rounds == 3
    assert c.rounds() == [{"A": ["S0"], "D": ["S1"]}, {"A": [], "D": ["S2"]},
                          {"A": [], "D": ["S3"]}, {"A": [], "D": ["S4"]}]
    assert c.capability_by_round.tolist() == [[1, 1], [1, 2], [1, 3], [1, 4]]
    assert c.balance == 4.0 and c.deterred


def test_rounds_are_synchronous():
    # S3 is pulled by S2 (joins round 1) only from round 2 on, even though S2 joins in the
    # same round as the pull would be evaluated.
    w = world(4, [(2, 1, DEFENSE), (3, 2, DEFENSE), (3, 1, DEFENSE, 0.25)])
    c = cascade(w, "S0:S1")
    assert c.round.tolist() == [0, 0, 1, 2]


def test_threshold_ties_and_conflicts():
    # S2 is pulled 0.5 by each side: tie -> neutral. S3 is pulled 0.375 < 0.5: neutral.
    w = world(4, [(2, 0, OFFENSE, 0.5), (2, 1, DEFENSE, 0.5), (3, 1, DEFENSE, 0.375)])
    c = cascade(w, "S0:S1")
    assert c.side.tolist() == [1, 2, 0, 0]
    c2 = cascade(w, "S0:S1", Rules(threshold=0.375))
    assert c2.side.tolist() == [1, 2, 0, 2]


def test_defense_does_not_defend_an_aggressor_unless_chain_ganging():
    w = world(3, [(2, 0, DEFENSE)])
    assert cascade(w, "S0:S1").side[2] == 0
    assert cascade(w, "S0:S1", Rules(defend_initiators=0.5)).side[2] == 1
    assert cascade(w, "S0:S1", Rules(defend_initiators=0.25)).side[2] == 0
    # chain-ganging joiners are not initiators
    assert not cascade(w, "S0:S1", Rules(defend_initiators=1)).initiator[2]


def test_offense_toward_an_initiator_makes_an_initiator():
    # S2 promised offense to S0 (the aggressor): joins A as an initiator. S3 has a DEFENSE
    # pact with S2, which is now an initiator: no trigger. S4 has OFFENSE to S2: initiator.
    w = world(5, [(2, 0, OFFENSE), (3, 2, DEFENSE), (4, 2, OFFENSE)])
    c = cascade(w, "S0:S1")
    assert c.side.tolist() == [1, 2, 1, 0, 1]
    assert c.initiator.tolist() == [True, False, True, False, True]
    # OFFENSE toward a non-initiator does not make an initiator
    w2 = world(4, [(2, 1, OFFENSE), (3, 2, OFFENSE)])
    c2 = cascade(w2, "S0:S1")
    assert c2.side.tolist() == [1, 2, 2, 2] and not c2.initiator[2:].any()


def test_entente_weight_and_restraints():
    w = world(4, [(2, 1, ENTENTE), (3, 1, ENTENTE), (3, 1, DEFENSE, 0.25)])
    assert cascade(w, "S0:S1", Rules(entente_weight=0.25)).side.tolist() == [1, 2, 0, 2]
    # (0.25 + 0.25 = 0.5); by default consultation does not pull: S3 has 0.25 < 0.5
    assert cascade(w, "S0:S1").side.tolist() == [1, 2, 0, 0]
    assert cascade(w, "S0:S1", Rules(entente_weight=0.5)).side.tolist() == [1, 2, 2, 2]
    # DESIGN.md's restraints (Rules.bound_victim_unrestrained off, as in Rules.design())
    plain = Rules(bound_victim_unrestrained=False)
    # NEUTRALITY toward the aggressor restrains from D: 1 - 1 = 0 < 0.5
    w2 = world(3, [(2, 1, DEFENSE), (2, 0, NEUTRALITY)])
    assert cascade(w2, "S0:S1", plain).side[2] == 0
    assert cascade(w2, "S0:S1", plain.replace(neutrality_weight=0.5)).side[2] == 2
    # NONAGGRESSION weighs nonaggression_weight (0.5): 1 - 0.5 = 0.5 >= 0.5
    w3 = world(3, [(2, 1, DEFENSE), (2, 0, NONAGGRESSION)])
    assert cascade(w3, "S0:S1", plain).side[2] == 2
    assert cascade(w3, "S0:S1", plain.replace(nonaggression_weight=0.75)).side[2] == 0
    # a restraint can tip a tie: S2 pulled 1 by each side, restrained from A by S1
    w4 = world(3, [(2, 1, DEFENSE), (2, 0, OFFENSE), (2, 1, NONAGGRESSION)])
    assert cascade(w4, "S0:S1", plain.replace(ally_restraint=0)).side[2] == 2
    # restraint that reads the treaty: a pledge toward the aggressor does not hold back a
    # defence ally of the victim (Rules.bound_victim_unrestrained)
    read = Rules(bound_victim_unrestrained=True)
    assert cascade(w2, "S0:S1", read).side[2] == 2
    assert cascade(w3, "S0:S1", read.replace(nonaggression_weight=0.75)).side[2] == 2


def test_credibility_scale_multiplies_and_clips():
    w = world(3, [(2, 1, DEFENSE, 0.25)])
    assert cascade(w, "S0:S1").side[2] == 0
    assert cascade(w, "S0:S1", Rules(credibility_scale=2)).side[2] == 2
    w2 = world(3, [(2, 1, DEFENSE, 0.75)])
    # 0.75 * 2 clips to 1: exactly the threshold 1
    assert cascade(w2, "S0:S1", Rules(credibility_scale=2, threshold=1)).side[2] == 2
    assert cascade(w2, "S0:S1", Rules(credibility_scale=2, threshold=1.125)).side[2] == 0


def test_per_state_threshold_overrides_the_rule():
    w = world(4, [(2, 1, DEFENSE, 0.5), (3, 1, DEFENSE, 0.5)],
              threshold=np.array([np.nan, np.nan, 0.75, np.nan]))
    assert cascade(w, "S0:S1").side.tolist() == [1, 2, 0, 2]
    assert cascade(w.with_threshold("S2", None), "S0:S1").side.tolist() == [1, 2, 2, 2]


def test_max_rounds():
    w = world(5, [(2, 1, DEFENSE), (3, 2, DEFENSE), (4, 3, DEFENSE)])
    assert cascade(w, "S0:S1", Rules(max_rounds=0)).side.tolist() == [1, 2, 0, 0, 0]
    c = cascade(w, "S0:S1", Rules(max_rounds=2))
    assert c.side.tolist() == [1, 2, 2, 2, 0] and c.n_rounds == 2


def test_domains():
    # S2's pact covers cyber only; S3's covers conventional|nuclear
    w = world(4, [(2, 1, DEFENSE, 1.0, 4), (3, 1, DEFENSE, 1.0, 3)])
    assert cascade(w, "S0:S1").side.tolist() == [1, 2, 0, 2]
    assert cascade(w, "S0:S1", domain="cyber").side.tolist() == [1, 2, 2, 0]
    assert cascade(w, "S0:S1", domain="NUCLEAR").side.tolist() == [1, 2, 0, 2]
    assert cascade(w, "S0:S1", domain="economic").side.tolist() == [1, 2, 0, 0]


def test_reach():
    # theatre = {E}; S2 in Asia without reach stays out, S3 has global reach, S4's region
    # is unknown, S5 is in the theatre.
    region = np.array(["E", "E", "AS", "AM", "", "E"])
    reach = np.array([False, False, False, True, False, False])
    edges = [(i, 1, DEFENSE) for i in range(2, 6)]
    w = world(6, edges, region=region, global_reach=reach)
    assert cascade(w, "S0:S1").side.tolist() == [1, 2, 0, 2, 2, 2]
    assert cascade(w, "S0:S1", Rules(reach=False)).side.tolist() == [1, 2, 2, 2, 2, 2]
    # reach applies to conventional attacks only
    w_cyber = world(6, [(i, 1, DEFENSE, 1.0, 5) for i in range(2, 6)], region=region,
                    global_reach=reach)
    assert cascade(w_cyber, "S0:S1", domain="cyber").side.tolist() == [1, 2, 2, 2, 2, 2]
    # without a global_reach column there is no reach rule
    w2 = world(6, edges, region=region)
    assert cascade(w2, "S0:S1").side.tolist() == [1, 2, 2, 2, 2, 2]
    # the theatre is every aggressor's and target's region
    w3 = world(6, edges + [(2, 0, OFFENSE)], region=np.array(["E", "E", "AS", "AM", "", "AS"]),
               global_reach=reach)
    c = cascade(w3, [("S0", "S1"), ("S0", "S5")])
    assert c.side[2] == 0  # AS is not the theatre: S0 and S1 are in E, S5 is a target in AS
    c2 = cascade(w3, [("S0", "S1")])
    assert c2.side[5] == 0  # now S5 (AS) is not in the theatre either


def test_nuclear_umbrella_and_deterrence():
    # S2 (nuclear) guarantees S1 in the nuclear domain; S3 (nuclear) conventional only.
    cap = np.array([10.0, 1.0, 2.0, 2.0])
    w = world(4, [(2, 1, GUARANTEE, 1.0, 3), (3, 1, DEFENSE, 1.0, 1)], capability=cap,
              nuclear=np.array([True, False, True, True]))
    c = cascade(w, "S0:S1")
    assert c.umbrella and c.umbrella_guarantors == ("S2",)
    assert c.balance == 0.5 and c.deterred
    assert not cascade(w, "S0:S1", Rules(nuclear_umbrella=False)).deterred
    assert cascade(w, "S0:S1", Rules(nuclear_umbrella=False, margin=0.5)).deterred
    # the umbrella needs the guarantor on side D: a 0-credibility guarantee gives none
    w0 = world(4, [(2, 1, GUARANTEE, 0.0, 3)], capability=cap,
               nuclear=np.array([True, False, True, True]))
    assert not cascade(w0, "S0:S1").umbrella
    assert "nuclear umbrella of S2" in c.verdict


def test_balance_edge_cases():
    w = world(3, [(2, 1, DEFENSE)], capability=np.array([0.0, 0.0, 1.0]))
    c = cascade(w, "S0:S1")
    assert c.balance == math.inf and c.deterred
    w2 = world(3, [], capability=np.zeros(3))
    c2 = cascade(w2, "S0:S1")
    assert math.isnan(c2.balance) and not c2.deterred


def test_several_attacks_at_once():
    w = world(5, [(4, 2, DEFENSE), (4, 3, DEFENSE, 0.25)])
    c = cascade(w, [("S0", "S2"), ("S1", "S3"), "S0:S3"])
    assert c.side.tolist() == [1, 1, 2, 2, 2]
    assert c.attacks == (("S0", "S2"), ("S1", "S3"), ("S0", "S3"))
    assert c.aggressors == ["S0", "S1"] and c.targets == ["S2", "S3"]
    assert cascade(w, [(0, 2)]).side.tolist() == cascade(w, "S0:S2").side.tolist()


def test_empty_and_isolated_worlds():
    w = world(2, [])
    c = cascade(w, "S0:S1")
    assert c.side.tolist() == [1, 2] and c.n_rounds == 0 and len(c.why) == 0
    w3 = world(["A", "B", "C"], [(1, 2, DEFENSE), (2, 1, DEFENSE)])  # a cycle
    assert cascade(w3, "A:B").side.tolist() == [1, 2, 2]


# --------------------------------------------------------------------------------------
# the result object
# --------------------------------------------------------------------------------------
def test_result_is_frozen_readonly_and_framed():
    w = world(["RUS", "EST", "USA", "UKG"],
              [(2, 1, DEFENSE), (3, 1, DEFENSE, 0.25), (3, 2, ENTENTE)],
              names=np.array(["Russia", "Estonia", "United States", "United Kingdom"]))
    c = cascade(w, "RUS:EST", Rules(entente_weight=0.25))  # DESIGN.md's entente weight
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.balance = 3.0
    for a in (c.side, c.round, c.initiator, c.capability_by_round, c.order, c.round_ptr):
        assert not a.flags.writeable
    assert c.side.dtype == np.int8 and c.round.dtype == np.int32
    assert c.initiator.dtype == bool
    f = c.to_frame()
    assert list(f.index) == ["RUS", "EST", "USA", "UKG"]
    assert f.loc["UKG", "side"] == "D" and f.loc["UKG", "round"] == 2
    assert f.loc["UKG", "pulled_by"] == "EST;USA"
    assert len(c.to_frame(all_states=True)) == 4
    why = c.why
    assert list(why.columns) == ["state", "side", "round", "protege", "kind", "treaty",
                                 "credibility", "contribution", "edge"]
    ukg = why[why.state == "UKG"]
    assert ukg.kind.tolist() == ["DEFENSE", "ENTENTE"]
    assert ukg.contribution.tolist() == [0.25, 0.25]
    text = c.summary()
    assert "round 2" in text and "UKG <- defense: EST; entente: USA" in text
    assert "RUS:EST" in repr(c)


def test_why_names_treaties():
    w = World.from_arrays(["A", "B", "C"], [1, 1, 1], guarantor=[2], protege=[1],
                          kind=["defense"], treaty=[0], treaty_names=["Pact"])
    assert cascade(w, "A:B").why.treaty.tolist() == ["Pact"]


def test_inputs_are_not_mutated():
    w = world(4, [(2, 1, DEFENSE), (3, 2, DEFENSE)])
    before = {k: getattr(w, k).copy() for k in ("capability", "threshold", "credibility")}
    attacks = [["S0", "S1"]]
    cascade(w, attacks)
    assert attacks == [["S0", "S1"]]
    for k, v in before.items():
        assert np.array_equal(getattr(w, k), v, equal_nan=True)


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "attacks, exc, words",
    [
        ([], AttackError, "empty"),
        ("S0", AttackError, "AGGRESSOR:TARGET"),
        ("S0:S0", AttackError, "cannot attack itself"),
        ([("S0", "S1"), ("S1", "S2")], AttackError, "both an aggressor"),
        ("S0:XYZ", UnknownStateError, "XYZ"),
        ([(0, 7)], UnknownStateError, "out of range"),
        ([("S0", "S1", "S2")], AttackError, "pair"),
        (42, AttackError, "attacks must be"),
        ([(1.5, "S1")], AttackError, "code"),
    ],
)
def test_bad_attacks(attacks, exc, words):
    w = world(3, [(2, 1, DEFENSE)])
    with pytest.raises(exc, match=words) as info:
        cascade(w, attacks)
    assert isinstance(info.value, FoederisError)


@pytest.mark.parametrize(
    "kw, words",
    [
        (dict(threshold=0), r"Rules.threshold must be in \(0, inf\]"),
        (dict(threshold=-1), "Rules.threshold"),
        (dict(threshold=float("nan")), "Rules.threshold"),
        (dict(entente_weight=-0.1), "Rules.entente_weight"),
        (dict(neutrality_weight=float("inf")), "Rules.neutrality_weight"),
        (dict(nonaggression_weight="x"), "Rules.nonaggression_weight"),
        (dict(defend_initiators=1.5), r"Rules.defend_initiators must be in \[0, 1\]"),
        (dict(credibility_scale=-1), "Rules.credibility_scale"),
        (dict(max_rounds=-1), "Rules.max_rounds"),
        (dict(max_rounds=1.5), "Rules.max_rounds"),
        (dict(margin=0), "Rules.margin"),
        (dict(reach="yes"), "Rules.reach"),
        (dict(nuclear_umbrella=None), "Rules.nuclear_umbrella"),
    ],
)
def test_bad_rules(kw, words):
    with pytest.raises(ParameterError, match=words):
        Rules(**kw)


def test_rules_conveniences():
    r = Rules()
    assert r.replace(threshold=0.25).threshold == 0.25 and r.threshold == 0.5
    with pytest.raises(ParameterError, match="no field 'treshold'"):
        r.replace(treshold=1)
    assert r == Rules() and hash(r) == hash(Rules())
    assert r.pull_weight.tolist() == [1, 1, 1, 0, 0, 0]  # consultation does not pull
    assert r.restraint_weight.tolist() == [1, 1, 1, 0, 1, 0.5]
    assert Rules(entente_weight=0.25).restraint_weight.tolist() == [1, 1, 1, 0.25, 1, 0.5]
    assert Rules(ally_restraint=0).restraint_weight.tolist() == [0, 0, 0, 0, 1, 0.5]
    w = world(3, [(2, 1, DEFENSE, 0.5)])
    assert cascade(w, "S0:S1", {"threshold": 0.5}).side[2] == 2
    with pytest.raises(ParameterError, match="rules must be"):
        cascade(w, "S0:S1", 0.5)
    with pytest.raises(ParameterError, match="domain must be one of"):
        cascade(w, "S0:S1", domain="air")
    with pytest.raises(ParameterError, match="world must be"):
        cascade("contemporary", "S0:S1")


def test_rules_design_is_the_contract_rule():
    # DESIGN.md's baseline rule: no ally restraint, none of issue 10's levers
    d = Rules.design()
    assert isinstance(d, Rules) and d == Rules(entente_weight=0.25, ally_restraint=0,
                                               conditions=False,
                                               bound_victim_unrestrained=False,
                                               reach_rule="region", rival_weight=0,
                                               one_pull_per_treaty=False)
    assert d.restraint_weight.tolist() == [0, 0, 0, 0, 1, 0.5]
    assert Rules.__module__ == "foederis.rules"


def test_ally_restraint_keeps_a_state_from_fighting_its_ally():
    # S2 has a DEFENSE pact with the aggressor S0 and ENTENTEs with S1's allies S3, S4;
    # under DESIGN.md's original rule (ally_restraint=0) the ententes pull it against its
    # own ally; a state does not fight its ally (default ally_restraint=1).
    w = world(5, [(3, 1, DEFENSE), (4, 1, DEFENSE), (2, 0, DEFENSE), (2, 3, ENTENTE),
                  (2, 4, ENTENTE), (2, 1, ENTENTE)])
    e = Rules(entente_weight=0.25)  # DESIGN.md's entente weight
    assert cascade(w, "S0:S1", e.replace(ally_restraint=0)).side.tolist() == [1, 2, 2, 2, 2]
    c = cascade(w, "S0:S1", e)
    assert c.side.tolist() == [1, 2, 0, 2, 2]
    # entente with the aggressor restrains by ally_restraint * entente_weight (0.25):
    w2 = world(3, [(2, 1, DEFENSE), (2, 0, ENTENTE)])
    assert cascade(w2, "S0:S1", e).side[2] == 2  # 1 - 0.25 >= 0.5
    assert cascade(w2, "S0:S1", e.replace(ally_restraint=3)).side[2] == 0  # 1 - 0.75 < 0.5


def test_contemporary_russia_allies_stay_out_of_a_baltic_war():
    from foederis import load_world

    w = load_world("contemporary")
    c = cascade(w, "RUS:EST")
    d = set(c.joined("D"))
    assert {"USA", "UKG", "FRN", "GMY", "POL", "LAT", "LIT", "FIN", "SWD"} <= d
    assert not {"BLR", "ARM", "KZK"} & d
    assert c.deterred


# --------------------------------------------------------------------------------------
# the monotone fast path of the kernel (foederis._kernels.cascade: _cascade_monotone) against the
# general path, on questions where it applies and on any question
# --------------------------------------------------------------------------------------
def _both_paths(w: World, agg, tgt, rules: Rules, domain: str):
    from foederis import _kernels as k
    from foederis._gate import prepare

    p = prepare(w, np.unique(np.asarray(agg, np.int64)), np.unique(np.asarray(tgt, np.int64)),
                 rules, 1 << DOMAINS.index(domain))
    n = w.n_states
    tpull = np.empty(p.tcredibility.shape[0])
    k.edge_pull_kernel(p.tcredibility, p.tkind, p.tdomains, p.pull_weight, p.domain,
                       p.credibility_scale, tpull)
    outs = []
    for fn in (k.cascade_kernel, k.cascade_kernel_pull, k.cascade_general):
        o = (np.full(n, 7, np.int8), np.full(n, 7, np.int32), np.ones(n, np.bool_),
             np.zeros(n, np.int32), np.zeros(n + 2, np.int64), np.zeros((n + 1, 2)))
        if fn is k.cascade_general:  # its outputs are reset by cascade_kernel
            o[0][:], o[1][:], o[2][:] = 0, -1, False
        edges = (p.tindptr, p.tindices, p.tcredibility, p.tkind, p.tdomains)
        if fn is k.cascade_kernel_pull:
            edges += (tpull,)
        nr = fn(*edges,
                p.threshold, p.default_threshold, p.region_code, p.global_reach, p.theatre,
                p.reach, p.aggressors, p.targets, p.domain,
                p.pull_weight, p.restraint_weight, p.defend_initiators, p.credibility_scale,
                p.max_rounds, p.levers, p.capability, *o)
        outs.append((nr, o))
    applies = bool(k.monotone_applies(p.tindptr, p.tkind, p.tdomains, p.aggressors,
                                       p.domain, p.pull_weight, p.restraint_weight,
                                       p.credibility_scale))
    # the parallel kernel over the split layout, every round from 2 on in parallel
    # (min_rows 0) or none (serial rounds), states split one by one (shift 0) or in
    # pairs between 2 or 4 parts; it applies, gives up (-1) or declines (-2)
    for parts, shift, min_rows in ((2, 0, 0), (4, 1, 0), (2, 0, 1 << 40)):
        pptr = np.empty(n * parts + 1, np.int64)
        pindices = np.empty(p.tindices.shape[0], np.int32)
        ppull = np.empty(p.tindices.shape[0])
        kept = k.edge_pull_split_kernel(p.tindptr, p.tindices, tpull, parts, shift, pptr,
                                        pindices, ppull)
        assert kept == int(np.count_nonzero(tpull))
        o = (np.full(n, 7, np.int8), np.full(n, 7, np.int32), np.ones(n, np.bool_),
             np.zeros(n, np.int32), np.zeros(n + 2, np.int64), np.zeros((n + 1, 2)))
        nr = k.cascade_pull_parallel(
            p.tindptr, p.tkind, p.tdomains, pptr, pindices[:kept], ppull[:kept], parts,
            min_rows, p.threshold, p.default_threshold, p.region_code, p.global_reach,
            p.theatre, p.reach, p.aggressors, p.targets, p.domain, p.pull_weight,
            p.restraint_weight, p.credibility_scale, p.max_rounds, p.levers, p.capability,
            *o)
        pull_path = (applies and p.levers[7].shape[0] == 0 and p.levers[5] == 1.0
                     and not (p.levers[13] and p.levers[3] > 0) and not p.levers[14] > 0
                     and not p.levers[17] > 0)
        assert (nr == -2) == (not pull_path)
        if nr >= 0:
            outs.insert(0, (nr, o))
    nr2, o2 = outs[-1]
    for nr1, o1 in outs[:-1]:
        assert nr1 == nr2
        for x, y in zip(o1[:3], o2[:3]):
            assert np.array_equal(x, y)
        m = int(o1[4][nr1 + 1])
        assert np.array_equal(o1[3][:m], o2[3][:m])
        assert np.array_equal(o1[4][: nr1 + 2], o2[4][: nr1 + 2])
        assert np.array_equal(o1[5][: nr1 + 1], o2[5][: nr1 + 1])
    return applies


@st.composite
def monotone_questions(draw, **kw):
    """Questions whose aggressors have no commitment toward them: the fast path applies."""
    arrays, pairs, agg, tgt, rules, domain = draw(questions(**kw))
    keep = ~np.isin(arrays["protege"], np.asarray(agg, np.int64))
    for key in ("guarantor", "protege", "kind", "credibility", "domains", "treaty",
                *CONDITION_COLUMNS):
        arrays[key] = np.asarray(arrays[key])[keep]
    return arrays, pairs, agg, tgt, rules, domain


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(monotone_questions(max_states=12, max_edges=60))
def test_monotone_fast_path_equals_general_path_and_naive(q):
    arrays, pairs, agg, tgt, rules, domain = q
    w = build(arrays)
    assert _both_paths(w, agg, tgt, rules, domain)
    res = cascade(w, [(f"S{a}", f"S{t}") for a, t in pairs], rules, domain=domain)
    ref = naive.cascade(naive.plain(w), agg, tgt, rules, 1 << DOMAINS.index(domain))
    assert_matches(res, ref)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions(max_states=12, max_edges=60))
def test_kernel_equals_general_path(q):
    arrays, pairs, agg, tgt, rules, domain = q
    _both_paths(build(arrays), agg, tgt, rules, domain)


def test_monotone_fast_path_gives_up_on_a_zero_threshold():
    # the embedding API may pass thresholds <= 0: the fast path must defer to the general
    # path, where a restraint-only touch joins D at threshold 0
    from foederis import _kernels as k

    w = world(3, [(2, 1, NEUTRALITY)])
    from foederis._gate import prepare

    p = prepare(w, np.array([0]), np.array([1]), Rules(), 1)
    thr = np.zeros(3)
    tpull = np.empty(p.tcredibility.shape[0])
    k.edge_pull_kernel(p.tcredibility, p.tkind, p.tdomains, p.pull_weight, p.domain,
                       p.credibility_scale, tpull)
    outs = []
    for fn in (k.cascade_kernel, k.cascade_kernel_pull, k.cascade_general):
        o = (np.zeros(3, np.int8), np.full(3, -1, np.int32), np.zeros(3, np.bool_),
             np.zeros(3, np.int32), np.zeros(5, np.int64), np.zeros((4, 2)))
        edges = (p.tindptr, p.tindices, p.tcredibility, p.tkind, p.tdomains)
        if fn is k.cascade_kernel_pull:
            edges += (tpull,)
        nr = fn(*edges, thr, 0.5,
                p.region_code, p.global_reach, p.theatre, p.reach, p.aggressors, p.targets,
                p.domain, p.pull_weight, p.restraint_weight, p.defend_initiators,
                p.credibility_scale, p.max_rounds, p.levers, p.capability, *o)
        outs.append((nr, o[0].tolist(), o[1].tolist()))
    assert outs[0] == outs[1] == outs[2]
    assert outs[0][1] == [1, 2, 2]  # S2, touched by its restraint only, joins D


def test_fast_paths_give_up_on_a_negative_pull():
    # the embedding API may pass negative credibilities: both fast paths (with and without
    # resolved pulls) must defer to the general path when they meet one
    from foederis import _kernels as k
    from foederis._gate import prepare

    w = world(4, [(2, 1, DEFENSE), (3, 1, DEFENSE), (3, 2, DEFENSE)])
    p = prepare(w, np.array([0]), np.array([1]), Rules(threshold=0.1), 1)
    cred = np.asarray(p.tcredibility).copy()
    assert p.tindices[1] == 3  # in-edges of S1 (S2, S3), then of S2 (S3)
    cred[1] = -0.5  # S3 -> S1, met in round 1 while S3 is neutral
    tpull = np.empty(cred.shape[0])
    k.edge_pull_kernel(cred, p.tkind, p.tdomains, p.pull_weight, p.domain,
                       p.credibility_scale, tpull)
    assert (tpull < 0).any()
    outs = []
    for fn in (k.cascade_kernel, k.cascade_kernel_pull, k.cascade_general):
        o = (np.zeros(4, np.int8), np.full(4, -1, np.int32), np.zeros(4, np.bool_),
             np.zeros(4, np.int32), np.zeros(6, np.int64), np.zeros((5, 2)))
        edges = (p.tindptr, p.tindices, cred, p.tkind, p.tdomains)
        if fn is k.cascade_kernel_pull:
            edges += (tpull,)
        nr = fn(*edges, p.threshold, p.default_threshold,
                p.region_code, p.global_reach, p.theatre, p.reach, p.aggressors, p.targets,
                p.domain, p.pull_weight, p.restraint_weight, p.defend_initiators,
                p.credibility_scale, p.max_rounds, p.levers, p.capability, *o)
        outs.append((nr, o[0].tolist(), o[1].tolist(), o[5][: nr + 1].tolist()))
    assert outs[0] == outs[1] == outs[2]
