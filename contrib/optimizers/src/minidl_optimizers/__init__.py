"""Optimizers for minidl: Adam, AdamW and RMSprop.

The package's pyproject.toml declares this module in the ``core.plugins``
entry-point group under the name ``optimizers``, so installing the
distribution is enough for ``core.optimizers.Adam`` to resolve.
"""

from core import hookimpl
from minidl_optimizers.adam import Adam, AdamW
from minidl_optimizers.rmsprop import RMSprop

__all__ = ["Adam", "AdamW", "RMSprop"]


@hookimpl
def register_optimizers(register):
    for optimizer in (Adam, AdamW, RMSprop):
        register(optimizer)
