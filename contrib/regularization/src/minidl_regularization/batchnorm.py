"""Batch normalization over the batch dimension of (N, C) and (N, C, L) inputs."""

from __future__ import annotations

import math

import torch

from core import Module


class BatchNorm1d(Module):
    """Batch normalization: ``y = (x − μ) / √(σ² + eps) · γ + β`` per channel.

    In training mode μ and σ² are the mean and the biased variance of each
    channel over the batch (and over L for 3-D inputs), and the running
    statistics are updated::

        running_mean = (1 − momentum) · running_mean + momentum · μ
        running_var  = (1 − momentum) · running_var  + momentum · σ² · m / (m − 1)

    where m is the number of values per channel, so the running variance is
    unbiased. In eval mode μ and σ² are the running statistics. Without running
    statistics (``track_running_stats=False``) the batch statistics are used
    in both modes. These are torch.nn.BatchNorm1d's semantics.

    With batch statistics, x̂ = (x − μ) / √(σ² + eps) and g = dL/dy · γ, the
    input gradient is ``dL/dx = (g − mean(g) − x̂ · mean(g · x̂)) / √(σ² + eps)``,
    the means taken per channel like μ. With running statistics it is
    ``g / √(running_var + eps)``.

    Args:
        num_features: number of channels C.
        eps: added to the variance before the square root, > 0 (default 1e-5).
        momentum: weight of the batch statistics in the running statistics, in
            [0, 1] (default 0.1). None makes the running statistics the
            cumulative average of every batch seen, as in torch.
        affine: learn the per-channel scale γ and shift β (default True).
        track_running_stats: keep running statistics for eval mode (default
            True).
        dtype, device: of the parameters and running statistics; torch's
            defaults when None.

    Shape:
        input ``(N, C)`` or ``(N, C, L)``, output the same shape. In training
        mode, and in eval mode without running statistics, every channel needs
        at least two values (N · L ≥ 2). torch raises the same error for one
        value, but it returns an empty output for an empty batch.

    Attributes:
        weight: γ, ``(C,)``, ones at first; None when ``affine=False``.
        bias: β, ``(C,)``, zeros at first; None when ``affine=False``.
        weight_grad, bias_grad: accumulated gradients, zeros at first.
        running_mean: ``(C,)``, zeros at first; None without running statistics.
        running_var: ``(C,)``, ones at first; None without running statistics.
        num_batches_tracked: number of training-mode batches seen, an int.
    """

    example_args = (3,)
    # Every output row depends on every input row of its batch in training mode.
    batch_independent = False

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype: torch.dtype | None = None,
        device: torch.device | str | None = None,
    ) -> None:
        _check_arguments(num_features, eps, momentum, affine, track_running_stats)
        self.num_features = num_features
        self.eps = float(eps)
        self.momentum = None if momentum is None else float(momentum)
        self.affine = affine
        self.track_running_stats = track_running_stats

        options = {"dtype": dtype, "device": device}
        self.weight = self.bias = self.weight_grad = self.bias_grad = None
        if affine:
            self.weight = torch.ones(num_features, **options)
            self.bias = torch.zeros(num_features, **options)
            self.weight_grad = torch.zeros_like(self.weight)
            self.bias_grad = torch.zeros_like(self.bias)
        self.running_mean = self.running_var = None
        if track_running_stats:
            self.running_mean = torch.zeros(num_features, **options)
            self.running_var = torch.ones(num_features, **options)
        self.num_batches_tracked = 0

        # Set by forward for backward: the normalized input x̂, 1 / √(σ² + eps)
        # shaped to broadcast against it, and whether batch statistics were used.
        self._normalized: torch.Tensor | None = None
        self._inverse_std: torch.Tensor | None = None
        self._batch_statistics = False

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        self._check_input(input)
        # Reduce over every dimension except the channels, and keep the reduced
        # dimensions so that the statistics broadcast against the input.
        dims = (0,) if input.dim() == 2 else (0, 2)
        shape = (1, self.num_features) + (1,) * (input.dim() - 2)
        use_batch = self.training or self.running_mean is None

        if use_batch:
            count = input.numel() // self.num_features
            if count < 2:
                raise ValueError(
                    f"BatchNorm1d: expected more than 1 value per channel in training "
                    f"mode, got input shape {tuple(input.shape)}; use a larger batch, "
                    "or call eval() to normalize with the running statistics"
                )
            mean = input.mean(dim=dims, keepdim=True)
            variance = input.var(dim=dims, correction=0, keepdim=True)
            if self.training and self.running_mean is not None:
                self._update_running_stats(mean, variance, count)
        else:
            mean = self.running_mean.view(shape)
            variance = self.running_var.view(shape)

        inverse_std = torch.rsqrt(variance + self.eps)
        normalized = (input - mean) * inverse_std
        self._normalized = normalized
        self._inverse_std = inverse_std
        self._batch_statistics = use_batch

        if self.weight is None:
            return normalized
        return torch.addcmul(self.bias.view(shape), normalized, self.weight.view(shape))

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        normalized = self._normalized
        if normalized is None:
            raise RuntimeError("BatchNorm1d: backward called before forward")
        if grad_output.shape != normalized.shape:
            raise ValueError(
                f"BatchNorm1d: grad_output shape {tuple(grad_output.shape)} does not "
                f"match the output shape {tuple(normalized.shape)}"
            )
        dims = (0,) if normalized.dim() == 2 else (0, 2)
        shape = (1, self.num_features) + (1,) * (normalized.dim() - 2)

        grad_normalized = grad_output
        if self.weight is not None:
            self.weight_grad.add_((grad_output * normalized).sum(dim=dims))
            self.bias_grad.add_(grad_output.sum(dim=dims))
            grad_normalized = grad_output * self.weight.view(shape)

        if not self._batch_statistics:
            return grad_normalized * self._inverse_std

        # μ and σ² depend on every value of the channel, which adds the two
        # mean terms to the per-element gradient g / √(σ² + eps).
        mean_grad = grad_normalized.mean(dim=dims, keepdim=True)
        mean_grad_normalized = (grad_normalized * normalized).mean(
            dim=dims, keepdim=True
        )
        centered = grad_normalized - mean_grad - normalized * mean_grad_normalized
        return centered * self._inverse_std

    def param(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        if self.weight is None:
            return []
        return [(self.weight, self.weight_grad), (self.bias, self.bias_grad)]

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )

    def _check_input(self, input: torch.Tensor) -> None:
        if input.dim() not in (2, 3) or input.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d: input shape {tuple(input.shape)} is not (N, C) or "
                f"(N, C, L) with C = num_features = {self.num_features}"
            )

    def _update_running_stats(
        self, mean: torch.Tensor, variance: torch.Tensor, count: int
    ) -> None:
        self.num_batches_tracked += 1
        if self.momentum is None:
            factor = 1.0 / self.num_batches_tracked
        else:
            factor = self.momentum
        unbiased = variance.flatten() * (count / (count - 1))
        self.running_mean.mul_(1.0 - factor).add_(mean.flatten(), alpha=factor)
        self.running_var.mul_(1.0 - factor).add_(unbiased, alpha=factor)


def _check_arguments(
    num_features: object,
    eps: object,
    momentum: object,
    affine: object,
    track_running_stats: object,
) -> None:
    if not _is_number(num_features, integer=True) or num_features < 1:
        raise ValueError(
            f"BatchNorm1d: num_features must be a positive integer, got {num_features!r}"
        )
    if not _is_number(eps) or not math.isfinite(eps) or eps <= 0:
        raise ValueError(f"BatchNorm1d: eps must be a finite number > 0, got {eps!r}")
    if momentum is not None and (
        not _is_number(momentum) or math.isnan(momentum) or not 0 <= momentum <= 1
    ):
        raise ValueError(
            f"BatchNorm1d: momentum must be a number in [0, 1] or None, got {momentum!r}"
        )
    for name, value in (
        ("affine", affine),
        ("track_running_stats", track_running_stats),
    ):
        if not isinstance(value, bool):
            raise ValueError(
                f"BatchNorm1d: {name} must be True or False, got {value!r}"
            )


def _is_number(value: object, integer: bool = False) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) if integer else isinstance(value, (int, float))
