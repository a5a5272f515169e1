"""Tools that check components: finite differences and the contract suite."""

from core.testing.gradients import numerical_gradient

__all__ = ["numerical_gradient"]
