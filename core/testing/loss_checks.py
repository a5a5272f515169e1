"""Contract checks for losses: each takes an Example and raises CheckFailure."""

from __future__ import annotations

import torch

from core.loss import Loss
from core.testing.examples import (
    CheckFailure,
    Example,
    assert_close,
    assert_shape,
    check,
    random_tensor,
    seeded,
)
from core.testing.gradients import numerical_gradient

F64 = torch.float64


def build_loss(example: Example, dtype: torch.dtype = F64) -> Loss:
    loss = example.build(dtype=dtype)
    check(
        isinstance(loss, Loss),
        f"{example.name}(...) built {type(loss).__name__}, not a core.Loss",
    )
    return loss


def prediction_and_target(loss: Loss, example: Example, dtype: torch.dtype = F64):
    prediction = random_tensor(example.shape, dtype, seed=1)
    target = seeded(loss.example_target, prediction)
    return prediction, target


def value(loss: Loss, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    result = loss.forward(prediction, target)
    assert_shape(result, (), "the loss value")
    return result


def gradient(example: Example) -> None:
    loss = build_loss(example)
    prediction, target = prediction_and_target(loss, example)
    result = value(loss, prediction, target)
    check(bool(torch.isfinite(result)), f"the loss value is {result.item()}")
    grad = loss.backward()

    expected = numerical_gradient(lambda: value(loss, prediction, target), prediction)
    assert_close(grad, expected, "gradient with respect to the prediction")


def shape_mismatch(example: Example) -> None:
    loss = build_loss(example)
    prediction, target = prediction_and_target(loss, example)
    # The first two broadcast against the prediction, so a loss that does not
    # check shapes computes a wrong value instead of failing.
    candidates = (target[:1], target[..., :1], target.unsqueeze(-1))
    for wrong in (each for each in candidates if each.shape != target.shape):
        try:
            loss.forward(prediction, wrong)
        except ValueError:
            continue
        except Exception as error:
            raise CheckFailure(
                f"prediction {tuple(prediction.shape)} with target "
                f"{tuple(wrong.shape)} raised {type(error).__name__}: {error}; "
                "raise ValueError naming both shapes"
            ) from error
        raise CheckFailure(
            f"prediction {tuple(prediction.shape)} with target {tuple(wrong.shape)} "
            "was accepted; raise ValueError naming both shapes instead of broadcasting"
        )


def dtypes(example: Example) -> None:
    for dtype in (torch.float32, torch.float64):
        loss = build_loss(example, dtype)
        prediction, target = prediction_and_target(loss, example, dtype)
        result = value(loss, prediction, target)
        check(result.dtype == dtype, f"a {dtype} prediction gave a {result.dtype} loss")
        grad = loss.backward()
        check(grad.dtype == dtype, f"a {dtype} prediction gave a {grad.dtype} gradient")


def no_autograd(example: Example) -> None:
    with torch.no_grad():
        loss = build_loss(example)
        value(loss, *prediction_and_target(loss, example))
        loss.backward()

    with torch.enable_grad():
        loss = build_loss(example)
        result = value(loss, *prediction_and_target(loss, example))
        grad = loss.backward()
    for quantity, tensor in [("loss value", result), ("gradient", grad)]:
        check(
            tensor.grad_fn is None and not tensor.requires_grad,
            f"the {quantity} is part of an autograd graph; compute with plain tensors "
            "and never set requires_grad",
        )


CHECKS = [
    ("gradient matches finite differences of the value", gradient),
    ("mismatched shapes are rejected", shape_mismatch),
    ("float32 and float64 predictions keep their dtype", dtypes),
    ("works with autograd off and builds no graph", no_autograd),
]
