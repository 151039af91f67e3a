"""The World: construction, validation errors, round trips, what-if edits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import foederis
from foederis import KIND_NAMES, World
from foederis.errors import (
    EditError,
    FoederisError,
    ParameterError,
    UnknownStateError,
    UnknownTreatyError,
    WorldError,
)


def small_frames():
    states = pd.DataFrame(
        {
            "code": ["USA", "UKG", "FRN", "EST", "RUS"],
            "name": ["United States", "United Kingdom", "France", "Estonia", "Russia"],
            "capability": [0.4, 0.1, 0.1, 0.01, 0.39],
            "region": ["Americas", "Europe", "Europe", "Europe", "Europe"],
            "global_reach": [True, True, True, False, True],
            "nuclear": [True, True, True, False, True],
            "gdp": [27000.0, 3300.0, 3000.0, 40.0, np.nan],
        }
    )
    members = ["USA", "UKG", "FRN", "EST"]
    rows = [(a, b, "defense", 1.0, "NATO", None) for a in members for b in members if a != b]
    rows.append(("USA", "EST", "guarantee", 0.75, None, "conventional|nuclear"))
    com = pd.DataFrame(
        rows, columns=["guarantor", "protege", "kind", "credibility", "treaty", "domains"]
    )
    riv = pd.DataFrame({"source": ["RUS", "RUS"], "target": ["EST", "USA"], "hostility": [0.9, 0.5]})
    return states, com, riv


@pytest.fixture
def world():
    return World.from_frames(*small_frames(), name="small")


# --------------------------------------------------------------------------------------
def test_basic_queries(world):
    assert world.n_states == 5
    assert world.n_commitments == 13
    assert world.index("EST") == 3
    assert list(world.indices_of(["RUS", "USA"])) == [4, 0]
    assert world.treaty_names == ("NATO",)
    assert sorted(world.treaty_members("NATO")) == ["EST", "FRN", "UKG", "USA"]
    m = world.commitments
    assert m.shape == (5, 5) and m.nnz == 13
    assert world.kind_counts() == {"DEFENSE": 12, "GUARANTEE": 1}
    assert "5 states" in repr(world) and "NATO" in world.summary()
    assert world.region_names == ("Americas", "Europe")
    assert list(world.region_code) == [0, 1, 1, 1, 1]
    # arrays are read-only
    with pytest.raises(ValueError):
        world.capability[0] = 1.0
    with pytest.raises(AttributeError):
        world.name = "x"


def test_transposed_matches_scipy(world):
    t = world.transposed
    csc = world.commitments.tocsc()
    assert np.array_equal(t.indptr, csc.indptr)
    for j in range(world.n_states):
        rows = t.indices[t.indptr[j] : t.indptr[j + 1]]
        assert list(rows) == sorted(rows)
        e = t.edge[t.indptr[j] : t.indptr[j + 1]]
        assert np.all(world.indices[e] == j)
        assert np.all(world.guarantors[e] == rows)
        assert np.array_equal(world.credibility[e], t.credibility[t.indptr[j] : t.indptr[j + 1]])


def test_transpose_scatter_matches_the_stable_sort():
    """The scatter kernel of a large CSR and the sort of a small one give the same arrays;
    ``edge`` is built only when read, and a reweight's transposed shares it."""
    from foederis import _world_storage as st

    rng = np.random.default_rng(11)
    n, m = 3000, st.TRANSPOSE_KERNEL_MIN + 5000
    g = np.sort(rng.integers(0, n, m)).astype(np.int32)
    p = rng.integers(0, n, m).astype(np.int32)
    indptr = np.concatenate(([0], np.cumsum(np.bincount(g, minlength=n))))
    cols = (rng.random(m), rng.integers(0, 8, m).astype(np.uint8),
            rng.integers(1, 4, m).astype(np.uint8))
    big = st.transpose(n, indptr, p, *cols)
    small = st.TRANSPOSE_KERNEL_MIN
    try:
        st.TRANSPOSE_KERNEL_MIN = m + 1  # the sort path
        sorted_ = st.transpose(n, indptr, p, *cols)
    finally:
        st.TRANSPOSE_KERNEL_MIN = small
    e = st.edge_positions(p)
    assert np.array_equal(e, np.argsort(p, kind="stable"))
    for got in (big, sorted_):
        assert np.array_equal(got[0], np.concatenate(([0], np.cumsum(np.bincount(p, minlength=n)))))
        assert np.array_equal(got[1], g[e]) and got[1].dtype == np.int32
        for a, b in zip(got[2], cols):
            assert np.array_equal(a, b[e]) and a.dtype == b.dtype
    w = World.from_arrays([f"S{i}" for i in range(50)], np.ones(50), [0, 1, 2], [1, 2, 0],
                          [0, 0, 0], credibility=[0.5, 0.25, 1.0])
    t = w.transposed
    assert t._edge is None  # nothing read it yet
    w2 = w.reweight("S0", "S1", 0.75)
    assert t._edge is not None and w2.transposed._edge is t._edge
    assert w2.transposed.credibility.tolist() == [1.0, 0.75, 0.25]


