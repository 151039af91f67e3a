"""foederis.kernels as an embedding API: a user's own @njit code calls the kernels on
plain arrays; check_csr guards hand-built arrays; the documented examples run."""

from __future__ import annotations

import doctest

import foederis.kernels as kernels
import numba
import numpy as np
import pytest
from foederis import Rules, cascade
from foederis.errors import ParameterError
from foederis import simulate
from foederis.world import World

from foederis._constants import KINDS, N_KINDS, PULL_KINDS


def example_world() -> World:
    rng = np.random.default_rng(11)
    n, m = 25, 120
    g, p = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = g != p
    return World.from_arrays(
        [f"S{i}" for i in range(n)], rng.random(n), g[keep], p[keep],
        rng.integers(0, N_KINDS, m).astype(np.uint8)[keep],
        credibility=rng.choice([0.25, 0.5, 0.75, 1.0], int(keep.sum())), merge="max",
        region=rng.choice(["E", "A"], n), global_reach=rng.random(n) < 0.3,
        nuclear=rng.random(n) < 0.3,
    )


@numba.njit
def user_sweep(x, targets, aggressor):
    """A user's own kernel: for each target, the cascade's D capability."""
    n = x.capability.shape[0]
    out = np.zeros(targets.shape[0])
    side = np.empty(n, np.int8)
    rnd = np.empty(n, np.int32)
    init = np.empty(n, np.bool_)
    order = np.empty(n, np.int32)
    ptr = np.empty(n + 2, np.int64)
    cap = np.empty((n + 1, 2))
    agg = np.array([aggressor], dtype=np.int64)
    for k in range(targets.shape[0]):
        nr = kernels.cascade_kernel(
            x.tindptr, x.tindices, x.tcredibility, x.tkind, x.tdomains, x.threshold,
            x.default_threshold, x.region_code, x.global_reach, x.theatre, x.reach, agg,
            targets[k:k + 1], x.domain, x.pull_weight, x.restraint_weight,
            x.defend_initiators, x.credibility_scale, x.max_rounds, x.levers, x.capability,
            side, rnd, init, order, ptr, cap)
        out[k] = cap[nr, 1]
    return out


def test_user_njit_code_calls_the_cascade_kernel():
    w = example_world()
    # the levers that read the world per question are off: the inputs of S0:S1 then serve
    # every target (cascade_inputs is per question when they are on)
    rules = Rules(threshold=0.75, reach=False, conditions=False,
                  bound_victim_unrestrained=False)
    x = kernels.cascade_inputs(w, "S0:S1", rules)
    targets = np.arange(1, w.n_states, dtype=np.int64)
    got = user_sweep(x, targets, 0)
    want = [cascade(w, (0, int(t)), rules).capability_d for t in targets]
    assert got.tolist() == want


def test_user_njit_code_gets_conditions_applied_per_target():
    # the kernel evaluates the treaty conditions (and the restraint that reads the treaty)
    # for the attack it is given: inputs built for RUS:EST serve every target
    import foederis

    w = foederis.load_world("contemporary")
    assert np.any(w.condition)
    rules = Rules()
    x = kernels.cascade_inputs(w, "RUS:EST", rules)
    rus = w.index("RUS")
    europe = np.flatnonzero((w.region == "Europe") & (np.arange(w.n_states) != rus))
    got = user_sweep(x, europe.astype(np.int64), rus)
    want = [cascade(w, (rus, int(t)), rules).capability_d for t in europe]
    assert got.tolist() == want
    off = [cascade(w, (rus, int(t)), Rules(conditions=False)).capability_d for t in europe]
    assert off != want  # the conditions change some answers


@numba.njit
def user_hand_built(tindptr, tindices, tcred, tkind, tdomains):
    n = tindptr.shape[0] - 1
    side = np.empty(n, np.int8)
    rnd = np.empty(n, np.int32)
    init = np.empty(n, np.bool_)
    order = np.empty(n, np.int32)
    ptr = np.empty(n + 2, np.int64)
    cap = np.empty((n + 1, 2))
    pull = np.array([1.0, 1.0, 1.0, 0.25, 0.0, 0.0])
    restraint = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 0.5])
    nr = kernels.cascade_kernel(
        tindptr, tindices, tcred, tkind, tdomains, np.full(n, np.nan), 0.5,
        np.full(n, -1, np.int32), np.zeros(n, np.bool_), np.zeros(1, np.bool_), False,
        np.array([0], np.int64), np.array([1], np.int64), 1, pull, restraint, 0.0, 1.0, -1,
        kernels.no_levers(n), np.ones(n), side, rnd, init, order, ptr, cap)
    return side, rnd, nr


