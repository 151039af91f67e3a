"""entrapment: a hand-computed case, exact agreement with a naive loop of foederis.cascade
and Cascade.why (binary-fraction weights, so any summation order is exact), the tables,
bad inputs (a world without rivalries: a clear error, not a NaN table). Also the ranked
table and plot of ThreatExposure (the threat / entrapment view)."""

from __future__ import annotations

import dataclasses
import importlib
import threading

import foederis
import numpy as np
import pandas as pd
import pytest
from foederis.analysis import Entrapment, entrapment
from foederis import Rules, cascade
from foederis.errors import FoederisError, Interrupted, ParameterError, UnknownStateError
from foederis.threat import threat_exposure
from foederis.world import World
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cascade import build, rules_st, world_arrays

EIGHTHS = [k / 8 for k in range(1, 9)]
# the module (foederis.analysis.entrapment is the function, as foederis.analysis.blocs is)
entrapment_module = importlib.import_module("foederis.analysis.entrapment")


# --------------------------------------------------------------------------------------
# the naive reference
# --------------------------------------------------------------------------------------
def naive_entrapment(world: World, wars, rules, domain="conventional") -> dict:
    """One foederis.cascade per war; drawn-in states and the pulling commitments from
    Cascade.why; weights summed in plain Python."""
    n = world.n_states
    others = [0.0] * n
    drawn = {"A": [0.0] * n, "D": [0.0] * n}
    count = [0] * n
    credit = [0.0] * world.n_commitments
    for a, t, w in wars:
        c = cascade(world, (a, t), rules, domain=domain)
        ai, ti = world.index(a), world.index(t)
        for i in range(n):
            if i not in (ai, ti):
                others[i] += w
        for code in c.joined():
            i = world.index(code)
            if i in (ai, ti):
                continue
            s = "A" if c.side[i] == 1 else "D"
            drawn[s][i] += w
            count[i] += 1
        for e in c.why["edge"]:
            if e >= 0:  # (-1: a rivalry press, not a commitment)
                credit[int(e)] += w
    return dict(others=others, drawn_a=drawn["A"], drawn_d=drawn["D"], n_drawn=count,
                edge_credit=credit)


def assert_matches(e: Entrapment, ref: dict) -> None:
    assert e.others.tolist() == ref["others"]
    assert e.drawn_a.tolist() == ref["drawn_a"]
    assert e.drawn_d.tolist() == ref["drawn_d"]
    assert e.n_drawn.tolist() == ref["n_drawn"]
    assert e.edge_credit.tolist() == ref["edge_credit"]
    others = np.array(ref["others"])
    with np.errstate(invalid="ignore", divide="ignore"):
        want = (np.array(ref["drawn_a"]) + np.array(ref["drawn_d"])) / others
    want[others == 0] = np.nan
    assert np.array_equal(e.entrapment, want, equal_nan=True)


@st.composite
def entrapment_questions(draw):
    arrays = draw(world_arrays(max_states=8, max_edges=30))
    n = len(arrays["codes"])
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                          max_size=12, unique=True))
    pairs = [(s, t) for s, t in pairs if s != t]
    hostility = draw(st.lists(st.sampled_from(EIGHTHS), min_size=len(pairs),
                              max_size=len(pairs)))
    if pairs:
        arrays["rivalry_source"] = np.array([p[0] for p in pairs])
        arrays["rivalry_target"] = np.array([p[1] for p in pairs])
        arrays["hostility"] = np.array(hostility)
    rules = draw(rules_st())
    domain = draw(st.sampled_from(["conventional"] * 3 + ["nuclear", "economic"]))
    weights = draw(st.sampled_from(["hostility", "uniform", "pairs"]))
    return arrays, rules, domain, weights


def wars_of(world: World, weights: str):
    codes = [str(c) for c in world.codes]
    if weights == "uniform":
        return [(a, t, 1.0) for a in codes for t in codes if a != t]
    f = world.rivalries_frame()
    return [(s, t, float(h)) for s, t, h in zip(f["source"], f["target"], f["hostility"])
            if h > 0]


