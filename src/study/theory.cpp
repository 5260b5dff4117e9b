// src/study/theory.cpp: gamma_q and the bounds of P1.
#include "wavetwin/study/theory.h"

#include <torch/torch.h>

#include <cmath>
#include <random>

#include "wavetwin/error.h"

namespace wavetwin::study {
namespace {

void check_q(int64_t q, const char* where) { WAVETWIN_CHECK(q >= 1, where, ": q=", q, "; expected q >= 1"); }

}  // namespace

torch::Tensor gamma_squared(const torch::Tensor& omega, int64_t q) {
  check_q(q, "gamma_squared");
  WAVETWIN_CHECK(omega.dim() >= 1 && omega.size(-1) == 2, "gamma_squared: frequencies of shape ", omega.sizes(),
                 "; expected (..., 2)");
  const torch::Tensor w = omega.to(torch::kFloat64);
  const torch::Tensor p = torch::arange(-q, q + 1, torch::kFloat64);
  const torch::Tensor grid_row = p.view({-1, 1}).expand({2 * q + 1, 2 * q + 1}).reshape(-1);
  const torch::Tensor grid_col = p.view({1, -1}).expand({2 * q + 1, 2 * q + 1}).reshape(-1);
  // Phases <omega, p> mod 2 pi of the (2q+1)^2 pooling offsets, sorted around the circle.
  const torch::Tensor phases = torch::remainder(
      w.select(-1, 0).unsqueeze(-1) * grid_row + w.select(-1, 1).unsqueeze(-1) * grid_col, 2 * M_PI);
  const torch::Tensor sorted = std::get<0>(torch::sort(phases, -1));
  const torch::Tensor closing = sorted.narrow(-1, 0, 1) + 2 * M_PI;
  const torch::Tensor arcs = torch::diff(torch::cat({sorted, closing}, -1), 1, -1);
  return 1.5 + (torch::sin(arcs) - 8 * torch::sin(arcs / 2)).sum(-1) / (4 * M_PI);
}

double gamma_squared(std::array<double, 2> omega, int64_t q) {
  return gamma_squared(torch::tensor({omega[0], omega[1]}, torch::kFloat64), q).item<double>();
}

double gamma_squared_monte_carlo(std::array<double, 2> omega, int64_t q, int64_t samples, uint64_t seed) {
  check_q(q, "gamma_squared_monte_carlo");
  // Stratified: one uniform phase in each of `samples` equal arcs (variance O(samples^-3)).
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> jitter(0, 1);
  double total = 0;
  for (int64_t s = 0; s < samples; ++s) {
    const double phi = 2 * M_PI * (s + jitter(rng)) / samples;
    double best = -1;
    for (int64_t a = -q; a <= q; ++a) {
      for (int64_t b = -q; b <= q; ++b) best = std::max(best, std::cos(omega[0] * a + omega[1] * b - phi));
    }
    total += (1 - best) * (1 - best);
  }
  return total / samples;
}

torch::Tensor gamma_map(int64_t m, int64_t q, int64_t grid) {
  WAVETWIN_CHECK(m >= 1 && grid >= 2, "gamma_map: m=", m, ", grid=", grid, "; expected m >= 1 and grid >= 2");
  const torch::Tensor theta = torch::arange(grid, torch::kFloat64) * (2 * M_PI / grid) - M_PI;
  const torch::Tensor rows = theta.view({-1, 1}).expand({grid, grid});
  const torch::Tensor cols = theta.view({1, -1}).expand({grid, grid});
  return gamma_squared(torch::stack({rows, cols}, -1) * static_cast<double>(m), q);
}

double beta(int64_t q, double kappa) { return static_cast<double>(q) * kappa; }

double alpha(std::array<double, 2> tau) { return (std::abs(tau[0]) + std::abs(tau[1])) / 2; }

double discrepancy_bound(std::array<double, 2> theta, double kappa, int64_t m, int64_t q) {
  const double g = std::sqrt(gamma_squared({m * theta[0], m * theta[1]}, q));
  const double b = beta(q, m * kappa) + g;
  return b * b;
}

double rmax_stability_bound(std::array<double, 2> theta, double kappa, int64_t m, std::array<double, 2> shift,
                            int64_t q) {
  const double g = std::sqrt(gamma_squared({m * theta[0], m * theta[1]}, q));
  return 2 * (beta(q, m * kappa) + g) + alpha({kappa * shift[0], kappa * shift[1]});
}

double cmod_stability_bound(double kappa, std::array<double, 2> shift) {
  return alpha({kappa * shift[0], kappa * shift[1]});
}

}  // namespace wavetwin::study
