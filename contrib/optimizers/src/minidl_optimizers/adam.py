"""Adam and AdamW."""

from __future__ import annotations

import math
from typing import Iterable

import torch

from core import Optimizer
from core.module import Pair
from minidl_optimizers.validation import check_betas, check_number


class Adam(Optimizer):
    """Adam: ``p = p − lr · m̂ / (√v̂ + eps)``, with bias-corrected moment estimates.

    For each parameter ``p`` with gradient ``g``, step t = 1, 2, … computes::

        d = g + weight_decay · p
        m = β1 · m + (1 − β1) · d
        v = β2 · v + (1 − β2) · d²
        m̂ = m / (1 − β1^t)
        v̂ = v / (1 − β2^t)
        p = p − lr · m̂ / (√v̂ + eps)

    with m and v zero before the first step. This is torch.optim.Adam's update
    with amsgrad and maximize off.

    Args:
        params: ``(parameter, gradient)`` pairs, usually ``model.param()``.
        lr: learning rate, at least 0 (default 1e-3).
        betas: decay rates ``(β1, β2)`` of the two moment estimates, each in
            [0, 1) (default (0.9, 0.999)).
        eps: added to √v̂ so that the step stays finite, > 0 (default 1e-8).
        weight_decay: L2 penalty coefficient, added to the gradient, at least 0
            (default 0).

    Attributes:
        lr: read at every step, so a schedule may change it between steps.
        exp_avgs, exp_avg_sqs: m and v of each parameter, zeros at first.
        step_count: t, the number of steps taken.
    """

    example_kwargs = {"lr": 0.01}

    def __init__(
        self,
        params: Iterable[Pair],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params)
        name = type(self).__name__
        self.lr = check_number(name, "lr", lr, 0.0)
        self.betas = check_betas(name, betas)
        self.eps = check_number(name, "eps", eps, 0.0, low_inclusive=False)
        self.weight_decay = check_number(name, "weight_decay", weight_decay, 0.0)
        self.exp_avgs = [torch.zeros_like(param) for param in self.params]
        self.exp_avg_sqs = [torch.zeros_like(param) for param in self.params]
        self.step_count = 0

    def step(self) -> None:
        self.step_count += 1
        directions = self._directions()
        beta1, beta2 = self.betas

        torch._foreach_mul_(self.exp_avgs, beta1)
        torch._foreach_add_(self.exp_avgs, directions, alpha=1 - beta1)
        torch._foreach_mul_(self.exp_avg_sqs, beta2)
        torch._foreach_addcmul_(
            self.exp_avg_sqs, directions, directions, value=1 - beta2
        )

        # The bias corrections are folded into two scalars: m̂ / (√v̂ + eps) is
        # m / (1 − β1^t) divided by √v / √(1 − β2^t) + eps.
        bias_correction1 = 1 - beta1**self.step_count
        bias_correction2 = 1 - beta2**self.step_count
        denominators = torch._foreach_sqrt(self.exp_avg_sqs)
        torch._foreach_div_(denominators, math.sqrt(bias_correction2))
        torch._foreach_add_(denominators, self.eps)
        step_size = self.lr / bias_correction1
        torch._foreach_addcdiv_(
            self.params, self.exp_avgs, denominators, value=-step_size
        )

    def _directions(self) -> list[torch.Tensor]:
        """Return the vectors d that feed the moment estimates."""
        if not self.weight_decay:
            return self.grads
        return torch._foreach_add(self.grads, self.params, alpha=self.weight_decay)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(lr={self.lr}, betas={self.betas}, eps={self.eps}, "
            f"weight_decay={self.weight_decay})"
        )


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay, ``p = p − lr · weight_decay · p``.

    Each step first shrinks every parameter, then takes Adam's step with the
    plain gradient::

        p = p − lr · weight_decay · p
        m = β1 · m + (1 − β1) · g
        v = β2 · v + (1 − β2) · g²
        p = p − lr · m̂ / (√v̂ + eps)

    with m̂ and v̂ bias-corrected as in Adam. This is torch.optim.AdamW's update
    with amsgrad and maximize off.

    Args:
        params: ``(parameter, gradient)`` pairs, usually ``model.param()``.
        lr: learning rate, at least 0 (default 1e-3).
        betas: decay rates ``(β1, β2)`` of the two moment estimates, each in
            [0, 1) (default (0.9, 0.999)).
        eps: added to √v̂ so that the step stays finite, > 0 (default 1e-8).
        weight_decay: decoupled decay coefficient, at least 0 (default 1e-2).

    Attributes:
        lr: read at every step, so a schedule may change it between steps.
        exp_avgs, exp_avg_sqs: m and v of each parameter, zeros at first.
        step_count: t, the number of steps taken.
    """

    def __init__(
        self,
        params: Iterable[Pair],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def _directions(self) -> list[torch.Tensor]:
        # The decay acts on the parameters directly, so the moment estimates
        # see only the gradient.
        if self.weight_decay:
            torch._foreach_mul_(self.params, 1 - self.lr * self.weight_decay)
        return self.grads
