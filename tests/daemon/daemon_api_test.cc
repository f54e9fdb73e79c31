// The daemon in process on the embedded broker: records produced with kcat, versions
// trained and stored, and the whole HTTP surface exercised with curl on a free port.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "config/config_loader.h"
#include "daemon/ctr_generator.h"
#include "daemon/daemon.h"
#include "tests/daemon/http_test_client.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::Http;
using testing::HttpResult;
using testing::RunCommand;
using testing::TempDir;

constexpr char kToken[] = "s3cret-token";

constexpr char kDefaultSchedule[] = "{every_records: 100000, every: 1h, min_records: 3000}";

std::string ConfigText(const TempDir& dir, const std::string& schedule = kDefaultSchedule,
                       int window = 20000) {
  return R"(
daemon:
  data_dir: )" +
         dir.File("data") + R"(
  http: {listen: "127.0.0.1:0", max_body_bytes: 4096}
  admin_token_file: )" +
         dir.File("token") + R"(
  training_threads: 1
  shutdown_timeout: 10s
kafka:
  bootstrap_servers: embedded
  group_id: daemon-api-test
pipelines:
  - name: ctr
    topic: ctr-events
    label: {field: clicked, task: classification}
    features:
      - {name: device, kind: categorical, buckets: 16, embedding_dim: 4}
      - {name: hour_of_day}
      - {name: ad_position}
      - {name: user_age}
      - {name: user_ctr_7d}
      - {name: ad_ctr_7d}
      - {name: page_load_ms}
      - {name: noise_1}
      - {name: noise_2}
    selector: {k: 3, hidden_units: [16], steps_per_round: 300, seed: 3}
    window: {size: )" +
         std::to_string(window) + R"(, validation_fraction: 0.2}
    schedule: )" +
         schedule + R"(
    promotion: {max_regression: 0.01}
)";
}

class DaemonApiTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(kDefaultSchedule, 20000); }

  void Start(const std::string& schedule, int window) {
    std::ofstream(dir_.File("token")) << kToken << "\n";
    std::ofstream(dir_.File("sieve.yaml")) << ConfigText(dir_, schedule, window);
    ASSERT_OK_AND_ASSIGN(Config config, LoadConfig(dir_.File("sieve.yaml")));
    ASSERT_OK_AND_ASSIGN(
        daemon_,
        Daemon::Start({.config_path = dir_.File("sieve.yaml"), .clock = clock_.get()}, config));
    base_ = "http://127.0.0.1:" + std::to_string(daemon_->http_port());
  }

  void Produce(int count, int seed, const std::string& flags = "") {
    auto r = RunCommand(std::string(SIEVE_GENERATE_PATH) + " --count " + std::to_string(count) +
                        " --seed " + std::to_string(seed) + " " + flags + " | kcat -P -b " +
                        daemon_->embedded_bootstrap() + " -t ctr-events");
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }

  // Polls `url` until `done(body)` or 120 s pass.
  json WaitFor(const std::string& path, const std::function<bool(const json&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    json last;
    while (std::chrono::steady_clock::now() < deadline) {
      HttpResult r = Http("GET", base_ + path);
      if (r.status == 200) {
        last = json::parse(r.body, nullptr, false);
        if (!last.is_discarded() && done(last)) return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ADD_FAILURE() << "timed out waiting on " << path << ": " << last.dump();
    return last;
  }

  TempDir dir_;
  // Nullptr: the system clock. Set by fixtures that drive time by hand.
  std::unique_ptr<testing::FakeClock> clock_;
  std::unique_ptr<Daemon> daemon_;
  std::string base_;
};

TEST_F(DaemonApiTest, TrainsPlantedFeaturesAndServesTheApi) {
  Produce(4000, 11);
  json pipeline = WaitFor("/v1/pipelines/ctr", [](const json& p) {
    return p["active_version"] == 1 && p["records_ingested"] == 4000;
  });
  EXPECT_EQ(pipeline["records_ingested"], 4000) << pipeline.dump();

  HttpResult active = Http("GET", base_ + "/v1/pipelines/ctr/versions/active");
  ASSERT_EQ(active.status, 200) << active.body;
  json v1 = json::parse(active.body);
  std::vector<std::string> names;
  for (const auto& f : v1["features"]) names.push_back(f["name"]);
  EXPECT_THAT(names, ::testing::UnorderedElementsAreArray(CtrGenerator::PlantedBefore()));
  EXPECT_THAT(v1["reason"].get<std::string>(), HasSubstr("promoted"));

  // Mutating calls need the token.
  HttpResult no_token = Http("POST", base_ + "/v1/pipelines/ctr/retrain");
  EXPECT_EQ(no_token.status, 401);
  EXPECT_EQ(no_token.content_type, "application/problem+json");
  EXPECT_EQ(Http("POST", base_ + "/v1/pipelines/ctr/pause", "", "wrong").status, 401);

  // Malformed JSON is a 400 problem, and the daemon keeps serving.
  HttpResult malformed =
      Http("POST", base_ + "/v1/pipelines/ctr/promote", "{\"version\": ", kToken);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.content_type, "application/problem+json");
  EXPECT_EQ(json::parse(malformed.body)["status"], 400);
  EXPECT_EQ(Http("POST", base_ + "/v1/pipelines/ctr/promote", "[1]", kToken).status, 400);
  EXPECT_EQ(Http("POST", base_ + "/v1/pipelines/ctr/promote", "{\"version\": 99}", kToken).status,
            404);
  EXPECT_EQ(
      Http("POST", base_ + "/v1/pipelines/ctr/promote", std::string(5000, ' '), kToken).status,
      413);
  EXPECT_EQ(Http("GET", base_ + "/healthz").status, 200);

  // Retrain: 202 and an operation that completes with a new version.
  HttpResult retrain = Http("POST", base_ + "/v1/pipelines/ctr/retrain", "", kToken);
  ASSERT_EQ(retrain.status, 202) << retrain.body;
  const std::string op = json::parse(retrain.body)["id"];
  json done = WaitFor("/v1/operations/" + op, [](const json& o) {
    return o["state"] == "succeeded" || o["state"] == "failed";
  });
  EXPECT_EQ(done["state"], "succeeded") << done.dump();
  EXPECT_EQ(done["version"], 2);

  // Pause refuses retrains; resume allows them again.
  EXPECT_EQ(Http("POST", base_ + "/v1/pipelines/ctr/pause", "{\"reason\":\"maintenance\"}", kToken)
                .status,
            200);
  EXPECT_EQ(Http("POST", base_ + "/v1/pipelines/ctr/retrain", "", kToken).status, 409);
  json paused = json::parse(Http("GET", base_ + "/v1/pipelines/ctr").body);
  EXPECT_EQ(paused["paused"], true);
  EXPECT_EQ(paused["pause_reason"], "maintenance");
  EXPECT_EQ(Http("POST", base_ + "/v1/pipelines/ctr/resume", "", kToken).status, 200);

  // Rollback creates a new version copying v1; history is never rewritten.
  HttpResult rollback = Http("POST", base_ + "/v1/pipelines/ctr/rollback",
                             "{\"version\": 1, \"reason\": \"test\"}", kToken);
  ASSERT_EQ(rollback.status, 201) << rollback.body;
  json v3 = json::parse(rollback.body);
  EXPECT_EQ(v3["version"], 3);
  EXPECT_EQ(v3["parent"], 1);
  EXPECT_EQ(json::parse(Http("GET", base_ + "/v1/pipelines/ctr/versions/active").body)["version"],
            3);
  json history = json::parse(Http("GET", base_ + "/v1/pipelines/ctr/versions?limit=2").body);
  ASSERT_EQ(history["versions"].size(), 2u);
  EXPECT_EQ(history["versions"][0]["version"], 3);
  EXPECT_EQ(history["next_before"], 2);
  HttpResult diff = Http("GET", base_ + "/v1/pipelines/ctr/diff?from=1&to=3");
  ASSERT_EQ(diff.status, 200) << diff.body;
  EXPECT_EQ(json::parse(diff.body)["jaccard"], 1.0);
  EXPECT_EQ(Http("GET", base_ + "/v1/pipelines/ctr/diff?from=banana").status, 400);

  // Promote an explicit version.
  HttpResult promote =
      Http("POST", base_ + "/v1/pipelines/ctr/promote", "{\"version\": 2}", kToken);
  ASSERT_EQ(promote.status, 200) << promote.body;
  EXPECT_EQ(json::parse(Http("GET", base_ + "/v1/pipelines/ctr").body)["active_version"], 2);

  // Probes, metrics, status page, unknown routes.
  EXPECT_EQ(Http("GET", base_ + "/readyz").status, 200);
  HttpResult metrics = Http("GET", base_ + "/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("sieve_records_consumed_total{pipeline=\"ctr\"} 4000"));
  EXPECT_THAT(metrics.body, HasSubstr("sieve_active_version{pipeline=\"ctr\"} 2"));
  EXPECT_THAT(metrics.body, HasSubstr("sieve_retrain_duration_seconds_bucket"));
  EXPECT_THAT(metrics.body, HasSubstr("process_resident_memory_bytes"));
  HttpResult page = Http("GET", base_ + "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("Active version v2"));
  EXPECT_THAT(page.body, HasSubstr("class=bar"));
  EXPECT_EQ(Http("GET", base_ + "/v1/pipelines/nope").status, 404);
  EXPECT_EQ(Http("GET", base_ + "/v1/pipelines/ctr/versions/banana").status, 400);
}

TEST_F(DaemonApiTest, FailedTrainingIsRecordedAndRetriedWithBackoff) {
  {
    std::ofstream records(dir_.File("records.json"));
    for (int i = 0; i < 3000; ++i) {
      records << "{\"device\":\"mobile\",\"hour_of_day\":" << i % 24
              << ",\"ad_position\":1,\"user_age\":30,\"user_ctr_7d\":0.1,\"ad_ctr_7d\":0.1,"
                 "\"page_load_ms\":100,\"noise_1\":0,\"noise_2\":0,\"clicked\":0}\n";
    }
  }
  auto r = RunCommand("kcat -P -b " + daemon_->embedded_bootstrap() + " -t ctr-events -l " +
                      dir_.File("records.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json failed = WaitFor("/v1/pipelines/ctr", [](const json& p) {
    return p["consecutive_failures"].get<int>() >= 2;  // the first failure and one retry
  });
  EXPECT_EQ(failed["last_training"]["ok"], false);
  EXPECT_EQ(failed["last_training"]["trigger"], "retry");
  EXPECT_THAT(failed["last_training"]["error"].get<std::string>(), HasSubstr("single label value"));
  EXPECT_THAT(failed["last_error"].get<std::string>(), HasSubstr("train"));
  EXPECT_EQ(failed["active_version"], 0);
  const std::string metrics = daemon_->MetricsText();
  EXPECT_THAT(metrics,
              ::testing::ContainsRegex("sieve_retrain_failures_total\\{pipeline=\"ctr\"\\} [2-9]"));
  EXPECT_EQ(Http("GET", base_ + "/healthz").status, 200);
}

class DaemonDriftTest : public DaemonApiTest {
 protected:
  void SetUp() override {
    // A window of 4000 rows holds only the new regime once 4000 drifted records arrived.
    Start("{every_records: 0, every: 1h, min_records: 3000, drift: {psi_threshold: 0.3}}", 4000);
  }
};

TEST_F(DaemonDriftTest, DriftTriggersAVersionWithTheNewFeatures) {
  Produce(3000, 21);
  WaitFor("/v1/pipelines/ctr", [](const json& p) { return p["active_version"] == 1; });
  // Paused while the drifted records arrive (ingest goes on, training waits), so the
  // drift-triggered training sees a window wholly in the new regime, not whatever part
  // of it had arrived when the PSI first crossed the threshold.
  ASSERT_EQ(Http("POST", base_ + "/v1/pipelines/ctr/pause", "", kToken).status, 200);
  Produce(4000, 22, "--drift-after 1");
  WaitFor("/v1/pipelines/ctr", [](const json& p) { return p["records_consumed"].get<int64_t>() >= 7000; });
  ASSERT_EQ(Http("POST", base_ + "/v1/pipelines/ctr/resume", "", kToken).status, 200);
  json active = WaitFor("/v1/pipelines/ctr/versions/active", [](const json& v) {
    return v["hyperparameters"]["trigger"].get<std::string>().rfind("drift: PSI", 0) == 0 &&
           v["features"].size() == 3;
  });
  std::vector<std::string> names;
  for (const auto& f : active["features"]) names.push_back(f["name"]);
  EXPECT_THAT(names, ::testing::UnorderedElementsAreArray(CtrGenerator::PlantedAfter()));
  EXPECT_THAT(active["reason"].get<std::string>(), HasSubstr("promoted"));
}

class DaemonScheduleTest : public DaemonApiTest {
 protected:
  void SetUp() override {
    clock_ = std::make_unique<testing::FakeClock>();
    Start("{every_records: 0, every: 1h, min_records: 3000}", 20000);
  }
};

TEST_F(DaemonScheduleTest, TimeTriggerFollowsTheInjectedClock) {
  Produce(3000, 31);
  WaitFor("/v1/pipelines/ctr", [](const json& p) { return p["latest_version"] == 1; });
  HttpResult v1 = Http("GET", base_ + "/v1/pipelines/ctr/versions/1");
  EXPECT_EQ(json::parse(v1.body)["created_at_unix_ms"], clock_->WallMicros() / 1000)
      << "versions are stamped with the injected clock";
  clock_->Advance(std::chrono::minutes(59));
  // Ingest keeps polling; with the clock stopped short of the period nothing fires.
  WaitFor("/v1/pipelines/ctr", [](const json& p) { return p["records_ingested"] == 3000; });
  EXPECT_EQ(json::parse(Http("GET", base_ + "/v1/pipelines/ctr").body)["latest_version"], 1);
  clock_->Advance(std::chrono::minutes(1));
  json v2 =
      WaitFor("/v1/pipelines/ctr/versions/latest", [](const json& v) { return v["version"] == 2; });
  EXPECT_EQ(v2["hyperparameters"]["trigger"], "schedule period elapsed");
}

TEST_F(DaemonApiTest, ReloadKeepsTheOldConfigWhenTheNewOneIsBroken) {
  std::ofstream(dir_.File("sieve.yaml")) << ConfigText(dir_) << "    bogus_key: 1\n";
  Status reload = daemon_->Reload();
  EXPECT_EQ(reload.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(reload.message(), HasSubstr("bogus_key"));
  HttpResult api = Http("POST", base_ + "/v1/reload", "", kToken);
  EXPECT_EQ(api.status, 422);
  EXPECT_THAT(daemon_->MetricsText(), HasSubstr("sieve_config_reload_success 0"));
  ASSERT_NE(daemon_->FindPipeline("ctr"), nullptr);

  // A valid change (a second pipeline) applies.
  std::string text = ConfigText(dir_);
  text += R"(  - name: second
    topic: other-events
    label: {field: clicked}
    features: [{name: noise_1}, {name: noise_2}]
    selector: {k: 1}
    schedule: {min_records: 100}
)";
  std::ofstream(dir_.File("sieve.yaml")) << text;
  EXPECT_OK(daemon_->Reload());
  EXPECT_NE(daemon_->FindPipeline("second"), nullptr);
  EXPECT_THAT(daemon_->MetricsText(), HasSubstr("sieve_config_reload_success 1"));
}

}  // namespace
}  // namespace sieve
