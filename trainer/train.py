"""Trains a VGAN on a playground dataset and writes weights the playground loads.

One process (CPU or one GPU):
    /usr/bin/python3 trainer/train.py --data public/data/NAME --preset small --iterations 20000 --out runs/NAME
Several processes / machines (DDP; gloo on CPU, nccl on GPUs), --batch is the global batch:
    torchrun --nnodes 2 --node_rank R --nproc_per_node 8 --rdzv_backend c10d --rdzv_endpoint HOST:29500 \\
        trainer/train.py --data ... --preset paper --batch 64 --device cuda --out runs/NAME
(On Debian's torch 1.13 with Python 3.11 use `/usr/bin/python3 trainer/torchrun.py` in place of `torchrun`.)

Writes OUT/checkpoint (weights + Adam state + position; rerunning the same command resumes from it),
OUT/metrics.jsonl, and OUT/weights (the playground's format, without optimiser state; --float16 halves it).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from vgan.config import UPSAMPLE_KINDS, resolve_config  # noqa: E402
from vgan.data import ClipStream, to_tensor  # noqa: E402
from vgan.procedural import PROCEDURAL, ProceduralStream, first_frames, reference_clips as procedural_reference  # noqa: E402
from vgan.averaging import precise_batch_norm, with_generator  # noqa: E402
from vgan.seed import derive_seed  # noqa: E402
from vgan.quality import describe, quality_score  # noqa: E402
from vgan.networks import VganModel  # noqa: E402
from vgan.trainer import Trainer, TrainerOptions  # noqa: E402
from vgan.weights import export_weights  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True,
                   help="dataset directory holding manifest.json and its shards, or `shapes` / `moving-mnist`: fresh "
                        "procedural clips for every batch (src/data/shapes.ts's, src/data/moving-mnist.ts's generators)")
    p.add_argument("--out", required=True, help="run directory: checkpoint/, weights/, metrics.jsonl")
    p.add_argument("--preset", default="tiny", help="tiny, small or paper (src/model/presets.json)")
    p.add_argument("--kind", default="unconditional", choices=["unconditional", "future"])
    p.add_argument("--generator", default="twoStream", choices=["twoStream", "oneStream"])
    p.add_argument("--upsample", default="transposed", choices=UPSAMPLE_KINDS,
                   help="the generator's stride-2 layers: the paper's transposed convolutions, or resize-convolutions "
                        "(nearest ×2, then 3 taps: the same layers with a constrained kernel, vgan/ops.py), which draw "
                        "no checkerboards (kept in the checkpoint and the weights file)"),
    p.add_argument("--iterations", type=int, default=1000,
                   help="iterations in total (each dSteps D then gSteps G updates; resumed runs included)")
    p.add_argument("--batch", type=int, help="global batch size (default: the preset's)")
    p.add_argument("--base-channels", type=int, help="override the preset's baseChannels")
    p.add_argument("--frame-stride", type=int, help="override the preset's frameStride (keep every k-th source frame)")
    p.add_argument("--quality-every", type=int, default=250,
                   help="score 64 samples against real clips every N iterations (quality.py), keep the best weights")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lr-d", type=float, help=f"D's learning rate (default the paper's {TrainerOptions.lrD:g}, or the checkpoint's)")
    p.add_argument("--lr-g", type=float, help=f"G's learning rate (default the paper's {TrainerOptions.lrG:g}, or the checkpoint's)")
    p.add_argument("--beta1", type=float, default=TrainerOptions.beta1,
                   help=f"Adam's β1 for D and G of a new run (default the paper's {TrainerOptions.beta1:g}); a resumed run "
                        "keeps its checkpoint's")
    p.add_argument("--d-steps", type=int, default=1, help="D updates per iteration")
    p.add_argument("--g-steps", type=int, default=1, help="G updates per iteration, after the D updates")
    p.add_argument("--mask-lambda", type=float, help="weight of the mask's L1 term (default 0.1, or the checkpoint's)")
    p.add_argument("--recon-lambda", type=float, default=10.0)
    p.add_argument("--mirror", action="store_true",
                   help="flip each stored clip left-right with probability 1/2 (for datasets of few sources, such as real)")
    p.add_argument("--sources", help="comma-separated source names: train only on stored clips whose sidecar's "
                   "source starts with one of them (e.g. real's fixed-camera videos: vtest.avi,tree.avi,horses.gif)")
    p.add_argument("--ema-decay", type=float,
                   help="score and publish an exponential moving average of G's weights with this decay (e.g. 0.999; "
                        "vgan/averaging.py; kept in the checkpoint); default: G's last weights, as the paper (or the "
                        "checkpoint's setting). Training is unchanged")
    p.add_argument("--augment", action=argparse.BooleanOptionalAction,
                   help="show D every video (real and generated) transformed per clip: colour, shift, cut-out "
                        "(vgan/augment.py), so that it cannot memorise few stored clips; default: off, as the paper "
                        "(or the checkpoint's setting)")
    p.add_argument("--precise-bn", type=int, default=0,
                   help="score and publish G with BatchNorm statistics recomputed as the mean over N training-size "
                        "batches (vgan/averaging.py); default 0: the running averages, as the paper")
    p.add_argument("--checkpoint-every", type=int, default=500)
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--float16", action="store_true", help="store the exported weights as float16 when outputs allow")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--threads", type=int, help="CPU threads per process (default: torch's)")
    return p.parse_args()


def training_stream(data: str, config, batch: int, seed: int, trainer: Trainer, rank: int, world: int, mirror: bool,
                    sources: list[str] | None):
    if data in PROCEDURAL:
        if mirror or sources:
            raise SystemExit(f"--mirror and --sources are for stored clips: {data} draws fresh clips for every batch")
        # Batches drawn so far, so that a resumed run continues the clip sequence.
        return ProceduralStream(data, config.size, config.frames, config.frameStride, batch, seed,
                            start_batch=trainer.iteration * trainer.batches_per_iteration, rank=rank, world=world)
    return ClipStream(data, config.size, config.frames, batch, seed=seed + trainer.iteration, rank=rank, world=world,
                      stride=config.frameStride, mirror=mirror, sources=sources)


def reference_clips(data: str, config, seed: int, count: int = 64,
                    sources: list[str] | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Real clips the samples are scored against (with true masks where the data has them): clips the
    training stream never draws for procedural data, the first shuffled ones of a stored dataset."""
    if data in PROCEDURAL:
        clips = procedural_reference(data, seed, count, config.size, config.frames, config.frameStride)
        video = to_tensor(np.stack([rgb for rgb, _ in clips]))
        mask = torch.from_numpy(np.stack([m for _, m in clips])).float().div_(255).unsqueeze(1)
        return video, mask
    stream = iter(ClipStream(data, config.size, config.frames, count, seed=seed, stride=config.frameStride, sources=sources))
    return next(stream), None


