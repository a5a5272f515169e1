"""Plugin loading and the registry of layers, losses and optimizers.

Plugins are found through the ``core.plugins`` entry-point group and loaded
once, on the first lookup, so ``import core`` loads none of them. A plugin that
fails to import, or whose hook raises, is skipped with a ``PluginWarning``.

Environment variables:

``CORE_LOAD_PLUGINS``
    Comma-separated plugin names (entry-point or distribution names) to load.
    The built-in plugin always loads, so an empty value loads only the
    built-ins. Unset, every installed plugin loads.
``CORE_STRICT_PLUGINS``
    ``1`` turns plugin failures into ``PluginError`` instead of warnings.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import os
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pluggy

from core import hookspecs
from core.errors import (
    AmbiguousComponentError,
    ComponentNotFoundError,
    PluginError,
    PluginWarning,
)
from core.loss import Loss
from core.module import Module
from core.optimizer import Optimizer

ENTRY_POINT_GROUP = "core.plugins"
DISTRIBUTION = "minidl"
LOAD_PLUGINS_ENV = "CORE_LOAD_PLUGINS"
STRICT_PLUGINS_ENV = "CORE_STRICT_PLUGINS"

# kind -> (hook name, base class every component of that kind subclasses)
KINDS: dict[str, tuple[str, type]] = {
    "layer": ("register_layers", Module),
    "loss": ("register_losses", Loss),
    "optimizer": ("register_optimizers", Optimizer),
}
PLURALS = {"layer": "layers", "loss": "losses", "optimizer": "optimizers"}


@dataclass(frozen=True)
class Component:
    """A registered layer, loss or optimizer and the plugin that provides it."""

    kind: str
    name: str
    obj: type
    plugin: str
    distribution: str | None
    version: str | None

    @property
    def qualified_name(self) -> str:
        """Name that stays unique when plugins clash: ``plugin:name``."""
        return f"{self.plugin}:{self.name}"

    @property
    def summary(self) -> str:
        """First line of the component's docstring, or an empty string."""
        doc = (self.obj.__doc__ or "").strip()
        first_line = doc.splitlines()[0].strip() if doc else ""
        return first_line.replace("``", "")

    def provider(self) -> str:
        """Describe the plugin and its distribution, for messages."""
        if self.distribution is None:
            return f"plugin '{self.plugin}'"
        return f"plugin '{self.plugin}' ({self.distribution} {self.version})"


@dataclass(frozen=True)
class PluginRecord:
    """A plugin known to the registry; ``error`` is set when it failed."""

    name: str
    distribution: str | None
    version: str | None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


