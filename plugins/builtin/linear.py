"""The fully connected layer."""

from __future__ import annotations

import math

import torch

from core import Module


class Linear(Module):
    """Affine map of the last dimension: ``y = x Wᵀ + b``.

    Args:
        in_features: size of each input row.
        out_features: size of each output row.
        bias: learn an additive bias ``b`` (default True).
        dtype, device: of the parameters; torch's defaults when None.

    Shape:
        input ``(*, in_features)``, output ``(*, out_features)``.

    Attributes:
        weight: ``(out_features, in_features)``, initialised from U(-k, k)
            with k = 1/√in_features, as torch.nn.Linear does. For the same
            seed, both draw the same values.
        bias: ``(out_features,)``, from the same distribution, or None.
        weight_grad, bias_grad: accumulated gradients, zeros at first.
    """

    example_args = (3, 2)

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        dtype: torch.dtype | None = None,
        device: torch.device | str | None = None,
    ) -> None:
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"Linear: {name} must be a positive integer, got {value!r}"
                )
        self.in_features = in_features
        self.out_features = out_features

        bound = 1.0 / math.sqrt(in_features)
        options = {"dtype": dtype, "device": device}
        self.weight = torch.empty(out_features, in_features, **options)
        self.weight.uniform_(-bound, bound)
        self.weight_grad = torch.zeros_like(self.weight)
        self.bias = self.bias_grad = None
        if bias:
            self.bias = torch.empty(out_features, **options).uniform_(-bound, bound)
            self.bias_grad = torch.zeros_like(self.bias)
        self._input: torch.Tensor | None = None

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if input.dim() == 0 or input.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear: input shape {tuple(input.shape)} does not end in "
                f"in_features={self.in_features}; expected (*, {self.in_features})"
            )
        self._input = input

        rows = input if input.dim() == 2 else input.reshape(-1, self.in_features)
        if self.bias is None:
            output = rows.mm(self.weight.t())
        else:
            output = torch.addmm(self.bias, rows, self.weight.t())
        if input.dim() == 2:
            return output
        return output.reshape(*input.shape[:-1], self.out_features)

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        input = self._input
        if input is None:
            raise RuntimeError("Linear: backward called before forward")
        if grad_output.shape[:-1] != input.shape[:-1] or (
            grad_output.shape[-1:] != (self.out_features,)
        ):
            raise ValueError(
                f"Linear: grad_output shape {tuple(grad_output.shape)} does not "
                f"match the output shape {(*input.shape[:-1], self.out_features)}"
            )

        grad_rows = grad_output.reshape(-1, self.out_features)
        input_rows = input.reshape(-1, self.in_features)
        self.weight_grad.addmm_(grad_rows.t(), input_rows)
        if self.bias_grad is not None:
            self.bias_grad.add_(grad_rows.sum(0))
        grad_input = grad_rows.mm(self.weight)

        return grad_input.reshape(input.shape)

    def param(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        if self.bias is None:
            return [(self.weight, self.weight_grad)]
        return [(self.weight, self.weight_grad), (self.bias, self.bias_grad)]

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
