"""Central finite differences, the reference that gradient checks compare to."""

from __future__ import annotations

from collections.abc import Callable

import torch


def numerical_gradient(
    function: Callable[[], torch.Tensor | float],
    tensor: torch.Tensor,
    eps: float = 1e-6,
) -> torch.Tensor:
    """Estimate the gradient of ``function()`` with respect to ``tensor``.

    Each element of ``tensor`` is moved by ±eps in place, ``function`` is
    evaluated at both points, and the element is restored, so ``tensor`` can
    be a live parameter of a layer. ``function`` takes no arguments and returns
    a scalar. The estimate has an error of order eps², so use float64.
    """
    if not tensor.is_contiguous():
        raise ValueError(
            "numerical_gradient needs a contiguous tensor to perturb in place; "
            f"got one of shape {tuple(tensor.shape)} and strides {tensor.stride()}"
        )
    grad = torch.zeros_like(tensor)
    flat = tensor.view(-1)
    flat_grad = grad.view(-1)
    for index in range(flat.numel()):
        original = flat[index].item()
        flat[index] = original + eps
        above = float(function())
        flat[index] = original - eps
        below = float(function())
        flat[index] = original
        flat_grad[index] = (above - below) / (2 * eps)
    return grad
