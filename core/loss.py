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

    # How the contract suite (core.testing) builds an example: the constructor
    # arguments and the shape of the predictions it feeds.
    example_args: tuple = ()
    example_kwargs: dict = {}
    example_prediction_shape: tuple[int, ...] = (4, 3)

    def example_target(self, prediction: torch.Tensor) -> torch.Tensor:
        """Return a valid random target for ``prediction``, for the contract suite.

        The default draws from a standard normal distribution with the
        prediction's shape and dtype. Losses that expect class indices or
        probabilities override it.
        """
        return torch.randn_like(prediction)

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Return the loss as a 0-dim tensor and cache what ``backward`` needs."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement forward(prediction, target)"
        )

    def classification_target(self, labels: torch.Tensor, classes: int) -> torch.Tensor:
        """Encode int64 class labels as targets of this loss.

        Classification jobs such as ``python -m core train`` call it. The
        default returns ±1 one-hot float32 targets of shape (N, classes). A
        loss on logits that takes class indices returns ``labels`` instead.
        """
        return signed_one_hot(labels, classes)

    def backward(self) -> torch.Tensor:
        """Return the gradient with respect to the last prediction."""
        raise NotImplementedError(f"{type(self).__name__} must implement backward()")

    def __call__(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.forward(prediction, target)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def signed_one_hot(labels: torch.Tensor, classes: int) -> torch.Tensor:
    """Return float32 targets of +1 for each label's class and −1 for the others."""
    targets = torch.full((labels.numel(), classes), -1.0)
    targets[torch.arange(labels.numel()), labels] = 1.0
    return targets


def check_same_shape(
    loss: Loss, prediction: torch.Tensor, target: torch.Tensor
) -> None:
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
