// python/src/bindings.h: the parts of the extension wavetwin._C, one function per library layer. The
// bindings only translate: Python keywords to the library's option structs, and C++ modules to handles whose
// parameters and buffers the Python package (python/wavetwin) registers on real torch.nn.Modules.
#pragma once

#include <torch/csrc/utils/pybind.h>
#include <torch/nn/module.h>

#include <memory>

namespace wavetwin::python {

namespace py = pybind11;

/// The Python class of a C++ module: local to this extension, with multiple_inheritance because Cloneable
/// derives from torch::nn::Module virtually (the base is not at offset 0; without it the base pointer is wrong).
template <typename Impl>
py::class_<Impl, torch::nn::Module, std::shared_ptr<Impl>> module_class(py::module_& m, const char* name) {
  return py::class_<Impl, torch::nn::Module, std::shared_ptr<Impl>>(m, name, py::module_local(),
                                                                   py::multiple_inheritance());
}

/// The C++ module handle (`_C.Module`): children, own parameters and buffers, train(), pretty_print.
void bind_module(py::module_& m);
/// Transforms, their options and functional forms, filter banks, packet metadata.
void bind_wavelets(py::module_& m);
/// Layers (RMax, CMod, Modulus, BN0, Bias, BlurPool, AdaptiveBlurPool, TwinConv, Hilbert) and the zoo.
void bind_layers(py::module_& m);
void bind_models(py::module_& m);
/// The theory's gamma maps and bounds, the per-filter study, the kernel analysis.
void bind_study(py::module_& m);
/// Datasets opened from a spec, as the CLI's --data.
void bind_data(py::module_& m);
/// The shift-invariance audit of any classifier, and the evaluation workflow.
void bind_eval(py::module_& m);
/// The training and report workflows.
void bind_workflows(py::module_& m);

}  // namespace wavetwin::python
