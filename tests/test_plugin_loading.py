"""Entry-point discovery, failure isolation and plugin control, for real.

Each test lays out distributions with their dist-info in a temporary folder
and puts it on the path of a child process or of a fresh Registry, so
importlib.metadata finds them exactly as it finds pip-installed packages.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import core
from core.registry import Registry

GOOD = '''
import torch
from core import Module, hookimpl


class Doubler(Module):
    """Multiply the input by 2."""

    def forward(self, input):
        return 2 * input

    def backward(self, grad_output):
        return 2 * grad_output


@hookimpl
def register_layers(register):
    register(Doubler)
'''

IMPORT_FAILS = """
import module_that_does_not_exist
"""

HOOK_FAILS = """
from core import hookimpl


@hookimpl
def register_layers(register):
    raise RuntimeError("hook exploded")
"""

CLASH = '''
from core import hookimpl
from {module_of_doubler} import Doubler


class Tripler(Doubler):
    """Multiply the input by 3."""

    def forward(self, input):
        return 3 * input

    def backward(self, grad_output):
        return 3 * grad_output


@hookimpl
def register_layers(register):
    register(Tripler, name="Doubler")
'''

BROKEN_LOSS = '''
from core import Loss, hookimpl


class HalfGradientMSE(Loss):
    """MSE whose backward pass misses the factor 2."""

    def forward(self, prediction, target):
        if prediction.shape != target.shape:
            raise ValueError(f"shape {tuple(prediction.shape)} != {tuple(target.shape)}")
        self.diff = prediction - target
        return self.diff.square().mean()

    def backward(self):
        return self.diff / self.diff.numel()


@hookimpl
def register_losses(register):
    register(HalfGradientMSE)
'''


def add_distribution(
    root: Path, dist: str, module: str, source: str, entry_name: str | None = None
) -> None:
    """Write a module and the dist-info that declares it a core.plugins entry point."""
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(
        f"[core.plugins]\n{entry_name or module} = {module}\n"
    )


def run_core(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(root), **env}
    for name in ("CORE_LOAD_PLUGINS", "CORE_STRICT_PLUGINS"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        capture_output=True,
        text=True,
        env=environment,
    )


def listed(result: subprocess.CompletedProcess) -> dict[str, dict]:
    assert result.returncode == 0, result.stderr
    return {row["qualified_name"]: row for row in json.loads(result.stdout)}


@pytest.fixture
def site(tmp_path):
    """A folder of distributions: one good plugin and two broken ones."""
    add_distribution(tmp_path, "good-plugin", "good_plugin", GOOD)
    add_distribution(tmp_path, "import-fails", "import_fails", IMPORT_FAILS)
    add_distribution(tmp_path, "hook-fails", "hook_fails", HOOK_FAILS)
    return tmp_path


def test_installed_plugin_is_listed_with_provenance(site):
    rows = listed(run_core(site, "list", "--json"))

    row = rows["good_plugin:Doubler"]
    assert row["kind"] == "layer"
    assert row["plugin"] == "good_plugin"
    assert row["distribution"] == "good-plugin"
    assert row["version"] == "1.0"
    assert "builtin:Linear" in rows


def test_failing_plugins_leave_list_working(site):
    result = run_core(site, "list")

    assert result.returncode == 0
    assert "Doubler" in result.stdout
    assert "Linear" in result.stdout
    failed = result.stdout.split("FAILED PLUGIN", 1)[1]
    assert "import_fails" in failed
    assert "ModuleNotFoundError" in failed
    assert "hook_fails" in failed
    assert "hook exploded" in failed


def test_failing_plugins_warn_by_name_in_one_line(site):
    result = run_core(site, "list", "--json")

    warnings = result.stderr.splitlines()
    assert len(warnings) == 2, result.stderr
    assert any("plugin 'import_fails' (import-fails 1.0) failed" in w for w in warnings)
    assert any("plugin 'hook_fails' (hook-fails 1.0) failed" in w for w in warnings)
    assert all(w.startswith("warning: ") for w in warnings)


@pytest.mark.parametrize(
    "args",
    [
        ["train", "--epochs", "1", "--quiet"],
        ["check", "Linear"],
        ["info", "Doubler"],
    ],
)
def test_failing_plugins_leave_every_command_working(site, args):
    result = run_core(site, *args)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_strict_mode_makes_failures_errors(site):
    result = run_core(site, "list", CORE_STRICT_PLUGINS="1")

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert (
        "plugin 'import_fails'" in result.stderr
        or "plugin 'hook_fails'" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_invalid_strict_value_is_reported(site):
    result = run_core(site, "list", CORE_STRICT_PLUGINS="maybe")

    assert result.returncode == 2
    assert "CORE_STRICT_PLUGINS='maybe' is not valid" in result.stderr


def test_invalid_strict_value_is_reported_without_failures(tmp_path):
    result = run_core(tmp_path, "list", CORE_STRICT_PLUGINS="maybe")

    assert result.returncode == 2
    assert "CORE_STRICT_PLUGINS='maybe' is not valid" in result.stderr


def test_misspelt_hook_fails_the_plugin(tmp_path):
    source = GOOD.replace("def register_layers(", "def register_layer(")
    add_distribution(tmp_path, "misspelt", "misspelt", source)

    result = run_core(tmp_path, "list")

    assert result.returncode == 0
    assert "plugin 'misspelt'" in result.stderr
    assert "'register_layer' is marked @hookimpl but is not a hook" in result.stderr
    assert "Did you mean 'register_layers'?" in result.stderr
    assert "misspelt" in result.stdout.split("FAILED PLUGIN", 1)[1]


def test_load_list_naming_builtins_is_quiet(site):
    for names in ("builtin", "minidl", "builtin,good_plugin"):
        result = run_core(site, "list", "--json", CORE_LOAD_PLUGINS=names)

        assert "builtin:Linear" in listed(result)
        assert result.stderr == "", names


def test_check_names_a_plugin_that_failed(site):
    result = run_core(site, "check", "--plugin", "hook_fails")

    assert result.returncode == 2
    assert "plugin 'hook_fails' failed to load" in result.stderr
    assert "hook exploded" in result.stderr


def test_empty_load_list_means_builtins_only(site):
    result = run_core(site, "list", "--json", CORE_LOAD_PLUGINS="")

    assert {row["plugin"] for row in listed(result).values()} == {"builtin"}
    assert result.stderr == ""


def test_load_list_selects_plugins(site):
    result = run_core(site, "list", "--json", CORE_LOAD_PLUGINS="good_plugin")

    assert {row["plugin"] for row in listed(result).values()} == {
        "builtin",
        "good_plugin",
    }
    assert result.stderr == ""


def test_load_list_accepts_distribution_names(site):
    result = run_core(
        site, "list", "--json", CORE_LOAD_PLUGINS=" Good_Plugin , hook-fails"
    )

    assert {row["plugin"] for row in listed(result).values()} == {
        "builtin",
        "good_plugin",
    }
    assert "plugin 'hook_fails'" in result.stderr


def test_load_list_warns_about_unknown_names(site):
    result = run_core(site, "list", "--json", CORE_LOAD_PLUGINS="nothing_here")

    assert "CORE_LOAD_PLUGINS names 'nothing_here'" in result.stderr
    assert {row["plugin"] for row in listed(result).values()} == {"builtin"}


@pytest.fixture
def clash(tmp_path):
    """Two installed plugins that both register a layer named Doubler."""
    add_distribution(tmp_path, "good-plugin", "good_plugin", GOOD)
    add_distribution(
        tmp_path,
        "clash-plugin",
        "clash_plugin",
        CLASH.format(module_of_doubler="good_plugin"),
    )
    return tmp_path


def test_clash_lists_both_providers(clash):
    rows = listed(run_core(clash, "list", "--json"))

    assert rows["good_plugin:Doubler"]["distribution"] == "good-plugin"
    assert rows["clash_plugin:Doubler"]["distribution"] == "clash-plugin"


def test_clash_bare_name_is_an_error_naming_both(clash):
    result = run_core(clash, "train", "--activation", "Doubler", "--epochs", "1")

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "plugin 'good_plugin' (good-plugin 1.0)" in result.stderr
    assert "plugin 'clash_plugin' (clash-plugin 1.0)" in result.stderr


def test_clash_qualified_name_works(clash):
    result = run_core(
        clash,
        "train",
        "--activation",
        "clash_plugin:Doubler",
        "--hidden",
        "4",
        "--lr",
        "0.001",
        "--epochs",
        "1",
        "--quiet",
    )

    assert result.returncode == 0, result.stderr


def test_info_shows_both_clashing_components(clash):
    result = run_core(clash, "info", "Doubler")

    assert result.returncode == 0
    assert "good-plugin 1.0" in result.stdout
    assert "clash-plugin 1.0" in result.stdout
    assert "Multiply the input by 3." in result.stdout


def test_info_shows_source_signature_and_doc(tmp_path):
    result = run_core(tmp_path, "info", "Linear")

    assert result.returncode == 0
    assert (
        "Linear(in_features: int, out_features: int, bias: bool = True" in result.stdout
    )
    assert "plugins/builtin/linear.py" in result.stdout.replace(os.sep, "/")
    assert "minidl" in result.stdout
    assert "Affine map" in result.stdout


def test_info_unknown_name_exits_2(tmp_path):
    result = run_core(tmp_path, "info", "Lineer")

    assert result.returncode == 2
    assert "Did you mean 'Linear'?" in result.stderr


def test_check_fails_on_broken_component_naming_it(tmp_path):
    add_distribution(tmp_path, "broken-loss", "broken_loss", BROKEN_LOSS)

    result = run_core(tmp_path, "check", "--plugin", "broken_loss")

    assert result.returncode == 1
    expected = "loss broken_loss:HalfGradientMSE: gradient matches finite differences"
    assert f"FAIL  {expected}" in result.stdout
    assert f"failed: {expected}" in result.stdout


def test_check_passes_on_builtins(tmp_path):
    result = run_core(tmp_path, "check", "--plugin", "builtin")

    assert result.returncode == 0, result.stdout
    assert "0 failed" in result.stdout
    assert "FAIL" not in result.stdout


def test_check_named_components_only(tmp_path):
    result = run_core(tmp_path, "check", "MSE", "SGD")

    assert result.returncode == 0
    assert "2 components, 7 checks" in result.stdout


def test_registry_warning_class_and_message(site, monkeypatch):
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("CORE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("CORE_STRICT_PLUGINS", raising=False)
    registry = Registry()

    with pytest.warns(core.PluginWarning) as caught:
        names = registry.names("layer")

    assert "Doubler" in names
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 2
    assert messages[0].startswith("plugin 'hook_fails' (hook-fails 1.0) failed")
    assert messages[1].startswith("plugin 'import_fails' (import-fails 1.0) failed")
    assert [f.name for f in registry.failures()] == ["import_fails", "hook_fails"]


def test_registry_strict_raises_plugin_error(site, monkeypatch):
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("CORE_STRICT_PLUGINS", "1")
    monkeypatch.delenv("CORE_LOAD_PLUGINS", raising=False)

    registry = Registry()

    with pytest.raises(core.PluginError, match="plugin '(import|hook)_fails'") as first:
        registry.names("layer")
    assert "Unset CORE_STRICT_PLUGINS" in str(first.value)
    assert "was skipped" not in str(first.value)
    # Every later lookup raises again; none goes on without the plugin.
    for lookup in (
        lambda: registry.names("layer"),
        lambda: registry.get("loss", "MSE"),
    ):
        with pytest.raises(core.PluginError, match=re.escape(str(first.value))):
            lookup()


def test_duplicate_entry_point_name_is_reported(tmp_path):
    add_distribution(tmp_path, "good-plugin", "good_plugin", GOOD)
    add_distribution(
        tmp_path, "other-dist", "other_module", GOOD, entry_name="good_plugin"
    )

    result = run_core(tmp_path, "list", "--json")

    assert "plugin name is already taken" in result.stderr
    assert "good_plugin:Doubler" in listed(result)
