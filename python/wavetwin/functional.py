"""Functional forms of the transforms and layers (the C++ functions; differentiable where the modules are)."""

from __future__ import annotations

from typing import Optional

import torch

from . import _C
from .wavelets import dtcwpt_options

__all__ = ["dual_tree_filters", "dtcwpt2d", "idtcwpt2d", "dtcwpt2d_adjoint", "dtcwpt1d", "idtcwpt1d",
           "output_length", "as_complex", "as_interleaved", "rmax", "cmod", "max_pool_q", "modulus",
           "rmax_from_dtcwpt", "cmod_from_dtcwpt"]


def dual_tree_filters(name: str = "qshift_a") -> torch.Tensor:
    """The dual-tree filters H1, H2, G1, G2 of a Q-shift bank as a float64 (4, taps) tensor."""
    return _C.dual_tree_filter_tensor(name)


def _filters(filters: Optional[torch.Tensor], name: str) -> torch.Tensor:
    return dual_tree_filters(name) if filters is None else filters


def dtcwpt2d(x: torch.Tensor, levels: int, stride: int = 0, filters: Optional[torch.Tensor] = None,
             bank: str = "qshift_a", padding: str = "zeros", full: bool = False, complex: bool = False,
             real_only: bool = False) -> torch.Tensor:
    """2-D DT-CWPT of x (N, C, H, W); ``filters`` (4, taps) default to ``bank``'s. Layout as wavetwin.DtCwpt2d."""
    options = dtcwpt_options(levels, stride, bank, padding, full, x.shape[1] if x.dim() == 4 else 1, complex,
                             real_only)
    return _C.dtcwpt2d(x, _filters(filters, bank), options)


def idtcwpt2d(y: torch.Tensor, levels: int, height: int, width: int, in_channels: int = 1, stride: int = 0,
              filters: Optional[torch.Tensor] = None, bank: str = "qshift_a", padding: str = "periodic",
              full: bool = False, complex: bool = False, real_only: bool = False) -> torch.Tensor:
    """Inverse of dtcwpt2d for an (height, width) input of ``in_channels`` channels."""
    options = dtcwpt_options(levels, stride, bank, padding, full, in_channels, complex, real_only)
    return _C.idtcwpt2d(y, _filters(filters, bank), options, height, width)


def dtcwpt2d_adjoint(y: torch.Tensor, levels: int, height: int, width: int, in_channels: int = 1, stride: int = 0,
                     filters: Optional[torch.Tensor] = None, bank: str = "qshift_a", padding: str = "zeros",
                     full: bool = False, complex: bool = False, real_only: bool = False) -> torch.Tensor:
    """The adjoint (transpose) of dtcwpt2d for an (height, width) input."""
    options = dtcwpt_options(levels, stride, bank, padding, full, in_channels, complex, real_only)
    return _C.dtcwpt2d_adjoint(y, _filters(filters, bank), options, height, width)


def dtcwpt1d(x: torch.Tensor, levels: int, stride: int = 0, filters: Optional[torch.Tensor] = None,
             bank: str = "qshift_a", padding: str = "zeros", full: bool = False, complex: bool = False,
             real_only: bool = False) -> torch.Tensor:
    """1-D DT-CWPT of x (N, C, L)."""
    options = dtcwpt_options(levels, stride, bank, padding, full, x.shape[1] if x.dim() == 3 else 1, complex,
                             real_only)
    return _C.dtcwpt1d(x, _filters(filters, bank), options)


def idtcwpt1d(y: torch.Tensor, levels: int, length: int, in_channels: int = 1, stride: int = 0,
              filters: Optional[torch.Tensor] = None, bank: str = "qshift_a", padding: str = "periodic",
              full: bool = False, complex: bool = False, real_only: bool = False) -> torch.Tensor:
    """Inverse of dtcwpt1d for a ``length``-sample input."""
    options = dtcwpt_options(levels, stride, bank, padding, full, in_channels, complex, real_only)
    return _C.idtcwpt1d(y, _filters(filters, bank), options, length)


def output_length(n: int, levels: int, stride: int = 0, bank: str = "qshift_a", padding: str = "zeros",
                  full: bool = False) -> int:
    """Output samples along an axis of n input samples."""
    return _C.dtcwpt_output_length(n, dtcwpt_options(levels, stride, bank, padding, full))


as_complex = _C.as_complex
as_interleaved = _C.as_interleaved


def rmax(x: torch.Tensor, kernels: torch.Tensor, stride: int, q: int = 1) -> torch.Tensor:
    """RMax_m: MaxPool_q((x * Re kernels) subsampled by ``stride``), kernels complex (Cout, Cin, kh, kw)."""
    return _C.rmax(x, kernels, stride, q)


def cmod(x: torch.Tensor, kernels: torch.Tensor, stride: int) -> torch.Tensor:
    """CMod_m: |x * kernels| subsampled by 2 ``stride``, on RMax's grid."""
    return _C.cmod(x, kernels, stride)


def max_pool_q(y: torch.Tensor, q: int = 1) -> torch.Tensor:
    """max over ||p||_inf <= q of y[2n + p] (centred): (N, C, H, W) -> (N, C, ceil(H/2), ceil(W/2))."""
    return _C.max_pool_q(y, q)


def modulus(z: torch.Tensor) -> torch.Tensor:
    """|z| of complex maps or of interleaved (Re, Im) channel pairs."""
    return _C.modulus(z)


def rmax_from_dtcwpt(interleaved: torch.Tensor, q: int = 1) -> torch.Tensor:
    """RMax from the interleaved DT-CWPT at stride m: max_pool_q of its real channels."""
    return _C.rmax_from_dtcwpt(interleaved, q)


def cmod_from_dtcwpt(interleaved: torch.Tensor) -> torch.Tensor:
    """CMod from the interleaved DT-CWPT at stride m: the modulus of its samples at even indices."""
    return _C.cmod_from_dtcwpt(interleaved)
