// apps/wavetwin/print.h: how each workflow's result is shown, shared by its subcommand and `wavetwin demo`.
#pragma once

#include "wavetwin/eval/evaluate_run.h"
#include "wavetwin/report/runs_report.h"
#include "wavetwin/study/packet_study.h"
#include "wavetwin/study/theory_map.h"
#include "wavetwin/train/train_run.h"

namespace wavetwin::cli {

void print_train_start(const train::TrainRunStart& start);  // train.cpp
void print_trained(const train::TrainRunResult& result);
void print_eval_start(const eval::EvaluateRunResult& result);  // eval.cpp
void print_evaluated(const eval::EvaluateRunResult& result);
void print_report(const report::RunsReport& report);  // report.cpp
void print_theory(const study::TheoryMap& map);  // theory.cpp
void print_study(const study::PacketStudy& study);  // study.cpp

}  // namespace wavetwin::cli
