"""The World: states, typed and weighted commitments, rivalries. Immutable.

Storage is CSR by guarantor (``indptr``, ``indices`` = protege, ``credibility``, ``kind``,
``domains``, ``treaty``) plus, computed once on first use, the transposed CSR by protege that
cascades walk (:attr:`World.transposed`). Every what-if edit returns a new World and shares
every array it does not change.

The class is split by concern: storage and queries live here; building and validation in
``_world_build`` (over the column parsers of ``_world_columns``); tables, folders and igraph
in ``_world_io``; edits in ``_world_edits`` and their text form in ``_world_syntax``.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._constants import KIND_NAMES
from ._validate import readonly, shown
from ._world_build import frame_arrays, world_parts
from ._world_csrt import CSRT
from ._world_storage import COMPACT_FIELDS, CodeIndex, compact, transpose
from ._world_context import CONTIGUITY_FIELDS, EXTRA_STATE_COLUMNS, build_contiguity
from ._world_columns import (
    EDGE_FIELDS,
    STATE_FIELDS,
    bits_to_domains,
    check_code, check_code_list,
    domains_to_bits,
    kind_code,
)
from ._world_edits import WorldEdits
from ._world_io import WorldTables, read_meta, read_tables
from ._world_queries import WorldQueries
from ._world_conditions import NO_CONDITIONS, ConditionTable, tables_equal
from ._world_syntax import EDIT_OPS, EDIT_SYNTAX_HELP, describe_edit, parse_edit  # noqa: F401
from ._world_syntax import frozen_edit
from .errors import UnknownStateError, UnknownTreatyError, WorldError

__all__ = ["World", "CSRT", "ConditionTable", "read_world", "domains_to_bits", "bits_to_domains"]
# EDIT_OPS, EDIT_SYNTAX_HELP, describe_edit and parse_edit are importable from here too


class World(WorldQueries, WorldTables, WorldEdits):
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
        ``treaty`` int32, -1 = none, else an index into ``treaty_names``: the first, in
        name order, of the treaties that ground the commitment; ``treaty`` and
        ``condition`` are one stored value when equal throughout: see
        :mod:`foederis._world_storage`)
    also_edge, also_treaty : the other treaties of commitments grounded in several, as
        (edge, treaty) pairs sorted by edge (int64, int32); see :meth:`treaties_of`
    condition, conditions : the condition of each commitment, int32 into the small
        :class:`ConditionTable` ``conditions`` (row 0 = unconditional); see
        :meth:`against_matrix`
    riv_indptr, riv_indices, riv_hostility : rivalry CSR by source (how much i threatens j)
    lat, lon, milex, milper, irst, pec, tpop, upop : float64, NaN where unknown;
        ``given_columns`` names those the world was given
    cont_indptr, cont_indices, cont_type : symmetric contiguity CSR (:attr:`contiguity`)
    date : ISO "YYYY-MM-DD" or None; capability_measure : what ``capability`` holds

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
        *STATE_FIELDS,
        *EDGE_FIELDS,
        *EXTRA_STATE_COLUMNS,
        "given_columns",
        "treaty_names",
        "conditions",
        "has_reach_column",
        "riv_indptr",
        "riv_indices",
        "riv_hostility",
        *CONTIGUITY_FIELDS,
        "date",
        "capability_measure",
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
            parts["history"] = self.history + (frozen_edit(history_item),)
        new = World(**parts)
        # what the edit did not change stays cached
        edges_same = all(k not in changes for k in EDGE_FIELDS)
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
        against: Any = None,
        location: Any = None,
        nonprovocation: Any = None,
        min_attackers: Any = None,
        adversary_unnamed: Any = None,
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
        contiguity_a: Any = None,
        contiguity_b: Any = None,
        conttype: Any = None,
        lat: Any = None,
        lon: Any = None,
        milex: Any = None,
        milper: Any = None,
        irst: Any = None,
        pec: Any = None,
        tpop: Any = None,
        upop: Any = None,
        name: str = "custom",
        citation: str = "",
        description: str = "",
        merge: str | None = None,
        date: Any = None,
        capability_measure: str = "capability",
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
            Index into ``treaty_names`` per commitment, -1 for none; a name may join
            several treaties with "|" ("AUKUS|NATO": the commitment is grounded in both).
        against, location, nonprovocation, min_attackers, adversary_unnamed : arrays
            The conditions of each commitment, optional (see the README, "The world"):
            named adversaries (codes joined by "|", "" = any), "" / "protege" / a region,
            bool, int >= 1, bool. Missing means unconditional.
        lat, lon, milex, milper, irst, pec, tpop, upop : float arrays, optional
            Capital coordinates and COW NMC components per state (NaN = unknown).
        contiguity_a, contiguity_b, conttype : arrays, optional
            Contiguous pairs as state indices and their COW type 1..5 (stored symmetric).
        date : ISO "YYYY-MM-DD", optional
            The day the world describes.
        capability_measure : str
            The name of what ``capability`` holds ("cinc", "milex_share"...).
        merge : {None, "max"}
            How to treat duplicate (guarantor, protege, kind) commitments: None raises,
            "max" keeps the highest credibility and the union of domains.

        Examples
        --------
        >>> w = World.from_arrays(["A", "B", "C"], [0.5, 0.3, 0.2], [0, 1], [1, 0],
        ...                       ["DEFENSE", "DEFENSE"], credibility=[1.0, 0.5])
        >>> w.commitments.toarray()
        array([[0. , 1. , 0. ],
               [0.5, 0. , 0. ],
               [0. , 0. , 0. ]])
        >>> World.from_arrays(["A", "B"], [1.0, -1.0])
        Traceback (most recent call last):
        ...
        foederis.errors.WorldError: state 'B' (row 1): capability -1.0 is invalid; ...
        """
        return cls(
            **world_parts(
                codes,
                capability,
                guarantor,
                protege,
                kind,
                credibility=credibility,
                domains=domains,
                treaty=treaty,
                treaty_names=treaty_names,
                against=against,
                location=location,
                nonprovocation=nonprovocation,
                min_attackers=min_attackers,
                adversary_unnamed=adversary_unnamed,
                names=names,
                gdp=gdp,
                defense_spending=defense_spending,
                nuclear=nuclear,
                region=region,
                global_reach=global_reach,
                threshold=threshold,
                rivalry_source=rivalry_source,
                rivalry_target=rivalry_target,
                hostility=hostility,
                contiguity_a=contiguity_a,
                contiguity_b=contiguity_b,
                conttype=conttype,
                name=name,
                citation=citation,
                description=description,
                merge=merge,
                date=date,
                capability_measure=capability_measure,
                **{c: v for c, v in zip(EXTRA_STATE_COLUMNS,
                                        (lat, lon, milex, milper, irst, pec, tpop, upop))
                   if v is not None},
            )
        )

    @classmethod
    def from_frames(
        cls,
        states: pd.DataFrame,
        commitments: pd.DataFrame | None = None,
        rivalries: pd.DataFrame | None = None,
        contiguity: pd.DataFrame | None = None,
        *,
        merge: str | None = None,
        name: str = "custom",
        citation: str = "",
        description: str = "",
        date: Any = None,
        capability_measure: str = "capability",
    ) -> "World":
        """Build a World from pandas tables.

        Parameters
        ----------
        states : DataFrame
            ``code`` (required, unique), ``capability`` (required, >= 0); optional ``name``,
            ``gdp``, ``defense_spending``, ``nuclear``, ``region``, ``global_reach``,
            ``threshold``, ``lat``, ``lon``, ``milex``, ``milper``, ``irst``, ``pec``,
            ``tpop``, ``upop`` (floats, NaN = unknown).
        commitments : DataFrame, optional
            ``guarantor``, ``protege`` (codes), ``kind`` (a kind name, any case); optional
            ``credibility`` (default 1.0), ``treaty`` (a name, or several joined by "|"),
            ``domains`` (e.g. ``"conventional|nuclear"``, default conventional), and the
            conditions ``against``, ``location``, ``nonprovocation``, ``min_attackers``,
            ``adversary_unnamed``.
        rivalries : DataFrame, optional
            ``source``, ``target`` (codes), ``hostility`` in [0, 1].
        contiguity : DataFrame, optional
            ``a``, ``b`` (codes), ``conttype`` (COW 1..5); stored symmetric.
        merge : {None, "max"}
            Rule for duplicate (guarantor, protege, kind) rows; None makes them an error.
            "max" keeps the highest credibility, the union of domains and of treaties,
            and the loosest of their conditions.
        date : ISO "YYYY-MM-DD" or None
            The day the world describes (:attr:`date`).
        capability_measure : str
            What ``capability`` holds (default "capability"; "cinc" in built-in worlds).

        Nothing passed in is modified.

        Examples
        --------
        >>> states = pd.DataFrame({"code": ["USA", "UKG", "FRN"], "capability": [5, 2, 2]})
        >>> pacts = pd.DataFrame({"guarantor": ["USA", "UKG", "USA", "USA"],
        ...                       "protege": ["UKG", "USA", "UKG", "FRN"],
        ...                       "kind": ["defense", "defense", "defense", "entente"],
        ...                       "credibility": [0.9, 0.9, 0.6, 0.5],
        ...                       "treaty": ["NATO", "NATO", "AUKUS", None]})
        >>> World.from_frames(states, pacts)
        Traceback (most recent call last):
        ...
        foederis.errors.WorldError: duplicate commitment USA -> UKG DEFENSE in rows 0 and 2; ...
        >>> w = World.from_frames(states, pacts, merge="max")
        >>> w.n_commitments, w.treaty_names
        (3, ('AUKUS', 'NATO'))
        """
        return cls.from_arrays(
            **frame_arrays(states, commitments, rivalries, contiguity),
            name=name,
            citation=citation,
            description=description,
            merge=merge,
            date=date,
            capability_measure=capability_measure,
        )

    # ----------------------------------------------------------------------------------
    # basic queries
    # ----------------------------------------------------------------------------------
    @cached_property
    def guarantors(self) -> np.ndarray:
        """Guarantor index of each commitment, in CSR order (int32)."""
        g = np.repeat(np.arange(self.n_states, dtype=np.int32), np.diff(self.indptr))
        return readonly(g)

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

        >>> w = World.from_arrays(["A", "B"], [1, 1], [0, 0], [1, 1], ["DEFENSE", "ENTENTE"])
        >>> w.commitments.nnz, w.commitment_matrix().toarray().tolist()
        (2, [[0.0, 2.0], [0.0, 0.0]])
        >>> w.commitment_matrix(["ENTENTE"]).toarray().tolist()
        [[0.0, 1.0], [0.0, 0.0]]
        """
        n = self.n_states
        return sp.csr_array((self.credibility, self.indices, self.indptr), shape=(n, n))

    def commitment_matrix(self, kinds: Iterable[str] | None = None) -> sp.csr_array:
        """Credibility-weighted matrix of the chosen kinds (all if None), duplicates summed."""
        mask = np.ones(self.n_commitments, bool)
        if kinds is not None:
            codes = [kind_code(k) for k in kinds]
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
    def _code_index(self) -> CodeIndex:
        return CodeIndex(self.codes)

    def index(self, code: str) -> int:
        """Position of a state code; raises UnknownStateError naming it.

        >>> w = World.from_arrays(["USA", "UKG", "UKR"], [1, 1, 1])
        >>> w.index("UKG")
        1
        >>> w.index("UK")
        Traceback (most recent call last):
        ...
        foederis.errors.UnknownStateError: unknown state 'UK': ... similar codes: UKG, UKR)
        """
        code = check_code(code)
        i = self._code_index.get_loc(code)
        if i is None:
            raise UnknownStateError(self._unknown_state_message(code))
        return int(i)

    def indices_of(self, codes: Iterable[str]) -> np.ndarray:
        """Positions of several codes (int64); raises UnknownStateError naming the first
        unknown one.

        >>> World.from_arrays(["USA", "UKG", "UKR"], [1, 1, 1]).indices_of(["UKR", "USA"])
        array([2, 0])
        """
        arr = np.asarray(check_code_list(codes), dtype=object)
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
            f"unknown state {shown(code)}: not a code of world {self.name!r} "
            f"({self.n_states} states{hint})"
        )

    @cached_property
    def region_names(self) -> tuple[str, ...]:
        """Sorted distinct non-empty regions; ``region_code`` indexes them.

        >>> w = World.from_arrays(["A", "B", "C"], [1, 1, 1], region=["Europe", "", "Asia"])
        >>> w.region_names, w.region_code.tolist()
        (('Asia', 'Europe'), [1, -1, 0])
        """
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
        leave commitments alone.

        >>> w = World.from_arrays(["A", "B", "C"], [1, 1, 1], [0, 2], [1, 1], [0, 0])
        >>> t = w.transposed
        >>> t.indptr.tolist(), t.indices.tolist(), t.edge.tolist()
        ([0, 0, 2, 2], [0, 2], [0, 1])
        """
        indptr, indices, (cred, kind, domains) = transpose(
            self.n_states, self.indptr, self.indices, self.credibility, self.kind, self.domains)
        return CSRT(*(readonly(a) for a in (indptr, indices, cred, kind, domains)),
                    forward=self.indices)

    def citation(self) -> str:
        """What a paper using this world must cite."""
        return self._citation or (
            f"World {self.name!r} was built by the user; cite the sources of its tables."
        )

    def equals(self, other: "World") -> bool:
        """True when both worlds hold the same states, commitments, rivalries, contiguity,
        date and capability measure (names, citation and history aside).

        >>> w = World.from_arrays(["A", "B"], [1, 1], [0], [1], ["DEFENSE"])
        >>> w.equals(World.from_frames(w.states_frame(), w.commitments_frame()))
        True
        >>> w.equals(w.with_capability("A", 2))
        False
        """
        if not isinstance(other, World):
            return False
        for f in (*STATE_FIELDS, *EXTRA_STATE_COLUMNS, *EDGE_FIELDS, "riv_indptr",
                  "riv_indices", "riv_hostility", *CONTIGUITY_FIELDS):
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
            and tables_equal(self.conditions, other.conditions)
            and self.given_columns == other.given_columns
            and self.date == other.date
            and self.capability_measure == other.capability_measure
        )

    # ----------------------------------------------------------------------------------
    # counts and repr (summary and tables: _world_io)
    # ----------------------------------------------------------------------------------
    def kind_counts(self) -> dict[str, int]:
        """Number of commitments of each kind present.

        >>> World.from_arrays(["A", "B"], [1, 1], [0, 1], [1, 0], [0, 5]).kind_counts()
        {'DEFENSE': 1, 'NONAGGRESSION': 1}
        """
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


