"""``torch.Generator`` and ``manual_seed`` over an explicit JAX PRNG key (ARCHITECTURE §3).

The key lives in a Tensor so that transforms treat it as state: a compiled step that
draws random numbers takes the key in and hands the advanced key back, so dropout in a
compiled step draws fresh numbers every call and ``manual_seed`` reproduces a run.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._tensor import Tensor

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "default_generator"]

_split = jax.jit(lambda key: tuple(jax.random.split(key)))


def _threefry_key(seed: int) -> np.ndarray:
    """``jax.random.key_data(jax.random.key(seed))`` for the default threefry PRNG.

    Computed in numpy (the seed's high and low 32 bits) so seeding needs no JAX call.
    """
    seed &= 0xFFFFFFFFFFFFFFFF
    return np.array([(seed >> 32) & 0xFFFFFFFF, seed & 0xFFFFFFFF], dtype=np.uint32)


class Generator:
    """``torch.Generator``: a seedable stream of random keys."""

    def __init__(self, device: Any = "cpu") -> None:
        self.device = device
        self._seed = 67280421310721  # PyTorch's default seed
        self._key_tensor: Tensor | None = None  # made on first use: import stays cheap

    @property
    def _key(self) -> Tensor:
        if self._key_tensor is None:
            self._key_tensor = Tensor(jnp.asarray(_threefry_key(self._seed)))
        return self._key_tensor

    @_key.setter
    def _key(self, value: Tensor) -> None:
        # ``transforms`` stands a per-example key in while it maps over a batch.
        self._key_tensor = value

    def manual_seed(self, seed: int) -> Generator:
        """Reset the stream; the same seed reproduces the same numbers."""
        seed = int(seed)
        self._seed = seed
        if self._key_tensor is not None:
            self._key_tensor._rebind(jnp.asarray(_threefry_key(seed)))
        return self

    def seed(self) -> int:
        """Seed from the OS entropy pool and return the seed, like ``Generator.seed``."""
        s = int(np.random.SeedSequence().entropy) & 0x7FFFFFFFFFFFFFFF  # type: ignore[operator, arg-type]
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        """The key as a uint32 tensor (``set_state`` restores it)."""
        return Tensor(self._key._data)

    def set_state(self, state: Tensor) -> Generator:
        self._key._rebind(jnp.asarray(state._data, jnp.uint32))
        return self

    def next_key(self) -> Any:
        """Advance the stream and return a fresh raw key (works under tracing)."""
        data = self._key.jax()
        if isinstance(data, jax.core.Tracer):
            new, sub = jax.random.split(data)
        else:
            new, sub = _split(data)
        self._key._rebind(new)
        return sub


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """``torch.manual_seed``: reseed the default generator."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(state: Tensor) -> None:
    default_generator.set_state(state)


def key_for(generator: Generator | None) -> Any:
    return (generator or default_generator).next_key()
