"""Loading metrics: the built-in modules, and plugins from the ``gridorg.metrics`` entry points.

Built-in metrics live in the public modules of :mod:`gridorg.metrics` and register themselves
when imported; they are imported on the first use of the registry. Third-party metrics arrive
through the ``gridorg.metrics`` entry-point group, discovered once per process on the first use
of the registry; a broken plugin warns and is skipped, with its registrations rolled back.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import warnings
from typing import Final

from gridorg.errors import GridorgWarning
from gridorg.metrics import _registry as registry

__all__ = ["BUILTIN_MODULES", "ENTRY_POINT_GROUP", "NO_PLUGINS_VARIABLE", "ensure_loaded"]

#: The modules of the built-in metric sets, in the order they register.
BUILTIN_MODULES: Final = ("structure", "access", "cases", "rates", "escalation", "merge")
#: The entry-point group third-party metric packages declare.
ENTRY_POINT_GROUP: Final = "gridorg.metrics"
#: The environment variable that turns plugin discovery off when set to ``1``.
NO_PLUGINS_VARIABLE: Final = "GRIDORG_NO_PLUGINS"

# Loading state: None before, "loading" while importing, "done" after.
_state: dict[str, str | None] = {"builtins": None, "plugins": None}


def load_builtins() -> None:
    """Import the built-in metric modules, once; a module that fails to import raises."""
    with registry.LOCK:
        if _state["builtins"] is not None:
            return
        _state["builtins"] = "loading"
        try:
            for module in BUILTIN_MODULES:
                _import_builtin(module)
        except BaseException:
            _state["builtins"] = None
            raise
        _state["builtins"] = "done"


def _import_builtin(module: str) -> None:
    qualified = f"{__package__}.{module}"
    before = dict(registry.REGISTRY)
    try:
        importlib.import_module(qualified)
    except BaseException:
        registry.restore(before)
        raise


def _plugins_disabled() -> bool:
    flag = os.environ.get(NO_PLUGINS_VARIABLE, "").strip().lower()
    return flag not in {"", "0", "false", "no", "off"}


def _load_plugins() -> None:
    """Load every ``gridorg.metrics`` entry point, once; a broken one warns and is skipped."""
    with registry.LOCK:
        if _state["plugins"] is not None:
            return
        _state["plugins"] = "loading"
        try:
            if not _plugins_disabled():
                for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                    _load_plugin(entry)
        finally:
            _state["plugins"] = "done"


def _load_plugin(entry: importlib.metadata.EntryPoint) -> None:
    dist = entry.dist.name if entry.dist is not None else "an unknown distribution"
    before = dict(registry.REGISTRY)
    registry.loading_plugin.append(dist)
    try:
        target = entry.load()
        if callable(target) and not _is_metric(target):
            target()
    except Exception as error:  # any failure of a plugin is reported and skipped
        registry.restore(before)
        msg = (
            f"metric plugin {entry.name!r} ({entry.value}) from distribution {dist!r} "
            f"failed and was skipped: {type(error).__name__}: {error}"
        )
        warnings.warn(msg, GridorgWarning, stacklevel=2)
    finally:
        registry.loading_plugin.pop()


def _is_metric(target: object) -> bool:
    if isinstance(target, registry.Registered):
        return True
    return any(m.function is target for m in registry.REGISTRY.values())


def ensure_loaded() -> None:
    """Import the built-in modules and discover plugins, each once."""
    load_builtins()
    _load_plugins()


def _reset_plugins() -> None:
    """Forget plugin discovery so that the next registry use discovers again (for tests).

    Metrics that plugins registered stay registered; unregister them first if needed.
    """
    with registry.LOCK:
        _state["plugins"] = None
        registry.packages_distributions.cache_clear()
        importlib.invalidate_caches()
