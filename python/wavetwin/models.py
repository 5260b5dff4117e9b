"""The papers' model zoo: AlexNet and ResNet, standard or twin (RMax / CMod), with anti-aliasing.

``build`` takes a papers' name ("R18wyC_mod", "AwyI", ...), a reference "architecture/config" string
("dtcwpt_zou_resnet34/Ft40YBf3Ex_mod") or the readable form ("resnet18 --twin cmod --classes 10"). The
model's state-dict keys are the C++ model's, so checkpoints move between the two.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import torch

from . import _C
from ._core import CppModule

__all__ = ["Model", "build", "names"]


class Model(CppModule):
    """A zoo model: logits (N, classes) of images (N, in_channels, H, W)."""

    def __init__(self, cpp: _C.Model) -> None:
        super().__init__(cpp)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._cpp.forward(x)

    @property
    def spec(self) -> str:
        """The readable spec, e.g. "resnet18 --twin cmod --classes 10"."""
        return self._cpp.spec().readable()

    @property
    def paper_name(self) -> str:
        """The papers' name of the model ("" when it has none)."""
        return self._cpp.spec().paper_name()

    @property
    def twin(self) -> Optional[CppModule]:
        """The twin first layer (the registered submodule), or None for a standard first layer."""
        return self.get_submodule("conv1") if self._cpp.twin() is not None else None

    def trace(self, x: torch.Tensor) -> List[Tuple[str, List[int]]]:
        """The forward pass of x, as (stage, output shape) pairs."""
        return self._cpp.trace(x)

    def load_checkpoint(self, path: str) -> int:
        """Loads the model's tensors from a checkpoint of `wavetwin train` (last.pt, best.pt, epoch-N.pt in the
        run's folder) or of save_checkpoint; returns the epochs it had completed. ValueError when the file is
        missing, corrupt or of another model."""
        epoch, _ = _C.load_checkpoint(self._cpp, str(path))
        return epoch

    def save_checkpoint(self, path: str) -> None:
        """Writes the model's tensors as a checkpoint file, which `wavetwin eval FILE --model SPEC` reads."""
        _C.save_checkpoint(self._cpp, str(path))

    def forward_macs(self, channels: int, height: int, width: int) -> int:
        """Multiply-accumulates of one forward pass on a (channels, height, width) image."""
        return self._cpp.forward_macs(channels, height, width)


def build(spec: str, num_classes: Optional[int] = None, in_channels: Optional[int] = None) -> Model:
    """A freshly initialised zoo model (initialised as the reference does); ``num_classes`` and
    ``in_channels`` override the spec's."""
    parsed = _C.parse_model_spec(spec)
    if num_classes is not None:
        parsed.classes = num_classes
    if in_channels is not None:
        parsed.in_channels = in_channels
    parsed.validate()
    return Model(_C.make_model(parsed))


def names() -> List[str]:
    """The 35 named models of the papers, in the papers' order."""
    return list(_C.paper_model_names())
