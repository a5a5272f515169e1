"""Classification losses for minidl: CrossEntropy and BCEWithLogits.

The package's pyproject.toml declares this module in the ``core.plugins``
entry-point group under the name ``classification``, so installing the
distribution is enough for ``core.losses.CrossEntropy`` to resolve.
"""

from core import hookimpl
from minidl_classification.binary_cross_entropy import BCEWithLogits
from minidl_classification.cross_entropy import CrossEntropy

__all__ = ["BCEWithLogits", "CrossEntropy"]


@hookimpl
def register_losses(register):
    register(CrossEntropy)
    register(BCEWithLogits)
