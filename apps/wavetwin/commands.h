// apps/wavetwin/commands.h: the subcommands of the wavetwin CLI, one file each.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace wavetwin::cli {

/// Adds a subcommand to `app`; the returned callback runs it if it was the one parsed (else does nothing).
using Runner = std::function<void()>;

Runner add_transform(CLI::App& app);
Runner add_filters(CLI::App& app);
Runner add_theory(CLI::App& app);
Runner add_study(CLI::App& app);
Runner add_kernels(CLI::App& app);
Runner add_models(CLI::App& app);
Runner add_train(CLI::App& app);
Runner add_runs(CLI::App& app);
Runner add_eval(CLI::App& app);
Runner add_report(CLI::App& app);
Runner add_demo(CLI::App& app);

}  // namespace wavetwin::cli
