"""Draws a sample strip of a weights directory as a PNG, to look at samples as images:
    /usr/bin/python3 trainer/samples.py --weights runs/NAME/best --out runs/NAME/best.png [--rows 6]

Each row is one latent code (unconditional) or one real first frame (future model, --data shapes): video
frames 0, T/2 and T−1, then (two-stream) the background, the foreground at frame 0 and the mask at frame 0
in grey. Pixels are enlarged (nearest) so 16×16 frames stay visible.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vgan.procedural import first_frames  # noqa: E402
from vgan.seed import derive_seed  # noqa: E402
from vgan.weights import load_model  # noqa: E402


def to_pixels(x: torch.Tensor) -> np.ndarray:
    """[3, H, W] in [−1, 1] or [1, H, W] in [0, 1] (mask) → [H, W, 3] uint8."""
    if x.shape[0] == 1:
        x = x.repeat(3, 1, 1) * 2 - 1
    return ((x.clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).numpy()


def strip(weights: str, rows: int, seed: int, scale: int, data: str = "shapes") -> Image.Image:
    model, _topology, _extra = load_model(weights)
    model.eval()
    c = model.config
    with torch.no_grad():
        if model.kind == "future":
            inp = first_frames(data, seed, rows, c.size, c.frames, c.frameStride)
        else:
            g = torch.Generator().manual_seed(derive_seed(seed, "quality"))
            inp = torch.randn(rows, c.zDim, generator=g)
        out = model.generator(inp)
    lines = []
    for r in range(rows):
        video = out["video"][r]
        cells = [video[:, t] for t in (0, c.frames // 2, c.frames - 1)]
        if "mask" in out:
            cells += [out["background"][r], out["foreground"][r][:, 0], out["mask"][r][:, 0]]
        gap = np.full((c.size, 2, 3), 255, dtype=np.uint8)
        lines.append(np.concatenate([piece for cell in cells for piece in (to_pixels(cell), gap)][:-1], axis=1))
    image = np.concatenate([piece for line in lines for piece in (line, np.full((2, line.shape[1], 3), 255, np.uint8))][:-1])
    return Image.fromarray(image).resize((image.shape[1] * scale, image.shape[0] * scale), Image.NEAREST)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", required=True, help="a weights directory (model.json and shards)")
    p.add_argument("--out", required=True, help="PNG to write")
    p.add_argument("--rows", type=int, default=6)
    p.add_argument("--seed", type=int, default=1, help="seed of the latent codes (as the trainer's quality samples)")
    p.add_argument("--scale", type=int, default=4)
    p.add_argument("--data", default="shapes",
                   help="where a future model's input frames come from: a procedural dataset or a stored dataset's directory")
    args = p.parse_args()
    strip(args.weights, args.rows, args.seed, args.scale, args.data).save(args.out)


if __name__ == "__main__":
    main()
