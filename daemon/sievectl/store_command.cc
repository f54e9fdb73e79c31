// `sievectl store inspect|backup|restore|verify`: operations on a feature-set
// store directory.
//   inspect --db PATH [--pipeline NAME] [--limit N] [--json]
//       pipelines, versions, aliases, window and offsets. Read-only; safe while
//       sieved runs (reads through a RocksDB secondary instance).
//   backup --db PATH --to DIR        new incremental, checksummed backup
//   restore --from DIR --db PATH [--backup-id N] [--force]
//   verify --db PATH | --backup DIR  checksums and record-level consistency
// Results go to stdout; errors to stderr with exit code 1.
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "connectors/store/store_admin.h"
#include "connectors/store/version_json.h"
#include "daemon/sievectl/commands.h"

namespace sieve::cli {
namespace {

using json = nlohmann::json;

int Fail(const Status& s) {
  std::cerr << "sievectl store: " << s.ToString() << '\n';
  return kExitFailure;
}

std::string OptionalNumber(const std::optional<uint64_t>& n) {
  return n ? std::to_string(*n) : std::string("-");
}

json OffsetListJson(const std::vector<PartitionOffset>& offsets) {
  json out = json::array();
  for (const auto& o : offsets) {
    out.push_back({{"topic", o.topic}, {"partition", o.partition}, {"next_offset", o.next_offset}});
  }
  return out;
}

json SummaryJson(const PipelineSummary& s) {
  json j = {{"pipeline", s.name},
            {"latest_version", s.latest_version},
            {"active", s.aliases.active ? json(*s.aliases.active) : json(nullptr)},
            {"candidate", s.aliases.candidate ? json(*s.aliases.candidate) : json(nullptr)},
            {"window_chunks", s.window_chunks},
            {"window_rows", s.window_rows},
            {"offsets", OffsetListJson(s.offsets)},
            {"paused", s.state.paused}};
  return j;
}

void PrintSummary(const PipelineSummary& s) {
  std::cout << s.name << (s.state.paused ? " (paused)" : "") << ": latest v" << s.latest_version
            << ", active " << OptionalNumber(s.aliases.active) << ", candidate "
            << OptionalNumber(s.aliases.candidate) << ", window " << s.window_rows << " rows in "
            << s.window_chunks << " chunks";
  for (const auto& o : s.offsets) {
    std::cout << ", " << o.topic << "/" << o.partition << "@" << o.next_offset;
  }
  std::cout << '\n';
}

int RunInspect(const std::string& db, const std::string& pipeline, size_t limit, bool as_json) {
  auto follower = StoreFollower::Open(db);
  if (!follower) return Fail(follower.error());
  FeatureSetStore& store = (*follower)->store();
  auto names = store.ListPipelines();
  if (!names) return Fail(names.error());
  if (!pipeline.empty() && std::find(names->begin(), names->end(), pipeline) == names->end()) {
    return Fail(Status::NotFound("pipeline \"" + pipeline + "\" is not in the store at " + db));
  }
  json out = json::array();
  for (const std::string& name : *names) {
    if (!pipeline.empty() && name != pipeline) continue;
    auto summary = store.Summarize(name);
    if (!summary) return Fail(summary.error());
    json j = SummaryJson(*summary);
    if (!as_json) PrintSummary(*summary);
    if (!pipeline.empty()) {
      auto page = store.History(name, {.before = 0, .limit = limit});
      if (!page) return Fail(page.error());
      j["versions"] = json::array();
      for (const FeatureSetVersion& v : page->versions) {
        j["versions"].push_back(json::parse(EncodeVersionJson(v)));
        if (!as_json) {
          std::cout << "  v" << v.version << "  " << FeatureSetStateName(v.state) << "  "
                    << v.features.size() << " features  parent " << v.parent << "  " << v.algorithm
                    << "  " << v.reason << '\n';
        }
      }
      j["unreadable"] = json::array();
      for (const UnreadableVersion& u : page->unreadable) {
        j["unreadable"].push_back({{"version", u.version}, {"error", u.error.ToString()}});
        if (!as_json)
          std::cout << "  v" << u.version << "  UNREADABLE: " << u.error.ToString() << '\n';
      }
    }
    out.push_back(std::move(j));
  }
  if (as_json) std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
  return kExitOk;
}

int RunBackup(const std::string& db, const std::string& to) {
  auto id = BackupStore(db, to);
  if (!id) return Fail(id.error());
  std::cout << "backup " << *id << " of " << db << " written to " << to << '\n';
  return kExitOk;
}

int RunRestore(const std::string& from, const std::string& db, std::optional<uint32_t> id,
               bool force) {
  Status s = RestoreStore(from, db, {.backup_id = id, .overwrite = force});
  if (!s.ok()) return Fail(s);
  std::cout << "restored " << db << " from " << from
            << (id ? " backup " + std::to_string(*id) : std::string(" (latest backup)")) << '\n';
  return kExitOk;
}

int RunVerify(const std::string& db, const std::string& backup) {
  if (db.empty() == backup.empty()) {
    std::cerr << "sievectl store verify: give exactly one of --db or --backup\n";
    return kExitUsage;
  }
  if (!backup.empty()) {
    auto checks = VerifyBackups(backup);
    if (!checks) return Fail(checks.error());
    bool all_ok = true;
    for (const BackupCheck& c : *checks) {
      std::cout << "backup " << c.id << ": " << c.files << " files, " << c.size_bytes
                << " bytes: " << (c.status.ok() ? "ok" : c.status.ToString()) << '\n';
      all_ok = all_ok && c.status.ok();
    }
    return all_ok ? kExitOk : kExitFailure;
  }
  auto problems = VerifyStore(db);
  if (!problems) return Fail(problems.error());
  for (const Status& p : *problems) std::cout << p.ToString() << '\n';
  if (!problems->empty()) {
    std::cerr << db << ": " << problems->size() << " problem(s)\n";
    return kExitFailure;
  }
  std::cout << "ok: " << db << '\n';
  return kExitOk;
}

}  // namespace

void AddStoreCommand(CLI::App& app, int* exit_code) {
  CLI::App* store =
      app.add_subcommand("store", "Inspect, back up, restore and verify a feature-set store");
  store->require_subcommand(1);

  struct Flags {
    std::string db, to, from, backup, pipeline;
    size_t limit = 20;
    bool json = false;
    bool force = false;
    std::optional<uint32_t> backup_id;
  };
  auto f = std::make_shared<Flags>();

  CLI::App* inspect = store->add_subcommand(
      "inspect",
      "List pipelines, versions, aliases, window and offsets (read-only, safe while sieved runs)");
  inspect->add_option("--db", f->db, "Store directory")->required();
  inspect->add_option("--pipeline", f->pipeline, "Show this pipeline's version history");
  inspect->add_option("--limit", f->limit, "Versions to show with --pipeline (newest first)")
      ->check(CLI::PositiveNumber);
  inspect->add_flag("--json", f->json, "Print JSON");
  inspect->callback(
      [f, exit_code] { *exit_code = RunInspect(f->db, f->pipeline, f->limit, f->json); });

  CLI::App* backup = store->add_subcommand("backup", "Write a new incremental, checksummed backup");
  backup->add_option("--db", f->db, "Store directory (not in use by sieved)")->required();
  backup->add_option("--to", f->to, "Backup directory (created if needed)")->required();
  backup->callback([f, exit_code] { *exit_code = RunBackup(f->db, f->to); });

  CLI::App* restore = store->add_subcommand("restore", "Restore a store from a backup");
  restore->add_option("--from", f->from, "Backup directory")->required();
  restore->add_option("--db", f->db, "Store directory to create")->required();
  restore->add_option("--backup-id", f->backup_id, "Backup to restore (default: latest)");
  restore->add_flag("--force", f->force, "Replace an existing store at --db");
  restore->callback(
      [f, exit_code] { *exit_code = RunRestore(f->from, f->db, f->backup_id, f->force); });

  CLI::App* verify = store->add_subcommand("verify", "Check a store (or its backups) for damage");
  verify->add_option("--db", f->db, "Store directory (safe while sieved runs)");
  verify->add_option("--backup", f->backup, "Backup directory");
  verify->callback([f, exit_code] { *exit_code = RunVerify(f->db, f->backup); });
}

}  // namespace sieve::cli
