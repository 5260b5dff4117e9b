// src/train/run_store.cpp: the SQLite run store.
#include "wavetwin/train/run_store.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <regex>
#include <sstream>

#include "wavetwin/error.h"

#ifndef WAVETWIN_CODE_VERSION
#define WAVETWIN_CODE_VERSION "unknown"
#endif

namespace wavetwin::train {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, spec TEXT, dataset TEXT, recipe TEXT, options TEXT,
  code_version TEXT, status TEXT, created TEXT, updated TEXT, seconds REAL);
CREATE TABLE IF NOT EXISTS epochs (
  run INTEGER REFERENCES runs(id) ON DELETE CASCADE, epoch INTEGER, train_loss REAL, lr REAL, val_top1 REAL,
  val_top5 REAL, seconds REAL, images_per_second REAL, PRIMARY KEY (run, epoch));
CREATE TABLE IF NOT EXISTS checkpoints (
  run INTEGER REFERENCES runs(id) ON DELETE CASCADE, kind TEXT, epoch INTEGER, path TEXT,
  PRIMARY KEY (run, kind, epoch));
CREATE TABLE IF NOT EXISTS scores (
  run INTEGER REFERENCES runs(id) ON DELETE CASCADE, checkpoint TEXT, metric TEXT, value REAL,
  PRIMARY KEY (run, checkpoint, metric));
)";

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// A prepared statement with positional bindings, finalised on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    WAVETWIN_CHECK(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) == SQLITE_OK, "run store: ",
                   sqlite3_errmsg(db), " in: ", sql);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), -1, SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  /// Steps once; true while a row is available.
  bool step() {
    const int code = sqlite3_step(stmt_);
    WAVETWIN_CHECK(code == SQLITE_ROW || code == SQLITE_DONE, "run store: ", sqlite3_errmsg(db_));
    return code == SQLITE_ROW;
  }
  std::string text(int i) const {
    const unsigned char* t = sqlite3_column_text(stmt_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }
  double real(int i) const { return sqlite3_column_double(stmt_, i); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kRunColumns =
    "id, name, spec, dataset, recipe, options, code_version, status, created, updated, seconds";

RunRecord read_run(const Statement& s) {
  RunRecord r;
  r.id = s.integer(0), r.name = s.text(1), r.spec = s.text(2), r.dataset = s.text(3), r.recipe = s.text(4);
  r.options = s.text(5), r.code_version = s.text(6), r.status = s.text(7), r.created = s.text(8);
  r.updated = s.text(9), r.seconds = s.real(10);
  return r;
}

std::string json_number(double v) {
  std::ostringstream out;
  out.precision(10);
  out << v;
  return out.str();
}

}  // namespace

std::string code_version() { return WAVETWIN_CODE_VERSION; }

std::optional<int64_t> json_integer(const std::string& json, const std::string& key) {
  std::smatch match;
  if (!std::regex_search(json, match, std::regex("\"" + key + "\": (-?[0-9]+)"))) return std::nullopt;
  return std::stoll(match[1]);
}

std::string json_quote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char code[8];
          std::snprintf(code, sizeof code, "\\u%04x", c);
          out += code;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

RunStore::RunStore(const std::string& path) : path_(path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    WAVETWIN_FAIL(path, ": cannot open the run store (", message, ")");
  }
  sqlite3_busy_timeout(db_, 10000);
  try {
    exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;");
    exec(kSchema);
  } catch (const Error& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    WAVETWIN_FAIL(path, ": not a wavetwin run store (", e.what(), ")");
  }
}

RunStore::~RunStore() { sqlite3_close(db_); }

void RunStore::exec(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    WAVETWIN_FAIL("run store ", path_, ": ", text);
  }
}

int64_t RunStore::create_run(const RunRecord& run) {
  WAVETWIN_CHECK(!find(run.name), "run store ", path_, ": a run named '", run.name,
                 "' exists; expected a new name, --resume to continue it, or `wavetwin runs rm ", run.name, "`");
  const std::string now = now_utc();
  Statement(db_,
            "INSERT INTO runs (name, spec, dataset, recipe, options, code_version, status, created, updated, seconds) "
            "VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, 0)")
      .bind(1, run.name).bind(2, run.spec).bind(3, run.dataset).bind(4, run.recipe).bind(5, run.options)
      .bind(6, run.code_version).bind(7, now).bind(8, now).step();
  return sqlite3_last_insert_rowid(db_);
}

