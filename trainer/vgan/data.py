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
import re
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
# The bounds src/data/format.ts applies, from the same file: a lying or corrupted manifest cannot make
# either reader allocate more.
LIMITS: dict[str, int] = json.loads((Path(__file__).resolve().parents[2] / "src" / "data" / "limits.json").read_text())
# PIL's own decode-bomb guard fires inside Image.open with a message naming neither file nor size; the header
# checks in decode_clip (against the sidecar and LIMITS) run right after open and before any pixel is decoded.
Image.MAX_IMAGE_PIXELS = None
SHARD_NAME = re.compile(r"^[\w.-]+\.tar$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class DataError(ValueError):
    pass


def _count(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _json_object(text: bytes | str, where: str) -> dict:
    try:
        value = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise DataError(f"{where}: not JSON ({type(e).__name__}: {e})") from None
    if not isinstance(value, dict):
        raise DataError(f"{where}: not a JSON object")
    return value


def read_manifest(directory: Path) -> dict:
    """The manifest, checked as the TypeScript reader checks it; every error names the file and the field."""
    path = directory / "manifest.json"
    try:
        manifest = _json_object(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise DataError(f"{path}: no such file (is {directory} a dataset folder?)") from None
    if manifest.get("format") != FORMAT_NAME or manifest.get("version") != FORMAT_VERSION:
        raise DataError(f"{path}: expected format {FORMAT_NAME!r} version {FORMAT_VERSION}")
    for field, low, high in (("frames", 1, LIMITS["frames"]), ("frameWidth", 1, LIMITS["frameSide"]),
                             ("frameHeight", 1, LIMITS["frameSide"]), ("clips", 0, LIMITS["clips"])):
        if not _count(manifest.get(field), low, high):
            raise DataError(f"{path}: {field} = {manifest.get(field)!r}, expected an integer in [{low}, {high}]")
    shards = manifest.get("shards")
    if not isinstance(shards, list) or not shards or len(shards) > LIMITS["shards"]:
        raise DataError(f"{path}: shards must be a non-empty list of at most {LIMITS['shards']} entries")
    return manifest


def check_shard(directory: Path, entry, index: int) -> dict:
    """One shard entry of the manifest (src/data/format.ts's checkShard): a bad entry costs only that shard,
    and a name that would leave the dataset's folder is refused."""
    where = f"{directory}/manifest.json shards[{index}]"
    if not isinstance(entry, dict):
        raise DataError(f"{where}: expected an object")
    name = entry.get("name")
    if not isinstance(name, str) or not SHARD_NAME.match(name) or name.startswith("."):
        raise DataError(f"{where}.name = {name!r}: expected a plain file name ending in .tar (none that leaves the folder)")
    if not _count(entry.get("bytes"), 1024, LIMITS["shardBytes"]):
        raise DataError(f"{where}.bytes = {entry.get('bytes')!r}: expected an integer in [1024, {LIMITS['shardBytes']}]")
    if not isinstance(entry.get("sha256"), str) or not SHA256.match(entry["sha256"]):
        raise DataError(f"{where}.sha256 = {entry.get('sha256')!r}: expected 64 hex digits")
    if not _count(entry.get("clips"), 0, LIMITS["clips"]):
        raise DataError(f"{where}.clips = {entry.get('clips')!r}: expected a clip count")
    return entry


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
        # Two matrix products per channel (an unoptimised three-operand einsum took 30 ms a frame).
        resized = (rows @ frame.transpose(2, 0, 1) @ cols.T).transpose(1, 2, 0)
        out[t] = np.clip(np.rint(resized), 0, 255).astype(np.uint8)
    return out


def decode_clip(key: str, files: dict[str, bytes], size: int, frames: int, stride: int) -> np.ndarray:
    if "json" not in files:
        raise DataError(f"{key}: no .json sidecar")
    meta = _json_object(files["json"], f"{key}.json")
    image_ext = next((e for e in ("jpg", "jpeg", "png") if e in files), None)
    if image_ext is None:
        raise DataError(f"{key}: no .jpg frame strip")
    for field, high in (("frames", LIMITS["frames"]), ("frameWidth", LIMITS["frameSide"]), ("frameHeight", LIMITS["frameSide"])):
        if not _count(meta.get(field), 1, high):
            raise DataError(f"{key}.json: {field} = {meta.get(field)!r}, expected an integer in [1, {high}]")
    want = (meta["frames"] * meta["frameHeight"], meta["frameWidth"])
    try:
        image = Image.open(io.BytesIO(files[image_ext]))
        # The header's size is checked before a pixel is decoded: a decode bomb never allocates its pixels.
        if image.size != (want[1], want[0]):
            raise DataError(f"{key}.{image_ext}: frame strip is {image.size[0]}×{image.size[1]}, expected {want[1]}×{want[0]}; not decoded")
        if want[0] * want[1] > LIMITS["clipPixels"]:
            raise DataError(f"{key}.{image_ext}: a {want[1]}×{want[0]} strip is over {LIMITS['clipPixels']} pixels; not decoded")
        image.load()  # raises on a file cut short or a JPEG without its scan, which would decode as flat grey
        strip = np.asarray(image.convert("RGB"))
    except DataError:
        raise
    except Exception as e:  # PIL's own errors name no file
        raise DataError(f"{key}.{image_ext}: cannot decode ({type(e).__name__}: {e})") from None
    return prepare_clip(strip, meta, size, frames, stride)


def read_shard(path: Path, info: dict | None = None) -> Iterator[tuple[str, dict[str, bytes]]]:
    """(key, files by extension) for every sample of a tar shard, in order. With the manifest's entry, its
    size, sha256 and clip count are enforced first: a shard that differs is refused whole (DataError)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DataError(f"{path}: cannot read ({e.strerror})") from None
    if info is not None:
        if len(data) != info["bytes"]:
            raise DataError(f"{path}: {len(data)} bytes, the manifest says {info['bytes']} (truncated or replaced)")
        if hashlib.sha256(data).hexdigest() != info["sha256"]:
            raise DataError(f"{path}: sha256 differs from the manifest's (corrupted or replaced)")
    groups: dict[str, dict[str, bytes]] = {}
    try:
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
    except (tarfile.TarError, EOFError, OSError) as e:
        raise DataError(f"{path}: not a readable tar shard ({type(e).__name__}: {e})") from None
    if info is not None and len(groups) != info["clips"]:
        raise DataError(f"{path}: {len(groups)} clips, the manifest says {info['clips']}")
    yield from groups.items()


# Offset of the mirroring stream's seed from the shuffle's (src/data/loader.ts's MIRROR_STREAM).
MIRROR_STREAM = 104729


class ClipStream:
    """Endless shuffled batches [N, 3, T, size, size] in [−1, 1] from one process's share of a dataset."""

    def __init__(self, directory: str | Path, size: int, frames: int, batch: int, seed: int = 0,
                 rank: int = 0, world: int = 1, shuffle_buffer: int | None = None, stride: int = 1,
                 mirror: bool = False, sources: list[str] | None = None) -> None:
        self.directory = Path(directory)
        self.mirror = mirror  # flip each clip left–right with probability ½, as the TypeScript loader's `mirror`
        # Keep only clips whose sidecar's `source` starts with one of these (e.g. real's fixed-camera videos).
        self.sources = tuple(sources) if sources else None
        self.manifest = read_manifest(self.directory)
        self.size, self.frames, self.batch, self.stride = size, frames, batch, stride
        self.seed, self.rank, self.world = seed, rank, world
        self.errors = 0
        self.epoch_clips = 0  # clips in one pass, once a pass is done
        self.problems: list[str] = []
        clip_bytes = frames * size * size * 3
        share = self.manifest.get("clips", 0) // world
        self.cache: dict[int, list[np.ndarray]] | None = {} if share * clip_bytes <= CACHE_LIMIT_BYTES else None
        # Where the share fits in memory, every clip of it is in the shuffle buffer, so each batch is a uniform
        # draw: shards grouped by source (real's every-window build) would otherwise give batches of one scene.
        self.shuffle_buffer = shuffle_buffer or (max(share, batch) if self.cache is not None else 8 * batch)

    def _shard_clips(self, index: int, entry, keep: Callable[[int], bool]) -> list[np.ndarray]:
        if self.cache is not None and index in self.cache:
            return self.cache[index]
        clips = []
        try:
            info = check_shard(self.directory, entry, index)
            samples = list(read_shard(self.directory / info["name"], info))
        except DataError as e:  # a bad shard costs only itself, as in the TypeScript loader
            self.errors += 1
            self.problems.append(str(e))
            print(f"warning: skipping a shard: {e}", file=sys.stderr)
            samples = []
        for position, (key, files) in enumerate(samples):
            if not keep(position) or not self._from_sources(key, files):
                continue
            try:
                clips.append(decode_clip(key, files, self.size, self.frames, self.stride))
            except DataError as e:  # a broken clip costs only itself
                self.errors += 1
                self.problems.append(f"{info['name']}: {e}")
                print(f"warning: {info['name']}: {e}", file=sys.stderr)
        if self.cache is not None:
            self.cache[index] = clips
        return clips

    def _from_sources(self, key: str, files: dict[str, bytes]) -> bool:
        if self.sources is None:
            return True
        try:
            source = _json_object(files.get("json", b""), f"{key}.json").get("source", "")
        except DataError:
            return True  # decoding reports the broken sidecar
        return isinstance(source, str) and source.startswith(self.sources)

    def clips(self) -> Iterator[np.ndarray]:
        shards = list(enumerate(self.manifest["shards"]))
        by_shard = len(shards) >= self.world
        epoch = 0
        while True:
            order = shards[:]
            random.Random(self.seed + 7919 * epoch).shuffle(order)
            mine = order[self.rank::self.world] if by_shard else order
            count = 0
            for index, entry in mine:
                # With fewer shards than processes, process r keeps every world-th clip of each shard.
                keep = (lambda i: True) if by_shard else (lambda i: i % self.world == self.rank)
                for clip in self._shard_clips(index, entry, keep):
                    count += 1
                    yield clip
            if count == 0:
                raise DataError(f"{self.directory}: no readable clips; " + "; ".join(self.problems[:5]))
            self.epoch_clips = count
            epoch += 1

    def __iter__(self) -> Iterator[torch.Tensor]:
        rng = random.Random(self.seed * 31 + self.rank)
        flip = random.Random(self.seed * 31 + self.rank + MIRROR_STREAM)
        buffer: list[np.ndarray] = []
        batch: list[np.ndarray] = []
        for clip in self.clips():
            buffer.append(clip)
            # Never more than one pass of clips: with --sources a pass may hold fewer than the buffer was sized for.
            if len(buffer) < min(self.shuffle_buffer, self.epoch_clips or self.shuffle_buffer):
                continue
            i = rng.randrange(len(buffer))
            buffer[i], buffer[-1] = buffer[-1], buffer[i]
            clip = buffer.pop()
            batch.append(clip[:, :, ::-1] if self.mirror and flip.random() < 0.5 else clip)
            if len(batch) == self.batch:
                yield to_tensor(np.stack(batch))
                batch = []


def to_tensor(clips: np.ndarray) -> torch.Tensor:
    """[N, T, H, W, 3] uint8 → [N, 3, T, H, W] float in [−1, 1] (x / 127.5 − 1, as the TypeScript loader)."""
    return torch.from_numpy(clips).permute(0, 4, 1, 2, 3).float().div_(127.5).sub_(1)
