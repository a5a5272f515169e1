"""The command line, driven in-process and, for the real entry points, as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core", *args], capture_output=True, text=True
    )


def test_list_table_shows_every_builtin(capsys):
    assert main(["list"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["KIND", "NAME", "PLUGIN", "VERSION", "SUMMARY"]
    rows = {tuple(line.split()[:3]) for line in lines[1:]}
    for kind, name in [
        ("layer", "Linear"),
        ("layer", "Tanh"),
        ("layer", "ReLU"),
        ("layer", "LeakyReLU"),
        ("layer", "Sigmoid"),
        ("loss", "MSE"),
        ("loss", "MAE"),
        ("optimizer", "SGD"),
    ]:
        assert (kind, name, "builtin") in rows


def test_list_json_has_required_keys():
    result = run_cli("list", "--json")

    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {row["name"] for row in rows} >= {"Linear", "MSE", "SGD"}
    for row in rows:
        assert row["kind"] in ("layer", "loss", "optimizer")
        assert {"kind", "name", "plugin", "version"} <= row.keys()


def test_list_filters_by_kind(capsys):
    assert main(["list", "--json", "--kind", "loss"]) == 0

    rows = json.loads(capsys.readouterr().out)
    assert {row["kind"] for row in rows} == {"loss"}
    assert {"MAE", "MSE"} <= {row["name"] for row in rows}


def test_train_short_run_prints_both_errors(capsys):
    assert main(["train", "--epochs", "2", "--quiet"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("train error ")
    assert lines[0].endswith("%")
    assert lines[1].startswith("test error ")
    assert lines[1].endswith("%")
    assert 0 <= float(lines[1].split()[2].rstrip("%")) <= 100


def test_train_logs_each_epoch(capsys):
    assert main(["train", "--epochs", "3", "--hidden", "8"]) == 0

    logged = capsys.readouterr().err
    for epoch in (1, 2, 3):
        assert f"epoch {epoch}/3" in logged
    assert "validation error" in logged


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lr", "-0.1"], "argument --lr: expected a number > 0, got '-0.1'"),
        (["--lr", "nan"], "argument --lr: expected a finite number, got 'nan'"),
        (
            ["--hidden", "25", "0"],
            "argument --hidden: expected a positive integer, got '0'",
        ),
        (["--epochs", "0"], "argument --epochs: expected a positive integer, got '0'"),
        (
            ["--batch-size", "x"],
            "argument --batch-size: expected a positive integer, got 'x'",
        ),
        (["--activation", "Tahn"], "unknown layer 'Tahn'. Did you mean 'Tanh'?"),
        (["--loss", "MSELoss"], "unknown loss 'MSELoss'"),
        (["--optimizer", "Adamm"], "unknown optimizer 'Adamm'"),
        (["--activation", "Linear"], "cannot be used as the activation"),
        (
            ["--momentum", "-1"],
            "argument --momentum: expected a number in [0, 1), got '-1'",
        ),
        (
            ["--momentum", "1.5"],
            "argument --momentum: expected a number in [0, 1), got '1.5'",
        ),
        (
            ["--threads", "0"],
            "argument --threads: expected a positive integer, got '0'",
        ),
    ],
)
def test_train_bad_input_exits_2_with_one_line(args, message):
    result = run_cli("train", *args)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_command_exits_2():
    result = run_cli()

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "required: COMMAND" in result.stderr


def test_train_divergence_reported_in_one_line(capsys):
    assert main(["train", "--epochs", "3", "--lr", "1e30", "--quiet"]) == 1

    error = capsys.readouterr().err
    assert "training diverged" in error
    assert error.count("\n") == 1


def test_unknown_option_names_the_subcommand():
    result = run_cli("train", "--extra")

    assert result.returncode == 2
    assert result.stderr == (
        "python -m core train: error: unrecognized arguments: --extra\n"
    )


def test_closed_pipe_exits_quietly():
    reader = subprocess.Popen(
        [sys.executable, "-m", "core", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    reader.stdout.close()
    stderr = reader.stderr.read().decode()
    reader.wait()

    assert "Traceback" not in stderr
    assert reader.returncode in (0, 1)
