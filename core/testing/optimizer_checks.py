"""Contract checks for optimizers: each takes an Example and raises CheckFailure."""

from __future__ import annotations

import inspect

import torch

from core.optimizer import Optimizer
from core.testing.examples import Example, check, random_tensor

F64 = torch.float64
SHAPES = [(3, 2), (2,)]
STEPS = 100


def make_pairs(seed: int = 1) -> list[tuple[torch.Tensor, torch.Tensor]]:
    params = [
        random_tensor(shape, F64, seed + index) for index, shape in enumerate(SHAPES)
    ]
    return [(param, torch.zeros_like(param)) for param in params]


def build_optimizer(
    example: Example, pairs: list, without_weight_decay: bool = False
) -> Optimizer:
    if (
        without_weight_decay
        and "weight_decay" in inspect.signature(example.component).parameters
    ):
        example = Example(
            example.component,
            example.name,
            example.args,
            {**example.kwargs, "weight_decay": 0.0},
            example.shape,
        )
    optimizer = example.build(pairs)
    check(
        isinstance(optimizer, Optimizer),
        f"{example.name}(...) built {type(optimizer).__name__}, not a core.Optimizer",
    )
    return optimizer


def zero_grad_in_place(example: Example) -> None:
    pairs = make_pairs()
    grads = [grad for _, grad in pairs]
    for grad in grads:
        grad.fill_(1.0)

    build_optimizer(example, pairs).zero_grad()

    for index, ((_, grad), original) in enumerate(zip(pairs, grads)):
        check(grad is original, f"zero_grad() replaced gradient {index}")
        check(
            torch.count_nonzero(grad).item() == 0,
            f"gradient {index} is not zero after zero_grad()",
        )


def zero_gradient_keeps_parameters(example: Example) -> None:
    pairs = make_pairs()
    before = [param.clone() for param, _ in pairs]
    optimizer = build_optimizer(example, pairs, without_weight_decay=True)

    for _ in range(3):
        optimizer.step()

    for index, ((param, _), original) in enumerate(zip(pairs, before)):
        change = (param - original).abs().max().item()
        check(
            change == 0,
            f"three steps with a zero gradient moved parameter {index} by up to "
            f"{change:.3g} (weight decay set to 0 where the constructor takes it)",
        )


def decreases_quadratic(example: Example) -> None:
    pairs = make_pairs()
    centers = [random_tensor(tuple(param.shape), F64, seed=10) for param, _ in pairs]
    params = [param for param, _ in pairs]
    optimizer = build_optimizer(example, pairs)

    def objective() -> float:
        return sum(0.5 * (p - c).square().sum().item() for p, c in zip(params, centers))

    start = objective()
    for _ in range(STEPS):
        optimizer.zero_grad()
        for (param, grad), center in zip(pairs, centers):
            grad.add_(param - center)
        optimizer.step()
    end = objective()

    # The objective reads the tensors passed in, so it only falls when step()
    # updates them in place.
    check(
        end < start,
        f"{STEPS} steps on ½·|p − c|² with example arguments {example.kwargs} "
        f"moved the objective from {start:.4g} to {end:.4g}; expected a decrease "
        "of the parameter tensors passed in, updated in place",
    )
    for index, param in enumerate(params):
        check(not param.requires_grad, f"step() set requires_grad on parameter {index}")


CHECKS = [
    ("zero_grad() zeroes gradients in place", zero_grad_in_place),
    ("a zero gradient leaves parameters unchanged", zero_gradient_keeps_parameters),
    ("steps decrease a convex quadratic in place", decreases_quadratic),
]
