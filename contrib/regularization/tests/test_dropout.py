"""Dropout: the contract suite, torch.nn.functional.dropout in float64, edge cases."""

from __future__ import annotations

import math

import pytest
import torch
from minidl_regularization import Dropout

import core
from core.testing import LayerContract

F64 = torch.float64


class TestDropoutContract(LayerContract):
    component = Dropout


class TestDropoutHighRateContract(LayerContract):
    component = Dropout
    kwargs = {"p": 0.9}
    input_shape = (6, 5)


def sample(shape=(6, 5), seed=0, dtype=F64) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=dtype)


def torch_dropout(input, p, grad_output, seed):
    """Output and input gradient of torch's dropout with the global generator seeded."""
    leaf = input.clone().requires_grad_(True)
    with torch.enable_grad():
        torch.manual_seed(seed)
        output = torch.nn.functional.dropout(leaf, p, training=True)
        output.backward(grad_output)
    return output.detach(), leaf.grad


@pytest.mark.parametrize("dtype", [torch.float32, F64])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_forward_matches_torch_same_seed(p, dtype):
    input = sample(dtype=dtype)
    expected, _ = torch_dropout(input, p, torch.ones_like(input), seed=7)
    layer = Dropout(p)

    torch.manual_seed(7)
    output = layer(input)

    torch.testing.assert_close(output, expected, rtol=0, atol=0)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_input_gradient_matches_autograd(p):
    input = sample()
    grad_output = sample(seed=1)
    _, expected = torch_dropout(input, p, grad_output, seed=3)
    layer = Dropout(p)

    torch.manual_seed(3)
    layer(input)
    grad_input = layer.backward(grad_output)

    torch.testing.assert_close(grad_input, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_mask_zeroes_fraction_p(p):
    torch.manual_seed(0)
    count = 200_000
    output = Dropout(p)(torch.ones(count, dtype=F64))

    dropped = (output == 0).double().mean().item()

    # Five standard deviations of a binomial proportion: a false failure
    # has a probability below 1e-6.
    tolerance = 5 * math.sqrt(p * (1 - p) / count)
    assert abs(dropped - p) < tolerance, f"dropped fraction {dropped}, expected {p}"


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_kept_elements_scaled_by_inverse_keep_rate(p):
    torch.manual_seed(0)
    input = sample(shape=(50, 40))
    output = Dropout(p)(input)
    kept = output != 0

    assert kept.any()
    torch.testing.assert_close(output[kept], input[kept] / (1 - p), rtol=1e-15, atol=0)


def test_dropout_output_mean_matches_input_mean():
    torch.manual_seed(0)
    count = 200_000
    output = Dropout(0.4)(torch.ones(count, dtype=F64))

    # Each element is 1 / 0.6 with probability 0.6, else 0: mean 1 and
    # standard deviation √(0.4 / 0.6) ≈ 0.82 per element.
    tolerance = 5 * math.sqrt(0.4 / 0.6 / count)
    assert abs(output.mean().item() - 1.0) < tolerance


def test_dropout_backward_uses_forward_mask():
    torch.manual_seed(0)
    layer = Dropout(0.5)
    input = sample(shape=(20, 10))
    output = layer(input)
    grad_output = sample(shape=(20, 10), seed=1)

    grad_input = layer.backward(grad_output)

    kept = output != 0
    assert torch.equal(grad_input[~kept], torch.zeros_like(grad_input[~kept]))
    torch.testing.assert_close(
        grad_input[kept], grad_output[kept] * 2, rtol=1e-15, atol=0
    )


def test_dropout_same_seed_gives_same_mask():
    layer = Dropout(0.5)
    input = sample()

    torch.manual_seed(11)
    first = layer(input)
    torch.manual_seed(11)
    second = layer(input)

    assert torch.equal(first, second)


def test_dropout_successive_calls_draw_new_masks():
    torch.manual_seed(0)
    layer = Dropout(0.5)
    input = torch.ones(1000, dtype=F64)

    first = layer(input)
    second = layer(input)

    assert not torch.equal(first != 0, second != 0)


def test_dropout_p_zero_is_identity_in_training():
    layer = Dropout(0.0)
    input = sample()
    grad_output = sample(seed=1)

    output = layer(input)
    grad_input = layer.backward(grad_output)

    assert layer.training
    assert torch.equal(output, input)
    assert torch.equal(grad_input, grad_output)


@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_dropout_p_one_zeroes_everything(dtype):
    layer = Dropout(1.0)
    input = torch.tensor([[1e4, -1e4, 0.0, float("inf")]], dtype=dtype)

    output = layer(input)
    grad_input = layer.backward(torch.ones_like(input))

    assert torch.equal(output, torch.zeros_like(input))
    assert torch.equal(grad_input, torch.zeros_like(input))


def test_dropout_eval_mode_is_identity():
    layer = Dropout(0.5).eval()
    input = sample()
    grad_output = sample(seed=1)

    output = layer(input)
    grad_input = layer.backward(grad_output)

    assert torch.equal(output, input)
    assert torch.equal(grad_input, grad_output)


def test_dropout_eval_mode_leaves_generator_untouched():
    layer = Dropout(0.5).eval()
    state = torch.get_rng_state()

    layer(sample())

    assert torch.equal(torch.get_rng_state(), state)


def test_dropout_train_after_eval_drops_again():
    torch.manual_seed(0)
    layer = Dropout(0.5).eval()
    input = torch.ones(1000, dtype=F64)
    layer(input)

    output = layer.train()(input)

    assert (output == 0).any()


def test_dropout_follows_sequential_mode():
    torch.manual_seed(0)
    net = core.Sequential(Dropout(0.5))
    input = torch.ones(1000, dtype=F64)

    net.eval()
    eval_output = net(input)
    net.train()
    train_output = net(input)

    assert torch.equal(eval_output, input)
    assert (train_output == 0).any()


@pytest.mark.parametrize(
    "p", [-0.1, 1.5, float("nan"), float("inf"), "0.5", True, None]
)
def test_dropout_rejects_invalid_p(p):
    with pytest.raises(ValueError, match=rf"p must be a number in \[0, 1\], got {p!r}"):
        Dropout(p)


def test_dropout_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="backward called before forward"):
        Dropout().backward(torch.zeros(2, 3))


def test_dropout_rejects_wrong_grad_output_shape():
    layer = Dropout()
    layer(torch.zeros(5, 4))

    with pytest.raises(ValueError, match=r"\(5, 3\).*\(5, 4\)"):
        layer.backward(torch.zeros(5, 3))


def test_dropout_repr_shows_p():
    assert repr(Dropout(0.25)) == "Dropout(p=0.25)"
