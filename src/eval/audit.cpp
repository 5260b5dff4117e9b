// src/eval/audit.cpp: the protocols by name, and the audit of a classifier over a stream of batches.
#include "wavetwin/eval/audit.h"

#include <torch/torch.h>

#include <cmath>
#include <set>

#include "wavetwin/data/dataset.h"
#include "wavetwin/error.h"
#include "wavetwin/eval/shift_eval.h"

namespace wavetwin::eval {

std::string protocol_name(Protocol protocol) {
  switch (protocol) {
    case Protocol::kOnecrop: return "onecrop";
    case Protocol::kTencrops: return "tencrops";
    case Protocol::kShifts: return "shifts";
    case Protocol::kConsistency: return "consistency";
    case Protocol::kCircular: return "circular";
  }
  return "onecrop";
}

Protocol parse_protocol(const std::string& name) {
  for (const Protocol p : all_protocols()) {
    if (protocol_name(p) == name) return p;
  }
  WAVETWIN_FAIL("--mode ", name, ": unknown; expected onecrop, tencrops, shifts, consistency, circular or all");
}

std::vector<Protocol> all_protocols() {
  return {Protocol::kOnecrop, Protocol::kTencrops, Protocol::kShifts, Protocol::kConsistency, Protocol::kCircular};
}

std::vector<Protocol> ordered(const std::vector<Protocol>& protocols) {
  const std::set<Protocol> chosen(protocols.begin(), protocols.end());
  std::vector<Protocol> out;
  for (const Protocol p : all_protocols()) {
    if (chosen.count(p)) out.push_back(p);
  }
  return out;
}

std::vector<ShiftSummary> shift_summaries(const std::map<std::string, std::vector<double>>& kl,
                                          const DirectionalFlipRates& flip_rates) {
  std::vector<ShiftSummary> out;
  for (const auto& [name, values] : kl) {
    ShiftSummary summary;
    summary.direction = data::parse_shift_direction(name);
    for (size_t k = 1; k < values.size(); ++k) summary.mean_kl += values[k] / static_cast<double>(values.size() - 1);
    const auto& rates = flip_rates.at(name);
    for (const double rate : rates) summary.mean_flip_rate += rate / static_cast<double>(rates.size());
    summary.steps = static_cast<int64_t>(rates.size());
    out.push_back(summary);
  }
  return out;
}

namespace {

// An image in torchvision's layout as the decoded images the protocols cut: uint8 (H, W, C).
torch::Tensor decoded_image(const torch::Tensor& image) {
  WAVETWIN_CHECK(image.dim() == 3 && (image.size(0) == 1 || image.size(0) == 3) && image.numel() > 0,
                 "audit: an image of shape ", image.sizes(), "; expected (C, H, W) with C 1 or 3, in batches (N, C, H, W)");
  torch::Tensor hwc = image.permute({1, 2, 0}).to(torch::kCPU);
  if (hwc.scalar_type() == torch::kUInt8) return hwc.contiguous();
  WAVETWIN_CHECK(hwc.is_floating_point(), "audit: images of type ", hwc.scalar_type(),
                 "; expected uint8 or floating point in [0, 1]");
  const double low = hwc.min().item<double>(), high = hwc.max().item<double>();
  WAVETWIN_CHECK(!std::isnan(low) && !std::isnan(high) && low >= 0 && high <= 1, "audit: image values in [", low,
                 ", ", high, "]; expected [0, 1] (transforms.ToTensor, before normalisation: the audit normalises "
                 "with its own mean and std)");
  return hwc.mul(255).round_().to(torch::kUInt8).contiguous();
}

// One batch of decoded images, of any sizes, as the dataset the protocols read.
class ImageBatch : public data::Dataset {
 public:
  ImageBatch(const std::vector<torch::Tensor>& images, const torch::Tensor& labels) {
    WAVETWIN_CHECK(!images.empty(), "audit: an empty batch; expected at least one image");
    WAVETWIN_CHECK(labels.dim() == 1 && labels.size(0) == static_cast<int64_t>(images.size()) &&
                       !labels.is_floating_point() && !labels.is_complex(),
                   "audit: labels of shape ", labels.sizes(), " and type ", labels.scalar_type(), " for ",
                   images.size(), " images; expected integer class indices (N)");
    const torch::Tensor indices = labels.to(torch::kCPU, torch::kInt64).contiguous();
    labels_.assign(indices.data_ptr<int64_t>(), indices.data_ptr<int64_t>() + indices.numel());
    WAVETWIN_CHECK(indices.min().item<int64_t>() >= 0, "audit: a negative label; expected class indices >= 0");
    classes_.resize(static_cast<size_t>(indices.max().item<int64_t>() + 1));
    for (const auto& image : images) images_.push_back(decoded_image(image));
    channels_ = images_.front().size(2);
    for (const auto& image : images_) {
      WAVETWIN_CHECK(image.size(2) == channels_, "audit: images of ", channels_, " and ", image.size(2),
                     " channels in one batch; expected one channel count");
    }
  }
  int64_t size() const override { return static_cast<int64_t>(images_.size()); }
  int64_t label(int64_t i) const override { return labels_[i]; }
  torch::Tensor image(int64_t i) const override { return images_[i]; }
  std::string where(int64_t i) const override { return "batch image " + std::to_string(i); }
  const std::vector<std::string>& classes() const override { return classes_; }
  int64_t channels() const override { return channels_; }

