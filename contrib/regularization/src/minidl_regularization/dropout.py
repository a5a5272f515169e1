"""Inverted dropout."""

from __future__ import annotations

import math

import torch

from core import Module


class Dropout(Module):
    """Inverted dropout: ``y = m ⊙ x / (1 − p)``, with ``m ~ Bernoulli(1 − p)``.

    In training mode each element is zeroed with probability ``p`` and the
    kept ones are scaled by ``1 / (1 − p)``, so the expected output equals the
    input. In eval mode the layer is the identity. ``p = 1`` zeroes every
    element. The gradient is ``dL/dx = m ⊙ dL/dy / (1 − p)`` with the mask of
    the last forward call.

    The mask is drawn with ``bernoulli_`` from torch's global generator, as
    torch.nn.Dropout does on the CPU, so ``torch.manual_seed`` fixes it. For
    the same seed, both layers draw the same mask.

    Args:
        p: probability of zeroing an element, in [0, 1] (default 0.5).

    Shape:
        input any shape, output the same shape.

    Attributes:
        p: the drop probability.
    """

    def __init__(self, p: float = 0.5) -> None:
        valid = isinstance(p, (int, float)) and not isinstance(p, bool)
        if not valid or math.isnan(p) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be a number in [0, 1], got {p!r}")
        self.p = float(p)
        # The factor that multiplies grad_output in backward: the scaled mask
        # of the last training-mode forward, or None after an identity pass.
        self._scale: torch.Tensor | None = None
        self._shape: tuple[int, ...] | None = None

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        self._shape = tuple(input.shape)
        if not self.training or self.p == 0.0:
            self._scale = None
            return input

        if self.p == 1.0:
            # Every element is dropped. Returning zeros, rather than input · 0,
            # avoids dividing by 1 − p = 0 and gives 0 where the input is ±inf.
            self._scale = torch.zeros_like(input)
            return torch.zeros_like(input)

        # Dividing the mask by 1 − p, not multiplying by its reciprocal,
        # rounds exactly as torch.nn.Dropout does.
        scale = torch.empty_like(input).bernoulli_(1.0 - self.p)
        scale.div_(1.0 - self.p)
        self._scale = scale
        return input * scale

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        if self._shape is None:
            raise RuntimeError("Dropout: backward called before forward")
        if tuple(grad_output.shape) != self._shape:
            raise ValueError(
                f"Dropout: grad_output shape {tuple(grad_output.shape)} does not "
                f"match the output shape {self._shape}"
            )

        if self._scale is None:
            return grad_output
        return grad_output * self._scale

    def extra_repr(self) -> str:
        return f"p={self.p}"
