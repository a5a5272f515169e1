"""Hyperparameter checks shared by the optimizers."""

from __future__ import annotations

import math


def check_number(
    owner: str,
    name: str,
    value: object,
    low: float,
    high: float = math.inf,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = False,
) -> float:
    """Return ``value`` as a float, or raise ValueError unless it lies in the range.

    The range is ``[low, high)`` by default; the two flags close or open its
    ends. An infinite ``high`` accepts every finite number above ``low``.
    ``owner`` names the optimizer in the message.
    """
    if high == math.inf:
        comparison = ">=" if low_inclusive else ">"
        allowed = f"a finite number {comparison} {low:g}"
    else:
        opening = "[" if low_inclusive else "("
        closing = "]" if high_inclusive else ")"
        allowed = f"a number in {opening}{low:g}, {high:g}{closing}"

    valid = isinstance(value, (int, float)) and not isinstance(value, bool)
    if valid:
        above_low = low <= value if low_inclusive else low < value
        below_high = value <= high if high_inclusive else value < high
        valid = math.isfinite(value) and above_low and below_high
    if not valid:
        raise ValueError(f"{owner}: {name} must be {allowed}, got {value!r}")
    return float(value)


def check_betas(owner: str, betas: object) -> tuple[float, float]:
    """Return Adam's ``(beta1, beta2)`` as floats, each in [0, 1)."""
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
        raise ValueError(
            f"{owner}: betas must be a pair (beta1, beta2) of numbers in [0, 1), "
            f"got {betas!r}"
        )
    beta1 = check_number(owner, "betas[0]", betas[0], 0.0, 1.0)
    beta2 = check_number(owner, "betas[1]", betas[1], 0.0, 1.0)
    return beta1, beta2
