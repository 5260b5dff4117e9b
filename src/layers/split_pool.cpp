// src/layers/split_pool.cpp: pooling of the twin layer's free and wavelet channels.
#include "wavetwin/layers/split_pool.h"

#include <torch/torch.h>

#include "wavetwin/error.h"

namespace wavetwin::layers {

torch::Tensor center_crop_maps(const torch::Tensor& x, int64_t h, int64_t w) {
  WAVETWIN_CHECK(x.dim() == 4 && x.size(2) >= h && x.size(3) >= w, "centre crop of ", x.sizes(), " to ", h, "x", w,
                 "; expected maps at least that large");
  // Even a full-size narrow records a slice whose backward zero-fills a whole gradient: skip it.
  if (x.size(2) == h && x.size(3) == w) return x;
  return x.narrow(2, center_offset(x.size(2), h), h).narrow(3, center_offset(x.size(3), w), w);
}

SplitPoolImpl::SplitPoolImpl(torch::nn::Sequential low_, torch::nn::Sequential high_)
    : low(register_module("low", std::move(low_))), high(register_module("high", std::move(high_))) {}

SplitPoolImpl::SplitPoolImpl(torch::nn::Sequential joint_) : joint(register_module("joint", std::move(joint_))) {}

void SplitPoolImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::layers::SplitPool(" << (joint ? "joint" : "free and wavelet apart") << ")";
}

torch::Tensor SplitPoolImpl::forward(const TwinOutput& maps) {
  if (joint) {
    WAVETWIN_CHECK(maps.free.sizes().slice(2) == maps.wavelet.sizes().slice(2), "split pool: free maps ",
                   maps.free.sizes(), " and wavelet maps ", maps.wavelet.sizes(),
                   " cannot share a pooling; expected equal sizes (RMax)");
    return joint->forward(torch::cat({maps.free, maps.wavelet}, 1));
  }
  const torch::Tensor a = low->forward(maps.free), b = high->forward(maps.wavelet);
  const int64_t h = std::min(a.size(2), b.size(2)), w = std::min(a.size(3), b.size(3));
  return torch::cat({center_crop_maps(a, h, w), center_crop_maps(b, h, w)}, 1);
}

}  // namespace wavetwin::layers