class Publisher:
    """The model a run scores and exports: the training model as it is (the paper), or with the named settings
    of vgan/averaging.py, an averaged generator and recomputed BatchNorm statistics."""

    def __init__(self, trainer: Trainer, precise_bn: int, data: str, batch: int, seed: int) -> None:
        self.trainer = trainer
        self.bn_inputs: list[torch.Tensor] = []
        if precise_bn:
            c, device = trainer.model.config, trainer._device()
            bn_seed = derive_seed(seed, "precise-bn")
            if trainer.options.kind == "future":
                inputs = first_frames(data, bn_seed, precise_bn * batch, c.size, c.frames, c.frameStride)
            else:
                inputs = torch.randn(precise_bn * batch, c.zDim, generator=torch.Generator().manual_seed(bn_seed))
            self.bn_inputs = list(inputs.to(device).split(batch))

    def model(self):
        average = self.trainer.average
        generator = average.generator if average else self.trainer.model.generator
        model = with_generator(self.trainer.model, generator)
        if self.bn_inputs:
            precise_batch_norm(model.generator, self.bn_inputs)
        return model


class QualityTracker:
    """Scores samples from fixed latent codes against real clips and exports the best weights so far."""

    def __init__(self, trainer: Trainer, publisher: Publisher, reference: tuple[torch.Tensor, torch.Tensor | None],
                 out: Path) -> None:
        self.trainer, self.publisher, self.out = trainer, publisher, out
        self.real_video, self.real_mask = reference
        self.real = describe(self.real_video, self.real_mask)
        best = out / "best" / "quality.json"
        self.best = json.loads(best.read_text())["score"] if best.exists() else float("inf")

    def measure(self, float16: bool, run_info: dict) -> dict:
        model, n = self.publisher.model(), self.real_video.shape[0]
        device = next(model.parameters()).device
        with torch.no_grad():
            if self.trainer.options.kind == "future":
                out = model.generator(self.real_video[:, :, 0].to(device))
            else:
                g = torch.Generator().manual_seed(derive_seed(self.trainer.options.seed, "quality"))
                out = model.generator(torch.randn(n, model.config.zDim, generator=g).to(device))
        mask = out.get("mask")
        numbers = describe(out["video"].cpu(), None if mask is None else mask.cpu())
        score = quality_score(numbers, self.real)
        record = {"iterations": self.trainer.iteration, "quality": numbers, "real": self.real, "score": round(score, 4)}
        if score < self.best:
            self.best = score
            export_weights(model, self.out / "best", {"options": vars(self.trainer.options),
                                                       "iteration": self.trainer.iteration, "run": run_info}, float16=float16)
            (self.out / "best" / "quality.json").write_text(json.dumps(record, indent=1))
            record["best"] = True
        return record


