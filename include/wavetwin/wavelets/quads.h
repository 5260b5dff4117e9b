// wavetwin/wavelets/quads.h: the DTCWT's map between the 2x2 quads of a level's three real bands and its six
// complex orientations (dtcwt's q2c and c2q), on raw arrays.
//
// A band's quads (a b; c d) give ((a - d) + i (b + c)) / sqrt 2 and ((a + d) + i (b - c)) / sqrt 2. With the
// bands lh (height high-pass), hh and hl, these are the orientations (15, 165), (45, 135) and (75, 105)
// degrees. The map is orthogonal: c2q is both its inverse and its transpose, so each direction is the
// other's backward pass. Torch-free and compiled at -O3 (wavetwin_kernels).
#pragma once

#include <cstdint>

namespace wavetwin::wavelets::detail {

/// out: (6, h, w, 2) (orientations, then real and imaginary parts) from the bands lh, hl, hh: (2h, 2w) each.
template <typename T>
void quads_to_orientations(const T* lh, const T* hl, const T* hh, int64_t h, int64_t w, T* out);

/// The bands lh, hl, hh: (2h, 2w) each, overwritten, from the orientations in: (6, h, w, 2).
template <typename T>
void orientations_to_quads(const T* in, int64_t h, int64_t w, T* lh, T* hl, T* hh);

}  // namespace wavetwin::wavelets::detail
