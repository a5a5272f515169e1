"""Built-in losses against torch, finite differences and known values."""

from __future__ import annotations

import pytest
import torch

import core
from core.testing import numerical_gradient
from tests.reference import assert_close, autograd_gradients

F64 = torch.float64

# name -> equivalent torch.nn loss
REFERENCES = {"MSE": torch.nn.MSELoss(), "MAE": torch.nn.L1Loss()}
SHAPES = [(7,), (5, 3), (2, 3, 4)]


def sample(shape, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=F64)


def build(name):
    return getattr(core.losses, name)()


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", REFERENCES)
def test_loss_value_matches_torch(name, shape):
    prediction, target = sample(shape, 0), sample(shape, 1)

    value = build(name)(prediction, target)

    assert value.dim() == 0
    assert_close(value, REFERENCES[name](prediction, target), f"{name} value")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", REFERENCES)
def test_loss_gradient_matches_autograd(name, shape):
    prediction, target = sample(shape, 0), sample(shape, 1)
    loss = build(name)
    loss(prediction, target)

    _, (expected, _) = autograd_gradients(REFERENCES[name], [prediction, target])

    assert_close(loss.backward(), expected, f"{name} gradient")


@pytest.mark.parametrize("name", REFERENCES)
def test_loss_gradient_matches_finite_differences(name):
    prediction, target = sample((4, 3), 0), sample((4, 3), 1)
    loss = build(name)
    loss(prediction, target)
    grad = loss.backward()

    expected = numerical_gradient(lambda: loss.forward(prediction, target), prediction)

    torch.testing.assert_close(grad, expected, rtol=1e-6, atol=1e-9)


def test_mse_known_values():
    loss = core.losses.MSE()
    prediction = torch.tensor([[1.0, -3.0], [0.0, 2.0]], dtype=F64)
    target = torch.zeros(2, 2, dtype=F64)

    value = loss(prediction, target)

    assert value.item() == pytest.approx((1 + 9 + 0 + 4) / 4)
    # 2 (ŷ − y) / N with N = 4 elements, not 2 rows.
    assert loss.backward().tolist() == [[0.5, -1.5], [0.0, 1.0]]


def test_mae_known_values():
    loss = core.losses.MAE()
    prediction = torch.tensor([[1.0, -3.0], [0.5, 2.0]], dtype=F64)
    target = torch.tensor([[0.0, 0.0], [0.5, 4.0]], dtype=F64)

    value = loss(prediction, target)

    assert value.item() == pytest.approx((1 + 3 + 0 + 2) / 4)
    # sign(ŷ − y) / N: negative differences count as positive in the value
    # and give a negative gradient; a tie gives 0.
    assert loss.backward().tolist() == [[0.25, -0.25], [0.0, -0.25]]


@pytest.mark.parametrize("name", REFERENCES)
@pytest.mark.parametrize(
    "prediction_shape, target_shape",
    [((4, 1), (4,)), ((4,), (4, 1)), ((3, 2), (2,)), ((1, 2), (3, 2))],
)
def test_loss_rejects_shape_mismatch(name, prediction_shape, target_shape):
    loss = build(name)

    with pytest.raises(ValueError) as raised:
        loss(torch.zeros(prediction_shape), torch.zeros(target_shape))

    assert str(tuple(prediction_shape)) in str(raised.value)
    assert str(tuple(target_shape)) in str(raised.value)


@pytest.mark.parametrize("name", REFERENCES)
def test_loss_rejects_dtype_mismatch(name):
    with pytest.raises(TypeError, match="torch.float32.*torch.float64"):
        build(name)(torch.zeros(3), torch.zeros(3, dtype=F64))


@pytest.mark.parametrize("name", REFERENCES)
def test_loss_dtype_error_for_integer_prediction(name):
    with pytest.raises(TypeError, match="prediction must be floating point"):
        build(name)(torch.zeros(3, dtype=torch.int64), torch.zeros(3))


@pytest.mark.parametrize("name", REFERENCES)
def test_loss_rejects_non_tensors(name):
    with pytest.raises(TypeError, match="prediction must be a torch.Tensor, got list"):
        build(name)([1.0], torch.zeros(1))
    with pytest.raises(TypeError, match="target must be a torch.Tensor, got float"):
        build(name)(torch.zeros(1), 2.0)


@pytest.mark.parametrize("name", REFERENCES)
def test_loss_rejects_empty_prediction(name):
    with pytest.raises(ValueError, match="empty"):
        build(name)(torch.zeros(0, 2), torch.zeros(0, 2))


@pytest.mark.parametrize("name", REFERENCES)
def test_loss_backward_before_forward_raises(name):
    with pytest.raises(RuntimeError, match="backward called before forward"):
        build(name).backward()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("name", REFERENCES)
def test_loss_extreme_inputs_stay_finite(name, dtype):
    loss = build(name)
    prediction = torch.tensor([1e4, -1e4, 0.0], dtype=dtype)
    target = torch.tensor([-1e4, 1e4, 0.0], dtype=dtype)

    value = loss(prediction, target)
    grad = loss.backward()

    assert torch.isfinite(value)
    assert torch.isfinite(grad).all()
    assert grad.dtype == dtype
    assert_close(value.double(), REFERENCES[name](prediction, target).double(), name)
