"""The VGAN networks, built from the layer tables of vgan.config (the rule of src/model/config.ts).

Tensors are PyTorch's channels-first (video [N, C, T, H, W]); parameters are named so that a parameter's
path in the module tree, with "." read as "/", is its tfjs name (docs/weights.md), e.g.
generator.foreground.conv1.kernel ↔ generator/foreground/conv1/kernel. Kernels are kept in PyTorch's
layouts (Conv: [out, in, k…], ConvTranspose: [in, out, k…]); vgan.weights permutes them for tfjs.
"""
from __future__ import annotations

import torch
import torch.distributed as dist
import torch.distributed.nn.functional as dist_fn
import torch.nn as nn
import torch.nn.functional as F

from .config import (CONSTANTS, UPSAMPLE_KINDS, Architecture, GeneratorKind, LayerSpec, ModelConfig, ModelKind, Upsample,
                     architecture)
from .ops import conv_transpose, resize_kernel

GENERATOR_EPSILON = CONSTANTS["generatorEpsilon"]
DISCRIMINATOR_EPSILON = CONSTANTS["discriminatorEpsilon"]
BN_MOMENTUM = CONSTANTS["batchNormMomentum"]  # Torch's: running = (1 − m)·running + m·batch
LEAKY_SLOPE = CONSTANTS["leakySlope"]
DROPOUT_RATE = CONSTANTS["dropoutRate"]


class ConvLayer(nn.Module):
    """Convolution + bias, optional BatchNorm, activation: one row of a layer table. With `resize`, a stride-2
    transposed layer's kernel is kept as the 3-tap kernel of a resize-convolution (vgan.ops.resize_kernel)."""

    def __init__(self, spec: LayerSpec, epsilon: float, resize: bool = False) -> None:
        super().__init__()
        self.spec = spec
        self.epsilon = epsilon
        self.resize = resize
        # Batch statistics over every process of a data-parallel run (set by VganModel.sync_batch_norm).
        self.sync = False
        # The running statistics' momentum; vgan.averaging.precise_batch_norm varies it to take a plain mean.
        self.momentum = BN_MOMENTUM
        k = (3,) * len(spec.kernel) if resize else tuple(spec.kernel)
        shape = (spec.in_channels, spec.out_channels, *k) if spec.transposed else (spec.out_channels, spec.in_channels, *k)
        self.kernel = nn.Parameter(torch.randn(shape) * 0.01)
        self.bias = nn.Parameter(torch.zeros(spec.out_channels))
        if spec.batch_norm:
            self.gamma = nn.Parameter(1 + 0.02 * torch.randn(spec.out_channels))
            self.beta = nn.Parameter(torch.zeros(spec.out_channels))
            self.register_buffer("movingMean", torch.zeros(spec.out_channels))
            self.register_buffer("movingVariance", torch.ones(spec.out_channels))

    def _convolve(self, x: torch.Tensor) -> torch.Tensor:
        s = self.spec
        if s.transposed:
            out_spatial = tuple(s.out_shape[:-1])
            kernel = resize_kernel(self.kernel) if self.resize else self.kernel
            return conv_transpose(x, kernel, out_spatial, s.stride, s.padding) + _per_channel(self.bias, x.dim())
        conv = F.conv3d if s.is3d else F.conv2d
        return conv(x, self.kernel, self.bias, s.stride, s.padding)

    def _batch_norm(self, x: torch.Tensor, training: bool, freeze: bool) -> torch.Tensor:
        if not training:
            return F.batch_norm(x, self.movingMean, self.movingVariance, self.gamma, self.beta, False, 0.0, self.epsilon)
        if not (self.sync and dist.is_initialized() and dist.get_world_size() > 1):
            running = (None, None) if freeze else (self.movingMean, self.movingVariance)
            return F.batch_norm(x, *running, self.gamma, self.beta, True, self.momentum, self.epsilon)
        # Statistics of the global batch: differentiable all-reduces, two passes as in the single-process case.
        dims = [0, *range(2, x.dim())]
        local_count = x.numel() // x.shape[1]
        totals = dist_fn.all_reduce(torch.cat([x.sum(dims), x.new_tensor([float(local_count)])]))
        count = totals[-1].detach()
        mean = totals[:-1] / count
        centred = x - _per_channel(mean, x.dim())
        variance = dist_fn.all_reduce(centred.square().sum(dims)) / count
        if not freeze:
            with torch.no_grad():
                unbiased = variance * (count / (count - 1)) if count > 1 else variance
                self.movingMean.mul_(1 - self.momentum).add_(mean, alpha=self.momentum)
                self.movingVariance.mul_(1 - self.momentum).add_(unbiased, alpha=self.momentum)
        scale = self.gamma * torch.rsqrt(variance + self.epsilon)
        return centred * _per_channel(scale, x.dim()) + _per_channel(self.beta, x.dim())

    def forward(self, x: torch.Tensor, training: bool = False, freeze: bool = False) -> torch.Tensor:
        y = self._convolve(x)
        if self.spec.batch_norm:
            y = self._batch_norm(y, training, freeze)
        act = self.spec.activation
        if act == "relu":
            return F.relu(y)
        if act == "leakyRelu":
            return F.leaky_relu(y, LEAKY_SLOPE)
        if act == "tanh":
            return torch.tanh(y)
        if act == "sigmoid":
            return torch.sigmoid(y)
        return y


