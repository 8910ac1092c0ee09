"""Procedural clips, drawn fresh for every batch: "shapes" (src/data/shapes.ts) and "moving-mnist"
(src/data/moving-mnist.ts, from the digit atlas beside its stored shards) in Python, pixel for pixel.

The TypeScript generators are the source of truth; this twin follows them operation by operation (the same
mulberry32 stream, the same order of random draws, float32 background, Math.round's half-up rounding) so
that a seed gives the same bytes in both languages (tests/unit/procedural-parity.test.ts checks it).
Unlimited fresh clips keep the discriminator from memorising a small stored set.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .data import ClipStream, to_tensor
from .seed import derive_seed, seeded_random

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


def _training_frames(rgb: np.ndarray, mask: np.ndarray, size: int, frames: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """src/train/data-source.ts's trainingFrames: frames 0, stride, 2·stride, …, box-averaged from the drawn
    side down to `size` with exact integer half-up rounding."""
    side = rgb.shape[1]
    if side % size:
        raise ValueError(f"clips drawn at {side}² cannot be box-averaged to {size}²")
    k = side // size

    def shrink(x: np.ndarray) -> np.ndarray:
        x = x[::stride][:frames].astype(np.int64)
        t, _, _, c = x.shape
        total = x.reshape(t, size, k, size, k, c).sum(axis=(2, 4))
        return ((2 * total + k * k) // (2 * k * k)).astype(np.uint8)

    return shrink(rgb), shrink(mask[..., None])[..., 0]


def shapes_training_clip(seed: int, index: int, size: int, frames: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Clip `index` of a training run (src/train/data-source.ts's shapesTrainingClip): `frames` frames, every
    `stride`-th of a clip drawn `frames · stride` frames long."""
    rgb, mask = generate_shapes_clip(derive_seed(seed, "shapes", index), size, frames * stride)
    return _training_frames(rgb, mask, size, frames, stride)


# src/data/moving-mnist.ts: the motion classes, the digit side, the atlas layout and the stored clips' side.
MOTIONS = ("left", "right", "up", "down", "bounce", "zoom", "still")
DIGIT = 28
ATLAS_COLUMNS = 32
MOVING_MNIST_SIDE = 64
DIGITS_PATH = Path(__file__).resolve().parents[2] / "public" / "data" / "moving-mnist" / "digits.png"


@lru_cache(maxsize=1)
def digit_atlas() -> np.ndarray:
    """[10, samples per digit, 28, 28] intensities in [0, 1] from the atlas PNG (tools/build-mnist-digits.ts)."""
    with Image.open(DIGITS_PATH) as image:
        grey = np.asarray(image.convert("L"), dtype=np.float64) / 255
    height, width = grey.shape
    rows = height // (10 * DIGIT)
    if width != ATLAS_COLUMNS * DIGIT or rows < 1 or height % (10 * DIGIT):
        raise ValueError(f"{DIGITS_PATH}: a digit atlas is {ATLAS_COLUMNS * DIGIT} pixels wide and a multiple of "
                         f"{10 * DIGIT} high, not {width}×{height}")
    cells = grey.reshape(10, rows, DIGIT, ATLAS_COLUMNS, DIGIT).transpose(0, 1, 3, 2, 4)
    return cells.reshape(10, rows * ATLAS_COLUMNS, DIGIT, DIGIT)


def _trajectory(motion: str, rand, size: int, frames: int) -> list[tuple[float, float, float]]:
    lo = DIGIT / 2
    hi = size - DIGIT / 2
    across = (hi - lo) / (frames - 1)
    speed = across * (0.6 + 0.4 * rand())
    span = speed * (frames - 1)
    start = lo + rand() * (hi - lo - span)
    other = lo + rand() * (hi - lo)
    x = lo + rand() * (hi - lo)
    y = lo + rand() * (hi - lo)
    heading = rand() * 2 * math.pi
    vx, vy = 2.5 * math.cos(heading), 2.5 * math.sin(heading)
    zoom_in = rand() < 0.5
    path = []
    for t in range(frames):
        f = t / (frames - 1)
        if motion == "left":
            path.append((start + span - speed * t, other, 1))
        elif motion == "right":
            path.append((start + speed * t, other, 1))
        elif motion == "up":
            path.append((other, start + span - speed * t, 1))
        elif motion == "down":
            path.append((other, start + speed * t, 1))
        elif motion == "bounce":
            path.append((x, y, 1))
            x += vx
            y += vy
            if x < lo or x > hi:
                vx, x = -vx, min(hi, max(lo, x))
            if y < lo or y > hi:
                vy, y = -vy, min(hi, max(lo, y))
        elif motion == "zoom":
            path.append((size / 2, size / 2, 0.6 + 1.2 * f if zoom_in else 1.8 - 1.2 * f))
        else:
            path.append((x, y, 1))
    return path


