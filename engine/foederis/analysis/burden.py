"""Burden sharing within an alliance: who pays for the common defense."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._gate import check_world
from .._validate import check_number, readonly, shown
from ..errors import ParameterError, WorldError
from ._common import axes

__all__ = ["BurdenSharing", "burden_sharing"]


@dataclass(frozen=True, eq=False)
class BurdenSharing:
    """Burden sharing in one treaty (see :func:`burden_sharing`).

    Per member with known GDP and spending (arrays aligned with ``codes``, sorted by GDP,
    largest first): ``gdp``, ``spending``, ``ratio`` (spending / GDP), ``share_gdp``,
    ``share_spending``, ``below_target`` (ratio < target), ``free_rider``
    (ratio below both the target and (1 - margin) x alliance_ratio), ``disproportionate``
    (share_spending < share_gdp, the old and much looser flag). ``excluded``: members left out (unknown or zero GDP or
    spending). The Olson-Zeckhauser test: ``rho`` (Spearman rank correlation of GDP with
    spending / GDP), ``p_value`` (two-sided) and ``p_value_greater`` (one-sided, rho > 0,
    the direction the theory predicts); ``n`` members in the test.
    """

    treaty: str
    target: float
    margin: float
    codes: np.ndarray
    names: np.ndarray
    gdp: np.ndarray
    spending: np.ndarray
    ratio: np.ndarray
    share_gdp: np.ndarray
    share_spending: np.ndarray
    below_target: np.ndarray
    free_rider: np.ndarray
    disproportionate: np.ndarray
    alliance_ratio: float
    excluded: tuple[str, ...]
    rho: float
    p_value: float
    p_value_greater: float
    n: int

    def __repr__(self) -> str:
        return (
            f"<BurdenSharing {self.treaty}: {self.n} members, spending/GDP "
            f"{self.alliance_ratio:.2%}, {len(self.below)} below {self.target:.1%}, "
            f"{len(self.free_riders)} free riders, Spearman rho {self.rho:+.2f} "
            f"(p {self.p_value:.2g})>"
        )

    @property
    def free_riders(self) -> list[str]:
        return self.codes[self.free_rider].tolist()

    @property
    def below(self) -> list[str]:
        return self.codes[self.below_target].tolist()

    @property
    def exploitation(self) -> bool:
        """True when the test supports Olson and Zeckhauser's exploitation hypothesis
        (rho > 0 at the 5 % level, one-sided)."""
        return bool(self.rho > 0 and self.p_value_greater < 0.05)

    def to_frame(self) -> pd.DataFrame:
        """One row per member in the test (largest GDP first)."""
        return pd.DataFrame(
            {
                "code": self.codes,
                "name": self.names,
                "gdp": self.gdp,
                "defense_spending": self.spending,
                "spending_gdp": self.ratio,
                "share_gdp": self.share_gdp,
                "share_spending": self.share_spending,
                "below_target": self.below_target,
                "free_rider": self.free_rider,
                "disproportionate": self.disproportionate,
            }
        )

    def summary(self) -> str:
        excl = f" ({len(self.excluded)} excluded: {', '.join(self.excluded)})" if self.excluded else ""
        lines = [
            f"{self.treaty}: {self.n} members with known GDP and defense spending{excl}",
            f"  alliance spending / GDP: {self.alliance_ratio:.2%}; target {self.target:.2%}",
            (
                f"  below target: {len(self.below)}; free riders (spending / GDP below the "
                f"target and {1 - self.margin:.0%} of the alliance's): {len(self.free_riders)}; "
                f"spending share < GDP share: {int(self.disproportionate.sum())}"
            ),
            (
                f"  Olson-Zeckhauser: Spearman rho(GDP, spending/GDP) = {self.rho:+.3f}, "
                f"p = {self.p_value:.3g} (two-sided), {self.p_value_greater:.3g} (rho > 0)"
            ),
        ]
        return "\n".join(lines)

    def plot(self, ax: Any = None) -> Any:
        """Spending / GDP against GDP (log scale), the target as a line, free riders in
        red. Returns the matplotlib Figure."""
        fig, ax = axes(ax)
        col = np.where(self.free_rider, "C3", "C0")
        ax.scatter(self.gdp, self.ratio * 100, c=col, s=25, zorder=2)
        for x, y, c in zip(self.gdp, self.ratio * 100, self.codes):
            ax.annotate(str(c), (x, y), fontsize=7, xytext=(3, 2), textcoords="offset points")
        ax.axhline(self.target * 100, color="k", lw=0.8, ls="--", label=f"target {self.target:.1%}")
        ax.axhline(self.alliance_ratio * 100, color="0.5", lw=0.8, ls=":",
                   label=f"alliance {self.alliance_ratio:.1%}")
        if np.all(self.gdp > 0):
            ax.set_xscale("log")
        ax.set_xlabel("GDP")
        ax.set_ylabel("defense spending, % of GDP")
        ax.set_title(f"{self.treaty}: Spearman rho = {self.rho:+.2f} (p = {self.p_value:.2g})")
        ax.legend(fontsize=8)
        return fig


def burden_sharing(world: Any, treaty: str, *, target: float = 0.02,
                   margin: float = 0.25) -> BurdenSharing:
    """Members' shares of the alliance's defense spending against their shares of its GDP.

    For the members i of ``treaty`` (the states that give or receive one of its
    commitments) with known GDP y_i > 0 and defense spending x_i >= 0:

    - spending / GDP r_i = x_i / y_i, flagged ``below_target`` when r_i < ``target``
      (NATO's guideline is 2 % of GDP);
    - shares x_i / sum x and y_i / sum y; ``disproportionate`` when a member pays a
      smaller share of the spending than its share of the GDP (r_i < R = sum x / sum y).
      That is the Olson-Zeckhauser (1966) notion of *disproportionate* burden, not of free
      riding: in any alliance where a large member spends more than the rest, most members
      fall under R (25 of 31 on contemporary NATO), so it does not single anyone out;
    - a **free rider** spends markedly less of its GDP than the alliance does and less
      than the target: r_i < (1 - ``margin``) R and r_i < ``target``. Sandler and
      Hartley (2001, "Economics of alliances: the lessons for collective action",
      *J. Econ. Lit.* 39:869-896) read free riding as an ally's spending falling short
      of the alliance's norm, which the target states; Pluemper and Neumayer (2015,
      "Free-riding in alliances: testing an old theory with a new method", *Confl. Manag.
      Peace Sci.* 32:247-268) caution that a low share alone is not evidence of it, hence
      the margin (default 25 % below the alliance's ratio) and the target together.
      Contemporary NATO: R = 2.64 %, 9 of 31 free riders.
    - the **Olson-Zeckhauser test** (Olson and Zeckhauser 1966, "An economic theory of
      alliances", *Rev. Econ. Stat.* 48:266-279): if deterrence is a public good, the
      large allies carry a disproportionate burden, so GDP and r are positively
      rank-correlated. Reported: Spearman's rho (``scipy.stats.spearmanr``), its
      two-sided p-value and the one-sided p-value for rho > 0.

    GDP and spending must be in the same currency unit (as the built-in worlds are).
    Members whose GDP or spending is unknown (NaN), or whose GDP is 0, are listed in
    ``excluded`` and left out of every figure.

    Raises
    ------
    UnknownTreatyError
        ``treaty`` is not a treaty of the world.
    WorldError
        Fewer than 3 members have known figures (no rank correlation), or every member has
        the same GDP or the same spending / GDP (the correlation is undefined).

    Examples
    --------
    >>> import pandas as pd, foederis
    >>> from foederis.analysis import burden_sharing
    >>> states = pd.DataFrame({"code": ["A", "B", "C", "D"], "capability": 1.0,
    ...                        "gdp": [1000.0, 400.0, 200.0, 100.0],
    ...                        "defense_spending": [35.0, 8.0, 3.0, 1.0]})
    >>> m = ["A", "B", "C", "D"]
    >>> pacts = pd.DataFrame([(a, b, "defense", "PACT") for a in m for b in m if a != b],
    ...                      columns=["guarantor", "protege", "kind", "treaty"])
    >>> r = burden_sharing(foederis.World.from_frames(states, pacts), "PACT")
    >>> r.rho, r.free_riders, r.below
    (1.0, ['C', 'D'], ['C', 'D'])
    """
    from scipy import stats

    world = check_world(world)
    target = check_number("target", target, low=0, high=1, low_open=True)
    margin = check_number("margin", margin, low=0, high=1, high_open=True)
    if not isinstance(treaty, str):
        raise ParameterError(f"treaty must be a treaty name (str), got {shown(treaty)}")
    members = world.treaty_members(treaty)  # UnknownTreatyError names the treaty
    idx = world.indices_of(members)
    gdp = world.gdp[idx]
    sp = world.defense_spending[idx]
    ok = np.isfinite(gdp) & np.isfinite(sp) & (gdp > 0)
    excluded = tuple(world.codes[idx[~ok]].tolist())
    idx = idx[ok]
    if len(idx) < 3:
        raise WorldError(
            f"burden_sharing({shown(treaty)}): only {len(idx)} of its {len(members)} members have "
            f"known GDP and defense spending (excluded: {', '.join(excluded) or 'none'}); the "
            "Olson-Zeckhauser test needs at least 3"
        )
    order = np.lexsort((world.codes[idx], -world.gdp[idx]))
    idx = idx[order]
    y = world.gdp[idx].astype(np.float64)
    x = world.defense_spending[idx].astype(np.float64)
    r = x / y
    sy, sx = y.sum(), x.sum()
    if not sx > 0:
        raise WorldError(
            f"burden_sharing({shown(treaty)}): the members' defense spending sums to 0; shares are "
            "undefined"
        )
    if np.all(y == y[0]) or np.all(r == r[0]):
        what = "GDP" if np.all(y == y[0]) else "spending / GDP"
        raise WorldError(
            f"burden_sharing({shown(treaty)}): every member has the same {what}; the rank "
            "correlation of the Olson-Zeckhauser test is undefined"
        )
    res2 = stats.spearmanr(y, r)
    res1 = stats.spearmanr(y, r, alternative="greater")
    share_y = y / sy
    share_x = x / sx
    return BurdenSharing(
        treaty=treaty,
        target=target,
        margin=margin,
        codes=readonly(world.codes[idx]),
        names=readonly(world.names[idx]),
        gdp=readonly(y),
        spending=readonly(x),
        ratio=readonly(r),
        share_gdp=readonly(share_y),
        share_spending=readonly(share_x),
        below_target=readonly(r < target),
        free_rider=readonly((r < (1.0 - margin) * (sx / sy)) & (r < target)),
        disproportionate=readonly(share_x < share_y),
        alliance_ratio=float(sx / sy),
        excluded=excluded,
        rho=float(res2.statistic),
        p_value=float(res2.pvalue),
        p_value_greater=float(res1.pvalue),
        n=len(idx),
    )
