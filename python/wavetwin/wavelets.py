"""The dual-tree complex wavelet packet transform (DT-CWPT) as torch.nn.Modules.

Layout (2-D, interleaved): an input (N, C, H, W) gives (N, C * 4 * 4^J, H', W'), channel
c * 4 * 4^J + 2 P + (0 = Re, 1 = Im) for complex packet P = tree * 4^J + code; with ``complex=True``,
(N, C * 2 * 4^J, H', W') complex; with ``real_only=True``, the real parts alone (N, C * 2 * 4^J, H', W') at
about half the cost. 1-D: (N, C, L) -> (N, C * 2 * 2^J, L') interleaved. The stride S (a power of two
<= 2^J; 0 means 2^J) sets H' ~ H / S; ``padding`` is "zeros" (the reference's), "symmetric", "periodic" or
"none". The inverses need a fully decimated, invertible configuration (periodic, or zeros with ``full``).
"""

from __future__ import annotations

from typing import List

import torch

from . import _C
from ._core import CppModule

__all__ = ["DtCwpt2d", "IDtCwpt2d", "DtCwpt1d", "IDtCwpt1d", "PacketInfo", "packet_info", "dtcwpt_options"]

PacketInfo = _C.PacketInfo


def dtcwpt_options(
    levels: int,
    stride: int = 0,
    filters: str = "qshift_a",
    padding: str = "zeros",
    full: bool = False,
    in_channels: int = 1,
    complex: bool = False,
    real_only: bool = False,
    trainable_filters: bool = False,
) -> _C.DtCwptOptions:
    """The C++ options of a transform (checked when the transform runs)."""
    return _C.DtCwptOptions(levels, stride, filters, padding, full, in_channels, complex, real_only, trainable_filters)


class DtCwpt2d(CppModule):
    """2-D DT-CWPT of depth ``levels``: (N, C, H, W) -> packets (see the module docstring for the layout).

    The filters are a buffer ``filters`` (4, taps): H1, H2, G1, G2 (a parameter with ``trainable_filters``).
    Differentiable in the input (and the filters) through the C++ adjoint.
    """

    def __init__(self, levels: int, stride: int = 0, filters: str = "qshift_a", padding: str = "zeros",
                 full: bool = False, in_channels: int = 1, complex: bool = False, real_only: bool = False,
                 trainable_filters: bool = False) -> None:
        options = dtcwpt_options(levels, stride, filters, padding, full, in_channels, complex, real_only,
                                 trainable_filters)
        super().__init__(_C.DtCwpt2d(options))
        self.options = options

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(x)

    def inverse(self, y: torch.Tensor, height: int, width: int) -> torch.Tensor:
        """The input (N, C, height, width) whose transform is y (invertible configurations only)."""
        return self._cpp.inverse(y, height, width)


class IDtCwpt2d(CppModule):
    """Inverse of DtCwpt2d with the same options: forward(y, height, width) -> (N, C, height, width)."""

    def __init__(self, levels: int, stride: int = 0, filters: str = "qshift_a", padding: str = "periodic",
                 full: bool = False, in_channels: int = 1, complex: bool = False, real_only: bool = False) -> None:
        options = dtcwpt_options(levels, stride, filters, padding, full, in_channels, complex, real_only)
        super().__init__(_C.DtCwpt2d(options))
        self.options = options

    def forward(self, y: torch.Tensor, height: int, width: int) -> torch.Tensor:
        return self._cpp.inverse(y, height, width)


class DtCwpt1d(CppModule):
    """1-D DT-CWPT of depth ``levels``: (N, C, L) -> (N, C * 2 * 2^J, L') interleaved (or complex, real_only)."""

    def __init__(self, levels: int, stride: int = 0, filters: str = "qshift_a", padding: str = "zeros",
                 full: bool = False, in_channels: int = 1, complex: bool = False, real_only: bool = False,
                 trainable_filters: bool = False) -> None:
        options = dtcwpt_options(levels, stride, filters, padding, full, in_channels, complex, real_only,
                                 trainable_filters)
        super().__init__(_C.DtCwpt1d(options))
        self.options = options

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(x)

    def inverse(self, y: torch.Tensor, length: int) -> torch.Tensor:
        return self._cpp.inverse(y, length)


class IDtCwpt1d(CppModule):
    """Inverse of DtCwpt1d with the same options: forward(y, length) -> (N, C, length)."""

    def __init__(self, levels: int, stride: int = 0, filters: str = "qshift_a", padding: str = "periodic",
                 full: bool = False, in_channels: int = 1, complex: bool = False, real_only: bool = False) -> None:
        options = dtcwpt_options(levels, stride, filters, padding, full, in_channels, complex, real_only)
        super().__init__(_C.DtCwpt1d(options))
        self.options = options

    def forward(self, y: torch.Tensor, length: int) -> torch.Tensor:
        return self._cpp.inverse(y, length)


def packet_info(levels: int, filters: str = "qshift_a") -> List[PacketInfo]:
    """Metadata of the 2 * 4^J complex 2-D packets, in packet order: tree, code, bands (band_row, band_col),
    orientation, scale, edge, lowpass, conjugated and the measured characteristic frequency (freq_row,
    freq_col) in rad/sample."""
    return _C.packet_table(levels, filters)
