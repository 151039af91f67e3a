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
from .errors import WorldError

__all__ = ["WorldTables", "read_tables", "TABLES"]

#: The tables of a world folder, in the order ``read_tables`` returns them.
TABLES = ("states", "commitments", "rivalries")


class WorldTables:
    """The tables, folder and igraph views of a World (a mixin of :class:`foederis.World`)."""

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
    preferred to ``.csv``; None for a missing optional table)."""
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
