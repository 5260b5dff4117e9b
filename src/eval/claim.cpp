// src/eval/claim.cpp: a claim checked on two evaluations.
#include "wavetwin/eval/claim.h"

#include <nlohmann/json.hpp>

#include "wavetwin/data/file.h"
#include "wavetwin/error.h"

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

namespace {

constexpr const char* kClaimForm =
    R"({"statement": ..., "run": ..., "baseline": ..., "metric": ..., "claimed": "lower" or "higher"})";

std::string text_member(const nlohmann::json& claim, const char* key, const std::string& where) {
  const auto it = claim.find(key);
  WAVETWIN_CHECK(it != claim.end() && it->is_string() && !it->get<std::string>().empty(), where, ": \"", key,
                 "\" missing or not a non-empty string; expected ", kClaimForm);
  return it->get<std::string>();
}

}  // namespace

std::vector<Claim> read_claims(const std::string& path) {
  const std::vector<char> bytes = data::read_file(path);
  const nlohmann::json file = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  WAVETWIN_CHECK(!file.is_discarded(), "claims file ", path, ": not JSON; expected an array of ", kClaimForm);
  const nlohmann::json& json = file.is_object() && file.contains("claims") ? file["claims"] : file;
  WAVETWIN_CHECK(json.is_array() && !json.empty(), "claims file ", path, ": ", json.type_name(),
                 json.is_array() ? " with no claim" : "", "; expected an array of ", kClaimForm,
                 " (or a report's results.json)");
  std::vector<Claim> claims;
  for (size_t i = 0; i < json.size(); ++i) {
    const std::string where = "claims file " + path + ", claim " + std::to_string(i + 1);
    const nlohmann::json& c = json[i];
    WAVETWIN_CHECK(c.is_object(), where, ": ", c.type_name(), "; expected ", kClaimForm);
    Claim claim{text_member(c, "statement", where), text_member(c, "run", where), text_member(c, "baseline", where)};
    const std::string metric = text_member(c, "metric", where);
    try {
      claim.metric = runs::parse_metric(metric);
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
    const std::string claimed = text_member(c, "claimed", where);
    WAVETWIN_CHECK(claimed == "lower" || claimed == "higher", where, ": \"claimed\": \"", claimed,
                   "\"; expected \"lower\" or \"higher\"");
    claim.lower = claimed == "lower";
    claims.push_back(std::move(claim));
  }
  return claims;
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
