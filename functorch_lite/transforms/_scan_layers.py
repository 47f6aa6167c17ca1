"""``scan_layers``: a stack of identical blocks as one ``lax.scan`` over stacked weights.

Tracing a 48-layer model traces (and XLA compiles) 48 copies of the same block. When
consecutive blocks have the same type, configuration and parameter shapes, their
parameters can be stacked along a new leading dimension and the block traced once as
the body of a ``scan`` — compile time then hardly grows with depth. The parameters
stay where they were (each block keeps its own Tensors, so ``state_dict`` keys are
PyTorch's: ``0.weight``, ``1.weight``...); the stacking happens inside the forward,
and gradients flow back to every block's own parameters through it.

Blocks must not write state in the forward (BatchNorm running statistics in training
mode): a scanned body cannot update tensors outside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .._ops._join import stack
from ..nn import Module, ModuleList, Sequential
from ._checkpoint import checkpoint
from ._control_flow import scan
from ._functionalize import functional_call

__all__ = ["ScanLayers", "scan_layers", "apply_scan_layers"]

NOT_A_STACK = (
    "scan_layers: expected an nn.Sequential or nn.ModuleList of blocks, got {kind}"
)


def _signature(block: Module) -> tuple[Any, ...]:
    """What must agree for two blocks to share one traced body."""
    tensors = [(n, tuple(t.shape), str(t.dtype)) for n, t in block.named_parameters()]
    tensors += [(n, tuple(t.shape), str(t.dtype)) for n, t in block.named_buffers()]
    # repr covers the configuration (sizes, activation, dropout p, eps...).
    return (type(block), repr(block), block.training, tuple(tensors))


def _runs(blocks: list[Module]) -> list[list[Module]]:
    """Consecutive blocks grouped by signature; a run of one block stays alone."""
    runs: list[list[Module]] = []
    last = None
    for b in blocks:
        sig = _signature(b)
        if runs and sig == last:
            runs[-1].append(b)
        else:
            runs.append([b])
        last = sig
    return runs


class _ScannedRun(Module):
    """Applies a run of identical blocks with one ``scan``; holds no parameters."""

    def __init__(self, blocks: list[Module], remat: bool) -> None:
        super().__init__()
        # A plain list: the blocks are registered by ScanLayers under their own names.
        self.__dict__["blocks"] = blocks
        self.__dict__["remat"] = remat
        self.__dict__["names"] = [n for n, _ in blocks[0].named_parameters()] + [
            n for n, _ in blocks[0].named_buffers()
        ]

    def forward(self, x: Any) -> Any:
        blocks = self.blocks
        template = blocks[0]
        if not self.names:  # nothing to stack: a plain loop is as good
            for b in blocks:
                x = b(x)
            return x
        lookup = [dict(b.named_parameters()) | dict(b.named_buffers()) for b in blocks]
        stacked = {n: stack([d[n] for d in lookup]) for n in self.names}

        def body(carry: Any, params: dict[str, Any]) -> tuple[Any, None]:
            def apply(h: Any) -> Any:
                return functional_call(template, params, (h,))

            out = checkpoint(apply, carry) if self.remat else apply(carry)
            return out, None

        out, _ = scan(body, x, stacked)
        return out


class ScanLayers(Module):
    """A Sequential whose runs of identical blocks run as one ``scan`` each.

    Args:
        layers: the blocks (an ``nn.Sequential`` or ``nn.ModuleList``).
        remat: recompute each block's activations in the backward pass
            (``jax.checkpoint``): memory of one block instead of all.

    Shape:
        Each block maps ``(N, *)`` to the same shape (a scan carries one value).

    Example:
        >>> import functorch_lite as torch
        >>> from functorch_lite import lowering
        >>> net = torch.nn.Sequential(*[torch.nn.Linear(4, 4) for _ in range(3)])
        >>> scanned = lowering.scan_layers(net)
        >>> list(scanned.state_dict()) == list(net.state_dict())
        True
        >>> x = torch.ones(2, 4)
        >>> (scanned(x) - net(x)).abs().max().item() < 1e-6
        True
    """

    def __init__(self, layers: Module, remat: bool = False) -> None:
        super().__init__()
        if not isinstance(layers, (Sequential, ModuleList)):
            raise TypeError(NOT_A_STACK.format(kind=type(layers).__name__))
        for name, m in layers._modules.items():
            self.add_module(name, m)
        blocks = [m for m in layers._modules.values() if m is not None]
        self.__dict__["runs"] = [
            _ScannedRun(run, remat) if len(run) > 1 else run[0] for run in _runs(blocks)
        ]

    def forward(self, x: Any) -> Any:
        for run in self.runs:
            x = run(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, i: int) -> Module:
        return list(self._modules.values())[i]

    def extra_repr(self) -> str:
        sizes = [len(r.blocks) if isinstance(r, _ScannedRun) else 1 for r in self.runs]
        return f"runs={sizes}"


def scan_layers(layers: Module, remat: bool = False) -> ScanLayers:
    """Run ``layers``' runs of identical blocks as ``lax.scan`` (see ``ScanLayers``)."""
    return ScanLayers(layers, remat=remat)


def apply_scan_layers(model: Module, remat: bool = False) -> Module:
    """Replace, in place, every ``nn.Sequential`` inside ``model`` that has a run of
    identical blocks by its ``ScanLayers`` (what ``compile(model, scan_layers=True)``
    does). ``nn.ModuleList`` is left alone: its loop lives in the user's forward, so
    call ``scan_layers(self.blocks)(x)`` there instead. Returns the model to use:
    ``model`` itself, or its ``ScanLayers`` when ``model`` is such a Sequential.
    """
    targets = []
    for name, m in model.named_modules():
        if type(m) is Sequential and any(
            len(r) > 1 for r in _runs(list(m._modules.values()))
        ):  # noqa: E501
            targets.append(name)
    for name in sorted(targets, key=lambda n: -n.count(".")):
        if not name:
            continue  # the model itself: wrapped below
        parent_name, _, leaf = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, leaf, ScanLayers(parent.get_submodule(leaf), remat=remat))
    if "" in targets:
        return ScanLayers(model, remat=remat)
    return model
