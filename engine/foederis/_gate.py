"""The one validation gate of the public API: every public entry (cascade, simulate,
threat_exposure, the analyses, ``foederis.kernels.cascade_inputs``, the Dask functions and
the CLI) checks its arguments here, and gets back what it will use.

- ``world``: :func:`check_world`; ``attacks``: :func:`parse_attacks`; ``domain``:
  :func:`parse_domain`; ``rules``: :func:`check_rules`;
- ``seed``: :func:`check_seed`; ``progress``: :func:`check_progress`; ``stop``:
  :func:`check_stop`; ``parallel``: :func:`check_parallel`; ``mode``: :func:`check_mode`;
- the kernels' inputs of a question: :func:`prepare` (a :class:`Prepared`);
- :func:`jit_errstate`, the numpy error state under which kernels run.

Every error names the parameter and what is valid, and is a
:class:`foederis.FoederisError`.

Examples
--------
>>> from foederis._gate import check_parallel, check_seed, parse_domain
>>> parse_domain("Nuclear")
('nuclear', 2)
>>> check_seed(7), check_parallel(None)
(7, None)
>>> check_seed(-1)
Traceback (most recent call last):
...
foederis.errors.ParameterError: seed must be an integer in [0, 18446744073709551615], got -1
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ._constants import CONVENTIONAL, DOMAIN_BITS, DOMAIN_NAMES, KINDS
from ._kernels import conditions as _kc
from ._validate import check_int, shown
from .errors import AttackError, ParameterError, UnknownStateError
from .rules import Rules
from .world import World

__all__ = [
    "MODES", "Prepared", "check_mode", "check_parallel", "check_progress", "check_rules",
    "check_seed", "check_stop", "check_world", "frozen_view", "jit_errstate",
    "parse_attacks", "parse_domain", "prepare",
]

#: The ensemble modes of :func:`foederis.simulate` (and the sampled sweeps).
MODES = ("threshold", "any")

_DEFAULT_RULES = Rules()


def check_rules(rules: Any) -> Rules:
    """``None`` -> ``Rules()``; a Rules as is; a dict of its fields -> ``Rules(**d)``."""
    if rules is None:
        return _DEFAULT_RULES
    if isinstance(rules, Rules):
        return rules
    if isinstance(rules, dict):
        try:
            return Rules(**rules)
        except ParameterError as e:
            raise ParameterError(f"rules: {e}") from None
    raise ParameterError(f"rules must be a foederis.Rules (or a dict of its fields), got "
                         f"{type(rules).__name__}")


def check_seed(seed: Any) -> int:
    """A seed in [0, 2**64); None draws one from the OS."""
    if seed is None:
        return int(np.random.SeedSequence().entropy) & ((1 << 64) - 1)
    return check_int("seed", seed, low=0, high=(1 << 64) - 1)


def check_stop(stop: Any) -> Callable[[], bool] | None:
    """None, a threading.Event (anything with ``is_set()``) or a callable -> a callable
    returning True to stop (or None)."""
    if stop is None:
        return None
    if hasattr(stop, "is_set"):
        return lambda: bool(stop.is_set())
    if callable(stop):
        return lambda: bool(stop())
    raise ParameterError("stop must be None, a threading.Event (anything with is_set()) or a "
                         f"callable returning True to stop, got {type(stop).__name__}")


def check_progress(progress: Any) -> Any:
    """None or a callable(done, total)."""
    if progress is not None and not callable(progress):
        raise ParameterError(f"progress must be a callable(done, total), got {shown(progress)}")
    return progress


def check_parallel(parallel: Any) -> bool | None:
    """True, False or None (decide by the work)."""
    if parallel is not None and not isinstance(parallel, (bool, np.bool_)):
        raise ParameterError(f"parallel must be True, False or None, got {shown(parallel)}")
    return None if parallel is None else bool(parallel)


def check_mode(mode: Any) -> str:
    """One of :data:`MODES`."""
    if mode not in MODES:
        raise ParameterError(f"mode must be one of {MODES}, got {shown(mode)}")
    return mode


def check_world(world: Any) -> World:
    """The one gate for a ``world`` argument: a :class:`foederis.World`, returned; anything
    else raises ParameterError."""
    if not isinstance(world, World):
        raise ParameterError(
            f"world must be a foederis.World (e.g. foederis.load_world('contemporary')), "
            f"got {type(world).__name__}"
        )
    return world


def parse_domain(domain: Any) -> tuple[str, int]:
    """``"conventional"`` (any case) -> ("conventional", 1); raises ParameterError."""
    if isinstance(domain, str) and domain.strip().lower() in DOMAIN_BITS:
        name = domain.strip().lower()
        return name, DOMAIN_BITS[name]
    raise ParameterError(
        f"domain must be one of {', '.join(DOMAIN_NAMES)} (an attack has one domain), "
        f"got {shown(domain)}"
    )


def _is_scalar_state(x: Any) -> bool:
    return (isinstance(x, str) and ":" not in x) or (
        isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
    )


def _state_index(world: Any, x: Any, item: Any) -> int:
    if isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
        i = int(x)
        if not 0 <= i < world.n_states:
            raise UnknownStateError(
                f"attack {shown(item)}: state index {i} is out of range; valid indices are "
                f"0..{world.n_states - 1}"
            )
        return i
    if not isinstance(x, str):
        raise AttackError(f"attack {shown(item)}: a state must be a code (str) or an index, got "
                          f"{type(x).__name__}")
    return world.index(x.strip())


def parse_attacks(world: Any, attacks: Any) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Validate attacks -> (aggressor indices, target indices, pairs of codes).

    Accepts ``"RUS:EST"``, ``("RUS", "EST")``, or a list of those; states may be codes or
    integer indices. Raises AttackError (empty, malformed, self-attack, a state both
    aggressor and target) or UnknownStateError (unknown code), naming the culprit.
    """
    if isinstance(attacks, str):
        items: list = [attacks]
    elif (isinstance(attacks, (tuple, list)) and len(attacks) == 2
          and all(_is_scalar_state(x) for x in attacks)):
        items = [tuple(attacks)]
    else:
        try:
            items = list(attacks)
        except TypeError:
            raise AttackError(
                f"attacks must be 'AGG:TGT', an (aggressor, target) pair or a list of them, "
                f"got {shown(attacks)}"
            ) from None
    if not items:
        raise AttackError("attacks is empty: give at least one (aggressor, target) pair, "
                          "e.g. ('RUS', 'EST') or 'RUS:EST'")
    agg: list[int] = []
    tgt: list[int] = []
    pairs = []
    for item in items:
        if isinstance(item, np.str_):
            item = str(item)
        elif isinstance(item, (tuple, list)):  # np.str_ / np.int64 codes read back plainly
            item = tuple(x.item() if isinstance(x, np.generic) else x for x in item)
        if isinstance(item, str):
            parts = item.split(":")
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise AttackError(f"attack {shown(item)} must look like 'AGGRESSOR:TARGET'")
            a_raw, t_raw = parts[0].strip(), parts[1].strip()
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            a_raw, t_raw = item
        else:
            raise AttackError(f"attack {shown(item)} must be 'AGG:TGT' or an (aggressor, target) "
                              "pair")
        a = _state_index(world, a_raw, item)
        t = _state_index(world, t_raw, item)
        if a == t:
            raise AttackError(f"attack {shown(item)}: '{world.codes[a]}' cannot attack itself")
        agg.append(a)
        tgt.append(t)
        pairs.append((str(world.codes[a]), str(world.codes[t])))
    both = set(agg) & set(tgt)
    if both:
        i = min(both)
        code = str(world.codes[i])
        a_in = next(p for p in pairs if p[0] == code)
        t_in = next(p for p in pairs if p[1] == code)
        raise AttackError(
            f"{shown(code)} is both an aggressor ({a_in[0]}:{a_in[1]}) and a target "
            f"({t_in[0]}:{t_in[1]}); a state fights on one side only"
        )
    # sorted and unique, as np.unique gives them (a set: a question holds a few states)
    aggressors = np.array(sorted(set(agg)), dtype=np.int64)
    targets = np.array(sorted(set(tgt)), dtype=np.int64)
    # drop repeated pairs, keep order
    seen = set()
    uniq = []
    for p in pairs:
        if p not in seen:
            seen.add(p)
            uniq.append(p)
    return aggressors, targets, tuple(uniq)


