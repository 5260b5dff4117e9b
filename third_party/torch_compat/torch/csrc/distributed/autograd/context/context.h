// Debian's libtorch-dev 1.13.1 ships torch/csrc/distributed/c10d/reducer.hpp but not the distributed-autograd
// header it includes. reducer.hpp only needs two names from it: the type of a gradient callback (checked by a
// static_assert) and the pointer type of a distributed-autograd context (held in a shared_ptr, so its layout
// does not depend on the pointee). wavetwin never creates or uses such a context; this stands in for the
// missing header in src/dist/gradient_reducer.cpp alone.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>

namespace torch::distributed::autograd {

class DistAutogradContext {
 public:
  using GradCallback = std::function<bool(at::Tensor&)>;
};

using ContextPtr = std::shared_ptr<DistAutogradContext>;

}  // namespace torch::distributed::autograd
