"""The numba flag policy, in one place.

Every kernel of foederis is compiled through :func:`jit` (serial) or :func:`jit_parallel`
(``parallel=True``, loops written with :data:`prange`). The policy:

- ``cache=True``: compiled code is written next to the module (``__pycache__``) and
  reused by later processes, so only the first session on a machine pays for compiling.
- ``nogil=True``: a kernel releases the GIL, so widgets and other threads stay responsive
  and several kernels can run at once from Python threads.
- ``fastmath`` off: results must be bit-identical across thread counts, splits and
  ``NUMBA_DISABLE_JIT=1``; re-association (``reassoc``) would change summation orders and
  ``nnan``/``ninf`` would break the NaN/inf guards that the kernels rely on.
- ``error_model="numpy"``: no Python exception checks inside loops (the kernels guard their
  own divisions); kernels never raise on user input, the public API validates first.
- No eager signatures: nothing compiles at import. :func:`foederis.warmup` compiles what a
  session needs.
- Helpers that only other kernels call are compiled through :func:`jit_inner`: the same
  flags without a CPython wrapper (``no_cpython_wrapper``). The wrapper unboxes every
  argument from Python objects; for a helper of thirty arrays it is a large function that
  was lowered, optimised and machine-compiled on every cold compile and never run
  (issue 12: about a fifth of the first cascade's compile time). Numba code calls an
  inner helper as any other; Python cannot (call the kernel that wraps it).
- Compile time is part of the contract (issue 12: the first cascade compiles in seconds,
  not tens of seconds): a kernel is called with one set of argument types (the gate
  freezes every input array, so kernels see read-only arrays only, and a kernel that
  writes an array it passes on passes a read-only view of it, as the sweep lanes do with
  their pair and theatre; ``prange`` indices are
  passed on as ``int64``, as ``range`` indices are; literal constants are not passed to
  other kernels where they would make a variant of their own), and nothing compiles in
  the first cascade that it does not run (``foederis.cascade`` calls ``cascade_general``
  when the monotone fast path cannot apply, so the contemporary world's first questions
  never compile that path, and the fast path is a kernel of its own, ``cascade_fast``,
  that holds no general path: each body compiles once (every kernel a caller links is
  optimised and machine-compiled again inside the caller); numba's ``np.sort`` and slice assignment
  brought seconds of error-message formatting: :func:`foederis._kernels.core.sort_segment`
  is written out).

The serial and the parallel variant of a kernel are two distinct Python functions (one
thin wrapper each), never one function compiled twice with different flags: numba's
on-disk cache is keyed by function, and two dispatchers of one function would share
(and clobber) one cache index.

Nothing here changes numba's global configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
from numba import prange

__all__ = ["jit", "jit_inner", "jit_parallel", "prange", "FLAGS", "INNER_FLAGS",
           "PARALLEL_FLAGS"]

FLAGS: dict[str, Any] = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")
INNER_FLAGS: dict[str, Any] = dict(FLAGS, no_cpython_wrapper=True)
PARALLEL_FLAGS: dict[str, Any] = dict(FLAGS, parallel=True)


def jit(fn: Callable | None = None, **overrides: Any) -> Any:
    """``numba.njit`` with the foederis policy (serial)."""
    flags = dict(FLAGS, **overrides)
    if fn is None:
        return lambda f: numba.njit(**flags)(f)
    return numba.njit(**flags)(fn)


def jit_inner(fn: Callable | None = None, **overrides: Any) -> Any:
    """``numba.njit`` with the foederis policy, for a helper that only kernels call (no
    CPython wrapper: Python cannot call it)."""
    return jit(fn, **dict(INNER_FLAGS, **overrides))


def jit_parallel(fn: Callable | None = None, **overrides: Any) -> Any:
    """``numba.njit(parallel=True)`` with the foederis policy; loops use ``prange``."""
    flags = dict(PARALLEL_FLAGS, **overrides)
    if fn is None:
        return lambda f: numba.njit(**flags)(f)
    return numba.njit(**flags)(fn)
