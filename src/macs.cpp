// src/macs.cpp: the thread's innermost MacCounter.
#include "wavetwin/macs.h"

namespace wavetwin {
namespace {

thread_local MacCounter* innermost = nullptr;

}  // namespace

MacCounter::MacCounter() : outer_(innermost) { innermost = this; }

MacCounter::~MacCounter() { innermost = outer_; }

void MacCounter::report(int64_t macs) {
  if (innermost != nullptr) innermost->total_ += macs;
}

}  // namespace wavetwin
