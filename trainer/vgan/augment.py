"""Augmenting what the discriminator sees (the Trainer's `augment`, a named setting; off as in the paper).

With few training clips the discriminator memorises them and wins outright, and the generator learns nothing
usable (docs/quality.md, `real`). Differentiable augmentation (Zhao et al. 2020, "DiffAugment") transforms
every video D sees, real and generated alike, in the generator's step too, so D cannot memorise the stored
clips and G still gets gradients through the transform. Per clip, the same for all its frames, so that no
motion is added: brightness, saturation and contrast; a shift by up to an eighth of the frame (zero padded);
a cut-out square of half the frame's side set to 0.

src/train/augment.ts is the twin; both draw the parameters from the same seeded stream
(src/data/random.ts's), so a seed augments identically in both languages.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from .seed import derive_seed, seeded_random


def max_shift(size: int) -> int:
    return max(1, size // 8)


def draw(seed: int, n: int, size: int) -> dict[str, np.ndarray]:
    """The parameters of n clips, in src/train/augment.ts's order of draws."""
    rand = seeded_random(seed)
    shift = max_shift(size)
    rows = []
    for _ in range(n):
        brightness = rand() - 0.5
        saturation = rand() * 2
        contrast = rand() + 0.5
        dx = math.floor(rand() * (2 * shift + 1)) - shift
        dy = math.floor(rand() * (2 * shift + 1)) - shift
        cx = math.floor(rand() * size)
        cy = math.floor(rand() * size)
        rows.append((brightness, saturation, contrast, dx, dy, cx, cy))
    a = np.array(rows, dtype=np.float64).reshape(n, 7)
    return {"brightness": a[:, 0], "saturation": a[:, 1], "contrast": a[:, 2], "dx": a[:, 3].astype(int),
            "dy": a[:, 4].astype(int), "cx": a[:, 5].astype(int), "cy": a[:, 6].astype(int)}


def cutout_mask(params: dict[str, np.ndarray], size: int) -> np.ndarray:
    """[n, size, size] of 1 with 0 in each clip's square of side size/2 centred at (cx, cy), clipped."""
    half = size // 4
    n = len(params["cx"])
    mask = np.ones((n, size, size), dtype=np.float32)
    for i in range(n):
        y0, x0 = max(0, params["cy"][i] - half), max(0, params["cx"][i] - half)
        mask[i, y0:params["cy"][i] + half, x0:params["cx"][i] + half] = 0
    return mask


def augment(video: torch.Tensor, p: dict[str, np.ndarray]) -> torch.Tensor:
    """video [N, 3, T, H, W] → the same clips transformed by the parameters p of N clips, differentiably."""
    n, _, _, size, _ = video.shape

    def per_clip(v: np.ndarray) -> torch.Tensor:
        return torch.tensor(v, dtype=video.dtype, device=video.device).view(n, 1, 1, 1, 1)

    x = video + per_clip(p["brightness"])
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * per_clip(p["saturation"]) + mean
    mean = x.mean(dim=(1, 2, 3, 4), keepdim=True)
    x = (x - mean) * per_clip(p["contrast"]) + mean
    s = max_shift(size)
    padded = F.pad(x, (s, s, s, s))
    # Content moves by (dx, dy): output pixel (y, x) reads input (y − dy, x − dx).
    x = torch.stack([padded[i, :, :, s - p["dy"][i]:s - p["dy"][i] + size, s - p["dx"][i]:s - p["dx"][i] + size]
                     for i in range(n)])
    mask = torch.from_numpy(cutout_mask(p, size)).to(video.device, video.dtype)
    return x * mask.view(n, 1, 1, size, size)


def augment_batch(video: torch.Tensor, seed: int, *label: str | int, rank: int = 0, world: int = 1) -> torch.Tensor:
    """This process's slice of a global batch, augmented as one process would augment the whole batch."""
    n, size = video.shape[0], video.shape[-1]
    p = draw(derive_seed(seed, "augment", *label), n * world, size)
    mine = {k: v[rank * n:(rank + 1) * n] for k, v in p.items()}
    return augment(video, mine)
