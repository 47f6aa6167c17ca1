"""``torch.accelerator``: device-agnostic graph capture (``Graph``, ``graph``)."""

from ._graph import Graph as Graph
from ._graph import graph as graph

__all__ = ["Graph", "graph"]
