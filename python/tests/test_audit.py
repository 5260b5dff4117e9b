"""The shift-invariance audit of any torch.nn.Module: flip rates and errors of a plain CNN against the windows
cut and scored here; a zoo model audited from Python scores as the C++ evaluator (wavetwin.evaluate) on the
same images; bad batches are named."""

import gzip
import struct

import pytest
import torch

import wavetwin


class SmallCnn(torch.nn.Module):
    """A plain CNN with a strided convolution: far from shift-invariant, so flip rates are not all 0."""

    def __init__(self, channels=3, classes=5):
        super().__init__()
        self.conv = torch.nn.Conv2d(channels, 8, 5, stride=4)
        self.fc = torch.nn.Linear(8 * 7 * 7, classes)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).flatten(1))


MEAN, STD = [0.4, 0.5, 0.6], [0.2, 0.25, 0.3]


def normalised(x):
    return (x.float() / 255 - torch.tensor(MEAN).view(3, 1, 1)) / torch.tensor(STD).view(3, 1, 1)


def test_flip_rates_of_a_plain_cnn_are_those_of_the_windows_scored_here():
    # Images of side n + M: the papers' windows are then plain slices at offsets 0..M (pixel_divide 1).
    model = SmallCnn()
    images = torch.randint(0, 256, (11, 3, 40, 40), dtype=torch.uint8)
    labels = torch.randint(0, 5, (11,))
    result = wavetwin.audit(model, [(images[:4], labels[:4]), (images[4:], labels[4:])], size=32, max_shift=8,
                            max_step=3, pixel_divide=1, protocols=["shifts"], mean=MEAN, std=STD, progress=False)
    assert result.images == 11
    assert result.onecrop is None and result.consistency is None
    model.eval()
    offsets = {"vertical": lambda k: (k, 0), "horizontal": lambda k: (0, k), "diagonal": lambda k: (k, k)}
    largest = 0.0
    for direction, offset in offsets.items():
        frames = []
        for k in range(9):
            top, left = offset(k)
            with torch.no_grad():
                frames.append(model(normalised(images[:, :, top : top + 32, left : left + 32])).argmax(1))
        predictions = torch.stack(frames, 1)  # (N, K)
        for s in range(1, 4):
            expected = (predictions[:, :-s] != predictions[:, s:]).double().mean().item()
            assert result.flip_rates[direction][s - 1] == pytest.approx(expected, abs=1e-12)
            largest = max(largest, expected)
    assert largest > 0
    summary = {s.direction: s.mean_flip_rate for s in result.shifts}
    assert summary["diagonal"] == pytest.approx(sum(result.flip_rates["diagonal"]) / 3, abs=1e-12)


def test_circular_shifts_leave_an_aps_network_unmoved_and_move_a_plain_cnn():
    images = torch.randint(0, 256, (6, 3, 32, 32), dtype=torch.uint8)
    labels = torch.randint(0, 5, (6,))
    aps = wavetwin.models.build("resnet18 --aps 3", num_classes=5)
    scores = {}
    for name, model in {"aps": aps, "plain": SmallCnn()}.items():
        scores[name] = wavetwin.audit(model, [(images, labels)], size=32, max_shift=4, max_step=2,
                                      protocols=["circular"], mean=MEAN, std=STD, progress=False)
        assert scores[name].shifts == [] and scores[name].consistency is None
        assert [s.direction for s in scores[name].circular_shifts] == ["diagonal", "horizontal", "vertical"]
        assert len(scores[name].circular_kl["vertical"]) == 5
    assert scores["aps"].circular_consistency == 100
    assert all(rate == 0 for rates in scores["aps"].circular_flip_rates.values() for rate in rates)
    assert max(kl for kls in scores["aps"].circular_kl.values() for kl in kls) < 1e-9
    assert max(rate for rates in scores["plain"].circular_flip_rates.values() for rate in rates) > 0


def test_onecrop_errors_and_float_batches():
    model = SmallCnn()
    images = torch.randint(0, 256, (9, 3, 32, 32), dtype=torch.uint8)
    labels = torch.randint(0, 5, (9,))
    with torch.no_grad():
        top = model.eval()(normalised(images)).topk(5, 1).indices
    top1 = 100 * (top[:, 0] != labels).double().mean().item()
    model.train()
    as_uint8 = wavetwin.audit(model, [(images, labels)], size=32, protocols=["onecrop"], mean=MEAN, std=STD,
                              progress=False)
    as_float = wavetwin.audit(model, [(images[:5].float() / 255, labels[:5]), (images[5:].double() / 255, labels[5:])],
                              size=32, protocols=["onecrop"], mean=MEAN, std=STD, progress=False)
    assert as_uint8.onecrop.top1 == pytest.approx(top1, abs=1e-9)
    assert as_float.onecrop.top1 == pytest.approx(top1, abs=1e-9)
    assert as_uint8.onecrop.top5 == 0  # five classes
    assert model.training  # restored


