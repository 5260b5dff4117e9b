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
constexpr const char* kLower = "lower";
constexpr const char* kHigher = "higher";

std::string text_member(const nlohmann::json& claim, const char* key) {
  const auto it = claim.find(key);
  WAVETWIN_CHECK(it != claim.end() && it->is_string() && !it->get<std::string>().empty(), "\"", key,
                 "\" missing or not a non-empty string; expected ", kClaimForm);
  return it->get<std::string>();
}

}  // namespace

void to_json(nlohmann::ordered_json& json, const Claim& claim) {
  json = {{"statement", claim.statement}, {"run", claim.run}, {"baseline", claim.baseline},
          {"metric", runs::metric_name(claim.metric)}, {"claimed", claim.lower ? kLower : kHigher}};
}

void from_json(const nlohmann::json& json, Claim& claim) {
  WAVETWIN_CHECK(json.is_object(), json.type_name(), "; expected ", kClaimForm);
  claim.statement = text_member(json, "statement"), claim.run = text_member(json, "run");
  claim.baseline = text_member(json, "baseline");
  claim.metric = runs::parse_metric(text_member(json, "metric"));
  const std::string claimed = text_member(json, "claimed");
  WAVETWIN_CHECK(claimed == kLower || claimed == kHigher, "\"claimed\": \"", claimed, "\"; expected \"", kLower,
                 "\" or \"", kHigher, "\"");
  claim.lower = claimed == kLower;
}

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
    try {
      claims.push_back(json[i].get<Claim>());
    } catch (const Error& e) {
      throw Error("claims file " + path + ", claim " + std::to_string(i + 1) + ": " + e.what());
    }
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
