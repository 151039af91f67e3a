"""What-if edits of a World: each returns a new World and shares what it does not change.

:class:`WorldEdits` gives :class:`foederis.World` its ``with_*`` / ``without_*`` edits,
``reweight``, ``apply`` and ``apply_all``. Each edit is recorded in ``history`` as the
dict :meth:`apply` replays (see :mod:`foederis._world_syntax` for their text form).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from ._constants import KIND_NAMES
from ._validate import check_number, check_text, readonly, shown
from ._world_build import build_edges
from ._world_columns import bits_to_domains, kind_code, parse_domains
from ._world_conditions import (
    NO_CONDITIONS,
    append_condition,
    settle_conditions,
    single_condition,
    tables_equal,
)
from ._world_context import measure_shares
from ._world_provenance import drop_treaty
from ._world_syntax import EDIT_OPS
from .errors import EditError, WorldError

__all__ = ["WorldEdits"]


class WorldEdits:
    """The what-if edits of a World (a mixin of :class:`foederis.World`).

    Examples
    --------
    >>> from foederis import World
    >>> w = World.from_arrays(["USA", "UKG", "FRN", "TUR"], [5, 2, 2, 1])
    >>> w = w.with_treaty("NATO", ["USA", "UKG", "FRN", "TUR"], "DEFENSE", 0.9)
    >>> w.n_commitments, w.history[-1]["op"]
    (12, 'with_treaty')
    >>> w.without_member("TUR", "NATO").treaty_members("NATO")
    ['USA', 'UKG', 'FRN']
    >>> w.without_treaty("NATO").n_commitments
    0
    """

    __slots__ = ()

    def _with_edges(self, keep: np.ndarray | None, add: dict[str, Any] | None, item: dict,
                    merge: str | None = None, provenance: tuple | None = None) -> "World":
        """Rebuild the commitment arrays: keep the mask ``keep`` of current edges and add
        ``add`` (arrays guarantor, protege, kind, credibility, domains, treaty names).
        ``provenance`` = (treaty, also_edge, also_treaty) replaces the current edges' own."""
        g, p, k = self.guarantors, self.indices, self.kind
        c, d = self.credibility, self.domains
        t, ae, at = provenance if provenance is not None else (
            self.treaty, self.also_edge, self.also_treaty)
        names = list(self.treaty_names)
        cond, table = self.condition, self.conditions
        if keep is not None:
            g, p, k, c, d, t = g[keep], p[keep], k[keep], c[keep], d[keep], t[keep]
            cond = cond[keep]
            kept = keep[ae]
            ae, at = (np.cumsum(keep) - 1)[ae[kept]], at[kept]
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
            new_cond = add.get("conditions", NO_CONDITIONS)
            cid = 0
            if not tables_equal(new_cond, NO_CONDITIONS):
                cid = len(table)
                table = append_condition(table, new_cond)
            cond = np.r_[cond, np.full(na, cid, np.int32)]
        parts = build_edges(self.codes, g, p, k, c, d, t, tuple(names), merge,
                            also_row=ae, also_id=at, condition=cond, conditions=table)
        return self._replace(item, **parts)

    def _state(self, code: str) -> int:
        return self.index(code)

    def without_member(self, code: str, treaty: str) -> "World":
        """``code`` leaves ``treaty``: the commitments it gives or receives under that treaty
        lose it; those no other treaty grounds are dropped.

        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B", "C"], [1, 1, 1]).with_treaty("T", ["A", "B"])
        >>> w.without_member("C", "T")
        Traceback (most recent call last):
        ...
        foederis.errors.EditError: 'C' is not a member of 'T'; its members are A, B
        """
        i = self._state(code)
        t = self.treaty_index(treaty)
        touches = (self.guarantors == i) | (self.indices == i)
        hit = self.treaty_mask(treaty) & touches
        if not hit.any():
            raise EditError(
                f"{shown(code)} is not a member of {shown(treaty)}; its members are "
                f"{', '.join(self.treaty_members(treaty))}"
            )
        keep, *prov = drop_treaty(self.treaty, self.also_edge, self.also_treaty, t, touches)
        return self._with_edges(keep, None, {"op": "without_member", "code": code,
                                             "treaty": treaty}, provenance=tuple(prov))

    def without_treaty(self, name: str) -> "World":
        """Dissolve treaty ``name``: its commitments lose it, and those no other treaty
        grounds are dropped (a tie NATO grounds survives the end of AUKUS).

        >>> from foederis import World
        >>> w = World.from_arrays(["USA", "UKG", "AUL"], [3, 1, 1])
        >>> w = w.with_treaty("NATO", ["USA", "UKG"], "ENTENTE")
        >>> w = w.with_treaty("AUKUS", ["USA", "UKG", "AUL"], "ENTENTE")
        >>> w.commitments_frame()["treaty"].tolist()
        ['AUKUS|NATO', 'AUKUS', 'AUKUS|NATO', 'AUKUS', 'AUKUS', 'AUKUS']
        >>> w.without_treaty("AUKUS").commitments_frame()["treaty"].tolist()
        ['NATO', 'NATO']
        """
        t = self.treaty_index(name)
        keep, *prov = drop_treaty(self.treaty, self.also_edge, self.also_treaty, t)
        return self._with_edges(keep, None, {"op": "without_treaty", "name": name},
                                provenance=tuple(prov))

    def with_treaty(
        self,
        name: str,
        members: Sequence[str],
        kind: str = "DEFENSE",
        credibility: float = 1.0,
        domains: Any = "conventional",
        *,
        against: Any = None,
        location: str = "",
        nonprovocation: bool = False,
        min_attackers: int = 1,
        adversary_unnamed: bool = False,
    ) -> "World":
        """Add a multilateral treaty: a commitment of ``kind`` from every member to every
        other. Where two members are already bound by that kind, the stronger credibility
        and the union of domains are kept, and the commitment is grounded in both treaties.

        ``against``, ``location``, ``nonprovocation``, ``min_attackers``: the treaty's
        conditions (see :meth:`with_commitment`); a tie that another treaty already
        grounds keeps the looser of the two conditions.

        >>> from foederis import World
        >>> w = World.from_arrays(["GMY", "AUH", "RUS"], [2, 1, 2])
        >>> w = w.with_treaty("Dual Alliance", ["GMY", "AUH"], against=["RUS"])
        >>> w.commitments_frame()[["guarantor", "protege", "treaty", "against"]]
          guarantor protege         treaty against
        0       GMY     AUH  Dual Alliance     RUS
        1       AUH     GMY  Dual Alliance     RUS
        """
        name = check_text("treaty name", name, EditError)
        if "|" in name:
            raise EditError(f"treaty name {shown(name)} is invalid: it cannot contain '|' "
                            "(which joins the treaties of a commitment)")
        if name in self.treaty_names:
            raise EditError(
                f"treaty {shown(name)} already exists; drop it with without_treaty first or choose "
                "another name"
            )
        if isinstance(members, str):
            members = [members]
        if not isinstance(members, (list, tuple, np.ndarray)):
            raise EditError(f"treaty {shown(name)}: members must be a list of state codes, got "
                            f"{shown(members)}")
        idx = self.indices_of(members)
        idx = np.unique(idx)
        if len(idx) < 2:
            raise EditError(f"treaty {shown(name)} needs at least two distinct members, got {shown(members)}")
        kc = self._edit_kind(kind)
        c = check_number("credibility", credibility, low=0, high=1)
        d = self._edit_domains(domains)
        gg, pp = np.meshgrid(idx, idx, indexing="ij")
        off = gg != pp
        cond, citem = self._edit_condition(against, location, nonprovocation, min_attackers,
                                           adversary_unnamed)
        add = dict(guarantor=gg[off], protege=pp[off], kind=kc, credibility=c, domains=d,
                   treaty=str(name), conditions=cond)
        item = {"op": "with_treaty", "name": name, "members": list(map(str, members)),
                "kind": KIND_NAMES[kc], "credibility": c, "domains": bits_to_domains(d),
                **citem}
        return self._with_edges(None, add, item, merge="max")

    @staticmethod
    def _edit_kind(kind: Any) -> int:
        try:
            return kind_code(kind)
        except WorldError as e:
            raise EditError(str(e)) from None

    @staticmethod
    def _edit_condition(against: Any, location: Any, nonprovocation: Any,
                        min_attackers: Any, adversary_unnamed: Any) -> tuple:
        """A checked one-row condition table, and its non-default fields for ``history``."""
        try:
            cond = single_condition(against, location, nonprovocation, min_attackers,
                                    adversary_unnamed)
        except WorldError as e:
            raise EditError(str(e)) from None
        row = cond.row(0)
        item = {k: v for k, v in row.items() if v != NO_CONDITIONS.row(0)[k]}
        if "against" in item:
            item["against"] = item["against"].split("|")
        return cond, item

    @staticmethod
    def _edit_domains(domains: Any) -> int:
        try:
            return parse_domains(domains, "domains")
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
        *,
        against: Any = None,
        location: str = "",
        nonprovocation: bool = False,
        min_attackers: int = 1,
        adversary_unnamed: bool = False,
    ) -> "World":
        """Add a commitment ``guarantor -> protege``; if one of that kind exists, replace it
        (this is how a commitment is re-weighted).

        ``treaty`` may join several names with "|". The conditions (default: none):
        ``against`` the named adversaries (codes, a list or joined by "|"; codes that are
        not states of this world are kept), ``location`` "" (anywhere), "protege" (only
        on the protege's territory) or a region name, ``nonprovocation`` (only if the
        protege did not provoke), ``min_attackers`` (only against that many attackers or
        more), ``adversary_unnamed`` (only against an adversary the treaty describes
        without naming it; ``against`` stays empty).

        >>> from foederis import World
        >>> w = World.from_arrays(["USA", "TAW"], [5, 1])
        >>> w2 = w.with_commitment("USA", "TAW", "GUARANTEE", 0.5, domains="conventional|nuclear")
        >>> w2.commitments_frame()[["guarantor", "protege", "kind", "credibility", "domains"]]
          guarantor protege       kind  credibility               domains
        0       USA     TAW  GUARANTEE          0.5  conventional|nuclear
        >>> w.n_commitments  # the world edited is unchanged
        0
        """
        g, p = self._state(guarantor), self._state(protege)
        if g == p:
            raise EditError(f"{shown(guarantor)} cannot commit to itself")
        kc = self._edit_kind(kind)
        c = check_number("credibility", credibility, low=0, high=1)
        d = self._edit_domains(domains)
        keep = np.ones(self.n_commitments, bool)
        keep[self._edge_mask(g, p, kc)] = False
        cond, citem = self._edit_condition(against, location, nonprovocation, min_attackers,
                                           adversary_unnamed)
        add = dict(guarantor=np.array([g]), protege=np.array([p]), kind=kc, credibility=c,
                   domains=d, treaty=None if treaty is None else str(treaty), conditions=cond)
        item = {"op": "with_commitment", "guarantor": guarantor, "protege": protege,
                "kind": KIND_NAMES[kc], "credibility": c, "domains": bits_to_domains(d),
                "treaty": treaty, **citem}
        return self._with_edges(keep, add, item)

    def with_conditions(
        self,
        guarantor: str,
        protege: str,
        kind: str | None = None,
        *,
        against: Any = None,
        location: str = "",
        nonprovocation: bool = False,
        min_attackers: int = 1,
        adversary_unnamed: bool = False,
    ) -> "World":
        """Set the conditions of the existing commitment(s) ``guarantor -> protege`` (of
        ``kind``, or of every kind); all else stays. The defaults make them unconditional.

        >>> from foederis import World
        >>> w = World.from_arrays(["UKG", "POL", "GMY"], [2, 1, 2], [0], [1], ["DEFENSE"])
        >>> w2 = w.with_conditions("UKG", "POL", against="GMY")
        >>> w2.commitments_frame()["against"].tolist(), w2.history[-1]["against"]
        (['GMY'], ('GMY',))
        >>> w2.with_conditions("UKG", "POL").equals(w)
        True
        """
        g, p = self._state(guarantor), self._state(protege)
        kc = None if kind is None else self._edit_kind(kind)
        rows = self._edge_mask(g, p, kc)
        if not len(rows):
            raise EditError(
                f"no commitment {guarantor} -> {protege}"
                + (f" of kind {KIND_NAMES[kc]}" if kc is not None else "")
                + " to set conditions on"
            )
        new_cond, citem = self._edit_condition(against, location, nonprovocation,
                                               min_attackers, adversary_unnamed)
        ids = self.condition.astype(np.int64)
        ids[rows] = len(self.conditions)
        cond, table = settle_conditions(ids, append_condition(self.conditions, new_cond),
                                        None, self.n_commitments)
        item = {"op": "with_conditions", "guarantor": guarantor, "protege": protege,
                "kind": None if kc is None else KIND_NAMES[kc], **citem}
        new = self._replace(item, condition=readonly(cond), conditions=table)
        if "transposed" in self.__dict__:  # same structure and weights
            new.__dict__["transposed"] = self.__dict__["transposed"]
        return new

    def reweight(self, guarantor: str, protege: str, credibility: float,
                 kind: str | None = None) -> "World":
        """Set the credibility of the existing commitment(s) ``guarantor -> protege``
        (of ``kind``, or of every kind).

        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B"], [1, 1], [0], [1], ["DEFENSE"])
        >>> w.reweight("A", "B", 0.25).credibility.tolist()
        [0.25]
        >>> w.reweight("B", "A", 0.25)
        Traceback (most recent call last):
        ...
        foederis.errors.EditError: no commitment B -> A to re-weight
        """
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
        """Remove the commitment(s) ``guarantor -> protege`` (of ``kind``, or every kind).

        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B"], [1, 1], [0, 0], [1, 1], ["DEFENSE", "ENTENTE"])
        >>> w.without_commitment("A", "B", "ENTENTE").kind_counts()
        {'DEFENSE': 1}
        """
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
        """Set a state's capability (>= 0).

        >>> from foederis import World
        >>> World.from_arrays(["A", "B"], [1, 1]).with_capability("B", 3).capability.tolist()
        [1.0, 3.0]
        """
        i = self._state(code)
        v = check_number(f"capability of {code}", value, low=0)
        cap = self.capability.copy()
        cap[i] = v
        return self._replace({"op": "with_capability", "code": code, "value": v},
                             capability=readonly(cap))

    def scale_capability(self, code: str, factor: float) -> "World":
        """Multiply a state's capability by ``factor`` (>= 0).

        >>> from foederis import World
        >>> World.from_arrays(["A", "B"], [1, 1]).scale_capability("A", 0.5).capability.tolist()
        [0.5, 1.0]
        """
        i = self._state(code)
        f = check_number("factor", factor, low=0)
        cap = self.capability.copy()
        with np.errstate(over="ignore"):
            cap[i] = cap[i] * f
        if not np.isfinite(cap[i]):  # a World holds finite capabilities only
            raise EditError(f"scale_capability({shown(code)}, {shown(f)}): capability "
                            f"{shown(float(self.capability[i]))} x {shown(f)} overflows a float; "
                            f"the factor can be at most "
                            f"{np.finfo(np.float64).max / float(self.capability[i]):.4g} here")
        return self._replace({"op": "scale_capability", "code": code, "factor": f},
                             capability=readonly(cap))

    def with_threshold(self, code: str, value: float | None) -> "World":
        """Set a state's own join threshold (> 0), or None to use the rule's default.

        >>> from foederis import World
        >>> World.from_arrays(["A", "B"], [1, 1]).with_threshold("A", 2).threshold.tolist()
        [2.0, nan]
        """
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

    def with_capability_measure(self, name: str) -> "World":
        """View the world under another capability measure: ``capability`` becomes the
        state column ``name`` renormalised to shares (NaN counts as 0), and
        ``capability_measure`` records the name. Valid names: :meth:`capability_measures`
        (gdp, defense_spending and the NMC components milex, milper, irst, pec, tpop, upop
        where the world has them; the current measure renormalises capability itself).

        >>> from foederis import World
        >>> w = World.from_arrays(["USA", "CHN", "PRK"], [0.14, 0.23, 0.01],
        ...                       milex=[900, 300, np.nan], capability_measure="cinc")
        >>> m = w.with_capability_measure("milex")
        >>> m.capability.tolist(), m.capability_measure, m.history[-1]
        ([0.75, 0.25, 0.0], 'milex', {'op': 'with_capability_measure', 'name': 'milex'})
        >>> w.with_capability_measure("tpop")
        Traceback (most recent call last):
        ...
        foederis.errors.EditError: capability measure 'tpop' is not available in world 'custom'; valid are cinc, milex
        """
        valid = self.capability_measures()
        if name not in valid:
            raise EditError(f"capability measure {shown(name)} is not available in world "
                            f"{shown(self.name)}; valid are {', '.join(valid)}")
        values = self.capability if name == self.capability_measure else getattr(self, name)
        try:
            shares = measure_shares(values, name)
        except WorldError as e:
            raise EditError(str(e)) from None
        return self._replace({"op": "with_capability_measure", "name": name},
                             capability=readonly(shares), capability_measure=name)

    def apply(self, edit: dict) -> "World":
        """Apply one edit given as a dict (``{"op": "without_member", "code": ..., ...}``),
        as recorded in :attr:`history`. Scenarios replay their edits with it.
        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B"], [1, 1]).with_commitment("A", "B", "DEFENSE")
        >>> replayed = World.from_arrays(["A", "B"], [1, 1]).apply_all(w.history)
        >>> replayed.equals(w), replayed.history == w.history
        (True, True)
        >>> w.apply({"op": "annex", "code": "B"})
        Traceback (most recent call last):
        ...
        foederis.errors.EditError: unknown edit 'annex'; valid edits are without_member, ...
        """
        if not isinstance(edit, dict) or "op" not in edit:
            raise EditError(f"an edit must be a dict with an 'op' key, got {shown(edit)}")
        op = edit["op"]
        if op not in EDIT_OPS:
            raise EditError(f"unknown edit {shown(op)}; valid edits are {', '.join(EDIT_OPS)}")
        args = {k: v for k, v in edit.items() if k != "op"}
        try:
            return getattr(self, op)(**args)
        except TypeError as e:
            raise EditError(f"edit {shown(op)}: {e}") from None

    def apply_all(self, edits: Iterable[dict]) -> "World":
        """Apply edits in order (:meth:`apply` each), e.g. another world's ``history``."""
        if isinstance(edits, (str, bytes, dict)) or not isinstance(edits, Iterable):
            raise EditError(f"apply_all takes an iterable of edit dicts (such as a world's "
                            f"history), got {shown(edits)}")
        w = self
        for e in edits:
            w = w.apply(e)
        return w

