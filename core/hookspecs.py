"""Hook specifications that plugins implement to add components.

A plugin is a module or object with functions marked ``@core.hookimpl``. Each
hook receives ``register(component, name=None)``. The name defaults to the
class name. Plugins are found through the ``core.plugins`` entry-point group.
"""

import pluggy

PROJECT_NAME = "core"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_layers(register):
    """Register layers: subclasses of ``core.Module``."""


@hookspec
def register_losses(register):
    """Register losses: subclasses of ``core.Loss``."""


@hookspec
def register_optimizers(register):
    """Register optimizers: subclasses of ``core.Optimizer``."""
