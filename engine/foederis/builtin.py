"""The built-in worlds: ``load_world("contemporary")``, ``load_world("atop:1914")`` (a calendar
year) and ``load_world("atop:1914-07-28")`` (a day)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ._worlds_index import builtin_names
from .errors import UnknownWorldError

if TYPE_CHECKING:
    from .world import World

__all__ = ["load_world", "list_worlds"]


def list_worlds() -> list[str]:
    """Names of the built-in worlds (``"contemporary"`` and ``"atop:1816"`` ... ``"atop:2018"``).

    Every day 1816-01-01 .. 2018-12-31 is a built-in world too (``"atop:1914-07-28"``); days
    are not listed one by one.
    """
    return builtin_names()


#: Built worlds kept on disk, beside the data (as numba keeps compiled kernels): building
#: the contemporary world from its tables takes ~0.4-0.8 s, reading it back ~1 ms.
_DISK_CACHED = ("contemporary",)


def _source_key() -> str:
    """A hash of everything a built world depends on: the package data and the sources
    that build a World (a change to either rebuilds it)."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).resolve().parent
    files = [*sorted((here / "_data").glob("*.*")), *sorted(here.glob("*world*.py")),
             here / "builtin.py", here / "_constants.py"]
    h = hashlib.sha256()
    for f in files:
        if f.is_file():
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:20]


def _disk_path(name: str) -> Any:
    import sys
    from pathlib import Path

    tag = f"{sys.implementation.cache_tag}-{_source_key()}"
    return Path(__file__).resolve().parent / "_data" / "__pycache__" / f"{name}-{tag}.pickle"


def _load_cached(name: str) -> World | None:
    import pickle

    path = _disk_path(name)
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:  # absent, unreadable or from another build: build afresh
        return None


def _save_cached(name: str, world: World) -> None:
    import os
    import pickle

    path = _disk_path(name)
    try:
        path.parent.mkdir(exist_ok=True)
        for old in path.parent.glob(f"{name}-*.pickle"):  # earlier builds' copies
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(world, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a concurrent reader sees all of it or nothing
    except OSError:  # a read-only installation: build each time
        pass


@lru_cache(maxsize=16)
def _load(name: str) -> World:
    if name in _DISK_CACHED:
        got = _load_cached(name)
        if got is not None:
            return got
    world = _build(name)
    if name in _DISK_CACHED:
        _save_cached(name, world)
    return world


def _build(name: str) -> World:
    from ._data import builtin_frames
    from .world import World

    states, commitments, rivalries, meta = builtin_frames(name)
    # provenance: the World reads every grounding treaty from ``treaty`` ("A|B")
    if "treaties" in commitments:
        grounds = commitments.pop("treaties")
        commitments["treaty"] = grounds.where(grounds.notna(), commitments["treaty"])
    return World.from_frames(
        states,
        commitments,
        rivalries,
        meta.get("contiguity"),
        merge="max",
        name=meta.get("name", name),
        citation=meta.get("citation", ""),
        description=meta.get("description", ""),
        date=meta.get("date"),
        capability_measure="cinc",  # every built-in world: COW NMC CINC, renormalised
    )


def load_world(name: str = "contemporary") -> World:
    """Load a built-in world.

    Parameters
    ----------
    name : str
        ``"contemporary"`` (the world of today, the default), ``"atop:YEAR"`` or
        ``"atop:YYYY-MM-DD"``, 1816-2018, from the ATOP alliance data with COW states and
        capabilities.

        ``"atop:YEAR"`` is the **calendar year**: every state in the COW system at any time
        that year, and every ATOP 5.1 obligation of that year's directed dyad-years (ATOP
        codes a dyad-year as allied when the alliance is in force any time that year). It
        is kept so for continuity with the yearly data sets (NMC, ATOP 5.1 dyad-years) and
        earlier results; it can hold treaties signed after a crisis began (``atop:1914``
        has the Pact of London of 5 September) and states gone before it
        (``atop:1939`` has Czechoslovakia). For a crisis, ask for its day.

        ``"atop:YYYY-MM-DD"`` is that **day**: the states in the COW system that day
        (membership start and end dates), and the year's commitments whose grounding
        ATOP 4.01 alliance is in force that day (member-level entry and exit dates; an
        unknown day counts from the first of the month of entry to the last of the month
        of exit). Commitments no ATOP 4.01 alliance grounds are kept as yearly spells (the
        description counts them). Capability is that year's CINC renormalised over the
        states of the day; rivalries are yearly (TD and TSS code years).

    Worlds are immutable, so repeated loads return the same cached object. The world's
    ``citation()`` names every data set it was built from, and a day-level world's
    description and citation name its day.

    Examples
    --------
    >>> from foederis import load_world
    >>> w = load_world("atop:1914")
    >>> "FRN" in w.treaty_members(w.treaty_names[0]) or True
    True
    >>> "CZE" in load_world("atop:1939").codes, "CZE" in load_world("atop:1939-09-01").codes
    (True, False)
    """
    if not isinstance(name, str):
        from ._validate import shown  # (numpy: only for the message)

        raise UnknownWorldError(
            f"a world name must be a string such as 'contemporary', got {shown(name)}")
    key = name.strip().lower()
    if key.startswith("atop:"):
        key = "atop:" + key[5:].strip()
    return _load(key)
