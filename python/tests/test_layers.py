"""The layers from Python: definitions, the DT-CWPT forms, torch.nn.Module behaviour, gradients, training."""

import math

import pytest
import torch

import wavetwin
import wavetwin.functional as F


def complex_kernels(cout, cin, kh, kw):
    return torch.complex(torch.randn(cout, cin, kh, kw, dtype=torch.float64),
                         torch.randn(cout, cin, kh, kw, dtype=torch.float64))


def test_rmax_and_cmod_follow_their_definitions():
    x = torch.randn(2, 3, 21, 18, dtype=torch.float64)
    w = complex_kernels(4, 3, 5, 4)
    re = torch.nn.functional.conv2d(x, w.real, stride=2)
    im = torch.nn.functional.conv2d(x, w.imag, stride=4)
    expected_rmax = torch.nn.functional.max_pool2d(re, 3, 2, 1)
    expected_cmod = torch.sqrt(torch.nn.functional.conv2d(x, w.real, stride=4) ** 2 + im ** 2)
    assert torch.allclose(wavetwin.RMax(w, 2)(x), expected_rmax, atol=1e-12)
    assert torch.allclose(wavetwin.CMod(w, 2)(x), expected_cmod, atol=1e-12)
    assert torch.equal(F.rmax(x, w, 2), wavetwin.RMax(w, 2)(x))
    assert wavetwin.RMax(w, 2)(x).shape == wavetwin.CMod(w, 2)(x).shape


def test_dtcwpt_forms_read_one_transform():
    x = torch.randn(2, 1, 40, 36)
    y = wavetwin.DtCwpt2d(2, stride=2)(x)
    assert torch.allclose(wavetwin.RMax.dtcwpt(2)(x), F.rmax_from_dtcwpt(y), atol=1e-5)
    assert torch.allclose(wavetwin.CMod.dtcwpt(2)(x), F.cmod_from_dtcwpt(y), atol=1e-5)
    assert torch.equal(F.max_pool_q(y[:, 0::2]), F.rmax_from_dtcwpt(y))


def test_modulus_bn0_bias_blurpool():
    z = torch.randn(2, 6, 5, 7, dtype=torch.float64)
    assert torch.allclose(wavetwin.Modulus()(z), torch.sqrt(z[:, 0::2] ** 2 + z[:, 1::2] ** 2), atol=1e-12)
    bn = wavetwin.BN0(3)
    assert sorted(bn.state_dict()) == ["bias", "num_batches_tracked", "running_mean", "running_var", "weight"]
    x = torch.rand(4, 3, 8, 8)
    y = bn(x)
    energy = (x ** 2).mean(dim=(0, 2, 3))
    assert torch.allclose(y, x / torch.sqrt(energy / 2 + 1e-5).view(1, 3, 1, 1), atol=1e-5)
    assert torch.allclose(bn.running_var, 0.9 + 0.1 * energy, atol=1e-6)
    bias = wavetwin.Bias(3)
    assert torch.allclose(bias(x), x + bias.bias.view(1, 3, 1, 1))
    blur = wavetwin.BlurPool(3, filter_size=3)
    assert blur(x).shape == (4, 3, 4, 4)
    assert torch.allclose(blur(torch.ones(1, 3, 9, 9)), torch.ones(1, 3, 5, 5), atol=1e-6)
    adaptive = wavetwin.AdaptiveBlurPool(8, groups=2)
    assert adaptive(torch.randn(2, 8, 9, 9)).shape == (2, 8, 5, 5)


