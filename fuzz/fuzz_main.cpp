// fuzz/fuzz_main.cpp: one libFuzzer target, the reader of fuzz/readers.h named by WAVETWIN_FUZZ_TARGET.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "readers.h"

namespace {

// A wavetwin::Error is the expected answer to bad input; any other exception is a finding, reported and made a
// crash so that libFuzzer keeps the input.
void expect_named_errors(const std::function<void()>& read) {
  try {
    read();
  } catch (const wavetwin::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: not a wavetwin::Error: %s\n", e.what());
    std::abort();
  }
}

wavetwin::fuzz::Reader reader = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("WAVETWIN_MAX_IMAGE_PIXELS", wavetwin::fuzz::kMaxImagePixels, 1);
  for (const auto& [name, read] : wavetwin::fuzz::readers()) {
    if (name == WAVETWIN_FUZZ_TARGET) reader = read;
  }
  if (!reader) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  reader(data, size, expect_named_errors);
  return 0;
}
