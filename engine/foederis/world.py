"""The World: states, typed and weighted commitments, rivalries. Immutable.

Storage is CSR by guarantor (``indptr``, ``indices`` = protege, ``credibility``, ``kind``,
``domains``, ``treaty``) plus, computed once on first use, the transposed CSR by protege that
cascades walk (:attr:`World.transposed`). Every what-if edit returns a new World and shares
every array it does not change.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any, Iterable, NamedTuple, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._constants import (
    ALL_DOMAINS,
    DEFAULT_DOMAINS,
    DOMAIN_BITS,
    DOMAIN_NAMES,
    KIND_CODES,
    KIND_NAMES,
)
from ._validate import check_number, readonly
from .errors import EditError, UnknownStateError, UnknownTreatyError, WorldError

__all__ = ["World", "CSRT", "read_world", "domains_to_bits", "bits_to_domains"]

_MERGE_RULES = ("max",)
_STATE_FIELDS = (
    "codes",
    "names",
    "capability",
    "gdp",
    "defense_spending",
    "nuclear",
    "region",
    "global_reach",
    "threshold",
)
_EDGE_FIELDS = ("indptr", "indices", "credibility", "kind", "domains", "treaty")


class CSRT(NamedTuple):
    """The transposed commitment CSR: row ``j`` lists the guarantors ``i`` of edges ``i -> j``.

    ``edge[e]`` is the position of that edge in the forward (guarantor-major) arrays.
    """

    indptr: np.ndarray
    indices: np.ndarray
    credibility: np.ndarray
    kind: np.ndarray
    domains: np.ndarray
    edge: np.ndarray


# --------------------------------------------------------------------------------------
# domains as strings <-> bits
# --------------------------------------------------------------------------------------
def _parse_domain_string(s: Any, where: str) -> int:
    if s is None or (isinstance(s, float) and np.isnan(s)) or s == "":
        return DEFAULT_DOMAINS
    if isinstance(s, (int, np.integer)) and not isinstance(s, bool):
        if 1 <= int(s) <= ALL_DOMAINS:
            return int(s)
        raise WorldError(f"{where}: domain bits {s!r} must be in 1..{ALL_DOMAINS}")
    if isinstance(s, (list, tuple, set, frozenset)):
        parts = [str(p) for p in s]
    else:
        parts = str(s).replace(",", "|").replace(";", "|").replace(" ", "|").split("|")
    bits = 0
    for p in parts:
        p = p.strip().lower()
        if not p:
            continue
        if p == "all":
            bits |= ALL_DOMAINS
            continue
        if p not in DOMAIN_BITS:
            raise WorldError(
                f"{where}: unknown domain {p!r}; valid domains are {', '.join(DOMAIN_NAMES)}"
            )
        bits |= DOMAIN_BITS[p]
    return bits or DEFAULT_DOMAINS


def domains_to_bits(domains: Any) -> int:
    """``"conventional|nuclear"`` or ``("conventional", "nuclear")`` -> bit set (uint8)."""
    return _parse_domain_string(domains, "domains")


def bits_to_domains(bits: int) -> str:
    """Bit set -> ``"conventional|nuclear"``."""
    return "|".join(n for i, n in enumerate(DOMAIN_NAMES) if int(bits) & (1 << i))


def _kind_code(kind: Any, where: str = "kind") -> int:
    if isinstance(kind, (int, np.integer)) and not isinstance(kind, bool):
        if 0 <= int(kind) < len(KIND_NAMES):
            return int(kind)
    elif isinstance(kind, str) and kind.strip().upper() in KIND_CODES:
        return KIND_CODES[kind.strip().upper()]
    raise WorldError(f"{where}: unknown kind {kind!r}; valid kinds are {', '.join(KIND_NAMES)}")


# --------------------------------------------------------------------------------------
def _float_column(values: Any, n: int, field: str, default: float) -> np.ndarray:
    if values is None:
        return np.full(n, default, dtype=np.float64)
    try:
        a = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise WorldError(f"states column {field!r} must be numeric") from None
    if a.shape != (n,):
        raise WorldError(f"states column {field!r} has shape {a.shape}, expected ({n},)")
    return a.copy() if a is values else a


def _bool_column(values: Any, n: int, field: str) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=bool)
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if len(s) != n:
        raise WorldError(f"states column {field!r} has {len(s)} rows, expected {n}")
    if s.dtype == bool:
        return s.to_numpy(dtype=bool).copy()
    s = s.where(s.notna(), False)
    mapped = s.map(
        lambda v: v
        if isinstance(v, (bool, np.bool_))
        else (str(v).strip().lower() in ("1", "true", "yes", "y", "t", "1.0"))
    )
    return mapped.to_numpy(dtype=bool)


def _str_column(values: Any, n: int, field: str) -> np.ndarray:
    if values is None:
        return np.full(n, "", dtype="<U1")
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if len(s) != n:
        raise WorldError(f"states column {field!r} has {len(s)} rows, expected {n}")
    s = s.where(s.notna(), "").astype(str)
    return np.asarray(s.to_numpy(), dtype=str)


class World:
    """An alliance world: states, directed typed commitments, and rivalries. Immutable.

    Build one with :meth:`World.from_frames` (pandas tables), :meth:`World.from_arrays`
    (plain arrays, for large generated worlds), :meth:`World.from_igraph`, or
    :func:`foederis.load_world` for the built-in worlds.

    Attributes (all read-only numpy arrays)
    ----------
    codes, names : str arrays, one per state (codes unique)
    capability : float64, >= 0
    gdp, defense_spending : float64, NaN where unknown
    nuclear, global_reach : bool
    region : str ('' where unknown); ``region_code`` int32 (-1 unknown), ``region_names``
    threshold : float64, NaN = use ``Rules.threshold``
    indptr, indices, credibility, kind, domains, treaty : the commitment CSR by guarantor
        (``indices`` = protege, int32; ``kind`` uint8; ``domains`` uint8 bit set;
        ``treaty`` int32, -1 = none, else an index into ``treaty_names``)
    riv_indptr, riv_indices, riv_hostility : rivalry CSR by source (how much i threatens j)

    Examples
    --------
    >>> import pandas as pd
    >>> from foederis import World
    >>> states = pd.DataFrame({"code": ["A", "B", "C"], "capability": [0.5, 0.3, 0.2]})
    >>> pacts = pd.DataFrame({"guarantor": ["B", "C"], "protege": ["C", "B"],
    ...                       "kind": ["defense", "defense"]})
    >>> w = World.from_frames(states, pacts)
    >>> w.n_states, w.n_commitments
    (3, 2)
    >>> w.without_commitment("B", "C").n_commitments
    1
    """

    __slots__ = (
        *_STATE_FIELDS,
        *_EDGE_FIELDS,
        "treaty_names",
        "has_reach_column",
        "riv_indptr",
        "riv_indices",
        "riv_hostility",
        "name",
        "_citation",
        "description",
        "history",
        "__dict__",  # for cached_property
    )

    # ----------------------------------------------------------------------------------
    # construction
    # ----------------------------------------------------------------------------------
    def __init__(self, **parts: Any) -> None:
        """Private: use ``from_frames``, ``from_arrays``, ``from_igraph`` or ``load_world``."""
        for k, v in parts.items():
            object.__setattr__(self, k, v)

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("World is immutable: use its with_* / without_* edits")

    def __reduce__(self) -> tuple:
        """Pickle the stored parts only (cached views are rebuilt on use): worlds travel to
        worker processes (Dask, multiprocessing) this way."""
        parts = {k: getattr(self, k) for k in self.__slots__ if k != "__dict__"}
        return (_rebuild_world, (parts,))

    def _replace(self, history_item: dict | None = None, **changes: Any) -> "World":
        parts = {k: getattr(self, k) for k in self.__slots__ if k != "__dict__"}
        parts.update(changes)
        if history_item is not None:
            parts["history"] = self.history + (history_item,)
        new = World(**parts)
        # what the edit did not change stays cached
        edges_same = all(k not in changes for k in _EDGE_FIELDS)
        for key in ("_code_index", "region_code", "region_names"):
            if key in self.__dict__ and not any(k in changes for k in ("codes", "region")):
                new.__dict__[key] = self.__dict__[key]
        if edges_same and "transposed" in self.__dict__:
            new.__dict__["transposed"] = self.__dict__["transposed"]
        return new

    @classmethod
    def from_arrays(
        cls,
        codes: Sequence[str] | np.ndarray,
        capability: Any,
        guarantor: Any = (),
        protege: Any = (),
        kind: Any = (),
        *,
        credibility: Any = None,
        domains: Any = None,
        treaty: Any = None,
        treaty_names: Sequence[str] = (),
        names: Any = None,
        gdp: Any = None,
        defense_spending: Any = None,
        nuclear: Any = None,
        region: Any = None,
        global_reach: Any = None,
        threshold: Any = None,
        rivalry_source: Any = None,
        rivalry_target: Any = None,
        hostility: Any = None,
        name: str = "custom",
        citation: str = "",
        description: str = "",
        merge: str | None = None,
    ) -> "World":
        """Build a World from plain arrays (vectorised; fit for 10^7 commitments).

        Parameters
        ----------
        codes : sequence of str
            Unique, non-empty state codes; their order is the state order.
        capability : array of float
            Capability per state, finite and >= 0.
        guarantor, protege : int arrays
            Commitment endpoints as state indices (``guarantor`` promised ``protege``).
        kind : uint8 array or kind names
            Commitment kinds (``foederis.KIND_NAMES``).
        credibility : float array in [0, 1], optional (default 1.0)
        domains : uint8 bit sets, optional (default conventional)
        treaty : int array, optional
            Index into ``treaty_names`` per commitment, -1 for none.
        merge : {None, "max"}
            How to treat duplicate (guarantor, protege, kind) commitments: None raises,
            "max" keeps the highest credibility and the union of domains.
        """
        codes_arr = cls._check_codes(codes)
        n = len(codes_arr)
        cap = _float_column(capability, n, "capability", 0.0)
        bad = ~np.isfinite(cap) | (cap < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise WorldError(
                f"state '{codes_arr[i]}' (row {i}): capability {float(cap[i])!r} is invalid; "
                "capability must be a finite number >= 0"
            )
        thr = _float_column(threshold, n, "threshold", np.nan)
        badt = ~np.isnan(thr) & ~(np.isfinite(thr) & (thr > 0))
        if badt.any():
            i = int(np.flatnonzero(badt)[0])
            raise WorldError(
                f"state '{codes_arr[i]}' (row {i}): threshold {float(thr[i])!r} is invalid; "
                "a threshold must be a positive finite number (or missing for the default)"
            )
        gdp_a = _float_column(gdp, n, "gdp", np.nan)
        dsp_a = _float_column(defense_spending, n, "defense_spending", np.nan)
        for field, arr in (("gdp", gdp_a), ("defense_spending", dsp_a)):
            badg = arr < 0
            if badg.any():
                i = int(np.flatnonzero(badg)[0])
                raise WorldError(
                    f"state '{codes_arr[i]}' (row {i}): {field} {float(arr[i])!r} is negative; "
                    "it must be >= 0 or missing"
                )
        names_a = codes_arr.copy() if names is None else _str_column(names, n, "name")
        if names is not None:
            empty = names_a == ""
            if empty.any():
                names_a = np.where(empty, codes_arr, names_a)
        parts: dict[str, Any] = dict(
            codes=codes_arr,
            names=names_a,
            capability=cap,
            gdp=gdp_a,
            defense_spending=dsp_a,
            nuclear=_bool_column(nuclear, n, "nuclear"),
            region=_str_column(region, n, "region"),
            global_reach=_bool_column(global_reach, n, "global_reach"),
            threshold=thr,
            has_reach_column=global_reach is not None,
            name=str(name),
            _citation=str(citation),
            description=str(description),
            history=(),
        )
        for k in _STATE_FIELDS:
            readonly(parts[k])
        parts.update(
            cls._build_edges(
                codes_arr,
                guarantor,
                protege,
                kind,
                credibility,
                domains,
                treaty,
                tuple(str(t) for t in treaty_names),
                merge,
            )
        )
        parts.update(cls._build_rivalries(codes_arr, rivalry_source, rivalry_target, hostility))
        return cls(**parts)

    @staticmethod
    def _check_codes(codes: Any) -> np.ndarray:
        s = pd.Series(list(codes) if not isinstance(codes, (np.ndarray, pd.Series)) else codes)
        if s.isna().any():
            i = int(np.flatnonzero(s.isna().to_numpy())[0])
            raise WorldError(f"states row {i}: the state code is missing; every state needs a code")
        arr = np.asarray(s.astype(str).str.strip().to_numpy(), dtype=str)
        if arr.size == 0:
            return np.zeros(0, dtype="<U1")
        empty = arr == ""
        if empty.any():
            i = int(np.flatnonzero(empty)[0])
            raise WorldError(f"states row {i}: the state code is empty; codes must be non-empty")
        dup = pd.Series(arr).duplicated(keep=False).to_numpy()
        if dup.any():
            rows = np.flatnonzero(dup)
            code = str(arr[rows[0]])
            at = np.flatnonzero(arr == code)
            raise WorldError(
                f"duplicate state code {code!r} in rows {', '.join(map(str, at[:5]))}; "
                "state codes must be unique"
            )
        return arr

    @staticmethod
    def _build_edges(
        codes: np.ndarray,
        guarantor: Any,
        protege: Any,
        kind: Any,
        credibility: Any,
        domains: Any,
        treaty: Any,
        treaty_names: tuple[str, ...],
        merge: str | None,
    ) -> dict[str, Any]:
        n = len(codes)
        g = np.asarray(guarantor)
        p = np.asarray(protege)
        m = g.size
        if g.shape != (m,) or p.shape != (m,):
            raise WorldError(
                f"guarantor and protege must be 1-d arrays of equal length, got {g.shape} and "
                f"{p.shape}"
            )
        if m and (not np.issubdtype(g.dtype, np.integer) or not np.issubdtype(p.dtype, np.integer)):
            raise WorldError("guarantor and protege must be integer state indices")
        g = g.astype(np.int64, copy=False)
        p = p.astype(np.int64, copy=False)
        for field, a in (("guarantor", g), ("protege", p)):
            bad = (a < 0) | (a >= n)
            if bad.any():
                r = int(np.flatnonzero(bad)[0])
                raise WorldError(
                    f"commitment row {r}: {field} index {int(a[r])} names no state; valid "
                    f"indices are 0..{n - 1}"
                )
        selfc = g == p
        if selfc.any():
            r = int(np.flatnonzero(selfc)[0])
            raise WorldError(
                f"commitment row {r}: '{codes[g[r]]}' commits to itself; a state cannot be its "
                "own guarantor"
            )
        k = np.asarray(kind)
        if k.shape != (m,):
            raise WorldError(f"kind has shape {k.shape}, expected ({m},)")
        if m and not np.issubdtype(k.dtype, np.integer):
            uniq, inv = np.unique(k.astype(str), return_inverse=True)
            codes_u = np.empty(len(uniq), dtype=np.uint8)
            for j, u in enumerate(uniq.tolist()):
                try:
                    codes_u[j] = _kind_code(u)
                except WorldError:
                    r = int(np.flatnonzero(inv == j)[0])
                    raise WorldError(
                        f"commitment row {r}: unknown kind {u!r}; valid kinds are "
                        f"{', '.join(KIND_NAMES)}"
                    ) from None
            k = codes_u[inv.reshape(-1)]
        else:
            bad = (k < 0) | (k >= len(KIND_NAMES)) if m else np.zeros(0, bool)
            if bad.any():
                r = int(np.flatnonzero(bad)[0])
                raise WorldError(
                    f"commitment row {r}: unknown kind code {int(k[r])}; valid codes are "
                    f"0..{len(KIND_NAMES) - 1} ({', '.join(KIND_NAMES)})"
                )
            k = k.astype(np.uint8)
        if credibility is None:
            c = np.ones(m, dtype=np.float64)
        else:
            c = np.asarray(credibility, dtype=np.float64)
            if c.shape != (m,):
                raise WorldError(f"credibility has shape {c.shape}, expected ({m},)")
            bad = ~((c >= 0) & (c <= 1))
            if bad.any():
                r = int(np.flatnonzero(bad)[0])
                raise WorldError(
                    f"commitment row {r} ({codes[g[r]]} -> {codes[p[r]]}): credibility "
                    f"{float(c[r])!r} is invalid; credibility must be in [0, 1]"
                )
        if domains is None:
            d = np.full(m, DEFAULT_DOMAINS, dtype=np.uint8)
        else:
            d = np.asarray(domains)
            if d.shape != (m,):
                raise WorldError(f"domains has shape {d.shape}, expected ({m},)")
            if m and not np.issubdtype(d.dtype, np.integer):
                uniq, inv = np.unique(d.astype(str), return_inverse=True)
                bits = np.array(
                    [
                        _parse_domain_string(
                            u, f"commitment row {int(np.flatnonzero(inv == j)[0])}"
                        )
                        for j, u in enumerate(uniq.tolist())
                    ],
                    dtype=np.uint8,
                )
                d = bits[inv.reshape(-1)]
            else:
                bad = (d < 1) | (d > ALL_DOMAINS) if m else np.zeros(0, bool)
                if bad.any():
                    r = int(np.flatnonzero(bad)[0])
                    raise WorldError(
                        f"commitment row {r}: domain bits {int(d[r])} invalid; valid are "
                        f"1..{ALL_DOMAINS}"
                    )
                d = d.astype(np.uint8)
        if treaty is None:
            t = np.full(m, -1, dtype=np.int32)
        else:
            t = np.asarray(treaty)
            if t.shape != (m,):
                raise WorldError(f"treaty has shape {t.shape}, expected ({m},)")
            t = t.astype(np.int64)
            bad = (t < -1) | (t >= len(treaty_names))
            if bad.any():
                r = int(np.flatnonzero(bad)[0])
                raise WorldError(
                    f"commitment row {r}: treaty index {int(t[r])} invalid; valid are -1 (none) "
                    f"and 0..{len(treaty_names) - 1}"
                )
        # sort by (guarantor, protege, kind) and check duplicates
        key = (g * max(n, 1) + p) * 8 + k.astype(np.int64)
        if m and np.any(key[1:] < key[:-1]):
            order = np.argsort(key, kind="stable")
            key = key[order]
            g, p, k, c, d, t = g[order], p[order], k[order], c[order], d[order], t[order]
            rows = order
        else:
            rows = None
        if m > 1:
            dup = key[1:] == key[:-1]
            if dup.any():
                if merge is None:
                    j = int(np.flatnonzero(dup)[0])
                    r0, r1 = (int(rows[j]), int(rows[j + 1])) if rows is not None else (j, j + 1)
                    raise WorldError(
                        f"duplicate commitment {codes[g[j]]} -> {codes[p[j]]} "
                        f"{KIND_NAMES[k[j]]} in rows {r0} and {r1}; give merge='max' to merge "
                        "duplicates (highest credibility, union of domains)"
                    )
                if merge not in _MERGE_RULES:
                    raise WorldError(f"merge must be None or one of {_MERGE_RULES}, got {merge!r}")
                start = np.flatnonzero(np.r_[True, ~dup])
                c = np.maximum.reduceat(c, start)
                d = np.bitwise_or.reduceat(d, start).astype(np.uint8)
                tt = np.where(t < 0, np.iinfo(np.int32).max, t)
                tt = np.minimum.reduceat(tt, start)
                t = np.where(tt == np.iinfo(np.int32).max, -1, tt).astype(np.int32)
                g, p, k = g[start], p[start], k[start]
        elif merge is not None and merge not in _MERGE_RULES:
            raise WorldError(f"merge must be None or one of {_MERGE_RULES}, got {merge!r}")
        # canonical treaty numbering: sorted names of the treaties in use
        used = np.unique(t[t >= 0])
        if len(used):
            used_names = np.array([treaty_names[i] for i in used], dtype=object)
            order = np.argsort(used_names.astype(str), kind="stable")
            uniq_names, first = np.unique(used_names[order].astype(str), return_index=True)
            remap = np.full(len(treaty_names) + 1, -1, dtype=np.int32)
            # several input ids may carry the same name: they become one treaty
            name_to_new = {nm: i for i, nm in enumerate(uniq_names)}
            for old in used:
                remap[old] = name_to_new[str(treaty_names[old])]
            t = np.where(t >= 0, remap[np.maximum(t, 0)], -1).astype(np.int32)
            tnames = tuple(str(x) for x in uniq_names)
        else:
            t = np.full(m, -1, dtype=np.int32)
            tnames = ()
        indptr = np.zeros(n + 1, dtype=np.int64)
        if len(g):
            np.cumsum(np.bincount(g, minlength=n), out=indptr[1:])
        out = dict(
            indptr=indptr,
            indices=p.astype(np.int32),
            credibility=np.ascontiguousarray(c, dtype=np.float64),
            kind=np.ascontiguousarray(k, dtype=np.uint8),
            domains=np.ascontiguousarray(d, dtype=np.uint8),
            treaty=np.ascontiguousarray(t, dtype=np.int32),
        )
        if out["credibility"] is credibility:
            out["credibility"] = out["credibility"].copy()
        for v in out.values():
            readonly(v)
        out["treaty_names"] = tnames
        return out

    @staticmethod
    def _build_rivalries(codes: np.ndarray, source: Any, target: Any, hostility: Any) -> dict:
        n = len(codes)
        if source is None:
            s = np.zeros(0, np.int64)
            t = np.zeros(0, np.int64)
            h = np.zeros(0, np.float64)
        else:
            s = np.asarray(source).astype(np.int64)
            t = np.asarray(target).astype(np.int64)
            h = (
                np.ones(len(s))
                if hostility is None
                else np.asarray(hostility, dtype=np.float64).copy()
            )
            if not (s.shape == t.shape == h.shape) or s.ndim != 1:
                raise WorldError("rivalry source, target and hostility must be 1-d, equal length")
            for field, a in (("source", s), ("target", t)):
                bad = (a < 0) | (a >= n)
                if bad.any():
                    r = int(np.flatnonzero(bad)[0])
                    raise WorldError(f"rivalry row {r}: {field} index {int(a[r])} names no state")
            bad = s == t
            if bad.any():
                r = int(np.flatnonzero(bad)[0])
                raise WorldError(f"rivalry row {r}: '{codes[s[r]]}' is its own rival")
            bad = ~((h >= 0) & (h <= 1))
            if bad.any():
                r = int(np.flatnonzero(bad)[0])
                raise WorldError(
                    f"rivalry row {r} ({codes[s[r]]} -> {codes[t[r]]}): hostility {float(h[r])!r} is "
                    "invalid; hostility must be in [0, 1]"
                )
            key = s * max(n, 1) + t
            order = np.argsort(key, kind="stable")
            key, s, t, h = key[order], s[order], t[order], h[order]
            dup = key[1:] == key[:-1]
            if dup.any():
                j = int(np.flatnonzero(dup)[0])
                raise WorldError(
                    f"duplicate rivalry {codes[s[j]]} -> {codes[t[j]]} in rows {int(order[j])} "
                    f"and {int(order[j + 1])}"
                )
        indptr = np.zeros(n + 1, dtype=np.int64)
        if len(s):
            np.cumsum(np.bincount(s, minlength=n), out=indptr[1:])
        return dict(
            riv_indptr=readonly(indptr),
            riv_indices=readonly(t.astype(np.int32)),
            riv_hostility=readonly(np.ascontiguousarray(h, dtype=np.float64)),
        )

    # ----------------------------------------------------------------------------------
    # frames
    # ----------------------------------------------------------------------------------
    @classmethod
    def from_frames(
        cls,
        states: pd.DataFrame,
        commitments: pd.DataFrame | None = None,
        rivalries: pd.DataFrame | None = None,
        *,
        merge: str | None = None,
        name: str = "custom",
        citation: str = "",
        description: str = "",
    ) -> "World":
        """Build a World from pandas tables.

        Parameters
        ----------
        states : DataFrame
            ``code`` (required, unique), ``capability`` (required, >= 0); optional ``name``,
            ``gdp``, ``defense_spending``, ``nuclear``, ``region``, ``global_reach``,
            ``threshold``.
        commitments : DataFrame, optional
            ``guarantor``, ``protege`` (codes), ``kind`` (a kind name, any case); optional
            ``credibility`` (default 1.0), ``treaty`` (name), ``domains`` (e.g.
            ``"conventional|nuclear"``, default conventional).
        rivalries : DataFrame, optional
            ``source``, ``target`` (codes), ``hostility`` in [0, 1].
        merge : {None, "max"}
            Rule for duplicate (guarantor, protege, kind) rows; None makes them an error.

        Nothing passed in is modified.
        """
        if not isinstance(states, pd.DataFrame):
            raise WorldError(f"states must be a pandas DataFrame, got {type(states).__name__}")
        for col in ("code", "capability"):
            if col not in states.columns:
                raise WorldError(
                    f"the states table has no {col!r} column; required columns are 'code' and "
                    f"'capability' (got {', '.join(map(str, states.columns))})"
                )
        codes = cls._check_codes(states["code"].to_numpy())
        cap = pd.to_numeric(states["capability"], errors="coerce").to_numpy(dtype=np.float64)
        badc = np.isnan(cap) & states["capability"].notna().to_numpy()
        if badc.any():
            i = int(np.flatnonzero(badc)[0])
            raise WorldError(
                f"state '{codes[i]}' (row {i}): capability {states['capability'].iloc[i]!r} is "
                "not a number; capability must be a finite number >= 0"
            )
        index = pd.Index(codes)

        def col(name: str) -> Any:
            return states[name].to_numpy() if name in states.columns else None

        def numcol(name: str) -> Any:
            if name not in states.columns:
                return None
            v = pd.to_numeric(states[name], errors="coerce")
            bad = v.isna() & states[name].notna()
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise WorldError(
                    f"state '{codes[i]}' (row {i}): {name} {states[name].iloc[i]!r} is not a number"
                )
            return v.to_numpy(dtype=np.float64)

        edge_kw: dict[str, Any] = {}
        if commitments is not None and len(commitments):
            edge_kw = cls._edges_from_frame(commitments, index)
        else:
            edge_kw = dict(guarantor=np.zeros(0, np.int64), protege=np.zeros(0, np.int64),
                           kind=np.zeros(0, np.uint8))
        riv_kw: dict[str, Any] = {}
        if rivalries is not None and len(rivalries):
            for c in ("source", "target"):
                if c not in rivalries.columns:
                    raise WorldError(f"the rivalries table has no {c!r} column")
            src = cls._codes_to_index(rivalries["source"], index, "rivalry", "source")
            tgt = cls._codes_to_index(rivalries["target"], index, "rivalry", "target")
            hos = (
                pd.to_numeric(rivalries["hostility"], errors="coerce").to_numpy(np.float64)
                if "hostility" in rivalries.columns
                else None
            )
            riv_kw = dict(rivalry_source=src, rivalry_target=tgt, hostility=hos)
        return cls.from_arrays(
            codes,
            cap,
            **edge_kw,
            names=col("name"),
            gdp=numcol("gdp"),
            defense_spending=numcol("defense_spending"),
            nuclear=col("nuclear"),
            region=col("region"),
            global_reach=col("global_reach"),
            threshold=numcol("threshold"),
            **riv_kw,
            name=name,
            citation=citation,
            description=description,
            merge=merge,
        )

    @staticmethod
    def _codes_to_index(values: pd.Series, index: pd.Index, table: str, field: str) -> np.ndarray:
        vals = values.astype(str).str.strip().to_numpy() if values.dtype != object else np.array(
            [str(v).strip() if v is not None and v == v else "" for v in values], dtype=object
        )
        idx = index.get_indexer(vals)
        bad = idx < 0
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise UnknownStateError(
                f"{table} row {r}: {field} {values.iloc[r]!r} is not a state of this world; "
                f"add it to the states table (known codes include "
                f"{', '.join(map(str, index[:8]))}{', ...' if len(index) > 8 else ''})"
            )
        return idx.astype(np.int64)

    @classmethod
    def _edges_from_frame(cls, df: pd.DataFrame, index: pd.Index) -> dict[str, Any]:
        for c in ("guarantor", "protege", "kind"):
            if c not in df.columns:
                raise WorldError(
                    f"the commitments table has no {c!r} column; required columns are "
                    "'guarantor', 'protege' and 'kind'"
                )
        g = cls._codes_to_index(df["guarantor"], index, "commitment", "guarantor")
        p = cls._codes_to_index(df["protege"], index, "commitment", "protege")
        kinds = df["kind"]
        if kinds.isna().any():
            r = int(np.flatnonzero(kinds.isna().to_numpy())[0])
            raise WorldError(
                f"commitment row {r}: the kind is missing; valid kinds are {', '.join(KIND_NAMES)}"
            )
        k = kinds.astype(str).str.strip().to_numpy()
        kw: dict[str, Any] = dict(guarantor=g, protege=p, kind=k)
        if "credibility" in df.columns:
            cr = pd.to_numeric(df["credibility"], errors="coerce")
            bad = cr.isna()
            if bad.any():
                r = int(np.flatnonzero(bad.to_numpy())[0])
                raise WorldError(
                    f"commitment row {r}: credibility {df['credibility'].iloc[r]!r} is invalid; "
                    "credibility must be in [0, 1]"
                )
            kw["credibility"] = cr.to_numpy(dtype=np.float64)
        if "domains" in df.columns:
            dom = df["domains"].where(df["domains"].notna(), "conventional").astype(str)
            kw["domains"] = dom.to_numpy()
        if "treaty" in df.columns:
            tr = df["treaty"]
            present = tr.notna() & (tr.astype(str).str.strip() != "")
            codes_t, uniques = pd.factorize(tr.where(present).astype(object), sort=True)
            kw["treaty"] = codes_t.astype(np.int64)  # NaN -> -1
            kw["treaty_names"] = tuple(str(u) for u in uniques)
        return kw

    def states_frame(self) -> pd.DataFrame:
        """The states as a DataFrame (the columns ``from_frames`` reads)."""
        d = {
            "code": self.codes,
            "name": self.names,
            "capability": self.capability,
            "gdp": self.gdp,
            "defense_spending": self.defense_spending,
            "nuclear": self.nuclear,
            "region": self.region,
        }
        if self.has_reach_column:
            d["global_reach"] = self.global_reach
        d["threshold"] = self.threshold
        return pd.DataFrame(d)

    @cached_property
    def guarantors(self) -> np.ndarray:
        """Guarantor index of each commitment, in CSR order (int32)."""
        g = np.repeat(np.arange(self.n_states, dtype=np.int32), np.diff(self.indptr))
        return readonly(g)

    def commitments_frame(self) -> pd.DataFrame:
        """The commitments as a DataFrame (the columns ``from_frames`` reads), in CSR order."""
        kinds = np.asarray(KIND_NAMES, dtype=object)[self.kind]
        tn = np.asarray(self.treaty_names + (None,), dtype=object)
        treaty = tn[np.where(self.treaty < 0, len(self.treaty_names), self.treaty)]
        uniq, inv = np.unique(self.domains, return_inverse=True)
        dom = np.asarray([bits_to_domains(b) for b in uniq], dtype=object)[inv.reshape(-1)]
        return pd.DataFrame(
            {
                "guarantor": self.codes[self.guarantors],
                "protege": self.codes[self.indices],
                "kind": kinds,
                "credibility": self.credibility,
                "treaty": treaty,
                "domains": dom,
            }
        )

    def rivalries_frame(self) -> pd.DataFrame:
        """The rivalries as a DataFrame (``source``, ``target``, ``hostility``)."""
        src = np.repeat(np.arange(self.n_states), np.diff(self.riv_indptr))
        return pd.DataFrame(
            {
                "source": self.codes[src],
                "target": self.codes[self.riv_indices],
                "hostility": self.riv_hostility,
            }
        )

    def to_folder(self, path: str | os.PathLike, *, format: str = "csv") -> None:
        """Write ``states``, ``commitments`` and ``rivalries`` tables into a folder
        (``format`` "csv" or "parquet"); :func:`read_world` reads them back."""
        if format not in ("csv", "parquet"):
            raise WorldError(f"format must be 'csv' or 'parquet', got {format!r}")
        os.makedirs(path, exist_ok=True)
        for stem, df in (
            ("states", self.states_frame()),
            ("commitments", self.commitments_frame()),
            ("rivalries", self.rivalries_frame()),
        ):
            f = os.path.join(path, f"{stem}.{format}")
            tmp = f + ".tmp"
            if format == "csv":
                df.to_csv(tmp, index=False)
            else:
                df.to_parquet(tmp, index=False)
            os.replace(tmp, f)

    # ----------------------------------------------------------------------------------
    # igraph
    # ----------------------------------------------------------------------------------
    def to_igraph(self) -> Any:
        """A directed ``igraph.Graph`` (guarantor -> protege) carrying every attribute.

        Vertex attributes: ``name`` (code), ``label`` (name), capability, gdp,
        defense_spending, nuclear, region, global_reach, threshold. Edge attributes: kind
        (name), credibility, treaty (name or None), domains (bits). Graph attributes:
        ``world`` (name), ``citation``, ``description``, ``has_reach_column`` and the
        rivalries (``rivalry_source``, ``rivalry_target``, ``rivalry_hostility``: codes and
        values), so that :meth:`from_igraph` gives back the same World.
        """
        import igraph as ig

        edges = np.column_stack([self.guarantors, self.indices]).astype(np.int64)
        g = ig.Graph(n=self.n_states, edges=edges, directed=True)
        g.vs["name"] = self.codes.tolist()
        g.vs["label"] = self.names.tolist()
        for f in ("capability", "gdp", "defense_spending", "threshold"):
            g.vs[f] = getattr(self, f).tolist()
        g.vs["nuclear"] = self.nuclear.tolist()
        g.vs["region"] = self.region.tolist()
        g.vs["global_reach"] = self.global_reach.tolist()
        g.es["kind"] = np.asarray(KIND_NAMES, dtype=object)[self.kind].tolist()
        g.es["credibility"] = self.credibility.tolist()
        tn = np.asarray(self.treaty_names + (None,), dtype=object)
        g.es["treaty"] = tn[np.where(self.treaty < 0, len(self.treaty_names), self.treaty)].tolist()
        g.es["domains"] = self.domains.tolist()
        g["world"] = self.name
        g["citation"] = self._citation
        g["description"] = self.description
        g["has_reach_column"] = self.has_reach_column
        src = np.repeat(np.arange(self.n_states), np.diff(self.riv_indptr))
        g["rivalry_source"] = self.codes[src].tolist()
        g["rivalry_target"] = self.codes[self.riv_indices].tolist()
        g["rivalry_hostility"] = self.riv_hostility.tolist()
        return g

    @classmethod
    def from_igraph(cls, graph: Any, *, merge: str | None = None) -> "World":
        """Build a World from a directed igraph Graph (the inverse of :meth:`to_igraph`).

        Vertices need ``name`` (code) unless the graph has none, in which case codes are
        the vertex indices; ``capability`` defaults to 0. Edges need ``kind`` (default
        DEFENSE); other attributes as in :meth:`to_igraph`.
        """
        n = graph.vcount()
        vattr = set(graph.vs.attributes())
        eattr = set(graph.es.attributes())
        gattr = set(graph.attributes())
        if not graph.is_directed():
            raise WorldError(
                "from_igraph needs a directed graph (guarantor -> protege); convert with "
                "graph.as_directed() and say which direction each commitment has"
            )
        codes = graph.vs["name"] if "name" in vattr else [str(i) for i in range(n)]

        def v(name: str) -> Any:
            return graph.vs[name] if name in vattr else None

        el = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        m = len(el)
        kinds = graph.es["kind"] if "kind" in eattr else ["DEFENSE"] * m
        tr_names: tuple[str, ...] = ()
        treaty = None
        if "treaty" in eattr:
            ser = pd.Series(graph.es["treaty"], dtype=object)
            present = ser.notna() & (ser.astype(str) != "")
            codes_t, uniques = pd.factorize(ser.where(present), sort=True)
            treaty, tr_names = codes_t, tuple(str(u) for u in uniques)
        riv: dict[str, Any] = {}
        if "rivalry_source" in gattr and len(graph["rivalry_source"]):
            index = pd.Index(np.asarray(codes, dtype=str))
            riv = dict(
                rivalry_source=cls._codes_to_index(
                    pd.Series(graph["rivalry_source"]), index, "rivalry", "source"
                ),
                rivalry_target=cls._codes_to_index(
                    pd.Series(graph["rivalry_target"]), index, "rivalry", "target"
                ),
                hostility=np.asarray(graph["rivalry_hostility"], dtype=np.float64),
            )
        has_reach = bool(graph["has_reach_column"]) if "has_reach_column" in gattr else (
            "global_reach" in vattr
        )
        return cls.from_arrays(
            codes,
            v("capability") if "capability" in vattr else np.zeros(n),
            el[:, 0],
            el[:, 1],
            np.asarray(kinds, dtype=object).astype(str) if m else np.zeros(0, np.uint8),
            credibility=graph.es["credibility"] if "credibility" in eattr else None,
            domains=np.asarray(graph.es["domains"]) if "domains" in eattr and m else None,
            treaty=treaty,
            treaty_names=tr_names,
            names=v("label"),
            gdp=v("gdp"),
            defense_spending=v("defense_spending"),
            nuclear=v("nuclear"),
            region=v("region"),
            global_reach=v("global_reach") if has_reach else None,
            threshold=v("threshold"),
            **riv,
            name=graph["world"] if "world" in gattr else "custom",
            citation=graph["citation"] if "citation" in gattr else "",
            description=graph["description"] if "description" in gattr else "",
            merge=merge,
        )

    # ----------------------------------------------------------------------------------
    # basic queries
    # ----------------------------------------------------------------------------------
    @property
    def n_states(self) -> int:
        return len(self.codes)

    @property
    def n_commitments(self) -> int:
        return len(self.indices)

    @property
    def n_rivalries(self) -> int:
        return len(self.riv_indices)

    @property
    def commitments(self) -> sp.csr_array:
        """The commitment matrix (row guarantor, column protege, value credibility).

        A pair bound by several kinds appears once per kind (duplicate entries; scipy sums
        them in arithmetic). Use :meth:`commitment_matrix` to choose kinds.
        """
        n = self.n_states
        return sp.csr_array((self.credibility, self.indices, self.indptr), shape=(n, n))

    def commitment_matrix(self, kinds: Iterable[str] | None = None) -> sp.csr_array:
        """Credibility-weighted matrix of the chosen kinds (all if None), duplicates summed."""
        mask = np.ones(self.n_commitments, bool)
        if kinds is not None:
            codes = [_kind_code(k) for k in kinds]
            mask = np.isin(self.kind, codes)
        n = self.n_states
        m = sp.coo_array(
            (self.credibility[mask], (self.guarantors[mask], self.indices[mask])), shape=(n, n)
        ).tocsr()
        m.sum_duplicates()
        return m

    @property
    def rivalries(self) -> sp.csr_array:
        """The hostility matrix (row i threatens column j)."""
        n = self.n_states
        return sp.csr_array((self.riv_hostility, self.riv_indices, self.riv_indptr), shape=(n, n))

    @cached_property
    def _code_index(self) -> pd.Index:
        return pd.Index(self.codes)

    def index(self, code: str) -> int:
        """Position of a state code; raises UnknownStateError naming it."""
        try:
            i = self._code_index.get_loc(code)
        except (KeyError, TypeError):
            i = None
        if not isinstance(i, (int, np.integer)):
            raise UnknownStateError(self._unknown_state_message(code))
        return int(i)

    def indices_of(self, codes: Iterable[str]) -> np.ndarray:
        """Positions of several codes (int64); raises UnknownStateError naming the first
        unknown one."""
        arr = np.asarray(list(codes), dtype=object)
        idx = self._code_index.get_indexer(arr) if len(arr) else np.zeros(0, np.int64)
        bad = idx < 0
        if bad.any():
            raise UnknownStateError(self._unknown_state_message(arr[np.flatnonzero(bad)[0]]))
        return idx.astype(np.int64)

    def _unknown_state_message(self, code: Any) -> str:
        s = str(code).strip().upper()
        near = [c for c in self.codes[:100000] if c.upper().startswith(s[:2])][:6] if s else []
        hint = f"; similar codes: {', '.join(near)}" if near else ""
        return (
            f"unknown state {code!r}: not a code of world {self.name!r} "
            f"({self.n_states} states{hint})"
        )

    @cached_property
    def region_names(self) -> tuple[str, ...]:
        """Sorted distinct non-empty regions; ``region_code`` indexes them."""
        return tuple(sorted(set(np.unique(self.region).tolist()) - {""}))

    @cached_property
    def region_code(self) -> np.ndarray:
        """Region of each state as an index into ``region_names`` (-1 unknown), int32."""
        names = np.asarray(("",) + self.region_names)
        idx = np.searchsorted(names, self.region) - 1
        return readonly(idx.astype(np.int32))

    @cached_property
    def transposed(self) -> CSRT:
        """The transposed CSR (by protege), built once per World and shared by edits that
        leave commitments alone."""
        n = self.n_states
        order = np.argsort(self.indices, kind="stable").astype(np.int64)
        indptr = np.zeros(n + 1, dtype=np.int64)
        if len(order):
            np.cumsum(np.bincount(self.indices, minlength=n), out=indptr[1:])
        return CSRT(
            readonly(indptr),
            readonly(self.guarantors[order]),
            readonly(self.credibility[order]),
            readonly(self.kind[order]),
            readonly(self.domains[order]),
            readonly(order),
        )

    def treaty_index(self, treaty: str) -> int:
        """Index of a treaty name; raises UnknownTreatyError naming it."""
        try:
            return self.treaty_names.index(str(treaty))
        except ValueError:
            low = str(treaty).lower()
            near = [t for t in self.treaty_names if low in t.lower()][:8]
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise UnknownTreatyError(
                f"unknown treaty {treaty!r} in world {self.name!r} "
                f"({len(self.treaty_names)} treaties{hint})"
            ) from None

    def treaty_members(self, treaty: str) -> list[str]:
        """Codes of the states that give or receive a commitment of ``treaty``."""
        t = self.treaty_index(treaty)
        mask = self.treaty == t
        idx = np.union1d(self.guarantors[mask], self.indices[mask])
        return self.codes[idx].tolist()

    def treaties_frame(self) -> pd.DataFrame:
        """One row per treaty: name, members, commitments, kinds."""
        if not self.treaty_names:
            return pd.DataFrame(columns=["treaty", "members", "commitments", "kinds"])
        mask = self.treaty >= 0
        t = self.treaty[mask]
        g = self.guarantors[mask]
        p = self.indices[mask]
        k = self.kind[mask]
        both = pd.DataFrame({"t": np.r_[t, t], "s": np.r_[g, p]}).drop_duplicates()
        members = both.groupby("t")["s"].size()
        ncom = np.bincount(t, minlength=len(self.treaty_names))
        kinds = pd.DataFrame({"t": t, "k": k}).drop_duplicates().groupby("t")["k"].agg(
            lambda s: "|".join(KIND_NAMES[x] for x in sorted(s))
        )
        df = pd.DataFrame(
            {
                "treaty": list(self.treaty_names),
                "members": members.reindex(range(len(self.treaty_names)), fill_value=0).values,
                "commitments": ncom,
                "kinds": kinds.reindex(range(len(self.treaty_names)), fill_value="").values,
            }
        )
        return df.sort_values(["members", "treaty"], ascending=[False, True]).reset_index(
            drop=True
        )

    def citation(self) -> str:
        """What a paper using this world must cite."""
        return self._citation or (
            f"World {self.name!r} was built by the user; cite the sources of its tables."
        )

    def equals(self, other: "World") -> bool:
        """True when both worlds hold the same states, commitments and rivalries."""
        if not isinstance(other, World):
            return False
        for f in (*_STATE_FIELDS, *_EDGE_FIELDS, "riv_indptr", "riv_indices", "riv_hostility"):
            a, b = getattr(self, f), getattr(other, f)
            if a.shape != b.shape:
                return False
            if a.dtype.kind == "f":
                if not np.array_equal(a, b, equal_nan=True):
                    return False
            elif not np.array_equal(a, b):
                return False
        return (
            self.treaty_names == other.treaty_names
            and self.has_reach_column == other.has_reach_column
        )

    # ----------------------------------------------------------------------------------
    # summary
    # ----------------------------------------------------------------------------------
    def kind_counts(self) -> dict[str, int]:
        counts = np.bincount(self.kind, minlength=len(KIND_NAMES))
        return {KIND_NAMES[i]: int(c) for i, c in enumerate(counts) if c}

    def __repr__(self) -> str:
        kc = ", ".join(f"{k} {v:,}" for k, v in self.kind_counts().items())
        return (
            f"<World {self.name!r}: {self.n_states:,} states, {self.n_commitments:,} "
            f"commitments ({kc or 'none'}), {len(self.treaty_names):,} treaties, "
            f"{self.n_rivalries:,} rivalries"
            + (f", {len(self.history)} edits" if self.history else "")
            + ">"
        )

    def summary(self, top: int = 10) -> str:
        """A readable summary: sizes, commitments by kind, largest treaties, capability."""
        lines = [repr(self)]
        if self.description:
            lines.append(self.description)
        lines.append("")
        lines.append("Commitments by kind:")
        for k, v in self.kind_counts().items():
            lines.append(f"  {k:<14}{v:>10,}")
        if self.treaty_names:
            tf = self.treaties_frame().head(top)
            lines.append("")
            lines.append(f"Largest treaties (of {len(self.treaty_names):,}):")
            width = min(max(len(t) for t in tf["treaty"]) + 2, 50)
            for r in tf.itertuples():
                name = r.treaty if len(r.treaty) < width else r.treaty[: width - 4] + "... "
                lines.append(
                    f"  {name:<{width}}{r.members:>5} members {r.commitments:>7,} commitments "
                    f" {r.kinds}"
                )
        total = float(self.capability.sum())
        if self.n_states and total > 0:
            order = np.argsort(-self.capability, kind="stable")[:top]
            lines.append("")
            lines.append("Capability shares:")
            for i in order:
                lines.append(
                    f"  {self.codes[i]:<6}{self.names[i][:30]:<32}{self.capability[i] / total:>8.1%}"
                )
        if self.history:
            lines.append("")
            lines.append("Edits: " + "; ".join(describe_edit(e) for e in self.history))
        return "\n".join(lines)

    # ----------------------------------------------------------------------------------
    # what-if edits
    # ----------------------------------------------------------------------------------
    def _with_edges(self, keep: np.ndarray | None, add: dict[str, Any] | None, item: dict,
                    merge: str | None = None) -> "World":
        """Rebuild the commitment arrays: keep the mask ``keep`` of current edges and add
        ``add`` (arrays guarantor, protege, kind, credibility, domains, treaty names)."""
        g, p, k = self.guarantors, self.indices, self.kind
        c, d, t = self.credibility, self.domains, self.treaty
        names = list(self.treaty_names)
        if keep is not None:
            g, p, k, c, d, t = g[keep], p[keep], k[keep], c[keep], d[keep], t[keep]
        if add:
            tname = add.get("treaty")
            if tname is not None:
                if tname in names:
                    tid = names.index(tname)
                else:
                    names.append(tname)
                    tid = len(names) - 1
            else:
                tid = -1
            na = len(add["guarantor"])
            g = np.r_[g, add["guarantor"]]
            p = np.r_[p, add["protege"]]
            k = np.r_[k, np.full(na, add["kind"], np.uint8)]
            c = np.r_[c, np.full(na, add["credibility"], np.float64)]
            d = np.r_[d, np.full(na, add["domains"], np.uint8)]
            t = np.r_[t, np.full(na, tid, np.int32)]
        parts = self._build_edges(self.codes, g, p, k, c, d, t, tuple(names), merge)
        return self._replace(item, **parts)

    def _state(self, code: str) -> int:
        return self.index(code)

    def without_member(self, code: str, treaty: str) -> "World":
        """``code`` leaves ``treaty``: drop every commitment of that treaty it gives or
        receives."""
        i = self._state(code)
        t = self.treaty_index(treaty)
        hit = (self.treaty == t) & ((self.guarantors == i) | (self.indices == i))
        if not hit.any():
            raise EditError(
                f"{code!r} is not a member of {treaty!r}; its members are "
                f"{', '.join(self.treaty_members(treaty))}"
            )
        return self._with_edges(~hit, None, {"op": "without_member", "code": code,
                                             "treaty": treaty})

    def without_treaty(self, name: str) -> "World":
        """Drop every commitment of treaty ``name``."""
        t = self.treaty_index(name)
        return self._with_edges(self.treaty != t, None, {"op": "without_treaty", "name": name})

    def with_treaty(
        self,
        name: str,
        members: Sequence[str],
        kind: str = "DEFENSE",
        credibility: float = 1.0,
        domains: Any = "conventional",
    ) -> "World":
        """Add a multilateral treaty: a commitment of ``kind`` from every member to every
        other. Where two members are already bound by that kind, the stronger credibility
        and the union of domains are kept (the existing treaty name stays)."""
        if name in self.treaty_names:
            raise EditError(
                f"treaty {name!r} already exists; drop it with without_treaty first or choose "
                "another name"
            )
        if isinstance(members, str):
            members = [members]
        idx = self.indices_of(members)
        idx = np.unique(idx)
        if len(idx) < 2:
            raise EditError(f"treaty {name!r} needs at least two distinct members, got {members!r}")
        kc = self._edit_kind(kind)
        c = check_number("credibility", credibility, low=0, high=1)
        d = self._edit_domains(domains)
        gg, pp = np.meshgrid(idx, idx, indexing="ij")
        off = gg != pp
        add = dict(guarantor=gg[off], protege=pp[off], kind=kc, credibility=c, domains=d,
                   treaty=str(name))
        item = {"op": "with_treaty", "name": name, "members": list(map(str, members)),
                "kind": KIND_NAMES[kc], "credibility": c, "domains": bits_to_domains(d)}
        return self._with_edges(None, add, item, merge="max")

    @staticmethod
    def _edit_kind(kind: Any) -> int:
        try:
            return _kind_code(kind)
        except WorldError as e:
            raise EditError(str(e)) from None

    @staticmethod
    def _edit_domains(domains: Any) -> int:
        try:
            return _parse_domain_string(domains, "domains")
        except WorldError as e:
            raise EditError(str(e)) from None

    def _edge_mask(self, g: int, p: int, kind: int | None) -> np.ndarray:
        lo, hi = self.indptr[g], self.indptr[g + 1]
        row = np.flatnonzero(self.indices[lo:hi] == p) + lo
        if kind is not None:
            row = row[self.kind[row] == kind]
        return row

    def with_commitment(
        self,
        guarantor: str,
        protege: str,
        kind: str = "GUARANTEE",
        credibility: float = 1.0,
        domains: Any = "conventional",
        treaty: str | None = None,
    ) -> "World":
        """Add a commitment ``guarantor -> protege``; if one of that kind exists, replace it
        (this is how a commitment is re-weighted)."""
        g, p = self._state(guarantor), self._state(protege)
        if g == p:
            raise EditError(f"{guarantor!r} cannot commit to itself")
        kc = self._edit_kind(kind)
        c = check_number("credibility", credibility, low=0, high=1)
        d = self._edit_domains(domains)
        keep = np.ones(self.n_commitments, bool)
        keep[self._edge_mask(g, p, kc)] = False
        add = dict(guarantor=np.array([g]), protege=np.array([p]), kind=kc, credibility=c,
                   domains=d, treaty=None if treaty is None else str(treaty))
        item = {"op": "with_commitment", "guarantor": guarantor, "protege": protege,
                "kind": KIND_NAMES[kc], "credibility": c, "domains": bits_to_domains(d),
                "treaty": treaty}
        return self._with_edges(keep, add, item)

    def reweight(self, guarantor: str, protege: str, credibility: float,
                 kind: str | None = None) -> "World":
        """Set the credibility of the existing commitment(s) ``guarantor -> protege``
        (of ``kind``, or of every kind)."""
        g, p = self._state(guarantor), self._state(protege)
        kc = None if kind is None else self._edit_kind(kind)
        rows = self._edge_mask(g, p, kc)
        if not len(rows):
            raise EditError(
                f"no commitment {guarantor} -> {protege}"
                + (f" of kind {KIND_NAMES[kc]}" if kc is not None else "")
                + " to re-weight"
            )
        c = check_number("credibility", credibility, low=0, high=1)
        cred = self.credibility.copy()
        cred[rows] = c
        item = {"op": "reweight", "guarantor": guarantor, "protege": protege,
                "credibility": c, "kind": None if kc is None else KIND_NAMES[kc]}
        new = self._replace(item, credibility=readonly(cred))
        if "transposed" in self.__dict__:  # same structure: only the credibilities move
            t = self.__dict__["transposed"]
            new.__dict__["transposed"] = t._replace(credibility=readonly(cred[t.edge]))
        return new

    def without_commitment(self, guarantor: str, protege: str, kind: str | None = None) -> "World":
        """Remove the commitment(s) ``guarantor -> protege`` (of ``kind``, or every kind)."""
        g, p = self._state(guarantor), self._state(protege)
        kc = None if kind is None else self._edit_kind(kind)
        rows = self._edge_mask(g, p, kc)
        if not len(rows):
            have = [KIND_NAMES[x] for x in self.kind[self._edge_mask(g, p, None)]]
            raise EditError(
                f"no commitment {guarantor} -> {protege}"
                + (f" of kind {KIND_NAMES[kc]}" if kc is not None else "")
                + (f"; it has {', '.join(have)}" if have else "; there is none between them")
            )
        keep = np.ones(self.n_commitments, bool)
        keep[rows] = False
        item = {"op": "without_commitment", "guarantor": guarantor, "protege": protege,
                "kind": None if kc is None else KIND_NAMES[kc]}
        return self._with_edges(keep, None, item)

    def with_capability(self, code: str, value: float) -> "World":
        """Set a state's capability (>= 0)."""
        i = self._state(code)
        v = check_number(f"capability of {code}", value, low=0)
        cap = self.capability.copy()
        cap[i] = v
        return self._replace({"op": "with_capability", "code": code, "value": v},
                             capability=readonly(cap))

    def scale_capability(self, code: str, factor: float) -> "World":
        """Multiply a state's capability by ``factor`` (>= 0)."""
        i = self._state(code)
        f = check_number("factor", factor, low=0)
        cap = self.capability.copy()
        cap[i] = cap[i] * f
        return self._replace({"op": "scale_capability", "code": code, "factor": f},
                             capability=readonly(cap))

    def with_threshold(self, code: str, value: float | None) -> "World":
        """Set a state's own join threshold (> 0), or None to use the rule's default."""
        i = self._state(code)
        v = np.nan if value is None else check_number(
            f"threshold of {code}", value, low=0, low_open=True
        )
        thr = self.threshold.copy()
        thr[i] = v
        return self._replace(
            {"op": "with_threshold", "code": code, "value": None if value is None else v},
            threshold=readonly(thr),
        )

    def apply(self, edit: dict) -> "World":
        """Apply one edit given as a dict (``{"op": "without_member", "code": ..., ...}``),
        as recorded in :attr:`history`. Scenarios replay their edits with it."""
        if not isinstance(edit, dict) or "op" not in edit:
            raise EditError(f"an edit must be a dict with an 'op' key, got {edit!r}")
        op = edit["op"]
        if op not in EDIT_OPS:
            raise EditError(f"unknown edit {op!r}; valid edits are {', '.join(EDIT_OPS)}")
        args = {k: v for k, v in edit.items() if k != "op"}
        try:
            return getattr(self, op)(**args)
        except TypeError as e:
            raise EditError(f"edit {op!r}: {e}") from None

    def apply_all(self, edits: Iterable[dict]) -> "World":
        w = self
        for e in edits:
            w = w.apply(e)
        return w


