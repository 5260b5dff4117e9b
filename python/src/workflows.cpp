// python/src/workflows.cpp: datasets, the shift-invariance audit and the workflows (train, evaluate, report) for
// wavetwin._C. Long calls run without the GIL; their progress callbacks take it back, call Python and check for
// Ctrl-C, which stops the call with wavetwin::Interrupted (KeyboardInterrupt in Python).
#include <torch/torch.h>

#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "wavetwin/data/source.h"
#include "wavetwin/error.h"
#include "wavetwin/eval/audit.h"
#include "wavetwin/eval/evaluate_run.h"
#include "wavetwin/report/runs_report.h"
#include "wavetwin/runs/score.h"
#include "wavetwin/train/train_run.h"

namespace wavetwin::python {
namespace {

using torch::Tensor;

// A C++ callback calling `function` (None: nothing) with the GIL held, after checking for Ctrl-C.
// The Python object is shared, not copied, when the library copies the callback without the GIL, and is
// released with the GIL held.
template <typename... Args>
std::function<void(Args...)> callback(py::object function) {
  std::shared_ptr<py::object> held(new py::object(std::move(function)), [](py::object* f) {
    py::gil_scoped_acquire gil;
    delete f;
  });
  return [held](Args... args) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      PyErr_Clear();
      throw Interrupted("interrupted (Ctrl-C)");
    }
    if (held->is_none()) return;
    try {
      (*held)(args...);
    } catch (py::error_already_set& e) {
      // Ctrl-C while the callback's Python code ran.
      if (e.matches(PyExc_KeyboardInterrupt)) throw Interrupted("interrupted (Ctrl-C)");
      throw;
    }
  };
}

std::vector<data::ShiftDirection> directions(const std::vector<std::string>& names) {
  std::vector<data::ShiftDirection> out;
  for (const auto& name : names) out.push_back(data::parse_shift_direction(name));
  return out;
}

std::vector<eval::Protocol> protocols(const std::vector<std::string>& names) {
  std::vector<eval::Protocol> out;
  for (const auto& name : names) {
    if (name == "all") return eval::all_protocols();
    out.push_back(eval::parse_protocol(name));
  }
  return out;
}

py::object json_value(const nlohmann::json& json) { return py::module_::import("json").attr("loads")(json.dump()); }

std::vector<std::string> failure_lines(const std::vector<data::LoadFailure>& failures) {
  std::vector<std::string> out;
  for (const auto& f : failures) out.push_back(f.file.string() + ": " + f.reason);
  return out;
}

// An interval as (low, high), None where it was not computed.
std::optional<std::pair<double, double>> interval(const eval::Interval& i) {
  if (std::isnan(i.low)) return std::nullopt;
  return std::pair{i.low, i.high};
}

}  // namespace

void bind_data(py::module_& m) {
  py::class_<data::Dataset, std::shared_ptr<data::Dataset>>(m, "Dataset", py::module_local())
      .def("__len__", &data::Dataset::size)
      .def("label", &data::Dataset::label)
      .def("image", &data::Dataset::image, py::call_guard<py::gil_scoped_release>())
      .def("where", &data::Dataset::where)
      .def_property_readonly("classes", &data::Dataset::classes)
      .def_property_readonly("channels", &data::Dataset::channels)
      .def("tensors", [](const data::Dataset& d) -> std::optional<std::pair<Tensor, Tensor>> {
        if (const auto* t = dynamic_cast<const data::TensorDataset*>(&d)) return std::make_pair(t->images(), t->labels());
        return std::nullopt;
      });
  m.def("evenly_spaced", &data::evenly_spaced, py::arg("size"), py::arg("count"));
  m.def(
      "open_data",
      [](const std::string& spec, const std::string& cache, std::optional<int64_t> holdout, bool strict) {
        data::DataOptions o;
        o.cache_dir = cache, o.holdout_per_class = holdout, o.strict = strict;
        data::DataSplits s;
        {
          py::gil_scoped_release release;
          s = data::open_data(spec, o);
        }
        const auto as_mutable = [](const std::shared_ptr<const data::Dataset>& d) {
          return std::const_pointer_cast<data::Dataset>(d);
        };
        return py::make_tuple(s.name, as_mutable(s.train), as_mutable(s.val), as_mutable(s.test),
                              failure_lines(s.failures));
      },
      py::arg("spec"), py::arg("cache") = "", py::arg("holdout") = std::nullopt, py::arg("strict") = false);
}

