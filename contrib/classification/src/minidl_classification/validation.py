"""Input checks shared by the classification losses."""

from __future__ import annotations

import torch

from core import Loss


def check_rows(loss: Loss, prediction: torch.Tensor) -> None:
    """Raise ValueError unless the prediction is a floating (N, C) tensor, N, C ≥ 1."""
    name = type(loss).__name__
    if not prediction.is_floating_point():
        raise ValueError(
            f"{name}: prediction dtype {prediction.dtype} is not floating point; "
            "pass logits as a float tensor"
        )
    if prediction.dim() != 2 or 0 in prediction.shape:
        raise ValueError(
            f"{name}: prediction shape {tuple(prediction.shape)} is not (N, C) with "
            "N, C >= 1; pass one row of logits per example"
        )


def check_probabilities(loss: Loss, target: torch.Tensor) -> None:
    """Raise ValueError unless every target value lies in [0, 1]."""
    # NaN fails both comparisons, so it is rejected too.
    inside = (target >= 0) & (target <= 1)
    if not bool(inside.all()):
        index = tuple(int(i) for i in (~inside).nonzero()[0])
        raise ValueError(
            f"{type(loss).__name__}: target value {target[index].item()} at index "
            f"{index} is not a probability; expected values in [0, 1]"
        )