def test_frames_round_trip(world):
    w2 = World.from_frames(world.states_frame(), world.commitments_frame(), world.rivalries_frame())
    assert w2.equals(world)


def test_igraph_round_trip(world):
    g = world.to_igraph()
    assert g.is_directed() and g.vcount() == 5 and g.ecount() == 13
    assert g.vs["name"][3] == "EST"
    w2 = World.from_igraph(g)
    assert w2.equals(world)
    assert w2.name == world.name


def test_read_world_round_trip(world, tmp_path):
    world.to_folder(tmp_path / "w")
    w2 = foederis.read_world(tmp_path / "w")
    assert w2.equals(world)
    world.to_folder(tmp_path / "p", format="parquet")
    assert foederis.read_world(tmp_path / "p").equals(world)


def test_inputs_not_mutated():
    s, c, r = small_frames()
    s0, c0, r0 = s.copy(), c.copy(), r.copy()
    World.from_frames(s, c, r)
    pd.testing.assert_frame_equal(s, s0)
    pd.testing.assert_frame_equal(c, c0)
    pd.testing.assert_frame_equal(r, r0)
    cap = np.array([1.0, 2.0])
    cred = np.array([0.5])
    World.from_arrays(["A", "B"], cap, [0], [1], [0], credibility=cred)
    assert cap.flags.writeable and cred[0] == 0.5


# --------------------------------------------------------------------------------------
# item 6: every bad input gives a clear error naming the culprit
# --------------------------------------------------------------------------------------
def _states(**over):
    d = {"code": ["AAA", "BBB", "CCC"], "capability": [1.0, 2.0, 3.0]}
    d.update(over)
    return pd.DataFrame(d)


def _com(rows):
    return pd.DataFrame(rows, columns=["guarantor", "protege", "kind"])


@pytest.mark.parametrize(
    "states, match",
    [
        (_states(code=["AAA", "BBB", "AAA"]), r"duplicate state code 'AAA' in rows 0, 2"),
        (_states(code=["AAA", "", "CCC"]), r"row 1.*empty"),
        (_states(code=["AAA", None, "CCC"]), r"row 1.*missing"),
        (_states(capability=[1.0, -2.0, 3.0]), r"'BBB'.*capability -2.0.*>= 0"),
        (_states(capability=[1.0, np.nan, 3.0]), r"'BBB'.*capability nan"),
        (_states(capability=[1.0, 2.0, "lots"]), r"'CCC'.*'lots' is not a number"),
        (_states(threshold=[0.5, 0.0, np.nan]), r"'BBB'.*threshold 0.0.*positive"),
        (_states(threshold=[0.5, -1.0, np.nan]), r"'BBB'.*threshold -1.0"),
        (pd.DataFrame({"code": ["A"]}), r"no 'capability' column"),
    ],
)
def test_bad_states(states, match):
    with pytest.raises(WorldError, match=match) as e:
        World.from_frames(states, None)
    assert isinstance(e.value, FoederisError)


