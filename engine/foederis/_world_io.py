"""A World as tables, folders and igraph graphs, and back.

:class:`WorldTables` gives :class:`foederis.World` its ``*_frame`` tables,
``to_folder`` and the igraph pair ``to_igraph`` / ``from_igraph`` (lossless: order and
names kept); :func:`read_tables` reads a folder that ``to_folder`` wrote.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from ._constants import KIND_NAMES
from ._world_columns import bits_to_domains, codes_to_index
from ._world_conditions import CONDITION_COLUMNS, condition_columns
from ._world_provenance import treaty_labels, treaty_pairs
from ._world_syntax import describe_edit
from .errors import WorldError

__all__ = ["WorldTables", "read_tables", "TABLES"]

#: The tables of a world folder, in the order ``read_tables`` returns them.
TABLES = ("states", "commitments", "rivalries")


class WorldTables:
    """The tables, folder and igraph views of a World (a mixin of :class:`foederis.World`).

    Examples
    --------
    >>> import pandas as pd
    >>> from foederis import World
    >>> states = pd.DataFrame({"code": ["USA", "JPN"], "capability": [5.0, 1.0],
    ...                        "nuclear": [True, False]})
    >>> pacts = pd.DataFrame({"guarantor": ["USA"], "protege": ["JPN"], "kind": ["GUARANTEE"],
    ...                       "treaty": ["US-Japan"], "domains": ["conventional|nuclear"]})
    >>> w = World.from_frames(states, pacts)
    >>> w.commitments_frame()
      guarantor protege       kind  credibility    treaty               domains
    0       USA     JPN  GUARANTEE          1.0  US-Japan  conventional|nuclear
    >>> World.from_frames(w.states_frame(), w.commitments_frame()).equals(w)
    True
    """

    __slots__ = ()

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

    def commitments_frame(self) -> pd.DataFrame:
        """The commitments as a DataFrame (the columns ``from_frames`` reads), in CSR order.

        ``treaty`` joins the names of the treaties that ground a commitment with "|";
        a world with conditions adds ``against``, ``location``, ``nonprovocation`` and
        ``min_attackers``.
        """
        kinds = np.asarray(KIND_NAMES, dtype=object)[self.kind]
        treaty = treaty_labels(self.treaty, self.also_edge, self.also_treaty, self.treaty_names)
        uniq, inv = np.unique(self.domains, return_inverse=True)
        dom = np.asarray([bits_to_domains(b) for b in uniq], dtype=object)[inv.reshape(-1)]
        df = pd.DataFrame(
            {
                "guarantor": self.codes[self.guarantors],
                "protege": self.codes[self.indices],
                "kind": kinds,
                "credibility": self.credibility,
                "treaty": treaty,
                "domains": dom,
            }
        )
        if len(self.conditions) > 1:  # a world with conditions: its four columns
            for col, values in condition_columns(self.condition, self.conditions).items():
                df[col] = values
        return df

    def rivalries_frame(self) -> pd.DataFrame:
        """The rivalries as a DataFrame (``source``, ``target``, ``hostility``).

        >>> from foederis import World
        >>> w = World.from_arrays(["ISR", "IRN"], [1, 1], rivalry_source=[1],
        ...                       rivalry_target=[0], hostility=[0.8])
        >>> w.rivalries_frame()
          source target  hostility
        0    IRN    ISR        0.8
        """
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

    def treaties_frame(self) -> pd.DataFrame:
        """One row per treaty: name, members, commitments, kinds.

        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B", "C"], [1, 1, 1], [0, 1, 2], [1, 0, 0],
        ...                       [0, 0, 4], treaty=[0, 0, 1], treaty_names=["AB", "CA"])
        >>> w.treaties_frame()
          treaty  members  commitments       kinds
        0     AB        2            2     DEFENSE
        1     CA        2            1  NEUTRALITY
        """
        if not self.treaty_names:
            return pd.DataFrame(columns=["treaty", "members", "commitments", "kinds"])
        e, t = treaty_pairs(self.treaty, self.also_edge, self.also_treaty)
        g = self.guarantors[e]
        p = self.indices[e]
        k = self.kind[e]
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

    def summary(self, top: int = 10) -> str:
        """A readable summary: sizes, commitments by kind, largest treaties, capability.

        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B"], [3, 1], [0, 1], [1, 0], [0, 0], treaty=[0, 0],
        ...                       treaty_names=["AB"], name="toy")
        >>> print(w.without_member("B", "AB").summary())
        <World 'toy': 2 states, 0 commitments (none), 0 treaties, 0 rivalries, 1 edits>
        <BLANKLINE>
        Commitments by kind:
        <BLANKLINE>
        Capability shares:
          A     A                                  75.0%
          B     B                                  25.0%
        <BLANKLINE>
        Edits: B leaves AB
        """
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

    # --- igraph ------------------------------------------------------------------------
    def to_igraph(self) -> Any:
        """A directed ``igraph.Graph`` (guarantor -> protege) carrying every attribute.

        Vertex attributes: ``name`` (code), ``label`` (name), capability, gdp,
        defense_spending, nuclear, region, global_reach, threshold. Edge attributes: kind
        (name), credibility, treaty (names joined by "|", or None), domains (bits), and
        in a world with conditions against, location, nonprovocation, min_attackers.
        Graph attributes:
        ``world`` (name), ``citation``, ``description``, ``has_reach_column`` and the
        rivalries (``rivalry_source``, ``rivalry_target``, ``rivalry_hostility``: codes and
        values), so that :meth:`from_igraph` gives back the same World.

        >>> from foederis import World
        >>> w = World.from_arrays(["A", "B"], [2, 1], [0], [1], ["DEFENSE"], credibility=[0.5])
        >>> g = w.to_igraph()
        >>> g.is_directed(), g.vs["name"], g.es["kind"], g.es["credibility"]
        (True, ['A', 'B'], ['DEFENSE'], [0.5])
        >>> World.from_igraph(g).equals(w)
        True
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
        g.es["treaty"] = treaty_labels(
            self.treaty, self.also_edge, self.also_treaty, self.treaty_names
        ).tolist()
        g.es["domains"] = self.domains.tolist()
        if len(self.conditions) > 1:
            for col, values in condition_columns(self.condition, self.conditions).items():
                g.es[col] = values.tolist()
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

        >>> import igraph as ig
        >>> from foederis import World
        >>> g = ig.Graph(n=3, edges=[(0, 1), (1, 0)], directed=True)
        >>> World.from_igraph(g).codes.tolist()
        ['0', '1', '2']
        >>> World.from_igraph(ig.Graph(n=2, edges=[(0, 1)]))
        Traceback (most recent call last):
        ...
        foederis.errors.WorldError: from_igraph needs a directed graph (guarantor -> protege); ...
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
                rivalry_source=codes_to_index(
                    pd.Series(graph["rivalry_source"]), index, "rivalry", "source"
                ),
                rivalry_target=codes_to_index(
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
            **{c: graph.es[c] for c in CONDITION_COLUMNS if c in eattr and m},
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

def read_tables(path: str | os.PathLike) -> tuple[pd.DataFrame | None, ...]:
    """The ``states``, ``commitments`` and ``rivalries`` tables of a folder (``.parquet``
    preferred to ``.csv``; None for a missing optional table).

    >>> import tempfile
    >>> from foederis import World
    >>> with tempfile.TemporaryDirectory() as d:
    ...     World.from_arrays(["A", "B"], [1, 1]).to_folder(d, format="parquet")
    ...     states, commitments, rivalries = read_tables(d)
    >>> states["code"].tolist(), len(commitments), len(rivalries)
    (['A', 'B'], 0, 0)
    """
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

    return tuple(read(stem, stem == "states") for stem in TABLES)
