"""Binary cross-entropy on logits."""

from __future__ import annotations

import torch

from core import Loss
from core.loss import check_same_shape
from minidl_classification.validation import check_probabilities


class BCEWithLogits(Loss):
    """Binary cross-entropy on logits: ``L = mean(−y log σ(x) − (1−y) log(1−σ(x)))``.

    The mean runs over all N elements. Each term is computed as
    ``max(x, 0) − x · y + log(1 + exp(−|x|))``, which never exponentiates a
    positive number, so logits of ±1e4 give a finite value and gradient in
    float32 and float64.

    Gradient: ``(σ(x) − y) / N``. Same value as torch.nn.BCEWithLogitsLoss()
    with its defaults.

    Shape:
        prediction any non-empty floating-point shape. The target has the
        prediction's shape and dtype and values in [0, 1]; it is never
        broadcast, and any other target raises ValueError.
    """

    def __init__(self) -> None:
        self._difference: torch.Tensor | None = None

    def example_target(self, prediction: torch.Tensor) -> torch.Tensor:
        """Return values drawn uniformly from [0, 1], shaped like ``prediction``."""
        return torch.rand_like(prediction)

    def classification_target(self, labels: torch.Tensor, classes: int) -> torch.Tensor:
        """Encode int64 class labels as 0/1 one-hot targets of shape (N, classes).

        The default ±1 targets are not probabilities, so this loss rejects them.
        The targets have torch's default dtype, like the base class's.
        """
        targets = torch.zeros(labels.numel(), classes)
        targets[torch.arange(labels.numel()), labels] = 1.0
        return targets

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        self._check(prediction, target)

        positive_part = prediction.clamp(min=0)
        softplus_tail = torch.log1p(torch.exp(-prediction.abs()))
        terms = positive_part - prediction * target + softplus_tail
        self._difference = torch.sigmoid(prediction) - target
        return terms.mean()

    def backward(self) -> torch.Tensor:
        difference = self._difference
        if difference is None:
            raise RuntimeError("BCEWithLogits: backward called before forward")
        return difference / difference.numel()

    def _check(self, prediction: torch.Tensor, target: torch.Tensor) -> None:
        check_same_shape(self, prediction, target)
        if not prediction.is_floating_point():
            raise ValueError(
                f"BCEWithLogits: prediction dtype {prediction.dtype} is not floating "
                "point; pass logits as a float tensor"
            )
        if target.dtype != prediction.dtype:
            raise ValueError(
                f"BCEWithLogits: target dtype {target.dtype} does not match the "
                f"prediction dtype {prediction.dtype}; convert the target with "
                f"target.to({prediction.dtype})"
            )
        if prediction.numel() == 0:
            raise ValueError(
                f"BCEWithLogits: prediction of shape {tuple(prediction.shape)} is "
                "empty; the mean needs one element"
            )
        check_probabilities(self, target)
