"""Random numbers for data augmentation, reproducible under ``manual_seed``.

torchvision draws every augmentation parameter from torch's global generator
(``torch.rand(1)``, ``torch.randint``). A functorch_lite draw is a JAX dispatch,
which would cost more than the augmentation itself, so parameters come from a numpy
generator *seeded from* the global functorch_lite generator: whenever the global
generator has moved since we last seeded from it (``manual_seed``, ``set_rng_state``
or any other draw), we take one fresh key from it. The stream is thus a
deterministic function of the program's seeding and draws, like torchvision's,
though not the same numbers.

In a DataLoader worker (where JAX must not run) the stream is seeded from the
worker's seed instead (``get_worker_info().seed``, itself derived from the global
generator by the DataLoader), as PyTorch seeds each worker's generator.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from functorch_lite import _random as core_random
from functorch_lite.utils.data import get_worker_info

_rng: np.random.Generator | None = None
# What _rng was seeded from: the generator's key array object (identity marks any
# change of the generator), or a worker's (id, seed).
_source: Any = None


def _worker_seed() -> tuple[int, int] | None:
    info = get_worker_info()
    return None if info is None else (int(info.id), int(info.seed))


def _generator() -> np.random.Generator:
    global _rng, _source
    worker = _worker_seed()
    if worker is not None:
        if _rng is None or not isinstance(_source, tuple) or _source != worker:
            _rng, _source = np.random.default_rng(worker[1]), worker
        return _rng
    gen = core_random.default_generator
    if _rng is None or gen._key._data is not _source:
        key = np.asarray(gen.next_key(), dtype=np.uint32)
        _rng = np.random.default_rng(key.ravel().tolist())
        _source = gen._key._data
    return _rng


def uniform(low: float, high: float) -> float:
    """A float drawn uniformly from ``[low, high)``."""
    return float(_generator().uniform(low, high))


def randint(low: int, high: int) -> int:
    """An int drawn uniformly from ``[low, high)``."""
    return int(_generator().integers(low, high))
