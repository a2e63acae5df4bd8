"""numba's on-disk cache for the UMAP functions that do not ask for it.

umap-learn 0.5 compiles its layout epoch, ``smooth_knn_dist`` and ``compute_membership_strengths``
(and a few helpers) with numba but without ``cache=True``, so every process that fits a topic model
compiles them again: about 10-25 s on 2 CPU cores, more than the fit itself on a few thousand
contacts. Turning numba's own cache on for them (``Dispatcher.enable_caching``, before their first
call) lets the first run write the machine code and later runs load it. numba keys the cache on the
source file and the CPU, and falls back to a user cache folder when the package folder is read-only;
if anything here fails, UMAP simply compiles as before.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)

_MODULES = ("umap.layouts", "umap.umap_", "umap.utils")
_enabled: list[str] | None = None


def enable_umap_cache() -> list[str]:
    """Turn the cache on (once per process); returns the functions it was turned on for."""
    global _enabled
    if _enabled is not None:
        return _enabled
    _enabled = []
    try:
        import importlib

        from numba.core.caching import NullCache
        from numba.core.registry import CPUDispatcher
    except Exception as e:  # pragma: no cover - numba is a dependency of umap-learn
        log.debug("numba cache not enabled: %s", e)
        return _enabled
    for name in _MODULES:
        try:
            mod = importlib.import_module(name)
        except Exception as e:  # pragma: no cover
            log.debug("numba cache not enabled for %s: %s", name, e)
            continue
        for attr, obj in vars(mod).items():
            if isinstance(obj, CPUDispatcher) and isinstance(getattr(obj, "_cache", None), NullCache):
                try:
                    obj.enable_caching()
                    _enabled.append(f"{name}.{attr}")
                except Exception as e:  # e.g. a function numba cannot cache: it compiles as before
                    log.debug("numba cache not enabled for %s.%s: %s", name, attr, e)
    return _enabled
