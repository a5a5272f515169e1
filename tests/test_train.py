"""The disc task: data generation and a short training run."""

from __future__ import annotations

import math

import pytest
import torch

import core
from core.disc import RADIUS, generate_disc_set, load_disc_data
from core.loss import signed_one_hot
from core.train import TrainConfig, build_network, cosine_learning_rate, train_disc


def test_disc_labels_follow_radius():
    points, labels = generate_disc_set(2000, torch.Generator().manual_seed(0))

    distance = (points - 0.5).norm(dim=1)
    assert points.shape == (2000, 2)
    assert points.min() >= 0
    assert points.max() <= 1
    assert torch.equal(labels, (distance < RADIUS).long())


def test_disc_classes_roughly_balanced():
    _, labels = generate_disc_set(20000, torch.Generator().manual_seed(0))

    # The disc has area π r² = 1/2.
    assert math.pi * RADIUS**2 == pytest.approx(0.5)
    assert labels.float().mean().item() == pytest.approx(0.5, abs=0.02)


def test_disc_data_splits_and_normalisation():
    data = load_disc_data(seed=0)

    assert len(data.train_labels) == 900
    assert len(data.validation_labels) == 100
    assert len(data.test_labels) == 1000
    torch.testing.assert_close(
        data.train_points.mean(0), torch.zeros(2), atol=1e-6, rtol=0
    )
    torch.testing.assert_close(
        data.train_points.std(0), torch.ones(2), atol=1e-6, rtol=0
    )
    # The validation and test points are scaled with the training statistics,
    # so their mean is near 0 but not exactly 0.
    assert data.test_points.mean(0).abs().max() < 0.15


def test_disc_data_depends_on_seed():
    first, again, other = load_disc_data(0), load_disc_data(0), load_disc_data(1)

    assert torch.equal(first.train_points, again.train_points)
    assert not torch.equal(first.train_points, other.train_points)


def test_signed_one_hot():
    targets = signed_one_hot(torch.tensor([0, 1, 1]), 2)

    assert targets.tolist() == [[1.0, -1.0], [-1.0, 1.0], [-1.0, 1.0]]


def test_network_shape():
    net = build_network((25, 25, 25), core.layers.Tanh)

    widths = [
        (m.in_features, m.out_features)
        for m in net
        if isinstance(m, core.layers.Linear)
    ]
    assert widths == [(2, 25), (25, 25), (25, 25), (25, 2)]
    assert sum(isinstance(m, core.layers.Tanh) for m in net) == 3


def test_cosine_learning_rate_endpoints():
    assert cosine_learning_rate(0.1, 0, 10) == pytest.approx(0.1)
    assert cosine_learning_rate(0.1, 5, 10) == pytest.approx(0.05)
    assert cosine_learning_rate(0.1, 9, 10) == pytest.approx(
        0.1 * (1 + math.cos(0.9 * math.pi)) / 2
    )


def test_short_training_learns_disc():
    result = train_disc(TrainConfig(epochs=5, seed=1))

    # Both classes are equally likely, so chance is 50%.
    assert result.test_error < 0.10
    assert result.train_error < 0.10


def test_training_with_other_components_learns():
    config = TrainConfig(epochs=5, activation="ReLU", loss="MAE", schedule="constant")

    assert train_disc(config).test_error < 0.25


def test_training_rejects_invalid_config():
    with pytest.raises(ValueError, match="invalid epochs 0.*invalid lr -1"):
        train_disc(TrainConfig(epochs=0, lr=-1))


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5, float("nan")])
def test_training_rejects_momentum_outside_unit_interval(momentum):
    with pytest.raises(
        ValueError, match=r"invalid momentum .*expected a number in \[0, 1\)"
    ):
        train_disc(TrainConfig(momentum=momentum))


def test_training_is_reproducible():
    first = train_disc(TrainConfig(epochs=2, hidden=(8,)))
    second = train_disc(TrainConfig(epochs=2, hidden=(8,)))

    assert first == second
