"""Queries about treaties, conditions and geography (a mixin of :class:`foederis.World`).

Which treaties ground which commitments, whom a condition names, which states are
contiguous, and under which measures capability can be viewed.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._world_context import MEASURE_COLUMNS
from ._world_provenance import treaty_edge_mask
from .errors import UnknownTreatyError, WorldError
from ._validate import shown

__all__ = ["WorldQueries"]


class WorldQueries:
    """Treaty, condition and geography queries of a World."""

    __slots__ = ()

    def treaty_index(self, treaty: str) -> int:
        """Index of a treaty name; raises UnknownTreatyError naming it.

        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B"], [1, 1], [0, 1], [1, 0], [0, 0], treaty=[0, 0],
        ...                       treaty_names=["Entente Cordiale"])
        >>> w.treaty_index("Entente Cordiale")
        0
        >>> w.treaty_index("entente")
        Traceback (most recent call last):
        ...
        foederis.errors.UnknownTreatyError: unknown treaty 'entente' ...; did you mean Entente Cordiale?)
        """
        try:
            return self.treaty_names.index(str(treaty))
        except ValueError:
            low = str(treaty).lower()
            near = [t for t in self.treaty_names if low in t.lower()][:8]
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise UnknownTreatyError(
                f"unknown treaty {shown(treaty)} in world {shown(self.name)} "
                f"({len(self.treaty_names)} treaties{hint})"
            ) from None

    def treaty_members(self, treaty: str) -> list[str]:
        """Codes of the states that give or receive a commitment of ``treaty``.

        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B", "C"], [1, 1, 1], [0, 1], [1, 0], [0, 0],
        ...                       treaty=[0, 0], treaty_names=["AB"])
        >>> w.treaty_members("AB")
        ['A', 'B']
        """
        mask = self.treaty_mask(treaty)
        idx = np.union1d(self.guarantors[mask], self.indices[mask])
        return self.codes[idx].tolist()

    def treaty_mask(self, treaty: str) -> np.ndarray:
        """Which commitments ``treaty`` grounds, alone or with other treaties (bool, CSR
        order).

        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B"], [1, 1], [0, 1], [1, 0], [0, 0], treaty=[0, 1],
        ...                       treaty_names=["T|U", "U"])
        >>> w.treaty_mask("T").tolist(), w.treaty_mask("U").tolist()
        ([True, False], [True, True])
        """
        t = self.treaty_index(treaty)
        return treaty_edge_mask(self.treaty, self.also_edge, self.also_treaty, t)

    def treaties_of(self, edge: int) -> tuple[str, ...]:
        """The names of the treaties that ground commitment ``edge`` (a CSR position), in
        name order; () for a commitment given outside any treaty.

        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B"], [1, 1], [0], [1], [0], treaty=[0],
        ...                       treaty_names=["NATO|AUKUS"])
        >>> w.treaties_of(0)
        ('AUKUS', 'NATO')
        """
        e = int(edge)
        if not 0 <= e < self.n_commitments:
            raise WorldError(f"edge {shown(edge)} is not a commitment; valid are 0..{self.n_commitments - 1}")
        if self.treaty[e] < 0:
            return ()
        lo, hi = np.searchsorted(self.also_edge, [e, e + 1])
        ids = [int(self.treaty[e]), *self.also_treaty[lo:hi].tolist()]
        return tuple(self.treaty_names[i] for i in ids)

    def against_matrix(self) -> sp.csr_array:
        """The named adversaries of each condition as a (conditions x states) 0/1 matrix
        (int8): row ``c`` marks the states of this world that ``conditions.against[c]``
        names. A row is empty for "any adversary" (text "") and also when every state it
        names is absent from this world: tell them apart by the text.

        >>> from foederis import World
        >>> w = World.from_arrays(["FRN", "GMY", "RUS"], [1, 1, 1], [0], [2], ["DEFENSE"],
        ...                       against=["GMY|AUH"])
        >>> w.conditions.against.tolist(), w.condition.tolist()
        (['', 'AUH|GMY'], [1])
        >>> w.against_matrix().toarray().tolist()
        [[0, 0, 0], [0, 1, 0]]
        """
        texts = self.conditions.against
        rows, cols = [], []
        for c, text in enumerate(texts.tolist()):  # one per distinct condition
            if text:
                idx = self._code_index.get_indexer(text.split("|"))
                idx = idx[idx >= 0]
                rows.append(np.full(len(idx), c, np.int64))
                cols.append(idx.astype(np.int64))
        r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        k = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        return sp.csr_array((np.ones(len(r), np.int8), (r, k)),
                            shape=(len(texts), self.n_states))

    @property
    def contiguity(self) -> sp.csr_array:
        """COW direct contiguity, symmetric (int8, n x n): 1 land or river, 2..5 water up
        to 12, 24, 150, 400 miles, 0 = not contiguous.

        >>> from foederis import World
        >>> w = World.from_arrays(["FRN", "GMY", "UKG"], [1, 1, 1], contiguity_a=[0, 0],
        ...                       contiguity_b=[1, 2], conttype=[1, 4])
        >>> w.contiguity.toarray().tolist()
        [[0, 1, 4], [1, 0, 0], [4, 0, 0]]
        """
        n = self.n_states
        return sp.csr_array((self.cont_type, self.cont_indices, self.cont_indptr), shape=(n, n))

    @property
    def n_contiguities(self) -> int:
        """The number of contiguous pairs (each counted once)."""
        return len(self.cont_indices) // 2

    def capability_measures(self) -> tuple[str, ...]:
        """The names :meth:`with_capability_measure` takes here: the measure columns with a
        known value (gdp, defense_spending and the NMC components given), and the current
        ``capability_measure``.

        >>> from foederis import World
        >>> World.from_arrays(["A", "B"], [1, 1], milex=[5, 1]).capability_measures()
        ('capability', 'milex')
        """
        have = [c for c in MEASURE_COLUMNS if np.isfinite(getattr(self, c)).any()]
        return tuple(dict.fromkeys([self.capability_measure, *have]))
