"""The representation-learning experiment (the paper's Figure 4b) in PyTorch, for discriminators too large for
`npm run representation` (tfjs's cpu backend) on this machine; the same protocol and settings:
    /usr/bin/python3 trainer/representation.py --weights public/weights/moving-mnist-small --steps 500

The clips are the stored dataset's, read in the manifest's order at the model's geometry (the TypeScript tool
reads them in its loader's seeded order, so the two split different clips the same way). Writes
<out>/representation.json (options, split sizes, features, rows) and representation.csv.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vgan.data import DataError, decode_clip, check_shard, read_manifest, read_shard  # noqa: E402
from vgan.representation import DEFAULTS, FinetuneOptions, representation_experiment  # noqa: E402
from vgan.weights import load_model  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "public/data"


def labelled_clips(directory: Path, label: str, size: int, frames: int, stride: int,
                   limit: int | None = None) -> tuple[np.ndarray, list[int], list[str]]:
    """Every clip of a stored dataset (or the first `limit`) as [N, frames, size, size, 3] uint8 with the class
    index of its label `label`; a clip without a known label is an error, a bad shard stops the experiment."""
    manifest = read_manifest(directory)
    vocabulary = (manifest.get("labels") or {}).get(label)
    if not vocabulary:
        raise DataError(f"{directory}: no label {label!r} (it has: {', '.join(manifest.get('labels') or {}) or 'none'})")
    clips, labels = [], []
    for index, entry in enumerate(manifest["shards"]):
        info = check_shard(directory, entry, index)
        for key, files in read_shard(directory / info["name"], info):
            if limit is not None and len(clips) >= limit:
                break
            clip = decode_clip(key, files, size, frames, stride)  # checks the sidecar is a JSON object first
            known = json.loads(files["json"]).get("labels")
            value = str(known.get(label)) if isinstance(known, dict) else None
            if value not in vocabulary:
                raise DataError(f"{key}: label {label}={value} is not one of {', '.join(vocabulary)}")
            clips.append(clip)
            labels.append(vocabulary.index(value))
    return np.stack(clips), labels, list(vocabulary)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", required=True, help="a weights directory (its discriminator is fine-tuned)")
    p.add_argument("--data", default="moving-mnist", help="a stored dataset under public/data with labels")
    p.add_argument("--label", default="motion")
    p.add_argument("--steps", type=int, default=DEFAULTS["steps"])
    p.add_argument("--batch", type=int, default=DEFAULTS["batchSize"])
    p.add_argument("--lr", type=float, default=DEFAULTS["learningRate"])
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    p.add_argument("--test", type=float, default=DEFAULTS["testFraction"])
    p.add_argument("--fractions", default=",".join(str(f) for f in DEFAULTS["fractions"]))
    p.add_argument("--logistic-steps", type=int, default=DEFAULTS["logisticSteps"])
    p.add_argument("--clips", type=int, help="use the first N clips")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default="runs/representation-py")
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    opts = FinetuneOptions(seed=args.seed, steps=args.steps, batchSize=args.batch, learningRate=args.lr,
                           testFraction=args.test, fractions=[float(f) for f in args.fractions.split(",")],
                           logisticSteps=args.logistic_steps)
    model, topology, _ = load_model(args.weights)
    c = model.config
    clips, labels, classes = labelled_clips(DATA / args.data, args.label, c.size, c.frames, c.frameStride, args.clips)
    print(f"{len(clips)} clips of {args.data}, {len(classes)} classes of {args.label!r}, "
          f"model {c.frames}×{c.size}² (every {c.frameStride}), {c.baseChannels} channels", file=sys.stderr)
    started = time.time()
    result = representation_experiment(
        model, clips, labels, classes, opts,
        on_row=lambda r: print(f"{r['labels']} labels: fine-tuned {r['pretrained']:.3f} scratch {r['scratch']:.3f} "
                               f"logistic {r['logistic']:.3f} ({time.time() - started:.0f} s)", file=sys.stderr))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    record = {"weights": args.weights, "data": args.data, "label": args.label, "options": asdict(opts),
              "seconds": round(time.time() - started, 1), "engine": f"PyTorch {torch.__version__} (trainer/representation.py)",
              **result}
    (out / "representation.json").write_text(json.dumps(record, indent=2))
    with open(out / "representation.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(result["rows"][0]))
        writer.writeheader()
        writer.writerows(result["rows"])
    print(f"wrote {out / 'representation.json'} and {out / 'representation.csv'}", file=sys.stderr)


if __name__ == "__main__":
    main()
