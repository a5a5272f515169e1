"""``python -m core train``: the disc classification job."""

from __future__ import annotations

import argparse
import logging
import math
import sys

import torch

from core.cli import add_command
from core.train import SCHEDULES, TrainConfig, TrainingDivergedError, train_disc


def add_train_command(commands) -> None:
    parser = add_command(commands, "train", "train the disc classifier", run_train)
    defaults = TrainConfig()
    parser.add_argument(
        "--seed",
        type=int,
        default=defaults.seed,
        help="seed of the data, the initial weights and the shuffling "
        f"(default {defaults.seed})",
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        default=defaults.epochs,
        help=f"passes over the training points (default {defaults.epochs})",
    )
    parser.add_argument(
        "--lr",
        type=positive_float,
        default=defaults.lr,
        help=f"initial learning rate (default {defaults.lr})",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=defaults.batch_size,
        help=f"points per optimizer step (default {defaults.batch_size})",
    )
    parser.add_argument(
        "--hidden",
        type=positive_int,
        nargs="+",
        default=list(defaults.hidden),
        metavar="WIDTH",
        help="widths of the hidden layers (default "
        + " ".join(map(str, defaults.hidden))
        + ")",
    )
    parser.add_argument(
        "--activation",
        default=defaults.activation,
        metavar="LAYER",
        help="registered layer used after each hidden layer "
        f"(default {defaults.activation})",
    )
    parser.add_argument(
        "--loss",
        default=defaults.loss,
        metavar="LOSS",
        help=f"registered loss (default {defaults.loss})",
    )
    parser.add_argument(
        "--optimizer",
        default=defaults.optimizer,
        metavar="OPTIMIZER",
        help=f"registered optimizer (default {defaults.optimizer})",
    )
    parser.add_argument(
        "--momentum",
        type=momentum_float,
        default=None,
        help="momentum of the optimizer, in [0, 1) (default 0.9 when the optimizer "
        "takes momentum)",
    )
    parser.add_argument(
        "--schedule",
        choices=SCHEDULES,
        default=defaults.schedule,
        help="learning-rate schedule: cosine decays from --lr to near 0 over the "
        f"epochs, constant keeps --lr (default {defaults.schedule})",
    )
    parser.add_argument(
        "--threads",
        type=positive_int,
        default=1,
        help="torch threads (default 1). The disc network is too small to gain "
        "from more, and the errors printed for a seed are the same on every run "
        "only for the same number of threads",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="log nothing per epoch; print only the final errors",
    )


def run_train(args: argparse.Namespace) -> int:
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
    torch.set_num_threads(args.threads)
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


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def positive_float(text: str) -> float:
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def momentum_float(text: str) -> float:
    value = finite_float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value
