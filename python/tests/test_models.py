"""The zoo from Python: names, specs, state dicts, training from a plain PyTorch loop."""

import pytest
import torch

import wavetwin


def test_build_from_names_and_specs():
    model = wavetwin.models.build("R18wyC_mod", num_classes=10)
    assert isinstance(model, torch.nn.Module)
    assert model.paper_name == "R18wyC_mod"
    assert model.twin is not None
    readable = wavetwin.models.build("resnet18 --twin cmod --classes 10")
    assert readable.spec == model.spec
    assert len(wavetwin.models.names()) == 35
    assert wavetwin.models.build("R18C").twin is None


def test_parameter_counts_and_state_dict_keys_are_the_cpp_models():
    model = wavetwin.models.build("R18wyC")
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert trainable == wavetwin._C.trainable_parameters(model._cpp)
    keys = list(model.state_dict())
    assert "conv1.featmapmix0.weight" in keys and "fc.weight" in keys
    assert any(k.endswith("num_batches_tracked") for k in keys)


def test_state_dict_round_trip_between_models():
    a = wavetwin.models.build("R18wyC_mod")
    b = wavetwin.models.build("R18wyC_mod")
    x = torch.randn(2, 3, 32, 32)
    a.eval(), b.eval()
    assert not torch.equal(a(x), b(x))
    b.load_state_dict(a.state_dict())
    assert torch.equal(a(x), b(x))


def test_trains_in_a_plain_pytorch_loop():
    model = wavetwin.models.build("resnet18 --twin cmod --classes 3 --channels 1")
    x = torch.randn(8, 1, 32, 32)
    y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    first = None
    for _ in range(8):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        first = loss.item() if first is None else first
    assert loss.item() < first


def test_to_double_reaches_the_cpp_buffers():
    model = wavetwin.models.build("R18wyC").double().eval()
    out = model(torch.randn(1, 3, 32, 32, dtype=torch.float64))
    assert out.dtype == torch.float64
    assert all(b.dtype == torch.float64 for b in model.buffers() if b.is_floating_point())


def test_bad_specs():
    with pytest.raises(ValueError, match="R99"):
        wavetwin.models.build("R99")


def write_image_folder(root, classes=3, per_class=8, side=20):
    """Class folders of small PNGs, each class tinted by one colour channel (tests/support's fixture)."""
    from PIL import Image

    for c in range(classes):
        (root / str(c)).mkdir(parents=True)
        for i in range(per_class):
            pixels = torch.randint(0, 100, (side, side, 3), dtype=torch.uint8)
            pixels[:, :, c % 3] += 120
            Image.fromarray(pixels.numpy()).save(root / str(c) / f"{i}.png")


def run_cli(*args):
    import os
    import subprocess

    done = subprocess.run([os.environ["WAVETWIN_CLI"], *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


SPEC = "resnet18 --twin cmod --classes 3"


def test_checkpoints_move_between_the_cli_and_python(tmp_path):
    import os
    import re

    if "WAVETWIN_CLI" not in os.environ:
        pytest.skip("WAVETWIN_CLI (the wavetwin binary) is not set; ctest sets it")
    write_image_folder(tmp_path / "tiny")
    data = f"folder:{tmp_path}/tiny"
    store = str(tmp_path / "runs" / "runs.db")
    run_cli("train", SPEC, "--data", data, "--holdout", "2", "--epochs", "1", "--batch", "6", "--size", "16",
            "--store", store, "--name", "r")
    trained = tmp_path / "runs" / "r" / "last.pt"

    model = wavetwin.models.build(SPEC)
    fresh = {k: v.clone() for k, v in model.state_dict().items()}
    assert model.load_checkpoint(trained) == 1
    assert any(not torch.equal(fresh[k], v) for k, v in model.state_dict().items())

    # Python -> C++: the file Python writes evaluates as the trained checkpoint does.
    copy = tmp_path / "from_python.pt"
    model.save_checkpoint(copy)
    evaluate = ["--model", SPEC, "--size", "16", "--holdout", "2", "--split", "val", "--mode", "onecrop", "--data", data,
                "--store", store]
    top1 = lambda out: re.search(r"top-1 error ([0-9.]+)", out).group(1)
    assert top1(run_cli("eval", str(copy), *evaluate)) == top1(run_cli("eval", str(trained), *evaluate))

    # Python -> C++ -> Python: the state dict survives the round trip exactly.
    again = wavetwin.models.build(SPEC)
    again.load_checkpoint(copy)
    for key, value in model.state_dict().items():
        assert torch.equal(again.state_dict()[key], value), key

    with pytest.raises(ValueError, match="missing.pt"):
        model.load_checkpoint(tmp_path / "missing.pt")
    with pytest.raises(ValueError):
        wavetwin.models.build("resnet18 --classes 3").load_checkpoint(trained)
