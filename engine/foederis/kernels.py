"""The kernels of foederis, for embedding: plain arrays in, plain arrays out.

Every function here is a numba dispatcher (``@njit(cache=True, nogil=True)``): call it from
Python or from your own ``@njit`` code. Nothing compiles at import; the first call with a
new combination of argument types compiles (then the on-disk cache serves later
processes). :func:`foederis.warmup` compiles the variants the public API uses.

**The kernels do not check their inputs.** numba does not bounds-check, so a malformed
array can read or write out of bounds. The public functions (:func:`foederis.cascade`,
:func:`foederis.simulate`, :func:`foederis.threat_exposure`) validate everything first;
if you build arrays by hand, pass them through :func:`check_csr` (and respect the
preconditions below), or get them from a World with :func:`cascade_inputs`.

Codes (``foederis._constants``, part of the calling convention): a kind is a uint8, its
row in the table of kinds ``KINDS`` (``KIND_CODES`` maps names to codes, ``N_KINDS`` is
their number); domains a uint8 bit set (conventional 1, nuclear 2, cyber 4, space 8,
economic 16); sides 0 neutral, 1 A, 2 D.

Graph arrays (n states, m commitments), the **transposed** CSR (row j lists the
guarantors i of commitments i -> j), as ``World.transposed`` gives them:

- ``tindptr`` int64[n+1], non-decreasing, ``tindptr[0] == 0``, ``tindptr[n] == m``
- ``tindices`` int32[m] (guarantor), each in [0, n)
- ``tcredibility`` float64[m], finite, in [0, 1]
- ``tkind`` uint8[m] < N_KINDS; ``tdomains`` uint8[m]
- (guarantor, protege, kind) unique: the ensembles key each commitment's random draws by
  :func:`edge_id` (guarantor, protege, kind, n)

State arrays (length n): ``threshold`` float64 (> 0, or NaN for ``default_threshold``),
``region_code`` int32 (-1 unknown, else an index into ``theatre``), ``global_reach`` bool,
``capability`` float64 (finite, >= 0), ``nuclear`` bool. ``theatre`` bool[n_regions]:
regions where the war is (used only when ``reach`` is True; a state can join iff
``global_reach``, region unknown, or ``theatre[region]``). ``aggressors`` and ``targets``
int64: distinct, disjoint, non-empty, in [0, n). ``domain`` the attack's domain bit.
``pull_weight`` and ``restraint_weight`` float64[N_KINDS], finite, >= 0, per kind code (see
``Rules.pull_weight``); ``defend_initiators`` in [0, 1]; ``credibility_scale`` finite,
>= 0; ``max_rounds`` int (-1 = unbounded); ``levers`` the tuple (riv_indptr int64[n+1],
riv_indices int32, riv_hostility float64 in [0, 1], rival_weight float >= 0, bound_victim
bool, defend_cobelligerents float in [0, 1], then seven condition tables: tcond int32,
cflags uint8, cmin int32, cloc int32, ag_indptr int64[n+1], ag_indices int32,
state_region int32[n], then rival_all bool, min_side_share float in [0, 1],
capability float64[n], tslot int32 (per transposed edge, or empty) and n_slots int): the
rivalry CSR by source (row i: the states i threatens),
``Rules.rival_weight``, ``Rules.bound_victim_unrestrained``,
``Rules.defend_cobelligerents``, ``Rules.rival_scope == "belligerents"``,
``Rules.min_side_share`` with the capability it weighs, ``Rules.one_pull_per_treaty``
(tslot[q] in [0, n_slots) the (guarantor, treaty) slot of edge q, -1 none), and the
treaty conditions
(``Rules.conditions``; the
tables are described in ``foederis._kernels.conditions``, built once per World by
:func:`cascade_inputs`; empty: no conditions, nothing tested per edge). Every kernel
evaluates the conditions itself at the start of a question, for its ``aggressors`` and
``targets``. :func:`no_levers` (n) gives the tuple with every lever off, in Python or in
``@njit`` code.

Kernels
-------
cascade_kernel(tindptr, tindices, tcredibility, tkind, tdomains, threshold,
    default_threshold, region_code, global_reach, theatre, reach, aggressors, targets,
    domain, pull_weight, restraint_weight, defend_initiators, credibility_scale,
    max_rounds, levers, capability, side, round_, initiator, order, round_ptr,
    capability_by_round) -> n_rounds
    The deterministic cascade. Outputs (overwritten): ``side`` int8[n], ``round_``
    int32[n], ``initiator`` bool[n], ``order`` int32[n] (joiners by round then index),
    ``round_ptr`` int64[n+2] (round r is ``order[round_ptr[r]:round_ptr[r+1]]``),
    ``capability_by_round`` float64[n+1, 2] (rows 0..n_rounds: cumulative capability of
    A and D).
umbrella_kernel(tindptr, tindices, tcredibility, tkind, tdomains, aggressors, targets,
    levers, side, nuclear, pull_weight, credibility_scale, out) -> k
    Nuclear guarantors on side D covering a target, their commitment's condition holding
    (``out`` int64, length >= the total in-degree of the targets; repeats possible). With
    ``out`` too short it returns ``len(out) + 1`` at the first that does not fit (an
    empty ``out`` asks only whether there is one).
simulate_threshold_serial / simulate_threshold_parallel(start, stop, seed, <graph>,
    <cascade inputs>, capability, nuclear, margin, umbrella_on, <10 workspace
    arrays>, count_a, count_d, round_sum, war_size, n_rounds, balance, deterred, status)
simulate_any_serial / simulate_any_parallel(...)
    Samples [start, stop) of an ensemble (``seed`` uint64). Get the workspace from
    :func:`simulate_workspace`; per-sample outputs have length stop - start; per-state
    counts are int64[nchunks, n] and are *added to* (sum over axis 0 at the end);
    ``status[0]`` is set to ``stop`` when done. Argument order: see
    :func:`foederis.simulate`'s driver (``foederis._simulate._run_block``).
threat_source_kernel(riv_indptr, riv_indices, riv_hostility, capability, out)
    out[i] = sum_j hostility[j, i] * capability[j].
threat_iterate_serial / threat_iterate_parallel(indptr, indices, weight, h, beta, tol,
    max_iter, t, work, stats) -> (status, iterations, delta)
    Jacobi iteration of t = h + beta * W t over the *forward* CSR (row = guarantor);
    ``stats`` float64[nchunks, 2]; status 0 converged, 1 max_iter, 2 diverging.

Random draws (the same as the ensembles'): :func:`honoured` (seed, sample, edge, p) with
``edge = edge_id(guarantor, protege, kind, n)``, and its parts :func:`seed_key`,
:func:`word_key`, :func:`edge_key`, :func:`bernoulli_bits`, :func:`mix64`;
:func:`popcount64`.

Examples
--------
A user's own numba function that runs the cascade for several targets:

>>> import numba, numpy as np
>>> import foederis
>>> from foederis import kernels
>>> w = foederis.World.from_arrays(["RUS", "EST", "LAT", "USA"], [0.3, 0.01, 0.01, 0.5],
...     guarantor=[3, 3], protege=[1, 2], kind=["defense", "defense"])
>>> x = kernels.cascade_inputs(w, "RUS:EST")
>>> @numba.njit
... def d_size(x, targets):
...     n = x.capability.shape[0]
...     out = np.zeros(targets.shape[0], np.int64)
...     side = np.empty(n, np.int8); rnd = np.empty(n, np.int32)
...     init = np.empty(n, np.bool_); order = np.empty(n, np.int32)
...     ptr = np.empty(n + 2, np.int64); cap = np.empty((n + 1, 2))
...     for k in range(targets.shape[0]):
...         kernels.cascade_kernel(x.tindptr, x.tindices, x.tcredibility, x.tkind,
...             x.tdomains, x.threshold, x.default_threshold, x.region_code,
...             x.global_reach, x.theatre, x.reach, x.aggressors, targets[k:k + 1],
...             x.domain, x.pull_weight, x.restraint_weight, x.defend_initiators,
...             x.credibility_scale, x.max_rounds, x.levers, x.capability,
...             side, rnd, init, order, ptr, cap)
...         out[k] = np.count_nonzero(side == 2)
...     return out
>>> d_size(x, np.array([1, 2, 3])).tolist()
[2, 2, 1]
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._constants import ALL_DOMAINS, KIND_NAMES
from ._kernels import (
    bernoulli_bits,
    cascade_kernel,
    csr_problem,
    edge_id,
    edge_key,
    honoured,
    mix64,
    no_levers,
    popcount64,
    seed_key,
    simulate_any_parallel,
    simulate_any_serial,
    simulate_threshold_parallel,
    simulate_threshold_serial,
    threat_iterate_parallel,
    threat_iterate_serial,
    threat_source_kernel,
    umbrella_kernel,
    word_key,
)
from ._validate import check_int, shown
from .errors import ParameterError

__all__ = [
    "cascade_kernel",
    "no_levers",
    "umbrella_kernel",
    "simulate_threshold_serial",
    "simulate_threshold_parallel",
    "simulate_any_serial",
    "simulate_any_parallel",
    "threat_source_kernel",
    "threat_iterate_serial",
    "threat_iterate_parallel",
    "mix64",
    "seed_key",
    "word_key",
    "edge_key",
    "edge_id",
    "bernoulli_bits",
    "honoured",
    "popcount64",
    "CSR",
    "check_csr",
    "cascade_inputs",
    "simulate_workspace",
]


class CSR(NamedTuple):
    """Validated CSR arrays (``None`` for the optional ones not given)."""

    indptr: np.ndarray
    indices: np.ndarray
    credibility: np.ndarray | None
    kind: np.ndarray | None
    domains: np.ndarray | None


def _as(name: str, a: Any, dtype: Any, length: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(a)
    except (ValueError, TypeError):
        raise ParameterError(f"{name} must be a 1-d array of numbers (got a ragged or "
                             f"unreadable {type(a).__name__})") from None
    if arr.ndim != 1:
        raise ParameterError(f"{name} must be a 1-d array, got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise ParameterError(f"{name} has length {arr.shape[0]}, expected {length}")
    if arr.shape[0] and arr.dtype.kind not in ("i", "u", "f", "b"):
        raise ParameterError(f"{name} must be numeric, got dtype {arr.dtype}")
    if np.dtype(dtype).kind in "iu" and arr.dtype.kind == "f":
        if arr.shape[0] and not np.all(arr == np.round(arr)):
            raise ParameterError(f"{name} must hold integers, got dtype {arr.dtype}")
    if np.dtype(dtype).kind in "iu" and arr.shape[0]:
        info = np.iinfo(dtype)
        lo, hi = arr.min(), arr.max()
        if lo < info.min or hi > info.max:
            raise ParameterError(f"{name} values must fit {np.dtype(dtype).name}, got range "
                                 f"[{lo}, {hi}]")
    return np.ascontiguousarray(arr, dtype=dtype)


def check_csr(indptr: Any, indices: Any, n_cols: int | None = None, *,
              credibility: Any = None, kind: Any = None, domains: Any = None,
              name: str = "csr") -> CSR:
    """Validate hand-built CSR arrays for the kernels; return them in the kernels' dtypes.

    Checks: ``indptr`` 1-d int64-compatible, starts at 0, non-decreasing, ends at
    ``len(indices)``; ``indices`` int32-compatible, each in [0, n_cols) (n_cols defaults to
    ``len(indptr) - 1``, a square matrix); optional per-entry ``credibility`` (finite, in
    [0, 1]), ``kind`` (codes 0..N_KINDS-1), ``domains`` (bit sets 1..31), each of length
    ``len(indices)``. Raises ParameterError naming the array, the position and what is
    valid. Returns a :class:`CSR` of contiguous arrays (int64, int32, float64, uint8, uint8);
    inputs are never modified.

    Examples
    --------
    >>> from foederis.kernels import check_csr
    >>> check_csr([0, 1, 1], [1]).indices.dtype
    dtype('int32')
    >>> check_csr([0, 2, 1], [1, 0])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    foederis.errors.ParameterError: csr indptr decreases at row 1 (2 -> 1); it must be ...
    """
    ip = _as(f"{name} indptr", indptr, np.int64)
    ix = _as(f"{name} indices", indices, np.int32)
    if ip.shape[0] == 0:
        raise ParameterError(f"{name} indptr is empty; it needs n_rows + 1 >= 1 entries")
    if n_cols is None:
        n_cols = ip.shape[0] - 1
    # column indices are int32, so a matrix has at most 2**31 columns
    n_cols = check_int("n_cols", n_cols, low=0, high=2**31)
    code, pos = csr_problem(ip, ix, np.int64(n_cols))
    if code == 1:
        raise ParameterError(f"{name} indptr[0] is {int(ip[0])}; it must be 0")
    if code == 2:
        raise ParameterError(
            f"{name} indptr decreases at row {pos} ({int(ip[pos])} -> {int(ip[pos + 1])}); it "
            "must be non-decreasing"
        )
    if code == 3:
        raise ParameterError(
            f"{name} indptr[-1] is {int(ip[-1])} but there are {ix.shape[0]} indices; they "
            "must be equal"
        )
    if code == 4:
        raise ParameterError(
            f"{name} indices[{pos}] = {int(ix[pos])} is out of range; valid column indices are "
            f"0..{n_cols - 1}"
        )
    m = ix.shape[0]
    cred = kd = dom = None
    if credibility is not None:
        cred = _as(f"{name} credibility", credibility, np.float64, m)
        bad = ~((cred >= 0) & (cred <= 1))
        if bad.any():
            q = int(np.flatnonzero(bad)[0])
            raise ParameterError(f"{name} credibility[{q}] = {shown(float(cred[q]))}; credibility "
                                 "must be finite and in [0, 1]")
    if kind is not None:
        kd = _as(f"{name} kind", kind, np.int64, m)
        bad = (kd < 0) | (kd >= len(KIND_NAMES))
        if bad.any():
            q = int(np.flatnonzero(bad)[0])
            raise ParameterError(f"{name} kind[{q}] = {int(kd[q])}; valid kind codes are "
                                 f"0..{len(KIND_NAMES) - 1} ({', '.join(KIND_NAMES)})")
        kd = kd.astype(np.uint8)
    if domains is not None:
        dom = _as(f"{name} domains", domains, np.int64, m)
        bad = (dom < 1) | (dom > ALL_DOMAINS)
        if bad.any():
            q = int(np.flatnonzero(bad)[0])
            raise ParameterError(f"{name} domains[{q}] = {int(dom[q])}; valid domain bit sets "
                                 f"are 1..{ALL_DOMAINS}")
        dom = dom.astype(np.uint8)
    return CSR(ip, ix, cred, kd, dom)


def cascade_inputs(world: Any, attacks: Any, rules: Any = None, *,
                   domain: str = "conventional") -> Any:
    """The validated kernel inputs of a question, as a NamedTuple of plain arrays and
    scalars (fields: tindptr, tindices, tcredibility, tkind, tdomains, threshold,
    default_threshold, region_code, global_reach, theatre, reach, aggressors, targets,
    domain, pull_weight, restraint_weight, defend_initiators, credibility_scale,
    max_rounds, levers, capability, nuclear, pulls_as_world). A NamedTuple of arrays can be
    passed into ``@njit`` code whole. Arrays are read-only views of the world's (the
    kernels apply ``Rules.conditions`` and ``Rules.bound_victim_unrestrained`` for the
    aggressors and targets they are given), except where ``Rules.reach_rule="geography"``
    gives this question its own ``global_reach`` and ``region_code``: with that lever
    on, the inputs belong to these attacks only."""
    from ._gate import check_rules, check_world, parse_attacks, parse_domain, prepare

    world = check_world(world)
    rules = check_rules(rules)
    _, dbit = parse_domain(domain)
    agg, tgt, _ = parse_attacks(world, attacks)
    return prepare(world, agg, tgt, rules, dbit)


def simulate_workspace(mode: str, n: int, nchunks: int = 1,
                       restraint_weight: Any = None) -> tuple:
    """Workspace arrays for the ensemble kernels: ``(buffers, count_a, count_d,
    round_sum)``; pass ``*buffers`` where the kernels take their workspace. Mode "any"
    needs the ``restraint_weight`` array the kernel will get (it sizes the workspace)."""
    from ._blocks import Workspace
    from ._gate import MODES

    if mode not in MODES:
        raise ParameterError(f"mode must be one of {MODES}, got {shown(mode)}")
    if int(n) < 0 or int(nchunks) < 1:
        raise ParameterError("n must be >= 0 and nchunks >= 1")
    if mode == "any" and restraint_weight is None:
        raise ParameterError("mode 'any' needs restraint_weight to size the workspace")
    ws = Workspace(mode, int(n), int(nchunks), restraint_weight)
    return ws.buffers, ws.count_a, ws.count_d, ws.round_sum