def _render_digit(image: np.ndarray, path, size: int) -> tuple[np.ndarray, np.ndarray]:
    """renderMovingDigit: bilinear samples of the digit at each pixel centre, grey RGB and the mask value > ½."""
    padded = np.zeros((DIGIT + 2, DIGIT + 2))
    padded[1:-1, 1:-1] = image  # index + 1, so that the taps just outside the digit read 0
    centres = np.arange(size, dtype=np.float64) + 0.5
    rgb = np.empty((len(path), size, size, 3), dtype=np.uint8)
    mask = np.empty((len(path), size, size), dtype=np.uint8)
    for t, (cx, cy, scale) in enumerate(path):
        u = (centres[None, :] - cx) / scale + DIGIT / 2 - 0.5
        v = (centres[:, None] - cy) / scale + DIGIT / 2 - 0.5
        u, v = np.broadcast_to(u, (size, size)), np.broadcast_to(v, (size, size))
        u0, v0 = np.floor(u), np.floor(v)
        fu, fv = u - u0, v - v0

        def at(du: int, dv: int) -> np.ndarray:
            return padded[np.clip(v0 + dv, -1, DIGIT).astype(int) + 1, np.clip(u0 + du, -1, DIGIT).astype(int) + 1]

        value = (1 - fv) * ((1 - fu) * at(0, 0) + fu * at(1, 0)) + fv * ((1 - fu) * at(0, 1) + fu * at(1, 1))
        rgb[t] = _js_round(255 * np.minimum(1, np.maximum(0, value))).astype(np.uint8)[..., None]
        mask[t] = np.where(value > 0.5, 255, 0)
    return rgb, mask


def moving_mnist_clip(seed: int, index: int, size: int = MOVING_MNIST_SIDE, frames: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """movingMnistClip: the motion class cycles with the index; the digit, sample and trajectory come from the seed."""
    digits = digit_atlas()
    rand = seeded_random(seed ^ ((index + 1) * 0x85EBCA6B & 0xFFFFFFFF))
    motion = MOTIONS[index % len(MOTIONS)]
    digit = math.floor(rand() * 10)
    sample = math.floor(rand() * digits.shape[1])
    return _render_digit(digits[digit, sample], _trajectory(motion, rand, size, frames), size)


def moving_mnist_training_clip(seed: int, index: int, size: int, frames: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """src/train/data-source.ts's movingMnistClips: drawn at 64², frames · stride long, then strided and shrunk."""
    rgb, mask = moving_mnist_clip(derive_seed(seed, "moving-mnist", index), index, MOVING_MNIST_SIDE, frames * stride)
    return _training_frames(rgb, mask, size, frames, stride)


# Datasets a run can name in --data to draw fresh clips (src/data/datasets.ts's procedural entries).
TrainingClip = Callable[[int, int, int, int, int], tuple[np.ndarray, np.ndarray]]
PROCEDURAL: dict[str, TrainingClip] = {"shapes": shapes_training_clip, "moving-mnist": moving_mnist_training_clip}


def reference_clips(data: str, seed: int, count: int, size: int, frames: int, stride: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Clips of a procedural dataset no training stream draws (src/train/quality.ts's referenceClips)."""
    return [PROCEDURAL[data](derive_seed(seed, "reference"), i, size, frames, stride) for i in range(count)]


class ProceduralStream:
    """Endless batches [N, 3, T, size, size] in [−1, 1] of fresh clips of a procedural dataset. Clip k of the
    run comes from (seed, k), numbered across the global batch: process r of w takes clips r·n … r·n + n − 1
    of each global batch of w·n, so a resumed or data-parallel run draws the clips of one uninterrupted process."""

    def __init__(self, data: str, size: int, frames: int, stride: int, batch: int, seed: int, start_batch: int = 0,
                 rank: int = 0, world: int = 1) -> None:
        self.clip = PROCEDURAL[data]
        self.size, self.frames, self.stride, self.batch = size, frames, stride, batch
        self.seed, self.global_batch, self.rank, self.world = seed, start_batch, rank, world

    def __iter__(self) -> Iterator[torch.Tensor]:
        while True:
            first = (self.global_batch * self.world + self.rank) * self.batch
            clips = [self.clip(self.seed, first + j, self.size, self.frames, self.stride)[0] for j in range(self.batch)]
            self.global_batch += 1
            yield to_tensor(np.stack(clips))


def first_frames(data: str, seed: int, count: int, size: int, frames: int, stride: int) -> torch.Tensor:
    """A future model's inputs [count, 3, size, size] in [−1, 1]: the first frames of fresh reference clips of a
    procedural dataset, or of a stored dataset's clips (its directory) in the reader's seeded order."""
    if data in PROCEDURAL:
        firsts = [rgb[0] for rgb, _ in reference_clips(data, seed, count, size, frames, stride)]
        return torch.from_numpy(np.stack(firsts)).permute(0, 3, 1, 2).float() / 127.5 - 1
    return next(iter(ClipStream(data, size, frames, count, seed=seed, stride=stride)))[:, :, 0]
