"""Procedural "shapes" clips, drawn fresh for every batch: src/data/shapes.ts in Python, pixel for pixel.

The TypeScript generator is the source of truth; this twin follows it operation by operation (the same
mulberry32 stream, the same order of random draws, float32 background, Math.round's half-up rounding) so
that a seed gives the same bytes in both languages (tests/unit/procedural-parity.test.ts checks it).
Unlimited fresh clips keep the discriminator from memorising a small stored set.
"""
from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import torch

from .data import to_tensor
from .seed import derive_seed, seeded_random

# Datasets a run can name in --data to draw fresh clips (src/data/datasets.ts's procedural entries).
PROCEDURAL = ("shapes",)
SHAPE_KINDS = ("circle", "square", "triangle", "ring")
SQRT3 = math.sqrt(3)
def _js_round(x: np.ndarray) -> np.ndarray:
    """Math.round: halves go up (numpy's rint goes to even)."""
    return np.floor(x + 0.5)


def _vivid_colour(rand) -> tuple[float, float, float]:
    hue = rand() * 6
    f = hue - math.floor(hue)
    r, g, b = ((1, f, 0), (1 - f, 1, 0), (0, 1, f), (0, 1 - f, 1), (f, 0, 1), (1, 0, 1 - f))[math.floor(hue)]
    return (40 + 215 * r, 40 + 215 * g, 40 + 215 * b)


def _background(rand, size: int) -> np.ndarray:
    a = [40 + 120 * c for c in (rand(), rand(), rand())]
    b = [40 + 120 * c for c in (rand(), rand(), rand())]
    waves = [(((rand() - 0.5) * 0.6 * 64) / size, ((rand() - 0.5) * 0.6 * 64) / size, rand() * 2 * math.pi)
             for _ in range(3)]
    bg = np.empty((size, size, 3), dtype=np.float32)
    for y in range(size):
        for x in range(size):
            s = 0.0
            for fx, fy, phase in waves:
                s += math.sin(fx * x + fy * y + phase)
            t = 0.5 + 0.5 * (s / 3)
            grain = (rand() - 0.5) * 4
            for c in range(3):
                bg[y, x, c] = a[c] * t + b[c] * (1 - t) + grain
    return bg


def _sprite(rand, size: int) -> dict:
    radius = size * (0.08 + 0.1 * rand())
    speed = (size / 64) * (0.6 + 2 * rand())
    heading = rand() * 2 * math.pi
    kind = SHAPE_KINDS[math.floor(rand() * len(SHAPE_KINDS))]
    x = radius + rand() * (size - 2 * radius)
    y = radius + rand() * (size - 2 * radius)
    angle = rand() * 2 * math.pi
    spin = (rand() - 0.5) * 0.2
    return {"kind": kind, "radius": radius, "x": x, "y": y, "vx": speed * math.cos(heading),
            "vy": speed * math.sin(heading), "angle": angle, "spin": spin, "colour": _vivid_colour(rand)}


def _inside(kind: str, u: np.ndarray, v: np.ndarray, r: float) -> np.ndarray:
    if kind == "circle":
        return u * u + v * v <= r * r
    if kind == "ring":
        d = u * u + v * v
        return (d <= r * r) & (d >= 0.3 * r * r)
    if kind == "square":
        return (np.abs(u) <= r * 0.8) & (np.abs(v) <= r * 0.8)
    return (v <= r / 2) & (SQRT3 * u - v <= r) & (-SQRT3 * u - v <= r)


def generate_shapes_clip(seed: int, size: int = 64, frames: int = 32,
                         sprites: tuple[int, int] = (1, 3)) -> tuple[np.ndarray, np.ndarray]:
    """(rgb [frames, size, size, 3] uint8, mask [frames, size, size] uint8 255/0) from one seed."""
    rand = seeded_random(seed)
    bg = _background(rand, size).astype(np.float64)
    lo, hi = sprites
    count = lo + math.floor(rand() * (hi - lo + 1))
    objects = [_sprite(rand, size) for _ in range(count)]
    centres = np.arange(size, dtype=np.float64) + 0.5
    px, py = centres[None, :], centres[:, None]
    rgb = np.empty((frames, size, size, 3), dtype=np.uint8)
    mask = np.zeros((frames, size, size), dtype=np.uint8)
    for t in range(frames):
        colour = bg.copy()
        for s in objects:
            dx, dy = px - s["x"], py - s["y"]
            cos, sin = math.cos(s["angle"]), math.sin(s["angle"])
            u = cos * dx + sin * dy
            v = -sin * dx + cos * dy
            hit = _inside(s["kind"], u, v, s["radius"])
            # A stripe across the sprite makes its rotation visible.
            shade = np.where(np.abs(u) < s["radius"] * 0.15, 0.6, 1.0)
            for c in range(3):
                colour[..., c] = np.where(hit, s["colour"][c] * shade, colour[..., c])
            mask[t][hit] = 255
        rgb[t] = np.clip(_js_round(colour), 0, 255).astype(np.uint8)
        for s in objects:
            s["x"] += s["vx"]
            s["y"] += s["vy"]
            s["angle"] += s["spin"]
            # Bounce off the frame edges so sprites stay in view.
            if s["x"] < s["radius"] or s["x"] > size - s["radius"]:
                s["vx"] = -s["vx"]
            if s["y"] < s["radius"] or s["y"] > size - s["radius"]:
                s["vy"] = -s["vy"]
    return rgb, mask


def shapes_training_clip(seed: int, index: int, size: int, frames: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Clip `index` of a training run (src/train/data-source.ts's shapesSource): `frames` frames, every
    `stride`-th of a clip drawn `frames · stride` frames long."""
    rgb, mask = generate_shapes_clip(derive_seed(seed, "shapes", index), size, frames * stride)
    return rgb[::stride], mask[::stride]


class ShapesStream:
    """Endless batches [N, 3, T, size, size] in [−1, 1] of fresh shapes clips. Clip k of the run comes from
    (seed, k), numbered across the global batch: process r of w takes clips r·n … r·n + n − 1 of each global
    batch of w·n, so a resumed or data-parallel run draws the clips of one uninterrupted process."""

    def __init__(self, size: int, frames: int, stride: int, batch: int, seed: int, start_batch: int = 0,
                 rank: int = 0, world: int = 1) -> None:
        self.size, self.frames, self.stride, self.batch = size, frames, stride, batch
        self.seed, self.global_batch, self.rank, self.world = seed, start_batch, rank, world

    def __iter__(self) -> Iterator[torch.Tensor]:
        while True:
            first = (self.global_batch * self.world + self.rank) * self.batch
            clips = [shapes_training_clip(self.seed, first + j, self.size, self.frames, self.stride)[0]
                     for j in range(self.batch)]
            self.global_batch += 1
            yield to_tensor(np.stack(clips))
