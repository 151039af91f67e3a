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

__all__ = ["jit", "jit_parallel", "prange", "FLAGS", "PARALLEL_FLAGS"]

FLAGS: dict[str, Any] = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")
PARALLEL_FLAGS: dict[str, Any] = dict(FLAGS, parallel=True)


def jit(fn: Callable | None = None, **overrides: Any) -> Any:
    """``numba.njit`` with the foederis policy (serial)."""
    flags = dict(FLAGS, **overrides)
    if fn is None:
        return lambda f: numba.njit(**flags)(f)
    return numba.njit(**flags)(fn)


def jit_parallel(fn: Callable | None = None, **overrides: Any) -> Any:
    """``numba.njit(parallel=True)`` with the foederis policy; loops use ``prange``."""
    flags = dict(PARALLEL_FLAGS, **overrides)
    if fn is None:
        return lambda f: numba.njit(**flags)(f)
    return numba.njit(**flags)(fn)
