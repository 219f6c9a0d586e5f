"""The metric registry: the ``metric`` decorator, the registered metrics and their queries.

Every query (``available``, ``get``, ...) first makes sure the built-in metric modules are
imported and plugins discovered (:mod:`gridorg.metrics._plugins`), so that ``import gridorg``
stays light.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import importlib.metadata
import inspect
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

import attrs

from gridorg._fields import describe
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    UnknownMetricError,
)

if TYPE_CHECKING:
    from gridorg._decisions import RoutingDecision
    from gridorg._merge_result import MergeResult
    from gridorg.hierarchy import Organisation
    from gridorg.lifecycle import CaseLog

__all__ = [
    "BREAKDOWNS",
    "NEEDS",
    "Inputs",
    "Metric",
    "MetricInfo",
    "MetricSet",
    "Value",
    "available",
    "get",
    "metric",
    "metric_set",
    "unregister",
]

#: The inputs a metric can need: the keyword arguments of ``compute`` it reads.
NEEDS: Final = ("org", "log", "merge", "decisions")
#: The breakdowns a metric can support (``by=`` of ``compute``).
BREAKDOWNS: Final = ("tier", "street", "community", "unit", "month", "quarter")

#: A metric's value: a number (``NaN`` when it is undefined, such as a rate with nothing due).
Value = int | float
F = TypeVar("F", bound=Callable[..., Any])


_NAME: Final = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_SET_NAME: Final = re.compile(r"[a-z][a-z0-9_]*")
_OWN_PACKAGE: Final = "gridorg"


@attrs.frozen
class Inputs:
    """What ``compute`` was given, handed to every metric it runs.

    ``period`` is ``(start, end)`` with ``end`` excluded, both timezone-aware; ``by`` is one of
    :data:`BREAKDOWNS` or ``None``; ``options`` holds per-set options (``{"rates": ...}``);
    ``cache`` is scratch space shared by the metrics of one ``compute`` call, so they can
    reuse expensive intermediates (log columns, case views) under agreed keys.
    """

    org: Organisation | None = None
    log: CaseLog | None = None
    merge: MergeResult | None = None
    decisions: Sequence[RoutingDecision] | None = None
    period: tuple[datetime, datetime] | None = None
    by: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)
    cache: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False, repr=False)


class Metric(Protocol):
    """A named, documented function of the inputs: what the registry holds."""

    @property
    def name(self) -> str:
        """Dotted lowercase name, ``"structure.grid_party_coverage"``."""

    @property
    def unit(self) -> str:
        """The unit of the value: ``"share"``, ``"units"``, ``"minutes"``, ..."""

    @property
    def description(self) -> str:
        """One sentence; the function's docstring holds the formula and the source."""

    @property
    def needs(self) -> frozenset[str]:
        """The inputs it reads, a subset of :data:`NEEDS`."""

    @property
    def by(self) -> frozenset[str]:
        """The breakdowns it supports, a subset of :data:`BREAKDOWNS` (empty: overall only)."""

    @property
    def sets(self) -> tuple[str, ...]:
        """The metric sets it belongs to (``"structure"``, ``"cases"``, ...)."""

    @property
    def provider(self) -> str:
        """``"gridorg"`` or the distribution name of the plugin that registered it."""

    @property
    def formula(self) -> str:
        """The formula as text."""

    @property
    def source(self) -> str:
        """Where it comes from: a section of the domain notes, a standard, or ``"gridorg"``."""

    def __call__(self, inputs: Inputs) -> Value | Mapping[str, Value]:
        """The value: a number when ``inputs.by`` is ``None``, else a mapping key → number."""


@attrs.frozen
class MetricInfo:
    """What the registry knows of one metric, as listed by :func:`available`."""

    name: str
    description: str
    unit: str
    needs: frozenset[str]
    by: frozenset[str]
    sets: tuple[str, ...]
    provider: str
    formula: str
    source: str


@attrs.frozen(repr=False)
class Registered:
    """A registered metric: the decorated function and its fields."""

    name: str
    description: str
    unit: str
    needs: frozenset[str]
    by: frozenset[str]
    sets: tuple[str, ...]
    provider: str
    formula: str
    source: str
    function: Callable[[Inputs], Value | Mapping[str, Value]]

    def __call__(self, inputs: Inputs) -> Value | Mapping[str, Value]:
        return self.function(inputs)

    def info(self) -> MetricInfo:
        """The metric's fields without its function."""
        return MetricInfo(
            name=self.name,
            description=self.description,
            unit=self.unit,
            needs=self.needs,
            by=self.by,
            sets=self.sets,
            provider=self.provider,
            formula=self.formula,
            source=self.source,
        )

    def __repr__(self) -> str:
        return f"<Metric {self.name} ({self.unit}) from {self.provider}>"


