"""The generic Dask block runner, below the functions that split their work on a cluster.

:func:`foederis.simulate` (blocks of samples) and ``deterrence_map`` (blocks of
aggressors) call :func:`run_on_cluster` with their own block function; this module imports
nothing of theirs. Dask (``pip install 'foederis[dask]'``) is imported only here, only
when used. The public face is :mod:`foederis.distributed`.

Examples
--------
>>> from foederis._cluster import sample_blocks
>>> sample_blocks(0, 200, 2)
[(0, 128), (128, 72)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ._validate import check_int
from .errors import ParameterError

__all__ = ["POLL_SECONDS", "check_client", "check_blocks", "run_on_cluster", "sample_blocks"]


def check_client(client: Any) -> Any:
    """A dask.distributed.Client (anything with ``submit`` and ``gather``), returned."""
    try:
        import distributed  # noqa: F401
    except ImportError:  # pragma: no cover - the extra is missing
        raise ParameterError(
            "client= needs dask.distributed: pip install 'foederis[dask]'"
        ) from None
    if not hasattr(client, "submit") or not hasattr(client, "gather"):
        raise ParameterError(
            f"client must be a dask.distributed.Client, got {type(client).__name__}"
        )
    return client


def check_blocks(client: Any, blocks: Any, most: int | None = None) -> int:
    """``blocks`` (None: twice the cluster's thread count), at most ``most``."""
    if blocks is None:
        blocks = 2 * max(1, sum(client.nthreads().values()))
    blocks = check_int("blocks", blocks, low=1)
    return blocks if most is None else max(1, min(blocks, most))


def sample_blocks(start: int, samples: int, blocks: int) -> list[tuple[int, int]]:
    """Split samples [start, start + samples) into ``blocks`` consecutive (start, count)
    ranges, each a multiple of 64 samples (one word of the bit-parallel kernel) but the
    last."""
    blocks = max(1, min(blocks, -(-samples // 64)))
    per = -(-samples // blocks)
    per = -(-per // 64) * 64
    out = []
    s = start
    end = start + samples
    while s < end:
        n = min(per, end - s)
        out.append((s, n))
        s += n
    return out


#: Seconds between two looks at ``stop`` (and chances for Ctrl-C) while blocks run.
POLL_SECONDS = 0.1


def run_on_cluster(client: Any, block: Callable[..., Any], world: Any,
                   args: Sequence[tuple], *, progress: Callable[[int, int], Any] | None = None,
                   size: Callable[[Any], int] | None = None, total: int = 0,
                   stop: Callable[[], bool] | None = None) -> tuple[list, bool]:
    """Run ``block(world, *a)`` for each ``a`` of ``args`` on the cluster; return (the
    results in the order of ``args``, whether ``stop`` ended the run).

    The world is scattered once, under its own key, and shared by every block. With
    ``progress``, it is called as blocks complete with (sum of ``size(result)``,
    ``total``). The client waits for blocks ``POLL_SECONDS`` at a time, checking ``stop``
    in between: when it returns True, the blocks not finished are cancelled and their
    results are None. Ctrl-C cancels them too, then propagates."""
    from distributed import wait

    wf = client.scatter(world, broadcast=True, hash=False)  # own key: no release race
    futures = [client.submit(block, wf, *a, pure=False) for a in args]
    position = {f.key: k for k, f in enumerate(futures)}
    out: list = [None] * len(futures)
    pending = set(futures)
    done = 0
    try:
        while pending:
            try:
                wait(pending, timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished in POLL_SECONDS
                pass
            finished = {f for f in pending if f.done()}
            pending -= finished
            for fut in sorted(finished, key=lambda f: position[f.key]):
                part = fut.result()
                out[position[fut.key]] = part
                if progress is not None:
                    done += size(part) if size is not None else 1
                    progress(done, total)
            if pending and stop is not None and stop():
                client.cancel(list(pending))
                return out, True
    except BaseException:
        client.cancel([f for f in futures if not f.done()])
        raise
    return out, False