def _rebuild_world(parts: dict) -> World:
    for v in parts.values():
        if isinstance(v, np.ndarray):
            v.setflags(write=False)
    return World(**parts)


EDIT_OPS = (
    "without_member",
    "without_treaty",
    "with_treaty",
    "with_commitment",
    "reweight",
    "without_commitment",
    "with_capability",
    "scale_capability",
    "with_threshold",
)


def describe_edit(e: dict) -> str:
    """One line for an edit dict: ``TUR leaves NATO``."""
    op = e.get("op")
    if op == "without_member":
        return f"{e['code']} leaves {e['treaty']}"
    if op == "without_treaty":
        return f"{e['name']} dissolved"
    if op == "with_treaty":
        return f"new treaty {e['name']} ({e.get('kind', 'DEFENSE')}): {', '.join(e['members'])}"
    if op == "with_commitment":
        return (
            f"{e['guarantor']} -> {e['protege']} {e.get('kind', 'GUARANTEE')} "
            f"(credibility {e.get('credibility', 1.0):g})"
        )
    if op == "reweight":
        return f"{e['guarantor']} -> {e['protege']} credibility {e['credibility']:g}"
    if op == "without_commitment":
        return f"{e['guarantor']} -> {e['protege']} {e.get('kind') or 'all kinds'} removed"
    if op == "with_capability":
        return f"{e['code']} capability = {e['value']:g}"
    if op == "scale_capability":
        return f"{e['code']} capability x {e['factor']:g}"
    if op == "with_threshold":
        return f"{e['code']} threshold = {e['value']}"
    return str(e)


