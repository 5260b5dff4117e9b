// python/src/module.cpp: the extension wavetwin._C: errors, the C++ module handle, the transforms.
#include <torch/torch.h>

#include <pybind11/stl.h>

#include <optional>
#include <sstream>
#include <tuple>

#include "bindings.h"
#include "wavetwin/error.h"
#include "wavetwin/memory.h"
#include "wavetwin/wavelets/dtcwpt.h"
#include "wavetwin/wavelets/dtcwt.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::python {
namespace {

using torch::Tensor;
using wavelets::DtCwptOptions;
using Release = py::call_guard<py::gil_scoped_release>;

std::string printed(const torch::nn::Module& module) {
  std::ostringstream out;
  module.pretty_print(out);
  return out.str();
}

template <typename Item>
std::vector<std::pair<std::string, Item>> items(const torch::OrderedDict<std::string, Item>& dict) {
  std::vector<std::pair<std::string, Item>> out;
  for (const auto& item : dict) out.emplace_back(item.key(), item.value());
  return out;
}

DtCwptOptions make_options(int64_t levels, int64_t stride, const std::string& filters, const std::string& padding,
                           bool full, int64_t in_channels, bool complex, bool real_only, bool trainable_filters) {
  return DtCwptOptions(levels)
      .stride(stride)
      .filters(filters)
      .padding(wavelets::parse_padding(padding))
      .full(full)
      .in_channels(in_channels)
      .complex(complex)
      .real_only(real_only)
      .trainable_filters(trainable_filters);
}

using Highpasses = std::vector<std::optional<Tensor>>;
using PyramidParts = std::tuple<Tensor, Highpasses, std::vector<Tensor>>;

// Undefined highpasses (skipped levels) cross to Python as None, and None comes back as undefined.
PyramidParts pyramid_parts(const wavelets::DtcwtPyramid& p) {
  Highpasses highs;
  for (const Tensor& h : p.highpasses) highs.push_back(h.defined() ? std::optional<Tensor>(h) : std::nullopt);
  return {p.lowpass, highs, p.scales};
}

std::vector<Tensor> defined_or_empty(const Highpasses& highs) {
  std::vector<Tensor> out;
  for (const auto& h : highs) out.push_back(h ? *h : Tensor());
  return out;
}

wavelets::DtcwtOptions dtcwt_options(int64_t levels, const std::vector<bool>& skip, bool include_scale) {
  return wavelets::DtcwtOptions(levels).skip_highpasses(skip).include_scale(include_scale);
}

}  // namespace

void bind_module(py::module_& m) {
  py::class_<torch::nn::Module, std::shared_ptr<torch::nn::Module>>(m, "Module", py::module_local())
      .def("type_name", &torch::nn::Module::name)
      .def("children", [](const torch::nn::Module& self) { return items(self.named_children()); })
      .def("own_parameters", [](const torch::nn::Module& self) { return items(self.named_parameters(false)); })
      .def("own_buffers", [](const torch::nn::Module& self) { return items(self.named_buffers(false)); })
      .def("train", [](torch::nn::Module& self, bool on) { self.train(on); }, py::arg("mode"))
      .def("is_training", &torch::nn::Module::is_training)
      .def("pretty_print", &printed);
}

