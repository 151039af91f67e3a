"""deterrence_map: exact agreement with a loop of foederis.cascade over the pairs (random
worlds, exact binary fractions), the Monte Carlo cells against foederis.simulate, serial
vs parallel vs thread counts vs NUMBA_DISABLE_JIT, progress and stop, the result's
tables and plot, and bad inputs."""

from __future__ import annotations

import dataclasses
import math
import os
import subprocess
import sys
import threading
from pathlib import Path

import foederis
import foederis.analysis
import numpy as np
import pandas as pd
import pytest
from foederis.analysis import DeterrenceMap, deterrence_map
from foederis.analysis import deterrence as deterrence_module
from foederis import cascade
from foederis.errors import FoederisError, Interrupted, ParameterError, UnknownStateError
from foederis import simulate
from foederis.world import World
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cascade import build, rules_st, world_arrays

MATRICES = ("balance", "deterred", "umbrella", "war_size", "n_rounds", "capability_a",
            "capability_d")


# --------------------------------------------------------------------------------------
# the naive reference: one foederis.cascade per pair
# --------------------------------------------------------------------------------------
def naive_map(world: World, aggressors, targets, rules, domain="conventional") -> dict:
    R, C = len(aggressors), len(targets)
    out = {
        "computed": np.zeros((R, C), bool),
        "balance": np.full((R, C), np.nan),
        "deterred": np.zeros((R, C), bool),
        "umbrella": np.zeros((R, C), bool),
        "war_size": np.zeros((R, C), np.int64),
        "n_rounds": np.full((R, C), -1, np.int32),
        "capability_a": np.full((R, C), np.nan),
        "capability_d": np.full((R, C), np.nan),
    }
    for r, a in enumerate(aggressors):
        for c, t in enumerate(targets):
            if a == t:
                continue
            res = cascade(world, (a, t), rules, domain=domain)
            out["computed"][r, c] = True
            out["balance"][r, c] = res.balance
            out["deterred"][r, c] = res.deterred
            out["umbrella"][r, c] = res.umbrella
            out["war_size"][r, c] = int(np.count_nonzero(res.side))
            out["n_rounds"][r, c] = res.n_rounds
            out["capability_a"][r, c] = res.capability_a
            out["capability_d"][r, c] = res.capability_d
    return out


def assert_map_equals(dm: DeterrenceMap, ref: dict) -> None:
    assert np.array_equal(dm.computed, ref["computed"])
    for name in MATRICES:
        got, want = getattr(dm, name), ref[name]
        assert got.dtype == want.dtype, name
        assert np.array_equal(got, want, equal_nan=got.dtype.kind == "f"), name


def assert_same_maps(a: DeterrenceMap, b: DeterrenceMap) -> None:
    assert np.array_equal(a.computed, b.computed)
    for name in MATRICES + ("p_deterred", "mean_war_size"):
        x, y = getattr(a, name), getattr(b, name)
        if x is None:
            assert y is None
            continue
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), name


@st.composite
def map_questions(draw, **kw):
    arrays = draw(world_arrays(**kw))
    n = len(arrays["codes"])
    codes = arrays["codes"]
    pick = st.lists(st.sampled_from(codes), min_size=1, max_size=n, unique=True)
    aggressors = draw(st.one_of(st.none(), pick))
    targets = draw(st.one_of(st.none(), pick))
    rules = draw(rules_st())
    domain = draw(st.sampled_from(["conventional"] * 4 + ["nuclear", "cyber", "economic"]))
    return arrays, aggressors, targets, rules, domain


def random_world(n: int = 60, m: int = 400, seed: int = 4, levels=None) -> World:
    rng = np.random.default_rng(seed)
    g, p = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = g != p
    k = int(keep.sum())
    cred = rng.random(k) if levels is None else rng.choice(levels, k)
    return World.from_arrays(
        [f"S{i}" for i in range(n)], rng.random(n), g[keep], p[keep],
        rng.integers(0, 6, m).astype(np.uint8)[keep], credibility=cred, merge="max",
        domains=rng.integers(1, 4, k), nuclear=rng.random(n) < 0.2,
        region=rng.choice(["E", "A", "F", ""], n), global_reach=rng.random(n) < 0.1,
        rivalry_source=np.arange(n - 1), rivalry_target=np.arange(1, n),
        hostility=rng.random(n - 1),
    )


@pytest.fixture(scope="module")
def contemporary():
    return foederis.load_world("contemporary")


