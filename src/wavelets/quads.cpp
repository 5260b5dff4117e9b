// src/wavelets/quads.cpp: the kernels of quads.h (torch-free, compiled at -O3): one pass over each band.
#include "wavetwin/wavelets/quads.h"

#include <cmath>

namespace wavetwin::wavelets::detail {
namespace {

// The orientation pairs of the bands lh, hl, hh (dtcwt's order: 15, 45, 75, 105, 135, 165 degrees).
constexpr int64_t kPairs[3][2] = {{0, 5}, {2, 3}, {1, 4}};

}  // namespace

template <typename T>
void quads_to_orientations(const T* lh, const T* hl, const T* hh, int64_t h, int64_t w, T* out) {
  const T s = static_cast<T>(std::sqrt(0.5));
  const T* bands[3] = {lh, hl, hh};
  for (int band = 0; band < 3; ++band) {
    T* __restrict first = out + kPairs[band][0] * h * w * 2;
    T* __restrict second = out + kPairs[band][1] * h * w * 2;
    for (int64_t y = 0; y < h; ++y) {
      const T* __restrict top = bands[band] + 2 * y * 2 * w;
      const T* __restrict bottom = top + 2 * w;
      T* __restrict z0 = first + y * w * 2;
      T* __restrict z1 = second + y * w * 2;
      for (int64_t x = 0; x < w; ++x) {
        const T a = top[2 * x], b = top[2 * x + 1], c = bottom[2 * x], d = bottom[2 * x + 1];
        z0[2 * x] = (a - d) * s;
        z0[2 * x + 1] = (b + c) * s;
        z1[2 * x] = (a + d) * s;
        z1[2 * x + 1] = (b - c) * s;
      }
    }
  }
}

template <typename T>
void orientations_to_quads(const T* in, int64_t h, int64_t w, T* lh, T* hl, T* hh) {
  const T s = static_cast<T>(std::sqrt(0.5));
  T* bands[3] = {lh, hl, hh};
  for (int band = 0; band < 3; ++band) {
    const T* __restrict first = in + kPairs[band][0] * h * w * 2;
    const T* __restrict second = in + kPairs[band][1] * h * w * 2;
    for (int64_t y = 0; y < h; ++y) {
      T* __restrict top = bands[band] + 2 * y * 2 * w;
      T* __restrict bottom = top + 2 * w;
      const T* __restrict z0 = first + y * w * 2;
      const T* __restrict z1 = second + y * w * 2;
      for (int64_t x = 0; x < w; ++x) {
        const T re0 = z0[2 * x], im0 = z0[2 * x + 1], re1 = z1[2 * x], im1 = z1[2 * x + 1];
        top[2 * x] = (re0 + re1) * s;
        top[2 * x + 1] = (im0 + im1) * s;
        bottom[2 * x] = (im0 - im1) * s;
        bottom[2 * x + 1] = (re1 - re0) * s;
      }
    }
  }
}

#define WAVETWIN_INSTANTIATE(T)                                                                          \
  template void quads_to_orientations<T>(const T*, const T*, const T*, int64_t, int64_t, T*);          \
  template void orientations_to_quads<T>(const T*, int64_t, int64_t, T*, T*, T*);
WAVETWIN_INSTANTIATE(float)
WAVETWIN_INSTANTIATE(double)
#undef WAVETWIN_INSTANTIATE

}  // namespace wavetwin::wavelets::detail
