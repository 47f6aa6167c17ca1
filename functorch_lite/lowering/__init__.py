"""The lowering pipeline, every stage visible (ARCHITECTURE §4, STYLE rule 7).

``trace(fn, *args)`` -> ``Traced`` (ClosedJaxpr, PyTorch-named state) -> ``.lower()`` ->
``Lowered`` (StableHLO) -> ``.compile()`` -> ``Compiled`` (cost and memory analysis).
``explain`` reports why a compiled step is slow; ``aot_compile`` compiles ahead of the
first call; ``enable_cache``/``disable_cache`` control the one persistent cache;
``bucket`` pads variable batches to a few shapes; ``scan_layers`` runs a stack of
identical blocks as one ``lax.scan``; ``MODES`` documents ``compile(mode=...)``.
"""

from ..transforms._cache import cache_dir as cache_dir
from ..transforms._cache import disable_cache as disable_cache
from ..transforms._cache import enable_cache as enable_cache
from ..transforms._modes import MODES as MODES
from ..transforms._modes import FastCall as FastCall
from ..transforms._modes import compiler_options as compiler_options
from ..transforms._scan_layers import ScanLayers as ScanLayers
from ..transforms._scan_layers import apply_scan_layers as apply_scan_layers
from ..transforms._scan_layers import scan_layers as scan_layers
from ._aot import aot_compile as aot_compile
from ._bucket import Bucketer as Bucketer
from ._bucket import bucket as bucket
from ._explain import ExplainOutput as ExplainOutput
from ._explain import explain as explain
from ._stages import Compiled as Compiled
from ._stages import Lowered as Lowered
from ._trace import Slot as Slot
from ._trace import Traced as Traced
from ._trace import trace as trace

__all__ = [
    "MODES",
    "Bucketer",
    "Compiled",
    "ExplainOutput",
    "FastCall",
    "ScanLayers",
    "aot_compile",
    "apply_scan_layers",
    "bucket",
    "compiler_options",
    "explain",
    "scan_layers",
    "Lowered",
    "Slot",
    "Traced",
    "cache_dir",
    "disable_cache",
    "enable_cache",
    "trace",
]
