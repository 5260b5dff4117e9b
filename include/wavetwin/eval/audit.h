// wavetwin/eval/audit.h: the papers' protocols as a set, and the shift-invariance audit: those protocols run
// on any classifier (a zoo model, or a Python torch.nn.Module through the bindings) over any stream of
// labelled image batches, the scores accumulated batch by batch (what `wavetwin.audit` runs).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wavetwin/data/transforms.h"
#include "wavetwin/eval/accuracy.h"
#include "wavetwin/eval/confidence.h"
#include "wavetwin/eval/predict.h"
#include "wavetwin/eval/shift_metrics.h"

namespace wavetwin::eval {

/// kCircular: KL, flip rates and consistency under circular shifts of the one-crop view (shift_eval.h).
enum class Protocol { kOnecrop, kTencrops, kShifts, kConsistency, kCircular };
/// "onecrop", "tencrops", "shifts", "consistency", "circular" <-> Protocol; parse_protocol throws
/// wavetwin::Error.
std::string protocol_name(Protocol protocol);
Protocol parse_protocol(const std::string& name);
/// Every protocol, in the order they run.
std::vector<Protocol> all_protocols();
/// The chosen protocols once each, in the order they run.
std::vector<Protocol> ordered(const std::vector<Protocol>& protocols);

/// The papers' frame spacing: KL divergence on half-pixel shifts, flip rates on one-pixel steps.
inline constexpr int64_t kKlPixelDivide = 2, kFlipRatePixelDivide = 1;

/// Means of one direction of the shift protocol.
struct ShiftSummary {
  data::ShiftDirection direction = data::ShiftDirection::kVertical;
  double mean_kl = 0;         ///< over the shifts k = 1..pM
  double mean_flip_rate = 0;  ///< fraction, over the steps
  int64_t steps = 0;
  /// Their bootstrap intervals, where the evaluation computed them (evaluate_run).
  Interval mean_kl_interval{}, mean_flip_rate_interval{};
};

/// One summary per direction of `kl` (KL per shift k = 0..pM) and `flip_rates` (FR_1..FR_S).
std::vector<ShiftSummary> shift_summaries(const std::map<std::string, std::vector<double>>& kl,
                                          const DirectionalFlipRates& flip_rates);

/// Example: `AuditOptions o; o.size = 32; o.protocols = {Protocol::kShifts};`
struct AuditOptions {
  std::vector<Protocol> protocols = all_protocols();
  /// Side of the square inputs the classifier receives.
  int64_t size = 224;
  /// Shorter side before the crops; 0: the protocols' defaults (eval/accuracy.h).
  int64_t onecrop_resize = 0, tencrops_resize = 0;
  /// Shifts: largest shift M in pixels; flip rates for steps 1..max_step (0: the reference's default).
  int64_t max_shift = 8, max_step = 0;
  /// Shifts: frames 1/p pixel apart for both KL and flip rates; nullopt: the papers' (kKlPixelDivide,
  /// kFlipRatePixelDivide).
  std::optional<int64_t> pixel_divide;
  std::vector<data::ShiftDirection> directions = {data::ShiftDirection::kVertical, data::ShiftDirection::kHorizontal,
                                                  data::ShiftDirection::kDiagonal};
  /// Normalisation of every view; empty: the training's (data::default_transform).
  std::vector<double> mean, std;
  /// Consistency: seed of the random shifts.
  uint64_t seed = 0;
  /// Inputs given to the classifier at once.
  int64_t batch = 256;
  torch::Device device = torch::kCPU;
};

struct AuditResult {
  int64_t images = 0;
  std::optional<TopK> onecrop, tencrops;
  int64_t kl_pixel_divide = 0, flip_rate_pixel_divide = 0;
  /// Per direction name: KL(p_0 || p_k), k = 0..pM, averaged over the images.
  std::map<std::string, std::vector<double>> kl;
  /// Per direction name: FR_1..FR_S (fractions).
  DirectionalFlipRates flip_rates;
  std::vector<ShiftSummary> shifts;
  std::optional<double> consistency;  ///< percent
  /// Circular shifts: KL per shift k = 0..M, flip rates FR_1..FR_S (p = 1), their means, and consistency (%).
  std::map<std::string, std::vector<double>> circular_kl;
  DirectionalFlipRates circular_flip_rates;
  std::vector<ShiftSummary> circular_shifts;
  std::optional<double> circular_consistency;
};

/// Scores batch after batch; every score is a mean over images, so the result equals one pass over all of
/// them (to rounding), and the random shifts of the consistency protocol follow each image's position in
/// the stream.
class Audit {
 public:
  /// Throws wavetwin::Error naming an impossible option.
  explicit Audit(AuditOptions options);
  /// Scores one batch: images (N, C, H, W) of any size (each protocol resizes them as the papers do), uint8
  /// or floating point in [0, 1] (torchvision's ToTensor, before normalisation), C 1 or 3; labels (N) class
  /// indices. Throws wavetwin::Error naming what is wrong with them.
  void add(const Classifier& classify, const torch::Tensor& images, const torch::Tensor& labels);
  /// Scores images of different sizes, each (C, H, W) as above.
  void add(const Classifier& classify, const std::vector<torch::Tensor>& images, const torch::Tensor& labels);
  /// The scores so far; throws wavetwin::Error before the first batch.
  AuditResult result() const;
  const AuditOptions& options() const { return options_; }

 private:
  AuditOptions options_;
  std::vector<Protocol> protocols_;
  int64_t images_ = 0;
  // Image-weighted sums of the per-batch means.
  int64_t onecrop_wrong1_ = 0, onecrop_wrong5_ = 0, tencrops_wrong1_ = 0, tencrops_wrong5_ = 0;
  std::map<std::string, std::vector<double>> kl_sums_;
  DirectionalFlipRates flip_rate_sums_;
  double consistency_sum_ = 0;
  std::map<std::string, std::vector<double>> circular_kl_sums_;
  DirectionalFlipRates circular_flip_rate_sums_;
  double circular_consistency_sum_ = 0;
};

}  // namespace wavetwin::eval
