"""synthetic_world: reproducible, the requested size, well formed, structured, validated."""

from __future__ import annotations

import re

import numpy as np
import pytest
from foederis import ParameterError, World
from foederis._constants import (
    DEFENSE,
    ENTENTE,
    GUARANTEE,
    NEUTRALITY,
    NONAGGRESSION,
    NUCLEAR,
    OFFENSE,
)
from foederis.synthetic import _synthetic_arrays, synthetic_world

N = 2000  # small enough for a fast test, big enough for the structure to show


@pytest.fixture(scope="module")
def arrays() -> dict:
    return _synthetic_arrays(N, 10.0, seed=7)


@pytest.fixture(scope="module")
def world() -> World:
    return synthetic_world(N, 10.0, seed=7)


def _edges(w: World) -> tuple[np.ndarray, np.ndarray]:
    guarantor = np.repeat(np.arange(w.n_states), np.diff(w.indptr))
    return guarantor, np.asarray(w.indices, dtype=np.int64)


def test_returns_a_world(world: World) -> None:
    assert isinstance(world, World)
    assert world.n_states == N
    assert world.name == "synthetic"
    assert world.codes[0] == "S0000" and world.codes[-1] == "S1999"
    assert len(set(world.codes.tolist())) == N


def test_same_seed_same_world(world: World) -> None:
    again = synthetic_world(N, 10.0, seed=7)
    for field in (
        "codes",
        "capability",
        "indptr",
        "indices",
        "kind",
        "credibility",
        "domains",
        "treaty",
        "region",
        "nuclear",
        "global_reach",
        "riv_indptr",
        "riv_indices",
        "riv_hostility",
        "gdp",
        "defense_spending",
    ):
        np.testing.assert_array_equal(getattr(again, field), getattr(world, field), err_msg=field)
    assert again.treaty_names == world.treaty_names


def test_generator_seed_is_accepted() -> None:
    a = synthetic_world(300, 5.0, seed=np.random.default_rng(3))
    b = synthetic_world(300, 5.0, seed=np.random.default_rng(3))
    np.testing.assert_array_equal(a.indices, b.indices)


def test_another_seed_another_world(world: World) -> None:
    other = synthetic_world(N, 10.0, seed=8)
    assert not np.array_equal(other.capability, world.capability)
    assert other.n_commitments != world.n_commitments or not np.array_equal(
        other.indices, world.indices
    )


@pytest.mark.parametrize("mean", [2.0, 5.0, 10.0, 20.0])
def test_size_near_requested_mean(mean: float) -> None:
    w = synthetic_world(N, mean, seed=1)
    assert abs(w.n_commitments / N - mean) <= 0.05 * mean
    assert w.n_rivalries == pytest.approx(N * 1.0, rel=0.05)


def test_shares_of_kinds_near_requested(world: World) -> None:
    counts = np.bincount(world.kind, minlength=6) / world.n_commitments
    assert counts[GUARANTEE] == pytest.approx(0.2, abs=0.03)
    assert counts[ENTENTE] + counts[NEUTRALITY] + counts[NONAGGRESSION] == pytest.approx(
        0.1, abs=0.02
    )
    assert counts[DEFENSE] + counts[OFFENSE] == pytest.approx(0.7, abs=0.03)


def test_no_self_or_duplicate_commitments(arrays: dict) -> None:
    g, p, k = arrays["guarantor"], arrays["protege"], arrays["kind"]
    assert not np.any(g == p)
    key = (g.astype(np.int64) * N + p) * 8 + k
    assert np.unique(key).size == key.size
    assert np.all(np.diff(key) > 0)  # CSR order: by guarantor, protege, kind
    rs, rt = arrays["rivalry_source"], arrays["rivalry_target"]
    assert not np.any(rs == rt)
    rkey = rs.astype(np.int64) * N + rt
    assert np.unique(rkey).size == rkey.size


def test_value_ranges(arrays: dict) -> None:
    assert np.all(arrays["capability"] > 0)
    assert arrays["capability"].sum() == pytest.approx(1.0)
    assert set(np.unique(arrays["credibility"]).tolist()) <= {0.3, 0.6, 0.9, 1.0}
    h = arrays["hostility"]
    assert np.all((h > 0) & (h <= 1))
    assert np.all(arrays["gdp"] > 0) and np.all(arrays["defense_spending"] > 0)
    assert all(re.fullmatch(r"T\d{6}", t) for t in arrays["treaty_names"])


