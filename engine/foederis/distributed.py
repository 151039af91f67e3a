"""Beyond one machine: ensembles and sweeps on a Dask cluster.

The work is split into blocks (of samples, or of aggressors), each block runs the same
kernel on a worker, and the parts are merged. Randomness is counter-based, so the result
is bit-identical to the same call on one machine, on one thread or two. Dask
(``pip install 'foederis[dask]'``) is imported only here, only when used.

The public functions take the client directly: ``foederis.simulate(..., client=c)`` and
``deterrence_map(..., client=c)`` call into this module.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import check_int
from .errors import ParameterError

__all__ = ["simulate_distributed", "deterrence_map_distributed", "sample_blocks"]


def _check_client(client: Any) -> Any:
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


def _simulate_block(world: Any, attacks: Any, rules: Any, samples: int, seed: Any,
                    mode: str, domain: str, start: int) -> Any:
    from ._simulate import simulate

    return simulate(world, attacks, rules, samples=samples, seed=seed, mode=mode,
                    domain=domain, start=start)


def simulate_distributed(client: Any, world: Any, attacks: Any, rules: Any = None,
                         samples: int = 1000, seed: Any = 0, *, mode: str = "threshold",
                         domain: str = "conventional", start: int = 0,
                         blocks: int | None = None, progress: Any = None) -> Any:
    """:func:`foederis.simulate` with the samples split into blocks run on a Dask cluster
    and merged with :func:`foederis.merge_ensembles` (bit-identical to one local call).

    ``blocks`` defaults to twice the cluster's thread count. The world is scattered once
    and shared by every block.
    """
    from ._cascade import _check_rules
    from ._simulate import merge_ensembles

    client = _check_client(client)
    samples = check_int("samples", samples, low=1)
    rules = _check_rules(rules)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**64))
    if blocks is None:
        blocks = 2 * max(1, sum(client.nthreads().values()))
    blocks = check_int("blocks", blocks, low=1)
    wf = client.scatter(world, broadcast=True, hash=False)  # own key: no release race
    futures = [
        client.submit(_simulate_block, wf, attacks, rules, n, seed, mode, domain, s,
                      pure=False)
        for s, n in sample_blocks(start, samples, blocks)
    ]
    parts = []
    done = 0
    from distributed import as_completed

    for fut in as_completed(futures):
        part = fut.result()
        parts.append(part)
        done += part.samples
        if progress is not None:
            progress(done, samples)
    ens = merge_ensembles(parts)
    # the merged ensemble should name the caller's world object, not a worker's copy
    import dataclasses

    return dataclasses.replace(ens, world=world)


def _deterrence_block(world: Any, aggressors: list, targets: Any, rules: Any,
                      kwargs: dict) -> Any:
    from .analysis.deterrence import deterrence_map

    return deterrence_map(world, aggressors, targets, rules, **kwargs)


def deterrence_map_distributed(client: Any, world: Any, aggressors: list, targets: Any,
                               rules: Any, *, blocks: int | None = None,
                               **kwargs: Any) -> list:
    """Run ``deterrence_map`` over blocks of aggressors on a Dask cluster; returns the
    per-block results in aggressor order (``deterrence_map`` stacks them)."""
    client = _check_client(client)
    if blocks is None:
        blocks = 2 * max(1, sum(client.nthreads().values()))
    blocks = max(1, min(check_int("blocks", blocks, low=1), len(aggressors)))
    wf = client.scatter(world, broadcast=True, hash=False)  # own key: no release race
    chunks = [list(c) for c in np.array_split(np.asarray(aggressors, dtype=object), blocks)
              if len(c)]
    futures = [client.submit(_deterrence_block, wf, c, targets, rules, kwargs, pure=False)
               for c in chunks]
    return client.gather(futures)
