"""``foederis backtest``: score the cascade against the wars of history.

    foederis backtest                              # the 19 shipped cases, default rules
    foederis backtest --rules ally_restraint=0     # DESIGN.md's rule
    foederis backtest --cases my_wars.json --csv wars.csv --joiners-csv joiners.csv
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from .errors import ParameterError


def parse_rule(text: str) -> tuple[str, Any]:
    """``"threshold=0.75"`` -> ``("threshold", 0.75)``; values: true/false, none, numbers."""
    from ._cascade import Rules

    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    fields = [f.name for f in dataclasses.fields(Rules)]
    if not sep or not name or not raw:
        raise ParameterError(f"--rules {text!r}: give NAME=VALUE, NAME one of {', '.join(fields)}")
    if name not in fields:
        raise ParameterError(f"--rules {text!r}: Rules has no field {name!r}; fields are "
                             f"{', '.join(fields)}")
    low = raw.lower()
    if low in ("true", "on", "yes"):
        return name, True
    if low in ("false", "off", "no"):
        return name, False
    if low == "none":
        return name, None
    for kind in (int, float):
        try:
            return name, kind(raw)
        except ValueError:
            pass
    raise ParameterError(f"--rules {text!r}: {raw!r} is not a number, true/false or none")


def _cmd_backtest(args: argparse.Namespace) -> int:
    from ._cascade import Rules
    from .fidelity import backtest

    rules = Rules().replace(**dict(parse_rule(t) for t in args.rules))
    world = {"world": args.world} if args.world else {}  # else backtest's own default
    res = backtest(args.cases, rules=rules, joiners=args.joiners, **world)
    print(res.summary())
    if args.csv:
        res.to_frame().to_csv(args.csv, index=False)
        print(f"wrote {args.csv} ({len(res.wars)} wars)")
    if args.joiners_csv:
        res.joiners_frame().to_csv(args.joiners_csv, index=False)
        print(f"wrote {args.joiners_csv}")
    return 0


def register(sub: Any) -> None:
    s = sub.add_parser("backtest", help="score the cascade against the wars of history (who "
                       "joined, on which side)")
    s.add_argument("--rules", nargs="+", default=[], metavar="NAME=VALUE",
                   help="rule fields to change, e.g. --rules ally_restraint=0 threshold=0.75")
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
