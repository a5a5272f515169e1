"""Train a classifier on the disc task with registered components."""

from __future__ import annotations

import inspect
import logging
import math
from dataclasses import dataclass

import torch

from core import registry
from core.disc import load_disc_data
from core.loss import Loss
from core.module import Module, Sequential

logger = logging.getLogger(__name__)

# Used when the optimizer accepts a momentum argument and none is given.
DEFAULT_MOMENTUM = 0.9
SCHEDULES = ("cosine", "constant")


@dataclass
class TrainConfig:
    """Settings of the disc training job.

    ``momentum`` None means 0.9 for optimizers that take momentum.
    ``schedule`` is "cosine", which lowers the learning rate from ``lr`` to
    near 0 along half a cosine over the epochs, or "constant".
    """

    seed: int = 0
    epochs: int = 100
    lr: float = 0.05
    batch_size: int = 10
    hidden: tuple[int, ...] = (25, 25, 25)
    activation: str = "Tanh"
    loss: str = "MSE"
    optimizer: str = "SGD"
    momentum: float | None = None
    schedule: str = "cosine"
    validation_fraction: float = 0.1


@dataclass
class TrainResult:
    """Error rates after the last epoch, as fractions."""

    train_error: float
    validation_error: float
    test_error: float


class TrainingDivergedError(RuntimeError):
    """The training loss became NaN or infinite."""


def build_network(
    hidden: tuple[int, ...], activation: type[Module], inputs: int = 2, outputs: int = 2
) -> Sequential:
    """Build Linear layers of the given widths with an activation after each hidden one."""
    linear = registry.get("layer", "Linear").obj
    widths = [inputs, *hidden, outputs]
    modules: list[Module] = []
    for index, (width_in, width_out) in enumerate(zip(widths, widths[1:])):
        modules.append(linear(width_in, width_out))
        if index < len(hidden):
            modules.append(_build_activation(activation))
    return Sequential(*modules)


def error_rate(network: Module, points: torch.Tensor, labels: torch.Tensor) -> float:
    """Return the fraction of points whose highest output is not their label."""
    predicted = network(points).argmax(dim=1)
    return (predicted != labels).float().mean().item()


def train_disc(config: TrainConfig) -> TrainResult:
    """Train on the disc task and return the error rates of the trained network.

    The loss and the validation error are logged after each epoch.
    """
    _check_config(config)
    activation = registry.get("layer", config.activation).obj
    loss = _build_loss(registry.get("loss", config.loss).obj)
    optimizer_class = registry.get("optimizer", config.optimizer).obj

    torch.manual_seed(config.seed)
    network = build_network(config.hidden, activation)
    optimizer = _build_optimizer(optimizer_class, network, config)
    data = load_disc_data(config.seed, validation_fraction=config.validation_fraction)
    targets = loss.classification_target(data.train_labels, 2)
    shuffler = torch.Generator().manual_seed(config.seed)

    count = len(data.train_labels)
    for epoch in range(config.epochs):
        if config.schedule == "cosine":
            optimizer.lr = cosine_learning_rate(config.lr, epoch, config.epochs)
        order = torch.randperm(count, generator=shuffler)
        points, epoch_targets = data.train_points[order], targets[order]

        network.train()
        total = 0.0
        for start in range(0, count, config.batch_size):
            batch = slice(start, start + config.batch_size)
            optimizer.zero_grad()
            value = loss(network(points[batch]), epoch_targets[batch])
            network.backward_params(loss.backward())
            optimizer.step()
            total += value.item() * len(epoch_targets[batch])

        mean_loss = total / count
        if not math.isfinite(mean_loss):
            raise TrainingDivergedError(
                f"training diverged: the loss is {mean_loss} at epoch {epoch + 1}; "
                "lower the learning rate or the momentum"
            )
        network.eval()
        validation_error = error_rate(
            network, data.validation_points, data.validation_labels
        )
        logger.info(
            "epoch %d/%d  loss %.4f  validation error %.2f%%",
            epoch + 1,
            config.epochs,
            mean_loss,
            100 * validation_error,
        )

    network.eval()
    return TrainResult(
        train_error=error_rate(network, data.train_points, data.train_labels),
        validation_error=error_rate(
            network, data.validation_points, data.validation_labels
        ),
        test_error=error_rate(network, data.test_points, data.test_labels),
    )


def cosine_learning_rate(initial: float, epoch: int, epochs: int) -> float:
    """Learning rate of a 0-based epoch: ``initial · (1 + cos(π · epoch / epochs)) / 2``."""
    return initial * 0.5 * (1 + math.cos(math.pi * epoch / epochs))


def _check_config(config: TrainConfig) -> None:
    problems = []
    if not _is_positive_int(config.epochs):
        problems.append(f"epochs {config.epochs!r}: expected a positive integer")
    if not _is_positive_int(config.batch_size):
        problems.append(
            f"batch_size {config.batch_size!r}: expected a positive integer"
        )
    if not (math.isfinite(config.lr) and config.lr > 0):
        problems.append(f"lr {config.lr!r}: expected a finite number > 0")
    if not all(_is_positive_int(width) for width in config.hidden):
        problems.append(f"hidden {config.hidden!r}: expected positive integer widths")
    momentum = config.momentum
    if momentum is not None and not (math.isfinite(momentum) and 0 <= momentum < 1):
        # torch.optim.SGD accepts momentum >= 1, but then the steps grow
        # without bound and training diverges.
        problems.append(f"momentum {momentum!r}: expected a number in [0, 1)")
    if config.schedule not in SCHEDULES:
        problems.append(
            f"schedule {config.schedule!r}: expected one of {', '.join(SCHEDULES)}"
        )
    if not 0 < config.validation_fraction < 1:
        problems.append(
            f"validation_fraction {config.validation_fraction!r}: expected a "
            "number strictly between 0 and 1"
        )
    if problems:
        raise ValueError("invalid " + "; invalid ".join(problems))


def _is_positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _build_activation(activation: type[Module]) -> Module:
    try:
        return activation()
    except TypeError as error:
        raise ValueError(
            f"layer '{activation.__name__}' cannot be used as the activation "
            f"because it needs constructor arguments ({error}); pick one that "
            "builds without arguments, such as Tanh or ReLU"
        ) from None


def _build_loss(loss_class: type) -> Loss:
    try:
        return loss_class()
    except TypeError as error:
        raise ValueError(
            f"loss '{loss_class.__name__}' needs constructor arguments ({error}); "
            "pick one that builds without arguments, such as MSE"
        ) from None


def _build_optimizer(optimizer_class: type, network: Module, config: TrainConfig):
    accepts_momentum = "momentum" in inspect.signature(optimizer_class).parameters
    options: dict[str, float] = {"lr": config.lr}
    if accepts_momentum:
        options["momentum"] = (
            DEFAULT_MOMENTUM if config.momentum is None else config.momentum
        )
    elif config.momentum is not None:
        raise ValueError(
            f"optimizer '{optimizer_class.__name__}' takes no momentum argument; "
            "drop the momentum setting"
        )
    optimizer = optimizer_class(network.param(), **options)
    if config.schedule == "cosine" and not hasattr(optimizer, "lr"):
        raise ValueError(
            f"optimizer '{optimizer_class.__name__}' has no lr attribute for the "
            "cosine schedule to set; use the constant schedule"
        )
    return optimizer
