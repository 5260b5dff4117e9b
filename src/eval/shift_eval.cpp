// src/eval/shift_eval.cpp: shifted windows scored by KL and flip rates; random-shift consistency.
#include "wavetwin/eval/shift_eval.h"

#include <torch/torch.h>

#include "wavetwin/error.h"
#include "wavetwin/eval/accuracy.h"

namespace wavetwin::eval {

int64_t default_max_step(int64_t size) { return size > 64 ? 8 : 4; }

namespace {

std::pair<std::vector<double>, std::vector<double>> normalisation(const std::vector<double>& mean,
                                                                  const std::vector<double>& std, int64_t size,
                                                                  int64_t channels) {
  const data::TransformOptions t = data::default_transform(false, size, channels);
  return {mean.empty() ? t.mean : mean, std.empty() ? t.std : std};
}

// KL and predictions per image of D directions x F frames, accumulated chunk by chunk.
class FrameScores {
 public:
  FrameScores(int64_t directions, int64_t frames) : frames_(frames), kl_(directions), predictions_(directions) {}
  // logits (B, views, classes): direction d's frames at views d F .. d F + F - 1.
  void add(const torch::Tensor& logits, const torch::Tensor& indices) {
    indices_.push_back(indices);
    for (size_t d = 0; d < kl_.size(); ++d) {
      const torch::Tensor part = logits.narrow(1, static_cast<int64_t>(d) * frames_, frames_);
      kl_[d].push_back(image_kl(part));
      predictions_[d].push_back(part.argmax(2));
    }
  }
  // Mean KL per frame and FR_1..FR_max_step per direction name, and the same per image.
  void finish(const std::vector<data::ShiftDirection>& directions, int64_t max_step,
              std::map<std::string, std::vector<double>>& kl, DirectionalFlipRates& rates,
              ImageShiftValues& per_image) const {
    per_image.indices = torch::cat(indices_);
    for (size_t d = 0; d < directions.size(); ++d) {
      const std::string name = data::shift_direction_name(directions[d]);
      const torch::Tensor image_kl = torch::cat(kl_[d]), predictions = torch::cat(predictions_[d]);
      const torch::Tensor means = image_kl.mean(0).contiguous();
      kl[name] = std::vector<double>(means.data_ptr<double>(), means.data_ptr<double>() + means.numel());
      rates[name] = flip_rates(predictions, max_step);
      per_image.kl[name] = image_kl;
      per_image.flip_rates[name] = image_flip_rates(predictions, max_step);
    }
  }

 private:
  int64_t frames_;
  std::vector<torch::Tensor> indices_;
  std::vector<std::vector<torch::Tensor>> kl_, predictions_;
};

// Top-1 agreement of two views per image: the consistency and its per-image values.
class Agreement {
 public:
  void add(const torch::Tensor& top, const torch::Tensor& indices) {  // top (B, 2)
    first_.push_back(top.select(1, 0));
    second_.push_back(top.select(1, 1));
    indices_.push_back(indices);
  }
  ConsistencyScores finish() const {
    ConsistencyScores c;
    const torch::Tensor a = torch::cat(first_), b = torch::cat(second_);
    c.consistency = eval::consistency(a, b);
    c.images = a.size(0);
    c.indices = torch::cat(indices_);
    c.agree = a.eq(b).to(torch::kFloat64) * 100;
    return c;
  }

