// src/wavelets/filter_bank.cpp: lookup of the generated filter tables.
#include "wavetwin/wavelets/filter_bank.h"

#include "wavetwin/error.h"

namespace wavetwin::wavelets {
namespace {

#include "filter_tables.inc"

template <typename Bank, size_t N>
const Bank& find_bank(const Bank (&banks)[N], std::string_view name, const char* kind) {
  for (const auto& bank : banks) {
    if (bank.name == name) return bank;
  }
  std::string known;
  for (const auto& bank : banks) known += (known.empty() ? "" : ", ") + bank.name;
  WAVETWIN_FAIL("filter bank: unknown ", kind, " bank '", name, "'; expected one of ", known);
}

template <typename Bank, size_t N>
std::vector<std::string> bank_names(const Bank (&banks)[N]) {
  std::vector<std::string> names;
  for (const auto& bank : banks) names.push_back(bank.name);
  return names;
}

}  // namespace

const QShiftBank& qshift_bank(std::string_view name) { return find_bank(kQShiftBanks, name, "Q-shift"); }

const BiorthogonalBank& biorthogonal_bank(std::string_view name) {
  return find_bank(kBiorthogonalBanks, name, "biorthogonal");
}

std::vector<std::string> qshift_bank_names() { return bank_names(kQShiftBanks); }

std::vector<std::string> biorthogonal_bank_names() { return bank_names(kBiorthogonalBanks); }

std::vector<std::vector<double>> dual_tree_filters(std::string_view name) {
  const QShiftBank& bank = qshift_bank(name);
  return {bank.h0b, bank.h0a, bank.h1b, bank.h1a};
}

}  // namespace wavetwin::wavelets
