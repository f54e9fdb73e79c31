// sieve-kafka-dev: starts librdkafka's mock Kafka cluster on loopback, prints its
// bootstrap servers, creates topics, and takes brokers down and up on command
// (see dev_commands.h). For demos and tests only.
//
//   sieve-kafka-dev --brokers 3 --topic features:8 --topic feature-sets
//   bootstrap.servers=127.0.0.1:40123,127.0.0.1:40125,127.0.0.1:40127
//   ready
//   > down 2
//   ok broker 2 down
//
// Exits on "quit", at the end of standard input, or, with --wait-for-signal, on
// SIGINT/SIGTERM only (for running in the background).
#include <signal.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "connectors/kafka/embedded_kafka.h"
#include "daemon/sieve_kafka_dev/dev_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Embedded Kafka (librdkafka mock cluster) on loopback, for demos and tests"};
  int brokers = 1;
  std::vector<std::string> topics;
  std::string bootstrap_file;
  bool wait_for_signal = false;
  app.add_option("--brokers", brokers, "Number of brokers")->check(CLI::Range(1, 64));
  app.add_option("--topic", topics, "Topic to create, as name[:partitions] (repeatable)");
  app.add_option("--bootstrap-file", bootstrap_file, "Also write the bootstrap servers to this file");
  app.add_flag("--wait-for-signal", wait_for_signal,
               "Ignore standard input; run until SIGINT or SIGTERM");
  CLI11_PARSE(app, argc, argv);

  // Block the stop signals before any librdkafka thread starts, so that sigwait
  // below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (wait_for_signal) pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto kafka = sieve::EmbeddedKafka::Create({.brokers = brokers});
  if (!kafka.has_value()) {
    std::cerr << "sieve-kafka-dev: " << kafka.error().ToString() << "\n";
    return 1;
  }
  for (const auto& spec : topics) {
    auto topic = sieve::ParseTopicSpec(spec);
    sieve::Status status = topic.has_value()
                               ? (*kafka)->CreateTopic(topic->name, topic->partitions)
                               : topic.error();
    if (!status.ok()) {
      std::cerr << "sieve-kafka-dev: " << status.ToString() << "\n";
      return 2;
    }
  }
  const std::string bootstrap = (*kafka)->bootstrap_servers();
  if (!bootstrap_file.empty()) {
    std::ofstream out(bootstrap_file);
    out << bootstrap << "\n";
    if (!out) {
      std::cerr << "sieve-kafka-dev: cannot write --bootstrap-file " << bootstrap_file << "\n";
      return 2;
    }
  }
  std::cout << "bootstrap.servers=" << bootstrap << "\nready" << std::endl;

  if (wait_for_signal) {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    return 0;
  }
  bool quit = false;
  for (std::string line; !quit && std::getline(std::cin, line);) {
    auto reply = sieve::RunDevCommand(**kafka, line, &quit);
    if (reply.has_value()) {
      if (!reply->empty()) std::cout << *reply << std::endl;
    } else {
      std::cout << "error: " << reply.error().message() << std::endl;
    }
  }
  return 0;
}
