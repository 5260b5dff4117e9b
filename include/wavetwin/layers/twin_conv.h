// wavetwin/layers/twin_conv.h: the twin first layer (P2; reference-system.md section 4): a free convolution
// next to a wavelet block, whose outputs are real mixtures of DT-CWPT packets.
//
// Wavelet block: colour mix (1x1, C -> 1 luminance map; the identity for C = 1) -> DT-CWPT of depth J at the
// free convolution's stride S -> packet selection (a list of complex packets) -> grouped real mixing in
// sections: output o of section s (out_s outputs, in_s inputs, g_s groups) is sum_i W_s[o, i] z[...] over the
// in_s / g_s packets of its group, the same real weight on Re and Im, plus an optional real bias added to
// both -> the real part (RMax) or the complex maps (CMod).
//
// Output grid. As the reference, the wavelet maps sit on the stride-S grid of the zero-padded (P) input,
// centre-cropped to the free convolution's size with round-half-to-even offsets; CMod then decimates that
// cropped grid by d from its index 0. Here each path is the convolution stage of layers::RMax or layers::CMod
// on exactly the samples it keeps: RMax's real parts at stride S on the cropped grid, CMod's complex maps at
// stride S d (the reference computes stride S and drops 3/4 of it).
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>

#include "wavetwin/layers/conv2d.h"
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <array>
#include <utility>
#include <vector>

namespace wavetwin::layers {

/// One section of the grouped mixing: `in` selected packets, `out` output maps, `groups` groups.
struct MixSection {
  int64_t in = 1, out = 1, groups = 1;
};

/// How the wavelet channels leave the layer.
enum class TwinPooling {
  kRMax,  ///< real part at stride S (then max pooling, as the free channels)
  kCMod,  ///< complex at stride S d (then the modulus)
};

/// Example: `TwinConv conv(TwinConvOptions::resnet().pooling(TwinPooling::kCMod));`
struct TwinConvOptions {
  /// The reference's ResNet twin (config Ft40Y...Ex): 40 free 7x7 channels, J = 2, S = 2, 16 packets
  /// (resnet_ex order) mixed into 24 outputs in sections [6, 4, 1, 4, 1] -> [12, 4, 2, 4, 2].
  static TwinConvOptions resnet();
  /// The reference's AlexNet twin (Ft32Y...): 32 free 11x11 channels (stride 4, padding 2, bias), J = 3,
  /// 94 packets (alexnet order) mixed into 32 outputs in sections [6, 24, 64] -> [6, 18, 8], bias for RMax.
  /// `stride` 2 gives the Zhang AlexNet twin.
  static TwinConvOptions alexnet(int64_t stride = 4);

  /// Input channels C (3: RGB with a colour mix, 1: grey).
  TORCH_ARG(int64_t, in_channels) = 3;
  /// Free convolution: output channels, kernel size, padding, bias; stride = `stride`.
  TORCH_ARG(int64_t, free_channels) = 40;
  TORCH_ARG(int64_t, free_kernel) = 7;
  TORCH_ARG(int64_t, free_padding) = 3;
  TORCH_ARG(bool, free_bias) = false;
  /// DT-CWPT depth J and stride S (the RMax subsampling m).
  TORCH_ARG(int64_t, levels) = 2;
  TORCH_ARG(int64_t, stride) = 2;
  TORCH_ARG(std::string, filters) = "qshift_a";
  /// Selected complex packets, in the order the mixing sections read them.
  TORCH_ARG(std::vector<int64_t>, packets);
  TORCH_ARG(std::vector<MixSection>, sections);
  /// A real bias per output map, added to Re and Im (the reference's AlexNet RMax twins).
  TORCH_ARG(bool, mix_bias) = false;
  TORCH_ARG(TwinPooling, pooling) = TwinPooling::kRMax;
  /// CMod decimation d of the stride-S grid (2; 4 for the Zhang AlexNet twin).
  TORCH_ARG(int64_t, decimation) = 2;
  /// Initial colour-mix weights (R, G, B).
  TORCH_ARG(std::vector<double>, colour_mix) = std::vector<double>{1.0, 1.0, 1.0};

};

/// Centre-crop offset of `small` within `big`: round((big - small) / 2), ties to even (Python's round).
int64_t center_offset(int64_t big, int64_t small);

/// The two outputs of the twin layer: free maps (N, L_free, H, W) and wavelet maps, real (N, L, H, W)
/// for RMax or complex interleaved Re/Im (N, 2L, ceil(H/d), ceil(W/d)) for CMod.
struct TwinOutput {
  torch::Tensor free, wavelet;
};

class TwinConvImpl : public torch::nn::Cloneable<TwinConvImpl> {
 public:
  explicit TwinConvImpl(const TwinConvOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  TwinOutput forward(const torch::Tensor& x);

  /// The wavelet outputs' complex kernels as one bank (L, C, K, K), with the stride S and the zero padding P
  /// that, applied by conv2d to the input, give the reference's uncropped stride-S wavelet maps.
  struct Kernel {
    torch::Tensor weight;  ///< complex
    torch::Tensor bias;    ///< (L) real, or undefined
    int64_t stride = 1, padding = 0;
  };
  Kernel equivalent_kernel() const;

  /// The l1/l-infinity filter-selection penalty of reference-system.md 4.2:
  /// sum_s lambda_s sum_o (||W_s[o, :]||_1 / ||W_s[o, :]||_inf - 1), differentiable; one lambda per section.
  torch::Tensor selection_penalty(const std::vector<double>& lambdas) const;

  /// Number of wavelet output maps L.
  int64_t wavelet_channels() const;

  TwinConvOptions options;
  Conv2d freeconv{nullptr};
  torch::nn::Conv2d colormix{nullptr};       ///< (1, C, 1, 1), no bias; null for C = 1
  std::vector<torch::nn::Conv1d> featmapmix;  ///< per section: weight (out, in / groups, 1), optional bias
  torch::Tensor packet_index;                 ///< the selected packets (int64; not a buffer: Module::to(dtype)
                                              ///< would turn it into floats)
  torch::Tensor filters;                      ///< buffer (4, taps): H1, H2, G1, G2

 private:
  // Positions (output, packet) of the flattened section weights in the (L, packets) mixing matrix.
  torch::Tensor mix_rows_, mix_cols_;
  // Whether every output reads a single packet, and then the maps each output reads: its real part in the
  // transform's real-only output (RMax), or its Re and Im in the interleaved output (CMod).
  bool single_source_ = false;
  torch::Tensor source_real_, source_complex_;
};
TORCH_MODULE(TwinConv);

}  // namespace wavetwin::layers
