"""The contract suite: built-ins pass, deliberately broken components fail."""

from __future__ import annotations

import pytest
import torch

import core
from core import registry
from core.registry import Component
from core.testing import CHECKS, check_component
from plugins.builtin.activations import Tanh
from plugins.builtin.linear import Linear
from plugins.builtin.losses import MSE
from plugins.builtin.sgd import SGD


def results_of(kind: str, component: type) -> dict[str, tuple[str, str]]:
    """Map each check of a component to its (status, message)."""
    record = Component(kind, component.__name__, component, "test", None, None)
    return {r.check: (r.status, r.message) for r in check_component(record)}


def failed_checks(kind: str, component: type) -> set[str]:
    return {
        name
        for name, (status, _) in results_of(kind, component).items()
        if status == "fail"
    }


# Broken layers, each with one defect.


class TanhMissingSquare(Tanh):
    """Tanh whose backward uses 1 − y instead of 1 − y²."""

    def backward(self, grad_output):
        return grad_output * (1 - self._cache)


class LinearOverwritingGradients(Linear):
    """Linear whose backward overwrites the gradients instead of adding to them."""

    def backward(self, grad_output):
        self.weight_grad.zero_()
        self.bias_grad.zero_()
        return super().backward(grad_output)


class LinearWrongBiasGradient(Linear):
    """Linear whose bias gradient is the batch mean instead of the sum."""

    def backward(self, grad_output):
        grad_input = super().backward(grad_output)
        self.bias_grad.mul_(1 / grad_output.shape[0])
        return grad_input


class LinearSkippingBiasInBackwardParams(Linear):
    """Linear whose backward_params leaves the bias gradient out."""

    def backward_params(self, grad_output):
        self.weight_grad.addmm_(grad_output.t(), self._rows)


class ScaleIgnoringWeight(core.Module):
    """y = w ⊙ x with w starting at ones, whose backward omits w."""

    def __init__(self):
        self.weight = torch.ones(3)
        self.weight_grad = torch.zeros(3)

    def forward(self, input):
        self.input = input
        return input * self.weight

    def backward(self, grad_output):
        self.weight_grad += (grad_output * self.input).sum(0)
        return grad_output

    def param(self):
        return [(self.weight, self.weight_grad)]


class LinearReplacingGradients(Linear):
    """Linear whose zero_grad allocates new tensors."""

    def zero_grad(self):
        self.weight_grad = torch.zeros_like(self.weight)
        self.bias_grad = torch.zeros_like(self.bias)


class TanhFloat32(Tanh):
    """Tanh that always computes in float32."""

    def forward(self, input):
        return super().forward(input.float())

    def backward(self, grad_output):
        return super().backward(grad_output.float())


class BatchMixing(core.Module):
    """y = x + mean over the batch, without declaring batch_independent = False."""

    def forward(self, input):
        self._rows = input.shape[0]
        return input + input.mean(0)

    def backward(self, grad_output):
        return grad_output + grad_output.sum(0) / self._rows


class DeclaredBatchMixing(BatchMixing):
    batch_independent = False


class GraphBuilding(core.Module):
    """A layer that builds an autograd graph with a parameter that requires grad."""

    def __init__(self):
        self.scale = torch.ones(3).requires_grad_()
        self.scale_grad = torch.zeros(3)

    def forward(self, input):
        self._input = input
        return input * self.scale

    def backward(self, grad_output):
        self.scale_grad += (grad_output * self._input).sum(0).detach()
        return (grad_output * self.scale).detach()

    def param(self):
        return [(self.scale, self.scale_grad)]


class NeedsArguments(core.Module):
    """A layer whose constructor needs an argument but declares no example."""

    def __init__(self, width):
        self.width = width


# Broken losses.


class MSEMissingFactorTwo(MSE):
    """MSE whose gradient lacks the factor 2."""

    def backward(self):
        return self._diff / self._diff.numel()