# --------------------------------------------------------------------------------------
# against the naive loop
# --------------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(map_questions())
def test_matches_a_loop_of_cascades(q):
    arrays, aggressors, targets, rules, domain = q
    w = build(arrays)
    agg = list(w.codes) if aggressors is None else aggressors
    tgt = list(w.codes) if targets is None else targets
    if len(agg) == 1 and agg == tgt:
        with pytest.raises(ParameterError, match="no pair"):
            deterrence_map(w, aggressors, targets, rules, domain=domain)
        return
    dm = deterrence_map(w, aggressors, targets, rules, domain=domain, parallel=False)
    assert dm.aggressors.tolist() == agg and dm.targets.tolist() == tgt
    assert_map_equals(dm, naive_map(w, agg, tgt, rules, domain))
    assert dm.n_pairs == int(dm.computed.sum())
    assert dm.p_deterred is None and dm.mean_war_size is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(map_questions(max_states=12, max_edges=70))
def test_denser_worlds_in_parallel(q):
    arrays, aggressors, targets, rules, domain = q
    w = build(arrays)
    agg = list(w.codes) if aggressors is None else aggressors
    tgt = list(w.codes) if targets is None else targets
    if len(agg) == 1 and agg == tgt:
        return
    dm = deterrence_map(w, aggressors, targets, rules, domain=domain, parallel=True)
    assert_map_equals(dm, naive_map(w, agg, tgt, rules, domain))


def test_contemporary_cells_are_cascades(contemporary):
    w = contemporary
    dm = deterrence_map(w)
    assert dm.shape == (w.n_states, w.n_states)
    assert dm.n_pairs == w.n_states * (w.n_states - 1)
    assert not dm.computed.diagonal().any() and np.isnan(dm.balance.diagonal()).all()
    rng = np.random.default_rng(11)
    picks = [("RUS", "EST"), ("CHN", "TAW"), ("PRK", "ROK"), ("USA", "CUB")]
    picks += [tuple(w.codes[rng.choice(w.n_states, 2, replace=False)]) for _ in range(60)]
    for a, t in picks:
        c = cascade(w, (a, t))
        cell = dm[a, t]
        assert cell["balance"] == c.balance
        assert cell["deterred"] == c.deterred and cell["umbrella"] == c.umbrella
        assert cell["war_size"] == len(c.joined()) and cell["n_rounds"] == c.n_rounds
        assert (cell["capability_a"], cell["capability_d"]) == (c.capability_a, c.capability_d)
    assert dm["RUS", "EST"]["deterred"]
    # a sub-map is the same cells
    sub = deterrence_map(w, ["RUS", "CHN", "USA"], ["EST", "TAW", "RUS"])
    full = dm.matrix("balance").loc[["RUS", "CHN", "USA"], ["EST", "TAW", "RUS"]]
    pd.testing.assert_frame_equal(sub.matrix("balance"), full)


# --------------------------------------------------------------------------------------
# Monte Carlo cells are foederis.simulate
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["threshold", "any"])
def test_sampled_cells_equal_simulate(mode):
    w = random_world(n=30, m=180, seed=7, levels=[0.25, 0.5, 0.75, 1.0])
    agg = ["S0", "S3", "S5", "S11"]
    tgt = ["S1", "S3", "S8", "S20", "S29"]
    k, seed = 131, 2**63 + 17  # crosses words of 64 samples; a seed above 2**63
    dm = deterrence_map(w, agg, tgt, samples=k, seed=seed, mode=mode)
    assert dm.samples == k and dm.seed == seed and dm.mode == mode
    for a in agg:
        for t in tgt:
            if a == t:
                assert math.isnan(dm[a, t]["p_deterred"])
                continue
            e = simulate(w, (a, t), samples=k, seed=seed, mode=mode)
            assert dm[a, t]["p_deterred"] == e.p_deterred
            assert dm[a, t]["mean_war_size"] == e.war_size.mean()
    # the deterministic matrices are there too, and unchanged by sampling
    assert_same_maps(deterrence_map(w, agg, tgt),
                     dataclasses.replace(dm, p_deterred=None, mean_war_size=None))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(map_questions(max_states=7, max_edges=20), st.sampled_from(["threshold", "any"]),
       st.integers(1, 70), st.integers(0, 2**64 - 1))
