"""Beyond one machine: ensembles and sweeps on a Dask cluster.

The work is split into blocks (of samples, or of aggressors), each block runs the same
kernel on a worker, and the parts are merged. Randomness is counter-based, so the result
is bit-identical to the same call on one machine, on one thread or two. Dask
(``pip install 'foederis[dask]'``) is imported only when used.

The public functions take the client directly: ``foederis.simulate(..., client=c)`` and
``deterrence_map(..., client=c)``. This module gathers their Dask halves, which live
beside the functions they split (:mod:`foederis._simulate`,
:mod:`foederis.analysis.deterrence`) on a generic block runner below both
(:mod:`foederis._cluster`); nothing in the package imports this module.

Examples
--------
>>> from foederis.distributed import sample_blocks
>>> sample_blocks(100, 1000, 4)
[(100, 256), (356, 256), (612, 256), (868, 232)]
"""

from __future__ import annotations

from ._cluster import sample_blocks
from ._simulate import simulate_distributed
from .analysis.deterrence import deterrence_map_distributed

__all__ = ["simulate_distributed", "deterrence_map_distributed", "sample_blocks"]
