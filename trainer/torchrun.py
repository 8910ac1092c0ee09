"""`torchrun` for Debian's python3-torch 1.13 on Python 3.11: same command line, one fix.

torch 1.13's Std.from_str looks its value up by iterating the IntFlag, and Python 3.11 iterates only the
single-bit members (OUT, ERR), so "0" (NONE, the default of --redirects and --tee) maps to None and every
launch dies in to_map with "'NoneType' object has no attribute 'get'". Elsewhere (newer PyTorch) use
torchrun itself.

    /usr/bin/python3 trainer/torchrun.py --standalone --nproc_per_node=2 trainer/train.py ...
"""
from __future__ import annotations

import sys

from torch.distributed import run
from torch.distributed.elastic.multiprocessing.api import Std


def _std_from_str(cls, vm: str):
    if ":" in vm:
        return {int(rank): cls(int(value)) for rank, value in (m.split(":") for m in vm.split(","))}
    return cls(int(vm))


if Std.from_str("0") is None:
    Std.from_str = classmethod(_std_from_str)

if __name__ == "__main__":
    sys.exit(run.main())
