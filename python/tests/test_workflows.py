"""The workflows from Python over the same run store as the command line: train, evaluate, report; Ctrl-C
during training leaves a resumable run; errors arrive as ValueError with the library's message."""

import os
import signal
import sqlite3
import subprocess
import threading
import time

import pytest
import torch

import wavetwin
from test_audit import tiny_mnist  # noqa: F401 (fixture)

CLI = os.environ.get("WAVETWIN_CLI", "build/wavetwin")
SPEC = "resnet18 --twin cmod"
RECIPE = dict(epochs=2, batch=10, size=28, holdout=1)


def test_train_evaluate_report_share_the_command_lines_store(tiny_mnist, tmp_path):  # noqa: F811
    store = str(tmp_path / "runs" / "wavetwin.db")
    data = f"mnist:{tiny_mnist}"
    updates = []
    trained = wavetwin.train(SPEC, data, name="tiny", store=store, seed=3, progress=updates.append, **RECIPE)
    assert trained.run.status == "finished" and trained.epochs_done == 2
    assert [e.epoch for e in trained.epochs] == [1, 2]
    assert trained.run.options["seed"] == 3
    assert any(u.epoch == 2 and u.batch == u.batches for u in updates)
    assert os.path.exists(os.path.join(trained.checkpoint_dir, "last.pt"))

    evaluated = wavetwin.evaluate("tiny", store=store, protocols=["onecrop", "shifts"], max_shift=2, max_step=1,
                                  progress=False)
    assert evaluated.recorded and evaluated.run == "tiny" and evaluated.images == 14
    assert {s.metric for s in evaluated.scores} >= {"onecrop_top1", "kl", "flip_rate"}
    # Every score that is a mean over images: its per-image values and its percentile bootstrap interval.
    top1 = next(s for s in evaluated.scores if s.metric == "onecrop_top1")
    assert len(top1.images) == len(top1.per_image) == 14
    assert sum(top1.per_image) / 14 == pytest.approx(top1.value)
    assert top1.low <= top1.value <= top1.high
    assert evaluated.confidence_level == 0.95
    assert evaluated.shifts[0].mean_flip_rate_interval is not None

    listed = subprocess.run([CLI, "runs", "list", "--store", store], capture_output=True, text=True, check=True)
    assert "tiny" in listed.stdout and "finished" in listed.stdout

    written = wavetwin.report(out=str(tmp_path / "report"), store=store)
    assert [row.model for row in written.rows] == ["tiny"]
    assert written.rows[0].onecrop_top1 == pytest.approx(evaluated.onecrop.top1)
    low, high = written.rows[0].onecrop_top1_interval
    assert (low, high) == (top1.low, top1.high)
    assert written.differences_table == ""  # one run: nothing to compare
    assert any(f.endswith("report.md") for f in written.files)
    assert "tiny" in open(tmp_path / "report" / "report.md").read()

    plain = wavetwin.evaluate("tiny", store=store, protocols=["onecrop"], resamples=0, progress=False)
    assert all(s.low is None for s in plain.scores) and plain.confidence_level == 0


def test_seeds_train_one_run_per_seed_and_the_report_gives_their_spread(tiny_mnist, tmp_path):  # noqa: F811
    store = str(tmp_path / "wavetwin.db")
    recipe = dict(RECIPE, epochs=1)
    runs = wavetwin.train(SPEC, f"mnist:{tiny_mnist}", name="s", store=store, seed=2, seeds=2, progress=False,
                          **recipe)
    assert [r.run.name for r in runs] == ["s-seed2", "s-seed3"]
    assert [r.run.options["seed"] for r in runs] == [2, 3]
    for r in runs:
        wavetwin.evaluate(r.run.name, store=store, protocols=["onecrop"], progress=False)
    written = wavetwin.report(out=str(tmp_path / "report"), store=store)
    assert "| s-seed2, s-seed3 |" in written.seeds_table and " ± " in written.seeds_table
    assert written.claims_table == "" and written.claims_summary == ""
    claimed = wavetwin.report(out=str(tmp_path / "claims"), store=store,
                              claims=[("seed 3 errs less", "s-seed3", "s-seed2", "onecrop_top1", True),
                                      ("seed 3 errs more", "s-seed3", "s-seed2", "onecrop_top1", False)])
    assert "| seed 3 errs less " in claimed.claims_table
    verdicts = ("supports 1", "cannot tell 2", "contradicts 1")
    assert any(v in claimed.claims_summary for v in verdicts), claimed.claims_summary
    again = wavetwin.report(["s-seed2"], out=str(tmp_path / "again"), store=store,
                            claims=tmp_path / "claims" / "results.json")
    assert again.claims_summary == claimed.claims_summary
    with pytest.raises(ValueError, match="claims.json: no such file"):
        wavetwin.report(out=str(tmp_path / "bad"), store=store, claims=str(tmp_path / "claims.json"))
    with pytest.raises(ValueError, match="flips"):
        wavetwin.report(out=str(tmp_path / "bad"), store=store, claims=[("x", "s-seed3", "s-seed2", "flips", True)])