def _as_names(names: Iterable[str] | str) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else tuple(names)


@attrs.frozen
class MetricSet:
    """A named, ordered selection of metrics, computed together by ``compute``.

    The built-in sets are ``STRUCTURE``, ``ACCESS``, ``CASES``, ``RATES``, ``ESCALATION`` and
    ``MERGE``; :func:`metric_set` builds the set of every metric that lists a set name.
    """

    name: str
    metrics: tuple[str, ...] = attrs.field(converter=_as_names)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            msg = f"MetricSet name must be a non-empty string, got {describe(self.name)}"
            raise ArgumentTypeError(msg)
        bad = [m for m in self.metrics if not isinstance(m, str)]
        if bad:
            msg = f"MetricSet {self.name!r}: metric names must be strings, got {describe(bad[0])}"
            raise ArgumentTypeError(msg)

    def __len__(self) -> int:
        return len(self.metrics)


# ------------------------------------------------------------------------------ registry

REGISTRY: dict[str, Registered] = {}
LOCK = threading.RLock()
# The distribution whose entry point is loading, when one is.
loading_plugin: list[str] = []


def metric(
    name: str,
    *,
    needs: Iterable[str] | str,
    unit: str,
    description: str,
    by: Iterable[str] | str = (),
    sets: Iterable[str] | str = (),
    formula: str = "",
    source: str = "gridorg",
    replace: bool = False,
) -> Callable[[F], F]:
    """Register the decorated function ``f(inputs) -> value`` as the metric ``name``.

    ``name`` is dotted lowercase (``"structure.grid_party_coverage"``); ``needs`` the inputs
    it reads (from :data:`NEEDS`); ``by`` the breakdowns it supports (from
    :data:`BREAKDOWNS`); ``sets`` the metric sets it joins. The function is returned unchanged.
    A name already registered is refused unless ``replace=True``.
    """
    fields = _check_fields(name, needs, unit, description, by, sets, formula, source, replace)

    def register(function: F) -> F:
        _check_function(name, function)
        provider = _provider_of(function)
        if provider != _OWN_PACKAGE:
            _load_builtins()
        with LOCK:
            existing = REGISTRY.get(name)
            if existing is not None and not replace:
                msg = (
                    f"metric {name!r} is already registered by {existing.provider!r}; "
                    "choose another name or pass replace=True"
                )
                raise InvalidArgumentError(msg)
            REGISTRY[name] = Registered(name=name, provider=provider, function=function, **fields)
        return function

    return register


def _check_fields(
    name: object,
    needs: object,
    unit: object,
    description: object,
    by: object,
    sets: object,
    formula: object,
    source: object,
    replace: object,
) -> dict[str, Any]:
    if not isinstance(name, str):
        msg = f"metric name must be a string, got {describe(name)}"
        raise ArgumentTypeError(msg)
    if not _NAME.fullmatch(name):
        msg = (
            f"metric name must be dotted lowercase identifiers like 'structure.depth', "
            f"got {name!r}"
        )
        raise InvalidArgumentError(msg)
    need_set = _names_of(name, "needs", needs, NEEDS)
    by_set = _names_of(name, "by", by, BREAKDOWNS)
    set_names = tuple(dict.fromkeys(_strings(name, "sets", sets)))
    for set_name in set_names:
        if not _SET_NAME.fullmatch(set_name):
            msg = f"metric {name!r}: set names must be lowercase identifiers, got {set_name!r}"
            raise InvalidArgumentError(msg)
    for field, value, empty_ok in (
        ("unit", unit, False),
        ("description", description, False),
        ("formula", formula, True),
        ("source", source, False),
    ):
        if not isinstance(value, str):
            msg = f"metric {name!r}: {field} must be a string, got {describe(value)}"
            raise ArgumentTypeError(msg)
        if not empty_ok and not value.strip():
            msg = f"metric {name!r}: {field} must be a non-empty string, got {value!r}"
            raise InvalidArgumentError(msg)
    if not isinstance(replace, bool):
        msg = f"metric {name!r}: replace must be True or False, got {describe(replace)}"
        raise ArgumentTypeError(msg)
    return {
        "needs": need_set,
        "by": by_set,
        "sets": set_names,
        "unit": unit,
        "description": description,
        "formula": formula,
        "source": source,
    }


