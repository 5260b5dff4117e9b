// src/wavelets/dtcwpt_modules.cpp: the DtCwpt2d and DtCwpt1d modules, owners of the filters.
#include <torch/torch.h>

#include "dtcwpt_detail.h"
#include "wavetwin/wavelets/dtcwpt.h"

namespace wavetwin::wavelets {

using torch::Tensor;

namespace {
void print_options(std::ostream& stream, const char* name, const DtCwptOptions& o) {
  const DtCwptOptions defaults(o.levels());
  stream << "wavetwin::wavelets::" << name << "(levels=" << o.levels() << ", stride=" << detail::stride_of(o);
  if (o.filters() != defaults.filters()) stream << ", filters=" << o.filters();
  if (o.padding() != defaults.padding()) stream << ", padding=" << padding_name(o.padding());
  if (o.full()) stream << ", full=true";
  if (o.in_channels() != 1) stream << ", in_channels=" << o.in_channels();
  if (o.complex()) stream << ", complex=true";
  if (o.real_only()) stream << ", real_only=true";
  if (o.trainable_filters()) stream << ", trainable_filters=true";
  stream << ")";
}

Tensor register_filters(torch::nn::Module& module, const DtCwptOptions& o) {
  detail::check_options(o, "DtCwpt");
  const Tensor f = dual_tree_filter_tensor(o.filters());
  return o.trainable_filters() ? module.register_parameter("filters", f) : module.register_buffer("filters", f);
}
}  // namespace

DtCwpt2dImpl::DtCwpt2dImpl(const DtCwptOptions& options_) : options(options_) { reset(); }

void DtCwpt2dImpl::reset() { filters = register_filters(*this, options); }

void DtCwpt2dImpl::pretty_print(std::ostream& stream) const { print_options(stream, "DtCwpt2d", options); }

torch::Tensor DtCwpt2dImpl::forward(const torch::Tensor& x) { return dtcwpt2d(x, filters, options); }

torch::Tensor DtCwpt2dImpl::inverse(const torch::Tensor& y, int64_t height, int64_t width) {
  return idtcwpt2d(y, filters, options, height, width);
}

DtCwpt1dImpl::DtCwpt1dImpl(const DtCwptOptions& options_) : options(options_) { reset(); }

void DtCwpt1dImpl::reset() { filters = register_filters(*this, options); }

void DtCwpt1dImpl::pretty_print(std::ostream& stream) const { print_options(stream, "DtCwpt1d", options); }

torch::Tensor DtCwpt1dImpl::forward(const torch::Tensor& x) { return dtcwpt1d(x, filters, options); }

torch::Tensor DtCwpt1dImpl::inverse(const torch::Tensor& y, int64_t length) {
  return idtcwpt1d(y, filters, options, length);
}

}  // namespace wavetwin::wavelets
