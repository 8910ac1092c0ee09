"""Transposed convolutions written as the input gradient of a convolution.

On Debian's torch 1.13 (CPU, oneDNN) F.conv_transpose3d is far slower than the convolution it transposes,
while aten.convolution_backward, asked for the input gradient only, runs at convolution speed
(trainer/README.md has the measurements). Forward and backward are both expressed through the fast kernels:
  y  = ∂conv(·, W)/∂input applied to x      (a transposed conv; W in ConvTranspose's [in, out, k…] layout)
  ∂x = conv(∂y, W)
  ∂W = ∂conv(∂y, ·)/∂W applied to x
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .config import CONSTANTS

# Which implementation conv_transpose uses: "gradient" (the Function below) or "native" (F.conv_transposeNd);
# the benchmark switches it, the networks keep the default.
implementation = "gradient"


def _conv(x: torch.Tensor, w: torch.Tensor, stride: int, padding: int) -> torch.Tensor:
    return (F.conv3d if x.dim() == 5 else F.conv2d)(x, w, None, stride, padding)


class _TransposedConv(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, w: torch.Tensor, out_size: list[int], stride: int, padding: int):  # type: ignore[override]
        dims = x.dim() - 2
        ctx.save_for_backward(x, w)
        ctx.conf = (stride, padding, dims)
        ghost = x.new_empty(1).expand(out_size)
        return torch.ops.aten.convolution_backward(
            x, ghost, w, None, [stride] * dims, [padding] * dims, [1] * dims, False, [0] * dims, 1,
            (True, False, False))[0]

    @staticmethod
    def backward(ctx, gy: torch.Tensor):  # type: ignore[override]
        x, w = ctx.saved_tensors
        stride, padding, dims = ctx.conf
        gy = gy.contiguous()
        gx = _conv(gy, w, stride, padding) if ctx.needs_input_grad[0] else None
        gw = None
        if ctx.needs_input_grad[1]:
            gw = torch.ops.aten.convolution_backward(
                x, gy, w, None, [stride] * dims, [padding] * dims, [1] * dims, False, [0] * dims, 1,
                (False, True, False))[1]
        return gx, gw, None, None, None


def conv_transpose(x: torch.Tensor, w: torch.Tensor, out_spatial: tuple[int, ...], stride: int, padding: int) -> torch.Tensor:
    """Transposed conv of x [N, in, …] with w [in, out, k…] to the spatial size `out_spatial` (2D or 3D)."""
    if implementation == "native":
        fn = F.conv_transpose3d if x.dim() == 5 else F.conv_transpose2d
        y = fn(x, w, None, stride, padding)
        if tuple(y.shape[2:]) != tuple(out_spatial):
            raise ValueError(f"transposed conv gives {tuple(y.shape[2:])}, expected {out_spatial}")
        return y
    return _TransposedConv.apply(x, w, [x.shape[0], w.shape[1], *out_spatial], stride, padding)


# Nearest-neighbour upsampling by 2 and then a 3-tap 'same' convolution (resize-convolution) is a stride-2,
# 4-tap transposed convolution whose taps are fixed sums of the 3 (per axis: w = A·k with A = resizeTaps):
# the paper's layer with a constrained kernel, which cannot draw checkerboards on a flat input.
RESIZE_TAPS = torch.tensor(CONSTANTS["resizeTaps"], dtype=torch.float32)  # A [4, 3]
RESIZE_TAPS_INVERSE = torch.tensor(CONSTANTS["resizeTapsInverse"], dtype=torch.float32)  # A⁺ [3, 4]


def _per_axis(matrix: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """Applies `matrix` along every spatial axis of a kernel [in, out, k…]."""
    m = matrix.to(k)
    for axis in range(2, k.dim()):
        k = torch.tensordot(k, m, dims=([axis], [1])).movedim(-1, axis)
    return k


def resize_kernel(k: torch.Tensor) -> torch.Tensor:
    """A resize-convolution's [in, out, 3, 3(, 3)] kernel → the same layer's transposed [in, out, 4, 4(, 4)] kernel."""
    return _per_axis(RESIZE_TAPS, k)


def resize_kernel_inverse(w: torch.Tensor, where: str) -> torch.Tensor:
    """The [in, out, 3…] kernel whose resize_kernel is w [in, out, 4…] (least squares); a w far from every such
    kernel is refused. The tolerance admits weights stored as float16, not an unconstrained kernel."""
    k = _per_axis(RESIZE_TAPS_INVERSE, w)
    scale = float(w.abs().max()) or 1.0
    if float((resize_kernel(k) - w).abs().max()) > 1e-2 * scale:
        raise ValueError(f"{where}: this kernel is not a resize-convolution's (its taps are not sums of three)")
    return k