def _rebuild_world(parts: dict) -> World:
    parts.setdefault("also_edge", np.zeros(0, np.int64))  # pickles from before provenance
    parts.setdefault("also_treaty", np.zeros(0, np.int32))
    parts.setdefault("condition", np.zeros(len(parts["indices"]), np.int32))
    parts.setdefault("conditions", NO_CONDITIONS)
    n = len(parts["codes"])
    if "given_columns" not in parts:  # from before the issue-9 state columns
        missing = np.full(n, np.nan)
        parts.update({c: missing for c in EXTRA_STATE_COLUMNS}, given_columns=())
        parts.update(build_contiguity(parts["codes"], None, None, None))
        parts.update(date=None, capability_measure="capability")
    for v in parts.values():
        if isinstance(v, np.ndarray):
            v.setflags(write=False)
    for k in COMPACT_FIELDS:  # a pickle carries constant columns in full
        parts[k] = compact(parts[k])
    return World(**parts)


def read_world(path: str | os.PathLike, *, merge: str | None = None) -> World:
    """Read a folder holding ``states``, ``commitments`` and optionally ``rivalries``
    tables as ``.csv`` or ``.parquet`` files (as :meth:`World.to_folder` writes them).

    The world is named after the folder.

    >>> import tempfile
    >>> w = World.from_arrays(["A", "B"], [1, 1], [0], [1], ["GUARANTEE"], credibility=[0.5])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     w.to_folder(d)
    ...     back = read_world(d)
    >>> back.equals(w)
    True
    """
    return World.from_frames(
        *read_tables(path), merge=merge, name=os.path.basename(os.path.normpath(path)),
        **read_meta(path),
    )
