"""The built-in components, registered through the same hooks as any plugin.

The project's pyproject.toml declares this module in the ``core.plugins``
entry-point group, exactly as a third-party package would.
"""

from core import hookimpl
from plugins.builtin.activations import LeakyReLU, ReLU, Sigmoid, Tanh
from plugins.builtin.linear import Linear
from plugins.builtin.losses import MAE, MSE
from plugins.builtin.sgd import SGD


@hookimpl
def register_layers(register):
    for layer in (Linear, Tanh, ReLU, LeakyReLU, Sigmoid):
        register(layer)


@hookimpl
def register_losses(register):
    for loss in (MSE, MAE):
        register(loss)


@hookimpl
def register_optimizers(register):
    register(SGD)
