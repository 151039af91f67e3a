"""Analysis subcommands: ``foederis burden``, ``blocs``, ``deterrence``, ``entrapment``.

Each prints a table and, with ``--csv PATH``, writes it as CSV too.
"""

from __future__ import annotations

import argparse
from typing import Any

from ._cli_rules import add_rules_arguments, rules_from



def _emit(df: Any, args: argparse.Namespace, *, index: bool = False) -> None:
    import pandas as pd

    with pd.option_context("display.max_rows", args.rows, "display.width", 160,
                           "display.max_columns", 20):
        print(df.to_string(index=index, max_rows=args.rows))
    if args.csv:
        from ._validate import write_csv  # (numpy: only when writing)

        write_csv(df, args.csv, index=index)
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


def _cmd_deterrence(args: argparse.Namespace) -> int:
    import pandas as pd

    from .analysis import deterrence_map
    from .builtin import load_world

    w = load_world(args.world)
    dm = deterrence_map(w, args.aggressors, args.targets, samples=args.samples,
                        seed=args.seed, mode=args.mode, domain=args.domain,
                        rules=rules_from(args))
    print(dm.summary())
    print()
    top = dm.least_deterred(args.top)
    print(f"the {len(top)} least deterred pairs"
          f"{' (lowest P(deterred), then balance)' if args.samples else ' (lowest balance)'}:")
    cols = ["aggressor", "target", "balance", "deterred", "umbrella", "war_size", "n_rounds"]
    if args.samples:
        cols += ["p_deterred", "mean_war_size"]
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(top[cols].to_string(index=False))
    if args.csv:
        from ._validate import write_csv  # (numpy: only when writing)

        write_csv(dm.to_frame(), args.csv, index=False)
        print(f"wrote {args.csv} ({dm.n_pairs} pairs)")
    return 0


def _cmd_entrapment(args: argparse.Namespace) -> int:
    from .analysis import entrapment
    from .builtin import load_world

    w = load_world(args.world)
    e = entrapment(w, weights=args.weights, domain=args.domain, rules=rules_from(args))
    print(repr(e))
    print()
    _emit(e.to_frame(), args)
    return 0


def _states(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


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

    s = sub.add_parser("deterrence", help="deterrence map: the cascade of every (aggressor, "
                       "target) pair")
    _common(s)
    s.add_argument("--aggressors", type=_states, default=None, metavar="A,B,...",
                   help="aggressor codes (default: every state)")
    s.add_argument("--targets", type=_states, default=None, metavar="A,B,...",
                   help="target codes (default: every state)")
    s.add_argument("--samples", type=int, default=None,
                   help="also run a Monte Carlo ensemble of N samples per pair")
    s.add_argument("--seed", type=int, default=0, help="ensemble seed (default 0)")
    s.add_argument("--mode", choices=("threshold", "any"), default="threshold",
                   help="ensemble mode (default threshold)")
    s.add_argument("--domain", default="conventional", help="attack domain (default "
                   "conventional)")
    s.add_argument("--top", type=int, default=20, help="least deterred pairs to print "
                   "(default 20)")
    add_rules_arguments(s)
    s.set_defaults(func=_cmd_deterrence)

    s = sub.add_parser("entrapment", help="entrapment: share of others' wars each state is "
                       "drawn into, and the commitment that pulls it in")
    _common(s)
    s.add_argument("--weights", choices=("hostility", "uniform"), default="hostility",
                   help="wars: rivalry dyads weighted by hostility (default) or every "
                   "ordered pair equally")
    s.add_argument("--domain", default="conventional", help="attack domain (default "
                   "conventional)")
    add_rules_arguments(s)
    s.set_defaults(func=_cmd_entrapment)
