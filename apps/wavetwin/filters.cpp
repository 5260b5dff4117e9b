// apps/wavetwin/filters.cpp: `wavetwin filters`: the filter banks and the packet metadata table.
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "wavetwin/wavelets/filter_bank.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::cli {
namespace {

struct FiltersArgs {
  std::string bank = "qshift_a";
  int64_t packets = 0;
};

void print_filter(const char* name, const std::vector<double>& f) {
  std::printf("  %-4s", name);
  for (double v : f) std::printf(" %+.17g", v);
  std::printf("\n");
}

void run_filters(const FiltersArgs& args) {
  if (args.packets == 0) {
    for (const auto& name : wavelets::qshift_bank_names()) {
      const auto& b = wavelets::qshift_bank(name);
      std::printf("%s (Q-shift, %zu taps)\n", name.c_str(), b.h0a.size());
      print_filter("h0a", b.h0a), print_filter("h0b", b.h0b), print_filter("g0a", b.g0a), print_filter("g0b", b.g0b);
      print_filter("h1a", b.h1a), print_filter("h1b", b.h1b), print_filter("g1a", b.g1a), print_filter("g1b", b.g1b);
    }
    for (const auto& name : wavelets::biorthogonal_bank_names()) {
      const auto& b = wavelets::biorthogonal_bank(name);
      std::printf("%s (biorthogonal, level 1)\n", name.c_str());
      print_filter("h0o", b.h0o), print_filter("g0o", b.g0o), print_filter("h1o", b.h1o), print_filter("g1o", b.g1o);
    }
    return;
  }
  const auto table = wavelets::packet_table(args.packets, args.bank);
  std::printf("DT-CWPT packets, depth %lld, %s (frequencies in units of pi, measured on the equivalent kernel)\n",
              static_cast<long long>(args.packets), args.bank.c_str());
  std::printf("%5s %4s %6s %4s %4s %6s %5s %5s %5s %5s %9s %9s\n", "P", "tree", "code", "k_r", "k_c", "orient",
              "scale", "edge", "low", "conj", "xi_row", "xi_col");
  for (const auto& p : table) {
    std::printf("%5lld %4s %6lld %4lld %4lld %6s %5lld %5s %5s %5s %+9.4f %+9.4f\n", static_cast<long long>(p.index),
                p.tree == 0 ? "a" : "b", static_cast<long long>(p.code), static_cast<long long>(p.band_row),
                static_cast<long long>(p.band_col), p.orientation > 0 ? "+" : "-", static_cast<long long>(p.scale),
                p.edge ? "yes" : "", p.lowpass ? "yes" : "", p.conjugated ? "yes" : "", p.freq_row / M_PI,
                p.freq_col / M_PI);
  }
}

}  // namespace

Runner add_filters(CLI::App& app) {
  auto args = std::make_shared<FiltersArgs>();
  CLI::App* sub = app.add_subcommand("filters", "Print the filter banks, or the packet metadata table of depth J");
  sub->add_option("--packets", args->packets, "Print the packet table of this depth J instead of the banks")
      ->check(CLI::Range(1, 6));
  sub->add_option("--filters", args->bank, "Q-shift bank of the packet table")->capture_default_str();
  return [sub, args] {
    if (sub->parsed()) run_filters(*args);
  };
}

}  // namespace wavetwin::cli
