"""Pure numba kernels over plain arrays. Private: the documented surface is
:mod:`foederis.kernels`, which re-exports the embedding kernels and states their
preconditions.

One module per task, each rule written once:

- :mod:`.random`: splitmix64, the keys of seeds, words and edges, the Bernoulli draws
- :mod:`.sorting`: the written-out sort of index segments (a round's joiners)
- :mod:`.conditions`: treaty conditions and the other per-question state
  (:func:`.conditions.question_state`), computed once at the start of every question
- :mod:`.core`: the cascade core and what every kernel that runs it shares: the
  "always" trigger (read from the table of kinds), capability per round, the umbrella
  test, the balance, the workspace reset
- :mod:`.cascade`: the deterministic cascade (monotone fast path, general path)
- :mod:`.ensembles`: Monte Carlo, mode "threshold" (one per-sample function)
- :mod:`.bitparallel`: Monte Carlo, mode "any" (64 samples per word)
- :mod:`.sweep`: the all-pairs sweeps (deterrence map, entrapment)
- :mod:`.threat`: threat exposure
- :mod:`.structure`: the structural analyses (landscape, balance, vulnerability)
- :mod:`.csr`: checks of hand-built CSR arrays

Calling convention: ``(indptr, indices, data..., <node arrays>, <scalars>, out...)``.
Kernels never raise on user input, never print, never allocate what the caller passes as
``out``, and read no mutable module globals (module constants are frozen by numba at
compile time and never change).

Every kernel is compiled through :mod:`foederis._numba` (``cache=True``, ``nogil=True``,
no fastmath); nothing compiles at import.

Determinism. Summation orders are fixed by the data, never by scheduling:

- the cascade processes each round's joiners sorted by state index, so every accumulator
  receives its contributions in (round, protege index, in-edge order) order;
  the parallel rounds of the deterministic cascade (:func:`.cascade_parallel.cascade_pull_parallel`)
  split a round by target, each accumulator owned by one thread and fed in that same
  order, so they agree with one thread bit for bit;
- capability per round is summed over each round's joiners in index order, then
  accumulated round by round (:func:`.core.round_capability`); the deterministic cascade,
  the threshold ensemble, the sweeps and the bit-parallel ensemble all use that same
  order, so their balances agree bit for bit;
- ensemble draws are a counter-based hash of (seed, sample, edge): a sample's result
  depends only on its number, never on the thread or the block it ran in;
- per-state ensemble counts are integers (exact in any order); per-sample outputs are
  written by the one task that owns the sample.
"""

from __future__ import annotations

from .bitparallel import any_stride, simulate_any_parallel, simulate_any_serial
from .cascade import (
    cascade_fast,
    cascade_general,
    cascade_kernel,
    cascade_kernel_pull,
    edge_pull_kernel,
    monotone_applies,
    umbrella_kernel,
)
from .cascade_parallel import cascade_pull_parallel, edge_pull_split_kernel
from .core import no_levers
from .csr import csr_problem
from .ensembles import merge_counts, simulate_threshold_parallel, simulate_threshold_serial
from .random import (
    bernoulli_bits,
    edge_id,
    edge_key,
    honoured,
    mix64,
    popcount64,
    seed_key,
    word_key,
)
from .threat import (threat_iterate_parallel, threat_iterate_serial, threat_source_kernel,
                     threat_steps_parallel, threat_steps_serial)

__all__ = [
    "any_stride",
    "bernoulli_bits",
    "cascade_fast",
    "cascade_general",
    "cascade_kernel",
    "cascade_kernel_pull",
    "cascade_pull_parallel",
    "csr_problem",
    "edge_id",
    "edge_key",
    "edge_pull_kernel",
    "edge_pull_split_kernel",
    "honoured",
    "merge_counts",
    "mix64",
    "monotone_applies",
    "no_levers",
    "popcount64",
    "seed_key",
    "simulate_any_parallel",
    "simulate_any_serial",
    "simulate_threshold_parallel",
    "simulate_threshold_serial",
    "threat_iterate_parallel",
    "threat_iterate_serial",
    "threat_steps_parallel",
    "threat_steps_serial",
    "threat_source_kernel",
    "umbrella_kernel",
    "word_key",
]
