"""Random numbers for data augmentation, reproducible under ``manual_seed``.

torchvision draws every augmentation parameter from torch's global generator
(``torch.rand(1)``, ``torch.randint``). A functorch_lite draw is a JAX dispatch,
which would cost more than the augmentation itself, so parameters come from a numpy
generator *seeded from* the global functorch_lite generator: whenever the global
generator has changed since our last draw (``manual_seed``, or any other use), we
take one fresh seed from it. The stream is thus a deterministic function of the
program's seeding and draws, like torchvision's, though not the same numbers.

In a DataLoader worker (where JAX must not run) the stream is seeded from the
worker's seed instead (``get_worker_info().seed``, itself drawn from the global
generator by the DataLoader), as PyTorch seeds each worker's generator.
"""

from __future__ import annotations

import numpy as np

_rng: np.random.Generator | None = None
_token: object = None


def _generator() -> np.random.Generator:
    global _rng, _token
    from functorch_lite.utils.data import get_worker_info

    info = get_worker_info()
    if info is not None:
        token = ("worker", info.id, info.seed)
        if _rng is None or _token != token:
            _rng, _token = np.random.default_rng(info.seed), token
        return _rng
    from functorch_lite import random as core_random

    gen = core_random.default_generator
    if _rng is None or gen._key is not _token:
        seed = int(gen._next_seed())
        _rng = np.random.default_rng(seed)
        _token = gen._key
    return _rng


def uniform(low: float, high: float) -> float:
    """A float drawn uniformly from ``[low, high)``."""
    return float(_generator().uniform(low, high))


def randint(low: int, high: int) -> int:
    """An int drawn uniformly from ``[low, high)``."""
    return int(_generator().integers(low, high))