def test_blocs_are_contiguous_and_treaties_stay_inside(arrays: dict) -> None:
    bloc = arrays["bloc"]
    n_blocs = round(np.sqrt(N) / 2)
    assert np.unique(bloc).size == n_blocs
    assert np.all(np.diff(bloc) >= 0)  # contiguous index ranges
    g, p, k = arrays["guarantor"], arrays["protege"], arrays["kind"]
    treaty = arrays["treaty"]
    in_treaty = treaty >= 0
    assert np.array_equal(in_treaty, (k == DEFENSE) | (k == OFFENSE))
    assert np.all(bloc[g[in_treaty]] == bloc[p[in_treaty]])
    entente = k == ENTENTE
    assert np.all(bloc[g[entente]] == bloc[p[entente]])
    # a treaty is multilateral and mutual: its edges come in both directions
    tk = set(zip(g[in_treaty].tolist(), p[in_treaty].tolist(), strict=True))
    assert all((b, a) in tk for a, b in list(tk)[:500])
    sizes = np.bincount(treaty[in_treaty])
    assert sizes.max() >= 3 * 2  # some treaty has at least 3 members


def test_one_treaty_binds_every_member_to_every_other(world: World) -> None:
    g, p = _edges(world)
    t, k = world.treaty, world.kind
    present = set(zip(g.tolist(), p.tolist(), k.tolist(), strict=True))
    complete = []
    for i in range(min(50, len(world.treaty_names))):
        mine = t == i
        members = np.union1d(g[mine], p[mine]).tolist()
        kind = int(k[mine][0])
        assert all((a, b, kind) in present for a in members for b in members if a != b)
        complete.append(mine.sum() == len(members) * (len(members) - 1))
    # a pair that two treaties bind carries the first treaty's name: most treaties still
    # carry all their pairs
    assert np.mean(complete) > 0.5


def test_hub_and_spoke_guarantees_from_great_powers(arrays: dict) -> None:
    g, p, k = arrays["guarantor"], arrays["protege"], arrays["kind"]
    reach = arrays["global_reach"]
    guar = k == GUARANTEE
    assert np.all(reach[g[guar]])  # only great powers guarantee
    assert reach.sum() == int(np.ceil(0.02 * N))
    per_guarantor = np.bincount(g[guar], minlength=N)[reach]
    assert per_guarantor.max() >= 5 * np.median(per_guarantor)  # hubs: heavy tailed
    # many clients are in the guarantor's bloc (by chance: 1 in 22); hubs overflow it
    assert np.mean(arrays["bloc"][g[guar]] == arrays["bloc"][p[guar]]) > 0.3
    # nuclear guarantors extend the nuclear umbrella
    nuclear = arrays["nuclear"]
    assert np.all((arrays["domains"][guar] & NUCLEAR > 0) == nuclear[g[guar]])


