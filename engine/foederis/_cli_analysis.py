"""Analysis subcommands: ``foederis burden``, ``blocs``, ``deterrence``, ``entrapment``.

Each prints a table and, with ``--csv PATH``, writes it as CSV too.
"""

from __future__ import annotations

import argparse
from typing import Any


def _emit(df: Any, args: argparse.Namespace, *, index: bool = False) -> None:
    import pandas as pd

    with pd.option_context("display.max_rows", args.rows, "display.width", 160,
                           "display.max_columns", 20):
        print(df.to_string(index=index, max_rows=args.rows))
    if args.csv:
        df.to_csv(args.csv, index=index)
        print(f"wrote {args.csv}")


def _cmd_burden(args: argparse.Namespace) -> int:
    from .analysis import burden_sharing
    from .builtin import load_world

    res = burden_sharing(load_world(args.world), args.treaty, target=args.target)
    print(res.summary())
    print()
    _emit(res.to_frame(), args)
    return 0


def _cmd_blocs(args: argparse.Namespace) -> int:
    from .analysis import blocs, polarity
    from .builtin import load_world

    w = load_world(args.world)
    b = blocs(w, seed=args.seed)
    print(repr(b))
    pol = polarity(w)
    print(pol.summary().to_string())
    print()
    _emit(b.summary_frame(), args)
    return 0


def _common(s: argparse.ArgumentParser) -> None:
    s.add_argument("--world", default="contemporary", help="contemporary (default) or atop:YEAR")
    s.add_argument("--csv", metavar="PATH", help="also write the table as CSV")
    s.add_argument("--rows", type=int, default=60, help="rows to print (default 60)")


def register(sub: Any) -> None:
    s = sub.add_parser("burden", help="burden sharing in a treaty (Olson-Zeckhauser test)")
    _common(s)
    s.add_argument("--treaty", default="NATO", help="treaty name (default NATO)")
    s.add_argument("--target", type=float, default=0.02,
                   help="spending/GDP target (default 0.02)")
    s.set_defaults(func=_cmd_burden)

    s = sub.add_parser("blocs", help="alliance blocs (Leiden communities) and polarity")
    _common(s)
    s.add_argument("--seed", type=int, default=0, help="seed of the community detection")
    s.set_defaults(func=_cmd_blocs)
