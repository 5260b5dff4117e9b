"""Datasets as the command line names them (``--data``): Fashion-MNIST, MNIST, CIFAR-10, image folders.

``open("fashion-mnist")`` gives the training, held-out validation and test parts, each a map-style
torch.utils.data.Dataset of (image uint8 (C, H, W), label) pairs, decoded by wavetwin's C++ readers (small
datasets are decoded once into a cache, as for ``wavetwin train``).
"""

from __future__ import annotations

from typing import Iterator, List, NamedTuple, Optional, Tuple, Union

import torch

from . import _C

__all__ = ["Dataset", "Splits", "open"]

Images = Union[torch.Tensor, List[torch.Tensor]]


class Dataset(torch.utils.data.Dataset):
    """One part of a dataset: item i is (image uint8 (C, H, W), label)."""

    def __init__(self, cpp: _C.Dataset) -> None:
        self._cpp = cpp

    def __len__(self) -> int:
        return len(self._cpp)

    def __getitem__(self, index: int) -> Tuple[torch.Tensor, int]:
        size = len(self._cpp)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError(f"index {index} of a dataset of {size} images")
        return self._cpp.image(index).permute(2, 0, 1), self._cpp.label(index)

    @property
    def classes(self) -> List[str]:
        return self._cpp.classes

    @property
    def channels(self) -> int:
        return self._cpp.channels

    def tensors(self) -> Tuple[torch.Tensor, torch.Tensor]:
        """All images uint8 (N, C, H, W) and labels int64 (N), for datasets of small images of one size (IDX,
        CIFAR-10; a view of the decoded data when the part is the whole of it). ValueError when the images'
        sizes differ (image folders): iterate over batches() instead."""
        held = self._cpp.tensors()
        if held is not None:
            return held[0].permute(0, 3, 1, 2), held[1]
        images = [self._cpp.image(i) for i in range(len(self))]
        if any(image.shape != images[0].shape for image in images):
            raise ValueError(f"{self._cpp.where(0)}: images of different sizes; expected one size (use batches())")
        labels = torch.tensor([self._cpp.label(i) for i in range(len(self))], dtype=torch.int64)
        return torch.stack(images).permute(0, 3, 1, 2), labels

    def batches(self, batch_size: int = 256, limit: Optional[int] = None) -> Iterator[Tuple[Images, torch.Tensor]]:
        """(images, labels) batches in order, for wavetwin.audit: images uint8 (N, C, H, W), or a list of
        (C, H, W) images when they are read from files of any size. ``limit``: this many images, evenly spaced
        over the dataset (as ``wavetwin eval --limit``)."""
        indices = _C.evenly_spaced(len(self), limit or 0)
        count = len(indices)
        held = self._cpp.tensors()
        for start in range(0, count, batch_size):
            chosen = indices[start : start + batch_size]
            if held is not None:
                index = torch.tensor(chosen)
                yield held[0].index_select(0, index).permute(0, 3, 1, 2), held[1].index_select(0, index)
            else:
                yield [self[i][0] for i in chosen], torch.tensor([self._cpp.label(i) for i in chosen])


class Splits(NamedTuple):
    name: str
    train: Dataset
    val: Optional[Dataset]
    test: Optional[Dataset]
    failures: List[str]  # images left out as undecodable: "file: reason"


def open(spec: str = "fashion-mnist", cache: str = "", holdout: Optional[int] = None, strict: bool = False) -> Splits:
    """The parts of the dataset ``spec``: "fashion-mnist[:DIR]", "mnist:DIR", "cifar10:PATH" or "folder:PATH"
    (as ``wavetwin train --data``). ``holdout``: validation images held out per class (None: the reference's
    split). ValueError naming the spec, path or file at fault."""
    name, train, val, test, failures = _C.open_data(spec, cache, holdout, strict)
    wrap = lambda part: Dataset(part) if part is not None else None  # noqa: E731
    return Splits(name, wrap(train), wrap(val), wrap(test), failures)
