"""Metrics that catch what a person sees in generated video, as src/data/clip-stats.ts and src/train/quality.ts define them, each
compared with the same number for real clips. Videos are [N, 3, T, H, W] in [−1, 1]; masks [N, 1, T, H, W]
in [0, 1] (true masks: 1 where an object covers the pixel).

- flicker: mean |x[t+1] − x[t]| over clips, frame pairs, pixels and channels (how much frames change);
- high frequency: mean |difference of horizontal and vertical neighbours| (grain and checkerboards);
- mask coverage: the share of mask values ≥ 0.5 (against the true moving share);
- stillness: mean temporal standard deviation of the pixels that are background in every frame.
"""
from __future__ import annotations

import math

import torch


def flicker(video: torch.Tensor) -> float:
    return float((video[:, :, 1:] - video[:, :, :-1]).abs().mean())


def high_frequency(video: torch.Tensor) -> float:
    across = (video[..., 1:] - video[..., :-1]).abs().mean()
    down = (video[..., 1:, :] - video[..., :-1, :]).abs().mean()
    return float((across + down) / 2)


def mask_coverage(mask: torch.Tensor) -> float:
    return float((mask >= 0.5).float().mean())


def stillness(video: torch.Tensor, mask: torch.Tensor) -> float:
    """NaN when no pixel is background in every frame."""
    background = (mask < 0.5).all(dim=2)  # [N, 1, H, W]
    spread = video.std(dim=2, unbiased=False)  # [N, 3, H, W]
    chosen = spread.masked_select(background.expand_as(spread))
    return float(chosen.mean()) if chosen.numel() else math.nan


def quality_score(model: dict[str, float], real: dict[str, float]) -> float:
    """Distance of a model's numbers from the real clips' (0 is the real clips'): the sum of |log ratio| of
    flicker, high frequency and, where both have one, mask coverage. Used to keep the best checkpoint."""
    keys = ["flicker", "highFrequency"] + (["maskCoverage"] if "maskCoverage" in model and "maskCoverage" in real else [])
    return sum(abs(math.log(max(model[k], 1e-6) / max(real[k], 1e-6))) for k in keys)


def describe(video: torch.Tensor, mask: torch.Tensor | None = None) -> dict[str, float]:
    out = {"flicker": flicker(video), "highFrequency": high_frequency(video)}
    if mask is not None:
        out["maskCoverage"] = mask_coverage(mask)
        out["stillness"] = stillness(video, mask)
    return out
