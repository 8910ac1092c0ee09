"""Layer tables from (size, frames, zDim, baseChannels): the rule of src/model/config.ts, read from the same
src/model/presets.json. Shapes are kept in tfjs's channels-last form ([T, H, W, C] / [H, W, C]) so that the
tables can be compared with the TypeScript ones entry by entry; the networks transpose to PyTorch's layout."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

PRESETS_PATH = Path(__file__).resolve().parents[2] / "src" / "model" / "presets.json"
# BatchNorm momentum and epsilons, the leaky slope, Adam's β2 and ε: the TypeScript model's, from one file.
CONSTANTS: dict[str, Any] = json.loads((PRESETS_PATH.parent / "constants.json").read_text())

Op = Literal["conv3d", "conv2d", "conv3dTranspose", "conv2dTranspose"]
Activation = Literal["relu", "leakyRelu", "tanh", "sigmoid", "none"]
ModelKind = Literal["unconditional", "future"]
GeneratorKind = Literal["twoStream", "oneStream"]
# How the generator's stride-2 layers upsample: the paper's transposed convolutions, or resize-convolutions
# (nearest ×2, then 3 taps; vgan.ops.resize_kernel), a named setting that draws no checkerboards.
Upsample = Literal["transposed", "resize"]
UPSAMPLE_KINDS: tuple[Upsample, ...] = ("transposed", "resize")


class ConfigError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True)
class ModelConfig:
    size: int
    frames: int
    zDim: int
    baseChannels: int
    batchSize: int
    # Every frameStride-th source frame is kept, so that `frames` frames span frames·frameStride source
    # frames (the paper's 32 frames at 25 fps span 1.28 s). Files written before the field existed used 1.
    frameStride: int = 1

    def to_json(self) -> dict:
        return {"size": self.size, "frames": self.frames, "zDim": self.zDim,
                "baseChannels": self.baseChannels, "batchSize": self.batchSize, "frameStride": self.frameStride}


def load_presets() -> dict[str, ModelConfig]:
    raw = json.loads(PRESETS_PATH.read_text())
    return {name: ModelConfig(**values) for name, values in raw.items()}


def resolve_config(preset: str = "tiny", **overrides: int) -> ModelConfig:
    presets = load_presets()
    if preset not in presets:
        raise ConfigError("preset", f'unknown preset "{preset}" (expected one of {", ".join(presets)})')
    config = replace(presets[preset], **{k: v for k, v in overrides.items() if v is not None})
    validate_config(config)
    return config


def _is_power_of_two(n: int) -> bool:
    return isinstance(n, int) and n > 0 and n & (n - 1) == 0


def up_layers(c: ModelConfig) -> int:
    """Number of stride-2 layers between 4×4 and the frame size."""
    return round(math.log2(c.size / 4))


def first_frames(c: ModelConfig) -> int:
    """Frames produced by the first generator layer (2 in the paper)."""
    return c.frames // 2 ** up_layers(c)


def validate_config(c: ModelConfig) -> None:
    if not _is_power_of_two(c.size) or c.size < 8:
        raise ConfigError("size", f"must be a power of two ≥ 8, got {c.size}")
    L = up_layers(c)
    if not isinstance(c.frames, int) or c.frames < 2 ** L or c.frames % 2 ** L:
        raise ConfigError("frames", f"must be a positive multiple of {2 ** L} for size {c.size}, got {c.frames}")
    for name in ("zDim", "baseChannels", "batchSize", "frameStride"):
        v = getattr(c, name)
        if not isinstance(v, int) or v <= 0:
            raise ConfigError(name, f"must be a positive integer, got {v}")


@dataclass(frozen=True)
class LayerSpec:
    name: str
    op: Op
    in_channels: int
    out_channels: int
    kernel: tuple[int, ...]
    stride: int
    pad: Literal["same", "valid"]
    batch_norm: bool
    activation: Activation
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]

    @property
    def transposed(self) -> bool:
        return self.op.endswith("Transpose")

    @property
    def is3d(self) -> bool:
        return self.op.startswith("conv3d")

    @property
    def padding(self) -> int:
        """PyTorch's symmetric padding for tfjs's 'same' / 'valid'."""
        if self.pad == "valid":
            return 0
        # 'same' in this architecture is always kernel 4 stride 2 on even sizes: padding 1 on both sides.
        if any((k - self.stride) % 2 for k in self.kernel):
            raise ConfigError("pad", f"layer {self.name}: 'same' with kernel {self.kernel} stride {self.stride} is asymmetric")
        return (self.kernel[0] - self.stride) // 2


@dataclass
class _Args:
    name: str
    op: Op
    out_channels: int
    activation: Activation
    kernel: tuple[int, ...] | None = None
    stride: int = 2
    pad: Literal["same", "valid"] = "same"
    batch_norm: bool = False


def _chain(in_shape: tuple[int, ...], layers: list[_Args]) -> list[LayerSpec]:
    specs = []
    shape = in_shape
    for a in layers:
        is3d = a.op in ("conv3d", "conv3dTranspose")
        kernel = a.kernel or ((4, 4, 4) if is3d else (4, 4))
        transposed = a.op.endswith("Transpose")
        out_spatial = []
        for n, k in zip(shape[:-1], kernel):
            if a.pad == "same":
                out_spatial.append(n * a.stride if transposed else -(-n // a.stride))
            else:
                out_spatial.append((n - 1) * a.stride + k if transposed else (n - k) // a.stride + 1)
        out_shape = (*out_spatial, a.out_channels)
        specs.append(LayerSpec(a.name, a.op, shape[-1], a.out_channels, tuple(kernel), a.stride, a.pad,
                               a.batch_norm, a.activation, tuple(shape), out_shape))
        shape = out_shape
    return specs


@dataclass
class Architecture:
    config: ModelConfig
    kind: ModelKind
    width: int
    encoder: list[LayerSpec]
    foreground: list[LayerSpec]
    video_head: LayerSpec
    mask_head: LayerSpec
    background: list[LayerSpec]
    discriminator: list[LayerSpec]
    discriminator_head: LayerSpec


def architecture(config: ModelConfig, kind: ModelKind = "unconditional") -> Architecture:
    validate_config(config)
    L = up_layers(config)
    t0 = first_frames(config)
    width = 2 * config.baseChannels if kind == "future" else config.baseChannels
    top = width * 2 ** (L - 1)

    def hidden(j: int, name: str, op: Op) -> _Args:
        return _Args(name, op, width * 2 ** (L - 1 - j), "relu", batch_norm=True)

    encoder: list[LayerSpec] = []
    if kind == "unconditional":
        foreground = _chain((1, 1, 1, config.zDim), [
            replace(hidden(0, "conv1", "conv3dTranspose"), kernel=(t0, 4, 4), stride=1, pad="valid"),
            *[hidden(j + 1, f"conv{j + 2}", "conv3dTranspose") for j in range(L - 1)],
        ])
        background = _chain((1, 1, config.zDim), [
            replace(hidden(0, "conv1", "conv2dTranspose"), kernel=(4, 4), stride=1, pad="valid"),
            *[hidden(j + 1, f"conv{j + 2}", "conv2dTranspose") for j in range(L - 1)],
            _Args("rgb", "conv2dTranspose", 3, "tanh"),
        ])
    elif kind == "future":
        encoder = _chain((config.size, config.size, 3), [
            _Args("conv1", "conv2d", width, "relu"),
            *[_Args(f"conv{j + 2}", "conv2d", width * 2 ** (j + 1), "relu", batch_norm=True) for j in range(L - 1)],
        ])
        foreground = _chain((1, 4, 4, top), [
            _Args("conv1", "conv3dTranspose", top, "relu", kernel=(t0, 1, 1), stride=1, pad="valid", batch_norm=True),
            *[hidden(j + 1, f"conv{j + 2}", "conv3dTranspose") for j in range(L - 1)],
        ])
        background = _chain((4, 4, top), [
            *[hidden(j + 1, f"conv{j + 1}", "conv2dTranspose") for j in range(L - 1)],
            _Args("rgb", "conv2dTranspose", 3, "tanh"),
        ])
    else:
        raise ConfigError("kind", f'expected "unconditional" or "future", got "{kind}"')
    trunk_out = foreground[-1].out_shape
    video_head = _chain(trunk_out, [_Args("video", "conv3dTranspose", 3, "tanh")])[0]
    mask_head = _chain(trunk_out, [_Args("mask", "conv3dTranspose", 1, "sigmoid")])[0]
    discriminator = _chain((config.frames, config.size, config.size, 3), [
        _Args("conv1", "conv3d", width, "leakyRelu"),
        *[_Args(f"conv{j + 2}", "conv3d", width * 2 ** (j + 1), "leakyRelu", batch_norm=True) for j in range(L - 1)],
    ])
    discriminator_head = _chain(discriminator[-1].out_shape, [
        _Args("logit", "conv3d", 1, "none", kernel=(t0, 4, 4), stride=1, pad="valid"),
    ])[0]
    return Architecture(config, kind, width, encoder, foreground, video_head, mask_head, background,
                        discriminator, discriminator_head)


def code_head(arch: Architecture) -> LayerSpec:
    """The autoencoder baseline's code layer (src/model/config.ts codeHead): the discriminator head's shape
    with zDim outputs, so the encoder is D's trunk and the decoder's input fits."""
    head = arch.discriminator_head
    z = arch.config.zDim
    return replace(head, name="code", out_channels=z, out_shape=(*head.out_shape[:-1], z))
