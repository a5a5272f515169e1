"""Reference gradients from torch autograd, for comparison with the framework."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch


def autograd_gradients(
    function: Callable[..., torch.Tensor],
    inputs: Sequence[torch.Tensor],
    grad_output: torch.Tensor | None = None,
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Run ``function(*inputs)`` under autograd and return its output and the
    gradients of ``sum(output * grad_output)`` with respect to each input.

    ``grad_output`` defaults to 1, for scalar outputs such as losses.
    """
    leaves = [each.detach().clone().requires_grad_(True) for each in inputs]
    with torch.enable_grad():
        output = function(*leaves)
        if grad_output is None:
            grad_output = torch.ones_like(output)
        grads = torch.autograd.grad(output, leaves, grad_output)
    return output.detach(), list(grads)


def assert_close(actual: torch.Tensor, expected: torch.Tensor, what: str) -> None:
    """Compare two float64 tensors tightly, naming the quantity on failure."""
    torch.testing.assert_close(
        actual, expected, rtol=1e-10, atol=1e-12, msg=lambda m: f"{what}: {m}"
    )