def frozen_view(a: np.ndarray) -> np.ndarray:
    """A read-only view (the kernels are compiled once, for read-only inputs)."""
    if a.flags.writeable:
        a = a.view()
        a.setflags(write=False)
    return a


class Prepared(NamedTuple):
    """Kernel inputs of one (world, attacks, rules, domain); see foederis.kernels."""

    tindptr: np.ndarray
    tindices: np.ndarray
    tcredibility: np.ndarray
    tkind: np.ndarray
    tdomains: np.ndarray
    threshold: np.ndarray
    default_threshold: float
    region_code: np.ndarray
    global_reach: np.ndarray
    theatre: np.ndarray
    reach: bool
    aggressors: np.ndarray
    targets: np.ndarray
    domain: int
    pull_weight: np.ndarray
    restraint_weight: np.ndarray
    defend_initiators: float
    credibility_scale: float
    max_rounds: int
    #: (riv_indptr, riv_indices, riv_hostility, rival_weight, bound_victim,
    #: defend_cobelligerents, the condition tables, rival_all, min_side_share, capability,
    #: tslot, n_slots): the rivalry CSR by source,
    #: Rules.rival_weight, Rules.bound_victim_unrestrained, Rules.defend_cobelligerents
    #: and Rules.conditions (:func:`condition_levers`), the levers the kernels apply
    #: themselves (foederis._kernels.core.cascade_core, foederis._kernels.conditions)
    levers: tuple
    capability: np.ndarray
    nuclear: np.ndarray
    #: False when the kernels apply conditions (Rules.conditions on a world that has
    #: some): the World's cached per-edge pulls, which know none, do not apply then
    pulls_as_world: bool = True