 private:
  std::vector<torch::Tensor> images_;
  std::vector<int64_t> labels_;
  std::vector<std::string> classes_;
  int64_t channels_ = 0;
};

void add_weighted(std::vector<double>& sums, const std::vector<double>& values, double weight) {
  if (sums.empty()) sums.assign(values.size(), 0.0);
  for (size_t i = 0; i < values.size(); ++i) sums[i] += values[i] * weight;
}

int64_t wrong(double percent, int64_t images) {
  return std::llround(percent * static_cast<double>(images) / 100.0);
}

}  // namespace

Audit::Audit(AuditOptions options) : options_(std::move(options)), protocols_(ordered(options_.protocols)) {
  WAVETWIN_CHECK(!protocols_.empty(), "audit: no protocol; expected onecrop, tencrops, shifts, consistency or circular");
  WAVETWIN_CHECK(options_.size >= 1, "audit: size ", options_.size, "; expected >= 1");
  WAVETWIN_CHECK(options_.batch >= 1, "audit: batch ", options_.batch, "; expected >= 1");
  WAVETWIN_CHECK(!options_.pixel_divide || (*options_.pixel_divide >= 1 && *options_.pixel_divide <= 8),
                 "audit: pixel divide ", options_.pixel_divide.value_or(0), "; expected 1 or 2");
  WAVETWIN_CHECK(options_.mean.size() == options_.std.size(), "audit: ", options_.mean.size(), " means and ",
                 options_.std.size(), " standard deviations; expected as many (one, or one per channel)");
}

void Audit::add(const Classifier& classify, const torch::Tensor& images, const torch::Tensor& labels) {
  WAVETWIN_CHECK(images.dim() == 4, "audit: images of shape ", images.sizes(),
                 "; expected (N, C, H, W) with C 1 or 3 (or a list of (C, H, W) images)");
  add(classify, images.unbind(0), labels);
}

void Audit::add(const Classifier& classify, const std::vector<torch::Tensor>& images, const torch::Tensor& labels) {
  const ImageBatch batch(images, labels);
  const auto n = static_cast<double>(batch.size());
  PredictOptions predict;
  predict.batch = options_.batch;
  predict.device = options_.device;
  predict.strict = true;
  const AuditOptions& o = options_;
  for (const Protocol protocol : protocols_) {
    if (protocol == Protocol::kOnecrop || protocol == Protocol::kTencrops) {
      const bool one = protocol == Protocol::kOnecrop;
      CropOptions crop;
      crop.size = o.size, crop.resize = one ? o.onecrop_resize : o.tencrops_resize, crop.mean = o.mean, crop.std = o.std;
      const TopK e = one ? evaluate_onecrop(classify, batch, crop, predict) : evaluate_tencrops(classify, batch, crop, predict);
      (one ? onecrop_wrong1_ : tencrops_wrong1_) += wrong(e.top1, e.images);
      (one ? onecrop_wrong5_ : tencrops_wrong5_) += wrong(e.top5, e.images);
    } else if (protocol == Protocol::kShifts) {
      ShiftOptions shift;
      shift.size = o.size, shift.max_shift = o.max_shift, shift.max_step = o.max_step, shift.directions = o.directions;
      shift.mean = o.mean, shift.std = o.std;
      shift.pixel_divide = o.pixel_divide.value_or(kKlPixelDivide);
      const ShiftScores kl = evaluate_shifts(classify, batch, shift, predict);
      ShiftScores fr = kl;
      if (o.pixel_divide.value_or(kFlipRatePixelDivide) != shift.pixel_divide) {
        shift.pixel_divide = o.pixel_divide.value_or(kFlipRatePixelDivide);
        fr = evaluate_shifts(classify, batch, shift, predict);
      }
      for (const auto& [name, values] : kl.kl) add_weighted(kl_sums_[name], values, n);
      for (const auto& [name, values] : fr.flip_rates) add_weighted(flip_rate_sums_[name], values, n);
    } else if (protocol == Protocol::kConsistency) {
      ConsistencyOptions c;
      c.size = o.size, c.resize = 0, c.seed = o.seed, c.first_index = images_, c.mean = o.mean, c.std = o.std;
      consistency_sum_ += evaluate_consistency(classify, batch, c, predict).consistency * n;
    } else {
      CircularOptions c;
      c.size = o.size, c.resize = o.onecrop_resize, c.max_shift = o.max_shift, c.max_step = o.max_step;
      c.directions = o.directions, c.seed = o.seed, c.first_index = images_, c.mean = o.mean, c.std = o.std;
      const CircularScores scores = evaluate_circular(classify, batch, c, predict);
      for (const auto& [name, values] : scores.kl) add_weighted(circular_kl_sums_[name], values, n);
      for (const auto& [name, values] : scores.flip_rates) add_weighted(circular_flip_rate_sums_[name], values, n);
      circular_consistency_sum_ += scores.consistency * n;
    }
  }
  images_ += batch.size();
}

AuditResult Audit::result() const {
  WAVETWIN_CHECK(images_ > 0, "audit: no batch was scored; expected at least one batch of images");
  AuditResult r;
  r.images = images_;
  const auto n = static_cast<double>(images_);
  const auto mean = [n](std::vector<double> sums) {
    for (double& v : sums) v /= n;
    return sums;
  };
  for (const Protocol protocol : protocols_) {
    if (protocol == Protocol::kOnecrop) {
      r.onecrop = TopK{100.0 * static_cast<double>(onecrop_wrong1_) / n, 100.0 * static_cast<double>(onecrop_wrong5_) / n,
                       images_};
    } else if (protocol == Protocol::kTencrops) {
      r.tencrops = TopK{100.0 * static_cast<double>(tencrops_wrong1_) / n,
                        100.0 * static_cast<double>(tencrops_wrong5_) / n, images_};
    } else if (protocol == Protocol::kShifts) {
      r.kl_pixel_divide = options_.pixel_divide.value_or(kKlPixelDivide);
      r.flip_rate_pixel_divide = options_.pixel_divide.value_or(kFlipRatePixelDivide);
      for (const auto& [name, sums] : kl_sums_) r.kl[name] = mean(sums);
      for (const auto& [name, sums] : flip_rate_sums_) r.flip_rates[name] = mean(sums);
      r.shifts = shift_summaries(r.kl, r.flip_rates);
    } else if (protocol == Protocol::kConsistency) {
      r.consistency = consistency_sum_ / n;
    } else {
      for (const auto& [name, sums] : circular_kl_sums_) r.circular_kl[name] = mean(sums);
      for (const auto& [name, sums] : circular_flip_rate_sums_) r.circular_flip_rates[name] = mean(sums);
      r.circular_shifts = shift_summaries(r.circular_kl, r.circular_flip_rates);
      r.circular_consistency = circular_consistency_sum_ / n;
    }
  }
  return r;
}

}  // namespace wavetwin::eval
