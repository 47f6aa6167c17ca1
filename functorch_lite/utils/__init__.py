"""``functorch_lite.utils`` (``torch.utils``)."""

from . import data as data

__all__ = ["data"]
