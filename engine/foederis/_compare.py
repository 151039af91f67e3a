"""Baseline vs what-if: exactly what changed between two cascades of the same attack.

The two cascades may run on different worlds (a what-if edit), but both worlds must hold
the same states in the same order (every edit keeps the states).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._constants import SIDE_NAMES
from .errors import ParameterError

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """What changed from ``baseline`` to ``whatif``.

    Attributes
    ----------
    baseline, whatif : Cascade
    changes : DataFrame
        One row per state whose side or round changed: ``code``, ``name``, ``before``,
        ``after`` (side names "A", "D", "neutral"), ``round_before``, ``round_after``,
        ``change`` (one of "joined A", "joined D", "stayed out", "switched to A",
        "switched to D", "joined earlier", "joined later").
    balance_before, balance_after : float
    deterred_before, deterred_after : bool
    """

    baseline: object
    whatif: object
    changes: pd.DataFrame
    balance_before: float
    balance_after: float
    deterred_before: bool
    deterred_after: bool

    @property
    def balance_change(self) -> float:
        return self.balance_after - self.balance_before

    @property
    def verdict_changed(self) -> bool:
        return self.deterred_before != self.deterred_after

    def to_frame(self) -> pd.DataFrame:
        return self.changes.copy()

    def summary(self) -> str:
        lines = []
        edits = getattr(self.whatif.world, "history", ())[len(getattr(self.baseline.world, "history", ())):]
        if edits:
            from .world import describe_edit

            lines.append("what-if: " + "; ".join(describe_edit(e) for e in edits))
        if len(self.changes) == 0:
            lines.append("no state changed side or round")
        for r in self.changes.itertuples():
            lines.append(f"  {r.code:<5} {r.change:<14} ({r.before} -> {r.after})")
        lines.append(
            f"balance D/A {self.balance_before:.4g} -> {self.balance_after:.4g} "
            f"({self.balance_change:+.4g}); "
            + (
                f"verdict changed: {'deterred' if self.deterred_before else 'not deterred'} -> "
                f"{'deterred' if self.deterred_after else 'not deterred'}"
                if self.verdict_changed
                else f"verdict unchanged: {'deterred' if self.deterred_after else 'not deterred'}"
            )
        )
        return "\n".join(lines)


def compare(baseline, whatif) -> Comparison:
    """Compare two cascades of the same attack (baseline first)."""
    from ._cascade import Cascade

    for name, c in (("baseline", baseline), ("whatif", whatif)):
        if not isinstance(c, Cascade):
            raise ParameterError(f"compare: {name} must be a foederis.Cascade (the result of "
                                 f"foederis.cascade), got {type(c).__name__}")
    wa, wb = baseline.world, whatif.world
    if wa.n_states != wb.n_states or not np.array_equal(wa.codes, wb.codes):
        raise ParameterError(
            "compare: the two cascades must run on worlds with the same states in the same "
            "order (a world and an edit of it)"
        )
    sa, sb = np.asarray(baseline.side), np.asarray(whatif.side)
    ra, rb = np.asarray(baseline.round), np.asarray(whatif.round)
    idx = np.flatnonzero((sa != sb) | (ra != rb))
    names = np.asarray(SIDE_NAMES, dtype=object)
    change = []
    for i in idx:
        a, b = int(sa[i]), int(sb[i])
        if a == b:
            change.append("joined earlier" if rb[i] < ra[i] else "joined later")
        elif a == 0:
            change.append(f"joined {SIDE_NAMES[b]}")
        elif b == 0:
            change.append("stayed out")
        else:
            change.append(f"switched to {SIDE_NAMES[b]}")
    changes = pd.DataFrame(
        {
            "code": wa.codes[idx],
            "name": wa.names[idx],
            "before": names[sa[idx]],
            "after": names[sb[idx]],
            "round_before": ra[idx],
            "round_after": rb[idx],
            "change": change,
        }
    )
    return Comparison(
        baseline=baseline,
        whatif=whatif,
        changes=changes,
        balance_before=float(baseline.balance),
        balance_after=float(whatif.balance),
        deterred_before=bool(baseline.deterred),
        deterred_after=bool(whatif.deterred),
    )
