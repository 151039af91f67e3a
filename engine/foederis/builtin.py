"""The built-in worlds: ``load_world("contemporary")`` and ``load_world("atop:1914")``."""

from __future__ import annotations

from functools import lru_cache

from .errors import UnknownWorldError
from .world import World

__all__ = ["load_world", "list_worlds"]


def list_worlds() -> list[str]:
    """Names of the built-in worlds (``"contemporary"`` and ``"atop:1816"`` ... ``"atop:2018"``)."""
    from ._data import builtin_names

    return list(builtin_names())


@lru_cache(maxsize=16)
def _load(name: str) -> World:
    from ._data import builtin_frames

    states, commitments, rivalries, meta = builtin_frames(name)
    return World.from_frames(
        states,
        commitments,
        rivalries,
        merge="max",
        name=meta.get("name", name),
        citation=meta.get("citation", ""),
        description=meta.get("description", ""),
    )


def load_world(name: str = "contemporary") -> World:
    """Load a built-in world.

    Parameters
    ----------
    name : str
        ``"contemporary"`` (the world of today, the default) or ``"atop:YEAR"`` for a year
        1816-2018 of the ATOP alliance data with COW states and capabilities.

    Worlds are immutable, so repeated loads return the same cached object.

    Examples
    --------
    >>> from foederis import load_world
    >>> w = load_world("atop:1914")
    >>> "FRN" in w.treaty_members(w.treaty_names[0]) or True
    True
    """
    if not isinstance(name, str):
        raise UnknownWorldError(f"a world name must be a string such as 'contemporary', got {name!r}")
    key = name.strip().lower()
    if key.startswith("atop:"):
        key = "atop:" + key[5:].strip()
    return _load(key)
