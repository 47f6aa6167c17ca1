"""A pickle interpreter that builds data and never runs code named in the file.

``pickle`` runs whatever callable a file names (``os.system`` included). Like
``torch.load(weights_only=True)`` we only let a file name the globals a weights file
needs, and hand back our own stand-ins for them. We subclass the pure-Python
``pickle._Unpickler`` instead of the C one because it also lets us restrict BUILD,
the opcode that sets attributes on an existing object: with the C unpickler a file
could ``setattr`` on any object it can reach (e.g. mutate ``functorch_lite.float32``).
"""

from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, ClassVar

from ._errors import FORBIDDEN_GLOBAL, CheckpointError

__all__ = ["RestrictedUnpickler"]

# Protocol-2 pickles (what torch.save writes) spell Python 3 modules the Python 2 way.
_PY2_MODULES = {"__builtin__": "builtins", "copy_reg": "copyreg"}


class RestrictedUnpickler(pickle._Unpickler):
    """Unpickles with an allowlist of globals and BUILD limited to OrderedDicts.

    Args:
        file: the pickle stream.
        allowed: ``"module.name"`` -> the object the file gets in its place.
        persistent_load: resolves persistent ids (torch's storage references).
        where: names the file in error messages.
    """

    dispatch: ClassVar[dict[int, Callable[..., Any]]] = dict(pickle._Unpickler.dispatch)

    def __init__(
        self,
        file: BinaryIO,
        allowed: Mapping[str, Any],
        persistent_load: Callable[[Any], Any],
        where: str,
    ) -> None:
        super().__init__(file)
        self._allowed = allowed
        self._persistent_load = persistent_load
        self._where = where

    def find_class(self, module: str, name: str) -> Any:
        qualified = f"{_PY2_MODULES.get(module, module)}.{name}"
        try:
            return self._allowed[qualified]
        except KeyError:
            raise CheckpointError(
                FORBIDDEN_GLOBAL.format(name=qualified, where=self._where)
            ) from None

    def persistent_load(self, pid: Any) -> Any:
        return self._persistent_load(pid)

    def load_build(self) -> None:
        # torch.save uses BUILD for exactly one thing in weights files: a module
        # state_dict's ``_metadata`` attribute on its OrderedDict.
        state = self.stack.pop()
        inst = self.stack[-1]
        if not (
            type(inst) is OrderedDict
            and type(state) is dict
            and all(type(k) is str for k in state)
        ):
            raise CheckpointError(
                f"refusing to set state of type {type(state).__name__} on an object "
                f"of type {type(inst).__name__} in {self._where}: a weights-only "
                "checkpoint only sets attributes (like _metadata) on OrderedDicts"
            )
        inst.__dict__.update(state)

    dispatch[pickle.BUILD[0]] = load_build
