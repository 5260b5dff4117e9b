// apps/wavetwin/demo.cpp: `wavetwin demo`: flags to demo::DemoOptions; every step shown as its own subcommand
// shows it.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "output.h"
#include "print.h"
#include "wavetwin/demo/demo.h"

namespace wavetwin::cli {

Runner add_demo(CLI::App& app) {
  auto o = std::make_shared<demo::DemoOptions>();
  CLI::App* sub = app.add_subcommand("demo", "The main job: train, evaluate and report the ResNet-18 family, then the theory and the study");
  sub->add_option("--data", o->data, "fashion-mnist[:DIR], mnist:DIR, cifar10:PATH or folder:PATH")->capture_default_str();
  sub->add_option("--budget", o->budget_minutes, "Minutes for the whole demo on this machine")->capture_default_str();
  sub->add_option("--epochs", o->epochs, "Epochs per model (the training images are sized to the budget)")->capture_default_str();
  sub->add_option("--photos", o->photos, "Folder of natural photographs for the per-filter study")->capture_default_str();
  sub->add_option("--out", o->out, "Output directory (runs/, report/, theory/, study/)")->capture_default_str();
  sub->add_option("--cache", o->cache, "Folder for decoded-dataset caches (default: beside the data)");
  sub->add_option("--threads", o->threads, "Compute threads (default: all cores)");
  sub->add_flag("--resume", o->resume, "Continue an interrupted demo in --out: finished runs are kept");
  return [sub, o] {
    if (!sub->parsed()) return;
    demo::DemoObserver& see = o->observer;
    see.say = [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
    see.train_start = print_train_start;
    see.train_progress = training_progress();
    see.warn = warnings("demo");
    see.trained = print_trained;
    see.evaluation_start = print_eval_start;
    see.evaluation_progress = progress_lines("eval");
    see.evaluated = print_evaluated;
    see.reported = print_report;
    see.theory = print_theory;
    see.study_progress = progress_line("study");
    see.studied = print_study;
    demo::run_demo(*o);
  };
}

}  // namespace wavetwin::cli
