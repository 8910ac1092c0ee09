"""A few training iterations on synthetic batches, data-parallel or not; used by test_distributed.py.

    torchrun --standalone --nproc_per_node=2 trainer/tests/ddp_worker.py OUT PRESET ITERATIONS GLOBAL_BATCH CHANNELS
    /usr/bin/python3 trainer/tests/ddp_worker.py OUT PRESET ITERATIONS GLOBAL_BATCH CHANNELS     (one process)

Every process draws the same global batch and keeps its slice, so any number of processes sees the same data.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import torch
import torch.distributed as dist

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vgan.config import resolve_config  # noqa: E402
from vgan.networks import VganModel  # noqa: E402
from vgan.trainer import Trainer, TrainerOptions  # noqa: E402


def main() -> None:
    out, preset, iterations, global_batch = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    channels = int(sys.argv[5])
    torch.set_num_threads(1)
    distributed = "WORLD_SIZE" in os.environ
    if distributed:
        dist.init_process_group("gloo")
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
    config = resolve_config(preset, baseChannels=channels)
    options = TrainerOptions(preset=preset, seed=3)
    trainer = Trainer(VganModel(config, seed=options.seed), options, distributed)
    n = global_batch // world
    log = []
    for i in range(iterations):
        g = torch.Generator().manual_seed(1000 + i)
        real = torch.tanh(torch.randn(global_batch, 3, config.frames, config.size, config.size, generator=g))
        log.append(trainer.step(real[rank * n:(rank + 1) * n]))
    trainer.save_checkpoint(out)
    if rank == 0:
        (out / "log.json").write_text(json.dumps(log))
    if distributed:
        # Leave together: gloo can hang a process that tears down while its peer is still writing.
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
