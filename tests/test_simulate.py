"""Monte Carlo ensembles: per-sample agreement with tests/naive.py (both modes), the
degenerate credibilities, closed forms on chains and stars, split and thread invariance,
progress, stop and Ctrl-C."""

from __future__ import annotations

import dataclasses
import math
import threading

import naive
import numpy as np
import pytest
from foederis import Rules, cascade
from foederis.errors import Interrupted, ParameterError
from foederis import Ensemble, merge_ensembles, simulate
from foederis.world import World
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cascade import DOMAINS, build, questions

DEFENSE, GUARANTEE, OFFENSE, ENTENTE, NEUTRALITY, NONAGGRESSION = range(6)


def assert_same(a: Ensemble, b: Ensemble) -> None:
    for name in ("count_a", "count_d", "round_sum", "war_size", "n_rounds", "deterred"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.balance, b.balance, equal_nan=True)
    assert a.samples == b.samples and a.start == b.start


def assert_matches_naive(e: Ensemble, ref: dict) -> None:
    assert e.count_a.tolist() == ref["count_a"]
    assert e.count_d.tolist() == ref["count_d"]
    assert e.round_sum.tolist() == ref["round_sum"]
    assert e.war_size.tolist() == ref["war_size"]
    assert e.n_rounds.tolist() == ref["n_rounds"]
    assert e.deterred.tolist() == ref["deterred"]
    assert np.array_equal(e.balance, np.array(ref["balance"], dtype=float), equal_nan=True)


# --------------------------------------------------------------------------------------
# sample by sample against the naive twin (same counter-based draws)
# --------------------------------------------------------------------------------------
def test_naive_draws_are_the_kernel_draws():
    from foederis import kernels

    for seed in (0, 1, 2**63 + 5, 2**64 - 1):
        for sample in (0, 1, 63, 64, 130, 10**9):
            for edge in (0, 3, 10**6):
                for p in (0.0, 0.1, 0.5, 0.7, 0.999, 1.0):
                    assert bool(kernels.honoured(np.uint64(seed), sample, edge, p)) == \
                        naive.honoured(seed, sample, edge, p)
                    if 0 < p < 1:
                        assert naive.honoured(seed, sample, edge, p) == (
                            naive.uniform53(seed, sample, edge) < math.ceil(p * 2.0**53))
    for z in (0, 1, 2**64 - 1, 0x123456789ABCDEF):
        assert int(kernels.mix64(np.uint64(z))) == naive.mix64(z)


@pytest.mark.parametrize("mode", ["threshold", "any"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=questions(max_states=7, max_edges=18), start=st.sampled_from([0, 37, 64]),
       seed=st.integers(0, 2**64 - 1))
def test_ensemble_matches_naive(mode, q, start, seed):
    arrays, pairs, agg, tgt, rules, domain = q
    w = build(arrays)
    attacks = [(f"S{a}", f"S{t}") for a, t in pairs]
    e = simulate(w, attacks, rules, samples=70, seed=seed, mode=mode, domain=domain,
                 start=start, parallel=False)
    ref = naive.ensemble(naive.plain(w), agg, tgt, rules, 1 << DOMAINS.index(domain),
                         range(start, start + 70), seed, mode)
    assert_matches_naive(e, ref)


def padded(arrays: dict, extra: int) -> dict:
    """The world arrays of ``questions`` with ``extra`` isolated states appended (no
    commitments, no rivalries, capability 0)."""
    a = dict(arrays)
    n = len(a["codes"])
    a["codes"] = a["codes"] + [f"S{i}" for i in range(n, n + extra)]
    for key, fill in (("capability", 0.0), ("threshold", math.nan), ("region", ""),
                      ("global_reach", False), ("nuclear", False)):
        if a[key] is not None:
            a[key] = np.concatenate((a[key], np.full(extra, fill, dtype=a[key].dtype)))
    return a


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=questions(max_states=7, max_edges=18), extra=st.sampled_from([57, 200]),
       seed=st.integers(0, 2**64 - 1))