class MSEBroadcasting(core.Loss):
    """MSE that broadcasts the target instead of rejecting a shape mismatch."""

    def forward(self, prediction, target):
        self._diff = prediction - target
        return self._diff.square().mean()

    def backward(self):
        return 2 * self._diff / self._diff.numel()


class MSERejectingWithTypeError(MSE):
    """MSE that raises TypeError, not ValueError, on a shape mismatch."""

    def forward(self, prediction, target):
        if prediction.shape != target.shape:
            raise TypeError("shapes differ")
        return super().forward(prediction, target)


# Broken optimizers.


class Ascent(SGD):
    """SGD with the sign flipped: it climbs the objective."""

    def step(self):
        for param, grad in self.pairs:
            param.add_(grad, alpha=self.lr)


class Drifting(SGD):
    """SGD that moves every parameter even with a zero gradient."""

    def step(self):
        super().step()
        for param in self.params:
            param.add_(1e-3)


class ReplacingZeroGrad(SGD):
    """An optimizer whose zero_grad rebinds new gradient tensors."""

    def zero_grad(self):
        self.grads = [torch.zeros_like(grad) for grad in self.grads]


class OutOfPlace(SGD):
    """SGD that rebinds new parameter tensors instead of updating in place."""

    def step(self):
        self.params = [p - self.lr * g for p, g in zip(self.params, self.grads)]


@pytest.mark.parametrize(
    "component", registry.components(), ids=lambda c: c.qualified_name
)
def test_builtin_passes_every_check(component):
    for result in check_component(component):
        assert result.status != "fail", f"{result.check}: {result.message}"


def test_linear_passes_every_check_without_skips():
    statuses = {status for status, _ in results_of("layer", Linear).values()}

    assert statuses == {"pass"}


def test_check_names_per_kind():
    assert len(CHECKS["layer"]) == 11
    assert len(CHECKS["loss"]) == 4
    assert len(CHECKS["optimizer"]) == 3