 private:
  std::vector<torch::Tensor> first_, second_, indices_;
};

}  // namespace

ShiftScores evaluate_shifts(const Classifier& classify, const data::Dataset& dataset, const ShiftOptions& shifts,
                            const PredictOptions& options, std::vector<data::LoadFailure>* failures) {
  WAVETWIN_CHECK(!shifts.directions.empty(), "shifts: no direction; expected vertical, horizontal or diagonal");
  WAVETWIN_CHECK(shifts.max_shift >= 1 && shifts.pixel_divide >= 1, "shifts: max shift ", shifts.max_shift,
                 ", pixel divide ", shifts.pixel_divide, "; expected both >= 1");
  const int64_t frames = shifts.pixel_divide * shifts.max_shift + 1;
  const int64_t max_step = shifts.max_step > 0 ? shifts.max_step : default_max_step(shifts.size);
  WAVETWIN_CHECK(max_step < frames, "shifts: max step ", max_step, " for ", frames, " frames; expected < ", frames);
  const int64_t directions = static_cast<int64_t>(shifts.directions.size());
  auto [mean, std] = normalisation(shifts.mean, shifts.std, shifts.size, dataset.channels());
  if (shifts.reference_quirks) mean = {0.0}, std = {1.0};

  FrameScores frame_scores(directions, frames);
  const int64_t images = predict_views(
      classify, dataset, directions * frames,
      [&](const torch::Tensor& image, int64_t) {
        std::vector<torch::Tensor> views;
        for (const auto direction : shifts.directions) {
          for (const auto& w : data::shifted_windows(image, shifts.size, shifts.max_shift, shifts.pixel_divide, direction))
            views.push_back(data::normalize(w, mean, std));
        }
        return torch::stack(views);
      },
      [&](const torch::Tensor& logits, const torch::Tensor&, const torch::Tensor& indices) {
        frame_scores.add(logits, indices);
      },
      options, failures);

  ShiftScores scores;
  scores.images = images;
  frame_scores.finish(shifts.directions, max_step, scores.kl, scores.flip_rates, scores.per_image);
  return scores;
}

ConsistencyScores evaluate_consistency(const Classifier& classify, const data::Dataset& dataset,
                                       const ConsistencyOptions& consistency,
                            const PredictOptions& options, std::vector<data::LoadFailure>* failures) {
  const int64_t size = consistency.size;
  const int64_t resize = consistency.resize > 0 ? consistency.resize : default_tencrop_resize(size);
  WAVETWIN_CHECK(resize > size, "consistency: resize ", resize, " for crops of ", size, "; expected > ", size);
  const auto [mean, std] = normalisation(consistency.mean, consistency.std, size, dataset.channels());
  Agreement agreement;
  predict_views(
      classify, dataset, 2,
      [&](const torch::Tensor& image, int64_t index) {
        const torch::Tensor square = data::center_crop(data::resize_shorter(image, resize), resize, resize);
        data::SampleRandom random(consistency.seed, 0, static_cast<uint64_t>(consistency.first_index + index));
        std::vector<torch::Tensor> views;
        for (int view = 0; view < 2; ++view) {
          const int64_t top = random.integer(0, resize - size - 1), left = random.integer(0, resize - size - 1);
          views.push_back(data::normalize(data::crop(square, top, left, size, size).contiguous(), mean, std));
        }
        return torch::stack(views);
      },
      [&](const torch::Tensor& logits, const torch::Tensor&, const torch::Tensor& indices) {
        agreement.add(logits.argmax(2), indices);
      },
      options, failures);
  return agreement.finish();
}

CircularScores evaluate_circular(const Classifier& classify, const data::Dataset& dataset, const CircularOptions& circular,
                                 const PredictOptions& options, std::vector<data::LoadFailure>* failures) {
  WAVETWIN_CHECK(!circular.directions.empty(), "circular shifts: no direction; expected vertical, horizontal or diagonal");
  WAVETWIN_CHECK(circular.max_shift >= 1 && circular.size >= 1, "circular shifts: max shift ", circular.max_shift,
                 ", size ", circular.size, "; expected both >= 1");
  const int64_t frames = circular.max_shift + 1, size = circular.size;
  const int64_t max_step = circular.max_step > 0 ? circular.max_step : default_max_step(size);
  WAVETWIN_CHECK(max_step < frames, "circular shifts: max step ", max_step, " for ", frames, " frames; expected < ",
                 frames);
  const int64_t directions = static_cast<int64_t>(circular.directions.size());
  data::TransformOptions view = data::default_transform(false, size, dataset.channels());
  std::tie(view.mean, view.std) = normalisation(circular.mean, circular.std, size, dataset.channels());
  view.resize = circular.resize;

  FrameScores frame_scores(directions, frames);
  Agreement agreement;
  const int64_t images = predict_views(
      classify, dataset, directions * frames + 2,
      [&](const torch::Tensor& image, int64_t index) {
        data::SampleRandom random(circular.seed, 0, static_cast<uint64_t>(circular.first_index + index));
        const torch::Tensor x = data::transform_image(image, view, random);  // (C, size, size)
        std::vector<torch::Tensor> views;
        for (const auto direction : circular.directions) {
          const int64_t dy = direction == data::ShiftDirection::kHorizontal ? 0 : 1;
          const int64_t dx = direction == data::ShiftDirection::kVertical ? 0 : 1;
          for (int64_t k = 0; k < frames; ++k) views.push_back(torch::roll(x, {k * dy, k * dx}, {1, 2}));
        }
        for (int draw = 0; draw < 2; ++draw) {
          const int64_t dy = random.integer(0, size - 1), dx = random.integer(0, size - 1);
          views.push_back(torch::roll(x, {dy, dx}, {1, 2}));
        }
        return torch::stack(views);
      },
      [&](const torch::Tensor& logits, const torch::Tensor&, const torch::Tensor& indices) {
        frame_scores.add(logits, indices);
        agreement.add(logits.narrow(1, directions * frames, 2).argmax(2), indices);
      },
      options, failures);

  CircularScores scores;
  scores.images = images;
  frame_scores.finish(circular.directions, max_step, scores.kl, scores.flip_rates, scores.per_image);
  const ConsistencyScores agreed = agreement.finish();
  scores.consistency = agreed.consistency;
  scores.agree = agreed.agree;
  return scores;
}

}  // namespace wavetwin::eval
