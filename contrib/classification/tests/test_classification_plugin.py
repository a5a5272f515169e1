"""The installed minidl-classification distribution registers its losses."""

from __future__ import annotations

import importlib.metadata

import pytest
import torch
from minidl_classification import BCEWithLogits, CrossEntropy

import core
from core.registry import Registry
from core.train import TrainConfig, train_disc

LOSSES = [("CrossEntropy", CrossEntropy), ("BCEWithLogits", BCEWithLogits)]


def test_classification_entry_point_declared():
    entry_points = importlib.metadata.entry_points(group="core.plugins")
    found = {entry_point.name: entry_point.value for entry_point in entry_points}

    assert found.get("classification") == "minidl_classification"


@pytest.mark.parametrize("name, loss", LOSSES)
def test_classification_registers_loss(name, loss):
    component = core.registry.get("loss", name)

    assert component.obj is loss
    assert component.plugin == "classification"
    assert component.distribution == "minidl-classification"


@pytest.mark.parametrize("name, loss", LOSSES)
def test_classification_loss_in_namespace(name, loss):
    assert getattr(core.losses, name) is loss
    assert core.registry.get("loss", f"classification:{name}").obj is loss


def test_classification_loads_by_entry_point_name(monkeypatch):
    monkeypatch.setenv("CORE_LOAD_PLUGINS", "classification")

    registry = Registry()

    assert registry.get("loss", "CrossEntropy").obj is CrossEntropy


def test_classification_skipped_when_not_selected(monkeypatch):
    monkeypatch.setenv("CORE_LOAD_PLUGINS", "")

    registry = Registry()

    with pytest.raises(
        core.ComponentNotFoundError, match="unknown loss 'CrossEntropy'"
    ):
        registry.get("loss", "CrossEntropy")


def test_cross_entropy_takes_labels_as_classification_target():
    labels = torch.tensor([1, 0, 2])

    target = CrossEntropy().classification_target(labels, 3)

    assert torch.equal(target, labels)


def test_bce_classification_target_is_zero_one_one_hot():
    labels = torch.tensor([1, 0, 2])

    target = BCEWithLogits().classification_target(labels, 3)

    expected = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert torch.equal(target, expected)
    assert target.dtype == torch.get_default_dtype()


@pytest.mark.parametrize("name", ["CrossEntropy", "BCEWithLogits"])
def test_disc_training_learns_with_loss(name):
    result = train_disc(TrainConfig(epochs=5, seed=1, loss=name))

    # Both classes are equally likely, so chance is 50%.
    assert result.test_error < 0.10
