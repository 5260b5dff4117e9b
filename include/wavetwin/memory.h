// wavetwin/memory.h: how wavetwin keeps the memory it has touched. Fresh pages cost a fault each on first
// touch (about 12 us per 4 KiB page on the virtual machines we measured, more than the arithmetic of many
// layers) plus the kernel's zeroing, so memory that was faulted in once is kept and used again: freed heap
// buffers stay in the heap (configure_heap), and the large results of the transforms come from recycled
// blocks backed by transparent huge pages (empty_recycled).
#pragma once

#include <torch/types.h>

namespace wavetwin {

/// Keeps freed buffers of up to 256 MiB in the heap instead of returning them to the system (glibc's
/// mallopt); called once at start-up by configure_process (runtime.h).
void configure_heap();

/// An uninitialised tensor of `sizes`; on the CPU, one of 4 MiB or more is a block recycled from an earlier
/// result (the previous batch, typically) or, when none is free, a new block asking for huge pages (512 times
/// fewer faults). Up to 1 GiB of freed blocks is held for reuse.
torch::Tensor empty_recycled(at::IntArrayRef sizes, const torch::TensorOptions& options);

}  // namespace wavetwin