def test_sampled_cells_equal_simulate_random(q, mode, k, seed):
    arrays, aggressors, targets, rules, domain = q
    w = build(arrays)
    agg = list(w.codes) if aggressors is None else aggressors
    tgt = list(w.codes) if targets is None else targets
    if len(agg) == 1 and agg == tgt:
        return
    dm = deterrence_map(w, agg, tgt, rules, samples=k, seed=seed, mode=mode, domain=domain)
    for a in agg[:3]:
        for t in tgt[:3]:
            if a != t:
                e = simulate(w, (a, t), rules, samples=k, seed=seed, mode=mode, domain=domain)
                assert dm[a, t]["p_deterred"] == e.p_deterred
                assert dm[a, t]["mean_war_size"] == e.war_size.mean()


# --------------------------------------------------------------------------------------
# how it runs does not change what it computes
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("samples,mode", [(None, "threshold"), (40, "threshold"), (100, "any")])
def test_serial_and_parallel_agree(samples, mode):
    w = random_world(n=120, m=900, seed=3)
    agg = [f"S{i}" for i in range(0, 120, 3)]
    a = deterrence_map(w, agg, None, samples=samples, seed=5, mode=mode, parallel=False)
    b = deterrence_map(w, agg, None, samples=samples, seed=5, mode=mode, parallel=True)
    c = deterrence_map(w, agg, None, samples=samples, seed=5, mode=mode)
    assert not a.parallel and b.parallel
    assert_same_maps(a, b)
    assert_same_maps(a, c)


SCRIPT = r"""
import hashlib, sys
import numpy as np, numba
from foederis.world import World
from foederis.analysis import deterrence_map, entrapment

rng = np.random.default_rng(5)
n, m = 14, 70
g, p = rng.integers(0, n, m), rng.integers(0, n, m)
keep = g != p
k = int(keep.sum())
w = World.from_arrays([f"S{i}" for i in range(n)], rng.random(n), g[keep], p[keep],
    rng.integers(0, 6, m).astype(np.uint8)[keep], credibility=rng.random(k), merge="max",
    domains=rng.integers(1, 4, k), nuclear=rng.random(n) < 0.3,
    region=rng.choice(["E", "A", ""], n), global_reach=rng.random(n) < 0.2,
    rivalry_source=np.arange(n - 1), rivalry_target=np.arange(1, n), hostility=rng.random(n - 1))
h = hashlib.sha256()
def put(*arrays):
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
for samples, mode in ((None, "threshold"), (70, "threshold"), (70, "any")):
    for par in (False, True):
        dm = deterrence_map(w, samples=samples, seed=9, mode=mode, parallel=par)
        put(dm.balance, dm.deterred, dm.umbrella, dm.war_size, dm.n_rounds, dm.capability_a,
            dm.capability_d)
        if samples:
            put(dm.p_deterred, dm.mean_war_size)
for weights in ("hostility", "uniform"):
    for par in (False, True):
        e = entrapment(w, weights=weights, parallel=par)
        put(e.others, e.drawn_a, e.drawn_d, e.n_drawn, e.edge_credit)
print(bool(numba.config.DISABLE_JIT), numba.get_num_threads(), h.hexdigest())
"""