def read_world(path: str | os.PathLike, *, merge: str | None = None) -> World:
    """Read a folder holding ``states``, ``commitments`` and optionally ``rivalries``
    tables as ``.csv`` or ``.parquet`` files (as :meth:`World.to_folder` writes them)."""
    if not os.path.isdir(path):
        raise WorldError(f"read_world: {os.fspath(path)!r} is not a folder")

    def read(stem: str, required: bool) -> pd.DataFrame | None:
        for ext, reader in ((".parquet", pd.read_parquet), (".csv", pd.read_csv)):
            f = os.path.join(path, stem + ext)
            if os.path.exists(f):
                if ext == ".csv":
                    return pd.read_csv(f, keep_default_na=False, na_values=[""])
                return reader(f)
        if required:
            raise WorldError(f"read_world: no {stem}.csv or {stem}.parquet in {os.fspath(path)!r}")
        return None

    return World.from_frames(
        read("states", True), read("commitments", False), read("rivalries", False),
        merge=merge, name=os.path.basename(os.path.normpath(path)),
    )



_EDIT_SYNTAX = {
    "leave": ("without_member", ("code", "treaty"), ()),
    "drop-treaty": ("without_treaty", ("name",), ()),
    "treaty": ("with_treaty", ("name", "members", "kind"), ("credibility",)),
    "guarantee": ("with_commitment", ("guarantor", "protege"), ("credibility",)),
    "add": ("with_commitment", ("guarantor", "protege", "kind"), ("credibility",)),
    "drop": ("without_commitment", ("guarantor", "protege"), ("kind",)),
    "reweight": ("reweight", ("guarantor", "protege", "credibility"), ("kind",)),
    "capability": ("with_capability", ("code", "value"), ()),
    "scale": ("scale_capability", ("code", "factor"), ()),
    "threshold": ("with_threshold", ("code", "value"), ()),
}

