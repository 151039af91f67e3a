"""Every long run interruptible, every big run estimated first (issue 11, items 1 and 2).

The conventions tested here (README, "Long runs"): a ``stop`` flag makes ``simulate`` and
``deterrence_map`` *return* what was done (``interrupted=True``) and makes ``entrapment``
and ``threat_exposure`` *raise* ``foederis.Interrupted`` (a share over part of the wars, or
an iterate short of convergence, is no answer); Ctrl-C (SIGINT) raises
``foederis.Interrupted`` everywhere, with the partial result on ``.partial`` where there is
one. Either takes effect within a block (~0.2 s), whatever the number of samples.
"""

from __future__ import annotations

import signal
import threading
import time

import numpy as np
import pytest

import foederis
from foederis import BudgetError, Interrupted, World, simulate, threat_exposure
from foederis.analysis import _sweep, deterrence_map, entrapment
from foederis.cli import main

#: Seconds after which the stop flag / SIGINT fires, and the most the call may take after.
FIRE = 0.5
LATENCY = 1.5


@pytest.fixture(scope="module")
def world():
    w = foederis.load_world()
    for mode in foederis.MODES:  # load the compiled kernels outside the timed calls
        for par in (False, True):  # (on a fresh numba cache, compiling takes seconds)
            simulate(w, "RUS:EST", samples=256, mode=mode, parallel=par)
            deterrence_map(w, ["RUS"], ["EST"], samples=3000, mode=mode, parallel=par)
            deterrence_map(w, ["RUS", "CHN"], ["EST"], samples=64, mode=mode, parallel=par)
    return w


@pytest.fixture(scope="module")
def ring():
    """A ring of guarantees (spectral radius 1): with beta near 1 the threat iteration
    converges very slowly."""
    n = 50_000
    i = np.arange(n)
    w = World.from_arrays([f"S{k}" for k in i], np.ones(n), guarantor=i, protege=(i + 1) % n,
                          kind=np.full(n, "guarantee"), rivalry_source=[0],
                          rivalry_target=[1], hostility=[1.0])
    threat_exposure(w, 0.5)
    return w


@pytest.fixture(scope="module")
def synth():
    w = foederis.synthetic_world(800, 20, seed=1)  # 639,200 wars, set up in ~10 ms
    for par in (False, True):  # both kernels compiled (or loaded) outside the timed calls
        entrapment(w, weights=[(0, 1), (2, 3)], parallel=par)
    return w


@pytest.fixture
def budgets():
    """Restore foederis.config after a test changes it."""
    old = foederis.config.memory_budget, foederis.config.time_budget
    yield foederis.config
    foederis.config.memory_budget, foederis.config.time_budget = old


def _calls(world, ring, synth):
    """name -> (call taking stop=, whether stop returns (True) or raises)."""
    return {
        "simulate-threshold": (lambda **k: simulate(world, "RUS:EST", samples=10**9,
                                                    time_budget=None, **k), True),
        "simulate-any": (lambda **k: simulate(world, "RUS:EST", samples=10**11, mode="any",
                                              time_budget=None, **k), True),
        "deterrence_map": (lambda **k: deterrence_map(world, ["RUS"], ["EST"], samples=10**8,
                                                      time_budget=None, **k), True),
        "deterrence_map-any": (lambda **k: deterrence_map(
            world, ["RUS", "CHN"], ["EST"], samples=10**10, mode="any", time_budget=None,
            **k), True),
        "entrapment": (lambda **k: entrapment(synth, weights="uniform", time_budget=None,
                                              **k), False),
        "threat": (lambda **k: threat_exposure(ring, 0.999999, tol=1e-15, max_iter=10**9,
                                               **k), False),
    }


CALLS = ["simulate-threshold", "simulate-any", "deterrence_map", "deterrence_map-any",
         "entrapment", "threat"]


@pytest.mark.parametrize("name", CALLS)
def test_stop_takes_effect_within_a_block(world, ring, synth, name):
    call, returns = _calls(world, ring, synth)[name]
    ev = threading.Event()
    seen = []
    timer = threading.Timer(FIRE, ev.set)
    t0 = time.perf_counter()
    timer.start()
    try:
        if returns:
            out = call(stop=ev, progress=lambda d, t: seen.append((d, t)))
            assert out.interrupted
        else:
            with pytest.raises(Interrupted, match="stopped"):
                call(stop=ev, progress=lambda d, t: seen.append((d, t)))
    finally:
        timer.cancel()
    took = time.perf_counter() - t0
    assert ev.is_set() and took < FIRE + LATENCY, f"{name}: stop took effect at {took:.2f} s"
    assert len(seen) > 1 and all(d <= t for d, t in seen)  # progress, more than once


@pytest.mark.parametrize("name", CALLS)
def test_sigint_takes_effect_within_a_block(world, ring, synth, name):
    call, _ = _calls(world, ring, synth)[name]
    main_id = threading.main_thread().ident
    timer = threading.Timer(FIRE, lambda: signal.pthread_kill(main_id, signal.SIGINT))
    t0 = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(Interrupted, match="interrupted"):
            call()
    finally:
        timer.cancel()
    took = time.perf_counter() - t0
    assert took < FIRE + LATENCY, f"{name}: Ctrl-C took effect at {took:.2f} s"