def test_unknown_state_in_commitment():
    with pytest.raises(UnknownStateError, match=r"commitment row 1: protege 'ZZZ' is not a state"):
        World.from_frames(_states(), _com([("AAA", "BBB", "DEFENSE"), ("AAA", "ZZZ", "DEFENSE")]))
    with pytest.raises(UnknownStateError, match=r"row 0: guarantor 'QQQ'"):
        World.from_frames(_states(), _com([("QQQ", "BBB", "DEFENSE")]))


def test_unknown_kind_and_domain():
    with pytest.raises(WorldError, match=r"row 1: unknown kind 'alliance'.*DEFENSE, GUARANTEE"):
        World.from_frames(_states(), _com([("AAA", "BBB", "DEFENSE"), ("AAA", "CCC", "alliance")]))
    c = _com([("AAA", "BBB", "DEFENSE")])
    c["domains"] = ["conventional|orbital"]
    with pytest.raises(WorldError, match=r"unknown domain 'orbital'.*conventional, nuclear"):
        World.from_frames(_states(), c)


@pytest.mark.parametrize("cred", [np.nan, -0.1, 1.5, "high"])
def test_bad_credibility(cred):
    c = _com([("AAA", "BBB", "DEFENSE"), ("BBB", "AAA", "DEFENSE")])
    c["credibility"] = [1.0, cred]
    with pytest.raises(WorldError, match=r"commitment row 1.*credibility.*\[0, 1\]"):
        World.from_frames(_states(), c)


def test_self_commitment():
    with pytest.raises(WorldError, match=r"row 0: 'BBB' commits to itself"):
        World.from_frames(_states(), _com([("BBB", "BBB", "DEFENSE")]))


def test_duplicates_need_merge_rule():
    c = _com([("AAA", "BBB", "DEFENSE"), ("AAA", "CCC", "DEFENSE"), ("AAA", "BBB", "defense")])
    c["credibility"] = [0.5, 1.0, 0.75]
    with pytest.raises(WorldError, match=r"duplicate commitment AAA -> BBB DEFENSE in rows 0 and 2"):
        World.from_frames(_states(), c)
    w = World.from_frames(_states(), c, merge="max")
    assert w.n_commitments == 2
    assert w.credibility[0] == 0.75
    # different kinds between the same pair are not duplicates
    ok = _com([("AAA", "BBB", "DEFENSE"), ("AAA", "BBB", "NEUTRALITY")])
    assert World.from_frames(_states(), ok).n_commitments == 2


def test_bad_rivalries():
    r = pd.DataFrame({"source": ["AAA"], "target": ["BBB"], "hostility": [2.0]})
    with pytest.raises(WorldError, match=r"rivalry row 0 \(AAA -> BBB\): hostility 2.0"):
        World.from_frames(_states(), None, r)
    r = pd.DataFrame({"source": ["AAA"], "target": ["XYZ"], "hostility": [0.2]})
    with pytest.raises(UnknownStateError, match=r"rivalry row 0: target 'XYZ'"):
        World.from_frames(_states(), None, r)


def test_unknown_world_names():
    from foederis.errors import UnknownWorldError

    for bad in ["atlantis", "atop:1700", "atop:abc", "atop:2019"]:
        with pytest.raises(UnknownWorldError, match=bad.split(":")[-1]):
            foederis.load_world(bad)


def test_edit_errors(world):
    with pytest.raises(UnknownStateError, match=r"unknown state 'XXX'"):
        world.without_member("XXX", "NATO")
    with pytest.raises(UnknownTreatyError, match=r"unknown treaty 'NAT0'"):
        world.without_member("USA", "NAT0")
    with pytest.raises(EditError, match=r"'RUS' is not a member of 'NATO'.*EST"):
        world.without_member("RUS", "NATO")
    with pytest.raises(UnknownTreatyError, match=r"'Warsaw Pact'"):
        world.without_treaty("Warsaw Pact")
    with pytest.raises(EditError, match=r"no commitment RUS -> EST"):
        world.without_commitment("RUS", "EST")
    with pytest.raises(EditError, match=r"of kind OFFENSE; it has DEFENSE"):
        world.without_commitment("UKG", "EST", "offense")
    with pytest.raises(EditError, match=r"unknown kind 'pact'"):
        world.with_commitment("USA", "RUS", "pact")
    with pytest.raises(ParameterError, match=r"credibility must be in \[0, 1\]"):
        world.with_commitment("USA", "RUS", "guarantee", credibility=2)
    with pytest.raises(ParameterError, match=r"capability of EST"):
        world.with_capability("EST", -1)
    with pytest.raises(ParameterError, match=r"threshold of EST"):
        world.with_threshold("EST", 0)
    with pytest.raises(EditError, match=r"already exists"):
        world.with_treaty("NATO", ["USA", "RUS"])
    with pytest.raises(EditError, match="unknown edit 'nuke'"):
        world.apply({"op": "nuke"})


