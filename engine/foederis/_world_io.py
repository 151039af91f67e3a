"""A World as tables, folders and igraph graphs, and back.

:class:`WorldTables` gives :class:`foederis.World` its ``*_frame`` tables,
``to_folder`` and the igraph pair ``to_igraph`` / ``from_igraph`` (lossless: order and
names kept); :func:`read_tables` reads a folder that ``to_folder`` wrote.
"""

from __future__ import annotations

import csv
import json
import os
from typing import Any

import numpy as np
import pandas as pd

from ._constants import KIND_NAMES
from ._validate import check_path, shown
from ._world_columns import bits_to_domains, check_codes, codes_to_index, treaty_column
from ._world_conditions import CONDITION_COLUMNS, condition_columns
from ._world_context import EXTRA_STATE_COLUMNS, contiguity_from_frame
from ._world_provenance import treaty_labels, treaty_pairs
from ._world_syntax import describe_edit
from .errors import WorldError

__all__ = ["WorldTables", "read_tables", "read_meta", "TABLES", "META_FILE"]

#: The tables of a world folder, in the order ``read_tables`` returns them.
TABLES = ("states", "commitments", "rivalries", "contiguity")
#: The folder file that holds a world's date and capability measure.
META_FILE = "world.json"


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
        for c in self.given_columns:  # lat, lon, NMC components: those the world was given
            d[c] = getattr(self, c)
        return pd.DataFrame(d)

    def contiguity_frame(self) -> pd.DataFrame:
        """Contiguous pairs, each once (``a`` before ``b`` in state order), with their COW
        ``conttype``: the table ``from_frames(..., contiguity=)`` reads.

        >>> from foederis import World
        >>> w = World.from_arrays(["FRN", "GMY"], [1, 1], contiguity_a=[1], contiguity_b=[0],
        ...                       conttype=[1])
        >>> w.contiguity_frame()
             a    b  conttype
        0  FRN  GMY         1
        """
        i = np.repeat(np.arange(self.n_states), np.diff(self.cont_indptr))
        j = self.cont_indices
        once = i < j
        return pd.DataFrame({"a": self.codes[i[once]], "b": self.codes[j[once]],
                             "conttype": self.cont_type[once].astype(np.int64)})

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
        (``format`` "csv" or "parquet"); :func:`read_world` reads them back.

        A world with contiguity adds a ``contiguity`` table, and one with a ``date`` or a
        ``capability_measure`` other than "capability" a small ``world.json``.
        """
        if format not in ("csv", "parquet"):
            raise WorldError(f"format must be 'csv' or 'parquet', got {shown(format)}")
        path = check_path("to_folder: the folder", path, WorldError)
        try:
            self._write_folder(path, format)
        except OSError as e:
            raise WorldError(f"to_folder: cannot write the world to {shown(os.fspath(path))}: "
                             f"{e.strerror or e}") from None

    def _write_folder(self, path: str, format: str) -> None:
        os.makedirs(path, exist_ok=True)
        tables = [
            ("states", self.states_frame()),
            ("commitments", self.commitments_frame()),
            ("rivalries", self.rivalries_frame()),
        ]
        if self.n_contiguities:
            tables.append(("contiguity", self.contiguity_frame()))
        else:  # a contiguity table left by an earlier world would be read back
            for ext in (".csv", ".parquet"):
                stale = os.path.join(path, "contiguity" + ext)
                if os.path.exists(stale):
                    os.remove(stale)
        _write_meta(path, self.date, self.capability_measure)
        for stem, df in tables:
            f = os.path.join(path, f"{stem}.{format}")
            tmp = f + ".tmp"
            try:
                if format == "csv":
                    df.to_csv(tmp, index=False)
                else:
                    df.to_parquet(tmp, index=False)
            except ImportError:
                raise WorldError("to_folder(format='parquet') needs a Parquet engine: pip "
                                 "install pyarrow") from None
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
        if self.date is not None or self.capability_measure != "capability":
            lines.append(f"Date: {self.date or 'none'}; capability: {self.capability_measure}")
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
        values), so that :meth:`from_igraph` gives back the same World. A world with
        them adds the vertex attributes lat, lon and the NMC components it was given,
        and the graph attributes ``contiguity_a``, ``contiguity_b``, ``contiguity_type``
        (codes and COW types, each pair once), ``date`` and ``capability_measure``.

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
        for c in self.given_columns:
            g.vs[c] = getattr(self, c).tolist()
        if self.n_contiguities:
            cf = self.contiguity_frame()
            g["contiguity_a"] = cf["a"].tolist()
            g["contiguity_b"] = cf["b"].tolist()
            g["contiguity_type"] = cf["conttype"].tolist()
        if self.date is not None:
            g["date"] = self.date
        if self.capability_measure != "capability":
            g["capability_measure"] = self.capability_measure
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
        try:
            import igraph as ig
        except ImportError:  # pragma: no cover - igraph is a dependency
            raise WorldError("from_igraph needs python-igraph: pip install igraph") from None
        if not isinstance(graph, ig.Graph):
            raise WorldError(f"from_igraph takes an igraph.Graph, got {type(graph).__name__}")
        n = graph.vcount()
        vattr = set(graph.vs.attributes())
        eattr = set(graph.es.attributes())
        gattr = set(graph.attributes())
        if not graph.is_directed():
            raise WorldError(
                "from_igraph needs a directed graph (guarantor -> protege); convert with "
                "graph.as_directed() and say which direction each commitment has"
            )
        codes = check_codes(graph.vs["name"] if "name" in vattr else
                            [str(i) for i in range(n)])

        def v(name: str) -> Any:
            return graph.vs[name] if name in vattr else None

        el = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        m = len(el)
        kinds = graph.es["kind"] if "kind" in eattr else ["DEFENSE"] * m
        tr_names: tuple[str, ...] = ()
        treaty = None
        if "treaty" in eattr:
            treaty, tr_names = treaty_column(graph.es["treaty"])
        riv: dict[str, Any] = {}
        if "rivalry_source" in gattr and len(graph["rivalry_source"]):
            index = pd.Index(codes)
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
            pd.Series(kinds, dtype=object).to_numpy() if m else np.zeros(0, np.uint8),
            credibility=graph.es["credibility"] if "credibility" in eattr else None,
            domains=np.asarray(graph.es["domains"]) if "domains" in eattr and m else None,
            treaty=treaty,
            treaty_names=tr_names,
            **{c: graph.es[c] for c in CONDITION_COLUMNS if c in eattr and m},
            **{c: graph.vs[c] for c in EXTRA_STATE_COLUMNS if c in vattr},
            **contiguity_from_frame(pd.DataFrame({
                "a": graph["contiguity_a"], "b": graph["contiguity_b"],
                "conttype": graph["contiguity_type"]}) if "contiguity_a" in gattr else None,
                pd.Index(codes)),
            date=graph["date"] if "date" in gattr else None,
            capability_measure=graph["capability_measure"] if "capability_measure" in gattr
            else "capability",
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

def _write_meta(path: str | os.PathLike, date: str | None, measure: str) -> None:
    f = os.path.join(path, META_FILE)
    if date is None and measure == "capability":
        if os.path.exists(f) and "foederis_world" in read_meta(path, raw=True):
            os.remove(f)  # ours, from an earlier world
        return
    tmp = f + ".tmp"
    with open(tmp, "w") as fh:
        json.dump({"foederis_world": 1, "date": date, "capability_measure": measure}, fh)
    os.replace(tmp, f)


def read_meta(path: str | os.PathLike, raw: bool = False) -> dict:
    """``date`` and ``capability_measure`` from a folder's ``world.json`` ({} without one)."""
    f = os.path.join(path, META_FILE)
    if not os.path.exists(f):
        return {}
    try:
        with open(f) as fh:
            meta = json.load(fh)
    except (OSError, ValueError, RecursionError):
        meta = {}
    if raw or not isinstance(meta, dict) or "foederis_world" not in meta:
        return meta if raw and isinstance(meta, dict) else {}
    return {k: meta[k] for k in ("date", "capability_measure") if k in meta}