EDIT_SYNTAX_HELP = """\
leave:CODE:TREATY            CODE leaves TREATY           (leave:TUR:NATO)
drop-treaty:TREATY           dissolve a treaty            (drop-treaty:CSTO)
treaty:NAME:A+B+C:KIND[:C]   a new multilateral treaty    (treaty:Nordic:NOR+SWD+FIN:DEFENSE)
guarantee:G:P[:C]            G guarantees P (GUARANTEE)   (guarantee:USA:TAW:0.75)
add:G:P:KIND[:C]             add or replace a commitment  (add:CHN:RUS:DEFENSE)
drop:G:P[:KIND]              remove G -> P commitments    (drop:USA:JPN)
reweight:G:P:C[:KIND]        set credibility of G -> P    (reweight:USA:PHI:0.5)
capability:CODE:VALUE        set capability               (capability:CHN:0.3)
scale:CODE:FACTOR            multiply capability          (scale:RUS:0.5)
threshold:CODE:VALUE         a state's own join threshold (threshold:HUN:2)"""


def parse_edit(text: str) -> dict:
    """Parse a compact edit such as ``"leave:TUR:NATO"`` or ``"guarantee:USA:TAW:0.75"``
    into the edit dict :meth:`World.apply` takes. See ``EDIT_SYNTAX_HELP``."""
    parts = [p.strip() for p in str(text).split(":")]
    verb = parts[0].lower() if parts else ""
    if verb not in _EDIT_SYNTAX:
        raise EditError(
            f"unknown edit {text!r}; write one of:\n{EDIT_SYNTAX_HELP}"
        )
    op, required, optional = _EDIT_SYNTAX[verb]
    args = parts[1:]
    if not (len(required) <= len(args) <= len(required) + len(optional)):
        raise EditError(f"edit {text!r}: {verb} takes {':'.join(required + optional)}; see:\n"
                        f"{EDIT_SYNTAX_HELP}")
    edit: dict[str, Any] = {"op": op}
    for key, val in zip(required + optional, args):
        if key == "members":
            edit[key] = [m for m in val.replace(",", "+").split("+") if m]
        elif key in ("credibility", "value", "factor"):
            try:
                edit[key] = float(val)
            except ValueError:
                raise EditError(f"edit {text!r}: {key} must be a number, got {val!r}") from None
        else:
            edit[key] = val
    if verb == "guarantee":
        edit["kind"] = "GUARANTEE"
    return edit
