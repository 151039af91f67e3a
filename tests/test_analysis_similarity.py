"""portfolio_similarity: hand-computed S and tau-b, a naive O(n^3) twin, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from foederis import World
from foederis.analysis import PortfolioSimilarity, portfolio_similarity
from foederis.analysis import tie_levels as fast_tie_levels
from foederis.errors import ParameterError, UnknownStateError, WorldError
from naive_analysis import (chance_corrected, load_contemporary, random_world, s_score, shared,
                            tau_b, tie_levels)


@pytest.fixture(scope="module")
def contemporary():
    return load_contemporary()


@pytest.fixture
def chain():
    # A -> B defense (3), B -> C neutrality (2), C -> D entente/consultation (1)
    # rows: A [3 3 0 0], B [3 3 2 0], C [0 2 3 1], D [0 0 1 3]
    states = pd.DataFrame({"code": list("ABCD"), "capability": [4.0, 2.0, 1.0, 1.0]})
    com = pd.DataFrame({"guarantor": ["A", "B", "C"], "protege": ["B", "C", "D"],
                        "kind": ["defense", "neutrality", "entente"]})
    return World.from_frames(states, com)


def as_dict(r):
    return {(a, b): v for a, b, v in zip(r.to_frame()["state_a"], r.to_frame()["state_b"],
                                          r.value)}


def test_tie_levels_symmetric_max(chain):
    X = fast_tie_levels(chain).toarray()
    np.testing.assert_array_equal(X, [[3, 3, 0, 0], [3, 3, 2, 0], [0, 2, 3, 1], [0, 0, 1, 3]])
    # a pair with two kinds keeps the higher level, in either direction
    w = chain.with_commitment("B", "A", "nonaggression").with_commitment("D", "C",
                                                                          "nonaggression")
    X = fast_tie_levels(w).toarray()
    assert X[0, 1] == X[1, 0] == 3 and X[2, 3] == X[3, 2] == 2


def test_ordinal_coding_of_eugene_and_atop():
    # Signorino and Ritter (1999, Table 6), EUGene, ATOP-based S: defence 3, neutrality
    # and non-aggression 2, consultation (entente) 1, none 0; offence counts as defence
    from foederis._constants import KINDS
    level = {k.name: k.ordinal for k in KINDS}
    assert level == {"DEFENSE": 3, "GUARANTEE": 3, "OFFENSE": 3, "NEUTRALITY": 2,
                     "NONAGGRESSION": 2, "ENTENTE": 1}


def test_s_hand_values(chain):
    r = portfolio_similarity(chain)
    assert isinstance(r, PortfolioSimilarity)
    d = as_dict(r)
    # S = 1 - 2 * sum_k |dx|/3 / 4
    assert d == pytest.approx({("A", "B"): 2 / 3, ("A", "C"): -1 / 3, ("B", "C"): 0.0,
                               ("B", "D"): -2 / 3, ("C", "D"): 0.0})
    assert ("A", "D") not in d  # shares no tie
    assert r.value_of("A", "D") == pytest.approx(-2 / 3)  # closed form: |6| + |4| -> 10/3
    assert r.value_of("D", "A") == pytest.approx(-2 / 3)
    assert r.value_of("B", "A") == pytest.approx(2 / 3)
    sq = portfolio_similarity(chain, distance="squared")
    assert as_dict(sq)[("A", "B")] == pytest.approx(1 - 2 * (4 / 9) / 4)  # 7/9
    # A-C squared: (1 + 1/9 + 1 + 1/9) = 20/9
    assert as_dict(sq)[("A", "C")] == pytest.approx(1 - 2 * (20 / 9) / 4)
    wt = portfolio_similarity(chain, weighted=True)
    # weights 4, 2, 1, 1 (sum 8): A-B differ only at C by 2/3 (weight 1)
    assert as_dict(wt)[("A", "B")] == pytest.approx(1 - 2 * (2 / 3) / 8)
    # A-C: k=A 1*4, k=B 1/3*2, k=C 1*1, k=D 1/3*1 -> 4 + 2/3 + 1 + 1/3 = 6
    assert as_dict(wt)[("A", "C")] == pytest.approx(1 - 2 * 6 / 8)


def test_tau_hand_value(chain):
    r = portfolio_similarity(chain, measure="tau")
    # A [3 3 0 0] vs B [3 3 2 0]: 4 concordant, 0 discordant, ties x: 2, y: 1 of 6 pairs
    assert as_dict(r)[("A", "B")] == pytest.approx(4 / np.sqrt(4 * 5))
    assert r.to_frame().columns.tolist() == ["state_a", "state_b", "tau_b", "shared"]


def test_kappa_pi_hand_values(chain):
    # A [3 3 0 0], B [3 3 2 0]: d_o = (2/3) / 4 = 1/6
    # kappa: f_A = (1/2, 0, 0, 1/2), f_B = (1/4, 0, 1/4, 1/2);
    # d_e = 1/2 (1/4*0 + 1/4*2/3 + 1/2*1) + 1/2 (1/4*1 + 1/4*1/3 + 0) = 1/3 + 1/6 = 1/2
    k = portfolio_similarity(chain, measure="kappa")
    assert as_dict(k)[("A", "B")] == pytest.approx(1 - (1 / 6) / (1 / 2))
    # pi: g = (3/8, 0, 1/8, 1/2); d_e = 2 (3/8*1/8*2/3 + 3/8*1/2*1 + 1/8*1/2*1/3)
    #   = 2 (1/32 + 3/16 + 1/48) = 23/48
    p = portfolio_similarity(chain, measure="pi")
    assert as_dict(p)[("A", "B")] == pytest.approx(1 - (1 / 6) / (23 / 48))
    assert k.to_frame().columns.tolist() == ["state_a", "state_b", "kappa", "shared"]
    assert p.to_frame().columns.tolist() == ["state_a", "state_b", "pi", "shared"]
    assert "kappa" in repr(k)
    with pytest.raises(ParameterError, match="weighted"):
        portfolio_similarity(chain, measure="kappa", weighted=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("measure", ["kappa", "pi"])
@pytest.mark.parametrize("distance", ["absolute", "squared"])
def test_kappa_pi_match_naive(seed, measure, distance):
    w = random_world(np.random.default_rng(seed), 14, 20)
    x = tie_levels(w)
    r = portfolio_similarity(w, measure=measure, distance=distance, pairs="all")
    p = 1 if distance == "absolute" else 2
    for a, b, v in zip(r.i, r.j, r.value):
        ref = chance_corrected(x, a, b, p, measure)
        assert v == pytest.approx(ref, nan_ok=True, abs=1e-12)
    # on-demand values (listed or not) agree with the listed ones
    rs = portfolio_similarity(w, measure=measure, distance=distance)
    c = w.codes
    for a, b in [(0, 1), (2, 9), (5, 13)]:
        assert rs.value_of(c[a], c[b]) == pytest.approx(chance_corrected(x, a, b, p, measure),
                                                        nan_ok=True, abs=1e-12)
    M = rs.matrix().to_numpy()
    assert M[0, 3] == pytest.approx(chance_corrected(x, 0, 3, p, measure), nan_ok=True,
                                    abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"distance": "squared"},
        {"weighted": True},
        {"weighted": True, "distance": "squared"},
        {"measure": "tau"},
    ],
)
def test_against_naive(seed, kw):
    rng = np.random.default_rng(seed)
    w = random_world(rng, 11, 14)
    x = tie_levels(w)
    n = len(x)
    wts = list(w.capability) if kw.get("weighted") else [1.0] * n
    p = 2 if kw.get("distance") == "squared" else 1

    def ref(i, j):
        return tau_b(x, i, j) if kw.get("measure") == "tau" else s_score(x, i, j, wts, p)

    full = portfolio_similarity(w, pairs="all", **kw)
    assert full.n_pairs == n * (n - 1) // 2
    for i, j, v, sh in zip(full.i, full.j, full.value, full.shared):
        assert v == pytest.approx(ref(i, j), nan_ok=True)
        assert sh == shared(x, i, j)
    sparse = portfolio_similarity(w, **kw)
    assert sparse.shared.all()
    assert {(a, b) for a, b in zip(sparse.i, sparse.j)} == {
        (a, b) for a, b, s in zip(full.i, full.j, full.shared) if s
    }
    m = sparse.matrix().to_numpy()
    for i in range(n):
        for j in range(n):
            assert m[i, j] == pytest.approx(1.0 if i == j else ref(min(i, j), max(i, j)),
                                            nan_ok=True)


def test_no_commitments_and_isolated():
    w = World.from_frames(pd.DataFrame({"code": list("ABC"), "capability": 1.0}))
    r = portfolio_similarity(w)
    assert r.n_pairs == 0 and len(r.to_frame()) == 0
    assert r.value_of("A", "B") == pytest.approx(1 - 2 * 2 / 3)


def test_bad_inputs(chain):
    with pytest.raises(ParameterError, match="measure"):
        portfolio_similarity(chain, measure="cosine")
    with pytest.raises(ParameterError, match="distance"):
        portfolio_similarity(chain, distance="euclid")
    with pytest.raises(ParameterError, match="pairs"):
        portfolio_similarity(chain, pairs="some")
    with pytest.raises(ParameterError, match="weighted"):
        portfolio_similarity(chain, measure="tau", weighted=True)
    with pytest.raises(ParameterError, match="weighted"):
        portfolio_similarity(chain, weighted="yes")
    with pytest.raises(ParameterError, match="distance"):
        portfolio_similarity(chain, measure="tau", distance="squared")
    one = World.from_frames(pd.DataFrame({"code": ["A"], "capability": [1.0]}))
    with pytest.raises(WorldError, match="at least 2 states"):
        portfolio_similarity(one)
    zero = World.from_frames(pd.DataFrame({"code": ["A", "B"], "capability": [0.0, 0.0]}))
    with pytest.raises(WorldError, match="positive capabilities"):
        portfolio_similarity(zero, weighted=True)
    r = portfolio_similarity(chain)
    with pytest.raises(UnknownStateError, match="ZZZ"):
        r.value_of("A", "ZZZ")


def test_top_and_plot(chain):
    Figure = pytest.importorskip("matplotlib.figure", reason="needs matplotlib").Figure

    r = portfolio_similarity(chain)
    t = r.top("A", 3)
    assert t["code"].tolist() == ["B", "C", "D"]
    assert isinstance(r.plot(), Figure)


def test_contemporary(contemporary):
    r = portfolio_similarity(contemporary)
    assert r.n_pairs > 1000
    assert np.all((r.value >= -1) & (r.value <= 1))
    # two NATO members look more alike than NATO and Russia
    assert r.value_of("USA", "UKG") > r.value_of("USA", "RUS")


def test_states_subset_and_max_pairs():
    rng = np.random.default_rng(5)
    w = random_world(rng, 12, 20)
    full = portfolio_similarity(w).to_frame()
    sub_codes = ["S01", "S03", "S04", "S07", "S10"]
    sub = portfolio_similarity(w, states=sub_codes).to_frame()
    want = full[full.state_a.isin(sub_codes) & full.state_b.isin(sub_codes)]
    pd.testing.assert_frame_equal(sub.reset_index(drop=True), want.reset_index(drop=True))
    allp = portfolio_similarity(w, states=sub_codes, pairs="all")
    assert allp.n_pairs == 10
    with pytest.raises(ParameterError, match="max_pairs"):
        portfolio_similarity(w, max_pairs=3)
    with pytest.raises(ParameterError, match="two distinct"):
        portfolio_similarity(w, states=["S01", "S01"])
    with pytest.raises(UnknownStateError):
        portfolio_similarity(w, states=["S01", "nope"])


@pytest.mark.parametrize("kw", [{}, {"distance": "squared"}, {"weighted": True},
                                {"measure": "tau"}])
def test_value_of_and_top_exact_outside_a_subset(kw):
    rng = np.random.default_rng(9)
    w = random_world(rng, 10, 16)
    x = tie_levels(w)
    wts = list(w.capability) if kw.get("weighted") else [1.0] * len(x)
    p = 2 if kw.get("distance") == "squared" else 1

    def ref(i, j):
        return tau_b(x, i, j) if kw.get("measure") == "tau" else s_score(x, i, j, wts, p)

    r = portfolio_similarity(w, states=["S00", "S01", "S02"], **kw)
    codes = list(w.codes)
    for a in range(10):
        for b in range(10):
            if a != b:
                assert r.value_of(codes[a], codes[b]) == pytest.approx(ref(a, b), nan_ok=True)
    t = r.top("S05", 4)
    want = sorted(((-ref(5, j), codes[j]) for j in range(10) if j != 5))[:4]
    assert t["code"].tolist() == [c for _, c in want]
    m = r.matrix()
    assert m.index.tolist() == ["S00", "S01", "S02"]
    assert m.loc["S00", "S02"] == pytest.approx(ref(0, 2), nan_ok=True)
