"""Trains the paper's baseline on a playground dataset: the autoencoder (encoder = D's trunk ending in a zDim
code, decoder = the two-stream generator, mean squared error), then a 256-component diagonal Gaussian mixture
on the codes of the training clips (vgan/baseline.py).

    /usr/bin/python3 trainer/train_baseline.py --data public/data/NAME --preset small --steps 5000 --out runs/NAME-ae

Writes OUT/weights/ (model.json + shards, with the code layer as encoder/code/*; and gmm.json), which the app's
baseline panel loads, and OUT/metrics.jsonl.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vgan.baseline import BaselineTrainer, encode, fit_gmm, new_autoencoder, save_baseline  # noqa: E402
from vgan.config import resolve_config  # noqa: E402
from vgan.data import ClipStream  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="dataset directory holding manifest.json and its shards")
    p.add_argument("--out", required=True, help="run directory: weights/, metrics.jsonl")
    p.add_argument("--preset", default="tiny", help="tiny, small or paper (src/model/presets.json)")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--batch", type=int, help="batch size (default: the preset's)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate (the app's default)")
    p.add_argument("--beta1", type=float, default=0.5)
    p.add_argument("--clips", type=int, default=0, help="clips to encode for the mixture (default: the whole dataset)")
    p.add_argument("--components", type=int, default=256)
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    device = torch.device(args.device)
    config = resolve_config(args.preset)
    torch.manual_seed(args.seed)
    model = new_autoencoder(config, args.seed).to(device)
    trainer = BaselineTrainer(model, args.preset, args.lr, args.beta1)
    batch = args.batch or config.batchSize
    stream = ClipStream(args.data, config.size, config.frames, batch, seed=args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    model.train()
    with open(out / "metrics.jsonl", "a") as metrics:
        for clips in stream:
            loss = trainer.step(clips.to(device))
            if trainer.iteration % args.log_every == 0 or trainer.iteration == args.steps:
                line = json.dumps({"step": trainer.iteration, "loss": loss, "seconds": round(time.time() - started, 1)})
                metrics.write(line + "\n")
                print(line, flush=True)
            if trainer.iteration >= args.steps:
                break
    # Codes of the training clips in inference mode, one pass over the dataset (or --clips of it).
    model.eval()
    wanted = args.clips or stream.manifest["clips"]
    codes = []
    with torch.no_grad():
        for clips in ClipStream(args.data, config.size, config.frames, batch, seed=args.seed + 1):
            codes.append(encode(model, clips.to(device)).cpu().numpy())
            if sum(len(c) for c in codes) >= wanted:
                break
    codes_np = np.concatenate(codes)[:wanted]
    gmm, history, notes = fit_gmm(codes_np, args.components, seed=args.seed)
    save_baseline(trainer, out / "weights", gmm)
    print(json.dumps({"done": trainer.iteration, "codes": len(codes_np), "components": len(gmm["weights"]),
                      "emIterations": len(history) - 1, "logLikelihood": history[-1], "notes": notes,
                      "weights": str(out / "weights")}), flush=True)


if __name__ == "__main__":
    main()
