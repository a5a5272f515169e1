"""Element-wise activation layers.

Each one has a finite output and gradient for every finite input, in float32
and float64: the gradients are written in terms of the cached output or a
mask, never as a ratio of two large numbers.
"""

from __future__ import annotations

import math

import torch

from core import Module


class _Activation(Module):
    """Shared bookkeeping: the cached tensor and the shape check in backward."""

    _cache: torch.Tensor | None = None

    def _reject(self, grad_output: torch.Tensor) -> None:
        """Raise the error for a backward call that does not fit the last forward."""
        name = type(self).__name__
        cache = self._cache
        if cache is None:
            raise RuntimeError(f"{name}: backward called before forward")
        raise ValueError(
            f"{name}: grad_output shape {tuple(grad_output.shape)} "
            f"does not match the output shape {tuple(cache.shape)}"
        )


class Tanh(_Activation):
    """Hyperbolic tangent: ``y = tanh(x)``, with ``dy/dx = 1 − y²``.

    Shape: any; the output has the input's shape.
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        output = torch.tanh(input)
        self._cache = output
        return output

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        output = self._cache
        if output is None or grad_output.shape != output.shape:
            self._reject(grad_output)
        # g·(1 − y²) written as g − g·y² takes two tensor operations, not
        # three, and the second writes into the first one's result.
        square = output * output
        return torch.addcmul(grad_output, grad_output, square, value=-1, out=square)


class Sigmoid(_Activation):
    """Logistic function: ``y = 1 / (1 + e^−x)``, with ``dy/dx = y (1 − y)``.

    Shape: any; the output has the input's shape. ``torch.sigmoid`` does not
    overflow for large negative inputs, unlike the formula computed directly.
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        output = torch.sigmoid(input)
        self._cache = output
        return output

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        output = self._cache
        if output is None or grad_output.shape != output.shape:
            self._reject(grad_output)
        # g·y·(1 − y) written as g·y − (g·y)·y.
        scaled = grad_output * output
        return torch.addcmul(scaled, scaled, output, value=-1)


class ReLU(_Activation):
    """Rectified linear unit: ``y = max(x, 0)``.

    The gradient is 1 where x > 0 and 0 elsewhere, at x = 0 included, as in
    torch. Shape: any; the output has the input's shape.
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        self._cache = input > 0
        return torch.relu(input)

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        positive = self._cache
        if positive is None or grad_output.shape != positive.shape:
            self._reject(grad_output)
        return torch.where(positive, grad_output, 0.0)


class LeakyReLU(_Activation):
    """Leaky rectifier: ``y = x`` where x > 0, else ``negative_slope · x``.

    Args:
        negative_slope: slope for x ≤ 0 (default 0.01). At x = 0 the gradient
            is ``negative_slope``, as in torch.

    Shape: any; the output has the input's shape.
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        if isinstance(negative_slope, bool) or not isinstance(
            negative_slope, (int, float)
        ):
            raise TypeError(
                f"LeakyReLU: negative_slope must be a number, got {negative_slope!r}"
            )
        if not math.isfinite(negative_slope):
            raise ValueError(
                f"LeakyReLU: negative_slope must be finite, got {negative_slope!r}"
            )
        self.negative_slope = float(negative_slope)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        positive = input > 0
        self._cache = positive
        return torch.where(positive, input, input * self.negative_slope)

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        positive = self._cache
        if positive is None or grad_output.shape != positive.shape:
            self._reject(grad_output)
        return torch.where(positive, grad_output, grad_output * self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"
