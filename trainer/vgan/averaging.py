"""What a run publishes, beside the paper's recipe: two named settings of train.py, off by default.

- An exponential moving average of the generator's weights (--ema-decay, the Trainer's emaDecay): the published
  generator is the average of the recent updates' weights rather than the last one, which smooths the jitter of
  an adversarial game that never settles (it does not change training).
- BatchNorm statistics recomputed as the plain mean over many training-size batches (--precise-bn), in place of
  the running averages, which at the paper's momentum weight only the last few dozen batches.

Both act on a copy: the training model stays the paper's.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable
import torch

from .networks import ConvLayer, Generator, VganModel


class GeneratorAverage:
    """average ← decay · average + (1 − decay) · weights after every generator update. The BatchNorm running
    statistics are copied, not averaged (precise_batch_norm recomputes them for the averaged weights)."""

    def __init__(self, generator: Generator, decay: float) -> None:
        if not 0 < decay < 1:
            raise ValueError(f"the average's decay must lie strictly between 0 and 1, got {decay}")
        self.decay = decay
        self.generator = copy.deepcopy(generator)
        for p in self.generator.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, generator: Generator) -> None:
        for average, current in zip(self.generator.parameters(), generator.parameters()):
            average.lerp_(current, 1 - self.decay)
        for average, current in zip(self.generator.buffers(), generator.buffers()):
            average.copy_(current)


def with_generator(model: VganModel, generator: Generator) -> VganModel:
    """A copy of the model holding a copy of `generator`, in inference mode, its BatchNorm not synchronised."""
    out = copy.deepcopy(model)
    out.generator = copy.deepcopy(generator)
    out.sync_batch_norm(False)
    return out.eval()


@torch.no_grad()
def precise_batch_norm(generator: Generator, inputs: Iterable[torch.Tensor]) -> int:
    """Sets every BatchNorm layer's running mean and variance to the mean of its batch statistics over `inputs`
    (each batch normalised by its own statistics, as in training). Returns the number of batches used."""
    layers = [m for m in generator.modules() if isinstance(m, ConvLayer) and m.spec.batch_norm]
    momentum = {id(m): m.momentum for m in layers}
    count = 0
    try:
        for count, batch in enumerate(inputs, 1):
            for m in layers:
                m.momentum = 1 / count  # running = mean of the batch statistics so far
            generator(batch, True)
    finally:
        for m in layers:
            m.momentum = momentum[id(m)]
    if count == 0:
        raise ValueError("precise_batch_norm needs at least one batch")
    return count
