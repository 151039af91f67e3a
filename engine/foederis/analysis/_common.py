"""The small helpers the structural analyses share: kind selection and weights (from the one table of kinds, ``foederis._constants.KINDS``), the undirected
alliance graph, a matplotlib Figure without pyplot. Private to :mod:`foederis.analysis`.

Examples
--------
>>> from foederis.analysis._common import ALLIANCE_KINDS, DEFENSE_KINDS, kind_codes
>>> ALLIANCE_KINDS, DEFENSE_KINDS
(('DEFENSE', 'GUARANTEE', 'OFFENSE', 'ENTENTE'), ('DEFENSE', 'GUARANTEE', 'OFFENSE'))
>>> kind_codes("entente", DEFENSE_KINDS)
(3,)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .._constants import KIND_CODES, KIND_NAMES, KINDS
from ..errors import ParameterError, UnknownStateError
from ..rules import Rules
from .._validate import shown

__all__ = ["ALLIANCE_KINDS", "DEFENSE_KINDS", "axes", "kind_codes", "state_selection",
           "kind_weights", "undirected_pairs"]

#: The kinds that make two states allies in the structural analyses: the ones that pull
#: a state into a war (DEFENSE, GUARANTEE, OFFENSE, and ENTENTE, which pulls with a weight).
#: NEUTRALITY and NONAGGRESSION only restrain, so by default they do not make a bloc.
ALLIANCE_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS if k.effect == "pull")
#: The promises to fight (the pulling kinds of full, fixed weight: DEFENSE, GUARANTEE,
#: OFFENSE): the default ties of :func:`blocs` and of Jackson-Nei vulnerability.
DEFENSE_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS
                                       if k.effect == "pull" and k.weight == 1.0)


def kind_codes(kinds: Iterable[str] | str | None, default: tuple[str, ...]) -> tuple[int, ...]:
    """Kind names (any case) -> sorted unique kind codes; ParameterError names ``kinds``."""
    if kinds is None:
        kinds = default
    if isinstance(kinds, str):
        kinds = [kinds]
    out = set()
    for k in kinds:
        if isinstance(k, (int, np.integer)) and not isinstance(k, bool) and 0 <= k < len(KIND_NAMES):
            out.add(int(k))
            continue
        name = str(k).strip().upper()
        if name not in KIND_CODES:
            raise ParameterError(
                f"kinds: unknown kind {shown(k)}; valid kinds are {', '.join(KIND_NAMES)}"
            )
        out.add(KIND_CODES[name])
    if not out:
        raise ParameterError(f"kinds must name at least one of {', '.join(KIND_NAMES)}")
    return tuple(sorted(out))


def undirected_pairs(
    world: Any,
    kinds: tuple[int, ...],
    *,
    kind_weight: np.ndarray | None = None,
    combine: str = "sum",
    min_credibility: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The undirected alliance graph: pairs ``u < v`` (int64) and their weight.

    A commitment ``g -> p`` of a kind in ``kinds`` with credibility > ``min_credibility``
    adds ``credibility * kind_weight[kind]`` to the pair {g, p}; ``combine`` is "sum"
    (a mutual pact weighs twice a one-way guarantee) or "max" (the strongest tie in either
    direction). Pairs of weight 0 are dropped. Vectorised; sorted by (u, v).
    """
    n = world.n_states
    kind = world.kind
    cred = world.credibility
    mask = np.isin(kind, np.asarray(kinds, dtype=kind.dtype)) & (cred > min_credibility)
    g = world.guarantors[mask].astype(np.int64)
    p = world.indices[mask].astype(np.int64)
    w = cred[mask].astype(np.float64)
    if kind_weight is not None:
        w = w * kind_weight[kind[mask]]
    u = np.minimum(g, p)
    v = np.maximum(g, p)
    if not len(u):
        z = np.zeros(0, np.int64)
        return z, z.copy(), np.zeros(0, np.float64)
    key = u * max(n, 1) + v
    order = np.argsort(key, kind="stable")
    key, w = key[order], w[order]
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    if combine == "sum":
        ws = np.add.reduceat(w, start)
    else:
        ws = np.maximum.reduceat(w, start)
    k = key[start]
    keep = ws > 0
    return k[keep] // max(n, 1), k[keep] % max(n, 1), ws[keep]


def kind_weights(entente_weight: float) -> np.ndarray:
    """Weight of a tie per kind code, read from the table of kinds: a pulling kind by its
    fixed weight, or ``entente_weight`` for the kind weighed by that Rules field (any
    other field: its default); a restraining kind counts fully (1) when asked for
    through ``kinds``.

    >>> kind_weights(0.25).tolist()
    [1.0, 1.0, 1.0, 0.25, 1.0, 1.0]
    """
    defaults = Rules(entente_weight=entente_weight)
    kw = np.ones(len(KINDS), np.float64)
    for code, k in enumerate(KINDS):
        if k.effect == "pull":
            kw[code] = getattr(defaults, k.weight) if isinstance(k.weight, str) else k.weight
    return kw


def axes(ax: Any = None) -> tuple[Any, Any]:
    """(figure, axes): a new ``matplotlib.figure.Figure`` (no pyplot, works headless) or
    the figure of the given axes."""
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - matplotlib is an optional dependency
        raise ImportError(
            "plot() needs matplotlib: pip install matplotlib (or foederis[jupyter])"
        ) from None
    if ax is None:
        fig = Figure(figsize=(7, 4.5), layout="constrained")
        ax = fig.add_subplot()
        return fig, ax
    return ax.figure, ax


def state_selection(world: Any, states: Any, name: str) -> np.ndarray:
    """Codes or indices (or None for every state) -> unique state indices, in the order
    given (the aggressors and targets of the deterrence map). Raises UnknownStateError
    naming the code and the parameter."""
    if states is None:
        if world.n_states == 0:
            raise ParameterError(f"{name}: world {shown(world.name)} has no states; a deterrence "
                                 "map needs at least two")
        return np.arange(world.n_states, dtype=np.int64)
    if isinstance(states, str):
        items: list = [s for s in (x.strip() for x in states.split(",")) if s]
    elif isinstance(states, (int, np.integer)) and not isinstance(states, (bool, np.bool_)):
        items = [states]
    else:
        try:
            items = list(states)
        except TypeError:
            raise ParameterError(
                f"{name} must be None (every state), a code, a comma-separated string of "
                f"codes, or a list of codes or indices, got {shown(states)}"
            ) from None
    if not items:
        raise ParameterError(f"{name} is empty: give at least one state code, or None for "
                             "every state")
    out = []
    for x in items:
        if isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
            i = int(x)
            if not 0 <= i < world.n_states:
                raise UnknownStateError(
                    f"{name}: state index {i} is out of range; valid indices are "
                    f"0..{world.n_states - 1}"
                )
        elif isinstance(x, str):
            try:
                i = world.index(x.strip())
            except UnknownStateError as e:
                raise UnknownStateError(f"{name}: {e}") from None
        else:
            raise ParameterError(f"{name}: a state must be a code (str) or an index, got "
                                 f"{shown(x)}")
        out.append(i)
    return np.asarray(list(dict.fromkeys(out)), dtype=np.int64)
