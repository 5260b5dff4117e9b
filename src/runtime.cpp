// src/runtime.cpp: process-wide settings.
#include "wavetwin/runtime.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <thread>

#include "wavetwin/memory.h"

namespace wavetwin {

void configure_process() {
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  configure_heap();
}

}  // namespace wavetwin
