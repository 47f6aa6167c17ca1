"""``torch.cuda``: GPU availability as JAX sees it."""

from ._device import current_device as current_device
from ._device import device_count as device_count
from ._device import is_available as is_available

__all__ = ["is_available", "device_count", "current_device"]


def manual_seed(seed: int) -> None:
    """``torch.cuda.manual_seed``: one generator serves every device here."""
    from ._random import manual_seed as _seed

    _seed(seed)


manual_seed_all = manual_seed
