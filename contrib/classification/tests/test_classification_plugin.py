"""The installed minidl-classification distribution registers its losses."""

from __future__ import annotations

import importlib.metadata

import pytest
from minidl_classification import BCEWithLogits, CrossEntropy

import core
from core.registry import Registry

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