# --------------------------------------------------------------------------------------
# a hand-computed case
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hand_world() -> World:
    """A guarantees B; D defends C; E has an OFFENSE pact with A. Wars (rivalries):
    C -> B (1/2), B -> C (1/4), A -> D (3/4).

    C -> B: A is pulled to B's side (round 1), then E follows A (round 2, OFFENSE); D does
        not defend C, the initiator, and its pact with C holds it back from B's side.
    B -> C: A does not defend B, the initiator; D defends C (round 1).
    A -> D: E joins A, the initiator, through OFFENSE (round 1).
    """
    states = pd.DataFrame({"code": list("ABCDE"), "capability": [1.0, 0.2, 0.5, 0.3, 0.1]})
    pacts = pd.DataFrame({"guarantor": ["A", "D", "E"], "protege": ["B", "C", "A"],
                          "kind": ["guarantee", "defense", "offense"],
                          "treaty": [None, "DC pact", "EA pact"]})
    rivals = pd.DataFrame({"source": ["C", "B", "A"], "target": ["B", "C", "D"],
                           "hostility": [0.5, 0.25, 0.75]})
    return World.from_frames(states, pacts, rivals)


def test_hand_computed_case(hand_world):
    e = entrapment(hand_world)
    assert isinstance(e, Entrapment) and e.weights == "hostility"
    assert e.n_wars == 3 and e.total_weight == 1.5
    # others' wars: A is party to A -> D; B and C to the first two; D to A -> D; E to none
    assert e.others.tolist() == [0.75, 0.75, 0.75, 0.75, 1.5]
    assert e.drawn_a.tolist() == [0, 0, 0, 0, 0.75]
    assert e.drawn_d.tolist() == [0.5, 0, 0, 0.25, 0.5]
    assert e.n_drawn.tolist() == [1, 0, 0, 1, 2]
    np.testing.assert_array_equal(e.entrapment, [2 / 3, 0, 0, 1 / 3, 5 / 6])
    np.testing.assert_array_equal(e.side_a, [0, 0, 0, 0, 0.5])
    np.testing.assert_array_equal(e.side_d, [2 / 3, 0, 0, 1 / 3, 1 / 3])
    df = e.to_frame()
    assert list(df.columns) == ["code", "name", "entrapment", "side_a", "side_d", "drawn",
                                "others", "wars_drawn", "protege", "kind", "treaty",
                                "pulled_share", "rank"]
    assert df["code"].tolist() == ["E", "A", "D", "B", "C"]
    assert df["rank"].tolist() == [1, 2, 3, 4, 5]
    top = df.set_index("code")
    assert top.loc["E", ["protege", "kind", "treaty", "pulled_share"]].tolist() == \
        ["A", "OFFENSE", "EA pact", 1.0]
    assert top.loc["A", ["protege", "kind"]].tolist() == ["B", "GUARANTEE"]
    assert pd.isna(top.loc["A", "treaty"])
    assert top.loc["D", ["protege", "kind"]].tolist() == ["C", "DEFENSE"]
    assert pd.isna(top.loc["B", "protege"]) and np.isnan(top.loc["B", "pulled_share"])
    r = e.responsible_frame()
    assert r[["guarantor", "protege", "kind", "credit", "pulled_share", "rank"]].values.tolist() \
        == [["E", "A", "OFFENSE", 1.25, 1.0, 1], ["A", "B", "GUARANTEE", 0.5, 1.0, 1],
            ["D", "C", "DEFENSE", 0.25, 1.0, 1]]
    # the same wars as a pair list, and uniform weights against the naive loop
    pairs = [("C", "B", 0.5), ("B", "C", 0.25), ("A", "D", 0.75)]
    e2 = entrapment(hand_world, weights=pairs)
    assert e2.weights == "pairs"
    assert e2.entrapment.tolist() == e.entrapment.tolist()
    assert e2.edge_credit.tolist() == e.edge_credit.tolist()
    frame = pd.DataFrame(pairs, columns=["aggressor", "target", "weight"])
    assert entrapment(hand_world, weights=frame).drawn.tolist() == e.drawn.tolist()
    u = entrapment(hand_world, weights="uniform")
    assert u.n_wars == 20
    assert_matches(u, naive_entrapment(hand_world, wars_of(hand_world, "uniform"), Rules()))


def test_repr_summary_plot(hand_world):
    Figure = pytest.importorskip("matplotlib.figure", reason="needs matplotlib").Figure

    e = entrapment(hand_world)
    assert "most entrapped E" in repr(e)
    s = e.summary()
    assert "3 wars" in s and "offense to A (EA pact)" in s
    assert isinstance(e.plot(), Figure)
    fig = Figure()
    assert e.plot(fig.add_subplot(), top=2) is fig
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.top = 1
    assert not e.entrapment.flags.writeable and not e.edge_credit.flags.writeable
    assert len(e.responsible_frame(top=5)) == 3


