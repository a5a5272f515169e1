"""BatchNorm1d: the contract suite, torch.nn.BatchNorm1d in float64, edge cases."""

from __future__ import annotations

import math

import pytest
import torch
from minidl_regularization import BatchNorm1d

from core.testing import LayerContract

F64 = torch.float64
RTOL = 1e-10
ATOL = 1e-12


class TestBatchNormContract(LayerContract):
    component = BatchNorm1d


class TestBatchNormSequenceInputContract(LayerContract):
    component = BatchNorm1d
    input_shape = (4, 3, 5)


class TestBatchNormWithoutAffineContract(LayerContract):
    component = BatchNorm1d
    kwargs = {"affine": False}


class TestBatchNormWithoutRunningStatsContract(LayerContract):
    component = BatchNorm1d
    kwargs = {"track_running_stats": False}


def sample(shape, seed=0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=F64)


def make_pair(shape, **options):
    """A BatchNorm1d and a torch.nn.BatchNorm1d with the same random γ and β."""
    channels = shape[1]
    layer = BatchNorm1d(channels, dtype=F64, **options)
    reference = torch.nn.BatchNorm1d(channels, dtype=F64, **options)
    if layer.weight is not None:
        layer.weight.copy_(1 + 0.5 * sample((channels,), seed=100))
        layer.bias.copy_(sample((channels,), seed=101))
        reference.weight.data.copy_(layer.weight)
        reference.bias.data.copy_(layer.bias)
    return layer, reference


def reference_step(reference, input, grad_output):
    """Output, input gradient and parameter gradients of the torch module."""
    leaf = input.clone().requires_grad_(True)
    reference.zero_grad(set_to_none=True)
    with torch.enable_grad():
        output = reference(leaf)
        output.backward(grad_output)
    return output.detach(), leaf.grad, [param.grad for param in reference.parameters()]


def layer_step(layer, input, grad_output):
    layer.zero_grad()
    output = layer(input)
    grad_input = layer.backward(grad_output)
    return output, grad_input, [grad.clone() for _, grad in layer.param()]


def assert_close(actual, expected, what):
    torch.testing.assert_close(
        actual, expected, rtol=RTOL, atol=ATOL, msg=lambda m: f"{what}: {m}"
    )


# id -> (input shape, constructor options)
CASES = {
    "2d": ((8, 3), {}),
    "3d": ((4, 3, 5), {}),
    "momentum-0.3": ((8, 3), {"momentum": 0.3}),
    "cumulative-average": ((8, 3), {"momentum": None}),
    "no-affine": ((8, 3), {"affine": False}),
    "3d-no-affine": ((4, 3, 5), {"affine": False}),
}


@pytest.mark.parametrize("case", CASES)
def test_batchnorm_training_matches_torch(case):
    shape, options = CASES[case]
    layer, reference = make_pair(shape, **options)

    for step in range(4):
        input = 3 * sample(shape, seed=step) + step
        grad_output = sample(shape, seed=50 + step)
        output, grad_input, grads = layer_step(layer, input, grad_output)
        expected_output, expected_input, expected_grads = reference_step(
            reference, input, grad_output
        )

        assert_close(output, expected_output, f"step {step} output")
        assert_close(grad_input, expected_input, f"step {step} input gradient")
        assert len(grads) == len(expected_grads)
        for index, (grad, expected) in enumerate(zip(grads, expected_grads)):
            assert_close(grad, expected, f"step {step} parameter {index} gradient")


@pytest.mark.parametrize("case", CASES)
def test_batchnorm_running_stats_match_torch(case):
    shape, options = CASES[case]
    layer, reference = make_pair(shape, **options)

    for step in range(5):
        input = 3 * sample(shape, seed=step) + step
        layer(input)
        with torch.enable_grad():
            reference(input)

    assert_close(layer.running_mean, reference.running_mean, "running_mean")
    assert_close(layer.running_var, reference.running_var, "running_var")
    assert layer.num_batches_tracked == int(reference.num_batches_tracked)