def prepare(world: Any, aggressors: np.ndarray, targets: np.ndarray, rules: Rules,
            domain_bit: int) -> Prepared:
    """The kernel inputs of one question (validated world, attack indices, rules, domain
    bit): read-only views of the world's transposed CSR and node arrays, and the rules'
    weights and scalars, in the kernels' argument order."""
    tr = world.transposed
    reach = bool(rules.reach and domain_bit == CONVENTIONAL and world.has_reach_column)
    rc = world.region_code
    theatre = np.zeros(max(len(world.region_names), 1), dtype=np.bool_)
    if reach:
        codes = np.concatenate((rc[aggressors], rc[targets]))
        theatre[codes[codes >= 0]] = True
    global_reach = world.global_reach
    if reach and rules.reach_rule == "geography" and len(aggressors):
        able = reach_by_geography(world, aggressors, targets, rules.reach_km, theatre)
        if able is not None:  # the kernels' reach test reads only the mask now
            global_reach = able
            rc = np.zeros_like(rc)
            theatre = np.zeros(1, dtype=np.bool_)
    theatre.setflags(write=False)
    conditions = condition_levers(world, rules)
    pulls_as_world = conditions[1].shape[0] == 0  # per-World pulls know no conditions
    aggressors = frozen_view(aggressors)
    targets = frozen_view(targets)
    return Prepared(
        frozen_view(tr.indptr), frozen_view(tr.indices), frozen_view(tr.credibility),
        frozen_view(tr.kind), frozen_view(tr.domains),
        frozen_view(world.threshold), float(rules.threshold), frozen_view(rc), frozen_view(global_reach),
        theatre, reach,
        aggressors, targets, int(domain_bit),
        rules.pull_weight, rules.restraint_weight, float(rules.defend_initiators),
        float(rules.credibility_scale),
        -1 if rules.max_rounds is None else int(rules.max_rounds),
        (frozen_view(world.riv_indptr), frozen_view(world.riv_indices),
         frozen_view(world.riv_hostility), float(rules.rival_weight),
         bool(rules.bound_victim_unrestrained), float(rules.defend_cobelligerents),
         *conditions, rules.rival_scope == "belligerents", float(rules.min_side_share),
         frozen_view(world.capability), *treaty_slots(world, rules)),
        frozen_view(world.capability), frozen_view(world.nuclear), pulls_as_world,
    )



# --------------------------------------------------------------------------------------
# the levers that read the world: Rules.conditions as tables the kernels read (built once
# per World), Rules.reach_rule="geography" per question, in Python
# --------------------------------------------------------------------------------------
def _world_has_conditions(world: Any) -> bool:
    """Whether ``world`` has any conditional commitment; computed once per World (Worlds
    are immutable), so that a question on a world without them costs nothing per call."""
    got = world.__dict__.get("_has_conditions")
    if got is None:
        got = world.__dict__["_has_conditions"] = bool(np.any(world.condition))
    return got


