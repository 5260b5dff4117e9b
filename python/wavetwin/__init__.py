"""wavetwin: shift-invariant convolutional networks with complex wavelets, from Python.

The dual-tree complex wavelet packet transform, the papers' RMax and CMod operators, the twin first layer and
the model zoo of Leterme et al., as torch.nn.Modules backed by wavetwin's C++ library (same tensors, C++
forward and backward code); the workflows of the command line (train, evaluate, report) over the same run
store; and the papers' shift-invariance audit of any torch.nn.Module. See the README's "From Python" section.
"""

import torch  # loads libtorch and its Python bindings before the extension

from . import _C, data, functional, models, study
from .dtcwt import DTCWTForward, DTCWTForward1d, DTCWTInverse, DTCWTInverse1d, ScatLayer
from .layers import (AdaptiveBlurPool, Aps, Bias, BlurPool, BN0, CMod, MixSection, Modulus, RMax, TwinConv,
                     hilbert_kernels)
from .wavelets import DtCwpt1d, DtCwpt2d, IDtCwpt1d, IDtCwpt2d, PacketInfo, packet_info
from .workflows import audit, evaluate, normalized_mfr, report, train

__all__ = [
    "DtCwpt2d", "IDtCwpt2d", "DtCwpt1d", "IDtCwpt1d", "PacketInfo", "packet_info",
    "DTCWTForward", "DTCWTInverse", "ScatLayer", "DTCWTForward1d", "DTCWTInverse1d",
    "RMax", "CMod", "Modulus", "BN0", "Bias", "BlurPool", "AdaptiveBlurPool", "Aps", "TwinConv", "MixSection",
    "hilbert_kernels", "functional", "models", "study", "data",
    "train", "evaluate", "report", "audit", "normalized_mfr",
]