# --------------------------------------------------------------------------------------
# edits
# --------------------------------------------------------------------------------------
def test_edits_return_new_worlds_and_share_arrays(world):
    before = world.commitments_frame()
    t = world.transposed
    w = world.without_member("EST", "NATO")
    assert w.n_commitments == world.n_commitments - 6
    assert "EST" not in w.treaty_members("NATO")
    pd.testing.assert_frame_equal(world.commitments_frame(), before)  # old untouched
    assert w.capability is world.capability  # unchanged arrays shared
    assert w.codes is world.codes
    w2 = world.scale_capability("RUS", 2.0)
    assert w2.capability[4] == pytest.approx(0.78)
    assert world.capability[4] == pytest.approx(0.39)
    assert w2.indices is world.indices and w2.credibility is world.credibility
    # the transposed CSR is shared by edits that leave commitments alone
    assert w2.transposed is t


def test_each_edit(world):
    w = world.with_commitment("USA", "RUS", "nonaggression", credibility=0.5)
    assert w.n_commitments == world.n_commitments + 1
    w = w.with_commitment("USA", "RUS", "nonaggression", credibility=0.25)  # re-weight
    assert w.n_commitments == world.n_commitments + 1
    cf = w.commitments_frame()
    row = cf[(cf.guarantor == "USA") & (cf.protege == "RUS")]
    assert row.credibility.tolist() == [0.25] and row.kind.tolist() == ["NONAGGRESSION"]
    w = w.reweight("USA", "EST", 0.5, kind="guarantee")
    cf = w.commitments_frame()
    assert cf[(cf.guarantor == "USA") & (cf.protege == "EST") & (cf.kind == "GUARANTEE")
              ].credibility.item() == 0.5
    w = w.without_commitment("USA", "EST")  # both kinds
    cf = w.commitments_frame()
    assert len(cf[(cf.guarantor == "USA") & (cf.protege == "EST")]) == 0
    w = world.without_treaty("NATO")
    assert w.n_commitments == 1 and w.treaty_names == ()
    w = world.with_treaty("Entente", ["UKG", "FRN", "RUS"], kind="entente", credibility=0.5)
    assert "Entente" in w.treaty_names
    assert sorted(w.treaty_members("Entente")) == ["FRN", "RUS", "UKG"]
    # UKG-FRN already DEFENSE (NATO) but ENTENTE is a different kind: both present
    assert w.n_commitments == world.n_commitments + 6
    w = world.with_capability("EST", 0.5).with_threshold("EST", 0.25)
    assert w.capability[3] == 0.5 and w.threshold[3] == 0.25
    assert np.isnan(w.with_threshold("EST", None).threshold[3])
    # history records and replays the edits
    assert [e["op"] for e in w.history] == ["with_capability", "with_threshold"]
    assert world.apply_all(w.history).equals(w)


def test_with_treaty_merges_existing(world):
    w = world.with_treaty("EU", ["FRN", "EST", "UKG"], credibility=0.5)
    # all pairs were already NATO DEFENSE: merge keeps the stronger one and its treaty;
    # since issue 9 the new treaty grounds them too (it used to be dropped, so the world
    # equalled one with any other name): equal in everything but the treaty's name
    assert w.n_commitments == world.n_commitments
    w2 = world.with_treaty("EU2", ["FRN", "EST", "UKG"], credibility=0.25)
    for f in ("indptr", "indices", "credibility", "kind", "domains", "treaty", "also_edge"):
        assert np.array_equal(getattr(w, f), getattr(w2, f)), f
    assert w.without_treaty("EU").equals(world) and w2.without_treaty("EU2").equals(world)
    assert sorted(w.treaty_members("EU")) == ["EST", "FRN", "UKG"]


