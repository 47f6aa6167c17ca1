"""``torch.export``: a Module as a serialized program that runs without its class.

``export(model, args, dynamic_shapes=...)`` -> ``ExportedProgram`` (``.module()``,
``.graph_signature``); ``save``/``load`` write and read one file holding the StableHLO
program and the weights; ``Dim`` names a symbolic dimension.
"""

from ._export import Dim as Dim
from ._export import ExportedModule as ExportedModule
from ._export import ExportedProgram as ExportedProgram
from ._export import ExportGraphSignature as ExportGraphSignature
from ._export import InputSpec as InputSpec
from ._export import export as export
from ._serialize import load as load
from ._serialize import save as save

__all__ = [
    "Dim",
    "ExportGraphSignature",
    "ExportedModule",
    "ExportedProgram",
    "InputSpec",
    "export",
    "load",
    "save",
]
