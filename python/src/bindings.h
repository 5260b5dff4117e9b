// python/src/bindings.h: the parts of the extension wavetwin._C, one function per library layer. The
// bindings only translate: Python keywords to the library's option structs, and C++ modules to handles whose
// parameters and buffers the Python package (python/wavetwin) registers on real torch.nn.Modules.
#pragma once

#include <torch/csrc/utils/pybind.h>

namespace wavetwin::python {

namespace py = pybind11;

/// The C++ module handle (`_C.Module`): children, own parameters and buffers, train(), pretty_print.
void bind_module(py::module_& m);
/// Transforms, their options and functional forms, filter banks, packet metadata.
void bind_wavelets(py::module_& m);
/// Layers (RMax, CMod, Modulus, BN0, Bias, BlurPool, AdaptiveBlurPool, TwinConv, Hilbert) and the zoo.
void bind_layers(py::module_& m);
void bind_models(py::module_& m);
/// The theory's gamma maps and bounds, the per-filter study, the kernel analysis.
void bind_study(py::module_& m);

}  // namespace wavetwin::python
