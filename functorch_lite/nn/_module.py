"""``nn.Module``: PyTorch's module protocol over Tensors holding JAX arrays (§5).

Attribute registration, traversal, ``state_dict``/``load_state_dict`` (PyTorch's key
names and error texts), ``train``/``eval``, ``to``, ``apply``, hooks and ``repr`` follow
``torch.nn.Module``. Every Module (and subclass) is a JAX pytree: its leaves are the
arrays of ``named_parameters()`` then ``named_buffers()``, its treedef holds the module
structure, and unflattening builds a shallow copy holding the new arrays, so
``jax.jit(lambda m, x: m(x))(model, x)`` works. The pytree protocol lives in ``_pytree.py``, hook plumbing in ``_hooks.py``.
This file stays over 800 lines because it is one class: PyTorch's ``Module`` surface.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator
from typing import Any

import jax

from .. import _dtype
from .. import _tensor as _core_tensor
from .._device import to_jax_device
from .._tensor import Tensor
from ..autograd._grad_mode import no_grad
from ._hooks import RemovableHandle, call_with_backward_hooks
from ._parameter import Buffer, Parameter, UninitializedParameter, as_array
from ._pytree import bump as _bump
from ._pytree import flatten_module, unflatten_module

__all__ = ["Module"]


class _IncompatibleKeys(
    namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])
):
    """What ``load_state_dict`` returns (``torch.nn.modules.module._IncompatibleKeys``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _torch_size(shape: tuple[int, ...]) -> str:
    # PyTorch's error texts print ``torch.Size([...])``; users grep for them.
    return f"torch.Size([{', '.join(str(s) for s in shape)}])"


def _addindent(s: str, n: int) -> str:
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    return lines[0] + "\n" + "\n".join(" " * n + line for line in lines[1:])


class Module:
    """``torch.nn.Module``: base class of every layer and model.

    Assigning a ``Parameter``, a ``Module`` or an ``nn.Buffer`` to an attribute
    registers it; ``forward`` holds the computation and ``module(x)`` runs hooks around
    it.

    Example:
        >>> import functorch_lite.nn as nn
        >>> class Net(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = nn.Linear(3, 4)
        >>> [n for n, _ in Net().named_parameters()]
        ['fc.weight', 'fc.bias']
    """

    training: bool
    _version: int = 1
    dump_patches: bool = False
    call_super_init: bool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got unexpected arguments: "
                f"{args!r} {kwargs!r}"
            )
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = {}
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = {}
        d["_forward_hooks_always_called"] = {}
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = {}
        d["_backward_hooks"] = OrderedDict()
        d["_backward_pre_hooks"] = OrderedDict()
        d["_state_dict_hooks"] = OrderedDict()
        d["_load_state_dict_pre_hooks"] = OrderedDict()
        d["_flat_cache"] = None
        _bump()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        jax.tree_util.register_pytree_node(cls, flatten_module, unflatten_module)

    forward: Callable[..., Any]

    def _forward_unimplemented(self, *input: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    forward = _forward_unimplemented

    # ------------------------------------------------------------ registration
    def _check_ready(self, what: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {what} before Module.__init__() call")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or a ``None`` placeholder) under ``name``."""
        self._check_ready("parameter")
        if not isinstance(name, str):
            raise TypeError(
                f"parameter name should be a string. Got {type(name).__name__}"
            )
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters "
                "must be created explicitly. To express '"
                f"{name}' as a function of another Tensor, compute the value in "
                "the forward() method."
            )
        self._parameters[name] = param
        _bump()

    def register_buffer(
        self, name: str, tensor: Tensor | None, persistent: bool = True
    ) -> None:
        """Add a buffer: state saved in ``state_dict`` (unless ``persistent=False``)."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(
                f"buffer name should be a string. Got {type(name).__name__}"
            )
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)
        _bump()

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name`` (``torch.nn.Module.add_module``)."""
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(
                f"module name should be a string. Got {type(name).__name__}"
            )
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module
        _bump()

    register_module = add_module

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError(
                    "cannot assign parameters before Module.__init__() call"
                )
            _remove_from(self, name)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            if "_modules" not in d:
                raise AttributeError(
                    "cannot assign module before Module.__init__() call"
                )
            _remove_from(self, name)
            d["_modules"][name] = value
            _bump()
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            d["_modules"][name] = value
            _bump()
        elif isinstance(value, Buffer):
            _remove_from(self, name)
            self.register_buffer(name, value, value.persistent)
        elif "_buffers" in d and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as buffer '{name}' "
                    "(torch.nn.Buffer, torch.Tensor or None expected)"
                )
            d["_buffers"][name] = value
            _bump()
        else:
            object.__setattr__(self, name, value)
            if name == "training":
                _bump()  # the pytree treedef records training flags

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            s = d.get(store)
            if s is not None and name in s:
                return s[name]
        raise AttributeError(
            f"'{type(self).__name__}' object has no attribute '{name}'"
        )

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if name in d.get(store, ()):
                del d[store][name]
                d["_non_persistent_buffers_set"].discard(name)
                _bump()
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        attrs = set(dir(type(self))) | set(self.__dict__)
        attrs |= set(self._parameters) | set(self._buffers) | set(self._modules)
        return sorted(a for a in attrs if not a[:1].isdigit())

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__["_flat_cache"] = None
        _bump()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_flat_cache"] = None
        return state

    # ------------------------------------------------------------ lookup
    def get_submodule(self, target: str) -> Module:
        """The submodule at dotted path ``target`` (``""`` is ``self``)."""
        if target == "":
            return self
        mod: Module = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(f"{mod._get_name()} has no attribute `{item}`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at dotted path ``target``."""
        path, _, name = target.rpartition(".")
        mod = self.get_submodule(path)
        if not hasattr(mod, name):
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        param = getattr(mod, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at dotted path ``target``."""
        path, _, name = target.rpartition(".")
        mod = self.get_submodule(path)
        if name not in mod._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return mod._buffers[name]

    # ------------------------------------------------------------ traversal
    def named_modules(
        self,
        memo: set[Module] | None = None,
        prefix: str = "",
        remove_duplicate: bool = True,
    ) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for this module and all descendants, depth first."""
        if memo is None:
            memo = set()
        if self not in memo or not remove_duplicate:
            if remove_duplicate:
                memo.add(self)
            yield prefix, self
            for name, module in self._modules.items():
                if module is None:
                    continue
                sub = prefix + ("." if prefix else "") + name
                yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        memo: set[Module] = set()
        for name, module in self._modules.items():
            if module is not None and module not in memo:
                memo.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(
        self, store: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        memo: set[int] = set()
        mods = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for mod_prefix, mod in mods:
            for k, v in mod.__dict__[store].items():
                if v is None or id(v) in memo:
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield mod_prefix + ("." if mod_prefix else "") + k, v

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(dotted name, Parameter)``; shared parameters once by default."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ------------------------------------------------------------ modes
    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and its descendants (``Module.train``)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            m.__dict__["training"] = mode
        _bump()
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the ``.grad`` of every parameter (to None by default, as PyTorch)."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                g = p.grad
                g._rebind(jax.numpy.zeros_like(g._data))

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule (children first) and on ``self``."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------ conversion
    def _apply(self, fn: Callable[[Any], Any], floating_only: bool = False) -> Module:
        """Rebind every parameter, buffer and grad array through ``fn`` (in place)."""

        def convert(t: Tensor) -> None:
            if floating_only and not (t.dtype.is_floating_point or t.dtype.is_complex):
                return
            t._rebind(fn(t._data))

        with no_grad():
            for t in itertools.chain(self.parameters(), self.buffers()):
                convert(t)
                if t.grad is not None:
                    convert(t.grad)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """``Module.to(device)``, ``to(dtype)``, ``to(tensor)``: convert in place."""
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                device, dtype = a.device, a.dtype
            elif isinstance(a, _dtype.dtype):
                dtype = a
            elif isinstance(a, bool):
                continue
            elif a is not None:
                device = a
        if dtype is not None:
            dtype = _dtype.as_dtype(dtype)
            if not (dtype.is_floating_point or dtype.is_complex):
                raise TypeError(
                    "nn.Module.to only accepts floating point or complex dtypes, "
                    f"but got desired dtype={dtype}"
                )
            self._apply(lambda a: a.astype(dtype.np_dtype), floating_only=True)
        if device is not None:
            jdev = to_jax_device(device)
            self._apply(lambda a: jax.device_put(a, jdev))
        return self

    def _cast(self, d: _dtype.dtype) -> Module:
        return self._apply(lambda a: a.astype(d.np_dtype), floating_only=True)

    def float(self) -> Module:
        return self._cast(_dtype.float32)

    def double(self) -> Module:
        return self._cast(_dtype.float64)

    def half(self) -> Module:
        return self._cast(_dtype.float16)

    def bfloat16(self) -> Module:
        return self._cast(_dtype.bfloat16)

    def cpu(self) -> Module:
        return self.to("cpu")

    def cuda(self, device: Any = None) -> Module:
        return self.to("cuda" if device is None else device)

    def type(self, dst_type: Any) -> Module:
        return self._cast(_dtype.as_dtype(dst_type))

    def share_memory(self) -> Module:
        return self

    # ------------------------------------------------------------ state dict
    def _save_to_state_dict(
        self, destination: dict[str, Any], prefix: str, keep_vars: bool
    ) -> None:
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else _detached(p)
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else _detached(b)

    def state_dict(
        self,
        *args: Any,
        destination: Any = None,
        prefix: str = "",
        keep_vars: bool = False,
    ) -> dict[str, Any]:
        """``Module.state_dict``: parameters and persistent buffers by dotted name.

        Values are detached Tensors sharing the arrays (``keep_vars=True`` gives the
        Parameters themselves).
        """
        if (
            args
        ):  # PyTorch's deprecated positional form (destination, prefix, keep_vars)
            destination = args[0]
            if len(args) > 1:
                prefix = args[1]
            if len(args) > 2:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".",
                                  keep_vars=keep_vars)  # fmt: skip
        for hook in self._state_dict_hooks.values():
            out = hook(self, destination, prefix, {})
            if out is not None:
                destination = out
        return destination

    def _load_from_state_dict(
        self,
        state_dict: dict[str, Any],
        prefix: str,
        local_metadata: dict[str, Any],
        strict: bool,
        missing_keys: list[str],
        unexpected_keys: list[str],
        error_msgs: list[str],
        assign: bool = False,
    ) -> None:
        """Copy this module's own entries from ``state_dict`` (PyTorch's protocol)."""
        for hook in self._load_state_dict_pre_hooks.values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys,
                 unexpected_keys, error_msgs)  # fmt: skip
        persistent = {k: v for k, v in self._buffers.items()
                      if k not in self._non_persistent_buffers_set}  # fmt: skip
        local = {**{k: v for k, v in self._parameters.items()}, **persistent}
        for name, param in local.items():
            key = prefix + name
            if param is None:
                continue
            if key not in state_dict:
                missing_keys.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor) and not hasattr(value, "__array__"):
                error_msgs.append(
                    f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(value)}"
                )
                continue
            arr = as_array(value)
            if isinstance(param, UninitializedParameter):
                param._rebind(arr.astype(param._data.dtype))
                continue
            if tuple(arr.shape) != tuple(param.shape):
                error_msgs.append(
                    f"size mismatch for {key}: copying a param with shape "
                    f"{_torch_size(tuple(arr.shape))} from checkpoint, the shape in "
                    f"current model is {_torch_size(tuple(param.shape))}."
                )
                continue
            with no_grad():
                if assign:
                    if name in self._parameters:
                        new = Parameter(arr, param.requires_grad)
                        self._parameters[name] = new
                    else:
                        self._buffers[name] = Tensor(arr)
                    _bump()
                else:
                    # In place: the Parameter object (and optimizers holding it) survive.
                    param._rebind(arr.astype(param._data.dtype))
        if strict:
            for key in state_dict:
                if key.startswith(prefix):
                    input_name = key[len(prefix) :].split(".", 1)
                    if (
                        input_name[0] not in self._modules
                        and input_name[0] not in local
                    ):
                        unexpected_keys.append(key)

    def load_state_dict(
        self, state_dict: dict[str, Any], strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """``Module.load_state_dict``: copy values into the existing tensors.

        Returns ``_IncompatibleKeys(missing_keys, unexpected_keys)``; with ``strict``
        (default) either list non-empty raises PyTorch's ``RuntimeError`` text. Size
        mismatches always raise.
        """
        if not hasattr(state_dict, "items"):
            raise TypeError(
                f"Expected state_dict to be dict-like, got {type(state_dict)}."
            )
        missing: list[str] = []
        unexpected: list[str] = []
        errors: list[str] = []
        state_dict = OrderedDict(state_dict)

        def load(module: Module, prefix: str) -> None:
            module._load_from_state_dict(state_dict, prefix, {}, True, missing,
                                         unexpected, errors, assign)  # fmt: skip
            for name, child in module._modules.items():
                if child is not None:
                    load(child, prefix + name + ".")

        load(self, "")
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))  # fmt: skip
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))  # fmt: skip
        if errors:
            raise RuntimeError(
                "Error(s) in loading state_dict for {}:\n\t{}".format(
                    type(self).__name__, "\n\t".join(errors)
                )
            )
        return _IncompatibleKeys(missing, unexpected)

    def register_state_dict_post_hook(
        self, hook: Callable[..., Any]
    ) -> RemovableHandle:
        handle = RemovableHandle(self._state_dict_hooks)
        self._state_dict_hooks[handle.id] = hook
        return handle

    register_state_dict_hook = register_state_dict_post_hook

    def register_load_state_dict_pre_hook(
        self, hook: Callable[..., Any]
    ) -> RemovableHandle:
        handle = RemovableHandle(self._load_state_dict_pre_hooks)
        self._load_state_dict_pre_hooks[handle.id] = lambda *a: hook(self, *a)
        return handle

    # ------------------------------------------------------------ hooks & call
    def register_forward_pre_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
    ) -> RemovableHandle:
        """``hook(module, args)`` (or ``(module, args, kwargs)``) runs before forward.

        It may return new args (a non-tuple is wrapped), or ``(args, kwargs)``.
        """
        handle = RemovableHandle(
            self._forward_pre_hooks, self._forward_pre_hooks_with_kwargs
        )
        self._forward_pre_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        """``hook(module, args, output)`` runs after forward; a non-None return replaces
        the output."""
        handle = RemovableHandle(self._forward_hooks, self._forward_hooks_with_kwargs,
                                 self._forward_hooks_always_called)  # fmt: skip
        self._forward_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` runs once gradients w.r.t. the
        module's Tensor inputs are computed (see ``_hooks`` for the limits)."""
        handle = RemovableHandle(self._backward_hooks)
        self._backward_hooks[handle.id] = hook
        if prepend:
            self._backward_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """``hook(module, grad_output)`` runs when the output gradients are ready."""
        handle = RemovableHandle(self._backward_pre_hooks)
        self._backward_pre_hooks[handle.id] = hook
        if prepend:
            self._backward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _core_tensor.observer is not None:
            # A compile transform is discovering state: train()/eval() selects a program.
            _core_tensor.observer.participate(self)
        d = self.__dict__
        if not (d["_forward_hooks"] or d["_forward_pre_hooks"] or d["_backward_hooks"]
                or d["_backward_pre_hooks"]):  # fmt: skip
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        d = self.__dict__
        for hid, hook in list(d["_forward_pre_hooks"].items()):
            if hid in d["_forward_pre_hooks_with_kwargs"]:
                out = hook(self, args, kwargs)
                if out is not None:
                    if not (isinstance(out, tuple) and len(out) == 2):
                        raise RuntimeError(
                            "forward pre-hook must return None or a tuple of "
                            f"(new_args, new_kwargs), but got {out}."
                        )
                    args, kwargs = out
            else:
                out = hook(self, args)
                if out is not None:
                    args = out if isinstance(out, tuple) else (out,)
        if d["_backward_hooks"] or d["_backward_pre_hooks"]:
            result = call_with_backward_hooks(self, args, kwargs)
        else:
            result = self.forward(*args, **kwargs)
        for hid, hook in list(d["_forward_hooks"].items()):
            if hid in d["_forward_hooks_with_kwargs"]:
                out = hook(self, args, kwargs, result)
            else:
                out = hook(self, args, result)
            if out is not None:
                result = out
        return result

    _call_impl = __call__

    def _compile_guard(self) -> bool:
        """What selects this module's compiled program: its ``training`` flag."""
        return self.training

    # ------------------------------------------------------------ repr
    def extra_repr(self) -> str:
        """Extra text inside this module's ``repr`` parentheses (override in layers)."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({key}): " + _addindent(repr(module), 2)
            for key, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"


def _typename(value: Any) -> str:
    if isinstance(value, Tensor):
        return (
            "torch.FloatTensor"
            if value.dtype is _dtype.float32
            else type(value).__name__
        )
    return type(value).__name__


def _remove_from(module: Module, name: str) -> None:
    d = module.__dict__
    for store in ("_parameters", "_buffers", "_modules"):
        if name in d.get(store, ()):
            del d[store][name]
    d.get("_non_persistent_buffers_set", set()).discard(name)
    d.pop(name, None)


def _detached(t: Tensor) -> Tensor:
    detach = getattr(t, "detach", None)
    if detach is not None:
        return detach()
    return Tensor(t._data)


jax.tree_util.register_pytree_node(Module, flatten_module, unflatten_module)
