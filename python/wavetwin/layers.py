"""The papers' layers as torch.nn.Modules over the C++ ones.

RMax_m[W](X) = MaxPool_q((X * Re W) subsampled by m) and CMod_m[W](X) = |(X * W) subsampled by 2m| (P1,
section 2): the same output grid and size. W is a complex kernel bank (Cout, Cin, kh, kw), or the DT-CWPT of
depth J (``RMax.dtcwpt(J)``), whose packets are taken at m = 2^(J-1).
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import torch

from . import _C
from ._core import CppModule
from .wavelets import dtcwpt_options

__all__ = ["RMax", "CMod", "Modulus", "BN0", "Bias", "BlurPool", "AdaptiveBlurPool", "Aps", "TwinConv", "MixSection",
           "hilbert_kernels"]

MixSection = _C.MixSection


class RMax(CppModule):
    """RMax with complex ``kernels`` (Cout, Cin, kh, kw) (a buffer): (N, Cin, H, W) -> (N, Cout, H', W')."""

    def __init__(self, kernels: torch.Tensor, stride: int, q: int = 1) -> None:
        super().__init__(_C.RMax(kernels, stride, q))

    @classmethod
    def dtcwpt(cls, levels: int, q: int = 1, filters: str = "qshift_a") -> "RMax":
        """RMax on every complex packet of the DT-CWPT of depth J: (N, C, H, W) -> (N, C * 2 * 4^J, H', W')."""
        module = cls.__new__(cls)
        CppModule.__init__(module, _C.RMax(dtcwpt_options(levels, filters=filters), q))
        return module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(x)


class CMod(CppModule):
    """CMod with complex ``kernels`` (Cout, Cin, kh, kw) (a buffer): the modulus subsampled by 2 ``stride``."""

    def __init__(self, kernels: torch.Tensor, stride: int) -> None:
        super().__init__(_C.CMod(kernels, stride))

    @classmethod
    def dtcwpt(cls, levels: int, filters: str = "qshift_a") -> "CMod":
        """CMod on every complex packet of the DT-CWPT of depth J, on RMax.dtcwpt's grid."""
        module = cls.__new__(cls)
        CppModule.__init__(module, _C.CMod(dtcwpt_options(levels, filters=filters)))
        return module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(x)


class Modulus(CppModule):
    """|z| of complex maps (N, C, H, W), or of interleaved (Re, Im) channel pairs (N, 2C, H, W); gradient 0 at 0."""

    def __init__(self) -> None:
        super().__init__(_C.Modulus())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(z)


