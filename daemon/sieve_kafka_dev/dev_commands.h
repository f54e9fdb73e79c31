// The line commands of sieve-kafka-dev, read from standard input:
//   topic <name> <partitions> [replication]   create a topic
//   down <broker-id> / up <broker-id>         take a broker down / bring it back
//   bootstrap                                  print the bootstrap servers again
//   help, quit
#pragma once

#include <string>
#include <string_view>

#include "connectors/kafka/embedded_kafka.h"
#include "core/status.h"

namespace sieve {

// Parses a "name[:partitions]" topic argument (partitions default 1).
// InvalidArgument naming the argument when malformed.
struct TopicSpec {
  std::string name;
  int partitions = 1;
};
Result<TopicSpec> ParseTopicSpec(std::string_view spec);

// Runs one command line against `kafka`. Returns the reply to print ("ok ...");
// InvalidArgument (naming the command and what is wrong) for a bad line. Sets
// *quit for "quit".
Result<std::string> RunDevCommand(EmbeddedKafka& kafka, std::string_view line, bool* quit);

}  // namespace sieve