def _strings(name: str, field: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable) or isinstance(value, Mapping):
        msg = f"metric {name!r}: {field} must be a string or strings, got {describe(value)}"
        raise ArgumentTypeError(msg)
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            msg = f"metric {name!r}: {field} must hold strings, got {describe(item)}"
            raise ArgumentTypeError(msg)
    return items


def _names_of(name: str, field: str, value: object, allowed: tuple[str, ...]) -> frozenset[str]:
    items = frozenset(_strings(name, field, value))
    unknown = sorted(items - set(allowed))
    if unknown:
        msg = (
            f"metric {name!r}: {field} must be among {', '.join(allowed)}; "
            f"got {', '.join(map(repr, unknown))}"
        )
        raise InvalidArgumentError(msg)
    return items


def _check_function(name: str, function: object) -> None:
    if not callable(function):
        msg = f"@metric({name!r}) must decorate a function, got {describe(function)}"
        raise ArgumentTypeError(msg)
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # builtins without a signature: trust them
        return
    try:
        signature.bind(None)
    except TypeError:
        msg = (
            f"metric {name!r}: the function must take one argument (the inputs), "
            f"its signature is {signature}"
        )
        raise ArgumentTypeError(msg) from None


def _provider_of(function: object) -> str:
    """The distribution that provides ``function``: gridorg, or the plugin's distribution."""
    module = getattr(function, "__module__", None) or ""
    package = module.partition(".")[0]
    if package == _OWN_PACKAGE:
        return _OWN_PACKAGE
    if not package:
        return "unknown"
    candidates = packages_distributions().get(package, [])
    if loading_plugin and loading_plugin[-1] in candidates:
        return loading_plugin[-1]
    return candidates[0] if candidates else package


@functools.cache
def packages_distributions() -> Mapping[str, list[str]]:
    """Each importable top-level package's distributions (cached; plugin resets clear it)."""
    return importlib.metadata.packages_distributions()


def restore(snapshot: Mapping[str, Registered]) -> None:
    """Put the registry back to ``snapshot`` (rolls back a failed import)."""
    REGISTRY.clear()
    REGISTRY.update(snapshot)


def _load_builtins() -> None:
    from gridorg.metrics import _plugins

    _plugins.load_builtins()


def _ensure_loaded() -> None:
    from gridorg.metrics import _plugins

    _plugins.ensure_loaded()


# ------------------------------------------------------------------------------ queries


def available() -> tuple[MetricInfo, ...]:
    """Every registered metric in registration order: the built-ins first, then the others."""
    _ensure_loaded()
    with LOCK:
        return tuple(m.info() for m in REGISTRY.values())


def get(name: str) -> Metric:
    """The registered metric ``name``; an unknown name raises ``UnknownMetricError``."""
    _ensure_loaded()
    if not isinstance(name, str):
        msg = f"a metric name must be a string, got {describe(name)}"
        raise ArgumentTypeError(msg)
    with LOCK:
        found = REGISTRY.get(name)
        if found is None:
            raise UnknownMetricError(unknown_message("metric", name, list(REGISTRY)))
        return found


def unregister(name: str) -> None:
    """Remove the metric ``name`` from the registry; an unknown name raises."""
    _ensure_loaded()
    with LOCK:
        if name not in REGISTRY:
            raise UnknownMetricError(unknown_message("metric", name, list(REGISTRY)))
        del REGISTRY[name]


def set_names() -> tuple[str, ...]:
    """The names of the metric sets that some registered metric joins, in first-seen order."""
    _ensure_loaded()
    with LOCK:
        return tuple(dict.fromkeys(s for m in REGISTRY.values() for s in m.sets))


def metric_set(name: str) -> MetricSet:
    """The set of every registered metric that joins the set ``name``, in registration order."""
    _ensure_loaded()
    if not isinstance(name, str):
        msg = f"a metric set name must be a string, got {describe(name)}"
        raise ArgumentTypeError(msg)
    with LOCK:
        members = tuple(m.name for m in REGISTRY.values() if name in m.sets)
    if not members:
        raise UnknownMetricError(unknown_message("metric set", name, list(set_names())))
    return MetricSet(name, members)


def unknown_message(kind: str, name: str, known: Sequence[str]) -> str:
    """The message for an unknown name: what was asked and the closest known names."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if not close:
        # Try the part after the set prefix: "grid_party_coverage" → "structure.grid_...".
        tails = {k.rpartition(".")[2]: k for k in known}
        close = [tails[t] for t in difflib.get_close_matches(name, list(tails), n=3)]
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    return f"no {kind} named {name!r} is registered{hint}"
