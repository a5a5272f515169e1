"""Exception and warning classes raised by the framework and its plugin host."""


class PluginWarning(UserWarning):
    """A plugin failed to load or register and was skipped.

    Filter it like any warning once ``core`` is imported, e.g.
    ``warnings.filterwarnings("error", category=core.PluginWarning)`` or
    pytest's ``-W error::core.PluginWarning``; Python's own ``-W`` option
    cannot name it, as it runs before ``core`` can be imported. Set
    ``CORE_STRICT_PLUGINS=1`` to turn plugin failures into ``PluginError``.
    """


class PluginError(RuntimeError):
    """A plugin failed to load or register while strict loading is on."""


class ComponentNotFoundError(LookupError, AttributeError):
    """No registered component of the requested kind has this name.

    It is also an ``AttributeError``, so ``hasattr(core.layers, name)`` and
    ``getattr(core.layers, name, default)`` behave as for any module.
    """


class AmbiguousComponentError(LookupError, AttributeError):
    """Two or more plugins register a component of the same kind and name."""
