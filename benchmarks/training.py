"""Time the three ways of training on each configuration, round-robin."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field

from benchmarks.ways import WAYS, batch, initial_weights, make_trainer


@dataclass(frozen=True)
class Config:
    """A network and batch to train, and the targets that the framework must meet.

    ``torch_target`` and ``bare_target`` are the maximum ratios of the
    framework's median step time to torch.nn's and to the bare loop's.
    ``memory_target`` is the maximum ratio of peak memory to torch.nn's, or None
    where no target applies.
    """

    name: str
    widths: tuple[int, ...]
    batch_size: int
    steps: int
    torch_target: float
    bare_target: float = 1.10
    memory_target: float | None = None

    @property
    def network(self) -> str:
        """Layer widths joined by dashes, such as ``2-25-25-25-2``."""
        return "-".join(map(str, self.widths))


@dataclass
class Timings:
    """Seconds per training step of each way, one value per repeat."""

    config: Config
    per_step: dict[str, list[float]] = field(default_factory=dict)


def time_training(config: Config, repeats: int, steps: int, seed: int = 0) -> Timings:
    """Time ``steps`` training steps of every way, ``repeats`` times, round-robin.

    Every way restarts from the same initial weights in every repeat and runs
    a tenth of ``steps`` (at least one) untimed first. The order of the ways
    rotates from one repeat to the next, so none always runs first or last.
    """
    weights = initial_weights(config.widths, seed)
    inputs, targets = batch(config.widths, config.batch_size, seed)
    timings = Timings(config, {way: [] for way in WAYS})
    warm_up_steps = max(1, steps // 10)

    for repeat in range(repeats):
        shift = repeat % len(WAYS)
        for way in WAYS[shift:] + WAYS[:shift]:
            trainer = make_trainer(way, weights, inputs, targets)
            trainer.run(warm_up_steps)
            gc.collect()
            start = time.perf_counter()
            trainer.run(steps)
            elapsed = time.perf_counter() - start
            timings.per_step[way].append(elapsed / steps)
    return timings
