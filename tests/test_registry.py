"""The component registry: lookup, errors, clashes, provenance, lazy loading."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

import core
from core import registry
from core.registry import Registry

BUILTINS = {
    "layer": ["LeakyReLU", "Linear", "ReLU", "Sigmoid", "Tanh"],
    "loss": ["MAE", "MSE"],
    "optimizer": ["SGD"],
}


def plugin_with_layer(layer_class, name=None):
    """A plugin object whose register_layers hook registers one layer."""

    class Plugin:
        @core.hookimpl
        def register_layers(self, register):
            register(layer_class, name)

    return Plugin()


class Dropout(core.Module):
    """Stand-in layer for registry tests."""


class OtherDropout(core.Module):
    """Another stand-in layer with a clashing registered name."""


@pytest.fixture
def fresh():
    """A registry that loads no installed plugin."""
    return Registry(load_entry_points=False)


@pytest.mark.parametrize("kind", BUILTINS)
def test_builtins_registered(kind):
    builtins = [c.name for c in registry.components(kind) if c.plugin == "builtin"]

    assert builtins == BUILTINS[kind]


def test_namespaces_resolve_and_list_names():
    assert core.layers.Linear is registry.get("layer", "Linear").obj
    assert core.losses.MSE.__name__ == "MSE"
    assert core.optimizers.SGD.__name__ == "SGD"
    assert set(BUILTINS["layer"]) <= set(dir(core.layers))
    assert set(BUILTINS["loss"]) <= set(dir(core.losses))
    assert set(BUILTINS["optimizer"]) <= set(dir(core.optimizers))
    assert dir(core.layers) == registry.default_registry().names("layer")
    assert "MSE" not in dir(core.layers)


def test_namespace_supports_from_import():
    from core.layers import Tanh

    assert Tanh is core.layers.Tanh


def test_builtin_provenance():
    component = registry.get("layer", "Linear")

    assert component.plugin == "builtin"
    assert component.distribution == "minidl"
    assert component.version == importlib.metadata.version("minidl")
    assert component.qualified_name == "builtin:Linear"
    assert component.summary.startswith("Affine map")


def test_unknown_name_lists_names_and_closest_match():
    with pytest.raises(core.ComponentNotFoundError) as raised:
        core.layers.Lineer

    message = str(raised.value)
    assert "unknown layer 'Lineer'" in message
    assert "Did you mean 'Linear'?" in message
    assert "LeakyReLU, Linear, ReLU, Sigmoid, Tanh" in message


def test_unknown_name_is_attribute_error():
    assert not hasattr(core.losses, "Nope")
    assert getattr(core.optimizers, "Nope", None) is None


def test_private_names_do_not_load_plugins(fresh):
    with pytest.raises(AttributeError):
        core.layers.__wrapped__


def test_unknown_kind_rejected(fresh):
    with pytest.raises(ValueError, match="unknown component kind 'layers'"):
        fresh.get("layers", "Linear")


def test_inline_plugin_registers_and_unregisters(fresh):
    name = fresh.register_plugin(plugin_with_layer(Dropout), name="extra")

    component = fresh.get("layer", "Dropout")
    assert component.obj is Dropout
    assert component.plugin == "extra"
    assert component.distribution is None

    fresh.unregister_plugin(name)
    with pytest.raises(core.ComponentNotFoundError):
        fresh.get("layer", "Dropout")


def test_name_defaults_to_class_name_and_can_be_set(fresh):
    fresh.register_plugin(plugin_with_layer(Dropout, "Drop"), name="extra")

    assert fresh.names("layer") == ["Drop"]


def test_clash_makes_bare_name_an_error_naming_both(fresh):
    fresh.register_plugin(plugin_with_layer(Dropout), name="first")
    fresh.register_plugin(plugin_with_layer(OtherDropout, "Dropout"), name="second")

    with pytest.raises(core.AmbiguousComponentError) as raised:
        fresh.get("layer", "Dropout")

    message = str(raised.value)
    assert "plugin 'first'" in message
    assert "plugin 'second'" in message
    assert "'first:Dropout'" in message
    assert "'second:Dropout'" in message


def test_clash_keeps_both_reachable_by_qualified_name(fresh):
    fresh.register_plugin(plugin_with_layer(Dropout), name="first")
    fresh.register_plugin(plugin_with_layer(OtherDropout, "Dropout"), name="second")

    assert fresh.get("layer", "first:Dropout").obj is Dropout
    assert fresh.get("layer", "second:Dropout").obj is OtherDropout
    assert [c.plugin for c in fresh.components("layer")] == ["first", "second"]


def test_clash_in_default_registry_through_namespace():
    name = registry.default_registry().register_plugin(
        plugin_with_layer(Dropout, "Tanh"), name="shadow"
    )
    try:
        with pytest.raises(core.AmbiguousComponentError, match="plugin 'builtin'"):
            core.layers.Tanh
        assert getattr(core.layers, "shadow:Tanh") is Dropout
        assert getattr(core.layers, "builtin:Tanh").__name__ == "Tanh"
    finally:
        registry.default_registry().unregister_plugin(name)
    assert core.layers.Tanh.__name__ == "Tanh"


def test_qualified_name_with_unknown_plugin(fresh):
    fresh.register_plugin(plugin_with_layer(Dropout), name="first")

    with pytest.raises(
        core.ComponentNotFoundError, match="unknown layer 'other:Dropout'"
    ):
        fresh.get("layer", "other:Dropout")


def test_register_rejects_wrong_base_class(fresh):
    fresh.register_plugin(plugin_with_layer(core.Loss), name="wrong")

    with pytest.warns(
        core.PluginWarning, match="plugin 'wrong'.*expected a subclass of core.Module"
    ):
        assert fresh.names("layer") == []


@pytest.mark.parametrize("name", ["with space", "_Private", "a:b", ""])
def test_register_rejects_invalid_names(fresh, name):
    fresh.register_plugin(plugin_with_layer(Dropout, name), name="bad")

    with pytest.warns(core.PluginWarning, match="is not valid"):
        assert fresh.names("layer") == []


def test_import_core_loads_no_plugin():
    code = (
        "import sys, core\n"
        "print('plugins.builtin' in sys.modules)\n"
        "core.layers.Linear\n"
        "print('plugins.builtin' in sys.modules)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout

    assert output.split() == ["False", "True"]
