"""Softmax cross-entropy on logits."""

from __future__ import annotations

import torch

from core import Loss
from minidl_classification.validation import (
    check_probabilities,
    check_rows,
)


class CrossEntropy(Loss):
    """Softmax cross-entropy: ``L = −Σᵢ Σ_c yᵢ_c log softmax(xᵢ)_c / N``.

    ``x`` are the logits of N rows and C classes. The target is either the
    class index of each row, so that ``yᵢ`` is one-hot, or the class
    probabilities of each row. The log-softmax is computed as
    ``x − max(x) − log Σ exp(x − max(x))`` per row, so logits of ±1e4 give a
    finite value and gradient in float32 and float64.

    Gradient: ``(softmax(xᵢ) · Σ_c yᵢ_c − yᵢ) / N``, which is
    ``(softmax(xᵢ) − yᵢ) / N`` when the probabilities of each row sum to 1.
    Same value as torch.nn.CrossEntropyLoss() with its defaults, except that
    no target index is ignored: torch skips rows whose target is -100.

    Shape:
        prediction ``(N, C)`` floating point, N ≥ 1. Target class indices
        ``(N,)`` of dtype int64 in [0, C), or probabilities ``(N, C)`` in
        [0, 1] with the prediction's dtype. Any other target raises ValueError;
        it is never broadcast.
    """

    def __init__(self) -> None:
        self._softmax: torch.Tensor | None = None
        self._target: torch.Tensor | None = None

    def example_target(self, prediction: torch.Tensor) -> torch.Tensor:
        """Return random class indices, one per row of ``prediction``."""
        rows, classes = prediction.shape
        return torch.randint(classes, (rows,), device=prediction.device)

    def classification_target(self, labels: torch.Tensor, classes: int) -> torch.Tensor:
        """Return ``labels`` unchanged: int64 class indices are a valid target."""
        return labels

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        check_rows(self, prediction)
        rows = prediction.shape[0]
        indices = self._check_target(prediction, target)

        # Subtracting the row maximum keeps every exponent ≤ 0, so exp cannot
        # overflow and the row sum is at least 1.
        shifted = prediction - prediction.amax(dim=1, keepdim=True)
        exponentials = torch.exp(shifted)
        totals = exponentials.sum(dim=1, keepdim=True)
        log_probabilities = shifted - torch.log(totals)
        self._softmax = exponentials / totals
        self._target = target

        if indices:
            picked = log_probabilities.gather(1, target.unsqueeze(1))
            return -picked.sum() / rows
        return -(target * log_probabilities).sum() / rows

    def backward(self) -> torch.Tensor:
        softmax, target = self._softmax, self._target
        if softmax is None or target is None:
            raise RuntimeError("CrossEntropy: backward called before forward")
        rows = softmax.shape[0]

        if target.dim() == 1:
            grad = softmax.clone()
            grad[torch.arange(rows, device=grad.device), target] -= 1
        else:
            grad = softmax * target.sum(dim=1, keepdim=True) - target
        return grad.div_(rows)

    def _check_target(self, prediction: torch.Tensor, target: torch.Tensor) -> bool:
        """Raise ValueError unless the target fits; return whether it contains indices."""
        rows, classes = prediction.shape
        if target.dtype == torch.int64 and target.shape == (rows,):
            _check_indices(target, classes)
            return True
        if target.dtype == prediction.dtype and target.shape == prediction.shape:
            check_probabilities(self, target)
            return False
        raise ValueError(
            f"CrossEntropy: target of shape {tuple(target.shape)} and dtype "
            f"{target.dtype} does not fit the prediction of shape "
            f"{tuple(prediction.shape)}; pass class indices of shape ({rows},) and "
            f"dtype torch.int64, or probabilities of shape {tuple(prediction.shape)} "
            f"and dtype {prediction.dtype}"
        )


def _check_indices(target: torch.Tensor, classes: int) -> None:
    invalid = (target < 0) | (target >= classes)
    if bool(invalid.any()):
        row = int(invalid.nonzero()[0, 0])
        raise ValueError(
            f"CrossEntropy: class index {int(target[row])} in row {row} is out of "
            f"range for {classes} classes; expected 0 <= index < {classes}"
        )
