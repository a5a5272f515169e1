"""Stochastic gradient descent."""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch

from core import Optimizer
from core.module import Pair


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum and weight decay.

    For each parameter ``p`` with gradient ``g``, one step computes::

        d = g + weight_decay · p
        v = momentum · v + d        (v = d on the first step)
        p = p − lr · v              (p − lr · d when momentum is 0)

    This is torch.optim.SGD's update with dampening 0 and nesterov False.

    Args:
        params: ``(parameter, gradient)`` pairs, usually ``model.param()``.
        lr: learning rate, at least 0.
        momentum: momentum factor, at least 0 (default 0).
        weight_decay: L2 penalty coefficient, at least 0 (default 0).
    """

    example_kwargs = {"lr": 0.1}

    def __init__(
        self,
        params: Iterable[Pair],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params)
        for name, value in (
            ("lr", lr),
            ("momentum", momentum),
            ("weight_decay", weight_decay),
        ):
            if not _is_number(value) or not math.isfinite(value) or value < 0:
                raise ValueError(
                    f"SGD: {name} must be a finite number >= 0, got {value!r}"
                )
        self.lr = float(lr)
        self.momentum = float(momentum)
        self.weight_decay = float(weight_decay)
        self.momentum_buffers: list[torch.Tensor] | None = None

    def step(self) -> None:
        # The _foreach_ operations update every tensor of a list in one call.
        # NOTE: they are underscored in torch, but torch.optim relies on them
        # and they have kept their signatures since torch 1.9.
        directions = self.grads
        if self.weight_decay:
            directions = torch._foreach_add(
                self.grads, self.params, alpha=self.weight_decay
            )

        if self.momentum:
            if self.momentum_buffers is None:
                self.momentum_buffers = [direction.clone() for direction in directions]
            else:
                torch._foreach_mul_(self.momentum_buffers, self.momentum)
                torch._foreach_add_(self.momentum_buffers, directions)
            directions = self.momentum_buffers

        torch._foreach_add_(self.params, directions, alpha=-self.lr)

    def __repr__(self) -> str:
        return (
            f"SGD(lr={self.lr}, momentum={self.momentum}, "
            f"weight_decay={self.weight_decay})"
        )


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