def write_idx(directory, prefix, images, labels):
    with gzip.open(directory / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">IIII", 0x803, *images.shape) + images.numpy().tobytes())
    with gzip.open(directory / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">II", 0x801, len(labels)) + labels.numpy().astype("uint8").tobytes())


FASHION_MNIST = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist (scripts/setup.sh)


@pytest.fixture
def tiny_mnist(tmp_path):
    """An IDX dataset of 44 Fashion-MNIST pictures (structured, unlike noise, so that a briefly trained model
    predicts several classes) labelled i % 10: 30 training, 14 test."""
    with gzip.open(f"{FASHION_MNIST}/t10k-images-idx3-ubyte.gz") as f:
        pictures = torch.frombuffer(bytearray(f.read()[16 : 16 + 44 * 784]), dtype=torch.uint8).view(44, 28, 28)
    write_idx(tmp_path, "train", pictures[:30], torch.arange(30) % 10)
    write_idx(tmp_path, "t10k", pictures[30:], torch.arange(14) % 10)
    return tmp_path


def test_a_zoo_model_audited_from_python_scores_as_the_cpp_evaluator(tiny_mnist, tmp_path):
    spec = "resnet18 --twin rmax --classes 10 --channels 1"
    model = wavetwin.models.build(spec)
    data = f"mnist:{tiny_mnist}"
    images, labels = wavetwin.data.open(data, holdout=1).train.tensors()
    x = (images.float() / 255 - 0.5) / 0.5
    sgd = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for _ in range(5):  # away from the initialisation's near-constant predictions
        sgd.zero_grad()
        torch.nn.functional.cross_entropy(model(x), labels).backward()
        sgd.step()
    with torch.no_grad():  # batch-norm running statistics of these images, for evaluation mode
        for _ in range(30):
            model(x)
    checkpoint = tmp_path / "model.pt"
    model.save_checkpoint(checkpoint)
    options = dict(max_shift=4, max_step=2, seed=7)
    evaluated = wavetwin.evaluate(str(checkpoint), model=spec, data=data, size=28, holdout=1,
                                  store=str(tmp_path / "none.db"), progress=False, **options)
    test = wavetwin.data.open(data, holdout=1).test
    audited = wavetwin.audit(model, test.batches(5), size=28, progress=False, **options)
    assert evaluated.images == audited.images == 14
    for protocol in ["onecrop", "tencrops"]:
        assert getattr(audited, protocol).top1 == pytest.approx(getattr(evaluated, protocol).top1, abs=1e-9)
        assert getattr(audited, protocol).top5 == pytest.approx(getattr(evaluated, protocol).top5, abs=1e-9)
    assert audited.consistency == pytest.approx(evaluated.consistency, abs=1e-9)
    kl = {(s.direction, s.step): s.value for s in evaluated.scores if s.metric == "kl"}
    flips = {(s.direction, s.step): s.value for s in evaluated.scores if s.metric == "flip_rate"}
    assert len(kl) == 3 * 9 and len(flips) == 3 * 2
    for direction in wavetwin.workflows.DIRECTIONS:
        for k, value in enumerate(audited.kl[direction]):
            assert value == pytest.approx(kl[direction, k], rel=1e-9, abs=1e-12)
        for s, value in enumerate(audited.flip_rates[direction], start=1):
            assert value == pytest.approx(flips[direction, s], abs=1e-12)
    assert max(flips.values()) > 0 and max(kl.values()) > 0
    assert wavetwin.normalized_mfr(audited, audited) == pytest.approx(100)


def test_bad_batches_are_named():
    model = SmallCnn()
    images = torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8)
    labels = torch.tensor([0, 1])
    with pytest.raises(ValueError, match=r"image values in \[0, 255\]; expected \[0, 1\]"):
        wavetwin.audit(model, [(images.float(), labels)], size=32, progress=False)
    with pytest.raises(ValueError, match=r"expected \(C, H, W\) with C 1 or 3"):
        wavetwin.audit(model, [(images.permute(0, 2, 3, 1), labels)], size=32, progress=False)
    with pytest.raises(ValueError, match="for 2 images; expected integer class indices"):
        wavetwin.audit(model, [(images, labels[:1])], size=32, progress=False)
    with pytest.raises(ValueError, match="no batch was scored"):
        wavetwin.audit(model, [], size=32, progress=False)
    with pytest.raises(ValueError, match="unknown; expected onecrop"):
        wavetwin.audit(model, [(images, labels)], size=32, protocols=["flips"], progress=False)
    with pytest.raises(ValueError, match=r"scores \[2, 5, 1\] for a batch of 2 inputs"):
        wavetwin.audit(lambda x: model(x).unsqueeze(2), [(images, labels)], size=32, protocols=["onecrop"],
                       progress=False)