def test_ctrl_c_stops_training_and_the_run_resumes(tiny_mnist, tmp_path):  # noqa: F811
    store = str(tmp_path / "wavetwin.db")
    data = f"mnist:{tiny_mnist}"
    first_epoch = tmp_path / "cut" / "last.pt"

    def press_ctrl_c_after_the_first_epoch():
        while not first_epoch.exists():
            time.sleep(0.005)
        os.kill(os.getpid(), signal.SIGINT)

    # Without a progress function no Python runs during the call: only the library's check stops it.
    presser = threading.Thread(target=press_ctrl_c_after_the_first_epoch)
    presser.start()
    recipe = dict(RECIPE, epochs=4)
    with pytest.raises(KeyboardInterrupt):
        wavetwin.train(SPEC, data, name="cut", store=store, progress=False, **recipe)
    presser.join()
    with sqlite3.connect(store) as db:  # the store as the command line reads it
        status, epochs = db.execute("SELECT status, (SELECT COUNT(*) FROM epochs WHERE run = runs.id) FROM runs "
                                    "WHERE name = 'cut'").fetchone()
    assert status == "interrupted" and 1 <= epochs < 4
    # Every setting comes from the store; one given that differs is refused by name.
    with pytest.raises(ValueError, match="--lr 0.5 differs from the run's"):
        wavetwin.train(name="cut", store=store, resume=True, lr=0.5, progress=False)
    resumed = wavetwin.train(name="cut", store=store, resume=True, progress=False)
    assert resumed.run.status == "finished"
    assert [e.epoch for e in resumed.epochs] == [1, 2, 3, 4]


def test_errors_are_value_errors_with_the_librarys_message(tmp_path):
    with pytest.raises(ValueError, match="expected mnist:DIR"):
        wavetwin.train(SPEC, "mnist", store=str(tmp_path / "a.db"), progress=False)
    with pytest.raises(ValueError, match="expected epochs >= 1"):
        wavetwin.train(SPEC, "mnist:/nowhere", epochs=0, store=str(tmp_path / "a.db"), progress=False)
    with pytest.raises(ValueError, match="neither a run in"):
        wavetwin.evaluate("no-such-run", store=str(tmp_path / "a.db"), progress=False)
    with pytest.raises(ValueError, match="unknown"):
        wavetwin.evaluate("x", protocols=["flips"], progress=False)
    with pytest.raises(ValueError):
        wavetwin.data.open("mnist:/nowhere")


def test_datasets_as_torch_datasets(tiny_mnist):  # noqa: F811
    splits = wavetwin.data.open(f"mnist:{tiny_mnist}", holdout=1)
    assert (len(splits.train), len(splits.val), len(splits.test)) == (20, 10, 14)
    image, label = splits.test[3]
    assert image.shape == (1, 28, 28) and image.dtype == torch.uint8 and label == 3
    images, labels = splits.train.tensors()
    assert images.shape == (20, 1, 28, 28) and labels.tolist() == [i % 10 for i in range(30) if i >= 10]
    assert torch.equal(images[0], splits.train[0][0])
    batches = list(splits.test.batches(4, limit=7))
    assert [len(b[1]) for b in batches] == [4, 3]
    assert torch.equal(batches[0][0][1], splits.test[2][0])  # 7 of 14, evenly spaced: 0, 2, 4, ...
    with pytest.raises(IndexError):
        splits.test[14]
