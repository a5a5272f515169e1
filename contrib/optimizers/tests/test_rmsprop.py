"""RMSprop: the contract suite, torch.optim.RMSprop in float64, known values, checks."""

from __future__ import annotations

import math

import pytest
import torch
from minidl_optimizers import RMSprop

from core.testing import OptimizerContract

F64 = torch.float64
STEPS = 8


class TestRMSpropContract(OptimizerContract):
    component = RMSprop


class TestRMSpropCenteredMomentumContract(OptimizerContract):
    component = RMSprop
    kwargs = {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1}


def make_pairs(seed=0):
    generator = torch.Generator().manual_seed(seed)
    shapes = [(3, 4), (3,), (2, 3)]
    params = [torch.randn(shape, generator=generator, dtype=F64) for shape in shapes]
    return [(param, torch.zeros_like(param)) for param in params]


OPTIONS = {
    "defaults": {},
    "alpha-0.9": {"alpha": 0.9},
    "eps-1e-4": {"eps": 1e-4},
    "weight-decay": {"weight_decay": 0.1},
    "momentum": {"momentum": 0.9},
    "centered": {"centered": True},
    "centered-momentum": {"centered": True, "momentum": 0.5},
    "all": {
        "lr": 0.003,
        "alpha": 0.8,
        "eps": 1e-6,
        "weight_decay": 0.2,
        "momentum": 0.7,
        "centered": True,
    },
}


@pytest.mark.parametrize("case", OPTIONS)
def test_rmsprop_steps_match_torch(case, steps_match_torch):
    options = OPTIONS[case]

    steps_match_torch(
        lambda pairs: RMSprop(pairs, **options),
        lambda params: torch.optim.RMSprop(params, **options),
    )


@pytest.mark.parametrize("case", ["defaults", "all"])
def test_rmsprop_learning_rate_schedule_matches_torch(case, steps_match_torch):
    options = OPTIONS[case]

    def schedule(step):
        return 0.01 * math.cos(step / STEPS * math.pi / 2)

    steps_match_torch(
        lambda pairs: RMSprop(pairs, **options),
        lambda params: torch.optim.RMSprop(params, **options),
        schedule,
    )


def test_rmsprop_first_step_known_value():
    param = torch.zeros(2, dtype=F64)
    grad = torch.tensor([2.0, -0.5], dtype=F64)
    optimizer = RMSprop([(param, grad)], lr=0.01, alpha=0.99)

    optimizer.step()

    # v = 0.01 · g², so √v = 0.1 · |g| and the step is lr · g / (0.1 |g| + eps).
    expected = -0.01 * grad / (0.1 * grad.abs() + 1e-8)
    torch.testing.assert_close(param, expected, rtol=1e-12, atol=0)


def test_rmsprop_centered_constant_gradient_stays_finite():
    # With a constant gradient v − ḡ² shrinks towards 0, and in float64
    # rounding takes it below 0 within about 3,200 steps. torch.optim.RMSprop
    # then returns NaN.
    param = torch.zeros(3, dtype=F64)
    grad = torch.tensor([0.3, 1.7, 1e-3], dtype=F64)
    optimizer = RMSprop([(param, grad)], lr=1e-6, centered=True)

    for _ in range(4000):
        optimizer.step()

    assert torch.isfinite(param).all()


def test_rmsprop_state_only_for_enabled_options():
    plain = RMSprop(make_pairs())
    full = RMSprop(make_pairs(), momentum=0.9, centered=True)

    assert plain.grad_avgs is None
    assert plain.momentum_buffers is None
    assert len(full.grad_avgs) == 3
    assert len(full.momentum_buffers) == 3


def test_rmsprop_updates_parameters_in_place():
    pairs = make_pairs()
    tensors = [param for param, _ in pairs]
    before = [param.clone() for param, _ in pairs]
    for _, grad in pairs:
        grad.fill_(1.0)

    RMSprop(pairs, momentum=0.5).step()

    for (param, _), original, old_value in zip(pairs, tensors, before):
        assert param is original
        assert not torch.equal(param, old_value)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"lr": -0.1}, "lr must be a finite number >= 0, got -0.1"),
        ({"lr": float("inf")}, "lr must be a finite number >= 0, got inf"),
        ({"alpha": 1.0}, r"alpha must be a number in \[0, 1\), got 1.0"),
        ({"alpha": -0.5}, r"alpha must be a number in \[0, 1\), got -0.5"),
        ({"eps": 0}, "eps must be a finite number > 0, got 0"),
        ({"weight_decay": -1}, "weight_decay must be a finite number >= 0, got -1"),
        ({"momentum": 1.0}, r"momentum must be a number in \[0, 1\), got 1.0"),
        ({"momentum": -0.9}, r"momentum must be a number in \[0, 1\), got -0.9"),
        ({"momentum": None}, r"momentum must be a number in \[0, 1\), got None"),
        ({"centered": 1}, "centered must be True or False, got 1"),
        ({"centered": "yes"}, "centered must be True or False, got 'yes'"),
    ],
)
def test_rmsprop_rejects_invalid_options(options, message):
    with pytest.raises(ValueError, match=f"RMSprop: {message}"):
        RMSprop(make_pairs(), **options)


def test_rmsprop_repr_shows_options():
    optimizer = RMSprop(make_pairs(), momentum=0.5)

    assert repr(optimizer) == (
        "RMSprop(lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0.0, momentum=0.5, "
        "centered=False)"
    )
