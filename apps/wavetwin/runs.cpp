// apps/wavetwin/runs.cpp: `wavetwin runs list|show NAME|export NAME --json|rm NAME`: the run store.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "wavetwin/error.h"
#include "wavetwin/runs/run_store.h"
#include "wavetwin/data/transforms.h"

namespace wavetwin::cli {
namespace {

struct RunsArgs {
  std::string store = "runs/wavetwin.db", name;
  bool json = false;
};

void list_runs(const runs::RunStore& store) {
  const auto runs = store.list();
  if (runs.empty()) {
    std::printf("no runs\n");
    return;
  }
  std::printf("%-28s %-44s %-16s %6s %9s  %s\n", "name", "spec", "dataset", "epochs", "val top-1", "status");
  for (const auto& r : runs) {
    const auto epochs = store.epochs(r.id);
    std::string top1 = "-";
    if (!epochs.empty() && epochs.back().val_top1) top1 = std::to_string(*epochs.back().val_top1).substr(0, 5) + " %";
    std::printf("%-28s %-44s %-16s %6zu %9s  %s\n", r.name.c_str(), r.spec.c_str(), r.dataset.c_str(), epochs.size(),
                top1.c_str(), runs::status_name(r.status).c_str());
  }
}

void show_run(const runs::RunStore& store, const std::string& name) {
  const runs::RunRecord r = store.get(name);
  const std::string status = runs::status_name(r.status) + (r.failure.empty() ? "" : ": " + r.failure);
  std::printf("run %s\n  spec     %s\n  data     %s\n  recipe   %s\n  options  %s\n  code     %s\n  status   %s\n"
              "  created  %s, updated %s, %.1f s of training\n",
              r.name.c_str(), r.spec.c_str(), r.dataset.c_str(), r.recipe.c_str(), r.options.dump().c_str(),
              r.code_version.c_str(), status.c_str(), r.created.c_str(), r.updated.c_str(), r.seconds);
  std::printf("  %5s %10s %9s %9s %9s %8s %10s\n", "epoch", "lr", "loss", "val top1", "val top5", "seconds", "images/s");
  for (const auto& e : store.epochs(r.id)) {
    std::printf("  %5lld %10.4g %9.4f %9.2f %9.2f %8.1f %10.0f\n", static_cast<long long>(e.epoch), e.lr, e.train_loss,
                e.val_top1.value_or(NAN), e.val_top5.value_or(NAN), e.seconds, e.images_per_second);
  }
  for (const auto& c : store.checkpoints(r.id)) {
    std::printf("  checkpoint %-5s epoch %lld: %s\n", runs::checkpoint_kind_name(c.kind).c_str(),
                static_cast<long long>(c.epoch), c.path.c_str());
  }
  for (const auto& s : store.scores(r.id)) {
    std::string metric = runs::split_name(s.split) + "/" + runs::metric_name(s.metric);
    if (s.direction) metric += "/" + data::shift_direction_name(*s.direction);
    if (s.step) metric += "/" + std::to_string(*s.step);
    std::printf("  score %s %s = %.4f\n", s.checkpoint.c_str(), metric.c_str(), s.value);
  }
}

}  // namespace

Runner add_runs(CLI::App& app) {
  auto a = std::make_shared<RunsArgs>();
  CLI::App* sub = app.add_subcommand("runs", "List, show, export or remove recorded runs");
  sub->require_subcommand(1);
  sub->add_option("--store", a->store, "Run store (SQLite)")->capture_default_str();
  CLI::App* list = sub->add_subcommand("list", "One line per run");
  CLI::App* show = sub->add_subcommand("show", "A run's options, epochs, checkpoints and scores");
  show->add_option("name", a->name, "Run name")->required();
  CLI::App* exporter = sub->add_subcommand("export", "A run as JSON");
  exporter->add_option("name", a->name, "Run name")->required();
  exporter->add_flag("--json", a->json, "JSON (the only format)");
  CLI::App* rm = sub->add_subcommand("rm", "Remove a run's records (its checkpoint files stay)");
  rm->add_option("name", a->name, "Run name")->required();
  // --store may come after the action (`wavetwin runs list --store PATH`).
  for (CLI::App* action : {list, show, exporter, rm}) action->fallthrough();
  return [sub, list, show, exporter, rm, a] {
    if (!sub->parsed()) return;
    runs::RunStore store(a->store, /*create=*/false);
    if (list->parsed()) list_runs(store);
    if (show->parsed()) show_run(store, a->name);
    if (exporter->parsed()) std::printf("%s\n", store.export_json(a->name).dump(2).c_str());
    if (rm->parsed()) {
      store.remove(a->name);
      std::printf("removed run %s\n", a->name.c_str());
    }
  };
}

}  // namespace wavetwin::cli
