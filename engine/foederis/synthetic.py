"""Synthetic alliance worlds of any size, for tests, benchmarks and teaching.

:func:`synthetic_world` draws a world with the structure of the real one: states grouped
in blocs, multilateral defense treaties inside the blocs, great powers with heavy-tailed
capability that extend hub-and-spoke guarantees to clients, informal alignments and
non-aggression pacts, and rivalries between blocs. Every step is vectorised numpy (no
Python loop over states or edges), so 10^6 states with 10^7 commitments take seconds.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from foederis._constants import (
    CONVENTIONAL,
    CYBER,
    DEFENSE,
    ECONOMIC,
    ENTENTE,
    GUARANTEE,
    NEUTRALITY,
    NONAGGRESSION,
    NUCLEAR,
    OFFENSE,
)
from foederis._synthetic_parts import (
    Edges,
    Layout,
    bloc_sizes,
    dedup_sorted,
    draw_level,
    empty_edges,
    labels,
    mutual,
    segment_arange,
    uniform_in,
)
from foederis._validate import check_int, check_number, shown
from foederis.errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from foederis.world import World

__all__ = ["synthetic_world"]

#: Share of informal directed commitments that are ENTENTE, NEUTRALITY, NONAGGRESSION.
_INFORMAL_MIX = (0.5, 0.2, 0.3)
#: Probability that a treaty also covers the cyber domain.
_TREATY_CYBER = 0.25
#: Probability that an ENTENTE also covers the economic domain (a sanctions coalition).
_ENTENTE_ECONOMIC = 0.5
#: Probability that a rivalry is aimed at the bloc's arch-rival rather than any other bloc.
_ARCH_RIVAL = 0.7
#: Share of rivalries whose source is drawn in proportion to capability (great powers).
_RIVAL_BY_CAPABILITY = 0.5
#: A treaty's members are drawn from a window of this many times its size inside the bloc.
_TREATY_SPREAD = 4


# --- parameter checks -----------------------------------------------------------------
def _rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ParameterError(
            f"seed must be an integer in [0, inf) or a numpy.random.Generator, got {seed!r}"
        )
    return np.random.default_rng(int(seed))


# --- the parts of the world (building blocks in _synthetic_parts) ----------------------
def _treaties(
    rng: np.random.Generator,
    lay: Layout,
    target: int,
    treaty_size: float,
    offense_share: float,
    first_id: int,
) -> Edges:
    """Multilateral treaties inside blocs, each committing every member to every other.

    About ``target`` edges (before deduplication), no self-pairs; treaty ids count up
    from ``first_id``.
    """
    eligible = np.flatnonzero(lay.bloc_size >= 2)
    if target <= 0 or eligible.size == 0:
        return empty_edges()
    p_bloc = lay.bloc_size[eligible] / lay.bloc_size[eligible].sum()
    p_geom = 1.0 / (treaty_size - 1.0)
    mean_pairs = treaty_size * (treaty_size - 1.0) + (1.0 - p_geom) / p_geom**2
    bloc_parts, size_parts, have = [], [], 0
    while have < target:  # a loop over batches of treaties: one nearly always suffices
        batch = int(1.2 * (target - have) / mean_pairs) + 16
        b = eligible[rng.choice(eligible.size, batch, p=p_bloc)]
        s = np.minimum(1 + rng.geometric(p_geom, batch), lay.bloc_size[b])
        bloc_parts.append(b)
        size_parts.append(s)
        have += int((s * (s - 1)).sum())
    bloc = np.concatenate(bloc_parts)
    size = np.concatenate(size_parts)
    n_treaties = int(np.searchsorted(np.cumsum(size * (size - 1)), target)) + 1
    bloc, size = bloc[:n_treaties], size[:n_treaties]
    kind = np.where(rng.random(n_treaties) < offense_share, OFFENSE, DEFENSE).astype(np.uint8)
    level = draw_level(rng, lay, n_treaties)
    dom = np.where(rng.random(n_treaties) < _TREATY_CYBER, CONVENTIONAL | CYBER, CONVENTIONAL)
    dom = dom.astype(np.uint8)

    # Members: s distinct states from a window of the bloc, sorted. The classic trick:
    # sorted draws u_0 <= ... <= u_{s-1} from [0, w - s], plus 0..s-1, are distinct.
    window = np.minimum(lay.bloc_size[bloc], _TREATY_SPREAD * size)
    start = uniform_in(rng, lay.bloc_start[bloc], lay.bloc_size[bloc] - window + 1)
    owner = np.repeat(np.arange(n_treaties, dtype=np.int64), size)
    draw = (rng.random(owner.size) * np.repeat(window - size + 1, size)).astype(np.int64)
    span = int(window.max()) + 1
    draw = np.sort(owner * span + draw) % span
    members = (np.repeat(start, size) + draw + segment_arange(size)).astype(np.int32)
    first = np.cumsum(size) - size

    # Every ordered pair of distinct members: one gather per distinct treaty size (a
    # loop over the few sizes, not over treaties or edges).
    parts = []
    for s in np.unique(size):
        ids = np.flatnonzero(size == s)
        a, b = np.nonzero(~np.eye(s, dtype=bool))
        block = members[first[ids][:, None] + np.arange(s)]  # (treaties, s)
        per = np.full(ids.size, s * (s - 1), dtype=np.int64)
        parts.append(
            Edges(
                block[:, a].ravel(),
                block[:, b].ravel(),
                np.repeat(kind[ids], per),
                np.repeat(level[ids], per),
                np.repeat(dom[ids], per),
                np.repeat((ids + first_id).astype(np.int32), per),
            )
        )
    return Edges.concat(parts)


def _guarantees(rng: np.random.Generator, lay: Layout, count: int, locality: float) -> Edges:
    """Hub and spoke: great powers guarantee clients, in proportion to capability.

    A share ``locality`` of a power's clients are in its own bloc, at most half the bloc;
    the rest (and the overflow of the strongest hubs) are anywhere.
    """
    per_power = rng.multinomial(count, lay.gp_weight)
    room = (lay.bloc_size[lay.bloc[lay.great_powers]] - 1) // 2
    local = np.minimum(rng.binomial(per_power, locality), room)
    gp = np.repeat(lay.great_powers, per_power)
    is_local = segment_arange(per_power) < np.repeat(local, per_power)
    b = lay.bloc[gp]
    client = np.where(
        is_local,
        uniform_in(rng, lay.bloc_start[b], lay.bloc_size[b]),
        rng.integers(0, lay.n, count),
    )
    dom = np.where(lay.nuclear[gp], CONVENTIONAL | NUCLEAR, CONVENTIONAL).astype(np.uint8)
    return Edges(
        gp.astype(np.int32),
        client.astype(np.int32),
        np.full(count, GUARANTEE, np.uint8),
        draw_level(rng, lay, count),
        dom,
        np.full(count, -1, np.int32),
    )


def _informal(rng: np.random.Generator, lay: Layout, count: int, kind: int) -> Edges:
    """Mutual informal ties: ENTENTE inside blocs, NEUTRALITY / NONAGGRESSION anywhere."""
    dyads = count // 2 + (count % 2 and rng.random() < 0.5)
    a = rng.integers(0, lay.n, dyads)
    if kind == ENTENTE:
        b = uniform_in(rng, lay.bloc_start[lay.bloc[a]], lay.bloc_size[lay.bloc[a]])
        dom = np.where(rng.random(dyads) < _ENTENTE_ECONOMIC, CONVENTIONAL | ECONOMIC, CONVENTIONAL)
    else:
        b = rng.integers(0, lay.n, dyads)
        dom = np.full(dyads, CONVENTIONAL)
    g, p = mutual(a.astype(np.int32), b.astype(np.int32))
    return Edges(
        g,
        p,
        np.full(g.size, kind, np.uint8),
        np.concatenate([draw_level(rng, lay, dyads)] * 2),
        np.concatenate([dom, dom]).astype(np.uint8),
        np.full(g.size, -1, np.int32),
    )


def _commitments(
    rng: np.random.Generator,
    lay: Layout,
    targets: dict[int, int],
    treaty_size: float,
    offense_share: float,
    locality: float,
) -> tuple[Edges, int]:
    """All commitments, deduplicated, in CSR order, and the number of treaties.

    ``targets`` maps each part (-1 for treaties, else the kind) to its number of edges.
    Duplicates and self-pairs drawn are dropped; then each part that fell short of its
    target is topped up once, in proportion to how many of its edges survived.
    """
    n_treaties = 0

    def draw(part: int, count: int) -> Edges:
        nonlocal n_treaties
        if count <= 0:
            return empty_edges()
        if part == -1:
            edges = _treaties(rng, lay, count, treaty_size, offense_share, n_treaties)
            if edges.treaty.size:
                n_treaties = int(edges.treaty.max()) + 1
            return edges
        if part == GUARANTEE:
            return _guarantees(rng, lay, count, locality)
        return _informal(rng, lay, count, part)

    raw = {part: draw(part, count) for part, count in targets.items()}
    edges = Edges.concat(list(raw.values()))
    edges = edges.take(dedup_sorted(lay.n, edges.guarantor, edges.protege, edges.kind))
    survived = {
        -1: int(np.count_nonzero((edges.kind == DEFENSE) | (edges.kind == OFFENSE))),
        **{part: int(np.count_nonzero(edges.kind == part)) for part in targets if part >= 0},
    }
    top_up = []
    for part, count in targets.items():  # a loop over the five parts, not over edges
        short = count - survived[part]
        if raw[part].kind.size and short > 0.002 * count:
            rate = max(survived[part] / raw[part].kind.size, 0.25)
            top_up.append(draw(part, math.ceil(short / rate)))
    if top_up:
        # The deduplicated edges come first and are already sorted: the stable sort
        # merges runs, and existing edges win over new duplicates.
        edges = Edges.concat([edges, *top_up])
        edges = edges.take(dedup_sorted(lay.n, edges.guarantor, edges.protege, edges.kind))
    return edges, n_treaties


def _rivalries(
    rng: np.random.Generator, lay: Layout, capability: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mutual rivalries between blocs, mostly towards each bloc's arch-rival.

    Half the sources are drawn in proportion to capability (great powers have more
    rivals), half uniformly. Returns (source, target, hostility), deduplicated.
    """
    n, n_blocs = lay.n, lay.bloc_size.size
    dyads = count // 2 + (count % 2 and rng.random() < 0.5)
    if n < 2 or dyads == 0:
        return np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0, np.float64)
    strong = np.minimum(np.searchsorted(np.cumsum(capability), rng.random(dyads)), n - 1)
    src = np.where(rng.random(dyads) < _RIVAL_BY_CAPABILITY, strong, rng.integers(0, n, dyads))
    if n_blocs >= 2:
        # arch-rivals: blocs paired at random (with an odd count, one pair shares a bloc)
        perm = rng.permutation(n_blocs)
        half = n_blocs // 2
        arch = np.empty(n_blocs, dtype=np.int64)
        arch[perm[0 : 2 * half : 2]] = perm[1 : 2 * half : 2]
        arch[perm[1 : 2 * half : 2]] = perm[0 : 2 * half : 2]
        if n_blocs % 2:
            arch[perm[-1]] = perm[0]
        b_src = lay.bloc[src].astype(np.int64)
        other = (b_src + 1 + rng.integers(0, n_blocs - 1, dyads)) % n_blocs
        b_dst = np.where(rng.random(dyads) < _ARCH_RIVAL, arch[b_src], other)
        dst = uniform_in(rng, lay.bloc_start[b_dst], lay.bloc_size[b_dst])
    else:
        dst = (src + 1 + rng.integers(0, n - 1, dyads)) % n
    source, target = mutual(src, dst)
    hostility = 1.0 - rng.random(source.size)  # in (0, 1]: a zero would be no rivalry
    keep = dedup_sorted(n, source, target, np.zeros(source.size, np.uint8))
    return source[keep].astype(np.int32), target[keep].astype(np.int32), hostility[keep]


