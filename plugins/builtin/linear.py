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
        for name, value in (
            ("in_features", in_features),
            ("out_features", out_features),
        ):
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
        self._rows: torch.Tensor | None = None
        self._ones_cache: torch.Tensor | None = None

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        shape = input.shape
        if len(shape) == 2 and shape[1] == self.in_features:
            rows = input
        else:
            if not shape or shape[-1] != self.in_features:
                raise ValueError(
                    f"Linear: input shape {tuple(shape)} does not end in "
                    f"in_features={self.in_features}; expected (*, {self.in_features})"
                )
            rows = input.reshape(-1, self.in_features)

        if self.bias is None:
            output = rows.mm(self.weight.t())
        else:
            output = torch.addmm(self.bias, rows, self.weight.t())
        if rows is not input:
            output = output.reshape(*shape[:-1], self.out_features)
        self._rows, self._input_shape, self._output_shape = rows, shape, output.shape

        return output

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        rows = self._rows
        if rows is None:
            raise RuntimeError("Linear: backward called before forward")
        if grad_output.shape != self._output_shape:
            raise ValueError(
                f"Linear: grad_output shape {tuple(grad_output.shape)} does not "
                f"match the output shape {tuple(self._output_shape)}"
            )

        grad_rows = grad_output
        if len(self._input_shape) != 2:
            grad_rows = grad_output.reshape(rows.shape[0], self.out_features)
        self.weight_grad.addmm_(grad_rows.t(), rows)
        if self.bias_grad is not None:
            # Sums the rows of grad_rows into bias_grad in one operation.
            self.bias_grad.addmv_(grad_rows.t(), self._ones(rows))
        grad_input = grad_rows.mm(self.weight)

        if len(self._input_shape) == 2:
            return grad_input
        return grad_input.reshape(self._input_shape)

    def _ones(self, rows: torch.Tensor) -> torch.Tensor:
        """Return a vector of ones, one per row, kept between calls of the same batch size."""
        ones = self._ones_cache
        if ones is None or ones.shape[0] != rows.shape[0]:
            ones = torch.ones(rows.shape[0], dtype=rows.dtype, device=rows.device)
            self._ones_cache = ones
        return ones

    def param(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        if self.bias is None:
            return [(self.weight, self.weight_grad)]
        return [(self.weight, self.weight_grad), (self.bias, self.bias_grad)]

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
