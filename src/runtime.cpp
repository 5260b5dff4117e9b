// src/runtime.cpp: process-wide settings.
#include "wavetwin/runtime.h"

#include <malloc.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <thread>

namespace wavetwin {

void configure_process() {
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace wavetwin
