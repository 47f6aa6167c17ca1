"""The one documented cache of the lowering pipeline: JAX's persistent compilation cache.

Compiled XLA executables are written to a directory keyed by the program and the
compiler, so a new process compiling the same step loads the executable instead of
running XLA again. It is on by default in ``_config.COMPILATION_CACHE_DIR`` (``""``
disables it) and switched on lazily, the first time ``lowering`` or ``compile`` is used
(``ensure_default``), so that ``import functorch_lite`` does not touch the disk.

JAX only caches programs whose compile time and size pass two thresholds; both are set
to 0 here so that the small programs of a training step are cached too.
"""

from __future__ import annotations

import os

import jax

from .. import _config

__all__ = ["enable_cache", "disable_cache", "ensure_default", "cache_dir"]

_state = {"checked": False}


def _reset_jax_cache() -> None:
    # JAX reads the directory once, at its first compile; a later change needs a reset.
    from jax._src import compilation_cache

    compilation_cache.reset_cache()


def enable_cache(path: str | os.PathLike[str] | None = None) -> str:
    """Turn on the persistent compilation cache in ``path``.

    Args:
        path: the cache directory; ``None`` uses ``_config.COMPILATION_CACHE_DIR``
            (``FUNCTORCH_LITE_CACHE_DIR``).

    Returns:
        The directory in use.
    """
    directory = os.fspath(path) if path is not None else _config.COMPILATION_CACHE_DIR
    if not directory:
        raise ValueError(
            "enable_cache: no cache directory; pass a path or set "
            "FUNCTORCH_LITE_CACHE_DIR to a directory"
        )
    os.makedirs(directory, exist_ok=True)
    jax.config.update("jax_enable_compilation_cache", True)
    jax.config.update("jax_compilation_cache_dir", directory)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    _reset_jax_cache()
    _state["checked"] = True
    return directory


def disable_cache() -> None:
    """Turn the persistent compilation cache off for this process."""
    jax.config.update("jax_enable_compilation_cache", False)
    _reset_jax_cache()
    _state["checked"] = True


def cache_dir() -> str | None:
    """The directory of the persistent cache, or ``None`` when it is off."""
    if not jax.config.jax_enable_compilation_cache:
        return None
    return jax.config.jax_compilation_cache_dir or None


def ensure_default() -> None:
    """Enable the default cache once per process, unless the user chose already.

    Called by ``lowering`` entry points and meant for ``compile``: cheap after the
    first call. Respects a directory the user set on JAX directly.
    """
    if _state["checked"]:
        return
    _state["checked"] = True
    if jax.config.jax_compilation_cache_dir:
        return
    if _config.COMPILATION_CACHE_DIR:
        try:
            enable_cache(_config.COMPILATION_CACHE_DIR)
        except OSError:  # a read-only home: run without the cache
            _state["checked"] = True
