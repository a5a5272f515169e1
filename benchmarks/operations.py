"""Count the tensor operations that one training step runs.

The counts show whether the bare loop still runs the operations that the
framework runs, and what torch's autograd adds: they are taken below
autograd, at the level of the ATen operators (``addmm``, ``t``, ``detach``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from benchmarks.ways import WAYS, Trainer, batch, initial_weights, make_trainer

try:
    # NOTE: TorchDispatchMode is private to torch and checked with torch 2.13
    # only. torch.profiler counts the same operators, but some builds print
    # log lines of their own whenever it starts and stops.
    from torch.utils._python_dispatch import TorchDispatchMode
except ImportError:  # pragma: no cover - only on a torch that moved it
    TorchDispatchMode = None


def count_operations(trainer: Trainer) -> Counter[str] | None:
    """Return how often one training step calls each operator, or None without a counter.

    The step after a warm-up step is counted, and so is the ``item()`` call that
    reads its loss.
    """
    if TorchDispatchMode is None:
        return None

    class _Counter(TorchDispatchMode):
        def __init__(self) -> None:
            super().__init__()
            self.counts: Counter[str] = Counter()

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.counts[func.overloadpacket.__name__] += 1
            return func(*args, **(kwargs or {}))

    trainer.run(1)
    with _Counter() as counter:
        trainer.run(1)
    return counter.counts


def compare_operations(
    widths: tuple[int, ...], batch_size: int
) -> dict[str, Any] | None:
    """Count the operations of each way and list those that ``this`` and ``bare`` do not share.

    Returns None when this torch has no dispatch mode to count with.
    """
    weights = initial_weights(widths, seed=0)
    inputs, targets = batch(widths, batch_size, seed=0)
    counts = {}
    for way in WAYS:
        counted = count_operations(make_trainer(way, weights, inputs, targets))
        if counted is None:
            return None
        counts[way] = counted
    return {
        "total": {way: sum(counts[way].values()) for way in WAYS},
        "only_this": dict(counts["this"] - counts["bare"]),
        "only_bare": dict(counts["bare"] - counts["this"]),
    }
