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

    Change ``weight`` in place, as optimizers do, or assign a new tensor to
    it. NOTE: ``weight.data = t`` and ``weight.set_(t)`` are not supported:
    they swap the storage behind the view ``weight.t()`` that forward keeps
    between calls, so forward would go on using the old values.
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
        self._input_shape: torch.Size | None = None
        self._weight_t = self._weight_t_of = None
        # Ones, one per input row: the bias gradient is grad_outputᵀ · ones.
        # Kept between calls; rebuilt when the number of rows changes.
        self._ones = torch.ones(0)

    # The common path runs few Python statements, because at batch size 1
    # each one is a measurable share of a step. Shapes that the matmuls
    # cannot take raise there, and the except clauses explain the error.

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        weight_t = self._weight_t
        if self._weight_t_of is not self.weight:
            weight_t = self._transpose_weight()
        try:
            if self.bias is None:
                output = input.mm(weight_t)
            else:
                output = torch.addmm(self.bias, input, weight_t)
        except (RuntimeError, TypeError):
            # Inputs other than (rows, in_features) come here, and so do
            # inputs of another dtype or device, or not tensors at all.
            return self._forward_any_shape(input, weight_t)
        self._rows = input
        self._input_shape = None
        return output

    def _forward_any_shape(
        self, input: torch.Tensor, weight_t: torch.Tensor
    ) -> torch.Tensor:
        self._reject_input(input)
        shape = input.shape
        rows = input.reshape(-1, self.in_features)
        if self.bias is None:
            output = rows.mm(weight_t)
        else:
            output = torch.addmm(self.bias, rows, weight_t)
        self._rows = rows
        self._input_shape = shape
        return output.reshape(*shape[:-1], self.out_features)

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        if self._input_shape is not None:
            grad_input = self._accumulate(grad_output).mm(self.weight)
            return grad_input.reshape(self._input_shape)
        # _accumulate written out for rows in and rows out, the common case.
        rows = self._rows
        if rows is None:
            raise RuntimeError("Linear: backward called before forward")
        try:
            grad_columns = grad_output.t()
            self.weight_grad.addmm_(grad_columns, rows)
        except (RuntimeError, AttributeError):
            self._reject_grad_output(grad_output)
            raise
        bias_grad = self.bias_grad
        if bias_grad is not None:
            try:
                bias_grad.addmv_(grad_columns, self._ones)
            except RuntimeError:
                self._ones = rows.new_ones(rows.shape[0])
                bias_grad.addmv_(grad_columns, self._ones)
        return grad_output.mm(self.weight)

    def backward_params(self, grad_output: torch.Tensor) -> None:
        self._accumulate(grad_output)

    def _accumulate(self, grad_output: torch.Tensor) -> torch.Tensor:
        """Add the weight and bias gradients; return grad_output as rows."""
        rows = self._rows
        if rows is None:
            raise RuntimeError("Linear: backward called before forward")
        grad_rows = grad_output
        if self._input_shape is not None:
            self._reject_grad_output(grad_output)
            grad_rows = grad_output.reshape(-1, self.out_features)
        try:
            grad_columns = grad_rows.t()
            self.weight_grad.addmm_(grad_columns, rows)
        except (RuntimeError, AttributeError):
            self._reject_grad_output(grad_output)
            raise
        bias_grad = self.bias_grad
        if bias_grad is not None:
            try:
                bias_grad.addmv_(grad_columns, self._ones)
            except RuntimeError:
                self._ones = rows.new_ones(rows.shape[0])
                bias_grad.addmv_(grad_columns, self._ones)
        return grad_rows

    def _reject_input(self, input: torch.Tensor) -> None:
        """Raise if input is not a tensor of the parameters' dtype and device
        whose last dimension is in_features."""
        _reject_other(input, "input", self.weight)
        shape = tuple(input.shape)
        if not shape or shape[-1] != self.in_features:
            raise ValueError(
                f"Linear: input shape {shape} does not end in "
                f"in_features={self.in_features}; expected (*, {self.in_features})"
            )

    def _reject_grad_output(self, grad_output: torch.Tensor) -> None:
        """Raise if grad_output does not have the type and shape of the last output."""
        _reject_other(grad_output, "grad_output", self.weight)
        if self._input_shape is None:
            expected = (self._rows.shape[0], self.out_features)
        else:
            expected = (*self._input_shape[:-1], self.out_features)
        if tuple(grad_output.shape) != expected:
            raise ValueError(
                f"Linear: grad_output shape {tuple(grad_output.shape)} does not "
                f"match the output shape {expected}"
            )

    def _transpose_weight(self) -> torch.Tensor:
        """Make and keep the view ``weight.t()`` until ``weight`` is replaced.

        The view shares storage with ``weight``, so in-place updates show
        through it. Making a new view each call costs as much as a small
        matmul.
        """
        self._weight_t = self.weight.t()
        self._weight_t_of = self.weight
        return self._weight_t

    def param(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        if self.bias is None:
            return [(self.weight, self.weight_grad)]
        return [(self.weight, self.weight_grad), (self.bias, self.bias_grad)]

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


def _reject_other(tensor: object, name: str, weight: torch.Tensor) -> None:
    """Raise unless tensor is a tensor with the dtype and device of weight."""
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(
            f"Linear: {name} must be a torch.Tensor, got {type(tensor).__name__}; "
            "convert it with torch.as_tensor"
        )
    if tensor.dtype != weight.dtype:
        fix = f"convert it with .to({weight.dtype})"
        if tensor.is_floating_point():
            fix += f", or build the layer with dtype={tensor.dtype}"
        raise TypeError(
            f"Linear: {name} dtype {tensor.dtype} does not match the parameter "
            f"dtype {weight.dtype}; {fix}"
        )
    if tensor.device != weight.device:
        raise ValueError(
            f"Linear: {name} is on {tensor.device} but the parameters are on "
            f"{weight.device}; move it with .to('{weight.device}'), or build the "
            f"layer with device='{tensor.device}'"
        )
