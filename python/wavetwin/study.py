"""The theory of P1 and the measurements that test it, from Python.

gamma_q(omega)^2 = E_phi[(1 - max_{||p||_inf <= q} cos(<omega, p> - phi))^2] is the expected squared relative
RMax/CMod discrepancy of a filter of frequency omega (P1, Prop. 3.9); frequencies are in radians per sample,
(row, column).
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import torch

from . import _C

__all__ = ["gamma_squared", "gamma_map", "discrepancy_bound", "rmax_stability_bound", "cmod_stability_bound",
           "FilterStudy", "analyse_kernels"]


def gamma_squared(omega: torch.Tensor, q: int = 1) -> torch.Tensor:
    """gamma_q^2 of every frequency: omega (..., 2) float64 (row, column) -> (...)."""
    return _C.gamma_squared(omega, q)


def gamma_map(m: int, q: int = 1, grid: int = 256) -> torch.Tensor:
    """theta -> gamma_q(m theta)^2 on a grid x grid lattice of [-pi, pi)^2 (theta_row from -pi at the top)."""
    return _C.gamma_map(m, q, grid)


def discrepancy_bound(theta: Tuple[float, float], kappa: float, m: int, q: int = 1) -> float:
    """(beta_q(m kappa) + gamma_q(m theta))^2: P1 Thm. 3.11's bound for kernels of band width kappa at theta."""
    return _C.discrepancy_bound(theta, kappa, m, q)


def rmax_stability_bound(theta: Tuple[float, float], kappa: float, m: int, shift: Tuple[float, float],
                         q: int = 1) -> float:
    """2 (beta_q(m kappa) + gamma_q(m theta)) + alpha(kappa u): P1 Thm. 4.2's bound for a translation u."""
    return _C.rmax_stability_bound(theta, kappa, m, shift, q)


def cmod_stability_bound(kappa: float, shift: Tuple[float, float]) -> float:
    """alpha(kappa u) = ||kappa u||_1 / 2: P1 Thm. 2.9's bound on CMod's relative shift instability."""
    return _C.cmod_stability_bound(kappa, shift)


class FilterStudy:
    """P1 section 6's per-filter experiment over batches of grey images (N, 1, H + |dr|, W + |dc|): for every
    complex DT-CWPT packet, the mean squared relative RMax/CMod discrepancy rho^2 and the mean relative shift
    instabilities of RMax and CMod between two crops ``shift`` = (dr, dc) apart."""

    def __init__(self, levels: int = 3, q: int = 1, shift: Sequence[int] = (0, 1), border: int = 0) -> None:
        self._study = _C.FilterStudy(levels, q, list(shift), border)

    def add(self, images: torch.Tensor) -> None:
        self._study.add(images)

    @property
    def images(self) -> int:
        return self._study.images

    def measures(self) -> Dict[str, List[float]]:
        """Running means per packet: "discrepancy" (rho^2), "rmax_stability", "cmod_stability"."""
        return {"discrepancy": self._study.discrepancy, "rmax_stability": self._study.rmax_stability,
                "cmod_stability": self._study.cmod_stability}

    def last_batch(self) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per image and packet, (N, packets) each, of the last batch."""
        return tuple(self._study.last_batch())


def analyse_kernels(weight: torch.Tensor, m: int = 4, q: int = 1, fft_size: int = 64, spectrum_size: int = 65,
                    power: float = 2.0) -> Dict[str, torch.Tensor]:
    """Measures of every kernel of a convolution weight (K, C, h, w), for example the first layer of a
    torchvision model: "frequency" (K, 2), "orientation", "coherence", "lowpass", "gabor_likeness" and
    "gamma2" = gamma_q(m xi)^2, the discrepancy the theory expects if the layer's subsampling is m."""
    return _C.analyse_kernels(weight.detach(), m, q, fft_size, spectrum_size, power)
