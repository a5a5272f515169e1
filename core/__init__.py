"""A small deep-learning framework whose components compute their own gradients.

Layers, losses and optimizers come from plugins, the built-ins included, and
are reached by name: ``core.layers.Linear``, ``core.losses.MSE``,
``core.optimizers.SGD``. Importing ``core`` loads no plugin; the first such
lookup does.
"""

from core import layers, losses, optimizers
from core.errors import (
    AmbiguousComponentError,
    ComponentNotFoundError,
    PluginError,
    PluginWarning,
)
from core.hookspecs import hookimpl
from core.loss import Loss
from core.module import Module, Sequential
from core.optimizer import Optimizer

__all__ = [
    "AmbiguousComponentError",
    "ComponentNotFoundError",
    "Loss",
    "Module",
    "Optimizer",
    "PluginError",
    "PluginWarning",
    "Sequential",
    "hookimpl",
    "layers",
    "losses",
    "optimizers",
]