def _run(env_extra: dict) -> list[str]:
    engine = str(Path(foederis.__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(env_extra)
    env["PYTHONPATH"] = engine + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", SCRIPT], env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.split()


def test_thread_counts_and_disable_jit_agree():
    one = _run({"NUMBA_NUM_THREADS": "1"})
    two = _run({"NUMBA_NUM_THREADS": "2"})
    nojit = _run({"NUMBA_DISABLE_JIT": "1"})
    assert one[:2] == ["False", "1"] and two[:2] == ["False", "2"] and nojit[0] == "True"
    assert one[2] == two[2] == nojit[2]


# --------------------------------------------------------------------------------------
# progress, stop
# --------------------------------------------------------------------------------------
def test_progress_and_stop(contemporary):
    w = contemporary
    seen = []
    dm = deterrence_map(w, progress=lambda d, t: seen.append((d, t)), parallel=False)
    total = w.n_states * (w.n_states - 1)
    assert seen[-1] == (total, total) and len(seen) >= 2
    assert all(a[0] < b[0] for a, b in zip(seen, seen[1:]))
    assert not dm.interrupted

    ev = threading.Event()
    dm = deterrence_map(w, progress=lambda d, t: ev.set(), stop=ev, parallel=False)
    assert dm.interrupted and 0 < dm.n_pairs < total
    assert dm.n_pairs == int(dm.computed.sum())
    assert len(dm.to_frame()) == dm.n_pairs
    assert "interrupted" in dm.summary()
    done = dm.to_frame()
    full = deterrence_map(w).to_frame().iloc[: len(done)]
    pd.testing.assert_frame_equal(done, full)
    dm = deterrence_map(w, ["RUS"], ["EST", "LAT"], stop=lambda: True)  # one block: all done
    assert not dm.interrupted


def test_ctrl_c_keeps_the_pairs_done(contemporary):
    def ctrl_c(done, total):
        raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="partial") as info:
        deterrence_map(contemporary, progress=ctrl_c, parallel=False)
    part = info.value.partial
    assert isinstance(part, DeterrenceMap) and part.interrupted
    assert 0 < part.n_pairs < 195 * 194 and part.n_pairs == int(part.computed.sum())
    with pytest.raises(Interrupted, match="interrupted after"):
        foederis.analysis.entrapment(contemporary, weights="uniform", progress=ctrl_c,
                                     parallel=False)


def test_warmup():
    times = foederis.warmup(parallel=False, analyses=True)
    assert "deterrence and entrapment sweeps" in times


# --------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------
def test_result_tables(contemporary):
    w = contemporary
    agg = ["RUS", "CHN", "USA", "PRK"]
    tgt = ["EST", "TAW", "RUS", "JPN", "UKR"]
    dm = deterrence_map(w, agg, tgt, samples=64, seed=1)
    assert isinstance(dm, DeterrenceMap) and dm.shape == (4, 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        dm.balance = None
    for name in MATRICES + ("computed", "p_deterred", "mean_war_size"):
        assert not getattr(dm, name).flags.writeable, name
    df = dm.to_frame()
    assert list(df.columns) == ["aggressor", "target", *MATRICES, "p_deterred",
                                "mean_war_size"]
    assert len(df) == 19 and not ((df.aggressor == "RUS") & (df.target == "RUS")).any()
    m = dm.matrix("balance")
    assert m.index.name == "aggressor" and m.columns.name == "target"
    assert m.index.tolist() == agg and m.columns.tolist() == tgt
    assert math.isnan(m.loc["RUS", "RUS"])
    assert m.loc["CHN", "TAW"] == dm["CHN", "TAW"]["balance"]
    d = dm.matrix("deterred")
    assert str(d.dtypes.iloc[0]) == "boolean" and pd.isna(d.loc["RUS", "RUS"])
    assert str(dm.matrix("war_size").dtypes.iloc[0]) == "Int64"
    assert dm.matrix("p_deterred").shape == (4, 5)
    low = dm.least_deterred(3)
    assert len(low) == 3 and low["p_deterred"].is_monotonic_increasing
    assert "deterred" in dm.summary() and "Monte Carlo" in dm.summary()
    assert "DeterrenceMap 4 x 5" in repr(dm)
    assert 0 <= dm.share_deterred <= 1
    plain = deterrence_map(w, agg, tgt)
    assert "p_deterred" not in plain.to_frame().columns
    with pytest.raises(ParameterError, match="samples"):
        plain.matrix("p_deterred")
    with pytest.raises(ParameterError, match="value must be one of"):
        plain.matrix("nope")
    with pytest.raises(UnknownStateError, match="FRN"):
        plain["FRN", "EST"]


def test_order_by(contemporary):
    w = contemporary
    codes = ["USA", "RUS", "EST", "CHN", "JPN", "FRN", "TAW", "BRA"]
    dm = deterrence_map(w, codes, codes)
    cap = dm.order_by("capability")
    capv = w.capability[w.indices_of(cap.aggressors)]
    assert np.all(np.diff(capv) <= 0)
    assert cap.aggressors.tolist() == cap.targets.tolist()
    assert dm.order_by("code").aggressors.tolist() == sorted(codes)
    reg = dm.order_by("region")
    regions = w.region[w.indices_of(reg.aggressors)].tolist()
    assert regions == sorted(regions, key=lambda r: (r == "", r))
    bloc = dm.order_by("bloc")
    assert sorted(bloc.aggressors.tolist()) == sorted(codes)
    assert dm.order_by("input").aggressors.tolist() == codes
    # the cells move with their codes
    for o in (cap, reg, bloc):
        for a in ("USA", "EST"):
            for t in ("RUS", "CHN"):
                assert o[a, t] == dm[a, t]
    with pytest.raises(ParameterError, match="order must be one of"):
        dm.order_by("size")


def test_plot(contemporary):
    Figure = pytest.importorskip("matplotlib.figure", reason="needs matplotlib").Figure

    w = contemporary
    dm = deterrence_map(w, ["RUS", "CHN", "USA", "EST"], None, samples=8)
    fig = dm.plot()
    assert isinstance(fig, Figure)
    assert isinstance(dm.plot(value="p_deterred", order="capability"), Figure)
    fig2 = Figure()
    ax = fig2.add_subplot()
    assert dm.plot(ax, value="war_size", order="input") is fig2
    with pytest.raises(ParameterError):
        dm.plot(value="nope")


# --------------------------------------------------------------------------------------
# bad inputs
# --------------------------------------------------------------------------------------
def test_aggressor_equal_target_is_skipped():
    w = World.from_arrays(["A", "B", "C"], [0.3, 0.01, 0.5], guarantor=[2], protege=[1],
                          kind=["defense"])
    dm = deterrence_map(w, ["A", "B"], ["A", "B", "C"])
    assert dm.computed.tolist() == [[False, True, True], [True, False, True]]
    assert dm.n_pairs == 4 and len(dm.to_frame()) == 4
    assert dm.war_size[0, 0] == 0 and dm.n_rounds[0, 0] == -1
    assert dm["A", "B"]["war_size"] == 3  # C defends B
    assert deterrence_map(w, "A,B", "C").shape == (2, 1)
    assert deterrence_map(w, [0, 1], [2]).aggressors.tolist() == ["A", "B"]
    assert deterrence_map(w, ["A", "A", "B"], "C").shape == (2, 1)  # duplicates dropped


@pytest.mark.parametrize("kwargs,exc,words", [
    (dict(aggressors=["XYZ"]), UnknownStateError, ["aggressors", "XYZ"]),
    (dict(targets=["A", "QQ"]), UnknownStateError, ["targets", "QQ"]),
    (dict(targets=[7]), UnknownStateError, ["targets", "7", "0..2"]),
    (dict(aggressors=[]), ParameterError, ["aggressors is empty"]),
    (dict(targets=""), ParameterError, ["targets is empty"]),
    (dict(aggressors=["A"], targets=["A"]), ParameterError, ["no pair", "'A'"]),
    (dict(aggressors=[1.5]), ParameterError, ["aggressors", "1.5"]),
    (dict(aggressors=3.5), ParameterError, ["aggressors"]),
    (dict(samples=0), ParameterError, ["samples"]),
    (dict(samples=2.5), ParameterError, ["samples"]),
    (dict(samples=10, mode="all"), ParameterError, ["mode"]),
    (dict(seed=-1), ParameterError, ["seed"]),
    (dict(domain="land"), ParameterError, ["domain"]),
    (dict(rules={"bogus": 1}), ParameterError, ["rules"]),
    (dict(rules="strict"), ParameterError, ["rules"]),
    (dict(progress=3), ParameterError, ["progress"]),
    (dict(stop=3), ParameterError, ["stop"]),
    (dict(parallel="yes"), ParameterError, ["parallel"]),
])
def test_bad_inputs(kwargs, exc, words):
    w = World.from_arrays(["A", "B", "C"], [0.3, 0.01, 0.5], guarantor=[2], protege=[1],
                          kind=["defense"])
    with pytest.raises(exc) as info:
        deterrence_map(w, **kwargs)
    assert isinstance(info.value, FoederisError)
    for word in words:
        assert word in str(info.value)


def test_too_many_pairs_and_not_a_world(monkeypatch):
    w = World.from_arrays(["A", "B", "C"], [0.3, 0.01, 0.5])
    monkeypatch.setattr(deterrence_module, "MAX_PAIRS", 4)
    with pytest.raises(ParameterError, match="MAX_PAIRS"):
        deterrence_map(w)
    with pytest.raises(ParameterError, match="World"):
        deterrence_map("contemporary")


def test_inputs_are_not_mutated():
    w = World.from_arrays(["A", "B", "C"], [0.3, 0.01, 0.5], guarantor=[2], protege=[1],
                          kind=["defense"])
    agg = ["A", "B"]
    tgt = np.array([1, 2])
    before = (list(agg), tgt.copy(), w.capability.copy())
    deterrence_map(w, agg, tgt)
    assert agg == before[0] and np.array_equal(tgt, before[1])
    assert np.array_equal(w.capability, before[2])


def test_isolated_and_empty_worlds():
    w = World.from_arrays(["A", "B"], [0.0, 0.0])
    dm = deterrence_map(w)
    assert dm.n_pairs == 2 and np.isnan(dm.balance[0, 1]) and not dm.deterred[0, 1]
    assert dm.war_size[0, 1] == 2 and dm.n_rounds[0, 1] == 0
    one = World.from_arrays(["A"], [1.0])
    with pytest.raises(ParameterError, match="no pair"):
        deterrence_map(one)
