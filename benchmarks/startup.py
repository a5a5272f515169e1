"""Start-up time of ``python -m core list``, with and without extra plugins.

Three commands run as child processes, round-robin, ``repeats`` times each.
One untimed run of the third comes first: it checks that every plugin loads
and writes the ``.pyc`` files of the framework and the plugins.

``import torch``
    ``python -c "import torch"``, the floor that any torch program pays.
``core list``
    ``python -m core list`` with the plugins installed in the environment.
``core list + N plugins``
    the same with N trivial plugins more on ``PYTHONPATH``.

The first two get an empty directory on ``PYTHONPATH`` in place of the
plugins, so that the three differ only in what they run and find.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.memory import ROOT

PLUGIN_TEMPLATE = '''"""A trivial plugin that the start-up benchmark installs."""

import core
from core import hookimpl


class {layer}(core.Module):
    """Identity layer that only exists to be registered."""

    def forward(self, input):
        return input

    def backward(self, grad_output):
        return grad_output


@hookimpl
def register_layers(register):
    register({layer}, name="{layer}")
'''


@dataclass
class StartupTimes:
    """Wall-clock seconds of every timed run of each command."""

    import_torch: list[float]
    core_list: list[float]
    core_list_plugins: list[float]
    plugins: int


def write_plugins(folder: Path, count: int) -> list[str]:
    """Write ``count`` installed-looking plugin packages into ``folder``.

    Each package has a module whose ``register_layers`` hook registers one
    identity layer under a unique name. A ``.dist-info`` directory beside it
    declares the module in the ``core.plugins`` group, so ``importlib.metadata``
    finds it when ``folder`` is on ``sys.path``.
    Returns the names of the registered layers.
    """
    layers = []
    for index in range(count):
        module = f"minidl_benchmark_plugin_{index:02d}"
        layer = f"BenchmarkIdentity{index:02d}"
        (folder / f"{module}.py").write_text(PLUGIN_TEMPLATE.format(layer=layer))

        dist_info = folder / f"{module}-0.1.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n"
        )
        (dist_info / "entry_points.txt").write_text(
            f"[core.plugins]\n{module} = {module}\n"
        )
        layers.append(layer)
    return layers


def measure_startup(repeats: int, plugins: int = 30) -> StartupTimes:
    """Time the three commands, round-robin, and check that the plugins load.

    Raises RuntimeError when a command fails or when ``core list`` does not
    show every plugin's layer.
    """
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        layers = write_plugins(Path(full), plugins)
        commands = {
            "import torch": ([sys.executable, "-c", "import torch"], empty),
            "core list": ([sys.executable, "-m", "core", "list"], empty),
            "core list + plugins": ([sys.executable, "-m", "core", "list"], full),
        }
        listing = _run(*commands["core list + plugins"], capture=True)
        missing = [layer for layer in layers if layer not in listing]
        if missing:
            raise RuntimeError(
                f"python -m core list does not show the layers of {len(missing)} of "
                f"the {plugins} benchmark plugins, for example {missing[0]}"
            )

        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(repeats):
            for name, (command, folder) in commands.items():
                start = time.perf_counter()
                _run(command, folder)
                times[name].append(time.perf_counter() - start)

    return StartupTimes(
        import_torch=times["import torch"],
        core_list=times["core list"],
        core_list_plugins=times["core list + plugins"],
        plugins=plugins,
    )


def _run(command: list[str], python_path: str, capture: bool = False) -> str:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [python_path, environment.get("PYTHONPATH")])
    )
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed with status {result.returncode}:\n"
            f"{result.stderr.strip()}"
        )
    return result.stdout or ""