def test_capability_is_heavy_tailed_and_great_powers_lead(arrays: dict) -> None:
    cap = arrays["capability"]
    top = np.sort(cap)[::-1]
    assert top[: N // 50].sum() > 0.1  # the top 2% hold more than 10%
    nuclear, reach = arrays["nuclear"], arrays["global_reach"]
    assert nuclear.sum() == int(np.ceil(0.01 * N))
    assert np.all(reach[nuclear])  # the nuclear states are among the great powers
    assert cap[reach].min() >= cap[~reach].max()


def test_rivalries_run_between_blocs(arrays: dict) -> None:
    bloc = arrays["bloc"]
    rs, rt = arrays["rivalry_source"], arrays["rivalry_target"]
    assert rs.size > 0
    assert np.all(bloc[rs] != bloc[rt])
    pairs = set(zip(rs.tolist(), rt.tolist(), strict=True))
    assert np.mean([(b, a) in pairs for a, b in pairs]) > 0.95  # rivalries are mutual


def test_regions_group_consecutive_blocs(arrays: dict) -> None:
    region, bloc = arrays["region"], arrays["bloc"]
    # each bloc lies in one region; regions follow the bloc order
    for b in np.unique(bloc)[:10]:
        assert np.unique(region[bloc == b]).size == 1
    codes = np.unique(region, return_inverse=True)[1]
    assert np.all(np.diff(codes) >= 0)
    assert np.unique(region).size == round(np.sqrt(round(np.sqrt(N) / 2)))


def test_tiny_and_degenerate_worlds() -> None:
    one = synthetic_world(1, 0.0, rivalry_density=0.0)
    assert one.n_states == 1 and one.n_commitments == 0 and one.n_rivalries == 0
    two = synthetic_world(2, 1.0, blocs=1, rivalry_density=1.0)
    assert two.n_states == 2 and two.n_commitments <= 2
    empty = synthetic_world(100, 0.0, rivalry_density=0.0)
    assert empty.n_commitments == 0 and empty.n_rivalries == 0
    only_guarantees = synthetic_world(300, 3.0, guarantee_share=1.0, informal_share=0.0)
    assert set(np.unique(only_guarantees.kind).tolist()) == {GUARANTEE}
    one_bloc = synthetic_world(200, 4.0, blocs=1)
    assert one_bloc.n_commitments > 0 and one_bloc.n_rivalries > 0
    singletons = synthetic_world(50, 2.0, blocs=50)  # no bloc can host a treaty
    assert singletons.n_states == 50 and not np.any(singletons.treaty >= 0)


def test_options_take_effect() -> None:
    w = synthetic_world(
        500,
        6.0,
        blocs=5,
        regions=2,
        credibility_levels=[0.5],
        offense_share=1.0,
        nuclear_share=0.0,
        seed=2,
    )
    assert np.unique(w.region).size == 2
    assert np.all(w.credibility == 0.5)
    assert not np.any(w.kind == DEFENSE) and np.any(w.kind == OFFENSE)
    assert not w.nuclear.any()


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_states": 0}, "n_states"),
        ({"n_states": 2.5}, "n_states"),
        ({"n_states": True}, "n_states"),
        ({"mean_commitments": -1.0}, "mean_commitments"),
        ({"mean_commitments": float("nan")}, "mean_commitments"),
        ({"mean_commitments": 100.0}, "mean_commitments"),  # > n_states - 1
        ({"blocs": 0}, "blocs"),
        ({"blocs": 51}, "blocs"),
        ({"seed": -1}, "seed"),
        ({"seed": "x"}, "seed"),
        ({"guarantee_share": 1.5}, "guarantee_share"),
        ({"informal_share": -0.1}, "informal_share"),
        ({"guarantee_share": 0.7, "informal_share": 0.5}, "guarantee_share + informal_share"),
        ({"offense_share": 2.0}, "offense_share"),
        ({"treaty_size": 1.0}, "treaty_size"),
        ({"treaty_size": float("inf")}, "treaty_size"),
        ({"rivalry_density": -1.0}, "rivalry_density"),
        ({"capability_tail": 0.0}, "capability_tail"),
        ({"capability_tail": "heavy"}, "capability_tail"),
        ({"great_power_share": 0.0}, "great_power_share"),
        ({"nuclear_share": 1.1}, "nuclear_share"),
        ({"regions": 0}, "regions"),
        ({"credibility_levels": []}, "credibility_levels"),
        ({"credibility_levels": [0.0, 0.5]}, "credibility_levels"),
        ({"credibility_levels": ["high"]}, "credibility_levels"),
        ({"guarantee_locality": 1.5}, "guarantee_locality"),
    ],
)
def test_bad_parameters_name_themselves(kwargs: dict, name: str) -> None:
    args = {"n_states": 50, "mean_commitments": 4.0, **kwargs}
    with pytest.raises(ParameterError, match=re.escape(name)):
        synthetic_world(**args)


@pytest.mark.parametrize(
    ("kwargs", "valid"),
    [
        ({"mean_commitments": 60.0}, "[0, 49]"),
        ({"blocs": 0}, "[1, 50]"),
        ({"capability_tail": -1.0}, "(0, inf]"),
        ({"treaty_size": 1.5}, "[2, inf]"),
        ({"credibility_levels": [2.0]}, "(0, 1]"),
    ],
)
def test_bad_parameters_name_the_valid_range(kwargs: dict, valid: str) -> None:
    with pytest.raises(ParameterError, match=re.escape(valid)):
        synthetic_world(50, **{"mean_commitments": 4.0, **kwargs})
