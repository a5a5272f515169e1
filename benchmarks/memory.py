"""Peak resident memory of one way of training, measured in a child process.

Tensors that torch allocates on the CPU are invisible to ``tracemalloc``, so
the benchmark starts one child process per way and reads the operating
system's peak resident set size (RSS) instead. The child:

1. imports torch and the framework, sets one thread, and draws the initial
   weights and the batch;
2. trains a tiny network of the same way for a few steps, so that the code
   and the lazily built state (kernels, the autograd engine) that the way
   needs are loaded before the measurement starts;
3. records its current RSS and, on Linux, resets the peak to it by writing
   ``5`` to ``/proc/self/clear_refs``;
4. builds the network, loss and optimizer from the initial weights and trains
   for the given steps;
5. prints the peak RSS minus the RSS of step 3, in bytes, as JSON.

So the figure counts everything that training needs beyond the data: the
parameters and their gradients, the activations, the autograd graph and what
the allocator keeps.

On Linux the peak is ``VmHWM`` from ``/proc/self/status``, not ``ru_maxrss``.
The kernel folds the RSS that a process had before ``exec`` into its
``ru_maxrss``. A child that ``subprocess`` starts with ``vfork`` shares the
parent's memory until then, so its ``ru_maxrss`` can be the RSS of the
benchmark process, which the reset cannot clear. Elsewhere the figure is
``ru_maxrss`` after training minus ``ru_maxrss`` before it, which can only
understate the peak.

Run as ``python -m benchmarks.memory WIDTHS BATCH WAY STEPS``, with WIDTHS such
as ``784-1024-1024-10``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import torch

from benchmarks.ways import batch, initial_weights, make_trainer

ROOT = Path(__file__).resolve().parent.parent
WARM_UP_WIDTHS = (4, 8, 2)


def measure_peak_memory(
    widths: tuple[int, ...], batch_size: int, way: str, steps: int
) -> int:
    """Run one child process and return the bytes its training added to the peak RSS."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.memory",
        "-".join(map(str, widths)),
        str(batch_size),
        way,
        str(steps),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(
            f"memory measurement of '{way}' failed with status {result.returncode}:\n"
            f"{result.stderr.strip()}"
        )
    return int(json.loads(result.stdout)["peak_bytes"])


def _max_rss_bytes() -> int:
    """Return ``ru_maxrss`` in bytes: it is in KiB on Linux and in bytes on macOS."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _proc_status_bytes(field: str) -> int | None:
    """Return a ``kB`` field of ``/proc/self/status`` in bytes, or None without /proc."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Reset the peak RSS to the current RSS; return False where the system does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def _measure(widths: tuple[int, ...], batch_size: int, way: str, steps: int) -> int:
    torch.set_num_threads(1)
    weights = initial_weights(widths, seed=0)
    inputs, targets = batch(widths, batch_size, seed=0)

    warm_up_inputs, warm_up_targets = batch(WARM_UP_WIDTHS, 2, seed=0)
    warm_up = initial_weights(WARM_UP_WIDTHS, seed=0)
    make_trainer(way, warm_up, warm_up_inputs, warm_up_targets).run(3)
    del warm_up

    current = _proc_status_bytes("VmRSS")
    if current is not None and _reset_peak_rss():
        trainer = make_trainer(way, weights, inputs, targets)
        trainer.run(steps)
        return max(_proc_status_bytes("VmHWM") - current, 0)

    baseline = _max_rss_bytes()
    trainer = make_trainer(way, weights, inputs, targets)
    trainer.run(steps)
    return max(_max_rss_bytes() - baseline, 0)


def main(argv: list[str]) -> int:
    """Parse ``WIDTHS BATCH WAY STEPS``, measure, and print ``{"peak_bytes": N}``."""
    if len(argv) != 4:
        print(
            "usage: python -m benchmarks.memory WIDTHS BATCH WAY STEPS", file=sys.stderr
        )
        return 2
    widths = tuple(int(width) for width in argv[0].split("-"))
    peak = _measure(widths, int(argv[1]), argv[2], int(argv[3]))
    print(json.dumps({"peak_bytes": peak}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
