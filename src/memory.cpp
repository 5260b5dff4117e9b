// src/memory.cpp: the heap settings and the block cache of large results.
#include "wavetwin/memory.h"

#include <malloc.h>
#include <torch/torch.h>

#include <cstdlib>
#include <map>
#include <mutex>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "wavetwin/error.h"

namespace wavetwin {
namespace {

class BlockCache {
 public:
  static constexpr size_t kAlign = size_t{2} << 20;
  static constexpr size_t kMaxHeld = size_t{1} << 30;

  void* take(size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto it = free_.find(bytes);
      if (it != free_.end()) {
        void* block = it->second;
        free_.erase(it);
        held_ -= bytes;
        return block;
      }
    }
    void* block = std::aligned_alloc(kAlign, bytes);
    WAVETWIN_CHECK(block != nullptr, "memory: cannot allocate ", bytes, " bytes for a result");
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(block, bytes, MADV_HUGEPAGE);
#endif
    return block;
  }

  void give(void* block, size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (held_ + bytes > kMaxHeld) {
      std::free(block);
      return;
    }
    free_.emplace(bytes, block);
    held_ += bytes;
  }

 private:
  std::mutex mutex_;
  std::multimap<size_t, void*> free_;
  size_t held_ = 0;
};

// Never destroyed: tensors holding its blocks may outlive static destruction.
BlockCache& block_cache() {
  static BlockCache* cache = new BlockCache;
  return *cache;
}

}  // namespace

void configure_heap() {
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

torch::Tensor empty_recycled(at::IntArrayRef sizes, const torch::TensorOptions& options) {
  const int64_t elements = c10::multiply_integers(sizes);
  const size_t bytes = elements * options.dtype().itemsize();
  if (!options.device().is_cpu() || bytes < 2 * BlockCache::kAlign) return torch::empty(sizes, options);
  const size_t rounded = (bytes + BlockCache::kAlign - 1) / BlockCache::kAlign * BlockCache::kAlign;
  void* block = block_cache().take(rounded);
  return torch::from_blob(block, sizes, [rounded](void* p) { block_cache().give(p, rounded); }, options);
}

}  // namespace wavetwin
