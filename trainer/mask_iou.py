"""Mask IoU of future models frame by frame, on fresh procedural clips, beside holding each input frame's
true mask still (what a predictor gets that cannot tell the motion from one frame):
    /usr/bin/python3 trainer/mask_iou.py --weights public/weights/shapes-tiny-future runs/NAME/best

The pooled number over all frames is `npm run metrics`'s mask IoU (masks thresholded at 0.5); frame 0 says
whether the mask finds the input's objects at all, the later frames how well it follows them.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vgan.procedural import reference_clips  # noqa: E402
from vgan.weights import load_model  # noqa: E402


def iou(predicted: np.ndarray, truth: np.ndarray) -> float:
    union = (predicted | truth).sum()
    return float((predicted & truth).sum() / union) if union else 1.0


def report(name: str, predicted: np.ndarray, truth: np.ndarray) -> str:
    """predicted, truth: boolean [clips, frames, H, W]."""
    frames = " | ".join(f"{iou(predicted[:, t], truth[:, t]):.3f}" for t in range(truth.shape[1]))
    return f"| {name} | {iou(predicted, truth):.3f} | {frames} |"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", nargs="+", required=True, help="weights directories of future models")
    p.add_argument("--data", default="shapes", help="a procedural dataset with true masks")
    p.add_argument("--clips", type=int, default=512)
    p.add_argument("--seed", type=int, default=1, help="the reference clips' seed (npm run metrics's default)")
    args = p.parse_args()
    rows = []
    for weights in args.weights:
        model, _, _ = load_model(weights)
        if model.kind != "future" or model.generator_kind != "twoStream":
            sys.exit(f"{weights}: not a two-stream future model")
        model.eval()
        c = model.config
        clips = reference_clips(args.data, args.seed, args.clips, c.size, c.frames, c.frameStride)
        truth = np.stack([m for _, m in clips]) >= 128  # bytes: 255 where a sprite covers the pixel
        frames = torch.from_numpy(np.stack([rgb[0] for rgb, _ in clips])).permute(0, 3, 1, 2).float() / 127.5 - 1
        with torch.no_grad():
            predicted = torch.cat([model.generator(frames[i:i + 64])["mask"][:, 0] for i in range(0, len(frames), 64)])
        rows.append(report(weights, predicted.numpy() >= 0.5, truth))
    held = np.broadcast_to(truth[:, :1], truth.shape)
    frames = truth.shape[1]
    header = "| | all frames | " + " | ".join(f"t={t}" for t in range(frames)) + " |\n|---|---|" + "---|" * frames
    print("\n".join([header, report("input frame's true mask, held", held, truth), *rows]))


if __name__ == "__main__":
    main()
