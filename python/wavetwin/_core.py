"""CppModule: a torch.nn.Module over a module of wavetwin's C++ library.

The C++ module owns the computation; this class registers the C++ module's own parameter and buffer tensors
(the same tensors, not copies) under the same names, and one CppModule per C++ child. So ``parameters()``,
``state_dict()`` (keys as the C++ modules), ``load_state_dict()``, optimizers and autograd all act on the
tensors the C++ forward reads, and gradients come from the C++ backward code.
"""

from __future__ import annotations

from typing import Callable, Dict

import torch

from . import _C


class CppModule(torch.nn.Module):
    """A torch.nn.Module sharing the parameters and buffers of the C++ module ``cpp``."""

    def __init__(self, cpp: _C.Module) -> None:
        super().__init__()
        self._cpp = cpp
        self._cpp_buffers: Dict[str, torch.Tensor] = {}
        for name, tensor in cpp.own_parameters():
            if not isinstance(tensor, torch.nn.Parameter):
                # The tensor the C++ module holds becomes the Parameter itself (as torch's lazy parameters
                # do on materialisation): an alias would not receive the gradients of the C++ forward.
                tensor.__class__ = torch.nn.Parameter
            self.register_parameter(name, tensor)
        for name, tensor in cpp.own_buffers():
            self.register_buffer(name, tensor)
            self._cpp_buffers[name] = tensor
        for name, child in cpp.children():
            self.add_module(name, CppModule(child))
        self.train(cpp.is_training())

    def train(self, mode: bool = True) -> "CppModule":
        super().train(mode)
        self._cpp.train(mode)
        return self

    def _apply(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> "CppModule":
        # torch.nn.Module._apply converts parameters in place (param.data = ...) but replaces buffers by new
        # tensors, which the C++ module would not see: put the converted data back into its own tensors.
        super()._apply(fn)
        for name, tensor in self._cpp_buffers.items():
            converted = self._buffers[name]
            if converted is not tensor:
                tensor.data = converted
                self._buffers[name] = tensor
        return self

    def extra_repr(self) -> str:
        # "wavetwin::layers::RMax(stride=2, q=1)" -> "stride=2, q=1"
        printed = self._cpp.pretty_print()
        return printed[printed.find("(") + 1 : -1] if printed.endswith(")") else ""

    def _get_name(self) -> str:
        if type(self) is not CppModule:
            return type(self).__name__
        name = self._cpp.type_name().split("::")[-1]
        return name[: -len("Impl")] if name.endswith("Impl") else name

    def __deepcopy__(self, memo):
        raise TypeError(
            f"{type(self).__name__}: a module over C++ tensors cannot be deep-copied; build a new one and "
            "load_state_dict(old.state_dict()) into it"
        )
