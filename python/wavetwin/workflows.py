"""The workflows of the command line as calls, over the same run store: train, evaluate, report; and the
shift-invariance audit of any torch.nn.Module.

The calls run in C++ without the GIL; ``progress`` is True (a line on stderr), False, or a function called
with each update. Ctrl-C stops a call with KeyboardInterrupt: a training run keeps its last completed epoch
(resume it with ``resume=True``), an evaluation records nothing.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import torch

from . import _C

__all__ = ["train", "evaluate", "report", "audit", "normalized_mfr", "DIRECTIONS", "PROTOCOLS"]

DIRECTIONS = ("vertical", "horizontal", "diagonal")
PROTOCOLS = ("onecrop", "tencrops", "shifts", "consistency", "circular")
Progress = Union[bool, Callable[..., None], None]


def _minutes(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _print_training(p: _C.Progress) -> None:
    if p.validating:
        line = f"epoch {p.epoch}/{p.epochs}, validating"
    else:
        line = (f"epoch {p.epoch}/{p.epochs}, batch {p.batch}/{p.batches}, loss {p.loss:.4f}, "
                f"{p.images_per_second:.0f} images/s, ETA {_minutes(p.eta_seconds)}")
    print(f"\r{line:<78}", end="\n" if p.validating or p.batch == p.batches else "", file=sys.stderr, flush=True)


def _print_pass(label: str, done: int, total: int) -> None:
    print(f"\r{label}: {done}/{total} images", end="\n" if done == total else "", file=sys.stderr, flush=True)


def _print_audit(done: int, images_per_second: float) -> None:
    print(f"\raudit: {done} images, {images_per_second:.1f} images/s", end="", file=sys.stderr, flush=True)


def _callback(progress: Progress, printer: Callable[..., None]) -> Optional[Callable[..., None]]:
    if progress is True:
        return printer
    return progress or None


def train(model: Optional[str] = None, data: Optional[str] = None, recipe: Optional[str] = None, *,
          name: Optional[str] = None, store: str = "runs/wavetwin.db", cache: str = "", seed: Optional[int] = None,
          epochs: Optional[int] = None,
          batch: Optional[int] = None, lr: Optional[float] = None, momentum: Optional[float] = None,
          weight_decay: Optional[float] = None, schedule: Optional[str] = None, step: Optional[int] = None,
          gamma: Optional[float] = None, warmup: Optional[int] = None, accumulate: Optional[int] = None,
          size: Optional[int] = None, crop_scale: Optional[float] = None, holdout: Optional[int] = None,
          lambdas: Optional[Sequence[float]] = None, threads: int = 0, loader_threads: int = 0,
          keep_every: Optional[int] = None, train_images: Optional[int] = None, stop_after: Optional[int] = None,
          resume: bool = False, strict: bool = False, device: Optional[str] = None, seeds: Optional[int] = None,
          progress: Progress = True,
          warn: Optional[Callable[[str], None]] = None) -> Union[_C.TrainRunResult, List[_C.TrainRunResult]]:
    """``wavetwin train``: creates the run ``name`` (default MODEL-DATASET) of the zoo model ``model`` (a papers'
    name or a spec) on ``data`` (None: fashion-mnist) with the preset ``recipe`` (None: cifar10-resnet) and the
    settings given (None: the preset's), records it in ``store`` with its checkpoints beside it, and trains it to
    the recipe's end (or ``stop_after`` more epochs). ``resume=True`` continues the run from its last checkpoint
    with its recorded settings: those left None are the run's, a different one is refused (a larger ``epochs``
    extends the run). Returns the run record, every epoch's record, the epochs done and the best epoch.
    ``seeds=N`` trains the recipe N times, seeds ``seed`` (default 0) to ``seed + N - 1``, as runs NAME-seedS
    (NAME: ``name`` or MODEL-DATASET; with ``resume=True`` the recorded ones continue and the others start), and
    returns their results in a list; ``report`` gives every score's mean and spread across them.
    ValueError naming the option, file or run at fault (another process training the run)."""
    overrides = _C.RecipeOverrides(lr, momentum, weight_decay, gamma, crop_scale, schedule, step, warmup, epochs,
                                   batch, accumulate, size, holdout, list(lambdas) if lambdas is not None else None)
    notices = warn or (lambda message: print(f"warning: {message}", file=sys.stderr))
    return _C.train_run(model, data, recipe, overrides, name, store, cache, seed, threads, loader_threads, keep_every,
                        train_images, stop_after, resume, strict, device, seeds, _callback(progress, _print_training),
                        notices)


def evaluate(target: str, *, checkpoint: str = "best", model: Optional[str] = None, data: Optional[str] = None,
             split: str = "test", store: str = "runs/wavetwin.db", cache: str = "",
             protocols: Sequence[str] = PROTOCOLS, directions: Sequence[str] = DIRECTIONS,
             size: Optional[int] = None, holdout: Optional[int] = None, max_shift: int = 8, max_step: int = 0,
             pixel_divide: Optional[int] = None, limit: Optional[int] = None, shift_limit: Optional[int] = None,
             batch: int = 256, seed: int = 0, resamples: int = 1000, confidence: float = 0.95,
             reference_quirks: bool = False, strict: bool = False, device: str = "cpu",
             progress: Progress = True) -> _C.EvaluateRunResult:
    """``wavetwin eval``: scores a run's checkpoint (``target`` a run name; ``checkpoint`` "best", "last" or
    "epoch-N") or a checkpoint file (with ``model``) with the papers' protocols, and records the scores with the
    run. ``limit`` / ``shift_limit``: that many images, evenly spaced. Every score gets a ``confidence``
    percentile bootstrap interval (``Score.low``, ``Score.high``) from ``resamples`` resamplings of the images,
    seeded by ``seed`` (0 resamples: none). ValueError naming what is wrong."""
    return _C.evaluate_run(target, checkpoint, model, data, split, store, cache, list(protocols), list(directions),
                           size, holdout, max_shift, max_step, pixel_divide, limit, shift_limit, batch, seed,
                           resamples, confidence, reference_quirks, strict, device,
                           _callback(progress, _print_pass))


Claim = Tuple[str, str, str, str, bool]


def report(runs: Sequence[str] = (), *, out: str, reference: Optional[str] = None, paper: Optional[str] = None,
           store: str = "runs/wavetwin.db", split: str = "test", title: str = "",
           claims: Union[str, Sequence[Claim]] = ()) -> _C.RunsReport:
    """``wavetwin report``: the runs (all when empty) side by side in ``out`` (report.md, results.csv,
    results.json, figures), mFR relative to ``reference`` (default the first run), with the papers' rows when
    ``paper`` is "imagenet" or "cifar10". Each claim, (statement, run, baseline, metric, lower) such as
    ("CMod is more stable than RMax", "R18wy_mod", "R18wy", "flip_rate", True), is checked by the paired
    comparison of the two runs: ``claims_table`` and ``claims_summary`` say which the runs support, cannot tell
    apart, or contradict. ``claims`` may also be the path of a claims file, as ``wavetwin report --claims``
    reads (a report's results.json among them). Returns the rows, the tables and the files written."""
    claims_file = str(claims) if isinstance(claims, (str, os.PathLike)) else ""
    listed = [] if claims_file else [(s, r, b, m, bool(lower)) for s, r, b, m, lower in claims]
    return _C.write_runs_report(list(runs), reference, paper, out, store, split, title, listed, claims_file)


Batch = Tuple[Union[torch.Tensor, List[torch.Tensor]], torch.Tensor]


def audit(model: Callable[[torch.Tensor], torch.Tensor], batches: Iterable[Batch], *, size: int,
          protocols: Sequence[str] = PROTOCOLS, directions: Sequence[str] = DIRECTIONS, max_shift: int = 8,
          max_step: int = 0, pixel_divide: Optional[int] = None, onecrop_resize: int = 0, tencrops_resize: int = 0,
          mean: Optional[Sequence[float]] = None, std: Optional[Sequence[float]] = None, seed: int = 0,
          batch: int = 256, device: Optional[Union[str, torch.device]] = None,
          progress: Progress = True) -> _C.AuditResult:
    """The papers' shift-invariance protocols applied to any classifier: ``model`` (a torch.nn.Module, or any
    function from float32 inputs (B, C, size, size) to scores (B, classes)) over ``batches``, an iterable of
    (images, labels) such as a DataLoader: images (N, C, H, W) uint8 or float in [0, 1] (ToTensor, not
    normalised; a list of (C, H, W) images when sizes differ), labels (N) class indices.

    Each protocol cuts its views from the images as ``wavetwin eval`` does (one centre crop; ten crops; the
    shifted windows, KL per half-pixel shift and flip rates per one-pixel step unless ``pixel_divide`` is
    given; two random shifts for consistency, seeded by ``seed`` and the image's position; for "circular", the
    centre crop rolled by 0..max_shift pixels per direction and by two random circular shifts) and normalises them
    with ``mean`` / ``std`` (None: wavetwin's training normalisation, ImageNet's for colour, 0.5 / 0.5 for grey).
    The model runs in evaluation mode without gradients, on ``device`` (default: its parameters'), ``batch``
    inputs at a time; its training mode is restored afterwards. ``progress``: True prints the images done and
    images/s on stderr; a function is called with those two after each batch.

    Returns the images scored, top-1/top-5 errors (%), KL per shift and flip rates per step per direction (with
    their means in ``shifts``), the consistency (%), and the same under circular shifts (``circular_kl``,
    ``circular_flip_rates``, ``circular_shifts``, ``circular_consistency``). ValueError naming a bad batch or
    option."""
    names = list(protocols)
    audit_ = _C.Audit(names, size, onecrop_resize, tencrops_resize, max_shift, max_step, pixel_divide,
                      list(directions), list(mean or []), list(std or []), seed, batch, "cpu")
    if device is None and isinstance(model, torch.nn.Module):
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    target = torch.device(device or "cpu")

    def classify(inputs: torch.Tensor) -> torch.Tensor:
        return model(inputs.to(target)).detach().to("cpu", torch.float32)

    report_progress = _callback(progress, _print_audit)
    training = model.training if isinstance(model, torch.nn.Module) else False
    if isinstance(model, torch.nn.Module):
        model.eval()
    try:
        with torch.no_grad():
            done, start = 0, time.perf_counter()
            for images, labels in batches:
                if isinstance(images, torch.Tensor):
                    if images.dim() != 4:
                        raise ValueError(f"audit: images of shape {list(images.shape)}; expected (N, C, H, W) "
                                         "or a list of (C, H, W) images")
                    images = list(images.unbind(0))
                audit_.add(classify, images, torch.as_tensor(labels))
                done += len(images)
                if report_progress:
                    report_progress(done, done / (time.perf_counter() - start))
            if report_progress is _print_audit:
                print(file=sys.stderr)
    finally:
        if isinstance(model, torch.nn.Module):
            model.train(training)
    return audit_.result()


def normalized_mfr(model: Union[_C.AuditResult, Dict[str, List[float]]],
                   reference: Union[_C.AuditResult, Dict[str, List[float]]]) -> float:
    """The papers' mFR of ``model`` relative to ``reference`` (100 = as shift-unstable as the reference): the
    mean over directions of the ratio of their mean flip rates. Audit results or flip-rate dicts."""
    rates = lambda r: r if isinstance(r, dict) else r.flip_rates  # noqa: E731
    return _C.normalized_mfr(rates(model), rates(reference))
