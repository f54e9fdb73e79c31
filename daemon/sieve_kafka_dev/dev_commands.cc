#include "daemon/sieve_kafka_dev/dev_commands.h"

#include <charconv>
#include <sstream>
#include <vector>

namespace sieve {
namespace {

constexpr char kHelp[] =
    "commands: topic <name> <partitions> [replication] | down <broker> | up <broker> | "
    "bootstrap | help | quit";

Result<int> ParseInt(std::string_view text, std::string_view what) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Err(Status::InvalidArgument(std::string(what) + ": '" + std::string(text) +
                                       "' is not an integer"));
  }
  return value;
}

}  // namespace

Result<TopicSpec> ParseTopicSpec(std::string_view spec) {
  TopicSpec topic;
  const size_t colon = spec.rfind(':');
  topic.name = std::string(spec.substr(0, colon));
  if (colon != std::string_view::npos) {
    SIEVE_ASSIGN_OR_RETURN(topic.partitions,
                           ParseInt(spec.substr(colon + 1), "--topic " + std::string(spec)));
  }
  if (topic.name.empty()) {
    return Err(Status::InvalidArgument("--topic '" + std::string(spec) + "': empty topic name"));
  }
  return topic;
}

Result<std::string> RunDevCommand(EmbeddedKafka& kafka, std::string_view line, bool* quit) {
  std::istringstream in{std::string(line)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty()) return std::string();
  const std::string& command = words[0];
  if (command == "quit" || command == "exit") {
    *quit = true;
    return std::string("ok bye");
  }
  if (command == "help") return std::string(kHelp);
  if (command == "bootstrap") return "bootstrap.servers=" + kafka.bootstrap_servers();
  if (command == "topic") {
    if (words.size() < 3 || words.size() > 4) {
      return Err(Status::InvalidArgument("topic: usage: topic <name> <partitions> [replication]"));
    }
    SIEVE_ASSIGN_OR_RETURN(int partitions, ParseInt(words[2], "topic: partitions"));
    int replication = 1;
    if (words.size() == 4) {
      SIEVE_ASSIGN_OR_RETURN(replication, ParseInt(words[3], "topic: replication"));
    }
    SIEVE_RETURN_IF_ERROR(kafka.CreateTopic(words[1], partitions, replication));
    return "ok topic " + words[1] + " partitions=" + std::to_string(partitions);
  }
  if (command == "down" || command == "up") {
    if (words.size() != 2) return Err(Status::InvalidArgument(command + ": usage: " + command + " <broker>"));
    SIEVE_ASSIGN_OR_RETURN(int broker, ParseInt(words[1], command + ": broker"));
    SIEVE_RETURN_IF_ERROR(command == "down" ? kafka.SetBrokerDown(broker) : kafka.SetBrokerUp(broker));
    return "ok broker " + std::to_string(broker) + " " + command;
  }
  return Err(Status::InvalidArgument("unknown command '" + command + "'; " + kHelp));
}

}  // namespace sieve