@pytest.mark.parametrize("mode", foederis.MODES)
def test_a_stopped_ensemble_is_the_first_samples_of_the_whole(world, mode):
    ev = threading.Event()
    timer = threading.Timer(0.3, ev.set)
    timer.start()
    part = simulate(world, "CHN:TAW", samples=10**9, seed=5, mode=mode, stop=ev,
                    time_budget=None)
    timer.cancel()
    assert part.interrupted and 0 < part.samples < 10**9 and not part.per_sample
    whole = simulate(world, "CHN:TAW", samples=part.samples, seed=5, mode=mode,
                     per_sample=True)
    for f in ("count_a", "count_d", "round_sum"):
        np.testing.assert_array_equal(getattr(part, f), getattr(whole, f))
    assert part.n_deterred == whole.n_deterred == np.count_nonzero(whole.deterred)
    assert part.war_size_sum == whole.war_size_sum == whole.war_size.sum()


@pytest.mark.parametrize("mode", foederis.MODES)
def test_pair_ensembles_split_in_sample_blocks_equal_the_one_kernel_sweep(world, mode,
                                                                          monkeypatch):
    args = (world, ["RUS", "CHN", "USA"], ["EST", "TAW", "POL"])
    kw = dict(samples=_sweep.PAIR_SAMPLES + 500, seed=9, mode=mode)
    split = deterrence_map(*args, **kw)  # pair by pair, blocks of samples
    monkeypatch.setattr(_sweep, "PAIR_SAMPLES", 10**9)
    whole = deterrence_map(*args, **kw)  # each pair's ensemble in one kernel call
    for f in ("p_deterred", "mean_war_size", "balance", "war_size"):
        np.testing.assert_array_equal(getattr(split, f), getattr(whole, f))
    e = simulate(world, "CHN:POL", samples=kw["samples"], seed=9, mode=mode)
    assert split["CHN", "POL"]["p_deterred"] == e.p_deterred


def test_threat_in_blocks_equals_one_kernel_call(ring):
    seen = []
    te = threat_exposure(ring, 0.99, tol=1e-12, progress=lambda d, t: seen.append(d))
    assert len(seen) > 1  # it ran in several blocks
    from foederis import kernels
    from foederis.threat import commitment_weights

    n = ring.n_states
    t, work, stats = np.empty(n), np.empty(n), np.zeros((1, 2))
    status, iters, _ = kernels.threat_iterate_serial(
        ring.indptr, ring.indices, commitment_weights(ring, foederis.Rules(), 1), te.own,
        0.99, 1e-12, 10_000, t, work, stats)
    assert status == 0 and iters == te.iterations
    np.testing.assert_array_equal(t, te.exposure)


def test_huge_ensembles_are_refused_before_allocating(world):
    t0 = time.perf_counter()
    with pytest.raises(BudgetError, match=r"would allocate about 19\.1 TiB.*per_sample=False"):
        simulate(world, "RUS:EST", samples=10**12, per_sample=True)
    assert time.perf_counter() - t0 < 0.5  # refused from the sizes
    for mode in foederis.MODES:  # counts only: memory is flat, the time is projected
        with pytest.raises(BudgetError, match=r"estimated to take about [\d.]+ days.*fewer "
                                              r"samples.*Dask"):
            simulate(world, "RUS:EST", samples=10**12, mode=mode)
    with pytest.raises(BudgetError, match=r"deterrence_map of 1 pair x 10,000,000,000 "
                                          r"samples is estimated"):
        deterrence_map(world, ["RUS"], ["EST"], samples=10**10)


def test_per_sample_arrays_only_when_asked(world):
    e = simulate(world, "RUS:EST", samples=2 * foederis._simulate.PER_SAMPLE_AUTO,
                 mode="any")
    assert not e.per_sample and len(e.war_size) == 0 and 0 <= e.p_deterred <= 1
    assert e.mean_war_size > 1
    with pytest.raises(foederis.ParameterError, match="per_sample=True"):
        e.samples_frame()
    small = simulate(world, "RUS:EST", samples=100)
    assert small.per_sample and len(small.war_size) == 100


def test_config_budgets_are_respected(world, budgets):
    budgets.memory_budget = 10**6
    with pytest.raises(BudgetError, match=r"memory budget of 976\.6 KiB"):
        deterrence_map(world)
    deterrence_map(world, memory_budget=None, targets=["EST"])  # the call's own budget
    budgets.memory_budget = None
    budgets.time_budget = 0.05
    with pytest.raises(BudgetError, match=r"over the time budget of 0\.05 s"):
        simulate(world, "RUS:EST", samples=10**7)
    assert simulate(world, "RUS:EST", samples=10**4, time_budget=None).samples == 10**4
    with pytest.raises(foederis.ParameterError, match="time_budget"):
        budgets.time_budget = -1


def test_cli_refuses_a_huge_run_in_one_line(capsys):
    code = main(["whatif", "--attack", "RUS:EST", "--samples", "1000000000000"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and err.count("\n") == 1
    assert err.startswith("foederis: error: simulate of 1,000,000,000,000 samples")
