"""The index of the built-in worlds: their names and years, known without loading any data.

``foederis worlds`` and :func:`foederis.list_worlds` read this module alone, so listing the
worlds imports neither pandas nor the data files. :mod:`foederis._data` builds the worlds
and takes its year range from here.
"""

from __future__ import annotations

__all__ = ["FIRST_YEAR", "LAST_YEAR", "builtin_names"]

#: the years of the ATOP worlds, ``"atop:1816"`` .. ``"atop:2018"`` (and every day of them)
FIRST_YEAR = 1816
LAST_YEAR = 2018


def builtin_names() -> list[str]:
    """Names of the built-in worlds: ``"contemporary"`` then ``"atop:1816"`` .. ``"atop:2018"``.

    Days (``"atop:1914-07-28"``) are built-in worlds too but are not listed one by one.
    """
    return ["contemporary"] + [f"atop:{y}" for y in range(FIRST_YEAR, LAST_YEAR + 1)]
