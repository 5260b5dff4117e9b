// apps/wavetwin/models.cpp: `wavetwin models`: the zoo, parameter counts and shape traces.
#include <torch/torch.h>

#include <cstdio>
#include <memory>
#include <sstream>

#include "commands.h"
#include "wavetwin/error.h"
#include "wavetwin/models/model.h"

namespace wavetwin::cli {
namespace {

struct ModelsArgs {
  std::string model;
  std::string input;
  bool trace = false, tree = false;
};

std::string shape_text(const std::vector<int64_t>& shape) {
  std::ostringstream out;
  for (size_t i = 1; i < shape.size(); ++i) out << (i > 1 ? "x" : "") << shape[i];
  return out.str();
}

// "3x224x224" -> {3, 224, 224}; "" -> the spec's channels at 224 (ImageNet) or 32 (other class counts).
std::vector<int64_t> parse_input(const std::string& text, const models::ModelSpec& spec) {
  if (text.empty()) return {spec.in_channels, spec.classes == 1000 ? 224 : 32, spec.classes == 1000 ? 224 : 32};
  std::vector<int64_t> dims;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, 'x');) {
    try {
      dims.push_back(std::stoll(part));
    } catch (const std::exception&) {
      dims.clear();
      break;
    }
  }
  WAVETWIN_CHECK(dims.size() == 3 && dims[0] == spec.in_channels && dims[1] > 0 && dims[2] > 0, "--input ", text,
                 "; expected CxHxW with C = ", spec.in_channels, " for this model, e.g. ", spec.in_channels,
                 "x224x224");
  return dims;
}

void run_models(const ModelsArgs& args) {
  if (args.model.empty()) {
    std::printf("%-14s %12s %8s  %s\n", "name", "parameters", "GFLOPs", "spec");
    for (const std::string& name : models::paper_model_names()) {
      const models::ModelSpec spec = models::parse_model_spec(name);
      const auto model = models::make_model(spec);
      const std::vector<int64_t> dims = parse_input("", spec);
      std::printf("%-14s %12lld %8.3f  %s\n", name.c_str(), static_cast<long long>(models::trainable_parameters(*model)),
                  1e-9 * static_cast<double>(models::forward_macs(*model, dims[0], dims[1], dims[2])),
                  spec.readable().c_str());
    }
    std::printf("\nGFLOPs: multiply-accumulates of one forward pass (as torchvision and the papers count them), at "
                "224 x 224 for the ImageNet models and 32 x 32 for CIFAR-10's.\n");
    std::printf("\nAny architecture (alexnet, resnet18/34/50/101) with --twin rmax|cmod|ablated, --antialias "
                "none|blurK|adaptiveK, --classes N, --channels 1|3; see `wavetwin models NAME --trace`.\n");
    return;
  }
  const models::ModelSpec spec = models::parse_model_spec(args.model);
  const auto model = models::make_model(spec);
  const std::string paper = spec.paper_name();
  std::printf("%s%s%s\n", spec.readable().c_str(), paper.empty() ? "" : "  (", paper.empty() ? "" : (paper + ")").c_str());
  std::printf("trainable parameters: %lld\n", static_cast<long long>(models::trainable_parameters(*model)));
  const std::vector<int64_t> dims = parse_input(args.input, spec);
  const auto too_small = [&](const std::string& after) {
    WAVETWIN_FAIL("input ", dims[0], "x", dims[1], "x", dims[2], " is too small for ", spec.readable(), " (after ",
                  after, ")");
  };
  torch::NoGradGuard no_grad;
  model->eval();
  std::vector<models::TraceStep> trace;
  try {
    model->forward_traced(torch::zeros({1, dims[0], dims[1], dims[2]}), trace);
  } catch (const c10::Error& e) {
    too_small(trace.empty() ? std::string("the input") : trace.back().name);
  }
  std::printf("GFLOPs (multiply-accumulates of one forward pass at %s): %.3f\n",
              shape_text({1, dims[0], dims[1], dims[2]}).c_str(),
              1e-9 * static_cast<double>(models::forward_macs(*model, dims[0], dims[1], dims[2])));
  if (args.tree) {
    std::ostringstream tree;
    tree << *model;
    std::printf("%s\n", tree.str().c_str());
  }
  if (!args.trace) return;
  std::printf("input %s\n", shape_text({1, dims[0], dims[1], dims[2]}).c_str());
  for (const auto& step : trace) std::printf("  %-32s %s\n", step.name.c_str(), shape_text(step.shape).c_str());
}

}  // namespace

Runner add_models(CLI::App& app) {
  auto args = std::make_shared<ModelsArgs>();
  CLI::App* sub = app.add_subcommand("models", "List the model zoo, or describe one model (parameters, shape trace)");
  sub->add_option("model", args->model,
                  "A papers' name (R18wyC_mod), ARCH/CONFIG (dtcwpt_resnet34/Ft40YEx) or readable spec "
                  "(\"resnet18 --twin cmod --classes 10\")");
  sub->add_option("--input", args->input, "Input size CxHxW for --trace (default: 224 for 1000 classes, else 32)");
  sub->add_flag("--trace", args->trace, "Print each stage's output shape");
  sub->add_flag("--tree", args->tree, "Print the module tree (each module's settings)");
  return [sub, args] {
    if (sub->parsed()) run_models(*args);
  };
}

}  // namespace wavetwin::cli
