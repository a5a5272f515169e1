"""Plain-text tables of the benchmark results."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

MIB = 1024 * 1024


def describe_machine() -> dict[str, Any]:
    """Return the CPU model, core counts and the Python and torch versions."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "usable_cores": usable,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "revision": describe_revision(),
    }


def describe_revision() -> str:
    """Return the short commit hash, marked when the working tree has changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit} with uncommitted changes" if changes else commit


def format_header(results: dict[str, Any]) -> str:
    """Describe the machine, the versions and the command."""
    machine = results["machine"]
    return "\n".join(
        [
            f"command:  {results['command']}",
            f"machine:  {machine['cpu']}, {machine['logical_cores']} logical cores "
            f"({machine['usable_cores']} usable), {machine['platform']}",
            f"versions: Python {machine['python']}, torch {machine['torch']}; "
            "torch.set_num_threads(1) in every process",
            f"revision: {machine['revision']}",
            "ways:     this = this framework, torch = torch.nn + autograd + torch.optim.SGD, "
            "bare = hand-written loop of the same tensor operations",
            "",
        ]
    )


def format_agreement(rows: list[dict[str, Any]], tolerance: float) -> str:
    """Show how closely the three ways agree and which operations they run."""
    lines = []
    for row in rows:
        operations = row["operations"] or {}
        total = operations.get("total", {})
        lines.append(
            (
                row["config"],
                f"{row['loss']:.1e}",
                f"{row['parameter']:.1e}",
                f"{tolerance:.0e}",
                _verdict(row["passed"]),
                *(str(total.get(way, "-")) for way in ("this", "torch", "bare")),
                _operation_list(operations.get("only_this")),
                _operation_list(operations.get("only_bare")),
            )
        )
    table = _table(
        (
            "config",
            "loss diff",
            "param diff",
            "tolerance",
            "result",
            "ops this",
            "ops torch",
            "ops bare",
            "only in this",
            "only in bare",
        ),
        lines,
    )
    title = (
        "Agreement: maximum relative difference from 'this' over 5 float64 steps "
        "from the same initial weights, and ATen operations per step"
    )
    return f"{title}\n{table}\n"


def _operation_list(counts: dict[str, int] | None) -> str:
    if counts is None:
        return "-"
    if not counts:
        return "none"
    return ", ".join(f"{name} x{count}" for name, count in sorted(counts.items()))


def format_training(rows: list[dict[str, Any]], repeats: int) -> str:
    """Show the median time per training step and the ratios against the targets."""
    lines = []
    for row in rows:
        median = row["median_us"]
        lines.append(
            (
                row["config"],
                row["network"],
                str(row["batch"]),
                str(row["steps"]),
                _us(median["this"]),
                _us(median["torch"]),
                _us(median["bare"]),
                *_ratio_cells(row["this/torch"]),
                *_ratio_cells(row["this/bare"]),
            )
        )
    table = _table(
        (
            "config",
            "network",
            "batch",
            "steps",
            "this us",
            "torch us",
            "bare us",
            "this/torch",
            "target",
            "result",
            "this/bare",
            "target",
            "result",
        ),
        lines,
    )
    title = (
        f"Training step time: median over {repeats} round-robin repeats, microseconds "
        "per step; ratios are of the medians, with the range of the per-repeat "
        "ratios in brackets"
    )
    return f"{title}\n{table}\n"


def format_memory(rows: list[dict[str, Any]], repeats: int) -> str:
    """Show the median peak memory that training adds, per way."""
    lines = []
    for row in rows:
        median = row["median_bytes"]
        lines.append(
            (
                row["config"],
                row["network"],
                str(row["batch"]),
                _mib(median["this"]),
                _mib(median["torch"]),
                _mib(median["bare"]),
                *_ratio_cells(row["this/torch"]),
            )
        )
    table = _table(
        (
            "config",
            "network",
            "batch",
            "this MiB",
            "torch MiB",
            "bare MiB",
            "this/torch",
            "target",
            "result",
        ),
        lines,
    )
    title = (
        f"Peak memory: peak RSS that building and training {rows[0]['steps']} steps "
        f"adds in a child process per way, median of {repeats}"
    )
    return f"{title}\n{table}\n"


def format_startup(result: dict[str, Any], repeats: int) -> str:
    """Show the start-up times and their ratios against the targets."""
    median = result["median_s"]
    plugins = result["plugins"]
    lines = [
        (
            'python -c "import torch"',
            _seconds(median["import torch"]),
            "",
            "",
            "-",
            "",
            "",
        ),
        (
            "python -m core list",
            _seconds(median["core list"]),
            "import torch",
            *_ratio_cells(result["list/import torch"]),
        ),
        (
            f"python -m core list, {plugins} plugins more",
            _seconds(median["core list + plugins"]),
            "core list",
            *_ratio_cells(result["plugins/none"]),
        ),
    ]
    table = _table(
        ("command", "median s", "against", "ratio", "target", "result"),
        [(line[0], line[1], line[2], *line[3:6]) for line in lines],
    )
    title = f"Start-up: wall-clock time of a child process, median of {repeats} round-robin runs"
    return f"{title}\n{table}\n"


def _ratio_cells(entry: dict[str, Any]) -> tuple[str, str, str]:
    ratio = f"{entry['value']:.2f} ({entry['min']:.2f}-{entry['max']:.2f})"
    if entry["target"] is None:
        return ratio, "-", ""
    return ratio, f"<= {entry['target']:.2f}", _verdict(entry["passed"])


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def _us(value: float) -> str:
    return f"{value:.1f}"


def _mib(value: float) -> str:
    return f"{value / MIB:.1f}"


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Align columns: text to the left, cells that start with a digit to the right."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = []
        for cell, width in zip(row, widths):
            numeric = cell[:1].isdigit()
            cells.append(cell.rjust(width) if numeric else cell.ljust(width))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