def kinds_present(world: Any) -> np.ndarray:
    """Whether the world has a commitment of each kind (bool, one per kind code),
    computed once per World (Worlds are immutable): an ensemble asks it on every call, and
    counting the kinds of 10^7 commitments costs more than a small war's samples."""
    got = world.__dict__.get("_kinds_present")
    if got is None:
        got = np.bincount(world.kind, minlength=len(KINDS)) > 0
        got.setflags(write=False)
        world.__dict__["_kinds_present"] = got
    return got


def per_question_levers(world: Any, rules: Rules) -> list[str]:
    """The levers of ``rules`` that read the world per question in Python and would
    change something in ``world`` (the all-pairs sweeps then run pair by pair): only
    ``reach_rule="geography"`` (conditions run in the kernels)."""
    on = []
    if (rules.reach and rules.reach_rule == "geography"
            and (np.any(~np.isnan(world.lat)) or world.contiguity.nnz)):
        on.append("reach_rule='geography'")
    return on


def _no_conditions(n: int) -> tuple:
    z = np.zeros
    out = (z(0, np.int32), z(0, np.uint8), z(0, np.int32), z(0, np.int32),
           z(n + 1, np.int64), z(0, np.int32), np.full(n, -1, np.int32))
    return tuple(frozen_view(a) for a in out)


def _condition_tables(world: Any) -> tuple:
    """The condition tables of :mod:`foederis._kernels.conditions` for ``world``, built
    once per World (read-only), or the empty tables when it has no condition."""
    got = world.__dict__.get("_condition_tables")
    if got is None:
        if not _world_has_conditions(world):
            got = _no_conditions(world.n_states)
        else:
            table = world.conditions
            against = world.against_matrix().T.tocsr()  # states x conditions
            names = {r: c for c, r in enumerate(world.region_names)}
            loc = np.asarray([_kc.ANYWHERE if x == "" else _kc.PROTEGE_ONLY
                              if x == "protege" else names.get(str(x), _kc.NOWHERE)
                              for x in table.location.tolist()], dtype=np.int32)
            flags = ((table.against == "") | table.adversary_unnamed).astype(np.uint8) \
                * _kc.ANY_ADVERSARY | table.nonprovocation.astype(np.uint8) \
                * _kc.NONPROVOCATION
            got = tuple(frozen_view(np.ascontiguousarray(a, dtype=d)) for a, d in (
                (world.condition[world.transposed.edge], np.int32), (flags, np.uint8),
                (table.min_attackers, np.int32), (loc, np.int32),
                (against.indptr, np.int64), (against.indices, np.int32),
                (world.region_code, np.int32)))
        world.__dict__["_condition_tables"] = got
    return got


def condition_levers(world: Any, rules: Rules) -> tuple:
    """The condition entries of the kernels' ``levers`` (after the six of
    ``foederis.kernels.no_levers``): the world's tables under ``Rules.conditions``, else
    the empty ones (the kernels test nothing per edge)."""
    if rules.conditions:
        return _condition_tables(world)
    got = world.__dict__.get("_condition_tables_off")
    if got is None:
        got = world.__dict__["_condition_tables_off"] = _no_conditions(world.n_states)
    return got


_NO_SLOTS = np.zeros(0, np.int32)
_NO_SLOTS.setflags(write=False)


def treaty_slots(world: Any, rules: Rules) -> tuple:
    """The ``levers`` entries of :attr:`Rules.one_pull_per_treaty`: (tslot int32 per
    transposed edge, n_slots int). A slot is a (guarantor, treaty) with two commitments or
    more (``World.treaty``, the first treaty of each); tslot is -1 on every other edge.
    Built once per World; (empty, 0) when the lever is off or no treaty repeats."""
    if not rules.one_pull_per_treaty:
        return _NO_SLOTS, 0
    got = world.__dict__.get("_treaty_slots")
    if got is None:
        treaty = np.asarray(world.treaty, np.int64)
        grounded = treaty >= 0
        if not grounded.any():
            got = (_NO_SLOTS, 0)
        else:
            guarantor = np.repeat(np.arange(world.n_states, dtype=np.int64),
                                  np.diff(world.indptr))
            key = guarantor[grounded] * max(len(world.treaty_names), 1) + treaty[grounded]
            uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
            shared = counts >= 2
            ids = np.where(shared, np.cumsum(shared) - 1, -1).astype(np.int32)
            fwd = np.full(len(treaty), -1, np.int32)
            fwd[grounded] = ids[inverse]
            n_slots = int(shared.sum())
            got = ((frozen_view(fwd[world.transposed.edge]), n_slots) if n_slots
                   else (_NO_SLOTS, 0))
        world.__dict__["_treaty_slots"] = got
    return got


