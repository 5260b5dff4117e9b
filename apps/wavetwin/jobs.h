// apps/wavetwin/jobs.h: the options and bodies of the subcommands that `wavetwin demo` chains together.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wavetwin::cli {

struct TrainArgs {
  std::string model, data = "fashion-mnist", recipe = "cifar10-resnet", name, store = "runs/wavetwin.db";
  std::string schedule, lambdas, device = "cpu", cache;
  double lr = 0, momentum = -1, weight_decay = -1, gamma = 0, crop_scale = 0;
  int64_t epochs = 0, batch = 0, accumulate = 0, step = 0, warmup = -1, size = 0, holdout = -2;
  int64_t seed = 0, threads = 0, loader_threads = 0, keep_every = 0, stop_after = -1, train_images = 0;
  bool resume = false, strict = false;
};
void run_train(const TrainArgs& args);

struct EvalArgs {
  std::string target, model, checkpoint = "best", data, split = "test", store = "runs/wavetwin.db", device = "cpu";
  std::string cache;
  std::vector<std::string> modes{"all"};
  std::vector<std::string> directions{"vertical", "horizontal", "diagonal"};
  int64_t size = 0, onecrop_resize = 0, tencrops_resize = 0, max_shift = 8, pixel_divide = 0, max_step = 0;
  int64_t limit = 0, shift_limit = 0, batch = 256, threads = 0, seed = 0, holdout = -2;
  bool reference_quirks = false, strict = false;
};
void run_eval(const EvalArgs& args);

struct ReportArgs {
  std::vector<std::string> runs;
  std::string reference, paper, out, store = "runs/wavetwin.db", split = "test", title;
};
void run_report(const ReportArgs& args);

struct TheoryArgs {
  int64_t m = 2;
  int64_t q = 1;
  int64_t grid = 512;
  int64_t packets = 0;
  std::string out;
};
void run_theory(const TheoryArgs& args);

struct StudyArgs {
  std::string images;
  int64_t depth = 3;
  int64_t limit = 0;
  std::vector<int64_t> shift{1, 0};
  int64_t size = 224;
  int64_t q = 1;
  int64_t batch = 32;
  std::string out;
};
void run_study(const StudyArgs& args);

}  // namespace wavetwin::cli
