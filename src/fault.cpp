// src/fault.cpp: WAVETWIN_KILL_AT.
#include "wavetwin/fault.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace wavetwin {
namespace {

struct Target {
  std::string point;
  long hit = 0;  // 0: no fault injection
};

Target parse_target() {
  Target target;
  const char* text = std::getenv("WAVETWIN_KILL_AT");
  if (text == nullptr) return target;
  const char* colon = std::strrchr(text, ':');
  if (colon == nullptr) return target;
  target.point.assign(text, colon);
  target.hit = std::strtol(colon + 1, nullptr, 10);
  return target;
}

}  // namespace

void fault_point(const char* name) {
  static const Target target = parse_target();
  static std::atomic<long> hits{0};
  if (target.hit <= 0 || target.point != name) return;
  if (hits.fetch_add(1) + 1 != target.hit) return;
  std::fprintf(stderr, "wavetwin: fault injection: SIGKILL at %s #%ld\n", name, target.hit);
  std::fflush(stderr);
  ::kill(::getpid(), SIGKILL);
}

}  // namespace wavetwin