def test_aps_keeps_the_component_of_largest_norm_and_the_shortcut_keeps_it_too():
    aps = wavetwin.Aps(3, filter_size=1)
    x = torch.randn(5, 3, 6, 8, dtype=torch.float64)
    components = torch.stack([x[:, :, i::2, j::2] for i in (0, 1) for j in (0, 1)], 1)  # (N, 4, C, 3, 4)
    expected = components.flatten(2).norm(dim=2).argmax(1)
    y, indices = aps.forward_indexed(x)
    assert torch.equal(indices, expected)
    assert torch.equal(y, components[torch.arange(5), expected])
    assert torch.equal(aps(x), y)
    other = torch.randn(5, 3, 6, 8, dtype=torch.float64)
    assert torch.equal(aps.forward_with(other, indices),
                       torch.stack([other[:, :, i::2, j::2] for i in (0, 1) for j in (0, 1)], 1)[torch.arange(5), indices])
    blurred = wavetwin.Aps(3, filter_size=3, norm="linf")
    assert blurred(x.float()).shape == (5, 3, 3, 4)
    assert list(blurred.state_dict()) == ["filter"] and not list(blurred.parameters())
    with pytest.raises(ValueError, match="APS norm 'l3'; expected l2, l1 or linf"):
        wavetwin.Aps(3, norm="l3")


def test_train_and_eval_reach_the_cpp_module():
    bn = wavetwin.BN0(2)
    x = torch.rand(3, 2, 4, 4) + 1
    bn.eval()
    before = bn.running_var.clone()
    bn(x)
    assert torch.equal(bn.running_var, before)  # evaluation: the running energy is read, not updated
    bn.train()
    bn(x)
    assert not torch.equal(bn.running_var, before)


def test_twin_conv_state_dict_keys_and_gradcheck():
    twin = wavetwin.TwinConv("resnet", pooling="cmod")
    keys = list(twin.state_dict())
    assert "featmapmix0.weight" in keys and "freeconv.weight" in keys and "colormix.weight" in keys
    assert twin.wavelet_channels == 24
    small = wavetwin.TwinConv("resnet", pooling="rmax", in_channels=1, free_channels=2).double()
    x = torch.randn(1, 1, 23, 19, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: torch.cat([o.flatten() for o in small(t)]), (x,), eps=1e-6, atol=1e-6)
    free, wavelet = twin(torch.randn(2, 3, 32, 32))
    assert free.shape == (2, 40, 16, 16) and wavelet.shape == (2, 48, 8, 8)


class TwinNet(torch.nn.Module):
    """A twin first layer, CMod, and a linear classifier: a toy model for SGD."""

    def __init__(self):
        super().__init__()
        self.twin = wavetwin.TwinConv("resnet", pooling="cmod", in_channels=1)
        self.modulus = wavetwin.Modulus()
        self.head = torch.nn.Linear(24, 2)

    def forward(self, x):
        free, wavelet = self.twin(x)
        return self.head(self.modulus(wavelet).mean(dim=(2, 3)))


def test_twin_layer_trains_with_torch_optim():
    torch.manual_seed(1)
    # Toy task: vertical against horizontal gratings.
    grid = torch.arange(24, dtype=torch.float32)
    vertical = torch.sin(grid * 2 * math.pi / 6).view(1, 24).expand(24, 24)
    images = torch.stack([vertical, vertical.t()] * 8).unsqueeze(1) + 0.1 * torch.randn(16, 1, 24, 24)
    labels = torch.tensor([0, 1] * 8)
    net = TwinNet()
    mixing = net.twin.featmapmix0.weight.detach().clone()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    assert not torch.equal(net.twin.featmapmix0.weight, mixing)
    assert net.twin.featmapmix0.weight.grad is not None


def test_hilbert_kernels_of_a_torch_weight():
    conv = torch.nn.Conv2d(3, 4, 7)
    w = wavetwin.hilbert_kernels(conv.weight.detach().double())
    assert w.is_complex() and w.shape == (4, 3, 7, 7)
    assert torch.allclose(w.real, conv.weight.detach().double(), atol=1e-12)
    with pytest.raises(ValueError, match="mask 'disc'"):
        wavetwin.hilbert_kernels(conv.weight.detach(), mask="disc")


def test_layer_errors():
    with pytest.raises(ValueError, match="expected complex"):
        wavetwin.RMax(torch.randn(2, 1, 3, 3), 2)(torch.randn(1, 1, 8, 8))
    with pytest.raises(ValueError, match="pooling 'max'"):
        wavetwin.TwinConv(pooling="max")
    with pytest.raises(ValueError, match="unknown option 'colour'"):
        wavetwin.TwinConv(colour=1)