@pytest.mark.parametrize("case", CASES)
def test_batchnorm_eval_mode_matches_torch(case):
    shape, options = CASES[case]
    layer, reference = make_pair(shape, **options)
    for step in range(3):
        input = 3 * sample(shape, seed=step) + step
        layer(input)
        with torch.enable_grad():
            reference(input)
    layer.eval()
    reference.eval()
    input = sample(shape, seed=20)
    grad_output = sample(shape, seed=21)

    output, grad_input, grads = layer_step(layer, input, grad_output)
    expected_output, expected_input, expected_grads = reference_step(
        reference, input, grad_output
    )

    assert_close(output, expected_output, "eval output")
    assert_close(grad_input, expected_input, "eval input gradient")
    for index, (grad, expected) in enumerate(zip(grads, expected_grads)):
        assert_close(grad, expected, f"eval parameter {index} gradient")


def test_batchnorm_without_running_stats_matches_torch_in_eval():
    shape = (6, 3)
    layer, reference = make_pair(shape, track_running_stats=False)
    layer.eval()
    reference.eval()
    input = 2 * sample(shape) - 1
    grad_output = sample(shape, seed=1)

    output, grad_input, _ = layer_step(layer, input, grad_output)
    expected_output, expected_input, _ = reference_step(reference, input, grad_output)

    assert layer.running_mean is None
    assert_close(output, expected_output, "output with batch statistics in eval mode")
    assert_close(grad_input, expected_input, "input gradient in eval mode")


def test_batchnorm_known_values():
    layer = BatchNorm1d(1, dtype=F64)
    input = torch.tensor([[1.0], [3.0]], dtype=F64)

    output = layer(input)

    # Mean 2 and biased variance 1, so x̂ = ±1 / √(1 + eps). The unbiased
    # variance 2 enters the running variance: 0.9 · 1 + 0.1 · 2.
    scale = 1 / math.sqrt(1 + 1e-5)
    expected = torch.tensor([[-scale], [scale]], dtype=F64)
    assert_close(output, expected, "output")
    assert_close(layer.running_mean, torch.tensor([0.2], dtype=F64), "running_mean")
    assert_close(layer.running_var, torch.tensor([1.1], dtype=F64), "running_var")


def test_batchnorm_known_gradient_of_weighted_sum():
    layer = BatchNorm1d(1, dtype=F64)
    layer(torch.tensor([[1.0], [3.0]], dtype=F64))

    # y = ±1/√(1+eps) does not change when both inputs move together, so a
    # gradient of ones on the output gives a zero input gradient.
    grad_input = layer.backward(torch.ones(2, 1, dtype=F64))

    assert_close(grad_input, torch.zeros(2, 1, dtype=F64), "input gradient")
    assert_close(layer.bias_grad, torch.tensor([2.0], dtype=F64), "bias gradient")
    assert_close(layer.weight_grad, torch.tensor([0.0], dtype=F64), "weight gradient")


def test_batchnorm_initial_state():
    layer = BatchNorm1d(4, dtype=F64)

    assert torch.equal(layer.weight, torch.ones(4, dtype=F64))
    assert torch.equal(layer.bias, torch.zeros(4, dtype=F64))
    assert torch.count_nonzero(layer.weight_grad) == 0
    assert torch.count_nonzero(layer.bias_grad) == 0
    assert torch.equal(layer.running_mean, torch.zeros(4, dtype=F64))
    assert torch.equal(layer.running_var, torch.ones(4, dtype=F64))
    assert layer.num_batches_tracked == 0
    assert layer.param() == [
        (layer.weight, layer.weight_grad),
        (layer.bias, layer.bias_grad),
    ]


def test_batchnorm_default_dtype_is_torch_default():
    layer = BatchNorm1d(2)

    assert layer.weight.dtype == torch.get_default_dtype()
    assert layer.running_var.dtype == torch.get_default_dtype()


def test_batchnorm_without_affine_has_no_parameters():
    layer = BatchNorm1d(3, affine=False)

    assert layer.param() == []
    assert layer.weight is None