void bind_wavelets(py::module_& m) {
  py::class_<DtCwptOptions>(m, "DtCwptOptions", py::module_local())
      .def(py::init(&make_options), py::arg("levels"), py::arg("stride") = 0, py::arg("filters") = "qshift_a",
           py::arg("padding") = "zeros", py::arg("full") = false, py::arg("in_channels") = 1,
           py::arg("complex") = false, py::arg("real_only") = false, py::arg("trainable_filters") = false)
      .def_property_readonly("levels", [](const DtCwptOptions& o) { return o.levels(); })
      .def_property_readonly("stride", [](const DtCwptOptions& o) { return o.stride(); })
      .def_property_readonly("filters", [](const DtCwptOptions& o) { return o.filters(); })
      .def_property_readonly("padding", [](const DtCwptOptions& o) { return wavelets::padding_name(o.padding()); })
      .def_property_readonly("full", [](const DtCwptOptions& o) { return o.full(); })
      .def_property_readonly("in_channels", [](const DtCwptOptions& o) { return o.in_channels(); })
      .def_property_readonly("complex", [](const DtCwptOptions& o) { return o.complex(); })
      .def_property_readonly("real_only", [](const DtCwptOptions& o) { return o.real_only(); });

  module_class<wavelets::DtCwpt2dImpl>(m, "DtCwpt2d")
      .def(py::init([](const DtCwptOptions& o) { return std::make_shared<wavelets::DtCwpt2dImpl>(o); }))
      .def("forward", &wavelets::DtCwpt2dImpl::forward, Release())
      .def("inverse", &wavelets::DtCwpt2dImpl::inverse, Release());
  module_class<wavelets::DtCwpt1dImpl>(m, "DtCwpt1d")
      .def(py::init([](const DtCwptOptions& o) { return std::make_shared<wavelets::DtCwpt1dImpl>(o); }))
      .def("forward", &wavelets::DtCwpt1dImpl::forward, Release())
      .def("inverse", &wavelets::DtCwpt1dImpl::inverse, Release());

  m.def("dtcwpt2d", &wavelets::dtcwpt2d, Release());
  m.def("idtcwpt2d", &wavelets::idtcwpt2d, Release());
  m.def("dtcwpt2d_adjoint", &wavelets::dtcwpt2d_adjoint, Release());
  m.def("dtcwpt1d", &wavelets::dtcwpt1d, Release());
  m.def("idtcwpt1d", &wavelets::idtcwpt1d, Release());
  m.def("dtcwpt_output_length", &wavelets::dtcwpt_output_length);
  m.def("dtcwpt_padding", [](int64_t n, const DtCwptOptions& o) {
    const wavelets::AxisPadding pad = wavelets::dtcwpt_padding(n, o);
    return std::make_pair(pad.before, pad.after);
  });
  m.def("as_complex", &wavelets::as_complex);
  m.def("as_interleaved", &wavelets::as_interleaved);
  m.def("dual_tree_filter_tensor", [](const std::string& name) { return wavelets::dual_tree_filter_tensor(name); });

  // The DTCWT: banks by name or from coefficient lists, the transforms on them.
  py::class_<wavelets::DtcwtBanks>(m, "DtcwtBanks", py::module_local())
      .def(py::init([](const std::string& biort, const std::string& qshift) {
             return wavelets::dtcwt_banks(wavelets::DtcwtOptions().biort(biort).qshift(qshift));
           }),
           py::arg("biort"), py::arg("qshift"))
      .def(py::init([](std::vector<double> h0o, std::vector<double> g0o, std::vector<double> h1o,
                       std::vector<double> g1o, std::vector<double> h0a, std::vector<double> h0b,
                       std::vector<double> g0a, std::vector<double> g0b, std::vector<double> h1a,
                       std::vector<double> h1b, std::vector<double> g1a, std::vector<double> g1b) {
             return wavelets::DtcwtBanks{{"custom", h0o, g0o, h1o, g1o}, {"custom", h0a, h0b, g0a, g0b, h1a, h1b, g1a, g1b}};
           }),
           py::arg("h0o"), py::arg("g0o"), py::arg("h1o"), py::arg("g1o"), py::arg("h0a"), py::arg("h0b"),
           py::arg("g0a"), py::arg("g0b"), py::arg("h1a"), py::arg("h1b"), py::arg("g1a"), py::arg("g1b"))
      .def_property_readonly("h0o", [](const wavelets::DtcwtBanks& b) { return b.biort.h0o; })
      .def_property_readonly("g0o", [](const wavelets::DtcwtBanks& b) { return b.biort.g0o; })
      .def_property_readonly("h1o", [](const wavelets::DtcwtBanks& b) { return b.biort.h1o; })
      .def_property_readonly("g1o", [](const wavelets::DtcwtBanks& b) { return b.biort.g1o; })
      .def_property_readonly("h0a", [](const wavelets::DtcwtBanks& b) { return b.qshift.h0a; })
      .def_property_readonly("h0b", [](const wavelets::DtcwtBanks& b) { return b.qshift.h0b; })
      .def_property_readonly("g0a", [](const wavelets::DtcwtBanks& b) { return b.qshift.g0a; })
      .def_property_readonly("g0b", [](const wavelets::DtcwtBanks& b) { return b.qshift.g0b; })
      .def_property_readonly("h1a", [](const wavelets::DtcwtBanks& b) { return b.qshift.h1a; })
      .def_property_readonly("h1b", [](const wavelets::DtcwtBanks& b) { return b.qshift.h1b; })
      .def_property_readonly("g1a", [](const wavelets::DtcwtBanks& b) { return b.qshift.g1a; })
      .def_property_readonly("g1b", [](const wavelets::DtcwtBanks& b) { return b.qshift.g1b; });
  m.def("dtcwt2d", [](const Tensor& x, const wavelets::DtcwtBanks& banks, int64_t levels, const std::vector<bool>& skip,
                      bool include_scale) {
          return pyramid_parts(wavelets::dtcwt2d(x, banks, dtcwt_options(levels, skip, include_scale)));
        }, Release());
  m.def("idtcwt2d", [](const Tensor& lowpass, const Highpasses& highs, const wavelets::DtcwtBanks& banks) {
          return wavelets::idtcwt2d(lowpass, defined_or_empty(highs), banks);
        }, Release());
  m.def("dtcwt1d", [](const Tensor& x, const wavelets::DtcwtBanks& banks, int64_t levels, const std::vector<bool>& skip,
                      bool include_scale) {
          return pyramid_parts(wavelets::dtcwt1d(x, banks, dtcwt_options(levels, skip, include_scale)));
        }, Release());
  m.def("idtcwt1d", [](const Tensor& lowpass, const Highpasses& highs, const wavelets::DtcwtBanks& banks) {
          return wavelets::idtcwt1d(lowpass, defined_or_empty(highs), banks);
        }, Release());
  m.def("dtcwt_scattering", &wavelets::dtcwt_scattering, py::arg("x"), py::arg("biort"), py::arg("magnitude_bias"),
        py::arg("combine_colour"), Release());

  py::class_<wavelets::PacketInfo>(m, "PacketInfo", py::module_local())
      .def_readonly("index", &wavelets::PacketInfo::index)
      .def_readonly("tree", &wavelets::PacketInfo::tree)
      .def_readonly("code", &wavelets::PacketInfo::code)
      .def_readonly("row_bits", &wavelets::PacketInfo::row_bits)
      .def_readonly("col_bits", &wavelets::PacketInfo::col_bits)
      .def_readonly("band_row", &wavelets::PacketInfo::band_row)
      .def_readonly("band_col", &wavelets::PacketInfo::band_col)
      .def_readonly("orientation", &wavelets::PacketInfo::orientation)
      .def_readonly("scale", &wavelets::PacketInfo::scale)
      .def_readonly("edge", &wavelets::PacketInfo::edge)
      .def_readonly("lowpass", &wavelets::PacketInfo::lowpass)
      .def_readonly("conjugated", &wavelets::PacketInfo::conjugated)
      .def_readonly("freq_row", &wavelets::PacketInfo::freq_row)
      .def_readonly("freq_col", &wavelets::PacketInfo::freq_col)
      .def("__repr__", [](const wavelets::PacketInfo& p) {
        std::ostringstream out;
        out << "PacketInfo(index=" << p.index << ", tree=" << p.tree << ", band=(" << p.band_row << ", " << p.band_col
            << "), orientation=" << p.orientation << ", scale=" << p.scale << ", freq=(" << p.freq_row << ", "
            << p.freq_col << ")" << (p.edge ? ", edge" : "") << (p.lowpass ? ", lowpass" : "") << ")";
        return out.str();
      });
  m.def("packet_table", &wavelets::packet_table, py::arg("levels"), py::arg("filters") = "qshift_a");
}

}  // namespace wavetwin::python

PYBIND11_MODULE(_C, m) {
  namespace py = pybind11;
  m.doc() = "wavetwin's C++ core; use the package `wavetwin`, which wraps it in torch.nn.Modules.";
  // wavetwin::Error is a bad argument, shape, option or input file: Python's ValueError, same message; Ctrl-C
  // during a long call comes back as KeyboardInterrupt.
  py::register_local_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const wavetwin::Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const wavetwin::Interrupted& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    }
  });
  // The command line's heap settings: libtorch's large temporaries reuse freed memory instead of mapping
  // fresh pages on every call (training steps 10-20 % faster).
  wavetwin::configure_heap();
  wavetwin::python::bind_module(m);
  wavetwin::python::bind_wavelets(m);
  wavetwin::python::bind_layers(m);
  wavetwin::python::bind_models(m);
  wavetwin::python::bind_study(m);
  wavetwin::python::bind_data(m);
  wavetwin::python::bind_eval(m);
  wavetwin::python::bind_workflows(m);
}
