"""The installed minidl-regularization distribution registers its layers."""

from __future__ import annotations

import importlib.metadata

import pytest
from minidl_regularization import BatchNorm1d, Dropout

import core
from core.registry import Registry

LAYERS = [("Dropout", Dropout), ("BatchNorm1d", BatchNorm1d)]


def test_regularization_entry_point_declared():
    entry_points = importlib.metadata.entry_points(group="core.plugins")
    found = {entry_point.name: entry_point.value for entry_point in entry_points}

    assert found.get("regularization") == "minidl_regularization"


@pytest.mark.parametrize("name, layer", LAYERS)
def test_regularization_registers_layer(name, layer):
    component = core.registry.get("layer", name)

    assert component.obj is layer
    assert component.plugin == "regularization"
    assert component.distribution == "minidl-regularization"


@pytest.mark.parametrize("name, layer", LAYERS)
def test_regularization_layer_in_namespace(name, layer):
    assert getattr(core.layers, name) is layer
    assert core.registry.get("layer", f"regularization:{name}").obj is layer


def test_regularization_loads_by_distribution_name(monkeypatch):
    monkeypatch.setenv("CORE_LOAD_PLUGINS", "minidl-regularization")

    registry = Registry()

    assert registry.get("layer", "Dropout").obj is Dropout


def test_regularization_skipped_when_not_selected(monkeypatch):
    monkeypatch.setenv("CORE_LOAD_PLUGINS", "")

    registry = Registry()

    with pytest.raises(core.ComponentNotFoundError, match="unknown layer 'Dropout'"):
        registry.get("layer", "Dropout")
