"""Tools that prove components correct: finite differences and the contract suite.

``python -m core check`` runs the contract checks on installed components.
In a plugin's own tests, subclass one base class per component::

    from core.testing import LayerContract

    class TestMyLayer(LayerContract):
        component = MyLayer
"""

from core.testing.contracts import (
    CHECKS,
    CheckResult,
    LayerContract,
    LossContract,
    OptimizerContract,
    check_component,
)
from core.testing.examples import CheckFailure, CheckSkipped, Example
from core.testing.gradients import numerical_gradient

__all__ = [
    "CHECKS",
    "CheckFailure",
    "CheckResult",
    "CheckSkipped",
    "Example",
    "LayerContract",
    "LossContract",
    "OptimizerContract",
    "check_component",
    "numerical_gradient",
]
