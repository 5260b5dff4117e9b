// wavetwin/macs.h: counting the multiply-accumulates (MACs) of a forward pass.
//
// The layers that do the arithmetic of a model (convolutions, linear maps, the DT-CWPT, blur filters, the
// twin's mixing) report their MACs to the innermost MacCounter alive in the calling thread; with none alive
// the report is a thread-local pointer test. MACs are what torchvision and the papers call FLOPs (ResNet-18
// at 224 x 224: 1.82 G).
#pragma once

#include <cstdint>

namespace wavetwin {

/// Example: `MacCounter counter; model->forward(x); int64_t macs = counter.total();`
class MacCounter {
 public:
  MacCounter();
  ~MacCounter();
  MacCounter(const MacCounter&) = delete;
  MacCounter& operator=(const MacCounter&) = delete;

  /// MACs reported in this thread since construction (nested counters: only the innermost counts).
  int64_t total() const { return total_; }

  /// Adds `macs` to the innermost counter of this thread, if any.
  static void report(int64_t macs);

 private:
  int64_t total_ = 0;
  MacCounter* outer_ = nullptr;
};

}  // namespace wavetwin