def test_hand_built_arrays_through_check_csr():
    # chain of defense 2 -> 1, 3 -> 2 as a transposed CSR (row = protege)
    csr = kernels.check_csr([0, 0, 1, 2, 2], [2, 3], credibility=[1.0, 0.5],
                            kind=[0, 0], domains=[1, 1])
    side, rnd, nr = user_hand_built(csr.indptr, csr.indices, csr.credibility, csr.kind,
                                    csr.domains)
    assert side.tolist() == [1, 2, 2, 2] and rnd.tolist() == [0, 0, 1, 2] and nr == 2


def test_simulate_kernel_from_plain_arrays():
    w = example_world()
    x = kernels.cascade_inputs(w, "S0:S1")
    for mode, kern in (("threshold", kernels.simulate_threshold_serial),
                       ("any", kernels.simulate_any_serial)):
        buffers, ca, cd, rs = kernels.simulate_workspace(mode, w.n_states, 2,
                                                         x.restraint_weight)
        s = 100
        out = (np.zeros(s, np.int64), np.zeros(s, np.int32), np.zeros(s), np.zeros(s, bool))
        status = np.zeros(1, np.int64)
        common = (x.tindptr, x.tindices, x.tcredibility, x.tkind, x.tdomains)
        if mode == "threshold":
            rest = (x.threshold, x.default_threshold, x.region_code, x.global_reach,
                    x.theatre, x.reach)
        else:
            rest = (x.region_code, x.global_reach, x.theatre, x.reach)
        kern(0, s, np.uint64(7), *common, *rest, x.aggressors, x.targets, x.domain,
             x.pull_weight, x.restraint_weight, x.defend_initiators, x.credibility_scale,
             x.max_rounds, x.levers, x.capability, x.nuclear, 1.0, True, *buffers, ca, cd, rs, *out,
             status)
        e = simulate(w, "S0:S1", samples=s, seed=7, mode=mode)
        assert status[0] == s
        assert ca.sum(axis=0).tolist() == e.count_a.tolist()
        assert cd.sum(axis=0).tolist() == e.count_d.tolist()
        assert out[0].tolist() == e.war_size.tolist()
        assert np.array_equal(out[2], e.balance, equal_nan=True)


@pytest.mark.parametrize(
    "args, kw, words",
    [
        (([1, 1], [0]), {}, r"indptr\[0\] is 1"),
        (([0, 2, 1], [1, 0]), {}, "decreases at row 1"),
        (([0, 1, 3], [1, 0]), {}, r"indptr\[-1\] is 3 but there are 2 indices"),
        (([0, 1, 2], [1, 5]), {},
         r"indices\[1\] = 5 is out of range; valid column indices are 0..1"),
        (([0, 1, 2], [1, -1]), {}, "out of range"),
        (([0, 1, 2], [1, 0.5]), {}, "must hold integers"),
        (([[0, 1]], [1]), {}, "1-d"),
        (([], []), {}, "empty"),
        (([0, 1], [0]), dict(n_cols=-1), "n_cols"),
        (([0, 1, 2], [1, 0]), dict(credibility=[0.5, 1.5]), r"credibility\[1\] = 1.5"),
        (([0, 1, 2], [1, 0]), dict(credibility=[0.5, np.nan]), "credibility"),
        (([0, 1, 2], [1, 0]), dict(credibility=[0.5]), "length 1, expected 2"),
        (([0, 1, 2], [1, 0]), dict(kind=[0, N_KINDS]),
         rf"kind\[1\] = {N_KINDS}; valid kind codes are 0..{N_KINDS - 1}"),
        (([0, 1, 2], [1, 0]), dict(domains=[1, 0]), r"domains\[1\] = 0"),
        (([0, 1, 2], [1, 2**40]), {}, "must fit int32"),
        (([0, 1, 2], ["a", "b"]), {}, "numeric"),
    ],
)
def test_check_csr_names_the_problem(args, kw, words):
    with pytest.raises(ParameterError, match=words):
        kernels.check_csr(*args, **kw)


