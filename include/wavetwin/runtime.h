// wavetwin/runtime.h: process-wide settings that programs built on wavetwin (the CLI, the benchmarks, a
// trainer) apply once at start-up.
#pragma once

namespace wavetwin {

/// Uses every hardware thread for libtorch (Debian's libtorch defaults to one), and keeps freed buffers of up
/// to 256 MiB in the heap instead of returning them to the system: activations, decoded images and per-batch
/// maps come and go at every step, and fresh pages cost ~12 us each to fault in on the virtual machines we
/// measured, more than the arithmetic of many layers.
void configure_process();

}  // namespace wavetwin