def _synthetic_arrays(
    n_states: int,
    mean_commitments: float = 10.0,
    blocs: int | None = None,
    seed: int | np.random.Generator = 0,
    *,
    guarantee_share: float = 0.2,
    informal_share: float = 0.1,
    offense_share: float = 0.02,
    treaty_size: float = 6.0,
    rivalry_density: float = 1.0,
    capability_tail: float = 1.2,
    great_power_share: float = 0.02,
    nuclear_share: float = 0.01,
    regions: int | None = None,
    credibility_levels: Sequence[float] = (0.3, 0.6, 0.9, 1.0),
    guarantee_locality: float = 0.8,
) -> dict[str, Any]:
    """The keyword arguments of ``World.from_arrays`` for :func:`synthetic_world`.

    Also returns ``bloc`` (int32, the bloc of each state), which ``from_arrays`` does
    not take. Parameters as :func:`synthetic_world`.
    """
    n = check_int("n_states", n_states, low=1)
    mean = check_number("mean_commitments", mean_commitments, low=0, high=n - 1)
    if blocs is None:
        n_blocs = max(1, round(math.sqrt(n) / 2))
    else:
        n_blocs = check_int("blocs", blocs, low=1, high=n)
    g_share = check_number("guarantee_share", guarantee_share, low=0, high=1)
    i_share = check_number("informal_share", informal_share, low=0, high=1)
    if g_share + i_share > 1.0:
        raise ParameterError(
            "guarantee_share + informal_share must be in [0, 1] (the rest are treaty "
            f"commitments), got {g_share} + {i_share} = {g_share + i_share}"
        )
    o_share = check_number("offense_share", offense_share, low=0, high=1)
    t_size = check_number("treaty_size", treaty_size, low=2)
    r_density = check_number("rivalry_density", rivalry_density, low=0, high=n - 1)
    tail = check_number("capability_tail", capability_tail, low=0, low_open=True)
    gp_share = check_number("great_power_share", great_power_share, low=0, high=1, low_open=True)
    nuc_share = check_number("nuclear_share", nuclear_share, low=0, high=1)
    n_regions = (
        max(1, min(n_blocs, round(math.sqrt(n_blocs))))
        if regions is None
        else check_int("regions", regions, low=1, high=n_blocs)
    )
    try:
        levels = np.array(credibility_levels, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        levels = np.array([np.nan])
    if not 1 <= levels.size <= 255 or not np.all((levels > 0.0) & (levels <= 1.0)):
        raise ParameterError(
            "credibility_levels must be a sequence of 1 to 255 numbers in (0, 1], "
            f"got {shown(credibility_levels)}"
        )
    locality = check_number("guarantee_locality", guarantee_locality, low=0, high=1)
    rng = _rng(seed)

    # --- states: blocs as contiguous index ranges, heavy-tailed capability --------------
    bloc_size = bloc_sizes(rng, n, n_blocs)
    bloc_start = np.cumsum(bloc_size) - bloc_size
    bloc = np.repeat(np.arange(n_blocs, dtype=np.int32), bloc_size)
    capability = rng.pareto(tail, n) + 1.0
    capability /= capability.sum()
    by_capability = np.argsort(-capability, kind="stable")
    n_gp = max(1, math.ceil(gp_share * n))
    great_powers = by_capability[:n_gp]
    global_reach = np.zeros(n, dtype=bool)
    global_reach[great_powers] = True
    nuclear = np.zeros(n, dtype=bool)
    nuclear[by_capability[: math.ceil(nuc_share * n)]] = True
    region_of_bloc = (np.arange(n_blocs, dtype=np.int64) * n_regions) // n_blocs
    region = labels("R", n_regions, 2)[region_of_bloc[bloc]]
    # GDP roughly tracks capability; defense spending is a lognormal share of GDP.
    gdp = capability * rng.lognormal(0.0, 0.5, n) * 1.0e5
    defense_spending = gdp * np.exp(rng.normal(math.log(0.02), 0.5, n))
    lay = Layout(
        n=n,
        bloc=bloc,
        bloc_start=bloc_start,
        bloc_size=bloc_size,
        great_powers=great_powers,
        gp_weight=capability[great_powers] / capability[great_powers].sum(),
        nuclear=nuclear,
        levels=levels,
    )

    # --- commitments ----------------------------------------------------------------------
    m_target = round(n * mean)
    m_guarantee = round(m_target * g_share)
    m_informal = round(m_target * i_share)
    informal = [round(m_informal * share) for share in _INFORMAL_MIX]
    targets = {
        -1: m_target - m_guarantee - sum(informal),
        GUARANTEE: m_guarantee,
        ENTENTE: informal[0],
        NEUTRALITY: informal[1],
        NONAGGRESSION: informal[2],
    }
    edges, n_treaties = _commitments(rng, lay, targets, t_size, o_share, locality)
    source, target, hostility = _rivalries(rng, lay, capability, round(n * r_density))

    return {
        "codes": labels("S", n, 4),
        "capability": capability,
        "guarantor": edges.guarantor,
        "protege": edges.protege,
        "kind": edges.kind,
        "credibility": levels[edges.level],
        "domains": edges.domains,
        "treaty": edges.treaty,
        "treaty_names": tuple(labels("T", n_treaties, 6).tolist()),
        "gdp": gdp,
        "defense_spending": defense_spending,
        "nuclear": nuclear,
        "region": region,
        "global_reach": global_reach,
        "rivalry_source": source,
        "rivalry_target": target,
        "hostility": hostility,
        "bloc": bloc,
    }


def synthetic_world(
    n_states: int,
    mean_commitments: float = 10.0,
    blocs: int | None = None,
    seed: int | np.random.Generator = 0,
    *,
    guarantee_share: float = 0.2,
    informal_share: float = 0.1,
    offense_share: float = 0.02,
    treaty_size: float = 6.0,
    rivalry_density: float = 1.0,
    capability_tail: float = 1.2,
    great_power_share: float = 0.02,
    nuclear_share: float = 0.01,
    regions: int | None = None,
    credibility_levels: Sequence[float] = (0.3, 0.6, 0.9, 1.0),
    guarantee_locality: float = 0.8,
    name: str = "synthetic",
) -> World:
    """Draw a random world with the structure of the real one.

    States fall into ``blocs``, each a contiguous range of state indices (so the node
    order keeps a bloc's edges close together in memory). Inside each bloc, multilateral
    treaties (named ``"T000000"``, ``"T000001"``, ...) commit every member to every
    other; a share of them are OFFENSE pacts, the rest DEFENSE. Capability is heavy
    tailed (Pareto) and normalised to sum to 1, like a CINC share; the strongest states
    are great powers: they have global reach and extend GUARANTEE edges (hub and spoke)
    to clients, mostly inside their own bloc, in proportion to their capability; the
    strongest of all are nuclear and their guarantees also cover the nuclear domain.
    Informal ties add mutual ENTENTE edges inside blocs and mutual NEUTRALITY and
    NONAGGRESSION edges between any states. Rivalries run between blocs, mostly towards
    each bloc's arch-rival, mutual, with hostility in (0, 1]. Each region groups
    consecutive blocs. Credibility is drawn from a few discrete levels: one per treaty,
    one per other commitment.

    Parameters
    ----------
    n_states : int
        Number of states, >= 1. Codes are ``"S0000"``, ``"S0001"``, ...
    mean_commitments : float, default 10.0
        Requested mean number of commitments per state (out-degree), in
        [0, n_states - 1]. The world has about ``n_states * mean_commitments``
        commitments (slightly fewer: duplicates and self-pairs drawn are dropped).
    blocs : int, optional
        Number of blocs, in [1, n_states]. Default ``round(sqrt(n_states) / 2)``
        (at least 1): 7 blocs for 200 states, 500 for 10^6.
    seed : int or numpy.random.Generator, default 0
        Seed (a non-negative integer) or generator. The same seed and parameters give
        the same world on every machine (with the same numpy version: numpy may change
        its random streams between versions).
    guarantee_share : float, default 0.2
        Share of commitments that are great-power guarantees, in [0, 1].
    informal_share : float, default 0.1
        Share of commitments that are informal (ENTENTE, NEUTRALITY, NONAGGRESSION),
        in [0, 1]. ``guarantee_share + informal_share`` must be at most 1; the rest
        come from treaties.
    offense_share : float, default 0.02
        Share of treaties that are OFFENSE pacts rather than DEFENSE, in [0, 1].
    treaty_size : float, default 6.0
        Mean number of members of a treaty, in [2, inf); sizes are 1 + geometric (so
        most treaties are small, a few large), capped by the bloc's size.
    rivalry_density : float, default 1.0
        Mean number of rivalry entries (directed hostility values) per state, in
        [0, n_states - 1].
    capability_tail : float, default 1.2
        Shape of the Pareto distribution of capability, in (0, inf); smaller is
        heavier tailed (more concentrated power).
    great_power_share : float, default 0.02
        Share of states, the most capable, that are great powers (global reach,
        guarantors), in (0, 1]; at least one.
    nuclear_share : float, default 0.01
        Share of states, the most capable, that are nuclear-armed, in [0, 1].
    regions : int, optional
        Number of regions, in [1, blocs]; each groups consecutive blocs. Default
        ``round(sqrt(blocs))``. Region names are ``"R00"``, ``"R01"``, ...
    credibility_levels : sequence of float, default (0.3, 0.6, 0.9, 1.0)
        The levels credibility is drawn from (uniformly): 1 to 255 numbers in (0, 1].
    guarantee_locality : float, default 0.8
        Probability that a guarantee's client is in the guarantor's own bloc, in
        [0, 1]; otherwise the client is any state. A power's clients fill at most half
        its bloc: the strongest hubs overflow into the rest of the world.
    name : str, default "synthetic"
        The world's name.

    Returns
    -------
    World
        Commitments with (guarantor, protege, kind) unique and no self-commitments;
        thresholds are unset (the cascade's ``Rules.threshold`` applies).

    Raises
    ------
    ParameterError
        A parameter outside its valid range; the message names it and the range.

    Notes
    -----
    Treaties of a bloc overlap, as real ones do; where two treaties bind the same pair
    with the same kind, the one commitment carries the first treaty's name.

    Duplicates and self-pairs are dropped as drawn; a part of the world (treaties,
    guarantees, each informal kind) that falls short of its share is topped up once,
    so the count is within a few per cent of ``n_states * mean_commitments`` unless the
    blocs are too small to hold it.

    The generator is vectorised numpy: time and memory grow linearly with the number
    of commitments, plus one sort. 10^6 states with 10^7 commitments take a few
    seconds and about 1 GB; see ``benchmarks/RESULTS.md``.

    Examples
    --------
    >>> from foederis.synthetic import synthetic_world
    >>> world = synthetic_world(1000, mean_commitments=8, seed=1)
    >>> world.n_states
    1000
    >>> 6000 < world.n_commitments <= 8000
    True
    """
    from foederis.world import World

    arrays = _synthetic_arrays(
        n_states,
        mean_commitments,
        blocs,
        seed,
        guarantee_share=guarantee_share,
        informal_share=informal_share,
        offense_share=offense_share,
        treaty_size=treaty_size,
        rivalry_density=rivalry_density,
        capability_tail=capability_tail,
        great_power_share=great_power_share,
        nuclear_share=nuclear_share,
        regions=regions,
        credibility_levels=credibility_levels,
        guarantee_locality=guarantee_locality,
    )
    del arrays["bloc"]
    return World.from_arrays(**arrays, name=name, citation="synthetic_world (foederis)")
