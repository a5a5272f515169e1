"""RMSprop."""

from __future__ import annotations

from typing import Iterable

import torch

from core import Optimizer
from core.module import Pair
from minidl_optimizers.validation import check_number


class RMSprop(Optimizer):
    """RMSprop: ``p = p − lr · d / (√v + eps)``, v a running mean of d².

    For each parameter ``p`` with gradient ``g``, one step computes::

        d = g + weight_decay · p
        v = α · v + (1 − α) · d²
        s = √v + eps                    (not centered)
        ḡ = α · ḡ + (1 − α) · d         (centered)
        s = √(v − ḡ²) + eps             (centered)
        b = momentum · b + d / s
        p = p − lr · b                  (p − lr · d / s when momentum is 0)

    with v, ḡ and b zero before the first step. This is torch.optim.RMSprop's
    update with maximize off.

    Args:
        params: ``(parameter, gradient)`` pairs, usually ``model.param()``.
        lr: learning rate, at least 0 (default 1e-2).
        alpha: decay rate of the running means, in [0, 1) (default 0.99).
        eps: added to the root mean square so that the step stays finite, > 0
            (default 1e-8).
        weight_decay: L2 penalty coefficient, added to the gradient, at least 0
            (default 0).
        momentum: momentum factor, in [0, 1) (default 0).
        centered: divide by an estimate of the gradient's standard deviation
            instead of its root mean square (default False).

    Attributes:
        lr: read at every step, so a schedule may change it between steps.
        square_avgs: v of each parameter.
        grad_avgs: ḡ of each parameter when centered, else None.
        momentum_buffers: b of each parameter when momentum > 0, else None.
    """

    example_kwargs = {"lr": 0.01}

    def __init__(
        self,
        params: Iterable[Pair],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(params)
        self.lr = check_number("RMSprop", "lr", lr, 0.0)
        self.alpha = check_number("RMSprop", "alpha", alpha, 0.0, 1.0)
        self.eps = check_number("RMSprop", "eps", eps, 0.0, low_inclusive=False)
        self.weight_decay = check_number("RMSprop", "weight_decay", weight_decay, 0.0)
        self.momentum = check_number("RMSprop", "momentum", momentum, 0.0, 1.0)
        if not isinstance(centered, bool):
            raise ValueError(
                f"RMSprop: centered must be True or False, got {centered!r}"
            )
        self.centered = centered

        self.square_avgs = [torch.zeros_like(param) for param in self.params]
        self.grad_avgs = None
        if centered:
            self.grad_avgs = [torch.zeros_like(param) for param in self.params]
        self.momentum_buffers = None
        if self.momentum:
            self.momentum_buffers = [torch.zeros_like(param) for param in self.params]

    def step(self) -> None:
        directions = self.grads
        if self.weight_decay:
            directions = torch._foreach_add(
                self.grads, self.params, alpha=self.weight_decay
            )

        torch._foreach_mul_(self.square_avgs, self.alpha)
        torch._foreach_addcmul_(
            self.square_avgs, directions, directions, value=1 - self.alpha
        )
        if self.grad_avgs is not None:
            torch._foreach_mul_(self.grad_avgs, self.alpha)
            torch._foreach_add_(self.grad_avgs, directions, alpha=1 - self.alpha)
            variances = torch._foreach_addcmul(
                self.square_avgs, self.grad_avgs, self.grad_avgs, value=-1
            )
            # v − ḡ² ≥ 0 in exact arithmetic, but rounding can take it just
            # below 0 after many steps of a nearly constant gradient. There
            # torch.optim.RMSprop, which does not clamp, takes the square root
            # of a negative number and gets NaN.
            torch._foreach_clamp_min_(variances, 0.0)
            scales = torch._foreach_sqrt(variances)
        else:
            scales = torch._foreach_sqrt(self.square_avgs)
        torch._foreach_add_(scales, self.eps)

        if self.momentum_buffers is None:
            torch._foreach_addcdiv_(self.params, directions, scales, value=-self.lr)
            return
        torch._foreach_mul_(self.momentum_buffers, self.momentum)
        torch._foreach_addcdiv_(self.momentum_buffers, directions, scales)
        torch._foreach_add_(self.params, self.momentum_buffers, alpha=-self.lr)

    def __repr__(self) -> str:
        return (
            f"RMSprop(lr={self.lr}, alpha={self.alpha}, eps={self.eps}, "
            f"weight_decay={self.weight_decay}, momentum={self.momentum}, "
            f"centered={self.centered})"
        )
