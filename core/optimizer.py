"""Base class of every optimizer."""

from __future__ import annotations

from collections.abc import Iterable

import torch

from core.module import Module, Pair


class Optimizer:
    """Update parameters from their gradients.

    Args:
        params: the ``(parameter, gradient)`` pairs to update, usually
            ``model.param()``. Both tensors of a pair have the same shape and
            are changed in place.

    Subclasses implement ``step()``. An optimizer with a learning rate stores
    it as ``self.lr`` and reads it at every step, so that schedules can change
    it between steps.
    """

    # Keyword arguments, besides the parameters, with which the contract suite
    # (core.testing) builds an example, such as {"lr": 0.1}.
    example_kwargs: dict = {}

    def __init__(self, params: Iterable[Pair]) -> None:
        if isinstance(params, Module):
            raise TypeError(
                f"{type(self).__name__} expects (parameter, gradient) pairs, got the "
                f"module {params!r}; pass model.param() instead"
            )
        pairs = list(params)
        if not pairs:
            raise ValueError(
                f"{type(self).__name__} got an empty parameter list; pass "
                "model.param() of a model that has parameters"
            )
        for index, pair in enumerate(pairs):
            _check_pair(self, index, pair)
        self.pairs: list[Pair] = pairs
        self.params: list[torch.Tensor] = [parameter for parameter, _ in pairs]
        self.grads: list[torch.Tensor] = [grad for _, grad in pairs]

    def zero_grad(self) -> None:
        """Set every gradient to zero in place."""
        # One fused call instead of one per tensor; torch.optim uses the same op.
        torch._foreach_zero_(self.grads)

    def step(self) -> None:
        """Update every parameter in place from its gradient."""
        raise NotImplementedError(f"{type(self).__name__} must implement step()")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.pairs)} parameter tensors)"


def _check_pair(optimizer: Optimizer, index: int, pair: object) -> None:
    name = type(optimizer).__name__
    if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
        raise TypeError(
            f"{name}: parameter entry {index} is {pair!r}; expected a "
            "(parameter, gradient) pair of tensors as returned by Module.param()"
        )
    parameter, grad = pair
    if not (isinstance(parameter, torch.Tensor) and isinstance(grad, torch.Tensor)):
        raise TypeError(
            f"{name}: parameter entry {index} contains {type(parameter).__name__} and "
            f"{type(grad).__name__}; expected two tensors"
        )
    if parameter.shape != grad.shape:
        raise ValueError(
            f"{name}: parameter entry {index} has parameter shape "
            f"{tuple(parameter.shape)} but gradient shape {tuple(grad.shape)}; "
            "they must be equal"
        )
