"""Regularization layers for minidl: Dropout and BatchNorm1d.

The package's pyproject.toml declares this module in the ``core.plugins``
entry-point group under the name ``regularization``, so installing the
distribution is enough for ``core.layers.Dropout`` to resolve.
"""

from core import hookimpl
from minidl_regularization.batchnorm import BatchNorm1d
from minidl_regularization.dropout import Dropout

__all__ = ["BatchNorm1d", "Dropout"]


@hookimpl
def register_layers(register):
    register(Dropout)
    register(BatchNorm1d)
