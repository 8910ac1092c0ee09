"""Seeded randomness shared with the TypeScript side: the same numbers from the same seed in both languages."""
from __future__ import annotations

import math
from collections.abc import Callable

MASK32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    """Math.imul on unsigned 32-bit values."""
    return (a * b) & MASK32


def derive_seed(seed: int, *label: str | int) -> int:
    """src/model/seed.ts's deriveSeed: 32-bit FNV-1a of the label, mixed with the seed."""
    h = 0x811C9DC5 ^ (seed & MASK32)
    for ch in "/".join(str(part) for part in label):
        h ^= ord(ch) & 0xFFFF
        h = _imul(h, 0x01000193)
    h ^= h >> 16
    h = _imul(h, 0x85EBCA6B)
    h ^= h >> 13
    return h


def seeded_random(seed: int):
    """src/data/random.ts's mulberry32: floats in [0, 1) from a 32-bit state."""
    state = seed & MASK32

    def rand() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & MASK32
        t = state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & MASK32
        return ((t ^ (t >> 14)) & MASK32) / 4294967296

    return rand


def shuffle(items: list, rand: Callable[[], float]) -> list:
    """src/data/random.ts's Fisher–Yates shuffle, in place."""
    for i in range(len(items) - 1, 0, -1):
        j = math.floor(rand() * (i + 1))
        items[i], items[j] = items[j], items[i]
    return items


def js_round(x: float) -> int:
    """Math.round: halves go up."""
    return math.floor(x + 0.5)