def main() -> None:
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    device = torch.device(args.device)
    if distributed:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    out = Path(args.out)
    checkpoint = out / "checkpoint"
    if (checkpoint / "model.json").exists():
        given = (("lrD", args.lr_d), ("lrG", args.lr_g), ("emaDecay", args.ema_decay), ("augment", args.augment),
                 ("maskLambda", args.mask_lambda))
        overrides = {k: v for k, v in given if v is not None}
        trainer = Trainer.restore(checkpoint, overrides, distributed, device)
        preset = trainer.options.preset
    else:
        options = TrainerOptions(preset=args.preset, kind=args.kind, generator=args.generator, upsample=args.upsample,
                                 seed=args.seed,
                                 lrD=args.lr_d or TrainerOptions.lrD, lrG=args.lr_g or TrainerOptions.lrG, beta1=args.beta1,
                                 maskLambda=TrainerOptions.maskLambda if args.mask_lambda is None else args.mask_lambda,
                                 reconLambda=args.recon_lambda, dSteps=args.d_steps, gSteps=args.g_steps,
                                 emaDecay=args.ema_decay or 0.0, augment=bool(args.augment))
        config = resolve_config(args.preset, baseChannels=args.base_channels, frameStride=args.frame_stride)
        model = VganModel(config, args.kind, args.generator, seed=args.seed, upsample=args.upsample).to(device)
        trainer = Trainer(model, options, distributed)
        preset = args.preset
    config = trainer.model.config
    batch = args.batch or config.batchSize
    if batch % world:
        raise SystemExit(f"--batch {batch} must be a multiple of the {world} processes")
    sources = args.sources.split(",") if args.sources else None
    data = iter(training_stream(args.data, config, batch // world, args.seed, trainer, rank, world, args.mirror, sources))
    run_info = {"data": args.data, "preset": preset, "batch": batch, "processes": world, "device": str(device),
                "torch": torch.__version__, "mirror": args.mirror, **({"sources": sources} if sources else {}),
                **({"emaDecay": trainer.options.emaDecay} if trainer.options.emaDecay else {}),
                **({"augment": True} if trainer.options.augment else {}),
                **({"preciseBatchNorm": args.precise_bn} if args.precise_bn else {})}
    # Only process 0 scores and exports.
    publisher = Publisher(trainer, args.precise_bn, args.data, batch, args.seed) if rank == 0 else None
    tracker = QualityTracker(trainer, publisher, reference_clips(args.data, config, args.seed, sources=sources), out) if rank == 0 else None
    if rank == 0:
        out.mkdir(parents=True, exist_ok=True)
        print(json.dumps({"start": trainer.iteration, **run_info}), flush=True)
    started = time.time()
    metrics = open(out / "metrics.jsonl", "a") if rank == 0 else None
    while trainer.iteration < args.iterations:
        reals = [next(data).to(device) for _ in range(trainer.batches_per_iteration)]
        stats = trainer.step(*reals)
        done = trainer.iteration
        if metrics and (done % args.log_every == 0 or done == args.iterations):
            line = json.dumps({**stats, "seconds": round(time.time() - started, 1)})
            metrics.write(line + "\n")
            metrics.flush()
            print(line, flush=True)
        if tracker and args.quality_every and (done % args.quality_every == 0 or done == args.iterations):
            line = json.dumps(tracker.measure(args.float16, run_info))
            metrics.write(line + "\n")
            metrics.flush()
            print(line, flush=True)
        if done % args.checkpoint_every == 0 or done == args.iterations:
            trainer.save_checkpoint(checkpoint, {"run": run_info})
    if rank == 0:
        export_weights(publisher.model(), out / "weights", {"options": vars(trainer.options), "iteration": trainer.iteration,
                                                         "run": run_info}, float16=args.float16)
        print(json.dumps({"done": trainer.iteration, "seconds": round(time.time() - started, 1),
                          "weights": str(out / "weights")}), flush=True)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
