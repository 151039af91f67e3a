"""structural_balance: hand triads, the mixed-pair rule, a naive twin, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from foederis import World
from foederis.analysis import StructuralBalance, signed_graph, structural_balance
from foederis.errors import ParameterError, WorldError
from naive_analysis import load_contemporary, random_world, signed_edges, triangles


@pytest.fixture(scope="module")
def contemporary():
    return load_contemporary()


def make(pacts, levers, codes="ABCDE"):
    states = pd.DataFrame({"code": list(codes), "capability": 1.0})
    com = pd.DataFrame(pacts, columns=["guarantor", "protege"]).assign(kind="defense")
    riv = pd.DataFrame(levers, columns=["source", "target"]).assign(hostility=1.0)
    return World.from_frames(states, com, riv)


def test_hand_triads():
    # A-B +, B-C +, A-C -  -> ++- (unbalanced); C-D -, B-D -  -> B C D: + - - balanced
    # A-D ?  add A-D -  -> A B D: + - - balanced; A C D: - - - unbalanced (strong)
    w = make([("A", "B"), ("B", "C")], [("A", "C"), ("C", "D"), ("D", "B"), ("A", "D")])
    r = structural_balance(w)
    assert isinstance(r, StructuralBalance)
    assert r.counts.tolist() == [0, 1, 2, 1]  # +++, ++-, +--, ---
    assert (r.n_triangles, r.n_balanced) == (4, 2)
    assert r.share == 0.5
    df = r.to_frame()
    got = {(a, b, c, s) for a, b, c, s in zip(df.state_a, df.state_b, df.state_c, df.signs)}
    assert got == {("A", "B", "C", "++-"), ("A", "C", "D", "---")}
    weak = structural_balance(w, weak=True)
    assert weak.n_balanced == 3 and weak.to_frame().signs.tolist() == ["++-"]
    assert r.by_state().set_index("code")["unbalanced_triads"].to_dict() == {
        "A": 2, "C": 2, "B": 1, "D": 1}
    assert r.counts_frame()["balanced"].tolist() == [True, False, True, False]


def test_mixed_pair_rule():
    # A-B allied and levers; C allied with both
    w = make([("A", "B"), ("A", "C"), ("B", "C")], [("B", "A")])
    neg = structural_balance(w)  # rivalry wins: ++- unbalanced
    assert neg.n_mixed == 1 and neg.share == 0.0
    _, _, s, nm = signed_graph(w, mixed="positive")
    assert s.tolist() == [1, 1, 1] and nm == 1
    with pytest.raises(WorldError, match="no negative tie"):
        structural_balance(w, mixed="positive")
    w2 = make([("A", "B"), ("A", "C"), ("B", "C"), ("C", "D")], [("B", "A"), ("D", "A")])
    drop = structural_balance(w2, mixed="drop")  # A-B dropped; A C D: + + - left
    assert drop.n_triangles == 1 and drop.to_frame().signs.tolist() == ["++-"]
    with pytest.raises(ParameterError, match="mixed"):
        structural_balance(w, mixed="both")


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mixed", ["negative", "positive", "drop"])
def test_against_naive(seed, mixed):
    rng = np.random.default_rng(seed)
    w = random_world(rng, 14, 40, rivalries=18)
    edges = signed_edges(w, mixed=mixed)
    tri = triangles(w.n_states, edges)
    if not any(s < 0 for s in edges.values()) or not tri:
        pytest.skip("random world without negative ties or triangles")
    r = structural_balance(w, mixed=mixed)
    counts = np.bincount([neg for _, neg in tri], minlength=4)
    assert r.counts.tolist() == counts.tolist()
    unb = {t for t, neg in tri if neg in (1, 3)}
    assert {tuple(x) for x in r.unbalanced.tolist()} == unb
    assert r.share == pytest.approx(1 - len(unb) / len(tri))


def test_kinds_select_positive_ties():
    states = pd.DataFrame({"code": list("ABC"), "capability": 1.0})
    com = pd.DataFrame({"guarantor": ["A", "B"], "protege": ["B", "C"],
                        "kind": ["nonaggression", "defense"]})
    riv = pd.DataFrame({"source": ["A"], "target": ["C"], "hostility": [1.0]})
    w = World.from_frames(states, com, riv)
    with pytest.raises(WorldError, match="no triangle"):
        structural_balance(w)  # non-aggression is not an alliance by default
    r = structural_balance(w, kinds=["defense", "nonaggression"])
    assert r.n_triangles == 1 and r.share == 0.0
    with pytest.raises(ParameterError, match="kinds"):
        structural_balance(w, kinds=["friendship"])


def test_no_rivalries_is_a_clear_error():
    w = make([("A", "B"), ("B", "C"), ("A", "C")], [])
    with pytest.raises(WorldError, match="no rivalries"):
        structural_balance(w)
    with pytest.raises(ParameterError, match="world"):
        structural_balance(None)


def test_plot():
    Figure = pytest.importorskip("matplotlib.figure", reason="needs matplotlib").Figure

    w = make([("A", "B"), ("B", "C")], [("A", "C")])
    assert isinstance(structural_balance(w).plot(), Figure)


def test_contemporary(contemporary):
    r = structural_balance(contemporary)
    assert r.n_triangles > 1000
    assert 0.5 < r.share <= 1.0
    assert r.n_triangles == r.counts.sum()
    assert len(r.to_frame()) == r.n_triangles - r.n_balanced


def test_relabelling_states_changes_nothing():
    rng = np.random.default_rng(1)
    w = random_world(rng, 14, 40, rivalries=18)
    st = w.states_frame().iloc[::-1].reset_index(drop=True)
    r = World.from_frames(st, w.commitments_frame(), w.rivalries_frame())
    a, b = structural_balance(w), structural_balance(r)
    assert a.counts.tolist() == b.counts.tolist()
    ta = {frozenset(t) for t in a.to_frame()[["state_a", "state_b", "state_c"]].to_numpy().tolist()}
    tb = {frozenset(t) for t in b.to_frame()[["state_a", "state_b", "state_c"]].to_numpy().tolist()}
    assert ta == tb