@pytest.mark.parametrize(
    "component, expected",
    [
        (
            TanhMissingSquare,
            {
                "input gradient matches finite differences",
                "input gradient matches finite differences in eval mode",
            },
        ),
        (LinearOverwritingGradients, {"gradients accumulate over two backward calls"}),
        (
            LinearWrongBiasGradient,
            {
                "parameter gradients match finite differences",
                "parameter gradients match finite differences in eval mode",
            },
        ),
        (
            LinearSkippingBiasInBackwardParams,
            {"backward_params accumulates what backward does"},
        ),
        (
            ScaleIgnoringWeight,
            {
                "input gradient matches finite differences",
                "input gradient matches finite differences in eval mode",
            },
        ),
        (LinearReplacingGradients, {"zero_grad() works in place"}),
        (TanhFloat32, {"float32 and float64 inputs keep their dtype"}),
        (BatchMixing, {"rows of a batch are independent"}),
        (GraphBuilding, {"works with autograd off and builds no graph"}),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_broken_layer_fails_its_check(component, expected):
    assert expected <= failed_checks("layer", component)


def test_missing_factor_names_the_gradient_error():
    status, message = results_of("layer", TanhMissingSquare)[
        "input gradient matches finite differences"
    ]

    assert status == "fail"
    assert message.startswith("input gradient is wrong: at index")


def test_declared_batch_dependence_skips_independence_check():
    status, message = results_of("layer", DeclaredBatchMixing)[
        "rows of a batch are independent"
    ]

    assert status == "skip"
    assert "batch_independent = False" in message


def test_layer_without_example_arguments_fails_with_hint():
    results = results_of("layer", NeedsArguments)

    assert all(status == "fail" for status, _ in results.values())
    assert (
        "declare working example_args"
        in results["param() pairs share shape, dtype and device"][1]
    )


@pytest.mark.parametrize(
    "component, expected",
    [
        (MSEMissingFactorTwo, {"gradient matches finite differences of the value"}),
        (MSEBroadcasting, {"mismatched shapes are rejected"}),
        (MSERejectingWithTypeError, {"mismatched shapes are rejected"}),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_broken_loss_fails_its_check(component, expected):
    assert expected <= failed_checks("loss", component)


def test_broadcasting_loss_message_names_shapes():
    _, message = results_of("loss", MSEBroadcasting)["mismatched shapes are rejected"]

    assert "prediction (4, 3) with target (1, 3) was accepted" in message


@pytest.mark.parametrize(
    "component, expected",
    [
        (Ascent, {"steps decrease a convex quadratic in place"}),
        (Drifting, {"a zero gradient leaves parameters unchanged"}),
        (ReplacingZeroGrad, {"zero_grad() zeroes gradients in place"}),
        (OutOfPlace, {"steps decrease a convex quadratic in place"}),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_broken_optimizer_fails_its_check(component, expected):
    assert expected <= failed_checks("optimizer", component)


def test_zero_gradient_check_ignores_weight_decay():
    class DecayingSGD(SGD):
        example_kwargs = {"lr": 0.1, "weight_decay": 0.5}

    status, _ = results_of("optimizer", DecayingSGD)[
        "a zero gradient leaves parameters unchanged"
    ]

    assert status == "pass"


def test_contract_leaves_global_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)

    results_of("layer", Linear)

    assert torch.get_default_dtype() == torch.float32
    assert torch.equal(torch.rand(3), expected)


PYTEST_FILE = """
from core.testing import LayerContract, LossContract, OptimizerContract
from plugins.builtin.linear import Linear
from plugins.builtin.losses import MSE
from plugins.builtin.sgd import SGD
from tests.test_contracts import MSEMissingFactorTwo


class TestLinear(LayerContract):
    component = Linear
    args = (5, 2)
    input_shape = (3, 5)


class TestMSE(LossContract):
    component = MSE


class TestBrokenMSE(LossContract):
    component = MSEMissingFactorTwo


class TestSGD(OptimizerContract):
    component = SGD
    kwargs = {"lr": 0.05, "momentum": 0.9}
"""


def test_contract_classes_run_each_check(pytester):
    pytester.makepyfile(test_plugin=PYTEST_FILE)

    result = pytester.runpytest("-p", "no:cacheprovider", "--import-mode=importlib")

    # Linear 11 + MSE 4 + broken MSE 4 + SGD 3 checks.
    result.assert_outcomes(passed=21, failed=1)
    result.stdout.fnmatch_lines(["*TestBrokenMSE::test_gradient*"])


def test_contract_omits_inapplicable_checks(pytester):
    pytester.makepyfile(
        test_plugin="""
from core.testing import LayerContract
from plugins.builtin.activations import Tanh
from plugins.builtin.linear import Linear
from tests.test_contracts import DeclaredBatchMixing


class TestTanh(LayerContract):
    component = Tanh


class TestOneRow(LayerContract):
    component = Tanh
    input_shape = (1, 3)


class TestDeclaredBatchMixing(LayerContract):
    component = DeclaredBatchMixing


class TestLinearAfterTanh(TestTanh):
    component = Linear
    args = (3, 2)
"""
    )

    result = pytester.runpytest("-p", "no:cacheprovider", "--import-mode=importlib")

    # 11 checks less the two parameter gradient checks: 9 for Tanh, 8 for the
    # one-row input and the layer that mixes rows on purpose. A subclass for
    # a layer with parameters gets all 11 back.
    result.assert_outcomes(passed=9 + 8 + 8 + 11)
    result.stdout.no_fnmatch_line("*test_parameter_gradients*")


def test_pytest_base_class_without_component_explains(pytester):
    pytester.makepyfile(
        test_empty="""
from core.testing import LayerContract

class TestNothing(LayerContract):
    pass
"""
    )

    result = pytester.runpytest("-p", "no:cacheprovider", "-k", "test_dtypes")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*must set the class attribute component*"])