void bind_eval(py::module_& m) {
  py::class_<eval::TopK>(m, "TopK", py::module_local())
      .def_readonly("top1", &eval::TopK::top1)
      .def_readonly("top5", &eval::TopK::top5)
      .def_readonly("images", &eval::TopK::images);
  py::class_<eval::ShiftSummary>(m, "ShiftSummary", py::module_local())
      .def_property_readonly("direction", [](const eval::ShiftSummary& s) { return data::shift_direction_name(s.direction); })
      .def_readonly("mean_kl", &eval::ShiftSummary::mean_kl)
      .def_readonly("mean_flip_rate", &eval::ShiftSummary::mean_flip_rate)
      .def_readonly("steps", &eval::ShiftSummary::steps)
      .def_property_readonly("mean_kl_interval", [](const eval::ShiftSummary& s) { return interval(s.mean_kl_interval); })
      .def_property_readonly("mean_flip_rate_interval",
                             [](const eval::ShiftSummary& s) { return interval(s.mean_flip_rate_interval); });
  py::class_<eval::AuditResult>(m, "AuditResult", py::module_local())
      .def_readonly("images", &eval::AuditResult::images)
      .def_readonly("onecrop", &eval::AuditResult::onecrop)
      .def_readonly("tencrops", &eval::AuditResult::tencrops)
      .def_readonly("kl_pixel_divide", &eval::AuditResult::kl_pixel_divide)
      .def_readonly("flip_rate_pixel_divide", &eval::AuditResult::flip_rate_pixel_divide)
      .def_readonly("kl", &eval::AuditResult::kl)
      .def_readonly("flip_rates", &eval::AuditResult::flip_rates)
      .def_readonly("shifts", &eval::AuditResult::shifts)
      .def_readonly("consistency", &eval::AuditResult::consistency)
      .def_readonly("circular_kl", &eval::AuditResult::circular_kl)
      .def_readonly("circular_flip_rates", &eval::AuditResult::circular_flip_rates)
      .def_readonly("circular_shifts", &eval::AuditResult::circular_shifts)
      .def_readonly("circular_consistency", &eval::AuditResult::circular_consistency);

  py::class_<eval::Audit>(m, "Audit", py::module_local())
      .def(py::init([](const std::vector<std::string>& protocol_names, int64_t size, int64_t onecrop_resize,
                       int64_t tencrops_resize, int64_t max_shift, int64_t max_step, std::optional<int64_t> pixel_divide,
                       const std::vector<std::string>& direction_names, std::vector<double> mean,
                       std::vector<double> std, uint64_t seed, int64_t batch, const std::string& device) {
             eval::AuditOptions o;
             o.protocols = protocols(protocol_names);
             o.size = size, o.onecrop_resize = onecrop_resize, o.tencrops_resize = tencrops_resize;
             o.max_shift = max_shift, o.max_step = max_step, o.pixel_divide = pixel_divide;
             o.directions = directions(direction_names);
             o.mean = std::move(mean), o.std = std::move(std), o.seed = seed, o.batch = batch;
             o.device = torch::Device(device);
             return eval::Audit(o);
           }),
           py::arg("protocols"), py::arg("size"), py::arg("onecrop_resize"), py::arg("tencrops_resize"),
           py::arg("max_shift"), py::arg("max_step"), py::arg("pixel_divide"), py::arg("directions"), py::arg("mean"),
           py::arg("std"), py::arg("seed"), py::arg("batch"), py::arg("device"))
      .def(
          "add",
          [](eval::Audit& audit, py::function classify, const std::vector<Tensor>& images, const Tensor& labels) {
            const eval::Classifier classifier([&classify](const Tensor& inputs) {
              py::gil_scoped_acquire gil;
              return classify(inputs).cast<Tensor>();
            });
            py::gil_scoped_release release;
            audit.add(classifier, images, labels);
          },
          py::arg("classify"), py::arg("images"), py::arg("labels"))
      .def("result", &eval::Audit::result);
  m.def("normalized_mfr", &eval::normalized_mfr, py::arg("model"), py::arg("reference"));

  py::class_<runs::Score>(m, "Score", py::module_local())
      .def_readonly("checkpoint", &runs::Score::checkpoint)
      .def_property_readonly("split", [](const runs::Score& s) { return runs::split_name(s.split); })
      .def_property_readonly("metric", [](const runs::Score& s) { return runs::metric_name(s.metric); })
      .def_property_readonly("direction",
                             [](const runs::Score& s) -> std::optional<std::string> {
                               if (!s.direction) return std::nullopt;
                               return data::shift_direction_name(*s.direction);
                             })
      .def_readonly("step", &runs::Score::step)
      .def_readonly("value", &runs::Score::value)
      .def_readonly("low", &runs::Score::low)
      .def_readonly("high", &runs::Score::high)
      .def_readonly("images", &runs::Score::images)
      .def_readonly("per_image", &runs::Score::per_image);
  py::class_<eval::EvaluateRunResult>(m, "EvaluateRunResult", py::module_local())
      .def_property_readonly("run", [](const eval::EvaluateRunResult& r) -> std::optional<std::string> {
        if (!r.run) return std::nullopt;
        return r.run->name;
      })
      .def_readonly("checkpoint", &eval::EvaluateRunResult::checkpoint)
      .def_readonly("spec", &eval::EvaluateRunResult::spec)
      .def_readonly("dataset", &eval::EvaluateRunResult::dataset)
      .def_property_readonly("split", [](const eval::EvaluateRunResult& r) { return runs::split_name(r.split); })
      .def_readonly("epoch", &eval::EvaluateRunResult::epoch)
      .def_readonly("images", &eval::EvaluateRunResult::images)
      .def_readonly("size", &eval::EvaluateRunResult::size)
      .def_readonly("onecrop", &eval::EvaluateRunResult::onecrop)
      .def_readonly("tencrops", &eval::EvaluateRunResult::tencrops)
      .def_readonly("kl_pixel_divide", &eval::EvaluateRunResult::kl_pixel_divide)
      .def_readonly("flip_rate_pixel_divide", &eval::EvaluateRunResult::flip_rate_pixel_divide)
      .def_readonly("shifts", &eval::EvaluateRunResult::shifts)
      .def_readonly("consistency", &eval::EvaluateRunResult::consistency)
      .def_readonly("circular_shifts", &eval::EvaluateRunResult::circular_shifts)
      .def_readonly("circular_consistency", &eval::EvaluateRunResult::circular_consistency)
      .def_readonly("scores", &eval::EvaluateRunResult::scores)
      .def_property_readonly("failures",
                             [](const eval::EvaluateRunResult& r) { return failure_lines(r.failures); })
      .def_readonly("confidence_level", &eval::EvaluateRunResult::confidence_level)
      .def_readonly("recorded", &eval::EvaluateRunResult::recorded)
      .def_readonly("store", &eval::EvaluateRunResult::store);
  m.def(
      "evaluate_run",
      [](const std::string& target, const std::string& checkpoint, std::optional<std::string> model,
         std::optional<std::string> data, const std::string& split, const std::string& store, const std::string& cache,
         const std::vector<std::string>& protocol_names, const std::vector<std::string>& direction_names,
         std::optional<int64_t> size, std::optional<int64_t> holdout, int64_t max_shift, int64_t max_step,
         std::optional<int64_t> pixel_divide, std::optional<int64_t> limit, std::optional<int64_t> shift_limit,
         int64_t batch, uint64_t seed, int64_t resamples, double confidence, bool reference_quirks, bool strict,
         const std::string& device, py::object progress) {
        eval::EvaluateRunOptions o;
        o.target = target, o.checkpoint = checkpoint, o.model = std::move(model), o.data = std::move(data);
        o.split = runs::parse_split(split), o.store = store, o.cache = cache;
        o.protocols = protocols(protocol_names), o.directions = directions(direction_names);
        o.size = size, o.holdout = holdout, o.max_shift = max_shift, o.max_step = max_step;
        o.pixel_divide = pixel_divide, o.limit = limit, o.shift_limit = shift_limit, o.batch = batch, o.seed = seed;
        o.bootstrap.seed = seed, o.bootstrap.resamples = resamples, o.bootstrap.level = confidence;
        o.reference_quirks = reference_quirks, o.strict = strict, o.device = torch::Device(device);
        o.progress = callback<const std::string&, int64_t, int64_t>(std::move(progress));
        py::gil_scoped_release release;
        return eval::evaluate_run(o);
      },
      py::arg("target"), py::arg("checkpoint"), py::arg("model"), py::arg("data"), py::arg("split"), py::arg("store"),
      py::arg("cache"), py::arg("protocols"), py::arg("directions"), py::arg("size"), py::arg("holdout"),
      py::arg("max_shift"), py::arg("max_step"), py::arg("pixel_divide"), py::arg("limit"), py::arg("shift_limit"),
      py::arg("batch"), py::arg("seed"), py::arg("resamples"), py::arg("confidence"), py::arg("reference_quirks"),
      py::arg("strict"), py::arg("device"), py::arg("progress"));
}

