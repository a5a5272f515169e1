"""The disc classification task: points in the unit square, inside or outside a disc."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

CENTER = 0.5
# A disc of radius 1/√(2π) has area 1/2, so the two classes are equally likely.
RADIUS = 1 / math.sqrt(2 * math.pi)


def generate_disc_set(
    count: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``count`` points uniform in [0, 1]² and their labels.

    Returns ``(points, labels)``: float32 of shape (count, 2), and int64 of
    shape (count,) that is 1 inside the disc centred at (0.5, 0.5) of radius
    1/√(2π) and 0 outside.
    """
    points = torch.rand(count, 2, generator=generator)
    squared_distance = (points - CENTER).square().sum(dim=1)
    labels = (squared_distance < RADIUS**2).long()
    return points, labels


@dataclass
class DiscData:
    """Normalised splits of the disc task."""

    train_points: torch.Tensor
    train_labels: torch.Tensor
    validation_points: torch.Tensor
    validation_labels: torch.Tensor
    test_points: torch.Tensor
    test_labels: torch.Tensor


def load_disc_data(
    seed: int,
    train_count: int = 1000,
    test_count: int = 1000,
    validation_fraction: float = 0.1,
) -> DiscData:
    """Generate the training and test sets and hold out a validation split.

    The validation points are taken from the training points at random. All
    splits are normalised with the mean and standard deviation of the points
    left for training.
    """
    generator = torch.Generator().manual_seed(seed)
    points, labels = generate_disc_set(train_count, generator)
    test_points, test_labels = generate_disc_set(test_count, generator)

    order = torch.randperm(train_count, generator=generator)
    validation_count = round(train_count * validation_fraction)
    held_out, kept = order[:validation_count], order[validation_count:]

    mean = points[kept].mean(dim=0)
    std = points[kept].std(dim=0)
    return DiscData(
        train_points=(points[kept] - mean) / std,
        train_labels=labels[kept],
        validation_points=(points[held_out] - mean) / std,
        validation_labels=labels[held_out],
        test_points=(test_points - mean) / std,
        test_labels=test_labels,
    )
