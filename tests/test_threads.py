"""Results do not depend on how the kernels run: serial or parallel, 1 or 2 numba threads,
or not compiled at all (NUMBA_DISABLE_JIT=1). Each variant runs in a fresh subprocess and
prints a digest of everything it computed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import foederis
import numpy as np
import pytest
from foederis import simulate
from foederis.threat import threat_exposure

ENGINE = str(Path(foederis.__file__).resolve().parents[1])

SCRIPT = r"""
import hashlib, sys, warnings
import numpy as np
import numba
from foederis.world import World
from foederis import Rules, cascade
from foederis import simulate
from foederis.threat import threat_exposure

rng = np.random.default_rng(123)
n, m = 24, 110
g, p = rng.integers(0, n, m), rng.integers(0, n, m)
keep = g != p
mk = int(keep.sum())
w = World.from_arrays([f"S{i}" for i in range(n)], rng.random(n), g[keep], p[keep],
    rng.integers(0, 6, m).astype(np.uint8)[keep], credibility=rng.random(mk), merge="max",
    domains=rng.integers(1, 4, mk), nuclear=rng.random(n) < 0.3,
    region=rng.choice(["E", "A", ""], n), global_reach=rng.random(n) < 0.2,
    rivalry_source=np.arange(n - 1), rivalry_target=np.arange(1, n), hostility=rng.random(n - 1))
h = hashlib.sha256()
def put(*arrays):
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
rules = Rules(threshold=0.5, defend_initiators=0.5)
for a, t in [(0, 1), (2, 3), (5, 9)]:
    c = cascade(w, (a, t), rules)
    put(c.side, c.round, c.initiator, c.capability_by_round, np.array([c.balance]))
for mode in ("threshold", "any"):
    for par in (False, True):
        e = simulate(w, (0, 1), rules, samples=200, seed=99, mode=mode, start=5, parallel=par)
        put(e.count_a, e.count_d, e.round_sum, e.war_size, e.n_rounds, e.balance, e.deterred)
for par in (False, True):
    te = threat_exposure(w, 0.02, parallel=par)
    put(te.exposure, np.array([te.iterations]))
# the cascade's parallel rounds forced (every World split, every round from 2 on in
# parallel, states dealt one by one): with 1 thread the serial kernel runs instead
import foederis._cascade_pulls as fc
fc.PARALLEL_ROUND_EDGES = 0
fc.OWNER_SHIFT = 0
n = 3000
g, p = rng.integers(1, n, 9000), rng.integers(1, n, 9000)
g = np.concatenate((np.arange(2, n), g))
p = np.concatenate((np.ones(n - 2, dtype=np.int64), p))
key = np.unique((g * n + p)[g != p])
g, p = key // n, key % n
w = World.from_arrays([f"S{i}" for i in range(n)], rng.random(n), g, p,
    np.zeros(g.size, np.uint8), credibility=rng.choice([0.25, 0.5, 0.75, 1.0], g.size),
    threshold=rng.choice([0.3, 0.9, 1.6, 2.5], n))
for _ in range(3):
    c = cascade(w, "S0:S1")
    put(c.side, c.round, c.order, c.round_ptr, c.capability_by_round)
assert c.n_rounds >= 3
print(bool(numba.config.DISABLE_JIT), numba.get_num_threads(), h.hexdigest())
"""


def run(env_extra: dict) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(env_extra)
    env["PYTHONPATH"] = ENGINE + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", SCRIPT], env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.split()


def test_thread_counts_and_disable_jit_agree():
    one = run({"NUMBA_NUM_THREADS": "1"})
    two = run({"NUMBA_NUM_THREADS": "2"})
    nojit = run({"NUMBA_DISABLE_JIT": "1"})
    assert one[:2] == ["False", "1"] and two[:2] == ["False", "2"] and nojit[0] == "True"
    assert one[2] == two[2] == nojit[2]


@pytest.mark.parametrize("mode", ["threshold", "any"])
def test_serial_and_parallel_agree_in_process(mode):
    rng = np.random.default_rng(4)
    n, m = 200, 1500
    g, p = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = g != p
    w = foederis.World.from_arrays(
        [f"S{i}" for i in range(n)], rng.random(n), g[keep], p[keep],
        rng.integers(0, 4, m).astype(np.uint8)[keep], credibility=rng.random(int(keep.sum())),
        merge="max")
    a = simulate(w, "S0:S1", samples=700, seed=8, mode=mode, parallel=False)
    b = simulate(w, "S0:S1", samples=700, seed=8, mode=mode, parallel=True)
    for name in ("count_a", "count_d", "round_sum", "war_size", "n_rounds", "deterred"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert np.array_equal(a.balance, b.balance, equal_nan=True)
    t1 = threat_exposure(w, 0.01, parallel=False)
    t2 = threat_exposure(w, 0.01, parallel=True)
    assert np.array_equal(t1.exposure, t2.exposure)
