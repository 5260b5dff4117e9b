// wavetwin/runtime.h: process-wide settings that programs built on wavetwin (the CLI, the benchmarks, a
// trainer) apply once at start-up.
#pragma once

namespace wavetwin {

/// Uses every hardware thread for libtorch (Debian's libtorch defaults to one), and keeps freed heap buffers
/// for reuse (memory.h: configure_heap): activations, decoded images and per-batch maps come and go at every
/// step.
void configure_process();

}  // namespace wavetwin