def _per_channel(v: torch.Tensor, rank: int) -> torch.Tensor:
    return v.view(1, -1, *([1] * (rank - 2)))


def resizes(spec: LayerSpec, upsample: Upsample) -> bool:
    """Whether a generator layer is a resize-convolution: its stride-2 transposed layers, with upsample "resize"."""
    return upsample == "resize" and spec.transposed and spec.stride == 2


class Stack(nn.ModuleDict):
    def __init__(self, specs: list[LayerSpec], epsilon: float, upsample: Upsample = "transposed") -> None:
        super().__init__({s.name: ConvLayer(s, epsilon, resizes(s, upsample)) for s in specs})

    def run(self, names: list[str], x: torch.Tensor, training: bool, freeze: bool) -> torch.Tensor:
        for name in names:
            x = self[name](x, training, freeze)
        return x


class Generator(nn.Module):
    """z [N, zDim] (or first frames [N, 3, H, W] for the future model) → dict of video [N, 3, T, H, W] and,
    two-stream, foreground, mask [N, 1, T, H, W] and background [N, 3, H, W] (one still)."""

    def __init__(self, arch: Architecture, generator: GeneratorKind, upsample: Upsample = "transposed") -> None:
        super().__init__()
        self.arch = arch
        self.two_stream = generator == "twoStream"
        if arch.kind == "future":
            self.encoder = Stack(arch.encoder, GENERATOR_EPSILON)
        heads = [arch.video_head, arch.mask_head] if self.two_stream else [arch.video_head]
        self.foreground = Stack([*arch.foreground, *heads], GENERATOR_EPSILON, upsample)
        if self.two_stream:
            self.background = Stack(arch.background, GENERATOR_EPSILON, upsample)

    def forward(self, inp: torch.Tensor, training: bool = False, freeze: bool = False) -> dict[str, torch.Tensor]:
        a = self.arch
        n = inp.shape[0]
        if a.kind == "future":
            size = a.config.size
            if tuple(inp.shape[1:]) != (3, size, size):
                raise ValueError(f"future generator input must be [N, 3, {size}, {size}], got {list(inp.shape)}")
            code = self.encoder.run([s.name for s in a.encoder], inp, training, freeze)
            fg_in, bg_in = code.unsqueeze(2), code
        else:
            if inp.dim() != 2 or inp.shape[1] != a.config.zDim:
                raise ValueError(f"generator input must be [N, {a.config.zDim}], got {list(inp.shape)}")
            fg_in, bg_in = inp.view(n, -1, 1, 1, 1), inp.view(n, -1, 1, 1)
        trunk = self.foreground.run([s.name for s in a.foreground], fg_in, training, freeze)
        foreground = self.foreground["video"](trunk, training, freeze)
        if not self.two_stream:
            return {"video": foreground}
        mask = self.foreground["mask"](trunk, training, freeze)
        still = self.background.run([s.name for s in a.background], bg_in, training, freeze)
        video = mask * foreground + (1 - mask) * still.unsqueeze(2)
        return {"video": video, "foreground": foreground, "mask": mask, "background": still}


