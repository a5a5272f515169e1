"""BCEWithLogits: the contract suite, torch.nn.BCEWithLogitsLoss in float64, edge cases."""

from __future__ import annotations

import math

import pytest
import torch
from minidl_classification import BCEWithLogits

from core.testing import LossContract

F64 = torch.float64


class TestBCEWithLogitsContract(LossContract):
    component = BCEWithLogits


class TestBCEWithLogitsBatchOfSequencesContract(LossContract):
    component = BCEWithLogits
    prediction_shape = (2, 3, 4)


def sample(shape, seed=0, dtype=F64) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=dtype)


def uniform(shape, seed=0, dtype=F64) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=generator, dtype=dtype)


def torch_bce(prediction, target):
    """Value and prediction gradient of torch.nn.BCEWithLogitsLoss()."""
    leaf = prediction.clone().requires_grad_(True)
    with torch.enable_grad():
        value = torch.nn.BCEWithLogitsLoss()(leaf, target)
        value.backward()
    return value.detach(), leaf.grad


def assert_close(actual, expected, what):
    torch.testing.assert_close(
        actual, expected, rtol=1e-10, atol=1e-12, msg=lambda m: f"{what}: {m}"
    )


@pytest.mark.parametrize("shape", [(1,), (5,), (4, 3), (2, 3, 4)])
def test_bce_with_logits_matches_torch(shape):
    prediction = 3 * sample(shape)
    target = uniform(shape, seed=1)
    expected_value, expected_grad = torch_bce(prediction, target)
    loss = BCEWithLogits()

    value = loss(prediction, target)
    grad = loss.backward()

    assert_close(value, expected_value, "value")
    assert_close(grad, expected_grad, "gradient")


def test_bce_with_logits_hard_targets_match_torch():
    prediction = 3 * sample((6, 2))
    target = (uniform((6, 2), seed=1) > 0.5).to(F64)
    expected_value, expected_grad = torch_bce(prediction, target)
    loss = BCEWithLogits()

    value = loss(prediction, target)
    grad = loss.backward()

    assert_close(value, expected_value, "value")
    assert_close(grad, expected_grad, "gradient")


def test_bce_with_logits_zero_logits_known_values():
    loss = BCEWithLogits()
    target = torch.tensor([0.0, 0.25, 1.0, 0.5], dtype=F64)

    value = loss(torch.zeros(4, dtype=F64), target)
    grad = loss.backward()

    # σ(0) = 1/2, so every term is log 2 and the gradient is (1/2 − y) / 4.
    assert_close(value, torch.tensor(math.log(2), dtype=F64), "value")
    assert_close(grad, (0.5 - target) / 4, "gradient")


@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_bce_with_logits_extreme_logits_stay_finite(dtype):
    loss = BCEWithLogits()
    prediction = torch.tensor([1e4, -1e4, 1e4, -1e4, 0.0], dtype=dtype)
    target = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.5], dtype=dtype)

    value = loss(prediction, target)
    grad = loss.backward()

    assert value.dtype == dtype
    assert torch.isfinite(value)
    assert torch.isfinite(grad).all()


def test_bce_with_logits_extreme_logits_match_torch():
    prediction = torch.tensor([1e4, -1e4, 1e4, -1e4, 0.0, 40.0, -40.0], dtype=F64)
    target = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.5, 0.3, 0.7], dtype=F64)
    expected_value, expected_grad = torch_bce(prediction, target)
    loss = BCEWithLogits()

    value = loss(prediction, target)
    grad = loss.backward()

    assert_close(value, expected_value, "value at extreme logits")
    assert_close(grad, expected_grad, "gradient at extreme logits")


def test_bce_with_logits_confident_correct_prediction_near_zero():
    loss = BCEWithLogits()
    prediction = torch.tensor([1e4, -1e4], dtype=torch.float32)

    value = loss(prediction, torch.tensor([1.0, 0.0]))

    assert value.item() == 0.0


def test_bce_with_logits_example_target_in_unit_interval():
    prediction = sample((50, 4))

    target = BCEWithLogits().example_target(prediction)

    assert target.shape == prediction.shape
    assert target.dtype == prediction.dtype
    assert bool(((target >= 0) & (target <= 1)).all())


@pytest.mark.parametrize(
    "target_shape", [(4,), (4, 1), (3, 4), (4, 3, 1), (1, 3)], ids=str
)
def test_bce_with_logits_rejects_shape_mismatch(target_shape):
    target = torch.zeros(target_shape, dtype=F64)

    with pytest.raises(ValueError, match=r"prediction shape \(4, 3\) does not match"):
        BCEWithLogits()(sample((4, 3)), target)


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.bool])
def test_bce_with_logits_rejects_target_dtype(dtype):
    target = torch.zeros(4, 3, dtype=dtype)

    with pytest.raises(ValueError, match=f"target dtype {dtype} does not match"):
        BCEWithLogits()(sample((4, 3)), target)


@pytest.mark.parametrize("value", [-0.5, 2.0, float("nan")])
def test_bce_with_logits_rejects_target_outside_unit_interval(value):
    target = uniform((4, 3))
    target[2, 0] = value

    with pytest.raises(ValueError, match=r"at index \(2, 0\) is not a probability"):
        BCEWithLogits()(sample((4, 3)), target)


def test_bce_with_logits_rejects_integer_prediction():
    prediction = torch.zeros(4, dtype=torch.int64)

    with pytest.raises(
        ValueError, match="prediction dtype torch.int64 is not floating"
    ):
        BCEWithLogits()(prediction, torch.zeros(4, dtype=torch.int64))


def test_bce_with_logits_rejects_empty_prediction():
    empty = torch.zeros(0, 3, dtype=F64)

    with pytest.raises(ValueError, match=r"shape \(0, 3\) is empty"):
        BCEWithLogits()(empty, empty.clone())


def test_bce_with_logits_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="backward called before forward"):
        BCEWithLogits().backward()
