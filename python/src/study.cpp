// python/src/study.cpp: the theory, the per-filter study and the kernel analysis for wavetwin._C.
#include <torch/torch.h>

#include <pybind11/stl.h>

#include "bindings.h"
#include "wavetwin/study/filter_study.h"
#include "wavetwin/study/kernels.h"
#include "wavetwin/study/theory.h"

namespace wavetwin::python {
namespace {

using torch::Tensor;
using Release = py::call_guard<py::gil_scoped_release>;

}  // namespace

void bind_study(py::module_& m) {
  m.def("gamma_squared", py::overload_cast<const Tensor&, int64_t>(&study::gamma_squared), py::arg("omega"),
        py::arg("q") = 1);
  m.def("gamma_map", &study::gamma_map, py::arg("m"), py::arg("q"), py::arg("grid"));
  m.def("discrepancy_bound", &study::discrepancy_bound, py::arg("theta"), py::arg("kappa"), py::arg("m"),
        py::arg("q") = 1);
  m.def("rmax_stability_bound", &study::rmax_stability_bound, py::arg("theta"), py::arg("kappa"), py::arg("m"),
        py::arg("shift"), py::arg("q") = 1);
  m.def("cmod_stability_bound", &study::cmod_stability_bound, py::arg("kappa"), py::arg("shift"));

  py::class_<study::FilterStudy>(m, "FilterStudy", py::module_local())
      .def(py::init([](int64_t levels, int64_t q, study::Shift shift, int64_t border) {
             return study::FilterStudy(study::FilterStudyOptions().levels(levels).q(q).shift(shift).border(border));
           }),
           py::arg("levels") = 3, py::arg("q") = 1, py::arg("shift") = study::Shift{0, 1}, py::arg("border") = 0)
      .def("add", &study::FilterStudy::add, Release())
      .def("last_batch", &study::FilterStudy::last_batch)
      .def_property_readonly("images", [](const study::FilterStudy& s) { return s.measures().images; })
      .def_property_readonly("discrepancy", [](const study::FilterStudy& s) { return s.measures().discrepancy; })
      .def_property_readonly("rmax_stability", [](const study::FilterStudy& s) { return s.measures().rmax_stability; })
      .def_property_readonly("cmod_stability", [](const study::FilterStudy& s) { return s.measures().cmod_stability; });

  m.def(
      "analyse_kernels",
      [](const Tensor& v, int64_t m, int64_t q, int64_t fft_size, int64_t spectrum_size, double power) {
        const study::KernelMeasures k = study::analyse_kernels(
            v, study::KernelAnalysisOptions().m(m).q(q).fft_size(fft_size).spectrum_size(spectrum_size).power(power));
        py::dict out;
        out["frequency"] = k.frequency;
        out["orientation"] = k.orientation;
        out["coherence"] = k.coherence;
        out["lowpass"] = k.lowpass;
        out["gabor_likeness"] = k.gabor_likeness;
        out["gamma2"] = k.gamma2;
        return out;
      },
      py::arg("v"), py::arg("m") = 4, py::arg("q") = 1, py::arg("fft_size") = 64, py::arg("spectrum_size") = 65,
      py::arg("power") = 2.0);
}

}  // namespace wavetwin::python
