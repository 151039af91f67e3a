"""Compile the engine's kernels once per process, for every view that needs them at once.

The views (:class:`~foederis_widgets.Explorer`, :class:`~foederis_widgets.DeterrenceMapView`,
:class:`~foederis_widgets.ThreatView`) call :func:`warmup` before their first computation so
that every control answers at once. It is :func:`foederis.warmup` memoised: the first call
compiles (or loads numba's on-disk cache), later calls return at once.

Under ``foederis app`` the compiling starts before any page is open: the command runs
:func:`foederis.warmup` in the background and writes how far it is to a status file
(:func:`write_status`; its path in :data:`STATUS_ENV`). A kernel that starts meanwhile
does not compile the same kernels a second time on the same cores: :func:`follow` waits
for the background, passing its progress on to the page, and only then loads the
compiled kernels from numba's cache; meanwhile, on the core the background leaves, it
compiles what its first page needs beyond them (:func:`first_page`).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from typing import Any, Callable

__all__ = ["warmup", "follow", "first_page", "write_status", "read_status", "STATUS_ENV",
           "FIRST_PAGE"]

#: The environment variable naming the status file of ``foederis app``'s background warmup.
STATUS_ENV = "FOEDERIS_APP_WARMUP"
#: The warmup steps the first page needs (the deterministic cascade): it is usable once
#: they are compiled.
FIRST_PAGE = ("cascade", "check_csr")

Progress = Callable[[int, int, str], Any]

_lock = threading.Lock()
_done = False


def warmup(progress: Progress | None = None) -> None:
    """Compile the kernels a session uses (once per process; see :func:`foederis.warmup`).

    ``progress(done, total, step)`` is told each step (the background's, then this
    process's own, which loads from the cache). Calls from other threads wait for the
    first to finish.
    """
    global _done
    with _lock:
        if _done:
            return
        import foederis

        follow(progress)
        foederis.warmup(progress=progress)
        _done = True


def first_page(world: Any) -> Any:
    """Load the page's world (a name or a World) and compile what its first page runs
    beyond the :data:`FIRST_PAGE` steps: the conditioned credibilities that the map's
    "why" reads (``foederis._gate.conditioned_credibility``, on this world, so with the
    argument types the page will pass). :class:`~foederis_widgets.app.Starting` runs it
    while the background compiles the cascade, on the core that leaves idle; from a cold
    cache it takes about 4 s of CPU, from a warm one a fraction of a second. Returns the
    World."""
    import numpy as np

    from foederis import load_world
    from foederis._gate import conditioned_credibility

    w = load_world(world) if isinstance(world, str) else world
    if w.n_states >= 2:
        conditioned_credibility(w, np.array([0], np.int64), np.array([1], np.int64))
    return w


def write_status(path: str, done: int, total: int, step: str, state: str = "running") -> None:
    """Write the background warmup's progress atomically (``state``: running, done or
    failed)."""
    folder = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".warmup-", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"done": done, "total": total, "step": step, "state": state}, f)
    os.replace(tmp, path)


def read_status(path: str) -> dict | None:
    """The background warmup's last status, or None when there is none (or it is unreadable)."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def follow(progress: Progress | None = None, until: tuple[str, ...] | None = None,
           *, path: str | None = None, timeout: float = 600.0, poll: float = 0.2) -> bool:
    """Wait for ``foederis app``'s background warmup, passing its progress on.

    Returns at once (False) when there is no background warmup (no :data:`STATUS_ENV`),
    and otherwise when it has finished, failed, gone silent for ``timeout`` seconds, or
    (``until``, a tuple of step names run first, such as :data:`FIRST_PAGE`) moved past
    those steps. True when the background finished what was asked of it.
    """
    path = path if path is not None else os.environ.get(STATUS_ENV, "")
    if not path:
        return False
    last: tuple | None = None
    changed = time.monotonic()
    while True:
        s = read_status(path)
        if s is not None:
            key = (s.get("done"), s.get("total"), s.get("step"), s.get("state"))
            if key != last:
                last, changed = key, time.monotonic()
                if progress is not None and s.get("state") == "running":
                    progress(int(s.get("done") or 0), int(s.get("total") or 0),
                             str(s.get("step") or ""))
            if s.get("state") == "done":
                return True
            if s.get("state") == "failed":
                return False
            if (until is not None and s.get("state") == "running" and s.get("total")
                    and s.get("step") not in until and s.get("step") != "starting"):
                return True
        if time.monotonic() - changed > timeout:
            return False
        time.sleep(poll)


def background(path: str, *, analyses: bool = True, say: Callable[[str], Any] = print) -> bool:
    """What ``foederis app`` runs at once, in a process of its own: :func:`foederis.warmup`
    (with the analyses, for the deterrence-map tab; in two processes on a machine of four
    cores or more), each step said in the terminal and written to the status file
    ``path``. Returns True when every step compiled."""
    import foederis

    t0 = time.perf_counter()

    def report(done: int, total: int, step: str) -> None:
        write_status(path, done, total, step)
        if step:
            say(f"foederis app: compiling the engine, step {done + 1} of {total}: {step}")

    # a helper process compiles the later steps alongside where cores are to spare (on
    # two cores the server, the kernel and the browser need the second one)
    jobs = 2 if (os.cpu_count() or 1) >= 4 else 1
    try:
        times = foederis.warmup(analyses=analyses, progress=report, jobs=jobs)
    except Exception as e:  # noqa: BLE001 - the page compiles what it needs itself
        write_status(path, 0, 0, "", "failed")
        say(f"foederis app: compiling in the background failed ({type(e).__name__}: {e}); "
            "the page will compile what it needs itself")
        return False
    write_status(path, len(times), len(times), "", "done")
    say(f"foederis app: the engine is compiled ({time.perf_counter() - t0:.1f} s)")
    return True


if __name__ == "__main__":  # python -m foederis_widgets._warmup STATUS_FILE
    import sys

    try:
        sys.exit(0 if background(sys.argv[1], say=lambda m: print(m, flush=True)) else 1)
    except KeyboardInterrupt:  # Ctrl-C in the terminal reaches this process too
        sys.exit(130)
