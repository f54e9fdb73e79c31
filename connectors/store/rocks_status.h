// Conversion of RocksDB statuses into sieve's Status at the connector edge.
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "core/status.h"

namespace sieve {

// Maps a RocksDB status to the code saying what the caller should do (no space ->
// kResourceExhausted, busy -> kUnavailable, corruption -> kCorruption, ...), with
// message "<context>: <RocksDB's message>". ok maps to ok.
Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace sieve
