"""landscape (Axelrod-Bennett) and vulnerability / war_stable (Jackson-Nei): hand cases,
brute-force twins, serial vs parallel, bad inputs."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from foederis import World
from foederis.analysis import (
    MAX_EXHAUSTIVE,
    Landscape,
    Vulnerability,
    landscape,
    propensity,
    vulnerability,
    war_stable,
)
from foederis._kernels import structure as K
from foederis.errors import ParameterError, UnknownStateError, WorldError
from naive_analysis import (
    descend_linear,
    landscape_brute,
    load_contemporary,
    random_world,
    vulnerable_pairs,
)


@pytest.fixture(scope="module")
def contemporary():
    return load_contemporary()


def europe_1936():
    # a toy: two camps with cross-cutting ties
    states = pd.DataFrame({"code": ["FRN", "UKG", "GMY", "ITA", "USR", "POL", "CZE"],
                           "capability": [10.0, 12.0, 14.0, 6.0, 15.0, 3.0, 2.0]})
    pacts = [("FRN", "UKG", "defense"), ("UKG", "FRN", "defense"), ("FRN", "POL", "defense"),
             ("FRN", "CZE", "defense"), ("USR", "CZE", "defense"), ("FRN", "USR", "entente"),
             ("GMY", "ITA", "offense"), ("ITA", "GMY", "offense")]
    com = pd.DataFrame(pacts, columns=["guarantor", "protege", "kind"])
    riv = pd.DataFrame([("GMY", "FRN", 0.8), ("GMY", "CZE", 1.0), ("GMY", "POL", 0.7),
                        ("USR", "GMY", 0.9), ("POL", "USR", 0.6), ("ITA", "UKG", 0.3)],
                       columns=["source", "target", "hostility"])
    return World.from_frames(states, com, riv)


# --------------------------------------------------------------------------------------
# landscape
# --------------------------------------------------------------------------------------
def brute_from_result(r):
    s = r.size
    P = r.propensity.toarray()
    w = (s[:, None] * s[None, :] * P).tolist()
    return landscape_brute(w, eps=1e-12 * float(np.abs(np.asarray(w)).sum()))


def canon(c, big):
    c = np.asarray(c, np.uint8)
    return tuple(1 - c) if c[big] == 1 else tuple(c)


def check_against_brute(r):
    ref = brute_from_result(r)
    big = int(np.argmax(r.size))
    got = {tuple(c): (e, b) for c, e, b in zip(r.camps.tolist(), r.energy, r.basin_size)}
    want = {canon(c, big): v for c, v in ref.items()}
    assert set(got) == set(want)
    for k, (e, b) in want.items():
        assert got[k][0] == pytest.approx(e, abs=1e-12)
        assert got[k][1] == b
    assert r.basin_size.sum() == 2 ** (len(r.codes) - 1)


def test_europe_against_brute_force():
    r = landscape(europe_1936())
    assert isinstance(r, Landscape) and r.method == "exhaustive"
    check_against_brute(r)
    # the global minimum splits Germany and Italy from France, Britain and the Soviets
    c = r.configuration(0)
    assert c["GMY"] == c["ITA"] != c["FRN"] == c["UKG"] == c["USR"]
    assert r.energy[0] == r.energy.min()
    df = r.to_frame()
    assert df.columns.tolist() == ["rank", "energy", "basin_size", "basin_share", "camp_0",
                                   "camp_1"]
    assert df.basin_share.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("seed", range(6))
def test_random_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    w = random_world(rng, 9, 14, kinds=["DEFENSE", "OFFENSE", "ENTENTE"], rivalries=8)
    r = landscape(w, entente_weight=0.5)
    check_against_brute(r)


def test_plateaus_and_ties_match_brute_force():
    # integer propensities on a ring: many flat moves and equal gains
    codes = list("ABCDEF")
    states = pd.DataFrame({"code": codes, "capability": 1.0})
    com = pd.DataFrame({"guarantor": ["A", "C", "E"], "protege": ["B", "D", "F"],
                        "kind": "defense"})
    riv = pd.DataFrame({"source": ["B", "D", "F"], "target": ["C", "E", "A"], "hostility": 1.0})
    r = landscape(World.from_frames(states, com, riv))
    check_against_brute(r)


def test_indifferent_states_and_selection():
    w = europe_1936()
    big = World.from_frames(
        pd.concat([w.states_frame(), pd.DataFrame({"code": ["SWZ"], "capability": [1.0]})]),
        w.commitments_frame(), w.rivalries_frame())
    r = landscape(big)
    assert r.indifferent == ("SWZ",) and "SWZ" not in r.codes
    r2 = landscape(big, ["GMY", "FRN", "UKG", "ITA"])
    assert list(r2.codes) == ["FRN", "UKG", "GMY", "ITA"]  # world order
    assert r2.to_frame().iloc[0]["camp_0"].split() in (["GMY", "ITA"], ["UKG", "FRN"])
    # propensity: max credibility-weighted tie minus max hostility
    P = propensity(big, ["FRN", "GMY", "USR"]).toarray()
    np.testing.assert_allclose(P, [[0, -0.8, 0.25], [-0.8, 0, -0.9], [0.25, -0.9, 0]])


def test_local_search_finds_exhaustive_minima():
    rng = np.random.default_rng(11)
    w = random_world(rng, 14, 30, kinds=["DEFENSE", "OFFENSE"], rivalries=14)
    ex = landscape(w, method="exhaustive")
    lo = landscape(w, method="local", starts=3000, seed=5)
    assert lo.method == "local" and lo.starts == 3000 and lo.converged
    exset = {tuple(c) for c in ex.camps.tolist()}
    loset = {tuple(c) for c in lo.camps.tolist()}
    assert loset <= exset
    assert tuple(ex.camps[0]) in loset  # the global minimum is found
    assert lo.basin_size.sum() == 3000
    # a random start's descent is the exhaustive one: shares agree within sampling error
    share = dict(zip(map(tuple, ex.camps.tolist()), ex.basin_share))
    for c, s in zip(map(tuple, lo.camps.tolist()), lo.basin_share):
        assert abs(s - share[c]) < 0.05
    again = landscape(w, method="local", starts=3000, seed=5, parallel=False)
    np.testing.assert_array_equal(again.camps, lo.camps)
    np.testing.assert_array_equal(again.basin_size, lo.basin_size)


def test_local_kernels_serial_equals_parallel():
    rng = np.random.default_rng(2)
    n = 40
    A = rng.normal(size=(n, n)) * (rng.random((n, n)) < 0.2)
    A = np.triu(A, 1)
    A = A + A.T
    import scipy.sparse as sp

    M = sp.csr_array(A)
    outs = []
    for fn in (K.landscape_local_serial, K.landscape_local_parallel):
        x = np.zeros((64, n), np.uint8)
        e = np.zeros(64)
        st = np.zeros(64, np.int64)
        cv = np.zeros(64, np.bool_)
        fn(M.indptr.astype(np.int64), M.indices.astype(np.int64), M.data, 9, 1e-12, 10000,
           x, e, st, cv)
        outs.append((x, e, st, cv))
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)
    x, e = outs[0][0], outs[0][1]
    for row, en in zip(x, e):  # energies are exact for the final configurations
        assert en == pytest.approx(K.landscape_energy(A, row), abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("integer", [False, True])
def test_blocked_descent_equals_linear_scan(seed, integer):
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    n = 60
    A = (rng.integers(-2, 3, size=(n, n)) if integer else rng.normal(size=(n, n))).astype(float)
    A *= rng.random((n, n)) < 0.15
    A = np.triu(A, 1)
    A = A + A.T
    M = sp.csr_array(A)
    eps = 1e-12 * np.abs(A).sum()
    x0 = rng.integers(0, 2, n).astype(np.uint8)
    x = x0.copy()
    e, steps, conv = K._descend(M.indptr.astype(np.int64), M.indices.astype(np.int64), M.data,
                                x, np.zeros(n), eps, 100000)
    want, wsteps = descend_linear(A.tolist(), x0.tolist(), eps)
    assert conv and x.tolist() == want and steps == wsteps
    assert e == pytest.approx(K.landscape_energy(A, x), abs=1e-9)


def test_exhaustive_at_the_limit():
    rng = np.random.default_rng(4)
    n = 20
    w = random_world(rng, n, 60, kinds=["DEFENSE"], rivalries=30)
    r = landscape(w)
    assert r.method == "exhaustive" and len(r.codes) == n
    assert r.basin_size.sum() == 2 ** (n - 1) == r.n_configurations
    assert MAX_EXHAUSTIVE == 24


def test_landscape_bad_inputs():
    w = europe_1936()
    with pytest.raises(ParameterError, match="states is empty"):
        landscape(w, [])
    with pytest.raises(UnknownStateError, match="XYZ"):
        landscape(w, ["FRN", "XYZ"])
    with pytest.raises(ParameterError, match="more than once"):
        landscape(w, ["FRN", "FRN", "GMY"])
    with pytest.raises(ParameterError, match="method"):
        landscape(w, method="annealing")
    with pytest.raises(ParameterError, match="starts"):
        landscape(w, method="local", starts=0)
    with pytest.raises(ParameterError, match="seed"):
        landscape(w, seed=-3)
    rng = np.random.default_rng(0)
    big = random_world(rng, 30, 80, kinds=["DEFENSE"], rivalries=20)
    with pytest.raises(ParameterError, match="states: 30 states.*exhaustive"):
        landscape(big, method="exhaustive")
    assert landscape(big, starts=50).method == "local"
    with pytest.raises(ParameterError, match="starts: .* at most"):
        landscape(big, starts=10**8)
    lonely = World.from_frames(pd.DataFrame({"code": list("ABC"), "capability": 1.0}))
    with pytest.raises(WorldError, match="fewer than two"):
        landscape(lonely)
    with pytest.raises(WorldError, match="fewer than two"):
        landscape(w, ["FRN", "ITA"])  # no tie between them
    with pytest.raises(WorldError, match="no rivalry"):
        landscape(w, ["FRN", "UKG", "POL"])  # allies only


def test_landscape_plot():
    Figure = pytest.importorskip("matplotlib.figure", reason="needs matplotlib").Figure

    assert isinstance(landscape(europe_1936()).plot(), Figure)


def test_landscape_contemporary(contemporary):
    top = contemporary.codes[np.argsort(-contemporary.capability)[:12]].tolist()
    r = landscape(contemporary, top)
    assert r.method == "exhaustive" and r.n_minima >= 1
    c = r.configuration(0)
    if "USA" in c and "RUS" in c:
        assert c["USA"] != c["RUS"]


# --------------------------------------------------------------------------------------
# vulnerability
# --------------------------------------------------------------------------------------
def vworld(cap, links, kind="defense"):
    codes = [chr(ord("A") + i) for i in range(len(cap))]
    states = pd.DataFrame({"code": codes, "capability": cap})
    com = pd.DataFrame(links, columns=["guarantor", "protege"]).assign(kind=kind)
    return World.from_frames(states, com)


def test_vulnerability_hand_cases():
    # no alliances, equal strengths: nobody out-weighs anybody (strictly)
    w = vworld([1.0, 1.0, 1.0], [])
    v = vulnerability(w)
    assert isinstance(v, Vulnerability) and v.war_stable and war_stable(w)
    # A(3) alone against B(2)-C(2) allies: B + C (4) > A (3); A against B: 3 vs 2 + 2
    w = vworld([3.0, 2.0, 2.0], [("B", "C")])
    v = vulnerability(w)
    assert v.vulnerable_states == ["A"] and not war_stable(w)
    row = v.to_frame().set_index("code").loc["A"]
    assert row["n_attackers"] == 2 and row["attack"] == 4.0 and row["defense"] == 3.0
    assert set(v.attackers_of("A")["attacker"]) == {"B", "C"}
    assert v.attackers_of("A")["coalition"].tolist() == ["B C", "B C"]
    # gamma: the defender's advantage; 4 > 1.5 * 3 fails
    assert vulnerability(w, gamma=1.5).war_stable
    # an ally can attack: in a line A - B - C, B (with C) attacks its ally A
    w = vworld([2.0, 1.0, 2.0], [("A", "B"), ("B", "C")])
    v = vulnerability(w)
    att = v.attackers_of("A")
    assert "B" in att["attacker"].tolist()
    b_row = att.set_index("attacker").loc["B"]
    assert b_row["coalition"] == "B C" and b_row["attack"] == 3.0 and b_row["defense"] == 2.0


def test_vulnerability_direction_and_kinds():
    # a one-way guarantee makes an alliance; ENTENTE does not by default
    w = vworld([3.0, 2.0, 2.0], [("B", "C")], kind="guarantee")
    assert vulnerability(w).vulnerable_states == ["A"]
    w = vworld([3.0, 2.0, 2.0], [("B", "C")], kind="entente")
    assert vulnerability(w).vulnerable_states == ["B", "C"]  # A (3) beats each alone
    assert vulnerability(w, kinds=["entente"]).vulnerable_states == ["A"]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("gamma", [1.0, 1.3])
def test_vulnerability_against_naive(seed, gamma):
    rng = np.random.default_rng(seed)
    n = 9
    w = random_world(rng, n, int(rng.integers(0, 16)), kinds=["DEFENSE", "GUARANTEE"])
    nbrs = [set() for _ in range(n)]
    for g, p in zip(w.guarantors, w.indices):
        nbrs[g].add(int(p))
        nbrs[p].add(int(g))
    M = w.capability.tolist()
    pairs = vulnerable_pairs(n, nbrs, M, gamma)
    v = vulnerability(w, gamma)
    for i in range(n):
        att = {j for (t, j) in pairs if t == i}
        assert v.n_attackers[i] == len(att)
        assert v.vulnerable[i] == bool(att)
        got = set(v.attackers_of(str(w.codes[i]))["attacker"])
        assert got == {str(w.codes[j]) for j in att}
        if att:
            # the reported attacker has the largest attack / defense ratio
            def ratio(j, i=i):
                C = ({j} | nbrs[j]) - {i}
                D = {i} | (nbrs[i] - C)
                return sum(M[k] for k in C) / sum(M[k] for k in D)

            assert ratio(int(v.attacker[i])) == pytest.approx(max(ratio(j) for j in att))


def test_vulnerability_bad_inputs_and_plot():
    Figure = pytest.importorskip("matplotlib.figure", reason="needs matplotlib").Figure

    w = vworld([3.0, 2.0, 2.0], [("B", "C")])
    with pytest.raises(ParameterError, match="gamma"):
        vulnerability(w, gamma=0)
    with pytest.raises(ParameterError, match="min_credibility"):
        vulnerability(w, min_credibility=2)
    with pytest.raises(UnknownStateError):
        vulnerability(w).attackers_of("Z")
    assert isinstance(vulnerability(w).plot(), Figure)


def test_vulnerability_contemporary(contemporary):
    v = vulnerability(contemporary)
    assert len(v.vulnerable) == contemporary.n_states
    # Jackson and Nei: with alliances alone, no non-empty network is war stable
    assert not v.war_stable
    assert not v.vulnerable[contemporary.index("USA")] or v.n_attackers[
        contemporary.index("USA")] >= 1
    _ = itertools  # keep the import for readers extending the brute force


def test_local_search_independent_of_thread_count():
    import numba

    rng = np.random.default_rng(8)
    w = random_world(rng, 40, 90, kinds=["DEFENSE", "ENTENTE"], rivalries=30)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = landscape(w, method="local", starts=300, seed=3)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = landscape(w, method="local", starts=300, seed=3)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(one.camps, many.camps)
    np.testing.assert_array_equal(one.basin_size, many.basin_size)
    np.testing.assert_array_equal(one.energy, many.energy)


def reversed_world(w):
    st = w.states_frame().iloc[::-1].reset_index(drop=True)
    return World.from_frames(st, w.commitments_frame(), w.rivalries_frame())


def test_relabelling_states_changes_nothing():
    w = europe_1936()
    r = reversed_world(w)
    a, b = landscape(w), landscape(r)

    # the same splits (as sets of states), energies and basins
    sa = {frozenset(map(frozenset, (a.codes[c == 0].tolist(), a.codes[c == 1].tolist()))):
          (round(float(e), 12), int(s)) for c, e, s in zip(a.camps, a.energy, a.basin_size)}
    sb = {frozenset(map(frozenset, (b.codes[c == 0].tolist(), b.codes[c == 1].tolist()))):
          (round(float(e), 12), int(s)) for c, e, s in zip(b.camps, b.energy, b.basin_size)}
    assert sa.keys() == sb.keys()
    for k in sa:  # energies agree; basins too when no tie-break depends on the order
        assert sa[k][0] == pytest.approx(sb[k][0])
    va, vb = vulnerability(w), vulnerability(r)
    assert sorted(va.vulnerable_states) == sorted(vb.vulnerable_states)
    fa = va.to_frame().set_index("code")["n_attackers"].sort_index()
    fb = vb.to_frame().set_index("code")["n_attackers"].sort_index()
    pd.testing.assert_series_equal(fa, fb)
