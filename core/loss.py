"""Base class of every loss."""

from __future__ import annotations

import torch


class Loss:
    """A loss that computes its own gradient.

    ``forward(prediction, target)`` returns a 0-dim tensor and caches what
    ``backward()`` needs. ``backward()`` returns the gradient of that value
    with respect to the prediction of the last ``forward`` call. Calling a loss
    runs ``forward``.
    """

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Return the loss as a 0-dim tensor and cache what ``backward`` needs."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement forward(prediction, target)"
        )

    def backward(self) -> torch.Tensor:
        """Return the gradient with respect to the last prediction."""
        raise NotImplementedError(f"{type(self).__name__} must implement backward()")

    def __call__(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.forward(prediction, target)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def check_same_shape(loss: Loss, prediction: torch.Tensor, target: torch.Tensor) -> None:
    """Raise ValueError unless prediction and target have the same shape.

    Losses call this instead of broadcasting, because a broadcast target, such
    as shape (N,) against (N, 1), silently computes a different loss.
    """
    if prediction.shape != target.shape:
        raise ValueError(
            f"{type(loss).__name__}: prediction shape {tuple(prediction.shape)} "
            f"does not match target shape {tuple(target.shape)}; reshape one of "
            "them so that both have the same shape"
        )
