// src/eval/claim.cpp: a claim checked on two evaluations.
#include "wavetwin/eval/claim.h"

namespace wavetwin::eval {

std::string verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSupports: return "supports";
    case Verdict::kCannotTell: return "cannot tell";
    case Verdict::kContradicts: return "contradicts";
    case Verdict::kNotMeasured: return "not measured";
  }
  return "not measured";
}

ClaimCheck check_claim(const Claim& claim, const std::vector<runs::Score>& run,
                       const std::vector<runs::Score>& baseline, runs::Split split, const BootstrapOptions& options) {
  ClaimCheck check{claim, Verdict::kNotMeasured, compare_scores(run, baseline, split, claim.metric, options)};
  if (!check.comparison) return check;
  const double difference = check.comparison->difference.difference;
  if (!check.comparison->significant || difference == 0) {
    check.verdict = Verdict::kCannotTell;
  } else {
    check.verdict = (difference < 0) == claim.lower ? Verdict::kSupports : Verdict::kContradicts;
  }
  return check;
}

}  // namespace wavetwin::eval