def conditioned_credibility(world: Any, aggressors: np.ndarray,
                            targets: np.ndarray) -> np.ndarray:
    """The transposed credibilities the kernels count for this war under
    :attr:`Rules.conditions`: 0 on every commitment whose conditions do not hold (the
    kernels' own rule, ``foederis._kernels.conditions``); the world's own array when none
    of its commitments is conditional."""
    tr = world.transposed
    if not _world_has_conditions(world):
        return tr.credibility
    levers = (frozen_view(world.riv_indptr), frozen_view(world.riv_indices),
              frozen_view(world.riv_hostility), 0.0, False, 1.0, *_condition_tables(world))
    out = np.empty(len(tr.credibility), dtype=np.float64)
    _kc.conditioned_credibility_kernel(
        frozen_view(tr.indptr), frozen_view(tr.indices), frozen_view(tr.credibility),
        frozen_view(tr.kind), levers, frozen_view(np.unique(aggressors).astype(np.int64)),
        frozen_view(np.unique(targets).astype(np.int64)), out)
    return out


#: Kinds whose commitment to a target counts as a defence-level tie (ordinal 3, pulling).
_DEFENCE_LEVEL = np.asarray([k.ordinal >= 3 and k.effect == "pull" for k in KINDS])


def defence_allies(world: Any, targets: np.ndarray, tcred: np.ndarray) -> np.ndarray:
    """Per state: does it hold a defence-level commitment (credibility > 0) to a target?"""
    tr = world.transposed
    out = np.zeros(world.n_states, dtype=bool)
    for t in targets.tolist():
        q = slice(tr.indptr[t], tr.indptr[t + 1])
        ok = _DEFENCE_LEVEL[tr.kind[q]] & (tcred[q] > 0)
        out[tr.indices[q][ok]] = True
    return out


_EARTH_KM = 6371.0088


def reach_by_geography(world: Any, aggressors: np.ndarray, targets: np.ndarray,
                       reach_km: float, theatre: np.ndarray) -> np.ndarray | None:
    """Who can reach this war under ``Rules.reach_rule="geography"`` (a bool per state),
    or None when the world has no geography at all (then the region rule applies)."""
    lat, lon = world.lat, world.lon
    contiguity = world.contiguity
    has_place = ~np.isnan(lat)
    if not has_place.any() and contiguity.nnz == 0:
        return None
    n = world.n_states
    at_war = np.unique(np.concatenate((aggressors, targets)))
    able = world.global_reach.copy()
    able[at_war] = True
    able |= np.asarray((contiguity[:, at_war] > 0).sum(axis=1)).ravel() > 0
    # capitals within reach_km of a belligerent's (haversine)
    src = at_war[has_place[at_war]]
    if len(src) and np.isfinite(reach_km):
        p1, l1 = np.radians(lat)[:, None], np.radians(lon)[:, None]
        p2, l2 = np.radians(lat[src])[None, :], np.radians(lon[src])[None, :]
        h = (np.sin((p2 - p1) / 2) ** 2
             + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2)
        km = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
        able |= np.nan_to_num(km, nan=np.inf).min(axis=1) <= reach_km
    elif len(src):
        able |= has_place
    able |= defence_allies(world, targets, world.transposed.credibility)
    # no geography for a state: the region rule
    no_geo = ~has_place & (np.diff(contiguity.indptr) == 0)
    rc = world.region_code
    able |= no_geo & ((rc < 0) | theatre[np.maximum(rc, 0)])
    return able


class _NullContext:
    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NULL = _NullContext()


def jit_errstate() -> Any:
    """Under NUMBA_DISABLE_JIT=1 the kernels run as Python on numpy scalars, where the
    hash's intended uint64 wrap-around raises overflow warnings; silence exactly those."""
    from numba.core import config

    if config.DISABLE_JIT:
        return np.errstate(over="ignore")
    return _NULL
