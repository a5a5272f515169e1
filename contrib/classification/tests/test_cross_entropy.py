"""CrossEntropy: the contract suite, torch.nn.CrossEntropyLoss in float64, edge cases."""

from __future__ import annotations

import math
import re

import pytest
import torch
from minidl_classification import CrossEntropy

from core.testing import LossContract

F64 = torch.float64


class ProbabilityTargetCrossEntropy(CrossEntropy):
    """CrossEntropy whose contract examples use class probabilities as targets."""

    def example_target(self, prediction: torch.Tensor) -> torch.Tensor:
        return torch.softmax(torch.randn_like(prediction), dim=1)


class TestCrossEntropyContract(LossContract):
    component = CrossEntropy


class TestCrossEntropyProbabilityContract(LossContract):
    component = ProbabilityTargetCrossEntropy


class TestCrossEntropyManyClassesContract(LossContract):
    component = CrossEntropy
    prediction_shape = (6, 10)


def sample(shape, seed=0, dtype=F64) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=dtype)


def class_indices(rows, classes, seed=0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(classes, (rows,), generator=generator)


def probabilities(rows, classes, seed=0) -> torch.Tensor:
    return torch.softmax(3 * sample((rows, classes), seed=seed), dim=1)


def torch_cross_entropy(prediction, target):
    """Value and prediction gradient of torch.nn.CrossEntropyLoss()."""
    leaf = prediction.clone().requires_grad_(True)
    with torch.enable_grad():
        value = torch.nn.CrossEntropyLoss()(leaf, target)
        value.backward()
    return value.detach(), leaf.grad


def assert_close(actual, expected, what):
    torch.testing.assert_close(
        actual, expected, rtol=1e-10, atol=1e-12, msg=lambda m: f"{what}: {m}"
    )


SHAPES = [(1, 3), (5, 4), (8, 2), (3, 1), (4, 10)]


@pytest.mark.parametrize("shape", SHAPES)
def test_cross_entropy_indices_match_torch(shape):
    prediction = 2 * sample(shape)
    target = class_indices(*shape, seed=1)
    expected_value, expected_grad = torch_cross_entropy(prediction, target)
    loss = CrossEntropy()

    value = loss(prediction, target)
    grad = loss.backward()

    assert_close(value, expected_value, "value")
    assert_close(grad, expected_grad, "gradient")


@pytest.mark.parametrize("shape", SHAPES)
def test_cross_entropy_probabilities_match_torch(shape):
    prediction = 2 * sample(shape)
    target = probabilities(*shape, seed=1)
    expected_value, expected_grad = torch_cross_entropy(prediction, target)
    loss = CrossEntropy()

    value = loss(prediction, target)
    grad = loss.backward()

    assert_close(value, expected_value, "value")
    assert_close(grad, expected_grad, "gradient")


def test_cross_entropy_unnormalized_probabilities_match_torch():
    # Rows that do not sum to 1 scale the softmax term of the gradient.
    prediction = sample((4, 3))
    target = torch.rand(4, 3, generator=torch.Generator().manual_seed(1), dtype=F64)
    expected_value, expected_grad = torch_cross_entropy(prediction, target)
    loss = CrossEntropy()

    value = loss(prediction, target)
    grad = loss.backward()

    assert_close(value, expected_value, "value")
    assert_close(grad, expected_grad, "gradient")


def test_cross_entropy_one_hot_equals_indices():
    prediction = sample((6, 4))
    target = class_indices(6, 4, seed=1)
    one_hot = torch.nn.functional.one_hot(target, 4).to(F64)
    loss = CrossEntropy()

    index_value = loss(prediction, target)
    index_grad = loss.backward()
    one_hot_value = loss(prediction, one_hot)
    one_hot_grad = loss.backward()

    assert_close(one_hot_value, index_value, "value")
    assert_close(one_hot_grad, index_grad, "gradient")


def test_cross_entropy_uniform_logits_known_values():
    loss = CrossEntropy()
    prediction = torch.zeros(2, 4, dtype=F64)
    target = torch.tensor([1, 3])

    value = loss(prediction, target)
    grad = loss.backward()

    # softmax = 1/4 everywhere; the target class gets 1/4 − 1, over N = 2 rows.
    expected_grad = torch.full((2, 4), 0.125, dtype=F64)
    expected_grad[0, 1] = expected_grad[1, 3] = -0.375
    assert_close(value, torch.tensor(math.log(4), dtype=F64), "value")
    assert_close(grad, expected_grad, "gradient")


def test_cross_entropy_two_class_known_value():
    loss = CrossEntropy()
    prediction = torch.tensor([[0.0, math.log(3)]], dtype=F64)

    value = loss(prediction, torch.tensor([1]))

    # softmax = (1/4, 3/4), so L = −log(3/4).
    assert_close(value, torch.tensor(math.log(4 / 3), dtype=F64), "value")


def test_cross_entropy_shift_invariant():
    loss = CrossEntropy()
    prediction = sample((5, 3))
    target = class_indices(5, 3, seed=1)

    value = loss(prediction, target)
    shifted_value = loss(prediction + 100.0, target)

    assert_close(shifted_value, value, "value after adding 100 to every logit")


@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_cross_entropy_extreme_logits_stay_finite(dtype):
    loss = CrossEntropy()
    prediction = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, -1e4]], dtype=dtype)
    target = torch.tensor([1, 1])

    value = loss(prediction, target)
    grad = loss.backward()

    assert value.dtype == dtype
    assert torch.isfinite(value)
    assert torch.isfinite(grad).all()


