"""Transposed convolutions on the paper preset's generator layers: F.conv_transpose{2,3}d against the same
operation written as a convolution's input gradient (vgan.ops), forward and forward + backward.

    /usr/bin/python3 trainer/bench_convtranspose.py [--preset paper] [--batch 8] [--threads 2]

GFLOP/s counts 2 · N · C_in · C_out · kernel volume · input positions multiply-adds per forward pass
and three times that for forward + backward (input and weight gradients). Each figure is the best of
--repeats timed runs after one warm-up run.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vgan import ops  # noqa: E402
from vgan.config import architecture, resolve_config  # noqa: E402


def best_time(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="paper")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    arch = architecture(resolve_config(args.preset))
    layers = [*arch.foreground, arch.video_head, *arch.background]
    print(f"torch {torch.__version__}, {args.threads} threads, preset {args.preset}, batch {args.batch}")
    print("| layer | input (N·C·[T·]H·W) | kernel | implementation | forward GFLOP/s | fwd+bwd GFLOP/s |")
    print("|---|---|---|---|---|---|")
    g = torch.Generator().manual_seed(0)
    for spec in layers:
        net = "foreground" if spec.is3d else "background"
        spatial = spec.in_shape[:-1]
        x = torch.randn(args.batch, spec.in_channels, *spatial, generator=g, requires_grad=True)
        w = (0.01 * torch.randn(spec.in_channels, spec.out_channels, *spec.kernel, generator=g)).requires_grad_()
        flops = 2 * args.batch * spec.in_channels * spec.out_channels * math.prod(spec.kernel) * math.prod(spatial)
        out_spatial = tuple(spec.out_shape[:-1])
        results = {}
        for impl in ("native", "gradient"):
            ops.implementation = impl

            def forward() -> torch.Tensor:
                with torch.no_grad():
                    return ops.conv_transpose(x, w, out_spatial, spec.stride, spec.padding)

            def both() -> None:
                y = ops.conv_transpose(x, w, out_spatial, spec.stride, spec.padding)
                x.grad = w.grad = None
                y.backward(torch.ones_like(y))

            results[impl] = (forward(), flops / best_time(forward, args.repeats) / 1e9,
                             3 * flops / best_time(both, args.repeats) / 1e9)
            print(f"| {net}/{spec.name} | {args.batch}·{spec.in_channels}·{'·'.join(map(str, spatial))} | "
                  f"{'×'.join(map(str, spec.kernel))} s{spec.stride} p{spec.padding} | {impl} | "
                  f"{results[impl][1]:.1f} | {results[impl][2]:.1f} |")
        difference = (results["native"][0] - results["gradient"][0]).abs().max().item()
        if difference > 1e-4:
            raise SystemExit(f"{spec.name}: the two implementations differ by {difference}")
    ops.implementation = "gradient"


if __name__ == "__main__":
    main()
