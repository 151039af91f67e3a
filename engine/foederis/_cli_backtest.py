"""``foederis backtest``: score the cascade against the wars of history.

    foederis backtest                              # the 19 shipped cases, default rules
    foederis backtest --rules ally_restraint=0     # DESIGN.md's rule
    foederis backtest --cases my_wars.json --csv wars.csv --joiners-csv joiners.csv
"""

from __future__ import annotations

import argparse
from typing import Any

from ._cli_rules import add_rules_arguments, rules_from



def _cmd_backtest(args: argparse.Namespace) -> int:
    from .fidelity import backtest

    rules = rules_from(args)
    world = {"world": args.world} if args.world else {}  # else backtest's own default
    res = backtest(args.cases, rules=rules, joiners=args.joiners, **world)
    print(res.summary())
    if args.csv:
        from ._validate import write_csv  # (numpy: only when writing)

        write_csv(res.to_frame(), args.csv, index=False)
        print(f"wrote {args.csv} ({len(res.wars)} wars)")
    if args.joiners_csv:
        from ._validate import write_csv  # (numpy: only when writing)

        write_csv(res.joiners_frame(), args.joiners_csv, "--joiners-csv", index=False)
        print(f"wrote {args.joiners_csv}")
    return 0


def register(sub: Any) -> None:
    s = sub.add_parser("backtest", help="score the cascade against the wars of history (who "
                       "joined, on which side)")
    add_rules_arguments(s)
    s.add_argument("--cases", default=None, metavar="FILE",
                   help="a JSON file of cases (the shipped format) or a CSV table with one "
                        "row per participant (default: the 19 shipped COW cases)")
    s.add_argument("--world", default=None, metavar="TEMPLATE",
                   help="world of each war, formatted with {year}, {date}, {case_id} "
                        "(default: foederis.backtest's, atop:{date}, the onset day)")
    s.add_argument("--joiners", choices=("all", "onset_year"), default="all",
                   help="score all true joiners (default) or only those of the onset year")
    s.add_argument("--csv", default=None, metavar="OUT", help="also write one row per war")
    s.add_argument("--joiners-csv", default=None, metavar="OUT",
                   help="also write one row per joiner, with its outcome and cause")
    s.set_defaults(func=_cmd_backtest)
