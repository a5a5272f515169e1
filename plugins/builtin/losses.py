"""Regression losses, each the mean over all elements."""

from __future__ import annotations

import torch

from core import Loss
from core.loss import check_same_shape


class _MeanLoss(Loss):
    """Shared checks and the cached difference ``prediction − target``."""

    _diff: torch.Tensor | None = None

    def _reject(self, prediction: torch.Tensor, target: torch.Tensor) -> None:
        """Raise the error that explains why the inputs are invalid."""
        check_same_shape(self, prediction, target)
        name = type(self).__name__
        if prediction.dtype != target.dtype:
            raise TypeError(
                f"{name}: prediction dtype {prediction.dtype} does not match target "
                f"dtype {target.dtype}; convert the target with "
                f"target.to({prediction.dtype})"
            )
        raise ValueError(
            f"{name}: prediction of shape {tuple(prediction.shape)} is empty; the "
            "mean needs at least one element"
        )

    def _not_ready(self) -> RuntimeError:
        return RuntimeError(f"{type(self).__name__}: backward called before forward")


class MSE(_MeanLoss):
    """Mean squared error: ``L = Σ (ŷ − y)² / N``, N the number of elements.

    Gradient: ``2 (ŷ − y) / N``. Prediction and target must have the same shape
    and dtype; they are never broadcast. Same value as torch.nn.MSELoss().
    """

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if (
            prediction.shape != target.shape
            or prediction.dtype != target.dtype
            or prediction.numel() == 0
        ):
            self._reject(prediction, target)
        diff = prediction - target
        self._diff = diff
        return torch.mean(diff * diff)

    def backward(self) -> torch.Tensor:
        diff = self._diff
        if diff is None:
            raise self._not_ready()
        return diff * (2.0 / diff.numel())


class MAE(_MeanLoss):
    """Mean absolute error: ``L = Σ |ŷ − y| / N``, N the number of elements.

    Gradient: ``sign(ŷ − y) / N``, 0 where ŷ = y, as in torch. Prediction and
    target must have the same shape and dtype; they are never broadcast. Same
    value as torch.nn.L1Loss().
    """

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if (
            prediction.shape != target.shape
            or prediction.dtype != target.dtype
            or prediction.numel() == 0
        ):
            self._reject(prediction, target)
        diff = prediction - target
        self._diff = diff
        return torch.mean(diff.abs())

    def backward(self) -> torch.Tensor:
        diff = self._diff
        if diff is None:
            raise self._not_ready()
        return torch.sign(diff).mul_(1.0 / diff.numel())
