// python/src/layers.cpp: the layers and the model zoo for wavetwin._C.
#include <torch/torch.h>

#include <pybind11/stl.h>

#include <map>

#include "bindings.h"
#include "wavetwin/error.h"
#include "wavetwin/layers/adaptive_blurpool.h"
#include "wavetwin/layers/aps.h"
#include "wavetwin/layers/bias.h"
#include "wavetwin/layers/blurpool.h"
#include "wavetwin/layers/bn0.h"
#include "wavetwin/layers/cmod.h"
#include "wavetwin/layers/hilbert.h"
#include "wavetwin/layers/modulus.h"
#include "wavetwin/layers/rmax.h"
#include "wavetwin/layers/twin_conv.h"
#include "wavetwin/models/model.h"
#include "wavetwin/models/spec.h"
#include "wavetwin/runs/checkpoint.h"

namespace wavetwin::python {
namespace {

using torch::Tensor;
using Release = py::call_guard<py::gil_scoped_release>;
using ModuleBase = torch::nn::Module;

layers::AnalyticMask parse_mask(const std::string& name) {
  static const std::map<std::string, layers::AnalyticMask> masks = {
      {"half_plane", layers::AnalyticMask::kHalfPlane},
      {"closed_half_plane", layers::AnalyticMask::kClosedHalfPlane},
      {"quadrant", layers::AnalyticMask::kQuadrant}};
  const auto found = masks.find(name);
  WAVETWIN_CHECK(found != masks.end(), "hilbert_kernels: mask '", name,
                 "'; expected half_plane, closed_half_plane or quadrant");
  return found->second;
}

layers::HilbertOptions hilbert_options(const std::string& mask, std::optional<std::array<double, 2>> orientation,
                                       std::array<int64_t, 2> fft_size) {
  return layers::HilbertOptions().mask(parse_mask(mask)).orientation(orientation).fft_size(fft_size);
}

layers::TwinPooling parse_pooling(const std::string& name) {
  if (name == "rmax") return layers::TwinPooling::kRMax;
  if (name == "cmod") return layers::TwinPooling::kCMod;
  WAVETWIN_FAIL("TwinConv: pooling '", name, "'; expected rmax or cmod");
}

}  // namespace

void bind_layers(py::module_& m) {
  module_class<layers::RMaxImpl>(m, "RMax")
      .def(py::init([](Tensor kernels, int64_t stride, int64_t q) {
             return std::make_shared<layers::RMaxImpl>(std::move(kernels), layers::RMaxOptions(stride).q(q));
           }),
           py::arg("kernels"), py::arg("stride"), py::arg("q") = 1)
      .def(py::init([](const wavelets::DtCwptOptions& wavelet, int64_t q) {
             return std::make_shared<layers::RMaxImpl>(wavelet, q);
           }),
           py::arg("wavelet"), py::arg("q") = 1)
      .def("forward", &layers::RMaxImpl::forward, Release());
  module_class<layers::CModImpl>(m, "CMod")
      .def(py::init([](Tensor kernels, int64_t stride) {
             return std::make_shared<layers::CModImpl>(std::move(kernels), layers::CModOptions(stride));
           }),
           py::arg("kernels"), py::arg("stride"))
      .def(py::init([](const wavelets::DtCwptOptions& wavelet) { return std::make_shared<layers::CModImpl>(wavelet); }),
           py::arg("wavelet"))
      .def("forward", &layers::CModImpl::forward, Release());
  module_class<layers::ModulusImpl>(m, "Modulus")
      .def(py::init([] { return std::make_shared<layers::ModulusImpl>(); }))
      .def("forward", &layers::ModulusImpl::forward, Release());
  module_class<layers::BN0Impl>(m, "BN0")
      .def(py::init([](int64_t channels, double eps, double momentum) {
             return std::make_shared<layers::BN0Impl>(layers::BN0Options(channels).eps(eps).momentum(momentum));
           }),
           py::arg("channels"), py::arg("eps") = 1e-5, py::arg("momentum") = 0.1)
      .def("forward", &layers::BN0Impl::forward, Release());
  module_class<layers::BiasImpl>(m, "Bias")
      .def(py::init([](int64_t channels) { return std::make_shared<layers::BiasImpl>(layers::BiasOptions(channels)); }),
           py::arg("channels"))
      .def("forward", &layers::BiasImpl::forward, Release());
  module_class<layers::BlurPoolImpl>(m, "BlurPool")
      .def(py::init([](int64_t channels, int64_t filter_size, int64_t stride, const std::string& padding,
                       int64_t pad_off) {
             return std::make_shared<layers::BlurPoolImpl>(layers::BlurPoolOptions(channels)
                                                               .filter_size(filter_size)
                                                               .stride(stride)
                                                               .padding(layers::parse_blur_padding(padding))
                                                               .pad_off(pad_off));
           }),
           py::arg("channels"), py::arg("filter_size") = 4, py::arg("stride") = 2, py::arg("padding") = "reflect",
           py::arg("pad_off") = 0)
      .def("forward", &layers::BlurPoolImpl::forward, Release());
  module_class<layers::AdaptiveBlurPoolImpl>(m, "AdaptiveBlurPool")
      .def(py::init([](int64_t channels, int64_t kernel_size, int64_t stride, int64_t groups,
                       const std::string& padding, bool joint_softmax) {
             return std::make_shared<layers::AdaptiveBlurPoolImpl>(layers::AdaptiveBlurPoolOptions(channels)
                                                                       .kernel_size(kernel_size)
                                                                       .stride(stride)
                                                                       .groups(groups)
                                                                       .padding(layers::parse_blur_padding(padding))
                                                                       .joint_softmax(joint_softmax));
           }),
           py::arg("channels"), py::arg("kernel_size") = 3, py::arg("stride") = 2, py::arg("groups") = 8,
           py::arg("padding") = "reflect", py::arg("joint_softmax") = true)
      .def("forward", &layers::AdaptiveBlurPoolImpl::forward, Release())
      .def("predict", &layers::AdaptiveBlurPoolImpl::predict, Release());
  module_class<layers::ApsImpl>(m, "Aps")
      .def(py::init([](int64_t channels, int64_t filter_size, int64_t stride, const std::string& norm,
                       const std::string& padding) {
             return std::make_shared<layers::ApsImpl>(layers::ApsOptions(channels)
                                                          .filter_size(filter_size)
                                                          .stride(stride)
                                                          .norm(layers::parse_aps_norm(norm))
                                                          .padding(layers::parse_blur_padding(padding)));
           }),
           py::arg("channels"), py::arg("filter_size") = 3, py::arg("stride") = 2, py::arg("norm") = "l2",
           py::arg("padding") = "circular")
      .def("forward", &layers::ApsImpl::forward, Release())
      .def(
          "forward_indexed",
          [](layers::ApsImpl& self, const torch::Tensor& x) {
            // A C++ tuple: the Python one is made once the GIL is held again.
            const layers::ApsOutput out = self.forward_indexed(x);
            return std::tuple<torch::Tensor, torch::Tensor>(out.output, out.indices);
          },
          Release())
      .def("forward_with", &layers::ApsImpl::forward_with, Release());

  py::class_<layers::MixSection>(m, "MixSection", py::module_local())
      .def(py::init([](int64_t in, int64_t out, int64_t groups) { return layers::MixSection{in, out, groups}; }),
           py::arg("inputs"), py::arg("outputs"), py::arg("groups") = 1)
      .def_readonly("inputs", &layers::MixSection::in)
      .def_readonly("outputs", &layers::MixSection::out)
      .def_readonly("groups", &layers::MixSection::groups);
  using O = layers::TwinConvOptions;
  py::class_<O>(m, "TwinConvOptions", py::module_local())
      .def_static("resnet", &O::resnet)
      .def_static("alexnet", &O::alexnet, py::arg("stride") = 4)
#define WAVETWIN_PROPERTY(name) \
  def_property(#name, [](const O& o) { return o.name(); }, [](O& o, decltype(O().name()) v) { o.name(v); })
      .WAVETWIN_PROPERTY(in_channels)
      .WAVETWIN_PROPERTY(free_channels)
      .WAVETWIN_PROPERTY(free_kernel)
      .WAVETWIN_PROPERTY(free_padding)
      .WAVETWIN_PROPERTY(free_bias)
      .WAVETWIN_PROPERTY(levels)
      .WAVETWIN_PROPERTY(stride)
      .WAVETWIN_PROPERTY(filters)
      .WAVETWIN_PROPERTY(packets)
      .WAVETWIN_PROPERTY(sections)
      .WAVETWIN_PROPERTY(mix_bias)
      .WAVETWIN_PROPERTY(decimation)
      .WAVETWIN_PROPERTY(colour_mix)
#undef WAVETWIN_PROPERTY
      .def_property(
          "pooling", [](const O& o) { return o.pooling() == layers::TwinPooling::kCMod ? "cmod" : "rmax"; },
          [](O& o, const std::string& name) { o.pooling(parse_pooling(name)); });
  module_class<layers::TwinConvImpl>(m, "TwinConv")
      .def(py::init([](const O& options) { return std::make_shared<layers::TwinConvImpl>(options); }))
      .def("forward",
           [](layers::TwinConvImpl& self, const Tensor& x) {
             const layers::TwinOutput out = self.forward(x);
             return std::make_pair(out.free, out.wavelet);
           },
           Release())
      .def("equivalent_kernel",
           [](const layers::TwinConvImpl& self) {
             const auto k = self.equivalent_kernel();
             return py::make_tuple(k.weight, k.bias.defined() ? py::cast(k.bias) : py::none(), k.stride, k.padding);
           })
      .def("selection_penalty", &layers::TwinConvImpl::selection_penalty)
      .def("wavelet_channels", &layers::TwinConvImpl::wavelet_channels);

  m.def("rmax", [](const Tensor& x, const Tensor& kernels, int64_t stride,
                   int64_t q) { return layers::rmax(x, kernels, layers::RMaxOptions(stride).q(q)); },
        py::arg("x"), py::arg("kernels"), py::arg("stride"), py::arg("q") = 1, Release());
  m.def("cmod", [](const Tensor& x, const Tensor& kernels,
                   int64_t stride) { return layers::cmod(x, kernels, layers::CModOptions(stride)); },
        py::arg("x"), py::arg("kernels"), py::arg("stride"), Release());
  m.def("max_pool_q", &layers::max_pool_q, py::arg("y"), py::arg("q") = 1, Release());
  m.def("modulus", &layers::modulus, Release());
  m.def("rmax_from_dtcwpt", &layers::rmax_from_dtcwpt, py::arg("interleaved"), py::arg("q") = 1, Release());
  m.def("cmod_from_dtcwpt", &layers::cmod_from_dtcwpt, Release());
  m.def("hilbert_kernels",
        [](const Tensor& v, const std::string& mask, std::optional<std::array<double, 2>> orientation,
           std::array<int64_t, 2> fft_size) {
          return layers::hilbert_kernels(v, hilbert_options(mask, orientation, fft_size));
        },
        py::arg("v"), py::arg("mask") = "half_plane", py::arg("orientation") = py::none(),
        py::arg("fft_size") = std::array<int64_t, 2>{0, 0});
  m.def("structure_orientation", &layers::structure_orientation);
}

void bind_models(py::module_& m) {
  py::class_<models::ModelSpec>(m, "ModelSpec", py::module_local())
      .def_readwrite("classes", &models::ModelSpec::classes)
      .def_readwrite("in_channels", &models::ModelSpec::in_channels)
      .def("readable", &models::ModelSpec::readable)
      .def("paper_name", &models::ModelSpec::paper_name)
      .def("validate", &models::ModelSpec::validate);
  m.def("parse_model_spec", &models::parse_model_spec);
  m.def("paper_model_names", &models::paper_model_names);
  module_class<models::Model>(m, "Model")
      .def("forward", &models::Model::forward, Release())
      .def("spec", &models::Model::spec)
      .def("twin",
           [](const models::Model& self) -> std::shared_ptr<layers::TwinConvImpl> {
             const layers::TwinConv twin = self.twin();
             return twin.is_empty() ? nullptr : twin.ptr();
           })
      .def("trace",
           [](models::Model& self, const Tensor& x) {
             std::vector<models::TraceStep> trace;
             self.forward_traced(x, trace);
             std::vector<std::pair<std::string, std::vector<int64_t>>> out;
             for (const auto& step : trace) out.emplace_back(step.name, step.shape);
             return out;
           })
      .def("forward_macs", [](models::Model& self, int64_t channels, int64_t height,
                              int64_t width) { return models::forward_macs(self, channels, height, width); });
  m.def("make_model", &models::make_model, Release());
  // Checkpoint files of `wavetwin train` (runs/checkpoint.h): the model's tensors are read into the C++
  // model, which are the Python module's; the caller's random generator is left as it was.
  m.def(
      "load_checkpoint",
      [](models::Model& model, const std::string& path) {
        auto generator = at::detail::getDefaultCPUGenerator();
        const Tensor state = generator.get_state();
        const runs::TrainState loaded = runs::load_checkpoint(path, model, nullptr);
        generator.set_state(state);
        return std::make_pair(loaded.epoch, loaded.best_val_top1);
      },
      Release());
  // A checkpoint of the model alone (no optimiser state), which `wavetwin eval --model SPEC FILE` reads.
  m.def(
      "save_checkpoint",
      [](models::Model& model, const std::string& path) {
        torch::optim::SGD unused(model.parameters(), torch::optim::SGDOptions(0));
        runs::save_checkpoint(path, model, unused, runs::TrainState{});
      },
      Release());
  m.def("trainable_parameters", [](const ModuleBase& module) { return models::trainable_parameters(module); });
}

}  // namespace wavetwin::python
