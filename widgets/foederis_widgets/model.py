"""The scenario model: the what-if state of an Explorer as traitlets, and its results.

:class:`ScenarioModel` holds what a user chose (attacks, domain, rules, edits, mode) and
what was computed from it (the baseline and what-if cascades, the Monte Carlo ensembles,
the last error). Views observe it and never compute; the model never draws. Traits holding
containers are always reassigned, never changed in place (in-place changes do not notify).

One update path: every new result (the deterministic cascades after a change of input, the
ensembles when a run ends or is dropped) is written under ``hold_trait_notifications`` and
then announced by one bump of :attr:`ScenarioModel.version`, the one trait the result views
observe. The renderers that turn results into data and HTML are in
:mod:`foederis_widgets.renderers`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any, Callable, Iterator

import numpy as np
from traitlets import Any as AnyTrait
from traitlets import Bool, Dict, Enum, Float, HasTraits, Int, List, Unicode, observe, validate

from foederis._validate import shown
from foederis.errors import FoederisError, ParameterError, ScenarioError

from .scenario import (DEFAULT_RULES, FORMAT, MC_MODES, RULE_FIELDS, RUN_MODES, VERSION,
                       check_scenario)

__all__ = ["ScenarioModel", "error_text"]

_INPUTS = ("attacks", "domain", "rules", "edits")


def error_text(exc: BaseException) -> str:
    """A one-line message for the UI: FoederisErrors as they are, others with their type."""
    if isinstance(exc, FoederisError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class ScenarioModel(HasTraits):
    """What-if state of one world: inputs, results, status.

    Parameters
    ----------
    world : foederis.World
        The baseline world. What-if edits are replayed on it (``world.apply_all``).
    attacks : list of (aggressor, target), optional
        Default: the two states of largest capability that are not allied (or the first
        two states).

    Notes
    -----
    With ``auto`` True (default) every change of an input recomputes the deterministic
    cascades at once (they take well under a millisecond on the contemporary world). The
    Monte Carlo ensemble runs only on :meth:`run_ensemble`, in a thread, and can be stopped.
    """

    # ---- inputs
    world_name = Unicode()
    attacks = List()
    domain = Unicode("conventional")
    rules = Dict()
    edits = List()
    mode = Enum(RUN_MODES, default_value="deterministic")
    mc_mode = Enum(MC_MODES, default_value="threshold")
    samples = Int(1000)
    seed = Int(0)
    auto = Bool(True)
    # ---- results
    baseline = AnyTrait(None, allow_none=True)  # foederis.cascade.Cascade
    whatif = AnyTrait(None, allow_none=True)  # Cascade of the edited world
    ensemble_baseline = AnyTrait(None, allow_none=True)  # foederis.simulate.Ensemble
    ensemble_whatif = AnyTrait(None, allow_none=True)
    error = Unicode("")
    status = Unicode("")
    running = Bool(False)
    progress = Float(0.0)  # 0..1 of the current ensemble run
    shown_round = Int(-1)  # round shown by the map (-1 = last)
    last_seconds = Float(0.0)  # time of the last deterministic recompute
    version = Int(0)  # bumped once per new result (cascades, ensembles): views observe it

    def __init__(self, world: Any, attacks: Any = None, **kwargs: Any) -> None:
        from foederis.world import World

        if not isinstance(world, World):
            raise ParameterError(f"world must be a foederis.World, got {type(world).__name__}")
        self._base_world = world
        self._world_cache: tuple[tuple, Any] = ((), world)
        self._base_key: Any = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._suspend = 0
        self._generation = 0  # bumped by every change of an input
        kwargs.setdefault("rules", dict(DEFAULT_RULES))
        kwargs.setdefault("world_name", world.name)
        super().__init__(**kwargs)
        with self.batch():
            self.attacks = [list(a) for a in attacks] if attacks else self.default_attacks()

    # ------------------------------------------------------------------ the worlds
    @property
    def base_world(self) -> Any:
        """The baseline world (no edits)."""
        return self._base_world

    @property
    def world(self) -> Any:
        """The what-if world: the baseline with the edits applied (cached)."""
        key = tuple(_freeze(e) for e in self.edits)
        if self._world_cache[0] != key:
            self._world_cache = (key, self._base_world.apply_all(self.edits))
        return self._world_cache[1]

    def default_attacks(self) -> list[list[str]]:
        w = self._base_world
        codes = list(map(str, w.codes))
        for a, t in (("RUS", "EST"), ("CHN", "TAW"), ("GMY", "FRN")):
            if a in codes and t in codes:
                return [[a, t]]
        if w.n_states < 2:
            return []
        order = np.argsort(-w.capability, kind="stable")[:2]
        return [[codes[int(order[0])], codes[int(order[1])]]]

    # ------------------------------------------------------------------ validation
    @validate("rules")
    def _valid_rules(self, proposal: Any) -> dict:
        r = dict(DEFAULT_RULES)
        new = dict(proposal["value"])
        bad = sorted(set(new) - set(RULE_FIELDS))
        if bad:
            raise ParameterError(f"unknown rule {shown(bad[0])}; rules are {', '.join(RULE_FIELDS)}")
        r.update(new)
        return r

    @validate("attacks")
    def _valid_attacks(self, proposal: Any) -> list:
        out = []
        for a in proposal["value"]:
            if not isinstance(a, (list, tuple)) or len(a) != 2:
                raise ParameterError(f"an attack is an (aggressor, target) pair, got {shown(a)}")
            out.append([str(a[0]), str(a[1])])
        return out

    @validate("samples")
    def _valid_samples(self, proposal: Any) -> int:
        v = int(proposal["value"])
        if v < 1:
            raise ParameterError(f"samples must be >= 1, got {v}")
        return v

    @validate("seed")
    def _valid_seed(self, proposal: Any) -> int:
        v = int(proposal["value"])
        if v < 0:
            raise ParameterError(f"seed must be >= 0, got {v}")
        return v

    # ------------------------------------------------------------------ edits
    def add_edit(self, edit: dict) -> None:
        """Apply one edit (a dict as in ``World.history``) to the what-if world.

        Raises a FoederisError (nothing changes) when the edit cannot be applied.
        """
        new_world = self.world.apply(dict(edit))
        item = new_world.history[-1]
        key = tuple(_freeze(e) for e in self.edits) + (_freeze(item),)
        self._world_cache = (key, new_world)
        self.edits = list(self.edits) + [dict(item)]

    def undo(self, index: int = -1) -> None:
        """Remove edit ``index`` (default the last) and replay the others.

        Raises EditError when a later edit depends on it (undo that one first).
        """
        edits = list(self.edits)
        if not edits:
            raise ParameterError("there is no edit to undo")
        if not -len(edits) <= index < len(edits):
            raise ParameterError(f"no edit number {index}; there are {len(edits)}")
        removed = edits.pop(index)
        from foederis.errors import EditError
        from foederis.world import describe_edit

        try:
            world = self._base_world.apply_all(edits)
        except FoederisError as e:
            raise EditError(f"cannot undo '{describe_edit(removed)}': a later edit needs it "
                            f"({e}); undo that one first") from None
        self._world_cache = (tuple(_freeze(e) for e in edits), world)
        self.edits = edits

    def clear_edits(self) -> None:
        self._world_cache = ((), self._base_world)
        self.edits = []

    # ------------------------------------------------------------------ rules
    def set_rule(self, name: str, value: Any) -> None:
        if name not in RULE_FIELDS:
            raise ParameterError(f"unknown rule {shown(name)}; rules are {', '.join(RULE_FIELDS)}")
        r = dict(self.rules)
        r[name] = value
        self.rules = r

    def rules_object(self) -> Any:
        from foederis import Rules

        return Rules(**self.rules)

    # ------------------------------------------------------------------ recompute
    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Change several inputs and recompute once at the end."""
        self._suspend += 1
        try:
            yield
        finally:
            self._suspend -= 1
        if self._suspend == 0 and self.auto:
            self.recompute()

    @observe(*_INPUTS)
    def _inputs_changed(self, change: Any) -> None:
        self._generation += 1
        if self.running:  # its answer would be to another question: stop and drop it
            self._stop.set()
        dropped = self.ensemble_baseline is not None or self.ensemble_whatif is not None
        self.ensemble_baseline = None
        self.ensemble_whatif = None
        if self._suspend == 0 and self.auto:
            if not self.recompute() and dropped:
                self.version += 1  # the views drop the stale ensemble all the same

    def recompute(self) -> bool:
        """Run the deterministic cascades (baseline and what-if). Returns True on success;
        on a user error, sets :attr:`error` (and keeps the previous results)."""
        from foederis import cascade

        t0 = time.perf_counter()
        try:
            rules = self.rules_object()
            attacks = [tuple(a) for a in self.attacks]
            if not attacks:
                raise ParameterError("choose an aggressor and a target")
            key = (tuple(attacks), self.domain, tuple(sorted(self.rules.items())))
            if self._base_key != key or self.baseline is None:
                base = cascade(self._base_world, attacks, rules, domain=self.domain)
            else:
                base = self.baseline
            whatif = cascade(self.world, attacks, rules, domain=self.domain) if self.edits \
                else base
        except FoederisError as e:
            self.error = error_text(e)
            return False
        self._base_key = key
        self.last_seconds = time.perf_counter() - t0
        with self.hold_trait_notifications():
            self.error = ""
            self.shown_round = -1
            self.baseline = base
            self.whatif = whatif
        self.version += 1
        return True

    # ------------------------------------------------------------------ ensembles
    def run_ensemble(self, *, block: bool = False,
                     on_done: Callable[[], Any] | None = None) -> None:
        """Run the Monte Carlo ensembles (baseline, and what-if when there are edits) in a
        background thread. Progress goes to :attr:`progress`, the results to
        :attr:`ensemble_baseline` / :attr:`ensemble_whatif`; :meth:`stop` ends it early
        (the samples done so far are kept). ``block=True`` waits for the end."""
        if self.running:
            self.status = "an ensemble is already running: stop it first"
            return
        from foederis import simulate

        try:
            rules = self.rules_object()
            attacks = [tuple(a) for a in self.attacks]
            world = self.world
            with_whatif = bool(self.edits)
            samples, seed, mc_mode, domain = self.samples, self.seed, self.mc_mode, self.domain
        except FoederisError as e:
            self.error = error_text(e)
            return
        self._stop.clear()
        generation = self._generation
        self.error = ""
        self.progress = 0.0
        self.running = True
        self.status = f"running {samples:,} samples…"
        parts = 2 if with_whatif else 1

        def work() -> None:
            results: list[Any] = []
            t0 = time.perf_counter()
            try:
                for k, w in enumerate([self._base_world, world][:parts]):
                    def progress(done: int, total: int, k: int = k) -> None:
                        self.progress = (k + done / max(total, 1)) / parts

                    # no time budget here: the page shows progress and has a Stop button
                    # (memory is still estimated first)
                    results.append(simulate(w, attacks, rules, samples, seed, mode=mc_mode,
                                            domain=domain, progress=progress, stop=self._stop,
                                            time_budget=None))
                    if self._stop.is_set():
                        break
            except FoederisError as e:
                self.error = error_text(e)
            except Exception as e:  # noqa: BLE001 - shown in the UI, never lost in a thread
                self.error = "internal error in the ensemble: " + error_text(e)
            finally:
                dt = time.perf_counter() - t0
                stopped = self._stop.is_set()
                stale = generation != self._generation
                with self.hold_trait_notifications():
                    if results and not stale:
                        self.ensemble_baseline = results[0]
                        self.ensemble_whatif = results[1] if len(results) > 1 else None
                    done = results[-1].samples if results else 0
                    if stale:
                        self.status = "ensemble dropped: the inputs changed while it ran"
                    elif stopped:
                        self.status = f"stopped after {done:,} samples ({dt:.1f} s)"
                    else:
                        self.status = f"{samples:,} samples in {dt:.1f} s"
                    if not stopped:
                        self.progress = 1.0
                    self.running = False
                if results and not stale:
                    self.version += 1
                if on_done is not None:
                    on_done()

        self._thread = threading.Thread(target=work, name="foederis-ensemble", daemon=True)
        self._thread.start()
        if block:
            self.wait()

    def stop(self) -> None:
        """Ask a running ensemble to stop after its current block."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the ensemble thread (if any) to finish."""
        t = self._thread
        if t is not None:
            t.join(timeout)

    # ------------------------------------------------------------------ scenarios
    def to_scenario(self) -> dict:
        """The inputs as a scenario dict (see :mod:`foederis_widgets.scenario`)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "world": self.world_name or self._base_world.name,
            "edits": [dict(e) for e in self.edits],
            "attacks": [list(a) for a in self.attacks],
            "domain": self.domain,
            "rules": dict(self.rules),
            "mode": self.mode,
            "samples": int(self.samples),
            "seed": int(self.seed),
            "mc_mode": self.mc_mode,
        }

    def apply_scenario(self, data: dict) -> None:
        """Replace the inputs by a scenario's; raises ScenarioError and changes nothing if
        the scenario does not fit this world (unknown world, state, treaty, bad edit)."""
        s = check_scenario(data)
        world = self._base_world
        if s["world"] != (self.world_name or world.name):
            from foederis import load_world

            try:
                world = load_world(s["world"])
            except FoederisError as e:
                raise ScenarioError(f"scenario world {shown(s['world'])}: {e}") from None
        try:
            edited = world.apply_all(s["edits"])
            from foederis import Rules, cascade

            # the engine's own checks of attacks, domain and rules (a cascade takes well
            # under a millisecond on the built-in worlds; the views need it next anyway)
            cascade(edited, [tuple(a) for a in s["attacks"]], Rules(**s["rules"]),
                    domain=s["domain"])
        except FoederisError as e:
            raise ScenarioError(f"scenario does not fit world {shown(s['world'])}: {e}") from None
        self.stop()
        with self.batch():
            self._base_world = world
            self._base_key = None
            self._world_cache = (tuple(_freeze(e) for e in s["edits"]), edited)
            self.world_name = s["world"]
            self.baseline = None
            self.attacks = s["attacks"]
            self.domain = s["domain"]
            self.rules = s["rules"]
            self.edits = [dict(e) for e in s["edits"]]
            self.mode = s["mode"]
            self.mc_mode = s["mc_mode"]
            self.samples = s["samples"]
            self.seed = s["seed"]


def _freeze(x: Any) -> Any:
    if isinstance(x, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in x.items()))
    if isinstance(x, (list, tuple)):
        return tuple(_freeze(v) for v in x)
    return x