class Discriminator(nn.Module):
    """Video [N, 3, T, H, W] in [−1, 1] → one real/fake logit per clip [N]."""

    def __init__(self, arch: Architecture) -> None:
        super().__init__()
        self.arch = arch
        self.layers = Stack([*arch.discriminator, arch.discriminator_head], DISCRIMINATOR_EPSILON)

    def trunk(self, video: torch.Tensor, training: bool = False, freeze: bool = False) -> torch.Tensor:
        c = self.arch.config
        if tuple(video.shape[1:]) != (3, c.frames, c.size, c.size):
            raise ValueError(f"discriminator input must be [N, 3, {c.frames}, {c.size}, {c.size}], got {list(video.shape)}")
        return self.layers.run([s.name for s in self.arch.discriminator], video, training, freeze)

    def forward(self, video: torch.Tensor, training: bool = False, freeze: bool = False) -> torch.Tensor:
        h = self.trunk(video, training, freeze)
        return self.layers["logit"](h, training, freeze).reshape(video.shape[0])


class VganModel(nn.Module):
    """Generator, discriminator and optional K-way classifier head, with tfjs-compatible parameter names."""

    def __init__(self, config: ModelConfig, kind: ModelKind = "unconditional", generator: GeneratorKind = "twoStream",
                 classes: int = 0, seed: int = 0, upsample: Upsample = "transposed") -> None:
        super().__init__()
        if kind == "future" and generator != "twoStream":
            raise ValueError("generator: the future model is two-stream only")
        if upsample not in UPSAMPLE_KINDS:
            raise ValueError(f"upsample: expected one of {', '.join(UPSAMPLE_KINDS)}, got {upsample!r}")
        self.arch = architecture(config, kind)
        self.kind: ModelKind = kind
        self.generator_kind: GeneratorKind = generator
        self.upsample: Upsample = upsample
        self.classes = classes
        self.seed = seed
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            self.generator = Generator(self.arch, generator, upsample)
            self.discriminator = Discriminator(self.arch)
            if classes > 0:
                head = self.arch.discriminator_head
                spec = LayerSpec("logits", head.op, head.in_channels, classes, head.kernel, head.stride, head.pad,
                                 False, "none", head.in_shape, (*head.out_shape[:-1], classes))
                self.classifier = Stack([spec], DISCRIMINATOR_EPSILON)

    @property
    def config(self) -> ModelConfig:
        return self.arch.config

    def classify(self, video: torch.Tensor, training: bool = False, freeze: bool = False) -> torch.Tensor:
        """Class logits [N, K] from the discriminator trunk, through dropout (training) and the classifier head."""
        if self.classes == 0:
            raise ValueError("classes: this model has no classifier head")
        h = self.discriminator.trunk(video, training, freeze)
        h = F.dropout(h, DROPOUT_RATE, training)
        return self.classifier["logits"](h, training, freeze).reshape(video.shape[0], self.classes)

    def sync_batch_norm(self, enabled: bool = True) -> None:
        """Use the statistics of the global batch in training mode when torch.distributed is initialised."""
        for m in self.modules():
            if isinstance(m, ConvLayer):
                m.sync = enabled

    def tf_named_tensors(self) -> dict[str, torch.Tensor]:
        """Every parameter and BatchNorm statistic under its tfjs name (PyTorch layouts)."""
        out = {}
        for name, t in [*self.named_parameters(), *self.named_buffers()]:
            out[tf_name(name)] = t
        return out


def tf_name(torch_name: str) -> str:
    """generator.foreground.conv1.kernel → generator/foreground/conv1/kernel; drops the discriminator's
    "layers" container."""
    return torch_name.replace("discriminator.layers.", "discriminator.").replace(".", "/")
