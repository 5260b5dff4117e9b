// wavetwin/pch.h: the precompiled header shared by every torch translation unit (build speed only).
#pragma once
#include <torch/torch.h>
#include <nlohmann/json.hpp>
