"""Run the contract checks on registered components, and pytest base classes.

Plugin authors subclass ``LayerContract``, ``LossContract`` or
``OptimizerContract`` in their own tests and set ``component``; every check
becomes a test. ``python -m core check`` runs the same checks on installed
components.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from core.registry import Component
from core.testing import layer_checks, loss_checks, optimizer_checks
from core.testing.examples import CheckFailure, CheckSkipped, Example

CHECKS: dict[str, list[tuple[str, Callable[[Example], None]]]] = {
    "layer": layer_checks.CHECKS,
    "loss": loss_checks.CHECKS,
    "optimizer": optimizer_checks.CHECKS,
}


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check on one component: "pass", "fail" or "skip"."""

    component: Component
    check: str
    status: str
    message: str = ""


def run_check(function: Callable[[Example], None], example: Example) -> tuple[str, str]:
    """Run one check and return its status and message."""
    try:
        function(example)
    except CheckSkipped as skipped:
        return "skip", str(skipped)
    except CheckFailure as failure:
        return "fail", str(failure)
    except Exception as error:
        return "fail", f"raised {type(error).__name__}: {error}"
    return "pass", ""


def check_component(component: Component) -> list[CheckResult]:
    """Run every check of the component's kind on it."""
    example = Example.of(component.obj, name=component.name)
    results = []
    for description, function in CHECKS[component.kind]:
        status, message = run_check(function, example)
        results.append(CheckResult(component, description, status, message))
    return results


class _Contract:
    component: type | None = None
    args: tuple | None = None
    kwargs: dict | None = None

    def example(self) -> Example:
        """Return the example the checks build, from the class attributes."""
        if self.component is None:
            raise TypeError(
                f"{type(self).__name__} must set the class attribute component, "
                "e.g. component = MyLayer"
            )
        return Example.of(
            self.component, args=self.args, kwargs=self.kwargs, shape=self._shape()
        )

    def _shape(self) -> tuple[int, ...] | None:
        return None

    def run_contract(self, function: Callable[[Example], None]) -> None:
        """Run a check; a check that does not apply is reported as skipped."""
        try:
            function(self.example())
        except CheckSkipped as skipped:
            import pytest

            pytest.skip(str(skipped))


class LayerContract(_Contract):
    """Pytest base class: every layer contract check as a test.

    Set ``component`` to the layer class. ``args``, ``kwargs`` and
    ``input_shape`` override the class's ``example_args``,
    ``example_kwargs`` and ``example_input_shape``.
    """

    input_shape: tuple[int, ...] | None = None

    # The test methods that run each check which may not apply to a layer.
    _TESTS_OF_CHECK: ClassVar[dict[str, tuple[str, ...]]] = {
        "parameter_gradients": (
            "test_parameter_gradients",
            "test_parameter_gradients_eval_mode",
        ),
        "batch_independence": ("test_batch_independence",),
    }

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Leave out the tests of checks that do not apply, such as parameter
        gradients of a layer without parameters, so that none shows as skipped.
        """
        super().__init_subclass__(**kwargs)
        # A test left out for a parent's layer comes back for this class's.
        for test_names in cls._TESTS_OF_CHECK.values():
            for test_name in test_names:
                if getattr(cls, test_name) is None and test_name not in vars(cls):
                    setattr(cls, test_name, getattr(LayerContract, test_name))
        if cls.component is None:
            return
        try:
            reasons = layer_checks.not_applicable(cls().example())
        except Exception:  # noqa: BLE001 - the tests themselves report it
            return
        for check_name in reasons:
            for test_name in cls._TESTS_OF_CHECK[check_name]:
                setattr(cls, test_name, None)

    def _shape(self) -> tuple[int, ...] | None:
        return self.input_shape

    def test_input_gradient(self):
        self.run_contract(layer_checks.input_gradient)

    def test_parameter_gradients(self):
        self.run_contract(layer_checks.parameter_gradients)

    def test_input_gradient_eval_mode(self):
        self.run_contract(lambda example: layer_checks.input_gradient(example, "eval"))

    def test_parameter_gradients_eval_mode(self):
        self.run_contract(
            lambda example: layer_checks.parameter_gradients(example, "eval")
        )

    def test_param_pairs(self):
        self.run_contract(layer_checks.param_pairs)

    def test_gradient_accumulation(self):
        self.run_contract(layer_checks.gradient_accumulation)

    def test_backward_params(self):
        self.run_contract(layer_checks.backward_params)

    def test_zero_grad_in_place(self):
        self.run_contract(layer_checks.zero_grad_in_place)

    def test_no_autograd(self):
        self.run_contract(layer_checks.no_autograd)

    def test_dtypes(self):
        self.run_contract(layer_checks.dtypes)

    def test_batch_independence(self):
        self.run_contract(layer_checks.batch_independence)


class LossContract(_Contract):
    """Pytest base class: every loss contract check as a test.

    Set ``component`` to the loss class. ``args``, ``kwargs`` and
    ``prediction_shape`` override the class's ``example_args``,
    ``example_kwargs`` and ``example_prediction_shape``.
    """

    prediction_shape: tuple[int, ...] | None = None

    def _shape(self) -> tuple[int, ...] | None:
        return self.prediction_shape

    def test_gradient(self):
        self.run_contract(loss_checks.gradient)

    def test_shape_mismatch(self):
        self.run_contract(loss_checks.shape_mismatch)

    def test_dtypes(self):
        self.run_contract(loss_checks.dtypes)

    def test_no_autograd(self):
        self.run_contract(loss_checks.no_autograd)


class OptimizerContract(_Contract):
    """Pytest base class: every optimizer contract check as a test.

    Set ``component`` to the optimizer class. ``kwargs`` overrides the
    class's ``example_kwargs``, such as ``{"lr": 0.1}``.
    """

    def test_zero_grad_in_place(self):
        self.run_contract(optimizer_checks.zero_grad_in_place)

    def test_zero_gradient_keeps_parameters(self):
        self.run_contract(optimizer_checks.zero_gradient_keeps_parameters)

    def test_decreases_quadratic(self):
        self.run_contract(optimizer_checks.decreases_quadratic)
