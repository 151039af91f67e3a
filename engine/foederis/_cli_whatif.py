"""``foederis whatif``: one attack, round by round, with and without what-if edits."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._cli_rules import add_rules_arguments, rules_from
from ._world_syntax import EDIT_SYNTAX_HELP


def _ensemble_lines(ens: Any, world: Any, top: int = 12) -> list[str]:
    import numpy as np

    lines = [
        f"Monte Carlo ({ens.mode}, {ens.samples:,} samples, seed {ens.seed}): "
        f"P(deterred) = {ens.p_deterred:.3f}; mean war size {ens.mean_war_size:.1f}"
    ]
    p = np.maximum(ens.p_join_a, ens.p_join_d)
    order = np.argsort(-p, kind="stable")[:top]
    for i in order:
        if p[i] <= 0:
            break
        lines.append(
            f"  {world.codes[i]:<5} P(A) {ens.p_join_a[i]:.3f}  P(D) {ens.p_join_d[i]:.3f}"
        )
    return lines


def _cmd_whatif(args: argparse.Namespace) -> int:
    from .builtin import load_world
    from ._cascade import cascade
    from ._compare import compare
    from .world import parse_edit

    world = load_world(args.world)
    rules = rules_from(args)
    attacks = list(args.attack)
    # every input is checked before anything is printed: the edits first
    edited = world.apply_all([parse_edit(e) for e in args.edit]) if args.edit else None
    base = cascade(world, attacks, rules, domain=args.domain)
    alt = cascade(edited, attacks, rules, domain=args.domain) if edited is not None else None
    print(base.summary())
    if alt is not None:
        print()
        print("=== what-if ===")
        print(alt.summary())
        print()
        print("=== what changed ===")
        print(compare(base, alt).summary())
    if args.samples:
        from ._simulate import simulate

        for label, w in (("baseline", world), ("what-if", edited)):
            if w is None:
                continue
            ens = simulate(w, attacks, rules, samples=args.samples, seed=args.seed,
                           mode=args.mode, domain=args.domain,
                           progress=_tqdm_progress(args.samples, label))
            print()
            print(f"=== {label}: " + "\n".join(_ensemble_lines(ens, w)))
    return 0


def _tqdm_progress(total: int, label: str) -> Any:
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit="sample", leave=False)

    def update(done: int, _total: int) -> None:
        bar.n = done
        bar.refresh()
        if done >= _total:
            bar.close()

    return update


def register(sub: Any) -> None:
    s = sub.add_parser(
        "whatif",
        help="run an attack's commitment cascade, with and without what-if edits",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="edits (--edit, repeatable):\n" + EDIT_SYNTAX_HELP,
    )
    s.add_argument("--world", default="contemporary", help="contemporary (default) or atop:YEAR")
    s.add_argument("--attack", action="append", required=True, metavar="AGG:TARGET",
                   help="an attack, e.g. RUS:EST (repeat for several)")
    s.add_argument("--edit", action="append", metavar="EDIT", help="a what-if edit (see below)")
    s.add_argument("--domain", default="conventional",
                   help="conventional (default), nuclear, cyber, space or economic")
    add_rules_arguments(s)
    s.add_argument("--samples", type=int, default=0, help="also run a Monte Carlo ensemble")
    s.add_argument("--seed", type=int, default=0, help="seed of the ensemble (default 0)")
    s.add_argument("--mode", default="threshold", choices=("threshold", "any"),
                   help="ensemble mode (default threshold)")
    s.set_defaults(func=_cmd_whatif)