# --------------------------------------------------------------------------------------
# against the naive loop
# --------------------------------------------------------------------------------------
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entrapment_questions())
def test_matches_naive_loop(q):
    arrays, rules, domain, weights = q
    w = build(arrays)
    if weights == "pairs":
        wars = wars_of(w, "uniform")[::3]
        given_weights = [(a, t, EIGHTHS[k % 8]) for k, (a, t, _) in enumerate(wars)]
        wars = given_weights
    else:
        wars = wars_of(w, weights)
        given_weights = weights
    if not wars:
        with pytest.raises(ParameterError, match="weights"):
            entrapment(w, rules, given_weights, domain=domain)
        return
    e = entrapment(w, rules, given_weights, domain=domain)
    assert_matches(e, naive_entrapment(w, wars, rules, domain))
    e2 = entrapment(w, rules, given_weights, domain=domain, parallel=False)
    assert e2.edge_credit.tolist() == e.edge_credit.tolist()


def test_contemporary(hand_world):
    w = foederis.load_world("contemporary")
    e = entrapment(w)
    assert e.n_wars == w.n_rivalries
    df = e.to_frame()
    assert len(df) == w.n_states and df["rank"].tolist() == list(range(1, w.n_states + 1))
    assert df["entrapment"].between(0, 1).all()
    assert df["entrapment"].is_monotonic_decreasing
    assert "USA" in df["code"].head(10).tolist()
    np.testing.assert_allclose(df["side_a"] + df["side_d"], df["entrapment"])
    # the responsible commitments are the guarantor's own commitments
    r = e.responsible_frame(top=2)
    cf = w.commitments_frame()
    keys = set(zip(cf["guarantor"], cf["protege"], cf["kind"]))
    assert all(k in keys for k in zip(r["guarantor"], r["protege"], r["kind"]))
    assert r.groupby("guarantor").size().max() <= 2
    # progress, stop
    seen = []
    entrapment(w, weights="uniform", progress=lambda d, t: seen.append(d), parallel=False)
    assert seen[-1] == w.n_states * (w.n_states - 1)
    ev = threading.Event()
    with pytest.raises(Interrupted, match="biased"):
        entrapment(w, weights="uniform", progress=lambda d, t: ev.set(), stop=ev,
                   parallel=False)


# --------------------------------------------------------------------------------------
# bad inputs
# --------------------------------------------------------------------------------------
def test_no_rivalries_is_a_clear_error():
    w = World.from_arrays(["A", "B", "C"], [1.0, 0.5, 0.2], guarantor=[0], protege=[1],
                          kind=["defense"])
    with pytest.raises(ParameterError) as info:
        entrapment(w)
    msg = str(info.value)
    assert "no rivalries" in msg and "weights='uniform'" in msg and "rivalries" in msg
    zero = World.from_arrays(["A", "B"], [1.0, 1.0], rivalry_source=[0], rivalry_target=[1],
                             hostility=[0.0])
    with pytest.raises(ParameterError, match="hostility 0"):
        entrapment(zero)
    e = entrapment(w, weights="uniform")
    assert not np.isnan(e.entrapment).any()


@pytest.mark.parametrize("weights,exc,words", [
    ("rivalry", ParameterError, ["weights must be one of", "'hostility'"]),
    ([], ParameterError, ["empty"]),
    ([("A", "Q")], UnknownStateError, ["pair 0", "'Q'"]),
    ([("A", 9)], UnknownStateError, ["pair 0", "9"]),
    ([("A", "B", -1.0)], ParameterError, ["weight", "-1.0"]),
    ([("A", "B", float("nan"))], ParameterError, ["weight"]),
    ([("A", "A")], ParameterError, ["no war left"]),
    (["A-B"], ParameterError, ["'A-B'"]),
    ([("A",)], ParameterError, ["pair 0"]),
    (42, ParameterError, ["weights"]),
    (pd.DataFrame({"from": ["A"], "to": ["B"]}), ParameterError, ["aggressor"]),
])
def test_bad_weights(weights, exc, words):
    w = World.from_arrays(["A", "B", "C"], [1.0, 0.5, 0.2], guarantor=[0], protege=[1],
                          kind=["defense"], rivalry_source=[2], rivalry_target=[1],
                          hostility=[0.5])
    with pytest.raises(exc) as info:
        entrapment(w, weights=weights)
    assert isinstance(info.value, FoederisError)
    for word in words:
        assert word in str(info.value)