@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_cross_entropy_extreme_probability_targets_stay_finite(dtype):
    loss = CrossEntropy()
    prediction = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, -1e4]], dtype=dtype)
    target = torch.tensor([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]], dtype=dtype)

    value = loss(prediction, target)
    grad = loss.backward()

    assert torch.isfinite(value)
    assert torch.isfinite(grad).all()


def test_cross_entropy_extreme_logits_match_torch():
    prediction = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, -1e4]], dtype=F64)
    target = torch.tensor([1, 1])
    expected_value, expected_grad = torch_cross_entropy(prediction, target)
    loss = CrossEntropy()

    value = loss(prediction, target)
    grad = loss.backward()

    assert_close(value, expected_value, "value at ±1e4")
    assert_close(grad, expected_grad, "gradient at ±1e4")


def test_cross_entropy_repeated_backward_same_gradient():
    loss = CrossEntropy()
    loss(sample((4, 3)), class_indices(4, 3))

    first = loss.backward()
    second = loss.backward()

    assert torch.equal(first, second)


def test_cross_entropy_example_target_is_class_indices():
    prediction = sample((7, 5))

    target = CrossEntropy().example_target(prediction)

    assert target.dtype == torch.int64
    assert target.shape == (7,)
    assert bool(((target >= 0) & (target < 5)).all())


INVALID_TARGETS = {
    "indices-column": torch.zeros(4, 1, dtype=torch.int64),
    "indices-short": torch.zeros(3, dtype=torch.int64),
    "indices-2d": torch.zeros(4, 3, dtype=torch.int64),
    "indices-int32": torch.zeros(4, dtype=torch.int32),
    "probabilities-1d": torch.zeros(4, dtype=F64),
    "probabilities-float32": torch.zeros(4, 3, dtype=torch.float32),
    "probabilities-transposed": torch.zeros(3, 4, dtype=F64),
    "probabilities-3d": torch.zeros(4, 3, 1, dtype=F64),
    "boolean": torch.zeros(4, 3, dtype=torch.bool),
}


@pytest.mark.parametrize("case", INVALID_TARGETS)
def test_cross_entropy_rejects_invalid_target(case):
    target = INVALID_TARGETS[case]
    shape = tuple(target.shape)
    message = rf"target of shape {re.escape(str(shape))} .*prediction of shape \(4, 3\)"

    with pytest.raises(ValueError, match=message):
        CrossEntropy()(sample((4, 3)), target)


@pytest.mark.parametrize("index", [-1, 3, 100, -100])
def test_cross_entropy_rejects_out_of_range_index(index):
    target = torch.tensor([0, 1, index, 2])

    message = rf"class index {index} in row 2 is out of range for 3 classes"
    with pytest.raises(ValueError, match=message):
        CrossEntropy()(sample((4, 3)), target)


@pytest.mark.parametrize("value", [-0.1, 1.5, float("nan")])
def test_cross_entropy_rejects_invalid_probability(value):
    target = probabilities(4, 3)
    target[1, 2] = value

    with pytest.raises(ValueError, match=r"at index \(1, 2\) is not a probability"):
        CrossEntropy()(sample((4, 3)), target)


@pytest.mark.parametrize("shape", [(3,), (2, 3, 4), (0, 3), (4, 0)])
def test_cross_entropy_rejects_invalid_prediction_shape(shape):
    prediction = torch.zeros(shape, dtype=F64)

    with pytest.raises(ValueError, match=r"prediction shape .* is not \(N, C\)"):
        CrossEntropy()(prediction, torch.zeros(shape[0], dtype=torch.int64))


def test_cross_entropy_rejects_integer_prediction():
    with pytest.raises(
        ValueError, match="prediction dtype torch.int64 is not floating"
    ):
        CrossEntropy()(
            torch.zeros(4, 3, dtype=torch.int64), torch.zeros(4, dtype=torch.int64)
        )


def test_cross_entropy_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="backward called before forward"):
        CrossEntropy().backward()
