"""The ``foederis`` command line.

``foederis worlds`` lists the built-in worlds; ``foederis show WORLD`` summarises one.
Each subcommand is a function ``_cmd_NAME(args) -> int`` registered in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import sys

from .errors import FoederisError, Interrupted


def _cmd_worlds(args: argparse.Namespace) -> int:
    from .builtin import list_worlds

    names = list_worlds()
    atop = [n for n in names if n.startswith("atop:")]
    print("Built-in worlds (load_world(NAME), or foederis show NAME):")
    for n in names:
        if not n.startswith("atop:"):
            print(f"  {n}")
    if atop:
        first, last = atop[0].split(":")[1], atop[-1].split(":")[1]
        print(f"  atop:YEAR    for YEAR in {first}..{last} (ATOP 5.1 alliances, COW states and NMC)")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from .builtin import load_world

    w = load_world(args.world)
    print(w.summary(top=args.top))
    if args.citation:
        print()
        print(w.citation())
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="foederis",
        description="foederis: alliance graph engine (commitment cascades over alliance networks)",
    )
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("worlds", help="list the built-in worlds")
    s.set_defaults(func=_cmd_worlds)

    s = sub.add_parser("show", help="summarise a world: states, commitments, treaties, capability")
    s.add_argument("world", nargs="?", default="contemporary",
                   help="a built-in world: contemporary (default) or atop:YEAR")
    s.add_argument("--top", type=int, default=10, help="rows in each list (default 10)")
    s.add_argument("--citation", action="store_true", help="also print what to cite")
    s.set_defaults(func=_cmd_show)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return p


#: The options naming a file a command writes (checked before the command runs).
_OUTPUT_OPTIONS = ("csv", "joiners_csv")

# Later modules append functions ``register(subparsers)`` here (whatif, deterrence, app ...).
_EXTRA_COMMANDS: list = []


def _load_extras() -> None:
    """Register the subcommands that live in other modules (imported lazily)."""
    import importlib

    for mod in ("foederis._cli_analysis", "foederis._cli_whatif", "foederis._cli_backtest",
                "foederis_widgets._cli"):
        try:
            m = importlib.import_module(mod)
        except ImportError:
            continue
        reg = getattr(m, "register", None)
        if reg is not None and reg not in _EXTRA_COMMANDS:
            _EXTRA_COMMANDS.append(reg)


def main(argv: list[str] | None = None) -> int:
    _load_extras()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__

        print(__version__)
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        for opt in _OUTPUT_OPTIONS:  # checked before any work is done
            if getattr(args, opt, None):
                from ._validate import check_output_path  # (numpy: only when needed)

                check_output_path(getattr(args, opt), "--" + opt.replace("_", "-"))
        return int(args.func(args) or 0)
    except Interrupted as e:  # Ctrl-C between blocks of a long run
        print(f"foederis: interrupted: {e}", file=sys.stderr)
        return 130
    except FoederisError as e:
        print(f"foederis: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("foederis: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `foederis show | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