def test_any_small_words_match_naive(q, extra, seed):
    # in a world of many states a word of mode "any" stays small (fewer than n / 8 states
    # touched, _kernels.bitparallel.SMALL_WORD_SHARE) for its first joiners or all of
    # them: draws before the guarantor's lanes, memo only for joiners in 8 lanes or more
    arrays, pairs, agg, tgt, rules, domain = q
    w = build(padded(arrays, extra))
    attacks = [(f"S{a}", f"S{t}") for a, t in pairs]
    e = simulate(w, attacks, rules, samples=128, seed=seed, mode="any", domain=domain,
                 parallel=False)
    ref = naive.ensemble(naive.plain(w), agg, tgt, rules, 1 << DOMAINS.index(domain),
                         range(0, 128), seed, "any")
    assert_matches_naive(e, ref)


@pytest.mark.parametrize("mode", ["threshold", "any"])
def test_kept_workspace_gives_the_same_results(mode):
    # the workspace of one call serves the next call of the same shape (another war on
    # the same world, or another world of the same size): results as from a fresh one
    from foederis._blocks import release_workspaces

    rng = np.random.default_rng(3)
    n, m = 60, 240
    g, p = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = g != p
    w = World.from_arrays([f"S{i}" for i in range(n)], rng.random(n), g[keep], p[keep],
                          rng.integers(0, 6, int(keep.sum())).astype(np.uint8),
                          credibility=rng.choice([0.25, 0.5, 0.75], int(keep.sum())),
                          merge="max")
    wars = ["S0:S1", "S2:S3", "S0:S1"]
    release_workspaces()
    fresh = []
    for war in wars:
        fresh.append(simulate(w, war, samples=200, seed=4, mode=mode, parallel=False))
        release_workspaces()
    kept = [simulate(w, war, samples=200, seed=4, mode=mode, parallel=False)
            for war in wars]
    for a, b in zip(fresh, kept):
        assert_same(a, b)


# --------------------------------------------------------------------------------------
# degenerate credibilities
# --------------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions())
def test_credibility_one_equals_the_cascade(q):
    arrays, pairs, agg, tgt, rules, domain = q
    arrays = dict(arrays, credibility=np.ones(len(arrays["guarantor"])))
    rules = rules.replace(credibility_scale=max(1.0, rules.credibility_scale))
    w = build(arrays)
    attacks = [(f"S{a}", f"S{t}") for a, t in pairs]
    c = cascade(w, attacks, rules, domain=domain)
    e = simulate(w, attacks, rules, samples=65, seed=3, domain=domain)
    assert e.count_a.tolist() == (65 * (c.side == 1)).tolist()
    assert e.count_d.tolist() == (65 * (c.side == 2)).tolist()
    assert e.round_sum.tolist() == (65 * np.where(c.side > 0, c.round, 0)).tolist()
    assert set(e.war_size.tolist()) == {int(np.count_nonzero(c.side))}
    assert set(e.n_rounds.tolist()) == {c.n_rounds}
    assert np.array_equal(e.balance, np.full(65, c.balance), equal_nan=True)
    assert set(e.deterred.tolist()) == {c.deterred}
    assert e.p_deterred == float(c.deterred)


@pytest.mark.parametrize("mode", ["threshold", "any"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=questions())
def test_credibility_zero_nobody_joins(mode, q):
    arrays, pairs, agg, tgt, rules, domain = q
    arrays = dict(arrays, credibility=np.zeros(len(arrays["guarantor"])))
    w = build(arrays)
    rules = rules.replace(rival_weight=0)  # a rivalry is not a promise: credibility 0 leaves it
    e = simulate(w, [(f"S{a}", f"S{t}") for a, t in pairs], rules, samples=100, seed=9,
                 mode=mode, domain=domain)
    expect = np.zeros(w.n_states)
    expect[agg + tgt] = 1
    assert (e.p_join == expect).all()
    assert (e.war_size == len(agg) + len(tgt)).all()
    assert (e.n_rounds == 0).all()


# --------------------------------------------------------------------------------------
# closed forms at a fixed seed: P within 4 standard errors
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["threshold", "any"])
def test_chain_p_to_the_k(mode):
    # S0 attacks S1; S2 defends S1, S3 defends S2, ... each honoured with probability p:
    # the state k links away joins iff all k links are honoured: P = p^k.
    p, n, samples = 0.75, 7, 20_000
    g = np.arange(2, n)
    w = World.from_arrays([f"S{i}" for i in range(n)], np.ones(n), g, g - 1,
                          np.zeros(n - 2, np.uint8), credibility=np.full(n - 2, p))
    e = simulate(w, "S0:S1", samples=samples, seed=2024, mode=mode)
    for k in range(1, n - 1):
        expect = p**k
        se = math.sqrt(expect * (1 - expect) / samples)
        assert abs(e.p_join_d[k + 1] - expect) < 4 * se, (k, e.p_join_d[k + 1], expect)
        assert e.mean_round[k + 1] == k  # when it joins, it joins in round k
    assert e.p_join_a.tolist() == [1.0] + [0.0] * (n - 1)


