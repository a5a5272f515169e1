"""The command line: ``python -m core list`` and ``python -m core train``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import warnings
from typing import Any, Callable, Sequence

from core import registry
from core.errors import PluginError, PluginWarning
from core.train import SCHEDULES, TrainConfig, TrainingDivergedError, train_disc

PROG = "python -m core"


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser that reports bad input in one line, with status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    # Summaries may contain characters such as "ŷ" that a non-UTF-8 terminal
    # cannot show; print a replacement character rather than fail.
    sys.stdout.reconfigure(errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _one_line_plugin_warnings(warnings.showwarning)
        try:
            return args.run(args)
        except (ValueError, LookupError, PluginError) as error:
            print(f"{args.prog}: error: {_one_line(error)}", file=sys.stderr)
            return 2


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="A small deep-learning framework with hand-written gradients.",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    _add_command(commands, "list", "list every registered component", _add_list_options)
    _add_command(commands, "train", "train the disc classifier", _add_train_options)
    return parser


def _add_command(
    commands: Any,
    name: str,
    help: str,
    add_options: Callable[[ArgumentParser], Callable[[argparse.Namespace], int]],
) -> None:
    command = commands.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".")
    run = add_options(command)
    command.set_defaults(run=run, prog=command.prog)


# list


def _add_list_options(parser: ArgumentParser):
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument(
        "--kind", choices=list(registry.KINDS), help="show only components of this kind"
    )
    return _run_list


def _run_list(args: argparse.Namespace) -> int:
    components = registry.components(args.kind)
    if args.json:
        rows = [_component_json(component) for component in components]
        print(json.dumps(rows, indent=2))
        return 0

    rows = [
        (c.kind, c.name, c.plugin, c.version or "-", c.summary) for c in components
    ]
    _print_table(("KIND", "NAME", "PLUGIN", "VERSION", "SUMMARY"), rows)
    failures = registry.default_registry().failures()
    if failures:
        print()
        _print_table(
            ("FAILED PLUGIN", "DISTRIBUTION", "VERSION", "ERROR"),
            [(f.name, f.distribution or "-", f.version or "-", f.error) for f in failures],
        )
    return 0


def _component_json(component: registry.Component) -> dict[str, str | None]:
    return {
        "kind": component.kind,
        "name": component.name,
        "plugin": component.plugin,
        "version": component.version,
        "distribution": component.distribution,
        "qualified_name": component.qualified_name,
        "summary": component.summary,
    }


def _print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths)]
        print("  ".join(cells).rstrip())


# train


def _add_train_options(parser: ArgumentParser):
    defaults = TrainConfig()
    parser.add_argument(
        "--seed", type=int, default=defaults.seed,
        help=f"seed of the data, the initial weights and the shuffling (default {defaults.seed})",
    )
    parser.add_argument(
        "--epochs", type=_positive_int, default=defaults.epochs,
        help=f"passes over the training points (default {defaults.epochs})",
    )
    parser.add_argument(
        "--lr", type=_positive_float, default=defaults.lr,
        help=f"learning rate (default {defaults.lr})",
    )
    parser.add_argument(
        "--batch-size", type=_positive_int, default=defaults.batch_size,
        help=f"points per optimizer step (default {defaults.batch_size})",
    )
    parser.add_argument(
        "--hidden", type=_positive_int, nargs="+", default=list(defaults.hidden),
        metavar="WIDTH",
        help="widths of the hidden layers (default "
        + " ".join(map(str, defaults.hidden)) + ")",
    )
    parser.add_argument(
        "--activation", default=defaults.activation, metavar="LAYER",
        help=f"registered layer used after each hidden layer (default {defaults.activation})",
    )
    parser.add_argument(
        "--loss", default=defaults.loss, metavar="LOSS",
        help=f"registered loss (default {defaults.loss})",
    )
    parser.add_argument(
        "--optimizer", default=defaults.optimizer, metavar="OPTIMIZER",
        help=f"registered optimizer (default {defaults.optimizer})",
    )
    parser.add_argument(
        "--momentum", type=_non_negative_float, default=None,
        help="momentum of the optimizer (default 0.9 when the optimizer takes momentum)",
    )
    parser.add_argument(
        "--schedule", choices=SCHEDULES, default=defaults.schedule,
        help="learning-rate schedule: cosine decays from --lr to near 0 over the "
        f"epochs, constant keeps --lr (default {defaults.schedule})",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true",
        help="log nothing per epoch; print only the final errors",
    )
    return _run_train


def _run_train(args: argparse.Namespace) -> int:
    config = TrainConfig(
        seed=args.seed,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        hidden=tuple(args.hidden),
        activation=args.activation,
        loss=args.loss,
        optimizer=args.optimizer,
        momentum=args.momentum,
        schedule=args.schedule,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("core")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if args.quiet else logging.INFO)
    try:
        result = train_disc(config)
    except TrainingDivergedError as error:
        print(f"{args.prog}: error: {error}", file=sys.stderr)
        return 1
    finally:
        logger.removeHandler(handler)
    print(f"train error {100 * result.train_error:.2f}%")
    print(f"test error {100 * result.test_error:.2f}%")
    return 0


# argument types


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    value = _float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def _non_negative_float(text: str) -> float:
    value = _float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}")
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _one_line_plugin_warnings(show: Callable[..., None]) -> Callable[..., None]:
    """Wrap ``warnings.showwarning`` to print plugin warnings as one line."""

    def show_warning(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, PluginWarning):
            print(f"warning: {_one_line(message)}", file=file or sys.stderr)
        else:
            show(message, category, filename, lineno, file, line)

    return show_warning
