"""Example components and data for the contract checks, and their assertions."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch

SEED = 0
# Tolerances of gradients against central finite differences in float64.
ATOL = 1e-6
RTOL = 1e-5


class CheckFailure(AssertionError):
    """A component broke a contract check."""


class CheckSkipped(Exception):
    """A check does not apply to a component, for the reason in the message."""


@dataclass
class Example:
    """A component class and the arguments that build it for the checks.

    ``shape`` is the input shape of a layer or the prediction shape of a
    loss, batch first; optimizers ignore it.
    """

    component: type
    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    shape: tuple[int, ...] = (4, 3)

    @classmethod
    def of(
        cls,
        component: type,
        name: str | None = None,
        args: tuple | None = None,
        kwargs: dict | None = None,
        shape: tuple[int, ...] | None = None,
    ) -> Example:
        """Build an example from the component's ``example_*`` attributes.

        Arguments that are not None override those attributes.
        """
        if shape is None:
            shape = getattr(component, "example_input_shape", None) or getattr(
                component, "example_prediction_shape", (4, 3)
            )
        return cls(
            component=component,
            name=name or component.__name__,
            args=tuple(
                getattr(component, "example_args", ()) if args is None else args
            ),
            kwargs=dict(
                getattr(component, "example_kwargs", {}) if kwargs is None else kwargs
            ),
            shape=tuple(shape),
        )

    def build(self, *leading: Any, dtype: torch.dtype = torch.float64) -> Any:
        """Construct the component with ``dtype`` as torch's default dtype.

        ``leading`` goes before the example arguments, such as an optimizer's
        parameters. Layers that create their parameters with torch's default
        dtype, as Linear does, then hold parameters of ``dtype``.
        """
        try:
            with default_dtype(dtype):
                return seeded(self.component, *leading, *self.args, **self.kwargs)
        except Exception as error:
            raise CheckFailure(
                f"constructing {self.name}(*{self.args!r}, **{self.kwargs!r}) raised "
                f"{type(error).__name__}: {error}; declare working example_args or "
                "example_kwargs on the class"
            ) from error


@contextlib.contextmanager
def default_dtype(dtype: torch.dtype) -> Iterator[None]:
    """Set torch's default dtype inside the block."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def random_tensor(
    shape: tuple[int, ...], dtype: torch.dtype, seed: int
) -> torch.Tensor:
    """Return a standard normal tensor, the same for the same seed."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=dtype)


def seeded(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``function(*args, **kwargs)`` with torch's global generator seeded.

    The generator's state is restored afterwards, so the caller's random
    stream is left alone. A stochastic layer such as dropout draws the same
    values on every call, which finite differences need.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        return function(*args, **kwargs)


def assert_close(actual: torch.Tensor, expected: torch.Tensor, quantity: str) -> None:
    """Raise CheckFailure naming ``quantity`` unless the tensors match.

    Values match when ``|actual − expected| <= ATOL + RTOL · |expected|``.
    """
    assert_shape(actual, tuple(expected.shape), quantity)
    actual = actual.to(expected.dtype)
    error = (actual - expected).abs()
    allowed = ATOL + RTOL * expected.abs()
    if bool((error <= allowed).all()):
        return
    worst = int((error - allowed).argmax())
    index = tuple(
        int(i) for i in torch.unravel_index(torch.tensor(worst), expected.shape)
    )
    raise CheckFailure(
        f"{quantity} is wrong: at index {index} got {actual.flatten()[worst].item():.6g}, "
        f"expected {expected.flatten()[worst].item():.6g} (max error "
        f"{error.max().item():.3g}, tolerance {ATOL:g} + {RTOL:g}·|expected|)"
    )


def assert_shape(tensor: object, shape: tuple[int, ...], quantity: str) -> None:
    """Raise CheckFailure unless ``tensor`` is a tensor of ``shape``."""
    if not isinstance(tensor, torch.Tensor):
        raise CheckFailure(f"{quantity} is {type(tensor).__name__}, expected a tensor")
    if tuple(tensor.shape) != shape:
        raise CheckFailure(
            f"{quantity} has shape {tuple(tensor.shape)}, expected {shape}"
        )


def check(condition: bool, message: str) -> None:
    """Raise CheckFailure with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailure(message)