def test_batchnorm_eval_mode_keeps_running_stats():
    layer = BatchNorm1d(3, dtype=F64)
    layer(sample((8, 3)))
    mean, var = layer.running_mean.clone(), layer.running_var.clone()

    layer.eval()
    layer(sample((8, 3), seed=1) + 5)

    assert torch.equal(layer.running_mean, mean)
    assert torch.equal(layer.running_var, var)
    assert layer.num_batches_tracked == 1


def test_batchnorm_constant_channel_stays_finite():
    layer, reference = make_pair((4, 2))
    input = torch.tensor([[1e4, 1.0], [1e4, 2.0], [1e4, 3.0], [1e4, 4.0]], dtype=F64)
    grad_output = sample((4, 2), seed=1)

    output, grad_input, _ = layer_step(layer, input, grad_output)
    expected_output, expected_input, _ = reference_step(reference, input, grad_output)

    assert torch.isfinite(output).all()
    assert torch.isfinite(grad_input).all()
    assert_close(output, expected_output, "output with a constant channel")
    assert_close(grad_input, expected_input, "input gradient with a constant channel")


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1)])
def test_batchnorm_rejects_one_value_per_channel_in_training(shape):
    layer = BatchNorm1d(3)

    with pytest.raises(ValueError, match=r"more than 1 value per channel.*\(1, 3"):
        layer(torch.zeros(shape))


def test_batchnorm_untracked_eval_rejects_one_row():
    layer = BatchNorm1d(3, track_running_stats=False).eval()

    with pytest.raises(ValueError, match="more than 1 value per channel"):
        layer(torch.zeros(1, 3))


def test_batchnorm_accepts_one_row_in_eval_mode():
    layer = BatchNorm1d(3, dtype=F64).eval()
    input = torch.tensor([[1.0, 2.0, 3.0]], dtype=F64)

    output = layer(input)

    assert_close(output, input / math.sqrt(1 + 1e-5), "eval output of one row")


@pytest.mark.parametrize("shape", [(4, 2), (4,), (2, 3, 4, 5), (4, 5, 3)])
def test_batchnorm_rejects_wrong_input_shape(shape):
    layer = BatchNorm1d(3)

    with pytest.raises(ValueError, match=r"is not \(N, C\) or \(N, C, L\) with C = "):
        layer(torch.zeros(shape))


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((0,), {}, "num_features must be a positive integer, got 0"),
        ((2.5,), {}, "num_features must be a positive integer, got 2.5"),
        ((True,), {}, "num_features must be a positive integer, got True"),
        ((3,), {"eps": 0.0}, "eps must be a finite number > 0, got 0.0"),
        ((3,), {"eps": -1e-5}, "eps must be a finite number > 0"),
        ((3,), {"eps": float("nan")}, "eps must be a finite number > 0, got nan"),
        (
            (3,),
            {"momentum": 1.5},
            r"momentum must be a number in \[0, 1\] or None, got 1.5",
        ),
        ((3,), {"momentum": -0.1}, r"momentum must be a number in \[0, 1\] or None"),
        ((3,), {"momentum": "0.1"}, r"momentum must be a number in \[0, 1\] or None"),
        ((3,), {"affine": 1}, "affine must be True or False, got 1"),
        (
            (3,),
            {"track_running_stats": None},
            "track_running_stats must be True or False",
        ),
    ],
)
def test_batchnorm_rejects_invalid_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        BatchNorm1d(*args, **kwargs)


def test_batchnorm_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="backward called before forward"):
        BatchNorm1d(3).backward(torch.zeros(4, 3))


def test_batchnorm_rejects_wrong_grad_output_shape():
    layer = BatchNorm1d(3)
    layer(torch.randn(4, 3))

    with pytest.raises(ValueError, match=r"\(4, 2\).*\(4, 3\)"):
        layer.backward(torch.zeros(4, 2))


def test_batchnorm_declares_batch_dependence():
    assert BatchNorm1d.batch_independent is False
