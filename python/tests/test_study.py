"""The theory, the per-filter study and the kernel analysis from Python."""

import math

import pytest
import torch

import wavetwin
from wavetwin import study


def test_gamma_squared_known_values_and_map():
    assert study.gamma_squared(torch.zeros(2, dtype=torch.float64)).item() == pytest.approx(1.5)
    # omega = (pi, pi) with q = 1: the phases <omega, p> cover {0, pi}; the closed form gives 3/2 - 4/pi.
    value = study.gamma_squared(torch.tensor([math.pi, math.pi], dtype=torch.float64)).item()
    assert value == pytest.approx(1.5 - 4 / math.pi, abs=1e-12)
    grid = study.gamma_map(2, 1, 16)
    assert grid.shape == (16, 16) and grid.dtype == torch.float64
    theta = -math.pi + 2 * math.pi * torch.arange(16, dtype=torch.float64) / 16
    omega = torch.stack(torch.meshgrid(2 * theta, 2 * theta, indexing="ij"), -1)
    assert torch.allclose(grid, study.gamma_squared(omega), atol=1e-12)


def test_bounds_reduce_to_gamma_at_zero_band_width():
    g = study.gamma_squared(torch.tensor([0.8, 2.2], dtype=torch.float64)).item()
    assert study.discrepancy_bound((0.4, 1.1), 0.0, 2) == pytest.approx(g, abs=1e-12)
    assert study.rmax_stability_bound((0.4, 1.1), 0.0, 2, (0.0, 1.0)) == pytest.approx(2 * math.sqrt(g), abs=1e-12)
    assert study.cmod_stability_bound(0.5, (1.0, 1.0)) == pytest.approx(0.5)


def test_filter_study_follows_its_definitions_with_the_python_layers():
    images = torch.rand(3, 1, 41, 38)
    s = study.FilterStudy(levels=2, shift=(0, 1))
    s.add(images)
    assert s.images == 3
    discrepancy, rmax_shift, cmod_shift = s.last_batch()
    x, xs = images[:, :, :, :-1], images[:, :, :, 1:]
    rmax, cmod = wavetwin.RMax.dtcwpt(2), wavetwin.CMod.dtcwpt(2)
    norm = lambda t: t.double().square().sum(dim=(2, 3)).sqrt()
    scale = norm(cmod(x))
    assert torch.allclose(discrepancy, (norm(rmax(x) - cmod(x)) / scale) ** 2, rtol=1e-5)
    assert torch.allclose(rmax_shift, norm(rmax(xs) - rmax(x)) / scale, rtol=1e-5)
    assert torch.allclose(cmod_shift, norm(cmod(xs) - cmod(x)) / scale, rtol=1e-5)
    assert s.measures()["discrepancy"] == pytest.approx(discrepancy.mean(0).tolist())


def test_kernel_analysis_of_a_torchvision_first_layer():
    torchvision = pytest.importorskip("torchvision", reason="python3-torchvision is installed by scripts/setup.sh")
    weight = torchvision.models.resnet18().conv1.weight.detach()
    measures = study.analyse_kernels(weight, m=4)
    assert measures["frequency"].shape == (64, 2)
    assert ((measures["gabor_likeness"] > 0) & (measures["gabor_likeness"] <= 1 + 1e-12)).all()
    assert torch.allclose(measures["gamma2"], study.gamma_squared(4 * measures["frequency"].double()), atol=1e-10)
    with pytest.raises(ValueError):
        study.analyse_kernels(torch.randn(4, 3, 7))