def test_bad_parameters(monkeypatch):
    w = World.from_arrays(["A", "B", "C"], [1.0, 0.5, 0.2], rivalry_source=[2],
                          rivalry_target=[1], hostility=[0.5])
    for kw, word in ((dict(top=0), "top"), (dict(domain="sea"), "domain"),
                     (dict(rules="x"), "rules"), (dict(stop=1), "stop"),
                     (dict(progress="x"), "progress"), (dict(parallel=1), "parallel")):
        with pytest.raises(ParameterError, match=word):
            entrapment(w, **kw)
    with pytest.raises(ParameterError, match="World"):
        entrapment(None)
    with pytest.raises(ParameterError, match="a war needs two"):
        entrapment(World.from_arrays(["A"], [1.0]), weights="uniform")
    monkeypatch.setattr(entrapment_module, "MAX_WARS", 5)
    with pytest.raises(ParameterError, match="MAX_WARS"):
        entrapment(w, weights="uniform")


def test_inputs_are_not_mutated(hand_world):
    pairs = [("C", "B", 0.5), ("B", "C", 0.25)]
    copy = list(pairs)
    frame = pd.DataFrame(pairs, columns=["aggressor", "target", "weight"])
    frame_copy = frame.copy()
    entrapment(hand_world, weights=pairs)
    entrapment(hand_world, weights=frame)
    assert pairs == copy
    pd.testing.assert_frame_equal(frame, frame_copy)


# --------------------------------------------------------------------------------------
# threat exposure, ranked
# --------------------------------------------------------------------------------------
def test_threat_exposure_ranked_table_and_plot():
    Figure = pytest.importorskip("matplotlib.figure", reason="needs matplotlib").Figure

    w = foederis.load_world("contemporary")
    te = threat_exposure(w, 0.01)
    plain = te.to_frame()
    assert list(plain.columns) == ["name", "own", "imported", "exposure"]  # unchanged
    df = te.to_frame(ranked=True)
    assert list(df.columns) == ["code", "name", "own", "imported", "exposure", "rank"]
    assert len(df) == w.n_states and df["rank"].tolist() == list(range(1, w.n_states + 1))
    assert df["exposure"].is_monotonic_decreasing
    np.testing.assert_array_equal(df["imported"], df["exposure"] - df["own"])
    first = df.iloc[0]
    i = int(np.argmax(te.exposure))
    assert first["code"] == w.codes[i] and first["exposure"] == te.exposure[i]
    assert first["own"] == te.own[i]
    assert len(te.to_frame(ranked=True, top=5)) == 5
    small = World.from_arrays(["A", "B", "C"], [1.0, 1.0, 1.0], guarantor=[0], protege=[1],
                              kind=["defense"], rivalry_source=[2], rivalry_target=[1],
                              hostility=[0.5])
    t = threat_exposure(small, beta=0.5).to_frame(ranked=True)
    assert t["code"].tolist() == ["B", "A", "C"]  # 0.5, then 0.25 imported, then 0
    assert t[["own", "imported", "exposure"]].values.tolist() == [[0.5, 0, 0.5],
                                                                 [0, 0.25, 0.25], [0, 0, 0]]
    assert isinstance(te.plot(), Figure)
    fig = Figure()
    assert te.plot(fig.add_subplot(), top=5) is fig
    with pytest.raises(ParameterError, match="top"):
        te.plot(top=0)


def test_snyder_sense_hand_world():
    # A and D guarantee B; C is B's rival and D's rival. In the war C -> B both A and D
    # are drawn in against C; D has a rivalry with C (its own quarrel), A has none: only A
    # is entrapped in Snyder's sense. Exposure counts both.
    w = World.from_arrays(["A", "B", "C", "D"], [1.0, 0.2, 0.5, 1.0], guarantor=[0, 3],
                          protege=[1, 1], kind=["guarantee", "guarantee"],
                          rivalry_source=[2, 3], rivalry_target=[1, 2], hostility=[1.0, 0.5])
    e = entrapment(w, weights=[("C", "B")], sense="snyder")
    assert e.n_wars == 1
    np.testing.assert_allclose(e.entrapment, [1.0, np.nan, np.nan, 1.0])
    np.testing.assert_allclose(e.drawn_snyder, [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(e.snyder, [1.0, np.nan, np.nan, 0.0])
    assert entrapment(w).snyder is None
    with pytest.raises(ParameterError, match="sense"):
        entrapment(w, sense="glory")