@pytest.mark.parametrize("mode", ["threshold", "any"])
@pytest.mark.parametrize("m", [1, 3, 6])
def test_star_one_minus_q_to_the_m(mode, m):
    # S0 attacks m targets; X defends each with probability p: P(X joins) = 1 - (1-p)^m.
    p, samples = 0.3, 20_000
    codes = ["S0", "X"] + [f"T{i}" for i in range(m)]
    t = np.arange(2, m + 2)
    w = World.from_arrays(codes, np.ones(m + 2), np.ones(m, np.int64), t,
                          np.zeros(m, np.uint8), credibility=np.full(m, p))
    e = simulate(w, [("S0", f"T{i}") for i in range(m)], Rules(threshold=1), samples=samples,
                 seed=77, mode=mode)
    expect = 1 - (1 - p) ** m
    se = math.sqrt(expect * (1 - expect) / samples)
    assert abs(e.p_join_d[1] - expect) < 4 * se
    assert abs(e.stderr(expect) - se) < 1e-15


def test_any_is_the_independent_cascade_without_conflicts():
    # DEFENSE only, the attacker has no allies: "any" is the independent cascade, and the
    # threshold rule with a threshold no bigger than one honoured edge is the same.
    rng = np.random.default_rng(5)
    n, m = 40, 160
    g, p = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = (g != p) & (p != 0) & (g != 0)
    w = World.from_arrays([f"S{i}" for i in range(n)], rng.random(n), g[keep], p[keep],
                          np.zeros(int(keep.sum()), np.uint8),
                          credibility=rng.choice([0.25, 0.5, 0.75], int(keep.sum())),
                          merge="max")
    a = simulate(w, "S0:S1", samples=500, seed=1, mode="any")
    t = simulate(w, "S0:S1", Rules(threshold=1), samples=500, seed=1, mode="threshold")
    assert_same(a, t)


def test_any_restraints_veto_only_what_they_outweigh():
    # S2 defends the target (pull 1) and has a nonaggression pact with the aggressor
    # (restraint 0.5 < 1): it joins D. S3 has NEUTRALITY (1.0 >= 1): it stays out.
    # S4's entente pull (0.25) is outweighed by its nonaggression (0.5).
    w = World.from_arrays(
        [f"S{i}" for i in range(5)], np.ones(5),
        [2, 2, 3, 3, 4, 4], [1, 0, 1, 0, 1, 0],
        np.array([DEFENSE, NONAGGRESSION, DEFENSE, NEUTRALITY, ENTENTE, NONAGGRESSION],
                 np.uint8))
    plain = Rules(bound_victim_unrestrained=False, entente_weight=0.25)  # DESIGN.md's
    e = simulate(w, "S0:S1", plain, samples=64, mode="any")
    assert e.p_join_d.tolist() == [0, 1, 1, 0, 0]
    e2 = simulate(w, "S0:S1", plain.replace(neutrality_weight=0.75, nonaggression_weight=0.125),
                  samples=64, mode="any")
    assert e2.p_join_d.tolist() == [0, 1, 1, 1, 1]
    # the defaults: S3's neutrality toward the aggressor does not hold back a defender of
    # its victim (bound_victim_unrestrained), and S4's consultation does not pull
    e3 = simulate(w, "S0:S1", samples=64, mode="any")
    assert e3.p_join_d.tolist() == [0, 1, 1, 1, 0]