# --------------------------------------------------------------------------------------
# property tests: round trips lose nothing on random worlds
# --------------------------------------------------------------------------------------
@st.composite
def random_worlds(draw):
    n = draw(st.integers(1, 12))
    codes = draw(
        st.lists(
            st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4),
            min_size=n, max_size=n, unique=True,
        )
    )
    cap = draw(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=n, max_size=n))
    nan_or = st.one_of(st.just(np.nan), st.floats(0.001, 1e6))
    gdp = draw(st.lists(nan_or, min_size=n, max_size=n))
    thr = draw(st.lists(st.one_of(st.just(np.nan), st.floats(0.01, 5)), min_size=n, max_size=n))
    region = draw(st.lists(st.sampled_from(["", "Europe", "Asia", "Africa"]), min_size=n, max_size=n))
    reach = draw(st.one_of(st.none(), st.lists(st.booleans(), min_size=n, max_size=n)))
    nuclear = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    pairs = [(a, b, k) for a in range(n) for b in range(n) if a != b for k in range(6)]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=40)) if pairs else []
    m = len(edges)
    cred = draw(st.lists(st.floats(0, 1), min_size=m, max_size=m))
    dom = draw(st.lists(st.integers(1, 31), min_size=m, max_size=m))
    treaty = draw(st.lists(st.integers(-1, 2), min_size=m, max_size=m))
    rpairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    riv = draw(st.lists(st.sampled_from(rpairs), unique=True, max_size=10)) if rpairs else []
    host = draw(st.lists(st.floats(0, 1), min_size=len(riv), max_size=len(riv)))
    e = np.array(edges, dtype=np.int64).reshape(-1, 3)
    r = np.array(riv, dtype=np.int64).reshape(-1, 2)
    return World.from_arrays(
        codes, cap, e[:, 0], e[:, 1], e[:, 2].astype(np.uint8),
        credibility=cred, domains=np.array(dom, dtype=np.uint8),
        treaty=np.array(treaty), treaty_names=("Alpha", "Beta pact", "Gamma"),
        names=[c.lower() for c in codes], gdp=gdp, defense_spending=gdp, nuclear=nuclear,
        region=region, global_reach=reach, threshold=thr,
        rivalry_source=r[:, 0], rivalry_target=r[:, 1], hostility=host,
        name="random", citation="none",
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_worlds())
def test_property_frames_round_trip(w):
    back = World.from_frames(w.states_frame(), w.commitments_frame(), w.rivalries_frame())
    assert back.equals(w)
    # the CSR agrees with the frame
    cf = w.commitments_frame()
    assert len(cf) == w.n_commitments
    assert set(cf["kind"]) <= set(KIND_NAMES)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_worlds())
def test_property_igraph_round_trip(w):
    g = w.to_igraph()
    assert g.vcount() == w.n_states and g.ecount() == w.n_commitments
    back = World.from_igraph(g)
    assert back.equals(w)
    assert back.citation() == w.citation() and back.name == w.name


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_worlds(), st.data())
def test_property_edits_leave_original(w, data):
    before = (w.commitments_frame(), w.states_frame())
    code = data.draw(st.sampled_from(list(w.codes)))
    w2 = w.scale_capability(code, 3.0)
    if w.n_commitments:
        e = data.draw(st.integers(0, w.n_commitments - 1))
        g, p = w.codes[w.guarantors[e]], w.codes[w.indices[e]]
        w3 = w2.without_commitment(g, p, KIND_NAMES[w.kind[e]])
        assert w3.n_commitments == w.n_commitments - 1
        assert w.apply_all(w3.history).equals(w3)
    pd.testing.assert_frame_equal(w.commitments_frame(), before[0])
    pd.testing.assert_frame_equal(w.states_frame(), before[1])