class BN0(CppModule):
    """Batch normalisation of moduli without centring: y = x / sqrt(E[x^2] / 2 + eps) * |gamma| + beta."""

    def __init__(self, channels: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__(_C.BN0(channels, eps, momentum))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(x)


class Bias(CppModule):
    """A trainable per-channel bias: y[:, c] = x[:, c] + bias[c]."""

    def __init__(self, channels: int) -> None:
        super().__init__(_C.Bias(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(x)


class BlurPool(CppModule):
    """Zhang's anti-aliased subsampling: a binomial blur of size ``filter_size`` per channel, then ``stride``."""

    def __init__(self, channels: int, filter_size: int = 4, stride: int = 2, padding: str = "reflect",
                 pad_off: int = 0) -> None:
        super().__init__(_C.BlurPool(channels, filter_size, stride, padding, pad_off))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(x)


class AdaptiveBlurPool(CppModule):
    """Zou et al.'s content-aware blur pooling: a k x k low-pass filter per pixel and group, predicted."""

    def __init__(self, channels: int, kernel_size: int = 3, stride: int = 2, groups: int = 8,
                 padding: str = "reflect", joint_softmax: bool = True) -> None:
        super().__init__(_C.AdaptiveBlurPool(channels, kernel_size, stride, groups, padding, joint_softmax))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(x)


class Aps(CppModule):
    """Chaman and Dokmanic's adaptive polyphase sampling: a circular binomial blur of size ``filter_size`` (1:
    none), then, per sample, the polyphase component of the ``stride`` subsampling with the largest ``norm``
    ("l2", "l1" or "linf"; ties to the first in the order (0, 0), (0, 1), (1, 0), (1, 1))."""

    def __init__(self, channels: int, filter_size: int = 3, stride: int = 2, norm: str = "l2",
                 padding: str = "circular") -> None:
        super().__init__(_C.Aps(channels, filter_size, stride, norm, padding))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(x)

    def forward_indexed(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The output and the component chosen for each sample (N) int64."""
        return self._cpp.forward_indexed(x)

    def forward_with(self, x: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
        """``x`` downsampled keeping the given components (a residual shortcut: its main path's)."""
        return self._cpp.forward_with(x, indices)


class TwinConv(CppModule):
    """The twin first layer: a free convolution next to real mixtures of DT-CWPT packets.

    ``preset`` "resnet" (40 free 7x7 channels, J = 2, 24 wavelet outputs) or "alexnet" (32 free 11x11
    channels, J = 3, 32 wavelet outputs; ``alexnet_stride`` 2 for Zhang's AlexNet); ``pooling`` "rmax" or
    "cmod"; any other keyword sets that option (free_channels, levels, packets, sections, ...). forward(x)
    returns (free, wavelet): free (N, L_free, H, W) and wavelet real (N, L, H, W) for RMax, or interleaved
    (Re, Im) (N, 2L, ceil(H/d), ceil(W/d)) for CMod. State-dict keys as the reference's conv1.
    """

    def __init__(self, preset: str = "resnet", pooling: str = "rmax", in_channels: int = 3,
                 alexnet_stride: int = 4, **options) -> None:
        if preset == "resnet":
            opts = _C.TwinConvOptions.resnet()
        elif preset == "alexnet":
            opts = _C.TwinConvOptions.alexnet(alexnet_stride)
        else:
            raise ValueError(f"TwinConv: preset '{preset}'; expected resnet or alexnet")
        opts.pooling = pooling
        opts.in_channels = in_channels
        for name, value in options.items():
            if not hasattr(opts, name):
                raise ValueError(f"TwinConv: unknown option '{name}'")
            setattr(opts, name, _sections(value) if name == "sections" else value)
        super().__init__(_C.TwinConv(opts))

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return self._cpp.forward(x)

    def equivalent_kernel(self) -> Tuple[torch.Tensor, Optional[torch.Tensor], int, int]:
        """The wavelet outputs as one complex kernel bank (L, C, K, K), their bias, stride and zero padding."""
        return self._cpp.equivalent_kernel()

    def selection_penalty(self, lambdas: Sequence[float]) -> torch.Tensor:
        """The differentiable l1/l-infinity filter-selection penalty, one lambda per mixing section."""
        return self._cpp.selection_penalty(list(lambdas))

    @property
    def wavelet_channels(self) -> int:
        return self._cpp.wavelet_channels()


def hilbert_kernels(v: torch.Tensor, mask: str = "half_plane", orientation: Optional[Tuple[float, float]] = None,
                    fft_size: Tuple[int, int] = (0, 0)) -> torch.Tensor:
    """W = V + i H(V) for real kernels v (Cout, Cin, h, w): complex (Cout, Cin, h, w). ``mask`` is
    "half_plane", "closed_half_plane" (the reference's) or "quadrant"; ``orientation`` (x, y) for every
    kernel instead of the structure tensor's; ``fft_size`` >= (h, w), (0, 0) for the kernel's size."""
    return _C.hilbert_kernels(v, mask, orientation, fft_size)


def _sections(values: List) -> List[MixSection]:
    """MixSections from MixSection objects or (inputs, outputs, groups) tuples."""
    return [value if isinstance(value, MixSection) else MixSection(*value) for value in values]