@pytest.mark.parametrize("mode", ["threshold", "any"])
def test_what_if_edits_share_random_numbers(mode):
    # X and Y (indices 2, 3) never go to war; adding X -> Y puts a commitment *before*
    # every other one in the commitment arrays, yet every sample is unchanged: draws are
    # keyed by (guarantor, protege, kind), not by position.
    n = 9
    g = np.arange(4, n)
    codes = ["S0", "S1", "X", "Y"] + [f"S{i}" for i in range(4, n)]
    w = World.from_arrays(codes, np.arange(1.0, n + 1), g, np.r_[1, g[:-1]],
                          np.zeros(len(g), np.uint8), credibility=np.full(len(g), 0.6))
    base = simulate(w, "S0:S1", samples=500, seed=3, mode=mode)
    what_if = simulate(w.with_commitment("X", "Y", "DEFENSE", 0.5), "S0:S1", samples=500,
                       seed=3, mode=mode)
    assert_same(base, what_if)
    # and a real change moves only the samples it touches
    cut = simulate(w.with_commitment("S7", "S6", "DEFENSE", 0.0), "S0:S1", samples=500,
                   seed=3, mode=mode)
    changed = base.war_size != cut.war_size
    assert changed.any() and (cut.war_size[changed] < base.war_size[changed]).all()
    assert (base.war_size[~changed] == cut.war_size[~changed]).all()


# --------------------------------------------------------------------------------------
# splits, threads, blocks
# --------------------------------------------------------------------------------------
def small_world(seed: int = 0, n: int = 30, m: int = 150) -> World:
    rng = np.random.default_rng(seed)
    g, p = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = g != p
    k = rng.integers(0, 6, m).astype(np.uint8)[keep]
    return World.from_arrays(
        [f"S{i}" for i in range(n)], rng.random(n), g[keep], p[keep], k,
        credibility=rng.random(int(keep.sum())), merge="max",
        nuclear=rng.random(n) < 0.3, domains=rng.integers(1, 4, int(keep.sum())),
        region=rng.choice(["E", "A", ""], n), global_reach=rng.random(n) < 0.2,
    )


@pytest.mark.parametrize("mode", ["threshold", "any"])
def test_split_and_parallel_invariance(mode):
    w = small_world()
    whole = simulate(w, "S0:S1", samples=1000, seed=42, mode=mode, parallel=False)
    par = simulate(w, "S0:S1", samples=1000, seed=42, mode=mode, parallel=True)
    assert_same(whole, par)
    cuts = [0, 1, 63, 64, 200, 333, 1000]
    parts = [simulate(w, "S0:S1", samples=b - a, seed=42, mode=mode, start=a)
             for a, b in zip(cuts, cuts[1:])]
    merged = merge_ensembles(parts[::-1])
    assert_same(whole, merged)
    assert merged.requested == 1000 and not merged.interrupted
    np.testing.assert_array_equal(merged.p_join_d, whole.p_join_d)
    assert merged.p_deterred == whole.p_deterred
    # a part is the slice of the whole
    assert parts[4].war_size.tolist() == whole.war_size[200:333].tolist()


def test_merge_errors():
    w = small_world()
    a = simulate(w, "S0:S1", samples=10, seed=1)
    with pytest.raises(ParameterError, match="consecutive"):
        merge_ensembles([a, simulate(w, "S0:S1", samples=10, seed=1, start=11)])
    with pytest.raises(ParameterError, match="different seed"):
        merge_ensembles([a, simulate(w, "S0:S1", samples=10, seed=2, start=10)])
    with pytest.raises(ParameterError, match="different mode"):
        merge_ensembles([a, simulate(w, "S0:S1", samples=10, seed=1, start=10, mode="any")])
    with pytest.raises(ParameterError, match="at least one"):
        merge_ensembles([])


