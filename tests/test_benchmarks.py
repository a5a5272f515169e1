"""The benchmark script: a smoke run, and the three ways it compares agreeing.

No test here measures or asserts a time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.__main__ import CONFIGS, QUICK_CONFIGS
from benchmarks.operations import compare_operations
from benchmarks.ways import compare_ways

ROOT = Path(__file__).resolve().parent.parent
SMALL_NETWORKS = [
    ((2, 25, 25, 25, 2), 1),
    ((2, 25, 25, 25, 2), 100),
    ((784, 64, 64, 10), 16),
]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """Run ``python -m benchmarks --quick`` once and return its result and JSON."""
    path = tmp_path_factory.mktemp("benchmarks") / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    written = json.loads(path.read_text()) if path.exists() else None
    return result, written


def test_quick_run_exits_zero(quick_run):
    result, _ = quick_run

    assert result.returncode == 0, result.stderr


def test_quick_run_prints_every_configuration(quick_run):
    result, _ = quick_run

    for config in CONFIGS:
        assert config.name in result.stdout


def test_quick_run_prints_ratio_columns(quick_run):
    result, _ = quick_run

    assert "this/torch" in result.stdout
    assert "this/bare" in result.stdout
    assert "python -m core list, 30 plugins more" in result.stdout


def test_quick_run_writes_json(quick_run):
    _, written = quick_run

    assert written is not None
    assert [row["config"] for row in written["training"]] == [
        c.name for c in QUICK_CONFIGS
    ]
    for row in written["training"]:
        assert set(row["median_us"]) == {"this", "torch", "bare"}
        assert row["this/torch"]["passed"] in (True, False)
        assert row["this/bare"]["passed"] in (True, False)
    assert written["memory"][0]["config"] == QUICK_CONFIGS[-1].name
    assert written["startup"]["plugins"] == 30


@pytest.mark.parametrize("widths, batch_size", SMALL_NETWORKS)
def test_ways_agree_in_float64(widths, batch_size):
    difference = compare_ways(widths, batch_size, steps=5)

    assert difference["loss"] <= 1e-12
    assert difference["parameter"] <= 1e-12


@pytest.mark.parametrize("widths, batch_size", SMALL_NETWORKS)
def test_bare_loop_runs_framework_operations(widths, batch_size):
    operations = compare_operations(widths, batch_size)

    # The two must run the same operators, so that their ratio measures the
    # framework's own cost and nothing else.
    assert operations is not None, "this torch has no TorchDispatchMode to count with"
    assert operations["only_bare"] == {}
    assert operations["only_this"] == {}


def test_json_into_missing_folder_exits_2_before_running(tmp_path):
    path = tmp_path / "missing" / "results.json"

    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--json", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "does not exist" in result.stderr
