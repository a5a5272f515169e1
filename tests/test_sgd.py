"""The built-in SGD against torch.optim.SGD."""

from __future__ import annotations

import pytest
import torch

import core

F64 = torch.float64


def make_pairs(seed):
    generator = torch.Generator().manual_seed(seed)
    shapes = [(3, 4), (3,), (2, 3)]
    params = [torch.randn(shape, generator=generator, dtype=F64) for shape in shapes]
    return [(param, torch.zeros_like(param)) for param in params]


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
def test_sgd_steps_match_torch(momentum, weight_decay):
    pairs = make_pairs(0)
    reference_params = [param.clone() for param, _ in pairs]
    optimizer = core.optimizers.SGD(
        pairs, lr=0.1, momentum=momentum, weight_decay=weight_decay
    )
    reference = torch.optim.SGD(
        reference_params, lr=0.1, momentum=momentum, weight_decay=weight_decay
    )
    generator = torch.Generator().manual_seed(1)

    for step in range(5):
        for (param, grad), reference_param in zip(pairs, reference_params):
            value = torch.randn(param.shape, generator=generator, dtype=F64)
            grad.copy_(value)
            reference_param.grad = value.clone()
        optimizer.step()
        reference.step()

        for index, ((param, _), expected) in enumerate(zip(pairs, reference_params)):
            torch.testing.assert_close(
                param,
                expected,
                rtol=1e-12,
                atol=1e-12,
                msg=lambda m: f"step {step}, parameter {index}: {m}",
            )


def test_sgd_zero_gradient_leaves_parameters():
    pairs = make_pairs(0)
    before = [param.clone() for param, _ in pairs]
    optimizer = core.optimizers.SGD(pairs, lr=0.5, momentum=0.9)

    optimizer.step()
    optimizer.step()

    for (param, _), original in zip(pairs, before):
        assert torch.equal(param, original)


def test_sgd_updates_parameters_in_place():
    pairs = make_pairs(0)
    tensors = [param for param, _ in pairs]
    for _, grad in pairs:
        grad.fill_(1.0)
    optimizer = core.optimizers.SGD(pairs, lr=0.5)

    optimizer.step()

    for (param, _), original in zip(pairs, tensors):
        assert param is original


def test_optimizer_zero_grad_works_in_place():
    pairs = make_pairs(0)
    grads = [grad for _, grad in pairs]
    for grad in grads:
        grad.fill_(3.0)
    optimizer = core.optimizers.SGD(pairs, lr=0.1)

    optimizer.zero_grad()

    for (_, grad), original in zip(pairs, grads):
        assert grad is original
        assert torch.count_nonzero(grad) == 0


def test_sgd_minimizes_quadratic():
    param = torch.tensor([3.0, -2.0], dtype=F64)
    grad = torch.zeros_like(param)
    optimizer = core.optimizers.SGD([(param, grad)], lr=0.1, momentum=0.5)

    for _ in range(100):
        optimizer.zero_grad()
        grad.add_(2 * param)  # gradient of |p|²
        optimizer.step()

    assert param.abs().max() < 1e-6


@pytest.mark.parametrize(
    "options, message",
    [
        ({"lr": -0.1}, "lr must be a finite number >= 0, got -0.1"),
        ({"lr": float("nan")}, "lr must be a finite number >= 0, got nan"),
        ({"lr": "0.1"}, "lr must be a finite number >= 0, got '0.1'"),
        ({"lr": 0.1, "momentum": -0.5}, "momentum must be a finite number >= 0"),
        ({"lr": 0.1, "weight_decay": -1}, "weight_decay must be a finite number >= 0"),
    ],
)
def test_sgd_rejects_invalid_options(options, message):
    with pytest.raises(ValueError, match=message):
        core.optimizers.SGD(make_pairs(0), **options)


def test_optimizer_rejects_empty_parameters():
    with pytest.raises(ValueError, match="empty parameter list"):
        core.optimizers.SGD([], lr=0.1)


def test_optimizer_rejects_module():
    layer = core.layers.Linear(2, 2)

    with pytest.raises(TypeError, match=r"pass model.param\(\)"):
        core.optimizers.SGD(layer, lr=0.1)


def test_optimizer_rejects_mismatched_pair():
    pairs = [(torch.zeros(3), torch.zeros(2))]

    with pytest.raises(
        ValueError, match=r"parameter shape \(3,\) but gradient shape \(2,\)"
    ):
        core.optimizers.SGD(pairs, lr=0.1)


def test_optimizer_rejects_bare_tensors():
    with pytest.raises(TypeError, match=r"expected a \(parameter, gradient\) pair"):
        core.optimizers.SGD([torch.zeros(3)], lr=0.1)