void bind_workflows(py::module_& m) {
  py::class_<train::Progress>(m, "Progress", py::module_local())
      .def_readonly("epoch", &train::Progress::epoch)
      .def_readonly("epochs", &train::Progress::epochs)
      .def_readonly("batch", &train::Progress::batch)
      .def_readonly("batches", &train::Progress::batches)
      .def_readonly("loss", &train::Progress::loss)
      .def_readonly("images_per_second", &train::Progress::images_per_second)
      .def_readonly("eta_seconds", &train::Progress::eta_seconds)
      .def_readonly("validating", &train::Progress::validating);
  py::class_<runs::RunRecord>(m, "RunRecord", py::module_local())
      .def_readonly("name", &runs::RunRecord::name)
      .def_readonly("spec", &runs::RunRecord::spec)
      .def_readonly("dataset", &runs::RunRecord::dataset)
      .def_readonly("recipe", &runs::RunRecord::recipe)
      .def_readonly("size", &runs::RunRecord::size)
      .def_property_readonly("options", [](const runs::RunRecord& r) { return json_value(r.options); })
      .def_property_readonly("status", [](const runs::RunRecord& r) { return runs::status_name(r.status); })
      .def_readonly("failure", &runs::RunRecord::failure)
      .def_readonly("seconds", &runs::RunRecord::seconds);
  py::class_<runs::EpochRecord>(m, "EpochRecord", py::module_local())
      .def_readonly("epoch", &runs::EpochRecord::epoch)
      .def_readonly("train_loss", &runs::EpochRecord::train_loss)
      .def_readonly("lr", &runs::EpochRecord::lr)
      .def_readonly("val_top1", &runs::EpochRecord::val_top1)
      .def_readonly("val_top5", &runs::EpochRecord::val_top5)
      .def_readonly("seconds", &runs::EpochRecord::seconds)
      .def_readonly("images_per_second", &runs::EpochRecord::images_per_second);
  py::class_<train::TrainRunResult>(m, "TrainRunResult", py::module_local())
      .def_readonly("run", &train::TrainRunResult::run)
      .def_readonly("epochs", &train::TrainRunResult::epochs)
      .def_property_readonly("epochs_done", [](const train::TrainRunResult& r) { return r.state.epoch; })
      .def_property_readonly("best_epoch", [](const train::TrainRunResult& r) { return r.state.best_epoch; })
      .def_readonly("checkpoint_dir", &train::TrainRunResult::checkpoint_dir)
      .def_readonly("store", &train::TrainRunResult::store);
  m.def(
      "train_run",
      [](std::optional<std::string> model, std::optional<std::string> data, std::optional<std::string> recipe,
         const train::RecipeOverrides& overrides, std::optional<std::string> name, const std::string& store,
         const std::string& cache, std::optional<uint64_t> seed, int64_t threads, int64_t loader_threads,
         std::optional<int64_t> keep_every, std::optional<int64_t> train_images, std::optional<int64_t> stop_after,
         bool resume, bool strict, std::optional<std::string> device, std::optional<int64_t> seeds,
         py::object progress, py::object warn) -> py::object {
        train::TrainRunOptions o;
        o.model = model.value_or(""), o.data = std::move(data), o.recipe = std::move(recipe);
        o.overrides = overrides, o.name = std::move(name);
        o.store = store, o.cache = cache, o.seed = seed, o.threads = threads, o.loader_threads = loader_threads;
        o.keep_every = keep_every, o.train_images = train_images, o.stop_after = stop_after, o.resume = resume;
        o.strict = strict;
        if (device) o.device = torch::Device(*device);
        o.progress = callback<const train::Progress&>(std::move(progress));
        o.warn = callback<const std::string&>(std::move(warn));
        std::vector<train::TrainRunResult> results;
        {
          py::gil_scoped_release release;
          if (seeds) results = train::train_seeds(o, *seeds);
          else results.push_back(train::train_run(o));
        }
        return seeds ? py::cast(results) : py::cast(results.front());
      },
      py::arg("model"), py::arg("data"), py::arg("recipe"), py::arg("overrides"), py::arg("name"), py::arg("store"),
      py::arg("cache"), py::arg("seed"), py::arg("threads"), py::arg("loader_threads"), py::arg("keep_every"),
      py::arg("train_images"), py::arg("stop_after"), py::arg("resume"), py::arg("strict"), py::arg("device"),
      py::arg("seeds"), py::arg("progress"), py::arg("warn"));
  py::class_<train::RecipeOverrides>(m, "RecipeOverrides", py::module_local())
      .def(py::init([](std::optional<double> lr, std::optional<double> momentum, std::optional<double> weight_decay,
                       std::optional<double> gamma, std::optional<double> crop_scale,
                       std::optional<std::string> schedule, std::optional<int64_t> step,
                       std::optional<int64_t> warmup, std::optional<int64_t> epochs, std::optional<int64_t> batch,
                       std::optional<int64_t> accumulate, std::optional<int64_t> size,
                       std::optional<int64_t> holdout, std::optional<std::vector<double>> lambdas) {
             train::RecipeOverrides o;
             o.lr = lr, o.momentum = momentum, o.weight_decay = weight_decay, o.gamma = gamma;
             o.crop_scale = crop_scale;
             if (schedule) o.schedule = train::parse_schedule(*schedule);
             o.step = step, o.warmup = warmup, o.epochs = epochs, o.batch = batch, o.accumulate = accumulate;
             o.size = size, o.holdout = holdout, o.lambdas = std::move(lambdas);
             return o;
           }),
           py::arg("lr"), py::arg("momentum"), py::arg("weight_decay"), py::arg("gamma"), py::arg("crop_scale"),
           py::arg("schedule"), py::arg("step"), py::arg("warmup"), py::arg("epochs"), py::arg("batch"),
           py::arg("accumulate"), py::arg("size"), py::arg("holdout"), py::arg("lambdas"));

  py::class_<report::ResultRow>(m, "ResultRow", py::module_local())
      .def_readonly("model", &report::ResultRow::model)
      .def_readonly("source", &report::ResultRow::source)
      .def_readonly("onecrop_top1", &report::ResultRow::onecrop_top1)
      .def_readonly("onecrop_top5", &report::ResultRow::onecrop_top5)
      .def_readonly("tencrops_top1", &report::ResultRow::tencrops_top1)
      .def_readonly("tencrops_top5", &report::ResultRow::tencrops_top5)
      .def_readonly("mfr", &report::ResultRow::mfr)
      .def_readonly("consistency", &report::ResultRow::consistency)
      .def_property_readonly("onecrop_top1_interval", [](const report::ResultRow& r) { return interval(r.onecrop_top1_interval); })
      .def_property_readonly("mfr_interval", [](const report::ResultRow& r) { return interval(r.mfr_interval); })
      .def_property_readonly("consistency_interval", [](const report::ResultRow& r) { return interval(r.consistency_interval); });
  py::class_<report::RunsReport>(m, "RunsReport", py::module_local())
      .def_readonly("rows", &report::RunsReport::rows)
      .def_readonly("reference", &report::RunsReport::reference)
      .def_readonly("table", &report::RunsReport::table)
      .def_readonly("differences_table", &report::RunsReport::differences_table)
      .def_readonly("seeds_table", &report::RunsReport::seeds_table)
      .def_readonly("claims_table", &report::RunsReport::claims_table)
      .def_readonly("claims_summary", &report::RunsReport::claims_summary)
      .def_property_readonly("files",
                             [](const report::RunsReport& r) {
                               std::vector<std::string> out;
                               for (const auto& f : r.output.files) out.push_back(f.string());
                               return out;
                             })
      .def_property_readonly("warnings", [](const report::RunsReport& r) { return r.output.warnings; });
  m.def(
      "write_runs_report",
      [](const std::vector<std::string>& run_names, std::optional<std::string> reference,
         std::optional<std::string> paper, const std::string& out, const std::string& store, const std::string& split,
         const std::string& title,
         const std::vector<std::tuple<std::string, std::string, std::string, std::string, bool>>& claims,
         const std::string& claims_file) {
        report::RunsReportOptions o;
        o.runs = run_names, o.reference = std::move(reference), o.paper = std::move(paper), o.out = out;
        o.store = store, o.split = runs::parse_split(split), o.title = title;
        if (!claims_file.empty()) o.claims = eval::read_claims(claims_file);
        for (const auto& [statement, run, baseline, metric, lower] : claims) {
          o.claims.push_back({statement, run, baseline, runs::parse_metric(metric), lower});
        }
        py::gil_scoped_release release;
        return report::write_runs_report(o);
      },
      py::arg("runs"), py::arg("reference"), py::arg("paper"), py::arg("out"), py::arg("store"), py::arg("split"),
      py::arg("title"), py::arg("claims"), py::arg("claims_file"));
}

}  // namespace wavetwin::python
