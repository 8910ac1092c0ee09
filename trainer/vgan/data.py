"""Reads the playground's datasets (docs/data-format.md, src/data/): a directory with manifest.json and
WebDataset-layout tar shards; each clip is `<key>.jpg` (frames stacked vertically) + `<key>.json`.
Clips are centre-cropped to a square, resampled to the preset's size (area averaging when shrinking,
bilinear when enlarging, as src/data/image.ts), cut to the preset's frame count (the last frame repeated
when a clip is short) and batched as float tensors [N, 3, T, H, W] in [−1, 1].

Each process of a data-parallel run reads its own share: whole shards when there are at least as many
shards as processes, else every world-th clip. The stream is endless (shards reshuffled every epoch), so
processes with unequal shares never wait on each other.
"""
from __future__ import annotations

import hashlib
import io
import json
import random
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch
from PIL import Image

# Prepared clips are kept in memory between epochs when the whole share fits in this (decoding dominates).
CACHE_LIMIT_BYTES = 1 << 30
FORMAT_NAME = "vgan-shards"
FORMAT_VERSION = 1


class DataError(ValueError):
    pass


def read_manifest(directory: Path) -> dict:
    manifest = json.loads((directory / "manifest.json").read_text())
    if manifest.get("format") != FORMAT_NAME or manifest.get("version") != FORMAT_VERSION:
        raise DataError(f"{directory}/manifest.json: expected format {FORMAT_NAME!r} version {FORMAT_VERSION}")
    if not manifest.get("shards"):
        raise DataError(f"{directory}/manifest.json lists no shards")
    return manifest


def _axis_weights(in_length: int, out_length: int) -> np.ndarray:
    """[out, in] resampling matrix: area averaging when shrinking, bilinear (half-pixel centres) when enlarging."""
    m = np.zeros((out_length, in_length), dtype=np.float32)
    scale = in_length / out_length
    for o in range(out_length):
        if scale > 1:
            lo, hi = o * scale, (o + 1) * scale
            for i in range(int(np.floor(lo)), int(np.ceil(hi))):
                m[o, min(i, in_length - 1)] += (min(hi, i + 1) - max(lo, i)) / scale
        else:
            c = min(max((o + 0.5) * scale - 0.5, 0), in_length - 1)
            i0 = int(np.floor(c))
            i1 = min(i0 + 1, in_length - 1)
            m[o, i0] += 1 - (c - i0)
            m[o, i1] += c - i0
    return m


def prepare_clip(strip: np.ndarray, meta: dict, size: int, frames: int, stride: int = 1) -> np.ndarray:
    """Frame strip [frames·h, w, 3] uint8 → [frames', size, size, 3] uint8: source frames 0, stride,
    2·stride, …, the last one repeated when the clip is short."""
    have, w, h = meta["frames"], meta["frameWidth"], meta["frameHeight"]
    side = min(w, h)
    x0, y0 = (w - side) // 2, (h - side) // 2
    rows, cols = _axis_weights(side, size), _axis_weights(side, size)
    out = np.empty((frames, size, size, 3), dtype=np.uint8)
    for t in range(frames):
        top = min(t * stride, have - 1) * h + y0
        frame = strip[top:top + side, x0:x0 + side].astype(np.float32)
        resized = np.einsum("oi,ijc,pj->opc", rows, frame, cols)
        out[t] = np.clip(np.rint(resized), 0, 255).astype(np.uint8)
    return out


def _decode(key: str, files: dict[str, bytes], size: int, frames: int, stride: int) -> np.ndarray:
    meta = json.loads(files["json"])
    image_ext = next((e for e in ("jpg", "jpeg", "png") if e in files), None)
    if image_ext is None:
        raise DataError(f"{key}: no .jpg frame strip")
    strip = np.asarray(Image.open(io.BytesIO(files[image_ext])).convert("RGB"))
    want = (meta["frames"] * meta["frameHeight"], meta["frameWidth"])
    if strip.shape[:2] != want:
        raise DataError(f"{key}: frame strip is {strip.shape[1]}×{strip.shape[0]}, expected {want[1]}×{want[0]}")
    return prepare_clip(strip, meta, size, frames, stride)


