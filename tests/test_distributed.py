"""Beyond one machine: the same results, bit for bit, on a Dask LocalCluster (127.0.0.1)."""

from __future__ import annotations

import numpy as np
import pytest

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

import foederis  # noqa: E402
from foederis.analysis import deterrence_map  # noqa: E402
from foederis.distributed import sample_blocks, simulate_distributed  # noqa: E402

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
        processes=True, silence_logs=40,
    )
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def test_sample_blocks_cover_the_range():
    b = sample_blocks(100, 1000, 4)
    assert b[0][0] == 100 and sum(n for _, n in b) == 1000
    assert all(n % 64 == 0 for _, n in b[:-1])
    assert all(s1 == s0 + n0 for (s0, n0), (s1, _) in zip(b, b[1:]))


@pytest.mark.parametrize("mode", ["threshold", "any"])
def test_simulate_on_a_cluster_is_bit_identical(client, mode):
    w = foederis.load_world().without_member("TUR", "NATO")
    rules = foederis.Rules(credibility_scale=0.75)
    local = foederis.simulate(w, "RUS:EST", rules, samples=1000, seed=7, mode=mode)
    remote = simulate_distributed(client, w, "RUS:EST", rules, samples=1000, seed=7,
                                  mode=mode, blocks=3)
    via_simulate = foederis.simulate(w, "RUS:EST", rules, samples=1000, seed=7, mode=mode,
                                     client=client)
    assert np.array_equal(via_simulate.p_join_d, local.p_join_d)
    for f in ("p_join_a", "p_join_d", "mean_round", "war_size", "balance"):
        assert np.array_equal(getattr(local, f), getattr(remote, f), equal_nan=True), f
    assert local.p_deterred == remote.p_deterred
    assert remote.world is w


def test_deterrence_map_on_a_cluster_is_bit_identical(client):
    w = foederis.load_world()
    codes = ["USA", "RUS", "CHN", "EST", "TAW", "UKR", "IND", "PAK"]
    local = deterrence_map(w, codes, codes, samples=128, seed=3)
    remote = deterrence_map(w, codes, codes, samples=128, seed=3, client=client)
    for f in ("computed", "balance", "deterred", "umbrella", "war_size", "n_rounds",
              "p_deterred", "mean_war_size"):
        assert np.array_equal(getattr(local, f), getattr(remote, f), equal_nan=True), f
    assert list(remote.aggressors) == codes and remote.n_pairs == local.n_pairs


def test_bad_client():
    with pytest.raises(foederis.ParameterError, match="dask.distributed.Client"):
        simulate_distributed(object(), foederis.load_world(), "RUS:EST")


def test_stop_is_checked_on_the_client_and_cancels_the_blocks(client):
    import threading
    import time

    w = foederis.load_world()
    ev = threading.Event()
    timer = threading.Timer(0.3, ev.set)
    t0 = time.perf_counter()
    timer.start()
    part = foederis.simulate(w, "RUS:EST", samples=300_000, seed=2, client=client, stop=ev)
    timer.cancel()
    assert time.perf_counter() - t0 < 1.8  # the blocks take seconds each
    assert part.interrupted and part.requested == 300_000 and part.samples < 300_000
    if part.samples:  # the consecutive blocks done from 0 are the first samples exactly
        whole = foederis.simulate(w, "RUS:EST", samples=part.samples, seed=2)
        assert np.array_equal(part.count_d, whole.count_d)
    with pytest.raises(foederis.Interrupted, match="before any block finished"):
        deterrence_map(w, ["RUS", "CHN", "USA", "IRN"], ["EST", "TAW"], samples=50_000,
                       client=client, stop=lambda: True)