def test_from_arrays_large_is_vectorised():
    rng = np.random.default_rng(0)
    n, m = 20000, 200000
    g = rng.integers(0, n, m)
    p = rng.integers(0, n, m)
    keep = g != p
    k = rng.integers(0, 6, m).astype(np.uint8)
    w = World.from_arrays(
        np.char.add("S", np.arange(n).astype(str)), rng.random(n), g[keep], p[keep], k[keep],
        merge="max",
    )
    assert w.n_commitments <= keep.sum()
    assert np.all(np.diff(w.indptr) >= 0)
    key = w.guarantors.astype(np.int64) * n * 8 + w.indices.astype(np.int64) * 8 + w.kind
    assert np.all(np.diff(key) > 0)  # sorted and unique


def test_reweight_keeps_transposed_in_step(world):
    t = world.transposed
    w = world.reweight("USA", "EST", 0.5, kind="guarantee")
    fresh = World.from_frames(w.states_frame(), w.commitments_frame(), w.rivalries_frame())
    assert np.array_equal(w.transposed.credibility, fresh.transposed.credibility)
    assert w.transposed.indices is t.indices


def test_parse_edit():
    from foederis import parse_edit

    assert parse_edit("leave:TUR:NATO") == {"op": "without_member", "code": "TUR", "treaty": "NATO"}
    assert parse_edit("guarantee:USA:TAW:0.75") == {
        "op": "with_commitment", "guarantor": "USA", "protege": "TAW", "credibility": 0.75,
        "kind": "GUARANTEE"}
    assert parse_edit("treaty:Nordic:NOR+SWD+FIN:DEFENSE")["members"] == ["NOR", "SWD", "FIN"]
    assert parse_edit("scale:RUS:0.5") == {"op": "scale_capability", "code": "RUS", "factor": 0.5}
    with pytest.raises(EditError, match="unknown edit 'bomb:X'"):
        parse_edit("bomb:X")
    with pytest.raises(EditError, match="factor must be a number"):
        parse_edit("scale:RUS:lots")
    with pytest.raises(EditError, match="leave takes code:treaty"):
        parse_edit("leave:TUR")


def test_pickle_round_trip(world):
    import pickle

    w = world.without_member("EST", "NATO")
    back = pickle.loads(pickle.dumps(w))
    assert back.equals(w) and back.history == w.history and back.name == w.name
    assert not back.capability.flags.writeable
    with pytest.raises(AttributeError):
        back.name = "x"


def test_storage_is_what_the_arrays_need():
    """Issue 12, item 3: int32 indices both ways, constant columns stored as one value
    (and so after a pickle), unsorted rows stored as sorted ones are."""
    import pickle

    rng = np.random.default_rng(5)
    n, m = 50, 400
    key = np.unique(rng.integers(0, n * n, m))
    g, p = (key // n).astype(np.int32), (key % n).astype(np.int32)
    keep = g != p
    g, p = g[keep], p[keep]
    cred = rng.random(g.size)
    codes = [f"S{i}" for i in range(n)]
    w = World.from_arrays(codes, np.ones(n), g, p, np.zeros(g.size, np.uint8),
                          credibility=cred)
    assert w.indices.dtype == np.int32 and w.transposed.indices.dtype == np.int32
    assert w.transposed.edge.dtype == np.int32
    assert np.array_equal(w.transposed.edge, np.argsort(w.indices, kind="stable"))
    for col, value in (("treaty", -1), ("condition", 0)):
        a = getattr(w, col)
        assert a.strides == (0,) and a.shape == (g.size,) and a.dtype == np.int32
        assert (a == value).all() and not a.flags.writeable
    back = pickle.loads(pickle.dumps(w))
    assert back.equals(w) and back.treaty.strides == (0,) and back.condition.strides == (0,)
    shuffled = rng.permutation(g.size)
    w2 = World.from_arrays(codes, np.ones(n), g[shuffled].astype(np.int64), p[shuffled],
                           np.zeros(g.size, np.uint8), credibility=cred[shuffled])
    assert w2.equals(w)
    for a in (w.indices, w.credibility):  # never the caller's arrays
        assert not np.shares_memory(a, p) and not np.shares_memory(a, cred)
