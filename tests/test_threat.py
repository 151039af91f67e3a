"""Threat exposure: t = h + beta * C t against scipy's sparse direct solve and a dense
plain-Python iteration; convergence errors; serial and parallel sweeps agree."""

from __future__ import annotations

import naive
import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spl
from foederis import Rules
from foederis.errors import ConvergenceError, ParameterError
from foederis.threat import ThreatExposure, commitment_weights, threat_exposure
from foederis.world import World
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def random_world(seed: int, n: int, m: int, r: int) -> World:
    rng = np.random.default_rng(seed)
    g, p = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = g != p
    k = rng.integers(0, 6, m).astype(np.uint8)[keep]
    s, t = rng.integers(0, n, r), rng.integers(0, n, r)
    ok = s != t
    key = np.unique(s[ok] * n + t[ok])
    return World.from_arrays(
        [f"S{i}" for i in range(n)], rng.random(n) * 10, g[keep], p[keep], k,
        credibility=rng.random(int(keep.sum())), domains=rng.integers(1, 32, int(keep.sum())),
        merge="max", rivalry_source=key // n, rivalry_target=key % n,
        hostility=rng.random(len(key)),
    )


def reference(w: World, beta: float, rules=None, domain_bit=1) -> np.ndarray:
    rules = rules or Rules()
    n = w.n_states
    C = sp.csr_array((commitment_weights(w, rules, domain_bit), w.indices, w.indptr),
                     shape=(n, n))
    h = w.rivalries.T @ w.capability
    return spl.spsolve((sp.identity(n, format="csc") - beta * C.tocsc()), h)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), n=st.integers(1, 60), density=st.integers(0, 6),
       frac=st.sampled_from([0.1, 0.5, 0.9, 0.99]))
def test_matches_spsolve(seed, n, density, frac):
    w = random_world(seed, n, n * density, n * 2)
    max_row = np.bincount(w.guarantors, weights=commitment_weights(w, Rules(), 1),
                          minlength=n).max(initial=0.0)
    beta = frac / max_row if max_row > 0 else 0.7
    te = threat_exposure(w, beta)
    np.testing.assert_allclose(te.exposure, reference(w, beta), rtol=1e-9, atol=1e-12)
    assert te.bound < 1 and te.converged
    np.testing.assert_allclose(te.own, w.rivalries.T @ w.capability, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(te.imported, te.exposure - te.own)


def test_matches_the_dense_twin_and_rules_weights():
    w = random_world(3, 12, 40, 20)
    rules = Rules(entente_weight=0.5, credibility_scale=1.5)
    for domain, bit in (("conventional", 1), ("cyber", 4)):
        te = threat_exposure(w, 0.05, rules=rules, domain=domain)
        ref = naive.threat_exposure_dense(w, 0.05, commitment_weights(w, rules, bit))
        np.testing.assert_allclose(te.exposure, ref, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(te.exposure, reference(w, 0.05, rules, bit), rtol=1e-9)


def test_restraints_import_no_threat():
    # B threatened by C; A has only a NONAGGRESSION pact with B: imports nothing.
    w = World.from_arrays(["A", "B", "C"], [1.0, 1.0, 1.0], [0, 0], [1, 1],
                          np.array([4, 5], np.uint8), rivalry_source=[2], rivalry_target=[1],
                          hostility=[0.5])
    te = threat_exposure(w, 0.9)
    assert te.exposure.tolist() == [0.0, 0.5, 0.0]


def test_parallel_equals_serial():
    w = random_world(7, 3000, 30000, 5000)
    a = threat_exposure(w, 0.01, parallel=False)
    b = threat_exposure(w, 0.01, parallel=True)
    np.testing.assert_array_equal(a.exposure, b.exposure)
    assert a.iterations == b.iterations


def test_divergence_is_a_clear_error():
    # a mutual pact with credibility 1: C = [[0, 1], [1, 0]], spectral radius 1
    w = World.from_arrays(["A", "B", "C"], [1.0, 1.0, 1.0], [0, 1], [1, 0],
                          np.zeros(2, np.uint8), rivalry_source=[2], rivalry_target=[1],
                          hostility=[1.0])
    for beta in (1.0, 1.5, 40.0):
        with pytest.raises(ConvergenceError, match=f"beta={beta:g}") as info:
            threat_exposure(w, beta)
        msg = str(info.value)
        assert "max row sum of C" in msg and "beta < 1 guarantees it" in msg
    te = threat_exposure(w, 0.9)
    assert np.isclose(te.exposure[1], 1 / (1 - 0.9**2), rtol=1e-11)
    with pytest.raises(ConvergenceError, match="too slowly"):
        threat_exposure(w, 0.999, max_iter=10)


def test_a_large_bound_that_still_converges():
    # A guarantees 10 states, nobody guarantees A: C is nilpotent, so beta * row sum = 5
    # does not stop convergence.
    n = 11
    w = World.from_arrays([f"S{i}" for i in range(n)], np.ones(n), np.zeros(10, np.int64),
                          np.arange(1, n), np.zeros(10, np.uint8),
                          rivalry_source=np.ones(10, np.int64) * 3,
                          rivalry_target=np.r_[1, 2, np.arange(4, 12)][:10] % n,
                          hostility=np.full(10, 0.5))
    te = threat_exposure(w, 0.5)
    assert te.bound == 5.0
    np.testing.assert_allclose(te.exposure, reference(w, 0.5))


def test_result_and_errors():
    w = random_world(1, 10, 30, 10)
    te = threat_exposure(w, 0.01)
    assert isinstance(te, ThreatExposure)
    f = te.to_frame()
    assert list(f.columns) == ["name", "own", "imported", "exposure"]
    assert not te.exposure.flags.writeable and not te.own.flags.writeable
    assert "ThreatExposure beta=0.01" in repr(te)
    empty = World.from_arrays(["A"], [1.0])
    assert threat_exposure(empty, 0.5).exposure.tolist() == [0.0]
    for kw, words in ((dict(beta=-1), "beta"), (dict(beta=float("nan")), "beta"),
                      (dict(tol=0), "tol"), (dict(max_iter=0), "max_iter"),
                      (dict(domain="air"), "domain"), (dict(parallel=1), "parallel")):
        with pytest.raises(ParameterError, match=words):
            threat_exposure(w, **{"beta": 0.1, **kw})