std::optional<RunRecord> RunStore::find(const std::string& name) const {
  Statement s(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE name = ?");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return read_run(s);
}

RunRecord RunStore::get(const std::string& name) const {
  const auto run = find(name);
  WAVETWIN_CHECK(run.has_value(), "run store ", path_, ": no run named '", name, "'; expected one of `wavetwin runs list`");
  return *run;
}

std::vector<RunRecord> RunStore::list() const {
  Statement s(db_, std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id");
  std::vector<RunRecord> runs;
  while (s.step()) runs.push_back(read_run(s));
  return runs;
}

void RunStore::set_status(int64_t run, const std::string& status, double seconds) {
  Statement(db_, "UPDATE runs SET status = ?, seconds = ?, updated = ? WHERE id = ?")
      .bind(1, status).bind(2, seconds).bind(3, now_utc()).bind(4, run).step();
}

void RunStore::put_epoch(int64_t run, const EpochRecord& e) {
  Statement(db_, "INSERT OR REPLACE INTO epochs VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, run).bind(2, e.epoch).bind(3, e.train_loss).bind(4, e.lr).bind(5, e.val_top1).bind(6, e.val_top5)
      .bind(7, e.seconds).bind(8, e.images_per_second).step();
}

std::vector<EpochRecord> RunStore::epochs(int64_t run) const {
  Statement s(db_, "SELECT epoch, train_loss, lr, val_top1, val_top5, seconds, images_per_second FROM epochs "
                   "WHERE run = ? ORDER BY epoch");
  s.bind(1, run);
  std::vector<EpochRecord> out;
  while (s.step()) out.push_back({s.integer(0), s.real(1), s.real(2), s.real(3), s.real(4), s.real(5), s.real(6)});
  return out;
}

void RunStore::put_checkpoint(int64_t run, const CheckpointRecord& c) {
  exec("BEGIN IMMEDIATE");
  try {
    if (c.kind != "epoch") Statement(db_, "DELETE FROM checkpoints WHERE run = ? AND kind = ?").bind(1, run).bind(2, c.kind).step();
    Statement(db_, "INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?, ?)")
        .bind(1, run).bind(2, c.kind).bind(3, c.epoch).bind(4, c.path).step();
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

std::vector<CheckpointRecord> RunStore::checkpoints(int64_t run) const {
  Statement s(db_, "SELECT kind, epoch, path FROM checkpoints WHERE run = ? ORDER BY epoch, kind");
  s.bind(1, run);
  std::vector<CheckpointRecord> out;
  while (s.step()) out.push_back({s.text(0), s.integer(1), s.text(2)});
  return out;
}

void RunStore::put_score(int64_t run, const ScoreRecord& score) {
  Statement(db_, "INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?)")
      .bind(1, run).bind(2, score.checkpoint).bind(3, score.metric).bind(4, score.value).step();
}

std::vector<ScoreRecord> RunStore::scores(int64_t run) const {
  Statement s(db_, "SELECT checkpoint, metric, value FROM scores WHERE run = ? ORDER BY checkpoint, metric");
  s.bind(1, run);
  std::vector<ScoreRecord> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.real(2)});
  return out;
}

void RunStore::remove(const std::string& name) {
  const RunRecord run = get(name);
  Statement(db_, "DELETE FROM runs WHERE id = ?").bind(1, run.id).step();
}

std::string RunStore::export_json(const std::string& name) const {
  const RunRecord r = get(name);
  std::ostringstream out;
  out << "{\n  \"name\": " << json_quote(r.name) << ",\n  \"spec\": " << json_quote(r.spec)
      << ",\n  \"dataset\": " << json_quote(r.dataset) << ",\n  \"recipe\": " << json_quote(r.recipe)
      << ",\n  \"options\": " << (r.options.empty() ? "{}" : r.options)
      << ",\n  \"code_version\": " << json_quote(r.code_version) << ",\n  \"status\": " << json_quote(r.status)
      << ",\n  \"created\": " << json_quote(r.created) << ",\n  \"updated\": " << json_quote(r.updated)
      << ",\n  \"seconds\": " << json_number(r.seconds) << ",\n  \"epochs\": [";
  const auto epochs_list = epochs(r.id);
  for (size_t i = 0; i < epochs_list.size(); ++i) {
    const auto& e = epochs_list[i];
    out << (i ? "," : "") << "\n    {\"epoch\": " << e.epoch << ", \"train_loss\": " << json_number(e.train_loss)
        << ", \"lr\": " << json_number(e.lr) << ", \"val_top1\": " << json_number(e.val_top1)
        << ", \"val_top5\": " << json_number(e.val_top5) << ", \"seconds\": " << json_number(e.seconds)
        << ", \"images_per_second\": " << json_number(e.images_per_second) << "}";
  }
  out << "\n  ],\n  \"checkpoints\": [";
  const auto checkpoint_list = checkpoints(r.id);
  for (size_t i = 0; i < checkpoint_list.size(); ++i) {
    const auto& c = checkpoint_list[i];
    out << (i ? "," : "") << "\n    {\"kind\": " << json_quote(c.kind) << ", \"epoch\": " << c.epoch
        << ", \"path\": " << json_quote(c.path) << "}";
  }
  out << "\n  ],\n  \"scores\": [";
  const auto score_list = scores(r.id);
  for (size_t i = 0; i < score_list.size(); ++i) {
    const auto& s = score_list[i];
    out << (i ? "," : "") << "\n    {\"checkpoint\": " << json_quote(s.checkpoint) << ", \"metric\": "
        << json_quote(s.metric) << ", \"value\": " << json_number(s.value) << "}";
  }
  out << "\n  ]\n}\n";
  return out.str();
}

}  // namespace wavetwin::train
