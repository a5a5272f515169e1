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
        name = type(self).__name__
        for label, value in (("prediction", prediction), ("target", target)):
            if not isinstance(value, torch.Tensor):
                raise TypeError(
                    f"{name}: {label} must be a torch.Tensor, got "
                    f"{type(value).__name__}; convert it with torch.as_tensor"
                )
        check_same_shape(self, prediction, target)
        if prediction.dtype != target.dtype:
            if prediction.is_floating_point():
                fix = f"convert the target with target.to({prediction.dtype})"
            else:
                fix = "the prediction must be floating point"
            raise TypeError(
                f"{name}: prediction dtype {prediction.dtype} does not match target "
                f"dtype {target.dtype}; {fix}"
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
        try:
            invalid = (
                prediction.shape != target.shape
                or prediction.dtype != target.dtype
                or prediction.numel() == 0
            )
        except AttributeError:  # not tensors
            invalid = True
        if invalid:
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
        try:
            invalid = (
                prediction.shape != target.shape
                or prediction.dtype != target.dtype
                or prediction.numel() == 0
            )
        except AttributeError:  # not tensors
            invalid = True
        if invalid:
            self._reject(prediction, target)
        diff = prediction - target
        self._diff = diff
        return torch.mean(diff.abs())

    def backward(self) -> torch.Tensor:
        diff = self._diff
        if diff is None:
            raise self._not_ready()
        return torch.sign(diff).mul_(1.0 / diff.numel())
