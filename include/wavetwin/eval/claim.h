// wavetwin/eval/claim.h: a published claim that one model scores lower (or higher) than another, checked on
// their evaluations by the paired comparison of eval/comparison.h: supported, contradicted, or not told apart
// at the chosen level.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "wavetwin/eval/comparison.h"

namespace wavetwin::eval {

enum class Verdict {
  kSupports,     ///< significant, in the claimed direction
  kCannotTell,   ///< not significant at the level
  kContradicts,  ///< significant, against the claimed direction
  kNotMeasured,  ///< a run lacks per-image values of the metric, or the two share no image
};

/// "supports", "cannot tell", "contradicts", "not measured".
std::string verdict_name(Verdict verdict);

/// Example: `{.statement = "CMod is more shift-invariant than RMax (P1)", .run = "R18wy_mod",
/// .baseline = "R18wy", .metric = runs::Metric::kFlipRate}`
struct Claim {
  std::string statement;
  std::string run, baseline;  ///< run names
  runs::Metric metric = runs::Metric::kOnecropTop1;
  bool lower = true;  ///< claimed: the run's score lower than the baseline's (false: higher)
};

struct ClaimCheck {
  Claim claim;
  Verdict verdict = Verdict::kNotMeasured;
  std::optional<ScoreComparison> comparison;  ///< run - baseline; none when not measured
};

/// A claim as JSON, {"statement", "run", "baseline", "metric" (runs::metric_name), "claimed": "lower" or
/// "higher"}, as results.json and claims files hold it, and back; from_json throws wavetwin::Error naming the
/// key at fault (other keys are ignored).
void to_json(nlohmann::ordered_json& json, const Claim& claim);
void from_json(const nlohmann::json& json, Claim& claim);

/// The claims of a JSON file: an array of objects {"statement", "run", "baseline", "metric" (a name of
/// runs::parse_metric), "claimed": "lower" or "higher"}, or a report's results.json, whose "claims" have that
/// form (their other keys are ignored), so that a report's claims can be checked again on other runs. Throws
/// wavetwin::Error naming the file, the claim and what is wrong.
std::vector<Claim> read_claims(const std::string& path);

/// The claim on the runs' recorded scores (compare_scores of `run` against `baseline`).
ClaimCheck check_claim(const Claim& claim, const std::vector<runs::Score>& run,
                       const std::vector<runs::Score>& baseline, runs::Split split, const BootstrapOptions& options);

}  // namespace wavetwin::eval