class Registry:
    """Components of every kind, collected from the plugins of one manager.

    Args:
        load_entry_points: load the plugins installed in the ``core.plugins``
            entry-point group on first use. Tests pass False and register
            plugins with ``register_plugin`` instead.
    """

    def __init__(self, load_entry_points: bool = True) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.manager.add_hookspecs(hookspecs)
        self._load_entry_points = load_entry_points
        self._entry_points_loaded = False
        self._records: dict[str, PluginRecord] = {}
        self._failed: list[PluginRecord] = []
        self._components: dict[str, dict[str, list[Component]]] | None = None
        # In strict mode, the plugin whose failure raised and the message:
        # every later lookup raises it again rather than go on without it.
        self._strict_failure: tuple[str | None, str] | None = None

    # Plugins

    def register_plugin(self, plugin: object, name: str | None = None) -> str:
        """Register a plugin object or module and return its name.

        Its hooks run on the next lookup. A hook that raises is reported like
        one of an installed plugin: a ``PluginWarning``, or ``PluginError`` in
        strict mode.
        """
        self._ensure_entry_points()
        _check_hook_names(self.manager, plugin)
        registered = self.manager.register(plugin, name)
        if registered is None:
            raise ValueError(f"plugin {name or plugin!r} is blocked in this registry")
        self._records[registered] = PluginRecord(registered, None, None)
        self._components = None
        return registered

    def unregister_plugin(self, name: str) -> None:
        """Remove a plugin and its components; unknown names are ignored."""
        self.manager.unregister(name=name)
        self._records.pop(name, None)
        self._failed = [record for record in self._failed if record.name != name]
        self._components = None
        if self._strict_failure is not None and self._strict_failure[0] == name:
            self._strict_failure = None

    def plugins(self) -> list[PluginRecord]:
        """Return every plugin known to the registry, failed ones included."""
        self._ensure_collected()
        return [*self._records.values(), *self._failed]

    def failures(self) -> list[PluginRecord]:
        """Return the plugins that failed to load or register."""
        self._ensure_collected()
        return list(self._failed)

    # Components

    def components(self, kind: str | None = None) -> list[Component]:
        """Return the registered components, of one kind or of all kinds."""
        kinds = [_check_kind(kind)] if kind is not None else list(KINDS)
        table = self._ensure_collected()
        found = []
        for each in kinds:
            for name in sorted(table[each], key=str.lower):
                found.extend(table[each][name])
        return found

    def names(self, kind: str) -> list[str]:
        """Return the distinct names registered for a kind, sorted."""
        return sorted(self._ensure_collected()[_check_kind(kind)], key=str.lower)

    def get(self, kind: str, name: str) -> Component:
        """Return the component of a kind by name.

        ``name`` is a bare name such as ``"Linear"`` or a name qualified by its
        plugin such as ``"builtin:Linear"``. A bare name that two plugins
        register raises ``AmbiguousComponentError`` naming both.
        """
        table = self._ensure_collected()[_check_kind(kind)]
        plugin, _, bare = name.rpartition(":")
        matches = table.get(bare, [])
        if plugin:
            matches = [each for each in matches if each.plugin == plugin]
        if not matches:
            raise ComponentNotFoundError(_not_found_message(kind, name, table))
        if len(matches) > 1:
            raise AmbiguousComponentError(_ambiguous_message(kind, bare, matches))
        return matches[0]

    def find(self, name: str) -> list[Component]:
        """Return every component of any kind that a name refers to.

        Unlike ``get`` it returns all providers of a clashing name. A name
        that matches nothing raises ``ComponentNotFoundError``.
        """
        plugin, _, bare = name.rpartition(":")
        found = [
            component
            for component in self.components()
            if component.name == bare and (not plugin or component.plugin == plugin)
        ]
        if not found:
            known = sorted({c.name for c in self.components()}, key=str.lower)
            close = difflib.get_close_matches(bare, known, n=1, cutoff=0.5)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ComponentNotFoundError(
                f"no registered component is named '{name}'.{hint} Run "
                "'python -m core list' to see every component"
            )
        return found

    def resolve(self, kind: str, name: str) -> type:
        """Return the class registered for a kind under a name."""
        return self.get(kind, name).obj

    # Loading

    def _raise_strict_failure(self) -> None:
        if self._strict_failure is not None:
            raise PluginError(self._strict_failure[1])

    def _ensure_entry_points(self) -> None:
        self._raise_strict_failure()
        if self._load_entry_points and not self._entry_points_loaded:
            self._entry_points_loaded = True
            try:
                _strict()  # an invalid value is an error even when nothing fails
                for entry_point, dist_name, version in _selected_entry_points(self):
                    self._load_entry_point(entry_point, dist_name, version)
            except PluginError as error:
                if self._strict_failure is None:
                    self._strict_failure = (None, str(error))
                raise

    def _load_entry_point(
        self, entry_point: importlib.metadata.EntryPoint, dist: str, version: str
    ) -> None:
        name = entry_point.name
        if name in self._records:
            first = self._records[name]
            self._fail(
                PluginRecord(name, dist, version),
                ValueError(
                    f"the plugin name is already taken by {first.distribution} "
                    f"{first.version}; one of the two distributions must rename "
                    "its entry point"
                ),
            )
            return
        record = PluginRecord(name, dist, version)
        try:
            plugin = entry_point.load()
            _check_hook_names(self.manager, plugin)
            self.manager.register(plugin, name)
        except Exception as error:
            self._fail(record, error)
            return
        self._records[name] = record

    def _ensure_collected(self) -> dict[str, dict[str, list[Component]]]:
        self._ensure_entry_points()
        self._raise_strict_failure()
        if self._components is None:
            table: dict[str, dict[str, list[Component]]] = {kind: {} for kind in KINDS}
            for name, plugin in list(self.manager.list_name_plugin()):
                try:
                    found = self._collect_plugin(name, plugin)
                except Exception as error:
                    self.manager.unregister(name=name)
                    self._fail(self._records.pop(name), error)
                    continue
                for component in found:
                    table[component.kind].setdefault(component.name, []).append(
                        component
                    )
            self._components = table
        return self._components

    def _collect_plugin(self, name: str, plugin: object) -> list[Component]:
        """Run one plugin's hooks and return the components it registers."""
        record = self._records[name]
        others = [other for other in self.manager.get_plugins() if other is not plugin]
        found: list[Component] = []
        for kind, (hook_name, _) in KINDS.items():
            register = _make_register(kind, record, found)
            self.manager.subset_hook_caller(hook_name, others)(register=register)
        return found

    def _fail(self, record: PluginRecord, error: Exception) -> None:
        failed = PluginRecord(
            record.name,
            record.distribution,
            record.version,
            f"{type(error).__name__}: {error}",
        )
        self._failed.append(failed)
        if _strict():
            message = _strict_failure_message(failed)
            self._strict_failure = (record.name, message)
            raise PluginError(message) from error
        _report(_failure_message(failed), error, plugin=record.name)


