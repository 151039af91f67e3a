"""The cascade rules on the command line, one way for every subcommand that runs the
cascade: ``--rule NAME=VALUE`` (repeatable) or ``--rules NAME=VALUE ...``
(:func:`foederis.rules.parse_rule` reads each). Light: ``foederis --help`` imports this."""

from __future__ import annotations

import argparse
from typing import Any


def add_rules_arguments(s: argparse.ArgumentParser) -> None:
    """``--rule`` and ``--rules`` on subcommand parser ``s`` (both into ``args.rule``)."""
    s.add_argument("--rule", action="append", dest="rule", default=[], metavar="NAME=VALUE",
                   help="a cascade rule, e.g. threshold=0.75 or reach=false (repeatable)")
    s.add_argument("--rules", action="extend", nargs="+", dest="rule", metavar="NAME=VALUE",
                   help="several rules at once, e.g. --rules conditions=false "
                   "rival_weight=0 (Rules fields; README, 'The cascade')")


def rules_from(args: argparse.Namespace) -> Any:
    """The :class:`foederis.Rules` the command line asks for (the defaults changed by each
    ``NAME=VALUE``, the last one winning)."""
    from .rules import Rules, parse_rule

    return Rules(**dict(parse_rule(item) for item in args.rule or ()))
