// wavetwin/eval/shift_metrics.h: the papers' shift-consistency measures (reference-system.md 7.3, 7.4;
// peers.md 7): flip rate per step, the mean flip rate normalised to a reference run, KL divergence per shift,
// and Zhang's random-shift consistency.
//
// Frames k = 0..K-1 of an image are the same picture shifted by k steps (k/p pixels); frame 0 is unshifted.
#pragma once

#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

namespace wavetwin::eval {

/// FR_s for s = 1..max_step: the fraction, over images i and frames k = 0..K-1-s, of predictions that differ
/// between frames k and k + s. predictions: (N, K) int64 class indices.
std::vector<double> flip_rates(const torch::Tensor& predictions, int64_t max_step);

/// Per image i and step s = 1..max_step, the fraction of its frame pairs (k, k + s) whose predictions differ:
/// float64 (N, max_step), whose column means are flip_rates (every image has the same pairs).
torch::Tensor image_flip_rates(const torch::Tensor& predictions, int64_t max_step);

/// Flip rates per direction ("vertical", "horizontal", "diagonal", ...), each FR_1..FR_S.
using DirectionalFlipRates = std::map<std::string, std::vector<double>>;

/// The papers' normalised mFR: 100 / |D| * sum over directions d of mean_s FR_s^d(model) / mean_s FR_s^d(reference)
/// (mean of ratios; the reference run is AlexNet on ImageNet and ResNet-18 on CIFAR-10 in the papers).
/// Throws wavetwin::Error when the directions or step counts differ, or a reference mean is 0.
double normalized_mfr(const DirectionalFlipRates& model, const DirectionalFlipRates& reference);

/// KL(p_0 || p_k) averaged over images, for k = 0..K-1, from logits (N, K, C), computed with log-softmax
/// (the reference divides probabilities, which overflows for confident predictions).
std::vector<double> kl_per_shift(const torch::Tensor& logits);

/// KL(p_0 || p_k) per image: float64 (N, K), whose column means are kl_per_shift.
torch::Tensor image_kl(const torch::Tensor& logits);

/// Zhang's consistency: the percentage of images whose top-1 predictions agree between two random shifts.
/// a, b: (N) int64.
double consistency(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace wavetwin::eval