def _make_register(
    kind: str, record: PluginRecord, found: list[Component]
) -> Callable[..., Any]:
    """Build the ``register`` callback that one plugin's hook receives."""
    base = KINDS[kind][1]

    def register(component: type, name: str | None = None) -> type:
        if not (isinstance(component, type) and issubclass(component, base)):
            raise TypeError(
                f"register_{PLURALS[kind]} got {component!r}; expected a subclass "
                f"of core.{base.__name__}"
            )
        name = component.__name__ if name is None else name
        if not (isinstance(name, str) and name.isidentifier()) or name[0] == "_":
            raise ValueError(
                f"{kind} name {name!r} is not valid: it must be a Python identifier "
                "that does not start with '_', such as 'MyLayer'"
            )
        if any(each.kind == kind and each.name == name for each in found):
            raise ValueError(f"{kind} '{name}' is registered twice by this plugin")
        found.append(
            Component(
                kind, name, component, record.name, record.distribution, record.version
            )
        )
        return component

    return register


def _check_hook_names(manager: pluggy.PluginManager, plugin: object) -> None:
    """Raise ValueError for a function marked ``@hookimpl`` that matches no hook.

    pluggy would register it and never call it, so a misspelt hook name such
    as ``register_layer`` would leave the plugin silently empty.
    """
    hook_names = [hook_name for hook_name, _ in KINDS.values()]
    for attribute in dir(plugin):
        if attribute.startswith("_") or attribute in hook_names:
            continue
        if manager.parse_hookimpl_opts(plugin, attribute) is not None:
            close = difflib.get_close_matches(attribute, hook_names, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ValueError(
                f"'{attribute}' is marked @hookimpl but is not a hook.{hint} The "
                f"hooks are {', '.join(hook_names)}"
            )


def _selected_entry_points(
    registry: Registry,
) -> Iterator[tuple[importlib.metadata.EntryPoint, str, str]]:
    """Yield the entry points to load, with their distribution and version.

    The built-in plugin comes first, and ``CORE_LOAD_PLUGINS`` filters the
    others.
    """
    allowed = _allowed_plugins()
    unmatched = dict(allowed or {})
    found: list[tuple[importlib.metadata.EntryPoint, str, str]] = []
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        dist_name = dist.name if dist is not None else "unknown"
        version = dist.version if dist is not None else "unknown"
        builtin = dist_name == DISTRIBUTION
        if builtin:
            # The built-ins always load; naming them in the list is harmless.
            unmatched.pop(_normalize(entry_point.name), None)
            unmatched.pop(_normalize(dist_name), None)
        elif allowed is not None:
            names = {_normalize(entry_point.name), _normalize(dist_name)}
            if not names & allowed.keys():
                continue
            for name in names:
                unmatched.pop(name, None)
        found.append((entry_point, dist_name, version))
    found.sort(key=lambda item: item[1] != DISTRIBUTION)

    if not any(dist_name == DISTRIBUTION for _, dist_name, _ in found):
        _report(
            f"the {DISTRIBUTION} distribution is not installed, so no built-in "
            "component is registered; run 'pip install -e .' in the project folder"
        )
    for name in unmatched.values():
        _report(
            f"{LOAD_PLUGINS_ENV} names '{name}', but no installed plugin or "
            "distribution has that name"
        )
    yield from found


def _allowed_plugins() -> dict[str, str] | None:
    """Map the normalized names in CORE_LOAD_PLUGINS to the names as written."""
    value = os.environ.get(LOAD_PLUGINS_ENV)
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    return {_normalize(name): name for name in names}


def _normalize(name: str) -> str:
    """Normalize a plugin or distribution name as packaging does (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _report(message: str, error: Exception | None = None, plugin: str = "core") -> None:
    """Warn with a PluginWarning, or raise PluginError in strict mode.

    The warning's module is the plugin's name, so that
    ``warnings.filterwarnings("ignore", category=core.PluginWarning,
    module="NAME")`` silences one plugin.
    """
    if _strict():
        raise PluginError(message) from error
    warnings.warn_explicit(
        message, PluginWarning, filename=f"<plugin {plugin}>", lineno=0, module=plugin
    )


def _strict() -> bool:
    value = os.environ.get(STRICT_PLUGINS_ENV, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise PluginError(f"{STRICT_PLUGINS_ENV}={value!r} is not valid; set it to 1 or 0")


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(
            f"unknown component kind {kind!r}; expected one of {', '.join(KINDS)}"
        )
    return kind


def _failure_message(record: PluginRecord) -> str:
    where = f" ({record.distribution} {record.version})" if record.version else ""
    return (
        f"plugin '{record.name}'{where} failed and was skipped: {record.error}. "
        f"Set {STRICT_PLUGINS_ENV}=1 to raise instead"
    )


def _strict_failure_message(record: PluginRecord) -> str:
    where = f" ({record.distribution} {record.version})" if record.version else ""
    return (
        f"plugin '{record.name}'{where} failed: {record.error}. "
        f"Unset {STRICT_PLUGINS_ENV} to skip it with a warning instead"
    )


def _not_found_message(kind: str, name: str, table: dict[str, list[Component]]) -> str:
    known = sorted(table, key=str.lower)
    bare = name.rpartition(":")[2]
    close = difflib.get_close_matches(bare, known, n=1, cutoff=0.5)
    if not close:
        close = [each for each in known if each.lower() == bare.lower()]
    hint = f" Did you mean '{close[0]}'?" if close else ""
    listing = ", ".join(known) if known else "none"
    return f"unknown {kind} '{name}'.{hint} Registered {PLURALS[kind]}: {listing}"


def _ambiguous_message(kind: str, name: str, matches: list[Component]) -> str:
    providers = " and ".join(each.provider() for each in matches)
    choices = " or ".join(f"'{each.qualified_name}'" for each in matches)
    return f"{kind} '{name}' is registered by {providers}; use {choices}"


_default: Registry | None = None


def default_registry() -> Registry:
    """Return the process-wide registry, creating it on first use."""
    global _default
    if _default is None:
        _default = Registry()
    return _default


def get(kind: str, name: str) -> Component:
    """Return a component of the default registry; see ``Registry.get``."""
    return default_registry().get(kind, name)


def components(kind: str | None = None) -> list[Component]:
    """Return the components of the default registry; see ``Registry.components``."""
    return default_registry().components(kind)


def namespace(kind: str) -> tuple[Callable[[str], type], Callable[[], list[str]]]:
    """Return the module ``__getattr__`` and ``__dir__`` that expose a kind.

    Names starting with ``_`` are never components, so probes for attributes
    such as ``__path__`` fail at once without loading plugins.
    """

    def __getattr__(name: str) -> type:
        if name.startswith("_"):
            raise AttributeError(
                f"module 'core.{PLURALS[kind]}' has no attribute {name!r}"
            )
        return default_registry().resolve(kind, name)

    def __dir__() -> list[str]:
        return default_registry().names(kind)

    return __getattr__, __dir__