def read_shard(path: Path, expected_sha256: str | None = None) -> Iterator[tuple[str, dict[str, bytes]]]:
    """(key, files by extension) for every sample of a tar shard, in order."""
    data = path.read_bytes()
    if expected_sha256 and hashlib.sha256(data).hexdigest() != expected_sha256:
        print(f"warning: {path.name}: sha256 differs from the manifest's; reading what is intact", file=sys.stderr)
    groups: dict[str, dict[str, bytes]] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        for member in tar:
            if not member.isfile():
                continue
            base = member.name.rsplit("/", 1)[-1]
            if "." not in base:
                continue
            dot = len(member.name) - len(base) + base.index(".")
            key, ext = member.name[:dot], member.name[dot + 1:]
            groups.setdefault(key, {})[ext] = tar.extractfile(member).read()  # type: ignore[union-attr]
    yield from groups.items()


class ClipStream:
    """Endless shuffled batches [N, 3, T, size, size] in [−1, 1] from one process's share of a dataset."""

    def __init__(self, directory: str | Path, size: int, frames: int, batch: int, seed: int = 0,
                 rank: int = 0, world: int = 1, shuffle_buffer: int | None = None, stride: int = 1) -> None:
        self.directory = Path(directory)
        self.manifest = read_manifest(self.directory)
        self.size, self.frames, self.batch, self.stride = size, frames, batch, stride
        self.seed, self.rank, self.world = seed, rank, world
        self.shuffle_buffer = shuffle_buffer or 8 * batch
        self.errors = 0
        clip_bytes = frames * size * size * 3
        self.cache: dict[str, list[np.ndarray]] | None = (
            {} if self.manifest.get("clips", 0) * clip_bytes // world <= CACHE_LIMIT_BYTES else None)

    def _shard_clips(self, info: dict, keep: Callable[[int], bool]) -> list[np.ndarray]:
        if self.cache is not None and info["name"] in self.cache:
            return self.cache[info["name"]]
        clips = []
        for index, (key, files) in enumerate(read_shard(self.directory / info["name"], info.get("sha256"))):
            if not keep(index):
                continue
            try:
                clips.append(_decode(key, files, self.size, self.frames, self.stride))
            except Exception as e:  # a broken clip costs only itself, as in the TypeScript loader
                self.errors += 1
                print(f"warning: {info['name']}: {key}: {e}", file=sys.stderr)
        if self.cache is not None:
            self.cache[info["name"]] = clips
        return clips

    def clips(self) -> Iterator[np.ndarray]:
        shards = list(self.manifest["shards"])
        by_shard = len(shards) >= self.world
        epoch = 0
        while True:
            order = shards[:]
            random.Random(self.seed + 7919 * epoch).shuffle(order)
            mine = order[self.rank::self.world] if by_shard else order
            count = 0
            for info in mine:
                # With fewer shards than processes, process r keeps every world-th clip of each shard.
                keep = (lambda i: True) if by_shard else (lambda i: i % self.world == self.rank)
                for clip in self._shard_clips(info, keep):
                    count += 1
                    yield clip
            if count == 0:
                raise DataError(f"{self.directory}: no readable clips")
            epoch += 1

    def __iter__(self) -> Iterator[torch.Tensor]:
        rng = random.Random(self.seed * 31 + self.rank)
        buffer: list[np.ndarray] = []
        batch: list[np.ndarray] = []
        for clip in self.clips():
            buffer.append(clip)
            if len(buffer) < self.shuffle_buffer:
                continue
            i = rng.randrange(len(buffer))
            buffer[i], buffer[-1] = buffer[-1], buffer[i]
            batch.append(buffer.pop())
            if len(batch) == self.batch:
                yield to_tensor(np.stack(batch))
                batch = []


def to_tensor(clips: np.ndarray) -> torch.Tensor:
    """[N, T, H, W, 3] uint8 → [N, 3, T, H, W] float in [−1, 1] (x / 127.5 − 1, as the TypeScript loader)."""
    return torch.from_numpy(clips).permute(0, 4, 1, 2, 3).float().div_(127.5).sub_(1)
