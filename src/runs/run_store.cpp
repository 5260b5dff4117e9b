// src/runs/run_store.cpp: the SQLite run store.
#include "wavetwin/runs/run_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <tuple>

#include "wavetwin/error.h"
#include "wavetwin/fault.h"
#include "wavetwin/runs/run_lock.h"

namespace wavetwin::runs {

// Generated at build time (cmake/code_version.cmake).
const char* built_code_version();

namespace {

// Version 1: typed columns (runs.size, runs.holdout, runs.failure; scores by split, metric, direction, step;
// NULL for a missing validation or a non-finite score). Version 2: each score's interval (low, high) and its
// per-image values (images: int32 dataset indices, per_image: float64, native byte order). Older stores are
// migrated by RunStore::migrate.
constexpr int kSchemaVersion = 2;
constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, spec TEXT, dataset TEXT, recipe TEXT, options TEXT,
  code_version TEXT, status TEXT, created TEXT, updated TEXT, seconds REAL, size INTEGER, holdout INTEGER,
  failure TEXT);
CREATE TABLE IF NOT EXISTS epochs (
  run INTEGER REFERENCES runs(id) ON DELETE CASCADE, epoch INTEGER, train_loss REAL, lr REAL, val_top1 REAL,
  val_top5 REAL, seconds REAL, images_per_second REAL, PRIMARY KEY (run, epoch));
CREATE TABLE IF NOT EXISTS checkpoints (
  run INTEGER REFERENCES runs(id) ON DELETE CASCADE, kind TEXT, epoch INTEGER, path TEXT,
  PRIMARY KEY (run, kind, epoch));
CREATE TABLE IF NOT EXISTS scores (
  run INTEGER REFERENCES runs(id) ON DELETE CASCADE, checkpoint TEXT NOT NULL, split TEXT NOT NULL,
  metric TEXT NOT NULL, direction TEXT, step INTEGER, value REAL, low REAL, high REAL, images BLOB, per_image BLOB);
CREATE INDEX IF NOT EXISTS scores_by_run ON scores (run, checkpoint, split, metric);
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
    WAVETWIN_CHECK(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) == SQLITE_OK, "run store ",
                   sqlite3_db_filename(db, "main"), ": ", sqlite3_errmsg(db), " in: ", sql);
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
  /// A non-finite number is stored as NULL.
  Statement& bind(int i, double v) {
    if (std::isfinite(v)) sqlite3_bind_double(stmt_, i, v);
    else sqlite3_bind_null(stmt_, i);
    return *this;
  }
  template <typename T>
  Statement& bind(int i, const std::optional<T>& v) {
    if (v) return bind(i, *v);
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  /// Steps once; true while a row is available.
  bool step() {
    const int code = sqlite3_step(stmt_);
    WAVETWIN_CHECK(code == SQLITE_ROW || code == SQLITE_DONE, "run store ", sqlite3_db_filename(db_, "main"), ": ",
                   sqlite3_errmsg(db_));
    return code == SQLITE_ROW;
  }
  bool null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::string text(int i) const {
    const unsigned char* t = sqlite3_column_text(stmt_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }
  double real(int i) const { return null(i) ? std::nan("") : sqlite3_column_double(stmt_, i); }
  std::optional<int64_t> optional_integer(int i) const {
    return null(i) ? std::nullopt : std::optional<int64_t>(integer(i));
  }
  std::optional<double> optional_real(int i) const { return null(i) ? std::nullopt : std::optional<double>(real(i)); }
  // A vector of numbers as a BLOB of their bytes (NULL when empty), and back.
  template <typename T>
  Statement& bind_blob(int i, const std::vector<T>& v) {
    if (v.empty()) {
      sqlite3_bind_null(stmt_, i);
    } else {
      sqlite3_bind_blob64(stmt_, i, v.data(), v.size() * sizeof(T), SQLITE_TRANSIENT);
    }
    return *this;
  }
  template <typename T>
  std::vector<T> blob(int i) const {
    if (null(i)) return {};
    const auto* data = static_cast<const T*>(sqlite3_column_blob(stmt_, i));
    const auto bytes = static_cast<size_t>(sqlite3_column_bytes(stmt_, i));
    return std::vector<T>(data, data + bytes / sizeof(T));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kRunColumns =
    "id, name, spec, dataset, recipe, options, code_version, status, created, updated, seconds, size, holdout, failure";

nlohmann::json parse_options(const std::string& text) {
  if (text.empty()) return nlohmann::json::object();
  nlohmann::json options = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  WAVETWIN_CHECK(!options.is_discarded(), "run store: a run's options are not JSON: ", text.substr(0, 80));
  return options;
}

RunRecord read_run(const Statement& s) {
  RunRecord r;
  r.id = s.integer(0), r.name = s.text(1), r.spec = s.text(2), r.dataset = s.text(3), r.recipe = s.text(4);
  r.options = parse_options(s.text(5));
  r.code_version = s.text(6), r.status = parse_status(s.text(7)), r.created = s.text(8);
  r.updated = s.text(9), r.seconds = s.real(10), r.size = s.integer(11), r.holdout = s.optional_integer(12);
  r.failure = s.text(13);
  return r;
}

// A number for JSON: nlohmann-json writes NaN and infinities as null.
nlohmann::json optional_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// Version 0's score names ("val/kl/vertical/3", "test/fr/pixel_divide", "test/shifts/reference_quirks") as
// typed scores; only the migration reads them.
std::optional<Score> legacy_score(const std::string& checkpoint, const std::string& name, double value) {
  std::vector<std::string> parts;
  for (size_t begin = 0;;) {
    const size_t end = name.find('/', begin);
    parts.push_back(name.substr(begin, end - begin));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  if (parts.size() < 2 || (parts[0] != "test" && parts[0] != "val")) return std::nullopt;
  Score s;
  s.checkpoint = checkpoint, s.split = parse_split(parts[0]), s.value = value;
  const std::string kind = parts[1] == "fr" ? "flip_rate" : parts[1];
  if (parts.size() == 2) {
    s.metric = parse_metric(parts[1]);
  } else if (parts.size() == 3 && parts[2] == "pixel_divide") {
    s.metric = kind == "kl" ? Metric::kKlPixelDivide : Metric::kFlipRatePixelDivide;
  } else if (parts.size() == 3 && parts[2] == "reference_quirks") {
    s.metric = Metric::kReferenceQuirks;
  } else if (parts.size() == 4 && !parts[3].empty() && parts[3].size() < 10 &&
             std::all_of(parts[3].begin(), parts[3].end(), [](char c) { return c >= '0' && c <= '9'; })) {
    s.metric = parse_metric(kind);
    s.direction = data::parse_shift_direction(parts[2]);
    s.step = std::stoll(parts[3]);
  } else {
    return std::nullopt;
  }
  return s;
}

}  // namespace

std::string code_version() { return built_code_version(); }

std::optional<uint64_t> run_seed(const RunRecord& run) {
  const auto seed = run.options.find("seed");
  if (seed == run.options.end() || !seed->is_number_integer()) return std::nullopt;
  if (seed->is_number_unsigned()) return seed->get<uint64_t>();
  // Written as uint64_t and read back from the store unsigned; a signed one was written by hand.
  const int64_t value = seed->get<int64_t>();
  return value >= 0 ? std::optional<uint64_t>(static_cast<uint64_t>(value)) : std::nullopt;
}

bool trained_alike(const RunRecord& a, const RunRecord& b) {
  // What decides the model trained, beside the seed; the options of older stores lack some (null alike).
  const auto setting = [](const RunRecord& run, const char* key) { return run.options.value(key, nlohmann::json()); };
  for (const char* key : {"recipe", "train_images", "sync_batch_norm"}) {
    if (setting(a, key) != setting(b, key)) return false;
  }
  return a.spec == b.spec && a.dataset == b.dataset;
}

std::string status_name(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning: return "running";
    case RunStatus::kInterrupted: return "interrupted";
    case RunStatus::kFinished: return "finished";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kKilled: return "killed";
  }
  return "running";
}

RunStatus parse_status(const std::string& name) {
  for (const RunStatus s : {RunStatus::kRunning, RunStatus::kInterrupted, RunStatus::kFinished, RunStatus::kFailed,
                            RunStatus::kKilled}) {
    if (status_name(s) == name) return s;
  }
  WAVETWIN_FAIL("run status '", name, "': unknown; expected running, interrupted, finished, failed or killed");
}

std::string checkpoint_kind_name(CheckpointKind kind) {
  return kind == CheckpointKind::kLast ? "last" : kind == CheckpointKind::kBest ? "best" : "epoch";
}

CheckpointKind parse_checkpoint_kind(const std::string& name) {
  if (name == "last") return CheckpointKind::kLast;
  if (name == "best") return CheckpointKind::kBest;
  WAVETWIN_CHECK(name == "epoch", "run store: checkpoint kind '", name, "'; expected last, best or epoch");
  return CheckpointKind::kEpoch;
}

std::string checkpoint_label(const CheckpointRecord& c) {
  return c.kind == CheckpointKind::kEpoch ? "epoch-" + std::to_string(c.epoch) : checkpoint_kind_name(c.kind);
}

RunStore::RunStore(const std::string& path, bool create) : path_(path) {
  WAVETWIN_CHECK(!std::filesystem::is_directory(path), path, ": a folder; expected the run store's file (--store DIR/runs.db)");
  WAVETWIN_CHECK(create || std::filesystem::exists(path), path,
                 ": no such run store; expected the --store of a wavetwin train run");
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (create && !parent.empty()) std::filesystem::create_directories(parent, error);
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), nullptr) !=
      SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    WAVETWIN_FAIL(path, ": cannot open the run store (", message, ")");
  }
  sqlite3_busy_timeout(db_, 10000);
  try {
    {
      Statement check(db_, "PRAGMA quick_check");
      check.step();
      WAVETWIN_CHECK(check.text(0) == "ok", "integrity check: ", check.text(0));
    }
    {
      // Only a new (empty) file becomes a store: a reader never creates one, nor is another program's database used.
      Statement tables(db_, "SELECT count(*), sum(name = 'runs') FROM sqlite_master WHERE type = 'table'");
      tables.step();
      WAVETWIN_CHECK(tables.integer(1) > 0 || (create && tables.integer(0) == 0),
                     tables.integer(0) == 0 ? "an empty database" : "a database of something else: no runs table");
    }
    // After the checks: setting WAL writes to the file, and a reader leaves what is not a store as it was.
    exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;");
    migrate();
  } catch (const Error& e) {
    const int code = sqlite3_extended_errcode(db_) & 0xff;
    sqlite3_close(db_);
    db_ = nullptr;
    if (code == SQLITE_READONLY || code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CANTOPEN ||
        code == SQLITE_PERM) {
      // SQLite's words ("unable to open database file") do not say why; the folder's may.
      const std::string folder = parent.empty() ? std::string(".") : parent.string();
      const std::string cause = ::access(folder.c_str(), W_OK) != 0 ? std::string(std::strerror(errno)) + ": " : "";
      WAVETWIN_FAIL(path, ": cannot write the run store (", cause, e.what(), "); expected a writable disk with free space");
    }
    WAVETWIN_FAIL(path, ": not a wavetwin run store, or a damaged one (", e.what(), ")");
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

void RunStore::migrate() {
  const auto version = [&] {
    Statement s(db_, "PRAGMA user_version");
    s.step();
    return s.integer(0);
  };
  if (version() >= kSchemaVersion) return;
  exec("BEGIN IMMEDIATE");
  try {
    if (version() >= kSchemaVersion) {  // another process migrated it meanwhile
      exec("COMMIT");
      return;
    }
    const bool has_runs = [&] {
      Statement s(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'runs'");
      s.step();
      return s.integer(0) > 0;
    }();
    if (has_runs && version() == 1) {
      exec("ALTER TABLE scores ADD COLUMN low REAL; ALTER TABLE scores ADD COLUMN high REAL; "
           "ALTER TABLE scores ADD COLUMN images BLOB; ALTER TABLE scores ADD COLUMN per_image BLOB;");
    } else if (has_runs) {
      // Version 0: untyped statuses, -1 for "no validation", options as the only record of size and hold-out,
      // scores named by strings.
      exec("ALTER TABLE runs ADD COLUMN size INTEGER; ALTER TABLE runs ADD COLUMN holdout INTEGER; "
           "ALTER TABLE runs ADD COLUMN failure TEXT; ALTER TABLE scores RENAME TO scores_v0; "
           "UPDATE epochs SET val_top1 = NULL, val_top5 = NULL WHERE val_top1 < 0;");
      exec(kSchema);
      // Each query is read whole (and its statement finalised) before the tables change.
      std::vector<std::tuple<int64_t, std::string, std::string>> runs;
      for (Statement s(db_, "SELECT id, options, status FROM runs"); s.step();) {
        runs.emplace_back(s.integer(0), s.text(1), s.text(2));
      }
      for (const auto& [id, text, status] : runs) {
        const nlohmann::json recipe = parse_options(text).value("recipe", nlohmann::json::object());
        const int64_t holdout = recipe.value("holdout", int64_t{-1});
        const bool failed = status.rfind("failed", 0) == 0;
        Statement(db_, "UPDATE runs SET size = ?, holdout = ?, status = ?, failure = ? WHERE id = ?")
            .bind(1, recipe.value("size", int64_t{224}))
            .bind(2, holdout >= 0 ? std::optional<int64_t>(holdout) : std::nullopt)
            .bind(3, failed ? std::string("failed") : status)
            .bind(4, failed && status.size() > 8 ? status.substr(8) : std::string())
            .bind(5, id)
            .step();
      }
      std::vector<std::pair<int64_t, Score>> scores;
      for (Statement s(db_, "SELECT run, checkpoint, metric, value FROM scores_v0"); s.step();) {
        if (const auto score = legacy_score(s.text(1), s.text(2), s.real(3))) scores.emplace_back(s.integer(0), *score);
      }
      for (const auto& [run, score] : scores) put_scores(run, {score});
      exec("DROP TABLE scores_v0");
    } else {
      exec(kSchema);
    }
    exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

int64_t RunStore::create_run(const RunRecord& run) {
  WAVETWIN_CHECK(!find(run.name), "run store ", path_, ": a run named '", run.name,
                 "' exists; expected a new name, --resume to continue it, or `wavetwin runs rm ", run.name, "`");
  const std::string now = now_utc();
  Statement(db_,
            "INSERT INTO runs (name, spec, dataset, recipe, options, code_version, status, created, updated, seconds, "
            "size, holdout, failure) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, 0, ?, ?, '')")
      .bind(1, run.name).bind(2, run.spec).bind(3, run.dataset).bind(4, run.recipe).bind(5, run.options.dump())
      .bind(6, run.code_version).bind(7, now).bind(8, now).bind(9, run.size).bind(10, run.holdout).step();
  return sqlite3_last_insert_rowid(db_);
}

std::optional<RunRecord> RunStore::find(const std::string& name) const {
  Statement s(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE name = ?");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return observed(read_run(s));
}

RunRecord RunStore::observed(RunRecord run) const {
  if (run.status == RunStatus::kRunning && !RunLock::held(run_lock_path(path_, run.name))) run.status = RunStatus::kKilled;
  return run;
}

void RunStore::transaction(const std::function<void()>& body) {
  const bool own = sqlite3_get_autocommit(db_) != 0;
  if (own) exec("BEGIN IMMEDIATE");
  try {
    body();
    if (own) fault_point("store.commit");
    if (own) exec("COMMIT");
  } catch (...) {
    if (own) exec("ROLLBACK");
    throw;
  }
}

RunRecord RunStore::get(const std::string& name) const {
  const auto run = find(name);
  WAVETWIN_CHECK(run.has_value(), "run store ", path_, ": no run named '", name, "'; expected one of `wavetwin runs list`");
  return *run;
}

std::vector<RunRecord> RunStore::list() const {
  Statement s(db_, std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id");
  std::vector<RunRecord> runs;
  while (s.step()) runs.push_back(observed(read_run(s)));
  return runs;
}

void RunStore::set_status(int64_t run, RunStatus status, double seconds, const std::string& failure) {
  Statement(db_, "UPDATE runs SET status = ?, failure = ?, seconds = ?, updated = ? WHERE id = ?")
      .bind(1, status_name(status)).bind(2, failure).bind(3, seconds).bind(4, now_utc()).bind(5, run).step();
}

void RunStore::set_options(int64_t run, const nlohmann::json& options) {
  Statement(db_, "UPDATE runs SET options = ?, updated = ? WHERE id = ?").bind(1, options.dump()).bind(2, now_utc())
      .bind(3, run).step();
}

void RunStore::record_epoch(int64_t run, const EpochRecord& epoch, const std::vector<CheckpointRecord>& checkpoints,
                            double seconds) {
  transaction([&] {
    put_epoch(run, epoch);
    for (const auto& c : checkpoints) put_checkpoint(run, c);
    set_status(run, RunStatus::kRunning, seconds);
  });
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
  while (s.step()) {
    out.push_back({s.integer(0), s.real(1), s.real(2), s.optional_real(3), s.optional_real(4), s.real(5), s.real(6)});
  }
  return out;
}

void RunStore::put_checkpoint(int64_t run, const CheckpointRecord& c) {
  transaction([&] {
    if (c.kind != CheckpointKind::kEpoch) {
      Statement(db_, "DELETE FROM checkpoints WHERE run = ? AND kind = ?").bind(1, run).bind(2, checkpoint_kind_name(c.kind)).step();
    }
    Statement(db_, "INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?, ?)")
        .bind(1, run).bind(2, checkpoint_kind_name(c.kind)).bind(3, c.epoch).bind(4, c.path).step();
  });
}

std::vector<CheckpointRecord> RunStore::checkpoints(int64_t run) const {
  Statement s(db_, "SELECT kind, epoch, path FROM checkpoints WHERE run = ? ORDER BY epoch, kind");
  s.bind(1, run);
  std::vector<CheckpointRecord> out;
  while (s.step()) out.push_back({parse_checkpoint_kind(s.text(0)), s.integer(1), s.text(2)});
  return out;
}

void RunStore::put_scores(int64_t run, const std::vector<Score>& scores) {
  transaction([&] {
    for (const auto& score : scores) {
      const std::optional<std::string> direction =
          score.direction ? std::optional<std::string>(data::shift_direction_name(*score.direction)) : std::nullopt;
      Statement(db_, "DELETE FROM scores WHERE run = ? AND checkpoint = ? AND split = ? AND metric = ? AND "
                     "direction IS ? AND step IS ?")
          .bind(1, run).bind(2, score.checkpoint).bind(3, split_name(score.split)).bind(4, metric_name(score.metric))
          .bind(5, direction).bind(6, score.step).step();
      WAVETWIN_CHECK(score.images.size() == score.per_image.size(), "run store ", path_, ": score ",
                     metric_name(score.metric), " with ", score.images.size(), " image indices and ",
                     score.per_image.size(), " per-image values; expected as many of each");
      Statement(db_, "INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .bind(1, run).bind(2, score.checkpoint).bind(3, split_name(score.split)).bind(4, metric_name(score.metric))
          .bind(5, direction).bind(6, score.step).bind(7, score.value).bind(8, score.low).bind(9, score.high)
          .bind_blob(10, score.images).bind_blob(11, score.per_image).step();
    }
  });
}

std::vector<Score> RunStore::scores(int64_t run) const {
  Statement s(db_, "SELECT checkpoint, split, metric, direction, step, value, low, high, images, per_image FROM scores "
                   "WHERE run = ? ORDER BY checkpoint, split, metric, direction, step");
  s.bind(1, run);
  std::vector<Score> out;
  while (s.step()) {
    Score score;
    score.checkpoint = s.text(0), score.split = parse_split(s.text(1)), score.metric = parse_metric(s.text(2));
    if (!s.null(3)) score.direction = data::parse_shift_direction(s.text(3));
    score.step = s.optional_integer(4);
    score.value = s.real(5);
    score.low = s.optional_real(6), score.high = s.optional_real(7);
    score.images = s.blob<int32_t>(8), score.per_image = s.blob<double>(9);
    WAVETWIN_CHECK(score.images.size() == score.per_image.size(), "run store ", path_, ": score ", s.text(2), " of ",
                   score.checkpoint, " has ", score.images.size(), " image indices and ", score.per_image.size(),
                   " per-image values; expected as many of each (evaluate it again with `wavetwin eval`)");
    out.push_back(score);
  }
  return out;
}

void RunStore::remove(const std::string& name) {
  const RunRecord run = get(name);
  Statement(db_, "DELETE FROM runs WHERE id = ?").bind(1, run.id).step();
}

nlohmann::json RunStore::export_json(const std::string& name) const {
  const RunRecord r = get(name);
  nlohmann::json out = {{"name", r.name}, {"spec", r.spec}, {"dataset", r.dataset}, {"recipe", r.recipe},
                        {"size", r.size}, {"holdout", r.holdout ? nlohmann::json(*r.holdout) : nlohmann::json()},
                        {"options", r.options}, {"code_version", r.code_version}, {"status", status_name(r.status)},
                        {"failure", r.failure}, {"created", r.created}, {"updated", r.updated},
                        {"seconds", r.seconds}};
  nlohmann::json& epochs_json = out["epochs"] = nlohmann::json::array();
  for (const auto& e : epochs(r.id)) {
    epochs_json.push_back({{"epoch", e.epoch}, {"train_loss", e.train_loss}, {"lr", e.lr},
                           {"val_top1", optional_json(e.val_top1)}, {"val_top5", optional_json(e.val_top5)},
                           {"seconds", e.seconds}, {"images_per_second", e.images_per_second}});
  }
  nlohmann::json& checkpoints_json = out["checkpoints"] = nlohmann::json::array();
  for (const auto& c : checkpoints(r.id)) {
    checkpoints_json.push_back({{"kind", checkpoint_kind_name(c.kind)}, {"epoch", c.epoch}, {"path", c.path}});
  }
  nlohmann::json& scores_json = out["scores"] = nlohmann::json::array();
  for (const auto& s : scores(r.id)) {
    scores_json.push_back({{"checkpoint", s.checkpoint}, {"split", split_name(s.split)},
                           {"metric", metric_name(s.metric)},
                           {"direction", s.direction ? nlohmann::json(data::shift_direction_name(*s.direction))
                                                     : nlohmann::json()},
                           {"step", s.step ? nlohmann::json(*s.step) : nlohmann::json()}, {"value", s.value},
                           {"low", optional_json(s.low)}, {"high", optional_json(s.high)},
                           {"images", s.images.size()}});
  }
  return out;
}

}  // namespace wavetwin::runs