def test_progress_stop_and_interrupt():
    w = small_world()
    calls = []
    e = simulate(w, "S0:S1", samples=3000, seed=5, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (3000, 3000) and all(t == 3000 for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)

    ev = threading.Event()
    part = simulate(w, "S0:S1", samples=3000, seed=5, stop=ev,
                    progress=lambda d, t: ev.set())
    assert part.interrupted and part.samples == 64 and part.requested == 3000
    assert_same(part, simulate(w, "S0:S1", samples=64, seed=5))
    assert part.war_size.tolist() == e.war_size[:64].tolist()
    part2 = simulate(w, "S0:S1", samples=3000, seed=5, stop=lambda: True)
    assert part2.interrupted and part2.samples == 64

    def ctrl_c(done, total):
        raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="after 64 of 3000 samples") as info:
        simulate(w, "S0:S1", samples=3000, seed=5, progress=ctrl_c)
    assert_same(info.value.partial, part)


def test_result_object():
    w = small_world()
    e = simulate(w, "S0:S1", samples=200, seed=None, mode="any")
    assert 0 <= e.seed < 2**64
    again = simulate(w, "S0:S1", samples=200, seed=e.seed, mode="any")
    assert_same(e, again)
    f = e.to_frame()
    assert list(f.columns) == ["name", "p_join_a", "p_join_d", "p_join", "mean_round"]
    assert f.loc["S0", "p_join_a"] == 1.0 and f.loc["S1", "p_join_d"] == 1.0
    sf = e.samples_frame()
    assert len(sf) == 200 and sf.index[0] == 0
    for a in (e.p_join_a, e.war_size, e.balance, e.deterred, e.mean_round):
        assert not a.flags.writeable
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.seed = 3
    assert "mode 'any'" in repr(e)
    never = np.flatnonzero(e.p_join == 0)
    assert np.isnan(e.mean_round[never]).all()


@pytest.mark.parametrize(
    "kw, words",
    [
        (dict(samples=0), "samples"),
        (dict(samples=2.5), "samples"),
        (dict(seed=-1), "seed"),
        (dict(seed=2**64), "seed"),
        (dict(mode="all"), "mode must be one of"),
        (dict(start=-3), "start"),
        (dict(progress=3), "progress"),
        (dict(stop=3), "stop"),
        (dict(parallel="yes"), "parallel"),
        (dict(domain="air"), "domain"),
    ],
)
def test_bad_parameters(kw, words):
    with pytest.raises(ParameterError, match=words):
        simulate(small_world(), "S0:S1", **kw)


# --------------------------------------------------------------------------------------
# the one block driver (foederis._blocks.run_blocks), shared with the sweeps
# --------------------------------------------------------------------------------------
def test_block_driver_aligns_reports_stops_and_catches_ctrl_c():
    from foederis._blocks import run_blocks

    calls, reports = [], []

    def run(par, lo, hi):
        calls.append((par, lo, hi))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return hi

    r = run_blocks(run, 10, 1000, block=64, min_block=64, parallel=False, decided=True,
                   speedup=1, align=64, progress=lambda d, t: reports.append((d, t)))
    assert calls[0] == (False, 10, 128) and calls[1][1] == 128  # ends on a word
    assert r.keyboard and r.interrupted and r.done == 128 and reports == [(118, 990)]

    calls.clear()
    r = run_blocks(lambda par, lo, hi: calls.append(hi) or hi, 0, 10_000, block=8,
                   min_block=8, parallel=False, decided=True, speedup=1,
                   stop=lambda: True)
    assert r.interrupted and not r.keyboard and r.done == 8 and calls == [8]


def test_block_driver_goes_parallel_only_when_it_pays():
    import time

    from foederis._blocks import DECIDE_SECONDS, run_blocks

    loaded = []

    def slow(par, lo, hi):  # ~DECIDE_SECONDS per block: decided after the first
        time.sleep(DECIDE_SECONDS)
        return hi

    r = run_blocks(slow, 0, 10**9, block=1, min_block=1, parallel=False, decided=False,
                   speedup=2, stop=lambda: True, on_parallel=lambda: loaded.append(1))
    assert r.parallel and loaded == [1]
    r = run_blocks(slow, 0, 2, block=1, min_block=1, parallel=False, decided=False,
                   speedup=2, on_parallel=lambda: loaded.append(2))
    assert not r.parallel and loaded == [1] and r.done == 2