def test_check_csr_returns_kernel_dtypes_and_copies():
    ip = [0, 1, 2]
    ix = np.array([1, 0], dtype=np.int64)
    csr = kernels.check_csr(ip, ix, 3, credibility=[1, 0], kind=[0, 3], domains=[1, 31])
    assert csr.indptr.dtype == np.int64 and csr.indices.dtype == np.int32
    assert csr.credibility.dtype == np.float64 and csr.kind.dtype == np.uint8
    assert csr.domains.dtype == np.uint8
    assert ix.dtype == np.int64 and ip == [0, 1, 2]  # inputs untouched
    w = example_world()
    t = w.transposed
    ok = kernels.check_csr(t.indptr, t.indices, credibility=t.credibility, kind=t.kind,
                           domains=t.domains)
    assert np.array_equal(ok.indices, t.indices)


def test_workspace_errors():
    with pytest.raises(ParameterError, match="mode"):
        kernels.simulate_workspace("all", 3)
    with pytest.raises(ParameterError, match="restraint_weight"):
        kernels.simulate_workspace("any", 3)


@pytest.mark.parametrize("module", ["foederis.kernels", "foederis._cascade", "foederis._warmup",
                                    "foederis._simulate", "foederis.threat"])
def test_docstring_examples_run(module):
    import importlib

    mod = importlib.import_module(module)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.failed == 0 and res.attempted > 0


def test_kernel_kind_logic_reads_the_table_of_kinds():
    from foederis._kernels.core import always_triggers

    @numba.njit
    def triggers(codes):
        out = np.zeros(codes.shape[0], np.bool_)
        for x in range(codes.shape[0]):
            out[x] = always_triggers(codes[x])
        return out

    got = triggers(np.arange(N_KINDS, dtype=np.uint8)).tolist()
    assert got == [k.trigger == "always" for k in KINDS]
    assert any(got) and not all(got[c] for c in PULL_KINDS)


def test_facade_documents_kinds_by_the_table():
    doc = kernels.__doc__
    assert "N_KINDS" in doc and "< 6" not in doc and "float64[6]" not in doc
    assert "0..5" not in kernels.check_csr.__doc__


def test_umbrella_scan_with_no_room_answers_whether_there_is_one():
    # (umbrella_scan has no CPython wrapper: reached through umbrella_kernel, which passes
    # its ``out`` on)
    rng = np.random.default_rng(5)
    n, m = 25, 120
    g, p = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = g != p
    w = World.from_arrays(
        [f"S{i}" for i in range(n)], rng.random(n), g[keep], p[keep],
        rng.integers(0, N_KINDS, m).astype(np.uint8)[keep],
        credibility=rng.choice([0.0, 0.5, 1.0], int(keep.sum())), merge="max",
        domains=rng.integers(1, 32, int(keep.sum())).astype(np.uint8),
        nuclear=rng.random(n) < 0.5,
    )
    x = kernels.cascade_inputs(w, "S0:S1")
    side = np.full(n, 2, np.int8)
    side[0] = 1
    found = 0
    for tgt in range(1, n):
        t = np.array([tgt], np.int64)
        out = np.zeros(int(x.tindptr[tgt + 1] - x.tindptr[tgt]), np.int64)
        k = kernels.umbrella_kernel(x.tindptr, x.tindices, x.tcredibility, x.tkind,
                                    x.tdomains, x.aggressors, t, x.levers, side, x.nuclear,
                                    x.pull_weight, x.credibility_scale, out)
        anyone = kernels.umbrella_kernel(x.tindptr, x.tindices, x.tcredibility, x.tkind,
                                         x.tdomains, x.aggressors, t, x.levers, side,
                                         x.nuclear, x.pull_weight, x.credibility_scale,
                                         np.zeros(0, np.int64))
        assert anyone == (1 if k > 0 else 0)
        found += k > 0
    assert 0 < found < n - 1  # both answers occur
