// wavetwin/study/theory.h: the theory of P1 (Leterme et al., "On the Shift Invariance of Max Pooling Feature
// Maps in CNNs"): the per-frequency RMax/CMod discrepancy gamma_q and the bounds of its theorems.
//
// gamma_q(omega)^2 = E_phi[(1 - max_{||p||_inf <= q} cos(<omega, p> - phi))^2] for a uniform phase phi
// (P1 Prop. 3.9). Closed form: sort the (2q+1)^2 phases <omega, p> mod 2pi, let delta_i be the arcs between
// consecutive phases around the circle; then gamma_q^2 = 3/2 + (1/(4 pi)) sum_i [sin delta_i - 8 sin(delta_i/2)].
// gamma_q(0)^2 = 3/2. Frequencies are in radians per sample, (row, column).
#pragma once

#include <torch/types.h>

#include <array>
#include <cstdint>

namespace wavetwin::study {

/// gamma_q(omega)^2 for one frequency omega = (omega_row, omega_col).
double gamma_squared(std::array<double, 2> omega, int64_t q = 1);

/// gamma_q^2 for every frequency of `omega`: (..., 2) float64 (row, column) -> (...).
torch::Tensor gamma_squared(const torch::Tensor& omega, int64_t q = 1);

/// Monte-Carlo estimate of E_phi[(1 - max_p cos(<omega, p> - phi))^2] over `samples` uniform phases, one in
/// each of `samples` equal arcs of the circle (stratified sampling).
double gamma_squared_monte_carlo(std::array<double, 2> omega, int64_t q, int64_t samples, uint64_t seed = 1);

/// The map theta -> gamma_q(m theta)^2 on a grid x grid lattice of theta in [-pi, pi)^2 (row = theta_row,
/// from -pi at the top), as (grid, grid) float64.
torch::Tensor gamma_map(int64_t m, int64_t q, int64_t grid);

/// beta_q(kappa) = q kappa (P1 Prop. 3.5).
double beta(int64_t q, double kappa);

/// alpha(tau) = ||tau||_1 / 2 (P1 Thm. 2.9).
double alpha(std::array<double, 2> tau);

/// Bound on the expected squared relative RMax/CMod discrepancy (P1 Thm. 3.11):
/// (beta_q(m kappa) + gamma_q(m theta))^2 for kernels of band width kappa centred at theta.
double discrepancy_bound(std::array<double, 2> theta, double kappa, int64_t m, int64_t q = 1);

/// Bound on the expected relative RMax shift instability for a translation u (P1 Thm. 4.2):
/// 2 (beta_q(m kappa) + gamma_q(m theta)) + alpha(kappa u).
double rmax_stability_bound(std::array<double, 2> theta, double kappa, int64_t m, std::array<double, 2> shift,
                            int64_t q = 1);

/// Bound on the relative CMod shift instability (P1 Thm. 2.9, valid for kappa <= pi / m): alpha(kappa u).
double cmod_stability_bound(double kappa, std::array<double, 2> shift);

}  // namespace wavetwin::study