#: The columns of a world folder's tables that hold text (codes, names, treaties): a CSV
#: reads them as text, whatever they look like ("001", "1e3", "TRUE", "NA", "1.0").
TEXT_COLUMNS = ("code", "name", "region", "guarantor", "protege", "kind", "treaty", "domains",
                "against", "location", "source", "target", "a", "b")


def _read_table(f: str, ext: str) -> pd.DataFrame:
    """One table file; a file that is not a table (empty, binary, not UTF-8, a folder, a
    broken Parquet file) raises WorldError naming it."""
    if not os.path.isfile(f):
        raise WorldError(f"read_world: {shown(f)} is not a file")
    try:
        if ext == ".csv":
            with open(f, encoding="utf-8") as fh:  # text columns as text, "" as missing
                return pd.read_csv(fh, dtype={c: str for c in TEXT_COLUMNS},
                                   keep_default_na=False, na_values=[""])
        return pd.read_parquet(f)
    except UnicodeDecodeError:
        raise WorldError(f"read_world: {shown(f)} is not UTF-8 text; save it as UTF-8") from None
    except pd.errors.EmptyDataError:
        raise WorldError(f"read_world: {shown(f)} is empty; it needs a header row of column "
                         "names") from None
    except ImportError as e:
        raise WorldError(f"read_world: {shown(f)} needs a Parquet engine: pip install pyarrow "
                         f"({e.msg.splitlines()[0] if e.msg else e})") from None
    except (ValueError, OSError, TypeError, csv.Error) as e:  # pandas' and pyarrow's
        what = "CSV" if ext == ".csv" else "Parquet"
        reason = " ".join(str(e).split())[:200]
        raise WorldError(f"read_world: {shown(f)} cannot be read as a {what} table: "
                         f"{reason}") from None


def read_tables(path: str | os.PathLike) -> tuple[pd.DataFrame | None, ...]:
    """The ``states``, ``commitments``, ``rivalries`` and ``contiguity`` tables of a
    folder (``.parquet`` preferred to ``.csv``; None for a missing optional table).

    >>> import tempfile
    >>> from foederis import World
    >>> with tempfile.TemporaryDirectory() as d:
    ...     World.from_arrays(["A", "B"], [1, 1]).to_folder(d, format="parquet")
    ...     states, commitments, rivalries, contiguity = read_tables(d)
    >>> states["code"].tolist(), len(commitments), len(rivalries), contiguity
    (['A', 'B'], 0, 0, None)
    """
    path = check_path("read_world: the folder", path, WorldError)
    if not os.path.isdir(path):
        raise WorldError(f"read_world: {shown(os.fspath(path))} is not a folder")

    def read(stem: str, required: bool) -> pd.DataFrame | None:
        for ext in (".parquet", ".csv"):
            f = os.path.join(path, stem + ext)
            if os.path.lexists(f):
                return _read_table(f, ext)
        if required:
            raise WorldError(f"read_world: no {stem}.csv or {stem}.parquet in {shown(os.fspath(path))}")
        return None

    return tuple(read(stem, stem == "states") for stem in TABLES)
