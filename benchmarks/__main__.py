"""Compare training speed, peak memory and start-up time with torch.nn and a bare loop.

Run ``python -m benchmarks`` from the root of the repository; ``--help`` lists
the options. docs/benchmarks.md explains the method and records a full run.
No figure is asserted: the tables mark each target PASS or FAIL, and the exit
status is 0 unless the three ways disagree or a measurement fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from benchmarks import report
from benchmarks.memory import measure_peak_memory
from benchmarks.operations import compare_operations
from benchmarks.startup import measure_startup
from benchmarks.training import Config, time_training
from benchmarks.ways import WAYS, compare_ways
from core.cli import ArgumentParser

CONFIGS = (
    Config("disc-b1", (2, 25, 25, 25, 2), 1, steps=2000, torch_target=0.5),
    Config("disc-b100", (2, 25, 25, 25, 2), 100, steps=1000, torch_target=0.5),
    Config(
        "mlp784-b256",
        (784, 1024, 1024, 10),
        256,
        steps=20,
        torch_target=1.0,
        memory_target=1.0,
    ),
)
# The same names with a small wide network, so that --quick ends in seconds.
QUICK_CONFIGS = (
    CONFIGS[0],
    CONFIGS[1],
    Config(
        "mlp784-b256",
        (784, 64, 64, 10),
        256,
        steps=20,
        torch_target=1.0,
        memory_target=1.0,
    ),
)
# Maximum relative difference between the ways after a few float64 steps.
AGREEMENT_TOLERANCE = 1e-10
STARTUP_TARGET = 1.3
PLUGIN_TARGET = 1.10
PLUGINS = 30


def build_parser() -> ArgumentParser:
    """Build the command-line parser."""
    parser = ArgumentParser(
        prog="python -m benchmarks",
        description="Time training steps of this framework, torch.nn and a bare loop "
        "of tensor operations; measure their peak memory and the start-up time.",
    )
    parser.add_argument(
        "--repeats",
        type=_positive_int,
        default=None,
        help="timed blocks of training steps per way and configuration (default 7, "
        "2 with --quick)",
    )
    parser.add_argument(
        "--steps",
        type=_positive_int,
        default=None,
        help="training steps per timed block, for every configuration (default "
        + ", ".join(f"{config.steps} for {config.name}" for config in CONFIGS)
        + "; 3 with --quick)",
    )
    parser.add_argument(
        "--memory-repeats",
        type=_positive_int,
        default=None,
        help="child processes per way and configuration for the peak memory "
        "(default 3, 1 with --quick)",
    )
    parser.add_argument(
        "--startup-repeats",
        type=_positive_int,
        default=None,
        help="timed runs of each start-up command (default 10, 1 with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test of about 20 seconds: a small wide network, few steps and "
        "repeats, and peak memory of the last configuration only; the figures "
        "mean nothing",
    )
    parser.add_argument(
        "--json", type=Path, metavar="PATH", help="also write every measurement to PATH"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark, print the tables, and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.json is not None and not args.json.parent.is_dir():
        parser.error(
            f"argument --json: folder {str(args.json.parent)!r} does not exist; "
            "create it first"
        )
    quick = args.quick
    configs = QUICK_CONFIGS if quick else CONFIGS
    repeats = args.repeats or (2 if quick else 7)
    memory_repeats = args.memory_repeats or (1 if quick else 3)
    startup_repeats = args.startup_repeats or (1 if quick else 10)
    torch.set_num_threads(1)

    results: dict[str, Any] = {
        "machine": report.describe_machine(),
        "command": " ".join(["python -m benchmarks", *(argv or sys.argv[1:])]),
        "repeats": repeats,
        "memory_repeats": memory_repeats,
        "startup_repeats": startup_repeats,
        "quick": quick,
    }
    print(report.format_header(results))

    agreement = check_agreement(configs)
    results["agreement"] = agreement
    print(report.format_agreement(agreement, AGREEMENT_TOLERANCE))
    if any(row["passed"] is False for row in agreement):
        print("error: the three ways do not compute the same training", file=sys.stderr)
        return 1

    results["training"] = [
        _training_row(config, repeats, args.steps or (3 if quick else config.steps))
        for config in configs
    ]
    print(report.format_training(results["training"], repeats))

    memory_configs = configs[-1:] if quick else configs
    results["memory"] = [
        _memory_row(config, memory_repeats) for config in memory_configs
    ]
    print(report.format_memory(results["memory"], memory_repeats))

    results["startup"] = _startup_result(startup_repeats)
    print(report.format_startup(results["startup"], startup_repeats))

    if args.json is not None:
        write_atomically(args.json, json.dumps(results, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


def check_agreement(configs: Sequence[Config]) -> list[dict[str, Any]]:
    """Compare the ways after 5 float64 steps, and count their operations per step."""
    rows = []
    for config in configs:
        difference = compare_ways(config.widths, config.batch_size, steps=5)
        worst = max(difference.values())
        rows.append(
            {
                "config": config.name,
                **difference,
                "passed": worst <= AGREEMENT_TOLERANCE,
                "operations": compare_operations(config.widths, config.batch_size),
            }
        )
    return rows


def ratio_entry(
    numerators: list[float], denominators: list[float], target: float | None
) -> dict[str, Any]:
    """Return the ratio of the medians, the range of per-repeat ratios and the verdict."""
    value = statistics.median(numerators) / statistics.median(denominators)
    per_repeat = [mine / theirs for mine, theirs in zip(numerators, denominators)]
    return {
        "value": value,
        "min": min(per_repeat),
        "max": max(per_repeat),
        "target": target,
        "passed": None if target is None else value <= target,
    }


def _training_row(config: Config, repeats: int, steps: int) -> dict[str, Any]:
    timings = time_training(config, repeats, steps)
    per_step = timings.per_step
    return {
        "config": config.name,
        "network": config.network,
        "batch": config.batch_size,
        "steps": steps,
        "median_us": {way: statistics.median(per_step[way]) * 1e6 for way in WAYS},
        "per_repeat_us": {
            way: [value * 1e6 for value in per_step[way]] for way in WAYS
        },
        "this/torch": ratio_entry(
            per_step["this"], per_step["torch"], config.torch_target
        ),
        "this/bare": ratio_entry(
            per_step["this"], per_step["bare"], config.bare_target
        ),
    }


def _memory_row(config: Config, repeats: int) -> dict[str, Any]:
    steps = 5
    peaks: dict[str, list[float]] = {way: [] for way in WAYS}
    for _ in range(repeats):
        for way in WAYS:
            peaks[way].append(
                measure_peak_memory(config.widths, config.batch_size, way, steps)
            )
    return {
        "config": config.name,
        "network": config.network,
        "batch": config.batch_size,
        "steps": steps,
        "median_bytes": {way: statistics.median(peaks[way]) for way in WAYS},
        "per_repeat_bytes": peaks,
        "this/torch": ratio_entry(peaks["this"], peaks["torch"], config.memory_target),
    }


def _startup_result(repeats: int) -> dict[str, Any]:
    times = measure_startup(repeats, PLUGINS)
    return {
        "plugins": times.plugins,
        "median_s": {
            "import torch": statistics.median(times.import_torch),
            "core list": statistics.median(times.core_list),
            "core list + plugins": statistics.median(times.core_list_plugins),
        },
        "per_repeat_s": {
            "import torch": times.import_torch,
            "core list": times.core_list,
            "core list + plugins": times.core_list_plugins,
        },
        "list/import torch": ratio_entry(
            times.core_list, times.import_torch, STARTUP_TARGET
        ),
        "plugins/none": ratio_entry(
            times.core_list_plugins, times.core_list, PLUGIN_TARGET
        ),
    }


def write_atomically(path: Path, text: str) -> None:
    """Write text to path through a temporary file in the same folder.

    The rename replaces path in one step, so an interrupted run leaves the
    previous file whole rather than half-written.
    """
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as temporary:
        try:
            temporary.write(text)
        except BaseException:
            temporary.close()
            os.unlink(temporary.name)
            raise
    os.replace(temporary.name, path)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


if __name__ == "__main__":
    sys.exit(main())
