"""The installed minidl-optimizers distribution registers its optimizers."""

from __future__ import annotations

import importlib.metadata

import pytest
from minidl_optimizers import Adam, AdamW, RMSprop

import core
from core.registry import Registry

OPTIMIZERS = [("Adam", Adam), ("AdamW", AdamW), ("RMSprop", RMSprop)]


def test_optimizers_entry_point_declared():
    entry_points = importlib.metadata.entry_points(group="core.plugins")
    found = {entry_point.name: entry_point.value for entry_point in entry_points}

    assert found.get("optimizers") == "minidl_optimizers"


@pytest.mark.parametrize("name, optimizer", OPTIMIZERS)
def test_optimizers_registers_optimizer(name, optimizer):
    component = core.registry.get("optimizer", name)

    assert component.obj is optimizer
    assert component.plugin == "optimizers"
    assert component.distribution == "minidl-optimizers"


@pytest.mark.parametrize("name, optimizer", OPTIMIZERS)
def test_optimizers_optimizer_in_namespace(name, optimizer):
    assert getattr(core.optimizers, name) is optimizer
    assert core.registry.get("optimizer", f"optimizers:{name}").obj is optimizer


def test_optimizers_loads_by_distribution_name(monkeypatch):
    monkeypatch.setenv("CORE_LOAD_PLUGINS", "minidl_optimizers")

    registry = Registry()

    assert registry.get("optimizer", "Adam").obj is Adam


def test_optimizers_skipped_when_not_selected(monkeypatch):
    monkeypatch.setenv("CORE_LOAD_PLUGINS", "")

    registry = Registry()

    with pytest.raises(core.ComponentNotFoundError, match="unknown optimizer 'Adam'"):
        registry.get("optimizer", "Adam")
