"""The parameters of the cascade rule: :class:`Rules` (exported as ``foederis.Rules``).

Every weight a kind carries is read from the one table of kinds
(``foederis._constants.KINDS``): a pulling kind's weight is ``Rules.<field>`` or a number
there, a restraining kind's likewise. The rule itself is in :mod:`foederis._cascade`.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np

from ._constants import KINDS
from ._validate import check_int, check_number, shown
from .errors import ParameterError

__all__ = ["Rules", "REACH_RULES", "RIVAL_SCOPES", "MAX_ROUNDS", "parse_rule"]

#: The values of :attr:`Rules.reach_rule`.
REACH_RULES = ("region", "geography")
#: Rules.rival_scope: whose rivals a rivalry presses
RIVAL_SCOPES = ("initiators", "belligerents")
#: The largest :attr:`Rules.max_rounds`: a cascade adds a state a round, and state indices
#: are int32, so no cascade runs longer; the kernels take it as an int64.
MAX_ROUNDS = 2**31 - 1


@dataclass(frozen=True)
class Rules:
    """The parameters of the cascade rule (DESIGN.md), validated on construction.

    Parameters
    ----------
    threshold : float, default 0.5
        Press a state needs to join a side (> 0; a state's own ``threshold`` column, when
        not NaN, overrides it).
    entente_weight : float, default 0.0
        Pull of an ENTENTE commitment relative to DEFENSE (>= 0). ATOP's consultation
        pledges promise talks, not force (Leeds et al. 2002), and summed over the members
        of a side they made a defence pact out of consultations; 0 (the back-test record
        is unchanged by it) where DESIGN.md has 0.25.
    neutrality_weight : float, default 1.0
        Restraint of a NEUTRALITY commitment (>= 0).
    nonaggression_weight : float, default 0.5
        Restraint of a NONAGGRESSION commitment (>= 0).
    ally_restraint : float, default 1.0
        A state does not fight its own ally: a DEFENSE, GUARANTEE or OFFENSE commitment
        toward a state on the other side restrains with weight ``ally_restraint`` (an
        ENTENTE with ``ally_restraint * entente_weight``), on top of its pull (>= 0).
        0 gives DESIGN.md's original rule, under which, in the contemporary world,
        Belarus and Armenia (Russia's treaty allies) joined the coalition against Russia
        in a Russian attack on Estonia, pulled by their consultation pacts with its
        neighbours.
    defend_initiators : float, default 0.0
        Trigger of DEFENSE, GUARANTEE and ENTENTE commitments toward an initiator, in
        [0, 1]: 0 means defensive pacts do not defend an aggressor; raise it to model
        chain-ganging. OFFENSE always triggers.
    defend_cobelligerents : float, default 1.0
        Casus foederis: trigger of DEFENSE, GUARANTEE and ENTENTE commitments toward a
        co-belligerent (a protege that joined the war rather than being attacked), in
        [0, 1]. 1 (DESIGN.md's) passes a war on along defensive pacts (chain-ganging);
        0 lets a defensive pledge fall due only when its protege is an original target.
        OFFENSE always triggers.
    credibility_scale : float, default 1.0
        Multiplies every credibility (the product is clipped to 1); >= 0.
    max_rounds : int or None, default None
        Stop after this many rounds (an integer in [0, 2**31 - 1], :data:`MAX_ROUNDS`;
        None = until a round adds nobody).
    margin : float, default 1.0
        The attack is deterred when capability(D) / capability(A) >= margin (> 0).
    reach : bool, default True
        Apply the reach rule (conventional attacks only).
    nuclear_umbrella : bool, default True
        Count a nuclear umbrella over the target as deterrence.
    conditions : bool, default True
        Honour the conditions a commitment is given under (ATOP's ``defco*`` codings,
        :meth:`World.commitments_frame` columns): it pulls or restrains only when a named
        adversary is among the aggressors (``against``), when its protege is an original
        target (``location == "protege"``) or the theatre is in the named region, when
        its protege is not an initiator (``nonprovocation``) and when at least
        ``min_attackers`` states attack. A condition ATOP codes without naming the
        adversary (``adversary_unnamed``) is taken to hold.
    bound_victim_unrestrained : bool, default True
        Restraint that reads the treaty: a NEUTRALITY or NONAGGRESSION pledge toward an
        aggressor does not hold back a state that also holds a defence-level pulling
        commitment (ordinal 3 in the table of kinds) to one of its targets: the pledge
        not to attack the aggressor does not bind it to abandon the victim.
    reach_rule : {"region", "geography"}, default "region"
        With ``reach`` on: ``"region"`` is DESIGN.md's rule (the COW regions of the
        aggressors and targets); ``"geography"`` lets a state join when it has global
        reach, is contiguous (COW direct contiguity, land or up to 400 miles of water) to
        an aggressor or a target, has its capital within ``reach_km`` of one of theirs,
        or holds a defence-level commitment (ordinal 3 in the table of kinds) to a
        target; a state with no geography in the world (no capital, no contiguity)
        falls back to the region rule.
    reach_km : float, default 1000
        The capital distance of ``reach_rule="geography"`` (great-circle km, >= 0).
    rival_weight : float, default 0.5
        Rivals join: an initiator presses every neutral state it threatens (a rivalry
        initiator -> state of hostility h, e.g. Thompson and Dreyer's strategic
        rivalries) toward the side against it with ``rival_weight * h``, summed with the
        pulls and holds of its commitments (>= 0; 0 = no such press, DESIGN.md's rule).
    rival_scope : {"initiators", "belligerents"}, default "initiators"
        Whose rivals are pressed: the initiators' only, or those of every state at war,
        whichever side it is on and however it joined (the enemy of a belligerent
        joins against it, and the joiners' rivals in turn: war spreads along
        rivalries, Vasquez 1993; Colaresi, Rasler and Thompson 2007, ch. 8).
    min_side_share : float in [0, 1], default 0
        The cost of joining: a state joins a side only if that side, with it, holds at
        least this share of the capability at war at the end of the previous round
        (Bueno de Mesquita 1981, *The War Trap*: a state does not join the side it
        expects to lose; 0.5 is that rule with equal stakes, 0 switches it off). A side
        it may not join counts as no press at all.
    one_pull_per_treaty : bool, default True
        No double counting: the commitments of a state grounded in one treaty (its first
        treaty in name order, ``World.treaty``) toward the members of a side count as
        their largest pull (and their largest restraint), not their sum: a multilateral
        treaty is one promise, which falls due once however many of its members are at
        war (Snyder 1997, *Alliance Politics*; ATOP codes one obligation per member and
        treaty, Leeds et al. 2002). A commitment grounded in no treaty counts on its own.
        When a member with a larger pull enters the war, the difference is added. Mode
        ``"any"`` counts only the strongest honoured pull anyway, so it is the same there.

    Examples
    --------
    >>> from foederis import Rules
    >>> Rules(threshold=0.75).threshold
    0.75
    >>> Rules(threshold=0)
    Traceback (most recent call last):
    ...
    foederis.errors.ParameterError: Rules.threshold must be in (0, inf], got 0
    """

    threshold: float = 0.5
    entente_weight: float = 0.0
    neutrality_weight: float = 1.0
    nonaggression_weight: float = 0.5
    ally_restraint: float = 1.0
    defend_initiators: float = 0.0
    defend_cobelligerents: float = 1.0
    credibility_scale: float = 1.0
    max_rounds: int | None = None
    margin: float = 1.0
    reach: bool = True
    nuclear_umbrella: bool = True
    # --- levers that read the world (issue 10): see the README's cascade section -------
    conditions: bool = True
    bound_victim_unrestrained: bool = True
    reach_rule: Literal["region", "geography"] = "region"
    reach_km: float = 1000.0
    rival_weight: float = 0.5
    rival_scope: Literal["initiators", "belligerents"] = "initiators"
    min_side_share: float = 0.0
    one_pull_per_treaty: bool = True

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("threshold", check_number("Rules.threshold", self.threshold, low=0,
                                      low_open=True, allow_inf=True))
        for name in ("entente_weight", "neutrality_weight", "nonaggression_weight",
                     "ally_restraint", "credibility_scale", "rival_weight"):
            put(name, check_number(f"Rules.{name}", getattr(self, name), low=0))
        for name in ("defend_initiators", "defend_cobelligerents", "min_side_share"):
            put(name, check_number(f"Rules.{name}", getattr(self, name), low=0, high=1))
        put("margin", check_number("Rules.margin", self.margin, low=0, low_open=True))
        if self.max_rounds is not None:
            put("max_rounds", check_int("Rules.max_rounds", self.max_rounds, low=0,
                                        high=MAX_ROUNDS))
        for name in ("reach", "nuclear_umbrella", "conditions", "bound_victim_unrestrained",
                     "one_pull_per_treaty"):
            v = getattr(self, name)
            if not isinstance(v, (bool, np.bool_)):
                raise ParameterError(f"Rules.{name} must be True or False, got {shown(v)}")
            put(name, bool(v))
        if self.reach_rule not in REACH_RULES:
            raise ParameterError(f"Rules.reach_rule must be one of {', '.join(REACH_RULES)}, "
                                 f"got {shown(self.reach_rule)}")
        put("reach_km", check_number("Rules.reach_km", self.reach_km, low=0, allow_inf=True))
        if self.rival_scope not in RIVAL_SCOPES:
            raise ParameterError(f"Rules.rival_scope must be one of "
                                 f"{', '.join(RIVAL_SCOPES)}, got {shown(self.rival_scope)}")

    def replace(self, **changes: Any) -> Rules:
        """A copy with some fields changed (validated)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def design(cls) -> Rules:
        """DESIGN.md's baseline rule, exactly: ``Rules(entente_weight=0.25,
        ally_restraint=0, conditions=False, bound_victim_unrestrained=False,
        reach_rule="region", rival_weight=0, one_pull_per_treaty=False)`` (every
        other field at its default). The defaults move with the back-test record; this
        stays the contract's rule, so results stated in DESIGN.md stay reproducible.

        Examples
        --------
        >>> from foederis import Rules
        >>> Rules.design() == Rules(entente_weight=0.25, ally_restraint=0, conditions=False,
        ...                         bound_victim_unrestrained=False, reach_rule="region",
        ...                         rival_weight=0, one_pull_per_treaty=False)
        True
        >>> Rules.design().ally_restraint
        0.0
        """
        return cls(entente_weight=0.25, ally_restraint=0, conditions=False,
                   bound_victim_unrestrained=False, reach_rule="region", rival_weight=0,
                   one_pull_per_treaty=False)

    def _kind_weight(self, kind: Any) -> float:
        return float(getattr(self, kind.weight) if isinstance(kind.weight, str) else kind.weight)

    @cached_property
    def pull_weight(self) -> np.ndarray:
        """Pull weight per kind code (float64[N_KINDS], read-only): the kernels'
        ``pull_weight``, read from the table of kinds (``foederis._constants.KINDS``)."""
        w = np.array([self._kind_weight(k) if k.effect == "pull" else 0.0 for k in KINDS],
                     dtype=np.float64)
        w.setflags(write=False)
        return w

    @cached_property
    def restraint_weight(self) -> np.ndarray:
        """Restraint weight per kind code (float64[N_KINDS], read-only): the restraining
        kinds (NEUTRALITY, NONAGGRESSION) by their weights, the pulling kinds by
        ``ally_restraint`` times their pull weight."""
        w = self.pull_weight * self.ally_restraint
        for code, k in enumerate(KINDS):
            if k.effect == "restraint":
                w[code] = self._kind_weight(k)
        w.setflags(write=False)
        return w



def _check_fields(init: Any) -> Any:
    """Rules' generated ``__init__``, refusing an unknown field or too many positional
    arguments with a ParameterError that lists the fields (not Python's TypeError)."""
    names = tuple(f.name for f in dataclasses.fields(Rules))

    @functools.wraps(init)
    def __init__(self: Rules, *args: Any, **kwargs: Any) -> None:
        bad = sorted(set(kwargs) - set(names))
        if bad:
            raise ParameterError(f"Rules has no field {shown(bad[0])}; fields are {', '.join(names)}")
        if len(args) > len(names):
            raise ParameterError(f"Rules takes at most {len(names)} positional arguments "
                                 f"({', '.join(names)}), got {len(args)}")
        twice = sorted(set(names[:len(args)]) & set(kwargs))
        if twice:
            raise ParameterError(f"Rules got {shown(twice[0])} both by position and by name")
        init(self, *args, **kwargs)

    return __init__


Rules.__init__ = _check_fields(Rules.__init__)  # type: ignore[method-assign]


def parse_rule(text: str) -> tuple[str, Any]:
    """One rule given as ``NAME=VALUE`` text (the command line's ``--rule`` / ``--rules``)
    -> (field, value), read by the field's type: true/false (or on/off, yes/no) for a
    switch, an integer literal or ``none`` for ``max_rounds``, a number for a weight, the
    text for a choice. Nothing is truncated or guessed (``max_rounds=2.7`` is refused);
    :class:`Rules` then checks the range.

    >>> parse_rule("max-rounds=3"), parse_rule("reach=False"), parse_rule("margin=2")
    (('max_rounds', 3), ('reach', False), ('margin', 2.0))
    >>> parse_rule("max_rounds=2.7")
    Traceback (most recent call last):
    ...
    foederis.errors.ParameterError: rule 'max_rounds=2.7': max_rounds must be an integer in [0, 2147483647] or none, got '2.7'
    """
    fields = {f.name: f for f in dataclasses.fields(Rules)}
    name, sep, raw = str(text).partition("=")
    key, raw = name.strip().replace("-", "_"), raw.strip()
    where = f"rule {shown(str(text))}"
    if not sep or not key or not raw:
        raise ParameterError(f"{where}: give NAME=VALUE, NAME one of {', '.join(fields)}")
    if key not in fields:
        raise ParameterError(f"{where}: Rules has no field {shown(key)}; fields are "
                             f"{', '.join(fields)}")
    default, low = fields[key].default, raw.lower()
    if isinstance(default, bool):
        if low in ("true", "on", "yes", "false", "off", "no"):
            return key, low in ("true", "on", "yes")
        raise ParameterError(f"{where}: {key} must be true or false, got {shown(raw)}")
    if key == "max_rounds":
        if low == "none":
            return key, None
        if not raw.isdigit() or len(raw) > 19:
            raise ParameterError(f"{where}: max_rounds must be an integer in [0, {MAX_ROUNDS}]"
                                 f" or none, got {shown(raw)}")
        return key, int(raw)
    if isinstance(default, float):
        try:
            return key, float(raw)
        except ValueError:
            raise ParameterError(f"{where}: {shown(raw)} is not a number") from None
    return key, raw
