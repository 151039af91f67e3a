"""Compile the engine's kernels once per process, for every view that needs them at once.

The views (:class:`~foederis_widgets.Explorer`, :class:`~foederis_widgets.DeterrenceMapView`,
:class:`~foederis_widgets.ThreatView`) call :func:`warmup` before their first computation so
that every control answers at once. It is :func:`foederis.warmup` memoised: the first call
compiles (or loads numba's on-disk cache), later calls return at once.
"""

from __future__ import annotations

import functools

__all__ = ["warmup"]


@functools.cache
def warmup() -> None:
    """Compile the kernels a session uses (once per process; see :func:`foederis.warmup`)."""
    import foederis

    foederis.warmup()
