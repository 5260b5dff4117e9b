"""Kingsbury's DTCWT with pytorch_wavelets' interface: DTCWTForward, DTCWTInverse, ScatLayer (and 1-D).

Migration: replace ``from pytorch_wavelets import DTCWTForward, DTCWTInverse, ScatLayer`` by
``from wavetwin import DTCWTForward, DTCWTInverse, ScatLayer``. Same argument names and defaults, same output
layout (``yl`` (N, C, H', W'); ``yh[j]`` (N, C, 6, H_j, W_j, 2) by default, the orientations at ``o_dim`` and
real / imaginary parts at ``ri_dim``), same handling of odd sizes, ``skip_hps`` and ``include_scale``; the
numbers are python3-dtcwt's (Transform2d). The computation runs in wavetwin's C++ kernels, and the gradients
are the exact adjoints of what is computed (dtcwt.h).

Differences that remain:
- ``mode`` must be "symmetric" (pytorch_wavelets' default; its "zero" reaches level 1 only, as the Q-shift
  levels are symmetric there too).
- The banks are those wavetwin tabulates (filter_bank.h): near_sym_a, near_sym_b, antonini, legall and
  qshift_06, qshift_a .. qshift_d, or coefficient tuples as pytorch_wavelets takes them; the rotationally
  symmetric ``*_bp`` banks and ``farras`` / ``near_sym_a2`` / ``qshift_32`` are not available.
- The filters are not module parameters: ``state_dict()`` is empty, and ``.to()`` has nothing to move (the
  transform follows its input's device and dtype).
- Gradients are exact: pytorch_wavelets' backward applies the inverse transform with time-reversed filters,
  which differs from the true gradient near the borders.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple, Union

import torch

from . import _C

__all__ = ["DTCWTForward", "DTCWTInverse", "ScatLayer", "DTCWTForward1d", "DTCWTInverse1d"]

_REST = (0, 1, 3, 4)  # N, C, H, W of the canonical (N, C, 6, H, W, 2) highpass


def _layout(o_dim: int, ri_dim: int) -> List[int]:
    """The permutation from the canonical highpass (orientations at 2, real/imaginary at 5) to (o_dim, ri_dim)."""
    o, ri = o_dim % 6, ri_dim % 6
    if o == ri:
        raise ValueError("Orientations and real/imaginary parts must be in different dimensions.")
    rest = iter(_REST)
    return [2 if d == o else 5 if d == ri else next(rest) for d in range(6)]


def _check_mode(mode: str) -> None:
    if mode != "symmetric":
        raise ValueError(f"mode '{mode}': wavetwin's DTCWT supports mode='symmetric' only (the extension that "
                         "gives perfect reconstruction)")


def _per_level(value, levels: int, name: str) -> List[bool]:
    if isinstance(value, (list, tuple)) or hasattr(value, "__len__"):
        flags = [bool(v) for v in value]
        if len(flags) != levels:
            raise ValueError(f"{name}: {len(flags)} flags for J={levels} levels; expected one per level")
        return flags
    return [bool(value)] * levels


def _absent(h: Optional[torch.Tensor]) -> bool:
    return h is None or h.shape == torch.Size([]) or h.numel() == 0


_FILTERS = ("h0o", "g0o", "h1o", "g1o", "h0a", "h0b", "g0a", "g0b", "h1a", "h1b", "g1a", "g1b")


def _banks(biort, qshift, level1: Tuple[str, ...], levels2: Tuple[str, ...]) -> _C.DtcwtBanks:
    """The banks by name, or with the filters `level1` / `levels2` given as tuples (pytorch_wavelets' custom
    filters: (h0o, h1o) and (h0a, h0b, h1a, h1b) for the forward, the g's for the inverse)."""
    named = _C.DtcwtBanks(biort if isinstance(biort, str) else "near_sym_a",
                          qshift if isinstance(qshift, str) else "qshift_a")
    filters = {key: getattr(named, key) for key in _FILTERS}
    for given, keys, what in ((biort, level1, "biort"), (qshift, levels2, "qshift")):
        if isinstance(given, str):
            continue
        if len(given) != len(keys):
            raise ValueError(f"{what}: {len(given)} filters given; expected a bank name or ({', '.join(keys)})")
        filters.update((key, [float(v) for v in torch.as_tensor(f, dtype=torch.float64).flatten()])
                       for key, f in zip(keys, given))
    return _C.DtcwtBanks(**filters)


def _forward_banks(biort, qshift) -> _C.DtcwtBanks:
    return _banks(biort, qshift, ("h0o", "h1o"), ("h0a", "h0b", "h1a", "h1b"))


def _inverse_banks(biort, qshift) -> _C.DtcwtBanks:
    return _banks(biort, qshift, ("g0o", "g1o"), ("g0a", "g0b", "g1a", "g1b"))


def _pyramid(module, transform, x: torch.Tensor, arrange):
    """pytorch_wavelets' outputs: (yl, yh), or (scales, yh) with include_scale; empty tensors where skipped."""
    if module.J == 0:
        return x, None
    low, highs, scales = transform(x, module._banks, module.J, module.skip_hps, any(module.include_scale))
    yh = [x.new_zeros(()) if h is None else arrange(h) for h in highs]
    if any(module.include_scale):
        return [s if keep else x.new_zeros(()) for s, keep in zip(scales, module.include_scale)], yh
    return low, yh


class DTCWTForward(torch.nn.Module):
    """2-D DTCWT, pytorch_wavelets' DTCWTForward: (N, C, H, W) -> (yl, yh), or (scales, yh) with include_scale.

    Args:
        biort: level-1 biorthogonal bank name, or (h0o, h1o).
        qshift: Q-shift bank name for levels >= 2, or (h0a, h0b, h1a, h1b).
        J: number of levels.
        skip_hps: a bool, or one per level: do not compute that level's highpasses (an empty tensor instead).
        include_scale: a bool, or one per level: return the low-pass of those levels as a list (empty tensors
            elsewhere) in place of the final low-pass.
        o_dim, ri_dim: the dimensions of the orientations and of the real / imaginary parts in yh[j].
        mode: "symmetric".
    """

    def __init__(self, biort: Union[str, Sequence] = "near_sym_a", qshift: Union[str, Sequence] = "qshift_a",
                 J: int = 3, skip_hps=False, include_scale=False, o_dim: int = 2, ri_dim: int = -1,
                 mode: str = "symmetric") -> None:
        super().__init__()
        self.permutation = _layout(o_dim, ri_dim)
        _check_mode(mode)
        self.biort, self.qshift, self.J, self.o_dim, self.ri_dim, self.mode = biort, qshift, J, o_dim, ri_dim, mode
        self.skip_hps = _per_level(skip_hps, J, "skip_hps")
        self.include_scale = _per_level(include_scale, J, "include_scale")
        self._banks = _forward_banks(biort, qshift)

    def forward(self, x: torch.Tensor):
        return _pyramid(self, _C.dtcwt2d, x, lambda h: h.permute(self.permutation))

    def extra_repr(self) -> str:
        return f"biort={self.biort!r}, qshift={self.qshift!r}, J={self.J}, o_dim={self.o_dim}, ri_dim={self.ri_dim}"


class DTCWTInverse(torch.nn.Module):
    """2-D inverse DTCWT, pytorch_wavelets' DTCWTInverse: (yl, yh) -> (N, C, H, W) (even sizes).

    yl may be None or an empty tensor (zeros); so may any yh[j] (that level's highpasses are zeros).
    """

    def __init__(self, biort: Union[str, Sequence] = "near_sym_a", qshift: Union[str, Sequence] = "qshift_a",
                 o_dim: int = 2, ri_dim: int = -1, mode: str = "symmetric") -> None:
        super().__init__()
        permutation = _layout(o_dim, ri_dim)
        _check_mode(mode)
        self.inverse_permutation = [permutation.index(d) for d in range(6)]
        self.biort, self.qshift, self.o_dim, self.ri_dim, self.mode = biort, qshift, o_dim, ri_dim, mode
        self._banks = _inverse_banks(biort, qshift)

    def forward(self, coeffs: Tuple[Optional[torch.Tensor], Sequence[Optional[torch.Tensor]]]) -> torch.Tensor:
        yl, yh = coeffs
        highs = [None if _absent(h) else h.permute(self.inverse_permutation) for h in yh]
        if _absent(yl):
            top = next((h for h in reversed(highs) if h is not None), None)
            if top is None:
                raise ValueError("DTCWTInverse: neither a low-pass nor any highpass was given")
            yl = top.new_zeros(top.shape[0], top.shape[1], 2 * top.shape[3], 2 * top.shape[4])
        return _C.idtcwt2d(yl, highs, self._banks)

    def extra_repr(self) -> str:
        return f"biort={self.biort!r}, qshift={self.qshift!r}, o_dim={self.o_dim}, ri_dim={self.ri_dim}"


class ScatLayer(torch.nn.Module):
    """pytorch_wavelets' ScatLayer: one order of scattering at one scale, (N, C, H, W) -> (N, 7 C, H/2, W/2).

    Channels 0 .. C-1: the level-1 low-pass averaged over 2x2 blocks; then, for each of the six orientations,
    the smoothed modulus sqrt(re^2 + im^2 + magbias^2) - magbias of the level-1 highpasses of the C channels.
    combine_colour (C = 3): one modulus over the three colours per orientation, (N, 9, H/2, W/2).
    Stack two for a second-order scattering network.
    """

    def __init__(self, biort: str = "near_sym_a", mode: str = "symmetric", magbias: float = 1e-2,
                 combine_colour: bool = False) -> None:
        super().__init__()
        _check_mode(mode)
        _C.DtcwtBanks(biort, "qshift_a")  # names an unknown bank now rather than at the first forward
        self.biort, self.mode, self.magbias, self.combine_colour = biort, mode, magbias, combine_colour

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _C.dtcwt_scattering(x, self.biort, self.magbias, self.combine_colour)

    def extra_repr(self) -> str:
        return f"biort={self.biort!r}, mode={self.mode!r}, magbias={self.magbias}"


class DTCWTForward1d(torch.nn.Module):
    """1-D DTCWT (dtcwt's Transform1d along the last dimension): (N, C, L) -> (yl, yh), yh[j] (N, C, L_j, 2)."""

    def __init__(self, biort: str = "near_sym_a", qshift: str = "qshift_a", J: int = 3, skip_hps=False,
                 include_scale=False) -> None:
        super().__init__()
        self.biort, self.qshift, self.J = biort, qshift, J
        self.skip_hps = _per_level(skip_hps, J, "skip_hps")
        self.include_scale = _per_level(include_scale, J, "include_scale")
        self._banks = _forward_banks(biort, qshift)

    def forward(self, x: torch.Tensor):
        return _pyramid(self, _C.dtcwt1d, x, lambda h: h)


class DTCWTInverse1d(torch.nn.Module):
    """Inverse of DTCWTForward1d: (yl, yh) -> (N, C, L) (even L)."""

    def __init__(self, biort: str = "near_sym_a", qshift: str = "qshift_a") -> None:
        super().__init__()
        self.biort, self.qshift = biort, qshift
        self._banks = _inverse_banks(biort, qshift)

    def forward(self, coeffs) -> torch.Tensor:
        yl, yh = coeffs
        return _C.idtcwt1d(yl, [None if _absent(h) else h for h in yh], self._banks)
