// Ingest throughput, side by side with kcat.
//
// Starts an EmbeddedKafka, fills one topic with JSON records of 50 numeric
// features (plus a label), then alternately
//   - runs `kcat -C -e -o beginning` on the topic (raw consume, payloads to a pipe
//     that this program drains and counts), and
//   - consumes the topic with KafkaFeatureSource (consumer group, JSON decoding into
//     a RecordBatch, offsets acknowledged after every poll),
// and prints records/s for both, each timed from its first record (the first byte
// kcat writes to the pipe; the first row sieve decodes) to its last: steady ingest,
// the figures compared. kcat's whole process run and sieve's run from Create (which
// includes joining the consumer group, delayed by the mock broker's initial
// rebalance delay) are shown too.
//
// SIEVE_BENCH_DEBUG=1 also prints sieve's progress and the process CPU time of each
// sieve run (to tell CPU cost from waiting on the broker).
//
// The mock broker keeps at most 5 MiB per partition: records x size / partitions
// must stay below that, which the program checks.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "connectors/kafka/embedded_kafka.h"
#include "connectors/kafka/kafka_feature_source.h"

namespace {

using Clock = std::chrono::steady_clock;
using sieve::Status;

constexpr int kFeatures = 50;
constexpr size_t kMockPartitionBytes = 5 << 20;

struct Flags {
  int partitions = 64;
  int records = 320000;
  int repetitions = 3;
  // librdkafka properties given to both consumers (kcat -X and KafkaSourceOptions).
  std::vector<std::pair<std::string, std::string>> properties;
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::vector<std::string> MakeRecords(int n) {
  std::mt19937 rng(42);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::string> records;
  records.reserve(n);
  char number[32];
  for (int i = 0; i < n; ++i) {
    std::string r = "{";
    for (int f = 0; f < kFeatures; ++f) {
      std::snprintf(number, sizeof(number), "\"f%d\": %.6f, ", f, normal(rng));
      r += number;
    }
    r += "\"label\": " + std::to_string(i % 2) + "}";
    records.push_back(std::move(r));
  }
  return records;
}

// Spreads the records round-robin so that every partition holds the same share.
Status Produce(const std::string& bootstrap, const std::string& topic, int partitions,
               const std::vector<std::string>& records) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  conf->set("bootstrap.servers", bootstrap, error);
  conf->set("linger.ms", "20", error);
  conf->set("queue.buffering.max.messages", "1000000", error);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  if (!producer) return Status::Internal("producer: " + error);
  for (size_t i = 0; i < records.size(); ++i) {
    while (true) {
      auto err = producer->produce(topic, static_cast<int32_t>(i % partitions),
                                   RdKafka::Producer::RK_MSG_COPY,
                                   const_cast<char*>(records[i].data()), records[i].size(),
                                   nullptr, 0, 0, nullptr, nullptr);
      if (err == RdKafka::ERR__QUEUE_FULL) {
        producer->poll(10);
        continue;
      }
      if (err != RdKafka::ERR_NO_ERROR) return Status::Internal("produce: " + RdKafka::err2str(err));
      break;
    }
  }
  if (producer->flush(60000) != RdKafka::ERR_NO_ERROR) return Status::Internal("flush timed out");
  return Status::Ok();
}

struct KcatRun {
  double total_seconds = 0;   // the whole process
  double ingest_seconds = 0;  // from the first byte it wrote
  long records = -1;
};

// Runs kcat over the whole topic.
// `group` empty: `kcat -C` (no consumer group); otherwise `kcat -G group`, which
// consumes through librdkafka's consumer-group path like KafkaFeatureSource.
KcatRun RunKcat(const std::string& bootstrap, const std::string& topic, const Flags& flags,
               const std::string& group = "") {
  std::string command =
      group.empty()
          ? std::string(SIEVE_KCAT) + " -C -b " + bootstrap + " -t " + topic + " -o beginning -e -q"
          : std::string(SIEVE_KCAT) + " -b " + bootstrap + " -G " + group +
                " -X auto.offset.reset=earliest -e -q " + topic;
  for (const auto& [key, value] : flags.properties) command += " -X " + key + "=" + value;
  const auto start = Clock::now();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  static char buffer[1 << 20];
  long lines = 0;
  Clock::time_point first;
  ssize_t n;
  // read(2), not fread: the first chunk is seen as soon as kcat writes it.
  while ((n = read(fileno(pipe), buffer, sizeof(buffer))) > 0) {
    if (first == Clock::time_point()) first = Clock::now();
    lines += std::count(buffer, buffer + n, '\n');
  }
  const auto end = Clock::now();
  const int rc = pclose(pipe);
  KcatRun out;
  out.total_seconds = Seconds(end - start);
  out.ingest_seconds = Seconds(end - first);
  out.records = rc == 0 ? lines : -1;
  return out;
}

struct SieveRun {
  double total_seconds = 0;   // from Create
  double ingest_seconds = 0;  // from the first record
  long records = -1;
};

SieveRun RunSieve(const std::string& bootstrap, const std::string& topic, int expected, int run,
                  const Flags& flags) {
  SieveRun out;
  sieve::JsonDecoderOptions decoder_options;
  for (int f = 0; f < kFeatures; ++f) decoder_options.schema.numeric_features.push_back("f" + std::to_string(f));
  decoder_options.schema.label_field = "label";
  auto decoder = sieve::CreateJsonDecoder(decoder_options);
  sieve::KafkaSourceOptions options;
  options.bootstrap_servers = bootstrap;
  options.group_id = "bench-" + std::to_string(run);
  options.topics = {topic};
  options.statistics_interval_ms = 0;
  for (const auto& [key, value] : flags.properties) options.properties[key] = value;
  rusage before_usage;
  getrusage(RUSAGE_SELF, &before_usage);
  const auto start = Clock::now();
  auto source = sieve::KafkaFeatureSource::Create(options, std::move(decoder).value());
  if (!source.has_value()) {
    std::fprintf(stderr, "source: %s\n", source.error().ToString().c_str());
    return out;
  }
  sieve::RecordBatch batch(kFeatures, 0);
  batch.Reserve(expected);
  Clock::time_point first;
  const auto deadline = start + std::chrono::seconds(60);
  while (batch.rows() < static_cast<size_t>(expected) && Clock::now() < deadline) {
    const size_t before = batch.rows();
    auto result = (*source)->Poll(batch, 10000, std::chrono::milliseconds(100));
    if (!result.has_value()) {
      std::fprintf(stderr, "poll: %s\n", result.error().ToString().c_str());
      break;
    }
    if (before == 0 && batch.rows() > 0) first = Clock::now();
    if (getenv("SIEVE_BENCH_DEBUG") && batch.rows() / 20000 != before / 20000) {
      std::fprintf(stderr, "  %.3f s: %zu rows\n", Seconds(Clock::now() - first), batch.rows());
    }
    (void)(*source)->Acknowledge(result->position);
  }
  const auto end = Clock::now();
  if (getenv("SIEVE_BENCH_DEBUG")) {
    rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    auto cpu = [](const rusage& u) {
      return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
             u.ru_stime.tv_usec / 1e6;
    };
    std::fprintf(stderr, "process cpu during sieve run: %.3f s\n", cpu(usage) - cpu(before_usage));
  }
  out.records = static_cast<long>(batch.rows());
  out.total_seconds = Seconds(end - start);
  out.ingest_seconds = Seconds(end - first);
  (void)(*source)->Close();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const int value = std::atoi(argv[i + 1]);
    const std::string text = argv[i + 1];
    if (name == "--property" && text.find('=') != std::string::npos) {
      flags.properties.emplace_back(text.substr(0, text.find('=')), text.substr(text.find('=') + 1));
    } else if (name == "--partitions") flags.partitions = value;
    else if (name == "--records") flags.records = value;
    else if (name == "--repetitions") flags.repetitions = value;
    else {
      std::fprintf(stderr, "usage: %s [--partitions N] [--records N] [--repetitions N] "
                   "[--property key=value]...\n", argv[0]);
      return 2;
    }
  }
  const std::vector<std::string> records = MakeRecords(flags.records);
  size_t bytes = 0;
  for (const auto& r : records) bytes += r.size();
  const double mean_bytes = static_cast<double>(bytes) / records.size();
  if (bytes / flags.partitions > kMockPartitionBytes * 9 / 10) {
    std::fprintf(stderr, "%.1f MiB per partition exceeds what the mock broker keeps; use more "
                 "partitions or fewer records\n", bytes / flags.partitions / 1048576.0);
    return 2;
  }
  auto kafka = sieve::EmbeddedKafka::Create();
  if (!kafka.has_value() || !(*kafka)->CreateTopic("ingest", flags.partitions).ok()) {
    std::fprintf(stderr, "cannot start the embedded broker\n");
    return 1;
  }
  const std::string bootstrap = (*kafka)->bootstrap_servers();
  if (Status s = Produce(bootstrap, "ingest", flags.partitions, records); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("topic: %d records x %.0f bytes (%d numeric features + label), %d partitions, "
              "%.1f MiB\n\n", flags.records, mean_bytes, kFeatures, flags.partitions,
              bytes / 1048576.0);

  std::vector<double> kcat_rates, kcat_total_rates, kcat_group_rates, sieve_rates, sieve_total_rates;
  for (int run = 0; run < flags.repetitions; ++run) {
    const KcatRun kcat = RunKcat(bootstrap, "ingest", flags);
    const KcatRun group = RunKcat(bootstrap, "ingest", flags, "kcat-bench-" + std::to_string(run));
    SieveRun s = RunSieve(bootstrap, "ingest", flags.records, run, flags);
    if (kcat.records != flags.records || group.records != flags.records ||
        s.records != flags.records) {
      std::fprintf(stderr, "run %d: incomplete (kcat -C %ld, kcat -G %ld, sieve %ld of %d)\n", run,
                   kcat.records, group.records, s.records, flags.records);
      return 1;
    }
    kcat_rates.push_back(flags.records / kcat.ingest_seconds);
    kcat_total_rates.push_back(flags.records / kcat.total_seconds);
    kcat_group_rates.push_back(flags.records / group.total_seconds);
    sieve_rates.push_back(flags.records / s.ingest_seconds);
    sieve_total_rates.push_back(flags.records / s.total_seconds);
    std::printf("run %d: from first record: kcat -C %.3f s, sieve %.3f s | whole run: kcat -C %.3f s, "
                "kcat -G %.3f s, sieve from Create %.3f s\n", run, kcat.ingest_seconds,
                s.ingest_seconds, kcat.total_seconds, group.total_seconds, s.total_seconds);
  }
  auto best = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  auto row = [&](const char* name, const std::vector<double>& rates, double reference) {
    std::printf("%-56s %12.0f %12.0f %8.0f%%\n", name, best(rates), median(rates),
                100.0 * best(rates) / reference);
  };
  const double kcat_best = best(kcat_rates);
  std::printf("\n%-56s %12s %12s %9s\n", "consumer", "best rec/s", "median rec/s", "ratio");
  row("kcat -C, from first record (no group, raw payloads)", kcat_rates, kcat_best);
  row("sieve, from first record (group, JSON -> columns)", sieve_rates, kcat_best);
  row("kcat -C, whole run (process start-up included)", kcat_total_rates, kcat_best);
  std::printf("\n");
  row("kcat -G, whole run (group incl. join, raw payloads)", kcat_group_rates, best(kcat_group_rates));
  row("sieve, from Create (group incl. join, JSON -> columns)", sieve_total_rates,
      best(kcat_group_rates));
  std::printf("\ntarget: sieve >= 70%% of kcat -C, both from the first record -> %s\n",
              best(sieve_rates) >= 0.7 * kcat_best ? "met" : "NOT met");
  return 0;
}
